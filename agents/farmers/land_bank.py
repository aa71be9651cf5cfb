"""The provincial land bank (grondbank): buys farmland, holds it, then lets it go.

A land bank is switched on by a land-purchase instrument (``land_bank = true`` on
NPLG-LAND-PURCHASE). Design (ASSUMPTIONS, see ``docs/land_market.md``):

- it buys land of farms that stop inside the aandachtsgebied (the LN-13 zone, else the default
  zone), after the purchase for nature, in the purchase's order (LN-09 classes first when in
  force), at the regional price, from the province's budget and at most its yearly cap;
- it holds the land ``hold_yr`` years as a stock per cell (owned by no farm; agricultural land
  use, at most leased short-term, not counted in the farms' area). A cell's clock starts at its
  first purchase and its hold time is that of the offer that made it; later purchases in the
  cell while it still holds stock do not restart the clock and go out with the earlier ones
  (ASSUMPTION: so no land is held longer than its hold time, some shorter);
- then it lets each cell's stock go: inside the instrument's nature purchase zone it sells it to
  nature (a transfer inside the province: no money moves), elsewhere it sells or leases it long
  term (erfpacht) to the nearest active extensive or organic farm, or in a swap (kavelruil) to
  the nearest active farm when no such farm exists, at the designated price of the cell; the
  province receives the price.

Land is conserved: farms' area + nature gained + bank stock equals the farmland at the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from agents.farmers.economics import OPEN_LAND
from agents.farmers.land_market import buy_for_nature, cell_xy
from agents.farmers.state import LAND_USES, FarmState
from environment.grid import Grid


@dataclass
class LandBank:
    """The land banks of the run's provinces, as cell arrays (flat).

    Attributes
    ----------
    stock_ha : ndarray of float64
        Land held per cell (ha).
    since_year : ndarray of int32
        Year of the first purchase of the cell's present stock (-1: no stock).
    bought_ha, issued_ha : ndarray of float64
        Land bought and let go this year per cell (ha).
    hold_yr : ndarray of int32
        Years the cell's stock is held, from the offer whose purchase started its clock (it
        keeps letting go after the instrument ends).
    owners : dict of int to object
        Per flat cell index with stock, the government that holds (and is paid for) it.
    nature_zone : ndarray of bool or None
        Cells (flat) where land let go becomes nature (the union of the offers' purchase zones).
    """

    stock_ha: np.ndarray
    since_year: np.ndarray
    bought_ha: np.ndarray
    issued_ha: np.ndarray
    hold_yr: np.ndarray
    owners: dict[int, Any] = field(default_factory=dict)
    nature_zone: np.ndarray | None = None

    @classmethod
    def empty(cls, n_cells: int) -> LandBank:
        return cls(np.zeros(n_cells), np.full(n_cells, -1, np.int32), np.zeros(n_cells),
                   np.zeros(n_cells), np.zeros(n_cells, np.int32))

    def buy(self, farms: FarmState, leaving: np.ndarray, offers: list[dict],
            cell_price_eur_ha: np.ndarray, rank: np.ndarray | None, year: int) -> np.ndarray:
        """Buy for the bank (one offer per province instrument); return money paid per cell."""
        self.bought_ha = np.zeros(self.stock_ha.size)
        meur = np.zeros(self.stock_ha.size)
        for offer in offers:
            if self.nature_zone is None:
                self.nature_zone = np.zeros(self.stock_ha.size, dtype=bool)
            self.nature_zone |= offer["nature_zone"]
            ha, paid = buy_for_nature(farms, leaving, [offer], self.stock_ha.size,
                                      cell_price_eur_ha, rank)
            hit = np.flatnonzero(ha)
            fresh = hit[self.since_year[hit] < 0]  # the clock starts at a cell's first purchase
            self.since_year[fresh] = year
            self.hold_yr[fresh] = int(offer["hold_yr"])
            for cell in hit.tolist():
                self.owners[cell] = offer["payer"]
            self.bought_ha += ha
            meur += paid
        self.stock_ha += self.bought_ha
        return meur

    def issue(self, farms: FarmState, grid: Grid, year: int,
              cell_price_eur_ha: np.ndarray) -> np.ndarray:
        """Let go of the stock held :attr:`hold_yr` years or more, in place.

        Returns
        -------
        ndarray of float64
            Land sold to nature this year per cell (ha); the rest went to farms.
        """
        self.issued_ha = np.zeros(self.stock_ha.size)
        to_nature = np.zeros(self.stock_ha.size)
        due = np.flatnonzero((self.stock_ha > 0) & (self.since_year >= 0)
                             & (year - self.since_year >= self.hold_yr))
        if due.size == 0:
            return to_nature
        ha = self.stock_ha[due]
        self.issued_ha[due] = ha
        self.stock_ha[due] = 0.0
        self.since_year[due] = -1
        green = self.nature_zone[due]
        to_nature[due[green]] = ha[green]
        cells, ha = due[~green], ha[~green]
        owners = {c: self.owners.pop(c) for c in due.tolist()}
        revenue = ha * cell_price_eur_ha[cells] / 1e6
        for c, r in zip(cells.tolist(), revenue.tolist(), strict=True):
            owners[c].receive(r, source="land bank")
        if cells.size:
            _give_to_farms(farms, grid, cells, ha)
        return to_nature


def _give_to_farms(farms: FarmState, grid: Grid, cells: np.ndarray, ha: np.ndarray) -> None:
    """New parcels on ``cells`` for the nearest active extensive or organic farm (else the
    nearest active farm), split over the open uses as the taker's open land (arable,
    horticulture_open, grassland; grassland if it has none): land let go never becomes glass."""
    placed = farms.active & (farms.farmstead_cell >= 0)
    takers = np.flatnonzero(placed & (farms.extensive | farms.organic))
    if takers.size == 0:
        takers = np.flatnonzero(placed)
    if takers.size == 0:
        raise RuntimeError("the land bank has land to let go but no active farm is left")
    _, idx = cKDTree(cell_xy(farms.farmstead_cell[takers], grid)).query(cell_xy(cells, grid))
    taker = takers[np.asarray(idx).reshape(-1)]
    open_area = farms.area_ha[taker] * OPEN_LAND
    total = open_area.sum(axis=1)
    share = np.where(total[:, None] > 0, open_area / np.maximum(total, 1e-12)[:, None],
                     np.eye(len(LAND_USES))[LAND_USES.index("grassland")][None, :])
    np.add.at(farms.area_ha, taker, share * ha[:, None])
    farms.parcel_farm = np.concatenate([farms.parcel_farm, taker.astype(np.int64)])
    farms.parcel_cell = np.concatenate([farms.parcel_cell, cells.astype(np.int64)])
    farms.parcel_ha = np.concatenate([farms.parcel_ha, ha.astype(np.float64)])
