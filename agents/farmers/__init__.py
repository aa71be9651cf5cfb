"""Farmers: the synthetic farm population (state, initialisation from the census, placement).

The decision kernel, the land market and the instruments of the landbouw-natuur transition
follow (see docs/farmers.md for what is built).
"""

from __future__ import annotations

import numpy as np

from agents.farmers import finance
from agents.farmers.census import FIRST_YEAR, LAST_YEAR, census, nature_management
from agents.farmers.land_prices import start_prices_eur_ha
from agents.farmers.placement import SOILS, place
from agents.farmers.population import synthesise_province
from agents.farmers.state import FarmState
from environment.landscape import Landscape


def base_census_year(start_year: int) -> int:
    """The census the farms start from: the year before the first simulated year, within the
    definitive census years."""
    return int(np.clip(start_year - 1, FIRST_YEAR, LAST_YEAR))


def set_soil(farms: FarmState, landscape: Landscape) -> None:
    """Each farm's soil: that of its farmstead's cell (0 where it has none), in place."""
    if tuple(landscape.codes("soil")) != SOILS:
        raise ValueError(f"the landscape's soil codes {landscape.codes('soil')} differ from "
                         f"the farmer model's {SOILS}")
    cells = farms.farmstead_cell
    soil = landscape["soil_id"].ravel()[np.maximum(cells, 0)]
    farms.soil_id = np.where(cells >= 0, soil, 0).astype(np.uint8)


def create_farms(
    landscape: Landscape, census_year: int, rng: np.random.Generator,
    n2000_distance_m: np.ndarray | None = None,
    finance_rng: np.random.Generator | None = None,
) -> tuple[FarmState, np.ndarray]:
    """The farms of every province in ``landscape``, calibrated and placed.

    ``n2000_distance_m`` (grid shape) is the distance to Natura 2000 that placement avoids; by
    default measured on ``landscape`` (a regional run passes the national one, cut, so that areas
    across its border count).

    With ``finance_rng`` (the run's ``finance`` stream) every farm gets its balance sheet
    (:func:`agents.farmers.finance.initialise`), drawn after and apart from everything else, so
    the farms are the same bits with or without it; without it the balance sheets stay empty.

    Returns
    -------
    farms : FarmState
    unplaced_ha : ndarray of float64
        Hectares per farm that found no room in its province (0 when the map holds the census).
    """
    table = census(census_year)
    managed = nature_management()
    codes = landscape.codes("province")
    present = np.unique(landscape["province_id"][landscape["land_mask"]])
    parts, areas = [], {}
    for pid in present[present > 0].tolist():
        code = codes[pid - 1]
        row = table.loc[code]
        # 80807ned is for 2023 only; other years scale it with the number of holdings.
        scale = row.farms / census(2023).loc[code].farms
        nature = round(managed.loc[code].farms_with_agri_nature_mgmt_all_types * scale)
        parts.append(synthesise_province(row, pid, rng, nature))
        areas[pid] = float(row.agri_land_ha)
    farms = parts[0]
    for part in parts[1:]:
        farms = farms.concat(part)
    unplaced = place(farms, landscape, areas, rng, n2000_distance_m)
    set_soil(farms, landscape)
    if finance_rng is not None:
        finance.initialise(farms, start_prices_eur_ha(codes), finance_rng)
    return farms, unplaced
