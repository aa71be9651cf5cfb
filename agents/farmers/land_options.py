"""Two yearly options of active farms with their land: sell part of it, or sell it for nature.

Both are columns of the option logit (:mod:`agents.farmers.options`, ``sell_land`` and
``nature_land``); this module gives their income change and utility terms, and carries them out
in the market phase (phase 5). Design and parameters: ``docs/land_options.md``.

``sell_land``
    An active farm of at least :data:`SELL_MIN_AREA_HA` (not a greenhouse) sells
    :data:`SELL_SHARE` of its area, its outlying parcels first (the last one split). The land
    goes on the market as the land of farms that stop does (:func:`on_market`): governments buy
    it for nature inside their purchase zones, the land bank in the aandachtsgebied, neighbours
    take the rest. The seller stays active and keeps its herd; its area by use shrinks pro rata.
``nature_land``
    An active farm (not a greenhouse) with land inside the zone of a land-purchase offer in force
    (NPLG-LAND-PURCHASE) offers that land, at most :data:`NATURE_LAND_MAX_SHARE` of its area
    (the parcels nearest Natura 2000 first), to the government at the offer's price
    (:func:`sell_to_nature`). The government buys it after the market, in its order and while
    its budget lasts, and the land becomes nature; land it does not buy stays with the farm
    (the farmer offered it for nature, not to the open market: it may offer again next year).

Income change of either (k euro/yr): the family income of the land sold (the farm's gross
margin per ha x ha x ``INCOME_SHARE``) is lost, the return on the proceeds (price x ha x
:data:`SALE_RETURN_RATE`) is gained. Heads aged :data:`OLD_AGE_YR` or more without a successor
get :data:`SELL_OLD_NO_SUCCESSOR` utility on both (downsizing before retiring); ``nature_land`` is
a green option (the attitude term of the logit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.farmers.economics import INCOME_SHARE
from agents.farmers.gbd import cap_to_open_area
from agents.farmers.land_market import buy_for_nature
from agents.farmers.state import GREENHOUSE, FarmState

if TYPE_CHECKING:
    from abm.model import RegionModel

#: ASSUMPTION: share of its area a farm that sells land sells; explore 0.1-0.3.
SELL_SHARE = 0.2
#: ASSUMPTION: smallest farm (ha) that sells part of its land; explore 5-20.
SELL_MIN_AREA_HA = 10.0
#: ASSUMPTION: net yearly return a farmer gets on the proceeds of land sold (1/yr): interest on
#: freed capital, or interest saved on debt paid off (about 3%),
#: less the rise in value of the land he gives up. 0.01 keeps the land active farms add to the
#: baseline market near 1,300 ha a year (docs/land_options.md); explore 0.005-0.03.
SALE_RETURN_RATE = 0.01
#: ASSUMPTION: utility of selling land (either option) for heads aged OLD_AGE_YR or more
#: without a successor (downsizing before retiring); explore 0-2.
SELL_OLD_NO_SUCCESSOR = 1.0
#: ASSUMPTION: age from which a head without a successor downsizes (as the land market's
#: OLD_WITHOUT_SUCCESSOR_WEIGHT); explore 55-65.
OLD_AGE_YR = 60
#: ASSUMPTION: most of its area a farm offers for nature in a year (the farm goes on with the
#: rest; a farm that would sell all its land stops or takes a buy-out instead); explore
#: 0.25-0.75.
NATURE_LAND_MAX_SHARE = 0.5

#: Parcel pieces smaller than this are not split off (ha).
_MIN_PIECE_HA = 1e-9


@dataclass
class LandSales:
    """Land active farms sold this year, per farm (ha): to the market (``sell_land``) and to a
    government for nature (``nature_land``)."""

    sold_ha: np.ndarray
    nature_ha: np.ndarray

    @classmethod
    def empty(cls, n: int) -> LandSales:
        return cls(np.zeros(n), np.zeros(n))


def purchase_terms(offers: list[dict], cells: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                     np.ndarray, np.ndarray]:
    """The land-purchase offers in force at ``cells`` (flat cell indices, e.g. of the parcels).

    Returns
    -------
    inside : ndarray of bool
        Inside some offer's purchase zone.
    price_share : ndarray of float64
        Highest ``price_share`` of the offers covering the cell (0 elsewhere).
    price_eur_ha : ndarray of float64
        Highest flat price of older offers (``price_keur_ha``) covering the cell (0 elsewhere).
    priority : ndarray of float64
        Lowest priority of the offers covering the cell (inf elsewhere).
    """
    inside = np.zeros(cells.size, dtype=bool)
    share = np.zeros(cells.size)
    flat = np.zeros(cells.size)
    priority = np.full(cells.size, np.inf)
    for offer in offers:
        hit = np.flatnonzero(offer["cells"][cells])
        inside[hit] = True
        if "price_share" in offer:
            share[hit] = np.maximum(share[hit], offer["price_share"])
        else:
            flat[hit] = np.maximum(flat[hit], offer["price_keur_ha"] * 1000.0)
        priority[hit] = np.minimum(priority[hit], offer["priority"][cells[hit]])
    return inside, share, flat, priority


def income_changes_keur(farms: FarmState, margin_keur: np.ndarray,
                        land_price_eur_ha: np.ndarray | None,
                        offers: list[dict] | None) -> np.ndarray:
    """Change of family income (k euro/yr) of ``sell_land`` and ``nature_land``, shape (farms, 2).

    Unavailable is -inf: without land prices (``land_price_eur_ha``, per flat cell), for
    greenhouses and unplaced farms, ``sell_land`` below :data:`SELL_MIN_AREA_HA`,
    ``nature_land`` without land inside the zone of a land-purchase offer in force.
    """
    n = farms.n
    d = np.full((n, 2), -np.inf)
    if land_price_eur_ha is None:
        return d
    price = np.ravel(land_price_eur_ha)
    area = farms.total_area_ha
    per_ha = margin_keur / np.maximum(area, 1e-9)
    able = farms.active & (farms.farm_type != GREENHOUSE) & (farms.farmstead_cell >= 0)
    sell = able & (area >= SELL_MIN_AREA_HA)
    ha = SELL_SHARE * area
    at_home = price[np.maximum(farms.farmstead_cell, 0)]
    gain = ha * (at_home / 1000.0 * SALE_RETURN_RATE - per_ha * INCOME_SHARE)
    d[sell, 0] = gain[sell]
    if offers:
        cells = farms.parcel_cell
        inside, share, flat, _ = purchase_terms(offers, cells)
        offer_eur = share * price[cells] + flat
        zone_ha = np.bincount(farms.parcel_farm, weights=farms.parcel_ha * inside, minlength=n)
        value = np.bincount(farms.parcel_farm, weights=farms.parcel_ha * inside * offer_eur,
                            minlength=n)
        offer_eur_ha = value / np.maximum(zone_ha, 1e-12)
        ha = np.minimum(zone_ha, NATURE_LAND_MAX_SHARE * area)
        nature = able & (ha > 0)
        gain = ha * (offer_eur_ha / 1000.0 * SALE_RETURN_RATE - per_ha * INCOME_SHARE)
        d[nature, 1] = gain[nature]
    return d


def utility_bonus(farms: FarmState) -> np.ndarray:
    """Utility of both land options beyond income, shape (farms, 2): heads aged
    :data:`OLD_AGE_YR` or more without a successor downsize before retiring."""
    old = (farms.age_yr >= OLD_AGE_YR) & ~farms.successor
    return np.repeat((SELL_OLD_NO_SUCCESSOR * old)[:, None], 2, axis=1)


def split_for_sale(farms: FarmState, target_ha: np.ndarray, key: np.ndarray,
                   eligible: np.ndarray) -> np.ndarray:
    """Mark ``target_ha`` of each farm's eligible parcels for sale, in place.

    Per farm, eligible parcels are taken in order of ``key`` (per parcel, lowest first) until
    the target is reached; the last one is split in two (the part for sale becomes a new parcel
    at the end of the arrays). Areas by use do not change.

    Returns
    -------
    ndarray of bool
        Per parcel (after the splits): on sale.
    """
    cand = np.flatnonzero(eligible & (target_ha[farms.parcel_farm] > 0))
    order = cand[np.lexsort((key[cand], farms.parcel_farm[cand]))]
    owner, ha = farms.parcel_farm[order], farms.parcel_ha[order]
    cum = np.cumsum(ha)
    first = np.r_[True, owner[1:] != owner[:-1]] if owner.size else np.zeros(0, dtype=bool)
    offset = np.maximum.accumulate(np.where(first, cum - ha, 0.0)) if owner.size else cum
    before = cum - ha - offset
    portion = np.clip(target_ha[owner] - before, 0.0, ha)
    whole = portion >= ha - _MIN_PIECE_HA
    part = (portion > _MIN_PIECE_HA) & ~whole
    split = order[part]
    farms.parcel_ha[split] -= portion[part]
    on_sale = np.zeros(farms.parcel_farm.size + split.size, dtype=bool)
    on_sale[order[whole]] = True
    on_sale[farms.parcel_farm.size:] = True
    farms.parcel_farm = np.concatenate([farms.parcel_farm, farms.parcel_farm[split]])
    farms.parcel_cell = np.concatenate([farms.parcel_cell, farms.parcel_cell[split]])
    farms.parcel_ha = np.concatenate([farms.parcel_ha, portion[part]])
    return on_sale


def _staying(model: RegionModel, option: int) -> np.ndarray:
    """Farms that chose ``option`` this year and are still active and not leaving."""
    farms = model.farms
    chose = (model.choices.option == option) & farms.active & (farms.farmstead_cell >= 0)
    chose[model.farms_leaving] = False
    return np.flatnonzero(chose)


def _distance_cells(farms: FarmState, parcels: np.ndarray, n_cols: int) -> np.ndarray:
    """Distance of ``parcels`` from their farm's farmstead (cells)."""
    pr, pc = np.divmod(farms.parcel_cell[parcels], n_cols)
    fr, fc = np.divmod(farms.farmstead_cell[farms.parcel_farm[parcels]], n_cols)
    return np.hypot(pr - fr, pc - fc)


@contextmanager
def on_market(model: RegionModel) -> Iterator[None]:
    """Put the land of this year's ``sell_land`` farms on the market while the block runs.

    For the block (the market phase, :func:`agents.farmers.market_year.clear`) each seller is
    split in two: its part for sale plays a farm that stops (in ``model.farms_leaving``,
    inactive, without herd, holding the parcels for sale and their share of its area by use),
    its kept parcels, area, herd and green-blue veining wait aside. After the block both are
    joined again: the seller is active with its herd, the kept land, and any land for sale
    nobody took. Sets ``model.land_sales`` (reset every year).
    """
    from agents.farmers.options import SELL_LAND

    farms = model.farms
    model.land_sales = LandSales.empty(farms.n)
    sellers = _staying(model, SELL_LAND)
    if sellers.size == 0:
        yield
        return
    target = np.zeros(farms.n)
    target[sellers] = SELL_SHARE * farms.total_area_ha[sellers]
    is_seller = np.zeros(farms.n, dtype=bool)
    is_seller[sellers] = True
    theirs = is_seller[farms.parcel_farm]
    key = np.zeros(farms.parcel_farm.size)
    key[theirs] = -_distance_cells(farms, np.flatnonzero(theirs),
                                   model.landscape.grid.n_cols)  # outlying parcels first
    on_sale = split_for_sale(farms, target, key, theirs)
    kept = is_seller[farms.parcel_farm] & ~on_sale
    aside = farms.parcel_farm[kept], farms.parcel_cell[kept], farms.parcel_ha[kept]
    farms.parcel_farm, farms.parcel_cell, farms.parcel_ha = (
        farms.parcel_farm[~kept], farms.parcel_cell[~kept], farms.parcel_ha[~kept])
    sale_ha = np.bincount(farms.parcel_farm, weights=farms.parcel_ha * is_seller[
        farms.parcel_farm], minlength=farms.n)[sellers]
    share = sale_ha / np.maximum(farms.total_area_ha[sellers], 1e-12)
    area = farms.area_ha[sellers]
    kept_area = area * (1.0 - share)[:, None]
    herd, gbd = farms.animals[sellers].copy(), farms.gbd_ha[sellers].copy()
    farms.area_ha[sellers] = area - kept_area
    farms.animals[sellers] = 0
    farms.active[sellers] = False
    leaving = model.farms_leaving
    model.farms_leaving = np.union1d(leaving, sellers)
    try:
        yield
    finally:
        model.farms_leaving = leaving
        unsold = farms.area_ha[sellers].sum(axis=1)
        farms.area_ha[sellers] += kept_area
        farms.animals[sellers] += herd
        farms.active[sellers] = True
        farms.gbd_ha[sellers] = gbd
        farms.parcel_farm = np.concatenate([farms.parcel_farm, aside[0]])
        farms.parcel_cell = np.concatenate([farms.parcel_cell, aside[1]])
        farms.parcel_ha = np.concatenate([farms.parcel_ha, aside[2]])
        cap_to_open_area(farms)
        model.land_sales.sold_ha[sellers] = np.maximum(sale_ha - unsold, 0.0)


def sell_to_nature(model: RegionModel) -> None:
    """Governments buy the land this year's ``nature_land`` farms offer, in place (after the
    market: in the offers' order, LN-09 classes first when in force, while budgets last).

    Land bought becomes nature (``model.nature_bought_ha``, ``nature_gained_ha``, paid in
    ``land_purchase_meur``); the rest stays with the farm. Records ``model.land_sales.nature_ha``.
    """
    from agents.farmers.market_year import ladder_rank
    from agents.farmers.options import NATURE_LAND

    offers = [o for o in model.policy.offers if o.get("land_purchase")]
    sellers = _staying(model, NATURE_LAND)
    if not offers or sellers.size == 0:
        return
    farms, grid = model.farms, model.landscape.grid
    n_cells = grid.n_rows * grid.n_cols
    inside, _, _, priority = purchase_terms(offers, farms.parcel_cell)
    zone_ha = np.bincount(farms.parcel_farm, weights=farms.parcel_ha * inside,
                          minlength=farms.n)
    target = np.zeros(farms.n)
    target[sellers] = np.minimum(zone_ha[sellers],
                                 NATURE_LAND_MAX_SHARE * farms.total_area_ha[sellers])
    on_sale = split_for_sale(farms, target, priority, inside)
    before = farms.total_area_ha[sellers]
    bought, paid = buy_for_nature(farms, np.zeros(0, dtype=np.int64), offers, n_cells,
                                  np.ravel(model.land_price_cell_eur_ha), ladder_rank(model),
                                  parcels_on_sale=on_sale)
    model.land_sales.nature_ha[sellers] = before - farms.total_area_ha[sellers]
    shape = grid.shape
    model.nature_bought_ha = model.nature_bought_ha + bought.reshape(shape)
    model.nature_gained_ha += bought.reshape(shape)
    model.land_purchase_meur = model.land_purchase_meur + paid.reshape(shape)
    cap_to_open_area(farms)
