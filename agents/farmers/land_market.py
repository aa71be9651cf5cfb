"""The land market: land of farms that stop goes to farms nearby.

Version 1 (structural change only; the provincial land bank, nature organisations, developers and
prices follow with the instruments):

- every parcel of a farm that exits is sold or leased to one of the :data:`CANDIDATES` active
  farms whose farmsteads are nearest to it, drawn with weight ``exp(-distance / DECAY_M)`` times
  :data:`OLD_WITHOUT_SUCCESSOR_WEIGHT` for heads of 60 or more without a successor (they rarely
  expand);
- the buyer's area grows by the parcel, split over uses as the seller's land was;
- production rights stay in their sector: the livestock of farms that stop goes to the farms of
  the same province that keep that class, in proportion to their herds (phosphate, pig and
  poultry rights are tradable; the national herds were about stable 2010-2020, CBS 80780ned).
  Only instruments (buy-outs, caps) take rights out of the sector.

Land and livestock are conserved: every hectare and head a farm gives up, another takes (unless
no farm of its province keeps that class).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from abm.allocation import largest_remainder
from agents.farmers.state import FarmState
from environment.grid import Grid

#: ASSUMPTION: distance decay of bids for land (m); explore 1,000-5,000.
DECAY_M = 2_000.0
#: Number of nearest farms that bid for a parcel.
CANDIDATES = 16
#: ASSUMPTION: relative bid of heads aged 60+ without successor; explore 0-0.5.
OLD_WITHOUT_SUCCESSOR_WEIGHT = 0.2


def cell_xy(cells: np.ndarray, grid: Grid) -> np.ndarray:
    """Centre coordinates (m) of flat cell indices, shape (n, 2)."""
    rows, cols = np.divmod(cells, grid.n_cols)
    x = grid.x_min_m + (cols + 0.5) * grid.cell_size_m
    y = grid.y_max_m - (rows + 0.5) * grid.cell_size_m
    return np.column_stack([x, y])


def reallocate(farms: FarmState, leaving: np.ndarray, grid: Grid,
               rng: np.random.Generator) -> np.ndarray:
    """Move the parcels (and rights) of ``leaving`` farms to bidding neighbours, in place.

    Returns
    -------
    ndarray of int64
        The traded parcels (indices into the parcel arrays) of this year.
    """
    if leaving.size == 0:
        return np.zeros(0, dtype=np.int64)
    sold = np.flatnonzero(np.isin(farms.parcel_farm, leaving))
    bidders = np.flatnonzero(farms.active & (farms.farmstead_cell >= 0))
    if sold.size == 0 or bidders.size == 0:
        return np.zeros(0, dtype=np.int64)
    tree = cKDTree(cell_xy(farms.farmstead_cell[bidders], grid))
    k = min(CANDIDATES, bidders.size)
    dist, idx = tree.query(cell_xy(farms.parcel_cell[sold], grid), k=k)
    dist, idx = dist.reshape(sold.size, k), idx.reshape(sold.size, k)
    who = bidders[idx]
    keen = np.where((farms.age_yr[who] >= 60) & ~farms.successor[who],
                    OLD_WITHOUT_SUCCESSOR_WEIGHT, 1.0)
    weight = np.exp(-dist / DECAY_M) * keen + 1e-12
    cum = np.cumsum(weight, axis=1)
    pick = (cum < rng.random(sold.size)[:, None] * cum[:, -1:]).sum(axis=1)
    buyer = who[np.arange(sold.size), np.minimum(pick, k - 1)]

    seller = farms.parcel_farm[sold]
    ha = farms.parcel_ha[sold]
    seller_total = np.maximum(farms.total_area_ha[seller], 1e-12)
    use_share = farms.area_ha[seller] / seller_total[:, None]
    np.add.at(farms.area_ha, buyer, use_share * ha[:, None])
    farms.area_ha[leaving] = 0.0
    farms.parcel_farm[sold] = buyer
    transfer_rights(farms, leaving)
    return sold


def transfer_rights(farms: FarmState, leaving: np.ndarray) -> None:
    """Give the livestock of ``leaving`` farms to the active farms of their province that keep
    each class, in proportion to their herds (largest remainder), in place."""
    for pid in np.unique(farms.province_id[leaving]):
        gone = leaving[farms.province_id[leaving] == pid]
        herd = farms.animals[gone].sum(axis=0)
        keepers = farms.active & (farms.province_id == pid)
        for c in np.flatnonzero(herd):
            takers = np.flatnonzero(keepers & (farms.animals[:, c] > 0))
            if takers.size:
                farms.animals[takers, c] += largest_remainder(int(herd[c]),
                                                              farms.animals[takers, c])
    farms.animals[leaving] = 0
