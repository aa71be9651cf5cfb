"""Indicators: what a run reports each year, per level (nl, provincie, corop) and region.

Each indicator is a per-cell quantity summed over a region's cells. ``ruimte indicators`` prints
:data:`INDICATORS`; the docs list the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from environment.landscape import LEVELS
from environment.layers import AGRICULTURE, NATURE, URBAN, WATER

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Columns that identify a row, before the indicator columns.
KEY_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "seed", "year", "level", "region_code")


@dataclass(frozen=True)
class Indicator:
    """One indicator: snake_case name with its unit, the unit, and its definition."""

    name: str
    unit: str
    definition: str
    cell_values: Callable[[RegionModel], np.ndarray]


def _land_use_ha(code: int) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: (m.land_use == code) * m.landscape.grid.cell_area_ha


def _mask_ha(*kinds: str) -> Callable[[RegionModel], np.ndarray]:
    def values(m: RegionModel) -> np.ndarray:
        hit = np.zeros(m.landscape.grid.shape, dtype=bool)
        for kind in kinds:
            if kind in m.policy.masks:
                hit |= m.policy.masks[kind]
        return (hit & m.landscape["land_mask"]) * m.landscape.grid.cell_area_ha

    return values


INDICATORS: tuple[Indicator, ...] = (
    Indicator("population", "persons", "Inhabitants at the end of the year (1 January next)",
              lambda m: m.inhabitants),
    Indicator("households", "households", "Private households at the end of the year",
              lambda m: m.households),
    Indicator("land_area_ha", "ha", "Land area: cells inside the region that are not water",
              lambda m: m.landscape["land_mask"] * m.landscape.grid.cell_area_ha),
    Indicator("agri_area_ha", "ha", "Land in agricultural use (upper bound: includes roads, "
              "small waters and woods outside Natura 2000)", _land_use_ha(AGRICULTURE)),
    Indicator("nature_area_ha", "ha", "Nature: Natura 2000 land and coastal dunes, plus land "
              "converted to nature", _land_use_ha(NATURE)),
    Indicator("urban_area_ha", "ha", "Built-up land: urban centres, dense and semi-dense "
              "clusters, and denser suburban land", _land_use_ha(URBAN)),
    Indicator("water_area_ha", "ha", "Water inside the province boundaries (CBS generalised "
              "boundaries exclude IJsselmeer, Markermeer and Waddenzee)", _land_use_ha(WATER)),
    Indicator("deep_polder_area_ha", "ha", "Deep-polder land (definition in docs/data.md)",
              lambda m: m.landscape["deep_polder"] * m.landscape.grid.cell_area_ha),
    Indicator("water_storage_reserved_ha", "ha", "Land reserved for water storage this year "
              "(WBS-13 and similar reservations)", _mask_ha("water_storage")),
    Indicator("no_new_buildings_area_ha", "ha", "Land where no new permanent building is "
              "allowed this year (masks and reservations)", _mask_ha("no_new_buildings",
                                                                      "reserved")),
)

INDICATOR_BY_NAME: dict[str, Indicator] = {ind.name: ind for ind in INDICATORS}


class IndicatorTable:
    """Aggregates per-cell values to regions and accumulates one row per year x level x region.

    The region ids are flattened once; each year costs one ``bincount`` per indicator and level.
    With ``national`` (a run over the whole country) an ``nl`` row sums every province; a run
    restricted to some provinces reports provinces and COROP regions only.
    """

    def __init__(self, model: RegionModel, national: bool) -> None:
        land = model.landscape
        self._levels: list[tuple[str, np.ndarray, list[str], np.ndarray]] = []
        in_nl = land["province_id"].ravel() > 0
        if national:
            self._levels.append(("nl", in_nl.astype(np.intp), ["NL"], np.array([1])))
        for level, (layer, table) in LEVELS.items():
            ids = land[layer].ravel().astype(np.intp) * in_nl
            present = np.unique(ids)
            present = present[present > 0]
            codes = land.codes(table)
            self._levels.append((level, ids, [codes[i - 1] for i in present], present))
        self.rows: list[dict] = []

    def collect(self, model: RegionModel, keys: dict) -> list[dict]:
        """Compute this year's rows, append them to :attr:`rows` and return them."""
        values = {ind.name: np.asarray(ind.cell_values(model), dtype=np.float64).ravel()
                  for ind in INDICATORS}
        new = []
        for level, ids, codes, present in self._levels:
            size = int(present.max()) + 1
            sums = {name: np.bincount(ids, weights=v, minlength=size)[present]
                    for name, v in values.items()}
            for k, code in enumerate(codes):
                row = {**keys, "level": level, "region_code": code}
                row.update({name: float(s[k]) for name, s in sums.items()})
                new.append(row)
        self.rows.extend(new)
        return new
