"""One year of the land market (phase 5), in order: prices, governments, land bank, neighbours.

1. This year's price per province follows the smoothed demand over supply up to last year
   (:func:`agents.farmers.land_prices.update_prices`); the first year trades at the 2023 level.
2. Governments buy land for nature (NPLG-LAND-PURCHASE), the LN-09 ladder first when in force,
   at a share of the cell's price (regional price x designation factor).
3. Provincial land banks buy in the aandachtsgebied, then let go of land held long enough
   (:mod:`agents.farmers.land_bank`); nature organisations buy next to Natura 2000 from their
   own money (:mod:`agents.nature_organisations`).
4. Neighbours take the rest (:func:`agents.farmers.land_market.reallocate`), bidding with their
   marginal return of land; crop farms may plough grassland they take over unless WBS-27 keeps it.
5. Demand (the farms' bids plus what governments bought) and supply (land of farms that stop)
   per province are smoothed and kept for next year's price.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import numpy as np

from agents import nature_organisations
from agents.farmers import land_prices as lp
from agents.farmers.decisions import structural_step
from agents.farmers.economics import gross_margin_keur
from agents.farmers.gbd import cap_to_open_area
from agents.farmers.land_market import OLD_WITHOUT_SUCCESSOR_WEIGHT, buy_for_nature, reallocate

from agents.farmers.state import FarmState

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Years of the dry run of exits that calibrates the bids (:func:`calibrate_bid_scale`).
CALIBRATION_YEARS = 5


def reference_return_keur_ha(farms: FarmState, depth_cm: np.ndarray,
                             salinity: np.ndarray | None = None,
                             n_prov: int | None = None) -> np.ndarray:
    """Area-weighted mean marginal return of land of each province's farms (k euro/ha/yr, per
    province id). Per province, so that a province's bids are the same in a regional run as in
    the national run."""
    margin = gross_margin_keur(farms, depth_cm, salinity)
    n_prov = int(farms.province_id.max()) + 1 if n_prov is None else n_prov
    total = np.bincount(farms.province_id, weights=margin, minlength=n_prov)
    area = np.bincount(farms.province_id, weights=farms.total_area_ha * farms.active,
                       minlength=n_prov)
    return np.where(area > 0, total / np.maximum(area, 1e-12), 0.0)


def designation(model: RegionModel) -> np.ndarray:
    """Designation factor of farmland per flat cell (see ``land_prices.designation_factor``)."""
    policy = model.policy
    extensive = np.zeros(model.landscape.grid.shape, dtype=bool)
    pay = policy.payments_eur_ha_yr.get("extensification")
    if pay is not None:
        extensive |= pay > 0
    zone = policy.zones.get("aandachtsgebied")
    if zone is not None:
        extensive |= zone
    return lp.designation_factor(model.nature_gained_ha > 0, extensive).ravel()


def ladder_rank(model: RegionModel) -> np.ndarray | None:
    """LN-09 class per flat cell in ladder order (unclassified cells last); None without LN-09."""
    order = model.policy.ladders.get("farmland")
    if order is None:
        return None
    rank = np.full(model.land_use.size, len(order), dtype=np.int64)
    for k, label in reversed(list(enumerate(order))):
        zone = model.policy.zones.get(f"ladder_{label}")
        if zone is not None:
            rank[zone.ravel()] = k
    return rank


def _bid_base(farms: FarmState, weight: np.ndarray, n_prov: int) -> np.ndarray:
    """Per province id: area x bid weight x keenness of its active farms (ha)."""
    keen = np.where((farms.age_yr >= 60) & ~farms.successor, OLD_WITHOUT_SUCCESSOR_WEIGHT, 1.0)
    return np.bincount(farms.province_id, weights=farms.total_area_ha * weight * keen
                       * farms.active, minlength=n_prov)


def calibrate_bid_scale(farms: FarmState, weight: np.ndarray, n_prov: int, start_year: int,
                        rng: np.random.Generator,
                        years: int = CALIBRATION_YEARS) -> np.ndarray:
    """Share of its bid base each province's farms bid for a year (per province id).

    ASSUMPTION: the market of the start is in balance at the 2023 price, so the bids of each
    province equal the land its farms put on the market in a year without policy: the mean of a
    ``years``-year dry run of the structural step on a copy of the farms (its own draws, from
    ``rng``). Prices then move with what policy and structural change add to supply or demand.
    """
    copy = FarmState(**{f.name: np.copy(getattr(farms, f.name)) for f in fields(farms)})
    supply = np.zeros(n_prov)
    for k in range(years):
        gone = structural_step(copy, start_year + k, rng)
        supply += np.bincount(copy.province_id[gone], weights=copy.total_area_ha[gone],
                              minlength=n_prov)
    base = _bid_base(farms, weight, n_prov)
    return np.where(base > 0, supply / years / np.maximum(base, 1e-12), 0.0)


def start_bid_scale(model: RegionModel) -> np.ndarray:
    """:func:`calibrate_bid_scale` for a model at set-up (draws from its ``land_use`` stream)."""
    farms = model.farms
    margin = gross_margin_keur(farms, model.groundwater_depth_cm, model.salinity)
    weight = lp.bid_weight(lp.marginal_return_keur_ha(margin, farms.total_area_ha),
                           model.land_reference_keur_ha[farms.province_id])
    return calibrate_bid_scale(farms, weight, model.land_price_eur_ha.size, model.start_year,
                               model._land_use_rng)


def bids_ha(model: RegionModel, weight: np.ndarray) -> np.ndarray:
    """Hectares the active farms of each province bid for this year (index: province id)."""
    return model.land_bid_scale * _bid_base(model.farms, weight, model.land_price_eur_ha.size)


def clear(model: RegionModel, year: int) -> None:
    """Clear this year's land market, in place (see the module docstring)."""
    farms, grid = model.farms, model.landscape.grid
    shape, n_cells = grid.shape, grid.shape[0] * grid.shape[1]
    province = model.landscape["province_id"].ravel().astype(np.intp)
    n_prov = model.land_price_eur_ha.size
    if model.land_demand_ha is not None:
        model.land_price_eur_ha = lp.update_prices(
            model.land_price_eur_ha, model.land_price_base_eur_ha, model.land_demand_ha,
            model.land_supply_ha)
    leaving = model.farms_leaving
    on_market = np.isin(farms.parcel_farm, leaving)
    supply = np.bincount(province[farms.parcel_cell[on_market]],
                         weights=farms.parcel_ha[on_market], minlength=n_prov)

    cell_price = lp.cell_prices_eur_ha(model.land_price_eur_ha, province, designation(model))
    model.land_price_cell_eur_ha = cell_price.reshape(shape)
    rank = ladder_rank(model)
    offers = [o for o in model.policy.offers if o.get("land_purchase")]
    bought, paid = buy_for_nature(farms, leaving, offers, n_cells, cell_price, rank)
    bank = model.land_bank
    paid += bank.buy(farms, leaving, [o["bank"] for o in offers if o.get("bank")], cell_price,
                     rank, year)
    to_nature = bank.issue(farms, grid, year, cell_price)
    # nature organisations, from their own money, next to Natura 2000
    by_orgs, _ = buy_for_nature(farms, leaving, nature_organisations.offers(
        model, model.nature_organisations), n_cells, cell_price, rank)
    model.nature_org_bought_ha = by_orgs.reshape(shape)
    model.nature_bought_ha = (bought + to_nature + by_orgs).reshape(shape)
    model.land_purchase_meur = paid.reshape(shape)
    model.nature_gained_ha += model.nature_bought_ha

    margin = gross_margin_keur(farms, model.groundwater_depth_cm, model.salinity)
    weight = lp.bid_weight(lp.marginal_return_keur_ha(margin, farms.total_area_ha),
                           model.land_reference_keur_ha[farms.province_id])
    keep = model.policy.zones.get("grassland_kept")
    keep = np.zeros(n_cells, dtype=bool) if keep is None else keep.ravel()
    sold, ploughed = reallocate(farms, leaving, grid, model._market_rng, weight,
                                model._land_use_rng, model.peat_ha.ravel() > 0, keep)
    model.traded_parcels = sold
    # the hectares per cell now: the parcel arrays change later in the year (land for nature)
    model.traded_ha = np.bincount(farms.parcel_cell[sold], weights=farms.parcel_ha[sold],
                                  minlength=n_cells).reshape(shape)
    model.grassland_converted_ha = np.bincount(
        farms.parcel_cell[sold], weights=ploughed, minlength=n_cells).reshape(shape)

    governments = np.bincount(province, weights=bought + bank.bought_ha + by_orgs,
                              minlength=n_prov)  # and the nature organisations
    model.land_demand_ha = lp.smooth(model.land_demand_ha, bids_ha(model, weight) + governments)
    model.land_supply_ha = lp.smooth(model.land_supply_ha, supply)
    cap_to_open_area(farms)  # green-blue veining stays with the land a farm now holds
