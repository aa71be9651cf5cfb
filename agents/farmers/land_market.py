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


def buy_for_nature(farms: FarmState, leaving: np.ndarray, purchases: list[dict],
                   n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Let governments buy, for nature, the land of ``leaving`` farms in their purchase areas.

    Each purchase (from a land-purchase instrument) names its cells (flat bool), a priority per
    cell (lower first), a price (k euro/ha) and the paying government. Parcels are bought in
    priority order while the payer's budget covers them; bought parcels leave the farm arrays.

    Returns
    -------
    ha_per_cell, meur_per_cell : ndarray of float64
        Land bought and money paid this year, per cell (flat).
    """
    ha_cells = np.zeros(n_cells)
    meur_cells = np.zeros(n_cells)
    for purchase in purchases:
        on_sale = np.flatnonzero(np.isin(farms.parcel_farm, leaving)
                                 & purchase["cells"][farms.parcel_cell])
        order = on_sale[np.argsort(purchase["priority"][farms.parcel_cell[on_sale]],
                                   kind="stable")]
        payer, bought = purchase["payer"], []
        for p in order:
            cost = farms.parcel_ha[p] * purchase["price_keur_ha"] / 1000.0
            if cost > payer.budget_meur:
                continue
            payer.spend(cost)
            bought.append(p)
            ha_cells[farms.parcel_cell[p]] += farms.parcel_ha[p]
            meur_cells[farms.parcel_cell[p]] += cost
        if bought:
            _remove_parcels(farms, np.asarray(bought, dtype=np.int64))
    return ha_cells, meur_cells


def _remove_parcels(farms: FarmState, parcels: np.ndarray) -> None:
    """Take parcels out of farming: off the farm arrays and off their farms' areas."""
    owners = farms.parcel_farm[parcels]
    share = farms.parcel_ha[parcels] / np.maximum(farms.total_area_ha[owners], 1e-12)
    np.subtract.at(farms.area_ha, owners, farms.area_ha[owners] * share[:, None])
    keep = np.ones(farms.parcel_farm.size, dtype=bool)
    keep[parcels] = False
    farms.parcel_farm = farms.parcel_farm[keep]
    farms.parcel_cell = farms.parcel_cell[keep]
    farms.parcel_ha = farms.parcel_ha[keep]


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
        transfer_rights(farms, leaving)
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
