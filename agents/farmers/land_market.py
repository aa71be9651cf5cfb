"""The land market: land of farms that stop goes to governments, the land bank and farms nearby.

Version 2 (``docs/land_market.md``; nature organisations buy in
:mod:`agents.nature_organisations`; developers follow with the cities issue):

- governments buy first, for nature (NPLG-LAND-PURCHASE) and for the provincial land bank
  (:mod:`agents.farmers.land_bank`), in their priority order (the LN-09 ladder first when in
  force) at a share of the regional price (:mod:`agents.farmers.land_prices`) while their
  budgets last; bought parcels leave the farm arrays;
- every other parcel of a farm that exits is sold or leased to one of the :data:`CANDIDATES`
  active farms whose farmsteads are nearest to it, drawn with weight ``exp(-distance / DECAY_M)``
  times the bidder's marginal return of land relative to the national mean
  (:func:`agents.farmers.land_prices.bid_weight`) times :data:`OLD_WITHOUT_SUCCESSOR_WEIGHT` for
  heads of 60 or more without a successor (they rarely expand);
- the buyer's area grows by the parcel, split over uses as the seller's land was, except that an
  arable or open-field horticulture buyer ploughs the parcel's grassland into its own crop with
  probability :data:`PLOUGH_PROBABILITY` (times :data:`PEAT_PLOUGH_FACTOR` on peat), where no
  rule (WBS-27) keeps the grassland;
- production rights stay in their sector: the livestock of farms that stop goes to the farms of
  the same province that keep that class, in proportion to their herds (phosphate, pig and
  poultry rights are tradable; the national herds were about stable 2010-2020, CBS 80780ned).
  Only instruments (buy-outs, caps) take rights out of the sector.

Land and livestock are conserved: every hectare and head a farm gives up, another takes (or a
government, for nature or its land bank), unless no farm of its province keeps that class.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from abm.allocation import largest_remainder
from agents.farmers.state import ARABLE, HORTICULTURE, LAND_USES, FarmState
from environment.grid import Grid

#: ASSUMPTION: distance decay of bids for land (m); explore 1,000-5,000.
DECAY_M = 2_000.0
#: Draws per cell per year of the market and ploughing streams, taken whatever is sold, so the
#: streams stay aligned between a scenario and its baseline (common random numbers); parcels of
#: one cell sold in one year take them in turn.
DRAWS_PER_CELL = 2
#: Number of nearest farms that bid for a parcel.
CANDIDATES = 16
#: ASSUMPTION: relative bid of heads aged 60+ without successor; explore 0-0.5.
OLD_WITHOUT_SUCCESSOR_WEIGHT = 0.2
#: ASSUMPTION: probability that an arable or open-field horticulture farm ploughs the grassland
#: of a parcel it takes over into its own crop; explore 0-0.6.
PLOUGH_PROBABILITY = 0.3
#: ASSUMPTION: factor on that probability on peat (wet, low bearing capacity, subsidence);
#: explore 0-1.
PEAT_PLOUGH_FACTOR = 0.5


def cell_xy(cells: np.ndarray, grid: Grid) -> np.ndarray:
    """Centre coordinates (m) of flat cell indices, shape (n, 2)."""
    rows, cols = np.divmod(cells, grid.n_cols)
    x = grid.x_min_m + (cols + 0.5) * grid.cell_size_m
    y = grid.y_max_m - (rows + 0.5) * grid.cell_size_m
    return np.column_stack([x, y])


def buy_for_nature(farms: FarmState, leaving: np.ndarray, purchases: list[dict],
                   n_cells: int, cell_price_eur_ha: np.ndarray | None = None,
                   rank: np.ndarray | None = None,
                   parcels_on_sale: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Let governments buy the land of ``leaving`` farms in their purchase areas.

    Each purchase (from a land-purchase instrument, or the land bank) names its cells (flat
    bool), a priority per cell (lower first), a price and the paying government, and may cap its
    spending this year (``max_meur``). The price is ``price_share`` x ``cell_price_eur_ha`` (the
    regional price of the cell) or, in older offers, a flat ``price_keur_ha``. Parcels are bought
    in order of ``rank`` (an LN-09 ladder class per cell, lower first; none: all equal), then
    priority, while the payer's budget covers them; bought parcels leave the farm arrays.
    ``parcels_on_sale`` (bool per parcel) puts further parcels on sale: land active farms offer
    for nature (:mod:`agents.farmers.land_options`).

    Returns
    -------
    ha_per_cell, meur_per_cell : ndarray of float64
        Land bought and money paid this year, per cell (flat).
    """
    ha_cells = np.zeros(n_cells)
    meur_cells = np.zeros(n_cells)
    is_leaving = np.zeros(farms.n, dtype=bool)
    is_leaving[leaving] = True
    extra = (np.zeros(farms.parcel_farm.size, dtype=bool) if parcels_on_sale is None
             else np.asarray(parcels_on_sale, dtype=bool))
    for purchase in purchases:
        on_sale = np.flatnonzero((is_leaving[farms.parcel_farm] | extra)
                                 & purchase["cells"][farms.parcel_cell])
        cells = farms.parcel_cell[on_sale]
        keys = [purchase["priority"][cells]]
        if rank is not None:
            keys.append(rank[cells])
        order = on_sale[np.lexsort(keys)]
        if "price_share" in purchase:
            price_meur = purchase["price_share"] * cell_price_eur_ha[farms.parcel_cell[order]] / 1e6
        else:
            price_meur = np.full(order.size, purchase["price_keur_ha"] / 1000.0)
        cost = farms.parcel_ha[order] * price_meur
        payer, bought = purchase["payer"], []
        cap = purchase.get("max_meur", np.inf)
        for p, c in zip(order.tolist(), cost.tolist(), strict=True):
            if c > payer.budget_meur or c > cap:
                continue
            payer.spend(c)
            cap -= c
            bought.append(p)
            ha_cells[farms.parcel_cell[p]] += farms.parcel_ha[p]
            meur_cells[farms.parcel_cell[p]] += c
        if bought:
            remove_parcels(farms, np.asarray(bought, dtype=np.int64))
            extra = np.delete(extra, bought)
    return ha_cells, meur_cells


def remove_parcels(farms: FarmState, parcels: np.ndarray) -> None:
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
               rng: np.random.Generator, bid_weight: np.ndarray | None = None,
               plough_rng: np.random.Generator | None = None,
               on_peat: np.ndarray | None = None,
               keep_grassland: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Move the parcels (and rights) of ``leaving`` farms to bidding neighbours, in place.

    Parameters
    ----------
    bid_weight : ndarray, optional
        Relative bid of every farm (marginal return of land); all 1 when not given.
    rng, plough_rng : Generator
        Streams of the buyer and ploughing draws (:data:`DRAWS_PER_CELL` per cell every year);
        no ploughing without ``plough_rng``.
    on_peat, keep_grassland : ndarray of bool, optional
        Per flat cell: peat; grassland that may not be ploughed (WBS-27).

    Returns
    -------
    sold : ndarray of int64
        The traded parcels (indices into the parcel arrays) of this year.
    ploughed_ha : ndarray of float64
        Grassland ploughed into arable or horticulture per traded parcel (ha).
    """
    none = np.zeros(0, dtype=np.int64), np.zeros(0)
    n_cells = grid.n_rows * grid.n_cols
    u_market = rng.random((DRAWS_PER_CELL, n_cells))  # every year, whatever is sold
    u_plough = None if plough_rng is None else plough_rng.random((DRAWS_PER_CELL, n_cells))
    if leaving.size == 0:
        return none
    sold = np.flatnonzero(np.isin(farms.parcel_farm, leaving))
    bidders = np.flatnonzero(farms.active & (farms.farmstead_cell >= 0))
    if sold.size == 0 or bidders.size == 0:
        transfer_rights(farms, leaving)
        return none
    tree = cKDTree(cell_xy(farms.farmstead_cell[bidders], grid))
    k = min(CANDIDATES, bidders.size)
    dist, idx = tree.query(cell_xy(farms.parcel_cell[sold], grid), k=k)
    dist, idx = dist.reshape(sold.size, k), idx.reshape(sold.size, k)
    who = bidders[idx]
    keen = np.where((farms.age_yr[who] >= 60) & ~farms.successor[who],
                    OLD_WITHOUT_SUCCESSOR_WEIGHT, 1.0)
    if bid_weight is not None:
        keen = keen * bid_weight[who]
    weight = np.exp(-dist / DECAY_M) * keen + 1e-12
    cum = np.cumsum(weight, axis=1)
    cells = farms.parcel_cell[sold]
    pick = (cum < parcel_draws(u_market, cells)[:, None] * cum[:, -1:]).sum(axis=1)
    buyer = who[np.arange(sold.size), np.minimum(pick, k - 1)]

    seller = farms.parcel_farm[sold]
    ha = farms.parcel_ha[sold]
    seller_total = np.maximum(farms.total_area_ha[seller], 1e-12)
    gained = farms.area_ha[seller] / seller_total[:, None] * ha[:, None]
    ploughed = np.zeros(sold.size)
    if u_plough is not None:
        u = parcel_draws(u_plough, cells)
        p = plough_probability(farms.farm_type[buyer], on_peat[cells], keep_grassland[cells])
        plough = u < p
        grass, target = LAND_USES.index("grassland"), crop_of(farms.farm_type[buyer])
        ploughed = np.where(plough, gained[:, grass], 0.0)
        gained[:, grass] -= ploughed
        gained[np.arange(sold.size), target] += ploughed
    np.add.at(farms.area_ha, buyer, gained)
    farms.area_ha[leaving] = 0.0
    farms.parcel_farm[sold] = buyer
    transfer_rights(farms, leaving)
    return sold, ploughed


def parcel_draws(u: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """The draw of each parcel from a year's draws per cell ``u`` (shape (DRAWS_PER_CELL,
    cells)): parcels of one cell take the cell's draws in turn (by parcel order)."""
    order = np.argsort(cells, kind="stable")
    ranked = cells[order]
    rank = np.empty(cells.size, dtype=np.int64)
    rank[order] = np.arange(cells.size) - np.searchsorted(ranked, ranked, side="left")
    return u[rank % u.shape[0], cells]


def plough_probability(buyer_type: np.ndarray, on_peat: np.ndarray,
                       keep_grassland: np.ndarray) -> np.ndarray:
    """Probability that the buyer ploughs a parcel's grassland (0 where WBS-27 keeps it)."""
    crop_farm = np.isin(buyer_type, (ARABLE, HORTICULTURE))
    p = np.where(crop_farm, PLOUGH_PROBABILITY, 0.0)
    p = np.where(on_peat, p * PEAT_PLOUGH_FACTOR, p)
    return np.where(keep_grassland, 0.0, p)


def crop_of(buyer_type: np.ndarray) -> np.ndarray:
    """The land use (index into LAND_USES) a buyer turns ploughed grassland into."""
    return np.where(buyer_type == HORTICULTURE, LAND_USES.index("horticulture_open"),
                    LAND_USES.index("arable"))


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
