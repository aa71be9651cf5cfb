"""Farmer: a Mesa agent that is a thin view on one row of the FarmState arrays.

Identity, API and visualisation go through these agents; every decision runs in batch over the
arrays, so a Farmer holds no state of its own besides its row index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from agents.farmers.state import FARM_TYPES, LAND_USES, LIVESTOCK

if TYPE_CHECKING:
    from abm.model import RegionModel


class Farmer(mesa.Agent):
    """One holding and its farm head."""

    def __init__(self, model: RegionModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def farm_type(self) -> str:
        return FARM_TYPES[self.model.farms.farm_type[self.index]]

    @property
    def area_ha(self) -> dict[str, float]:
        return dict(zip(LAND_USES, self.model.farms.area_ha[self.index].tolist(), strict=True))

    @property
    def animals(self) -> dict[str, int]:
        return dict(zip(LIVESTOCK, self.model.farms.animals[self.index].tolist(), strict=True))

    @property
    def active(self) -> bool:
        return bool(self.model.farms.active[self.index])

    def __repr__(self) -> str:
        return f"Farmer({self.unique_id}, {self.farm_type}, {sum(self.area_ha.values()):.1f} ha)"
