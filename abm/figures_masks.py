"""Maps of the building zones (environment.building_zones): one figure per zone, drawn with
the map helpers of :mod:`abm.figures`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from abm.figures import map_categories, map_values
from environment import building_zones as bz

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Colours of the zone maps: land outside the zone, the zone.
ZONE_COLOURS = {1: "#e8e8e8", 2: "#c2185b"}
#: Titles of the zone figures by file stem.
ZONE_TITLES = {
    "uiterwaarden": "Uiterwaarden (WBS-10)",
    "dike_reservation": "Reservation along primary flood defences (WBS-11)",
    "future_water_space": "Future water space: river reservations and storage (WBS-22)",
    "industrial_contour": "Five industrial clusters and their contour (KC-51)",
    "datacentre_areas": "Hyperscale datacentre areas (DATACENTRA-HYPERSCALE)",
    "any_building_zone": "Any building zone (union, with water storage and reserved)",
}


def building_zone_maps(model: RegionModel) -> dict[str, np.ndarray]:
    """Each zone of the run (bool, grid shape), with the run's instrument parameters where it
    has them; future water space with this year's water storage."""
    params = bz.instrument_zone_parameters(model)
    out = {name: bz.zone(model, name, **params.get(name, {}))
           for name in ("uiterwaarden", "dike_reservation", "industrial_contour")}
    out["future_water_space"] = bz.future_water_space(
        model, **params.get("river_reservation", {}))
    out["datacentre_areas"] = bz.zone(model, "datacentre_areas",
                                      **params.get("datacentre_areas", {}))
    out["any_building_zone"] = bz.any_building_zone(model)
    return out


def draw_building_zones(model: RegionModel, out_dir: Path) -> list[Path]:
    """Draw every zone as a map (land grey, zone red) and the WBS-21 risk score into
    ``out_dir``; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    land = model.landscape["land_mask"]
    ha = model.landscape.grid.cell_area_ha
    paths = []
    for name, cells in building_zone_maps(model).items():
        path = out_dir / f"map_zone_{name}.png"
        values = np.where(cells & land, 2, np.where(land, 1, 0)).astype(np.uint8)
        area = float((cells & land).sum() * ha)
        map_categories(values, model, path, f"{ZONE_TITLES[name]}: {area:,.0f} ha",
                       {1: "land", 2: "zone"}, ZONE_COLOURS)
        paths.append(path)
    path = out_dir / "map_zone_risk_score.png"
    map_values(bz.risk(model), model, path, f"Building risk score (WBS-21) {model.year}",
               "risk score [0-1]", cmap="magma_r")
    paths.append(path)
    return paths
