"""FarmState: every farm of a run as columns of numpy arrays (struct of arrays).

One row per holding. Farms never leave the arrays; an exit sets ``active`` to False, so farm
ids stay valid for parcels and agents. Land is held as parcels: (farm, cell, hectares).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

#: Farm types (codes 0..5): the CBS typology grouped as the issue's model types.
FARM_TYPES: tuple[str, ...] = ("dairy", "arable", "intensive", "greenhouse", "horticulture",
                               "mixed")
DAIRY, ARABLE, INTENSIVE, GREENHOUSE, HORTICULTURE, MIXED = range(len(FARM_TYPES))

#: Land uses of the census (utilised agricultural area), in this order in ``area_ha``.
LAND_USES: tuple[str, ...] = ("arable", "horticulture_open", "greenhouse", "grassland")
#: Livestock classes, in this order in ``animals``.
LIVESTOCK: tuple[str, ...] = ("dairy_cows", "other_cattle", "pigs", "chickens", "sheep", "goats")


@dataclass
class FarmState:
    """The farms of a run.

    Attributes
    ----------
    province_id : ndarray of uint8
        Province (landscape id) whose census the farm belongs to.
    farm_type : ndarray of uint8
        Index into :data:`FARM_TYPES`.
    area_ha : ndarray of float64, shape (n, 4)
        Utilised area by :data:`LAND_USES` (ha).
    animals : ndarray of int64, shape (n, 6)
        Head of livestock by :data:`LIVESTOCK`.
    farmstead_cell : ndarray of int64
        Flat grid index of the farmstead (-1 before placement).
    age_yr : ndarray of int16
        Age of the farm head.
    successor : ndarray of bool
        A successor is known.
    organic, nature_management : ndarray of bool
        Organic production; agrarisch natuurbeheer.
    emission_factor : ndarray of float32
        Multiplier on the standard NH3 emission per animal (1 = current average technology).
    low_emission : ndarray of bool
        Has adopted low-emission technology (its own choice; generic rules cap the factor too).
    extensive : ndarray of bool
        Has extensified (and is paid for it where an extensification scheme runs).
    attitude : ndarray of float32
        Openness to change in [0, 1].
    active : ndarray of bool
        Still farming.
    parcel_farm, parcel_cell : ndarray of int64
        Parcels: owning farm and flat cell index.
    parcel_ha : ndarray of float64
        Parcel area (ha).
    gbd_ha : ndarray of float64
        Land of the farm taken out of production for groenblauwe dooradering (field margins,
        hedgerows, ditch banks, buffer strips; ha). Part of ``area_ha`` (the parcels stay with
        the farm); zeros when not given.
    assets_keur, debt_keur : ndarray of float64
        The farm's balance sheet (k euro; :mod:`agents.farmers.finance`): assets (owned land,
        production capacity, buildings and machinery, cash) and debt. Zeros when not given: a
        farm without a balance sheet counts as solvent (:attr:`solvency` 1).
    herd_value_keur : ndarray of float64
        The value of the production capacity booked in ``assets_keur`` at the last yearly update
        (k euro; herd changes move assets and debt alike). Zeros when not given.
    soil_id : ndarray of uint8
        Soil (landscape ``soil`` code, 1-based; 0 unknown) of the farmstead's cell, which stands
        for the farm's land in the margins (:data:`agents.farmers.economics.SOIL_MARGIN_FACTOR`).
        Zeros when not given.
    """

    province_id: np.ndarray
    farm_type: np.ndarray
    area_ha: np.ndarray
    animals: np.ndarray
    farmstead_cell: np.ndarray
    age_yr: np.ndarray
    successor: np.ndarray
    organic: np.ndarray
    nature_management: np.ndarray
    emission_factor: np.ndarray
    low_emission: np.ndarray
    extensive: np.ndarray
    attitude: np.ndarray
    active: np.ndarray
    parcel_farm: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    parcel_cell: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    parcel_ha: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    gbd_ha: np.ndarray | None = None
    assets_keur: np.ndarray | None = None
    debt_keur: np.ndarray | None = None
    herd_value_keur: np.ndarray | None = None
    soil_id: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("gbd_ha", "assets_keur", "debt_keur", "herd_value_keur"):
            if getattr(self, name) is None:
                setattr(self, name, np.zeros(len(self.farm_type), np.float64))
        if self.soil_id is None:
            self.soil_id = np.zeros(len(self.farm_type), np.uint8)

    @property
    def n(self) -> int:
        return len(self.farm_type)

    @property
    def total_area_ha(self) -> np.ndarray:
        """Utilised area per farm (ha)."""
        return self.area_ha.sum(axis=1)

    @property
    def equity_keur(self) -> np.ndarray:
        """Equity per farm: assets less debt (k euro)."""
        return self.assets_keur - self.debt_keur

    @property
    def solvency(self) -> np.ndarray:
        """Equity over assets per farm (1 for a farm without a balance sheet; 0 for debt
        without assets)."""
        assets = self.assets_keur
        return np.where(assets > 0, self.equity_keur / np.where(assets > 0, assets, 1.0),
                        np.where(self.debt_keur > 0, 0.0, 1.0))

    def animal(self, name: str) -> np.ndarray:
        """Head of one livestock class per farm."""
        return self.animals[:, LIVESTOCK.index(name)]

    def concat(self, other: FarmState) -> FarmState:
        """Both populations in one (parcels renumbered)."""
        out = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if f.name == "parcel_farm":
                b = b + self.n
            out[f.name] = np.concatenate([a, b])
        return FarmState(**out)
