"""PolicyState: what the active instruments of one year say, as arrays and numbers.

Instruments write into it (phase 2 of the year); agents and markets read it. It is cleared at
the start of every year and rewritten by the instruments active in that year, so an instrument
that ends leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Per-cell masks an instrument may set, with their meaning.
MASK_KINDS: dict[str, str] = {
    "no_new_buildings": "no new permanent buildings (houses, business premises, farm buildings)",
    "no_intensification": "no intensification of agricultural use",
    "reserved": "reserved for a future public use: temporary use only, no permanent building",
    "water_storage": "reserved for water storage",
    "no_hyperscale_datacentres": "no new hyperscale datacentre (DATACENTRA-HYPERSCALE)",
    "no_business_land_transformation": "business land is not transformed into housing or "
                                       "another function (WERKLOC-BEHOUD)",
}


@dataclass
class PolicyState:
    """The policy of one year.

    Parameters
    ----------
    shape : tuple of int
        Grid shape.
    masks : dict of str to ndarray of bool
        Cells where a rule of :data:`MASK_KINDS` holds.
    payments_eur_ha_yr, levies_eur_ha_yr : dict of str to ndarray of float
        Payments and levies per cell by purpose (euro per hectare per year).
    caps : dict of str to float
        Quantity limits by name (units in the name).
    targets : dict of str to float
        Target values of tracked indicators (indicator name to value).
    cell_targets : dict of str to ndarray of float
        Target values per cell (NaN where none), such as ``groundwater_depth_cm``.
    ladders : dict of str to tuple of str
        Ordered allocation rules by name.
    zones : dict of str to ndarray of bool
        Named area classes (zoning) that switch other rules on.
    flags : dict of str to bool
        Switches set by events and rules.
    offers : list of dict
        Buy-out and other offers made to agents this year.
    rules : dict of str to dict
        Settings of allocation rules by name (``nitrogen_room``: STIKSTOF-RUIMTE's threshold,
        pools, priority; read by :mod:`abm.nitrogen_room`).
    payment_sources : list of dict
        Who pays which payment where (payer, purpose, cells, rate): the model charges the payer
        for the farms that receive it (see :meth:`pay`).
    """

    shape: tuple[int, int]
    masks: dict[str, np.ndarray] = field(default_factory=dict)
    payments_eur_ha_yr: dict[str, np.ndarray] = field(default_factory=dict)
    levies_eur_ha_yr: dict[str, np.ndarray] = field(default_factory=dict)
    caps: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    cell_targets: dict[str, np.ndarray] = field(default_factory=dict)
    ladders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    zones: dict[str, np.ndarray] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    offers: list[dict] = field(default_factory=list)
    rules: dict[str, dict] = field(default_factory=dict)
    payment_sources: list[dict] = field(default_factory=list)

    def clear(self) -> None:
        """Forget last year's policy."""
        for mapping in (self.masks, self.payments_eur_ha_yr, self.levies_eur_ha_yr, self.caps,
                        self.targets, self.cell_targets, self.ladders, self.zones,
                        self.flags, self.rules):
            mapping.clear()
        self.offers.clear()
        self.payment_sources.clear()

    def mask(self, kind: str) -> np.ndarray:
        """The mask of ``kind`` (all False when no instrument set it); writable."""
        if kind not in MASK_KINDS:
            raise KeyError(f"unknown mask kind {kind!r}; known: {', '.join(MASK_KINDS)}")
        if kind not in self.masks:
            self.masks[kind] = np.zeros(self.shape, dtype=bool)
        return self.masks[kind]

    def cell_target(self, name: str) -> np.ndarray:
        """Per-cell target ``name`` (NaN where none); writable."""
        if name not in self.cell_targets:
            self.cell_targets[name] = np.full(self.shape, np.nan)
        return self.cell_targets[name]

    def zone(self, name: str) -> np.ndarray:
        """The cells of zone ``name`` (all False when unset); writable."""
        if name not in self.zones:
            self.zones[name] = np.zeros(self.shape, dtype=bool)
        return self.zones[name]

    def _per_cell(self, table: dict[str, np.ndarray], purpose: str) -> np.ndarray:
        if purpose not in table:
            table[purpose] = np.zeros(self.shape, dtype=np.float64)
        return table[purpose]

    def payment(self, purpose: str) -> np.ndarray:
        """Payment per cell for ``purpose`` (euro/ha/yr); writable."""
        return self._per_cell(self.payments_eur_ha_yr, purpose)

    def pay(self, purpose: str, where: np.ndarray, rate_eur_ha_yr: float | np.ndarray,
            payer: object) -> None:
        """Offer ``rate_eur_ha_yr`` (a number, or one per cell in the grid's shape) for
        ``purpose`` on ``where``, paid by ``payer`` (an instrument's
        :class:`~agents.government.Account`)."""
        rate = rate_eur_ha_yr[where] if isinstance(rate_eur_ha_yr, np.ndarray) else rate_eur_ha_yr
        self.payment(purpose)[where] += rate
        self.payment_sources.append({"purpose": purpose, "where": where,
                                     "rate_eur_ha_yr": rate_eur_ha_yr, "payer": payer})

    def levy(self, purpose: str) -> np.ndarray:
        """Levy per cell for ``purpose`` (euro/ha/yr); writable."""
        return self._per_cell(self.levies_eur_ha_yr, purpose)
