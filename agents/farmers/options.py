"""The farmers' yearly economic options: a bounded-rational choice over all farms at once.

Each active farm weighs :data:`OPTIONS` by the change in family farm income each would bring
(:mod:`agents.farmers.economics`) and the year's policy (payments per hectare by purpose, the
``no_intensification`` mask), plus its attitude and its neighbours' example, and picks one by a
logit (Gumbel-max) with a strong preference for staying as it is (inertia). Utility of option k:

    V_k = dI_k / INCOME_SCALE_KEUR + ATTITUDE_WEIGHT * green_k * (attitude - 0.5)
          + NEIGHBOUR_WEIGHT * share of farms in the COROP region already in state k
    V_stay = INERTIA

Effects: extensify lowers the herd by :data:`HERD_STEP` and intensify raises it by as much as the
production rights that extensifying farms of its province sell (:func:`trade_rights`); organic
and natuurbeheer switch the farm's state; technology multiplies its emission factor by
:data:`TECHNOLOGY_FACTOR` and marks the farm low-emission. ``sell_land`` (sell part of the land on
the market) and ``nature_land`` (sell land in a purchase zone for nature) are carried out in the
market phase (:mod:`agents.farmers.land_options`, docs/land_options.md). Every number is an
ASSUMPTION with a range (docs/farmers.md); none is calibrated yet against observed adoption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.allocation import largest_remainder
from agents.farmers import finance, land_options
from agents.farmers.economics import (
    CAPACITY_VALUE_KEUR_PER_HEAD,
    INCOME_SHARE,
    MARGIN_KEUR_PER_HEAD,
    RIGHTS_VALUE_KEUR_PER_HEAD,
    gross_margin_keur,
)
from agents.farmers.state import FarmState

OPTIONS: tuple[str, ...] = ("stay", "intensify", "extensify", "organic", "nature_management",
                            "technology", "sell_land", "nature_land")
STAY, INTENSIFY, EXTENSIFY, ORGANIC, NATURE, TECHNOLOGY, SELL_LAND, NATURE_LAND = range(
    len(OPTIONS))
#: Options that count as 'green' for the attitude term.
GREEN = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0])

#: ASSUMPTION: utility of staying as it is; explore 5-8 (with 6, an option worth nothing extra is
#: chosen by about 0.25% of farms a year).
INERTIA = 6.0
#: ASSUMPTION: income change (k euro/yr) worth one unit of utility; explore 5-40.
INCOME_SCALE_KEUR = 10.0
#: ASSUMPTION: weight of attitude on green options; explore 0-3.
ATTITUDE_WEIGHT = 2.0
#: ASSUMPTION: weight of the COROP region's share of farms already organic, in natuurbeheer or
#: with low-emission technology; explore 0-3.
NEIGHBOUR_WEIGHT = 1.0
#: ASSUMPTION: change of the herd when intensifying or extensifying; explore 0.05-0.2.
HERD_STEP = 0.1
#: ASSUMPTION: annuity on the value of production capacity (rights, buildings); explore 0.04-0.1.
ANNUITY = 0.07
#: ASSUMPTION: change of gross margin on converting to organic (lower yields, higher prices);
#: explore -0.15-0.05.
ORGANIC_MARGIN_CHANGE = -0.05
#: ASSUMPTION: agrarisch natuurbeheer: share of the land enrolled, base payment on it (euro/ha/yr)
#: and the share of its margin lost; explore 0.1-0.3, 200-800, 0.2-0.5.
NATURE_SHARE, NATURE_PAYMENT_EUR_HA, NATURE_MARGIN_LOSS = 0.2, 400.0, 0.3
#: ASSUMPTION: low-emission technology (housing, feeding): emission multiplier and cost as a
#: share of the capacity value (annualised); explore 0.5-0.8 and 0.05-0.3.
TECHNOLOGY_FACTOR, TECHNOLOGY_COST_SHARE = 0.7, 0.15


def trade_rights(farms: FarmState, up: np.ndarray, down: np.ndarray,
                 paid: np.ndarray) -> None:
    """Herds change by HERD_STEP with production rights traded within each province, in place.

    Extensifying farms sell the rights they no longer use; paid extensification (a scheme that
    buys the reduction) cancels them instead. Intensifying farms of the same province buy what is
    for sale, shared by their wishes (largest remainder): herds only grow where others shrink.
    Rights nobody buys this year lapse (a slow drift down of the herds, about 1% in 7 years).
    """
    cut = np.rint(farms.animals * HERD_STEP).astype(np.int64) * down[:, None]
    wish = np.rint(farms.animals * HERD_STEP).astype(np.int64) * up[:, None]
    farms.animals -= cut
    for pid in np.unique(farms.province_id[up]):
        here = farms.province_id == pid
        for c in range(farms.animals.shape[1]):
            for_sale = int(cut[here & ~paid, c].sum())
            buyers = np.flatnonzero(here & up & (wish[:, c] > 0))
            if for_sale and buyers.size:
                bought = min(for_sale, int(wish[buyers, c].sum()))
                farms.animals[buyers, c] += largest_remainder(bought, wish[buyers, c])


@dataclass
class Choices:
    """The option each farm chose this year (index into OPTIONS; -1 for inactive farms)."""

    option: np.ndarray

    def count(self, k: int) -> np.ndarray:
        return self.option == k

    @classmethod
    def none(cls, n: int) -> Choices:
        return cls(np.full(n, -1, dtype=np.int8))


def income_changes_keur(farms: FarmState, depth_cm: np.ndarray, payment_eur_ha: dict,
                        no_intensification: np.ndarray | None,
                        salinity: np.ndarray | None = None,
                        margin_factor: np.ndarray | None = None,
                        land_price_eur_ha: np.ndarray | None = None,
                        land_offers: list[dict] | None = None) -> np.ndarray:
    """Change of family income per farm (k euro/yr) of each option, shape (farms, OPTIONS).

    ``sell_land`` and ``nature_land`` (:mod:`agents.farmers.land_options`) need this year's land
    price per cell (``land_price_eur_ha``) and, for ``nature_land``, the land-purchase offers in
    force (``land_offers``); without them they are unavailable.

    Unavailable options are -inf: herd options without livestock, intensification where the
    farmstead lies under a ``no_intensification`` mask, switching to a state the farm already
    has, technology where it already has it or where its solvency is below
    :data:`agents.farmers.finance.MIN_SOLVENCY` (no bank finances it).
    """
    n = farms.n
    area = farms.total_area_ha
    margin = gross_margin_keur(farms, depth_cm, salinity, margin_factor)
    herd_margin = farms.animals @ MARGIN_KEUR_PER_HEAD
    herd_value = farms.animals @ CAPACITY_VALUE_KEUR_PER_HEAD
    cell = farms.farmstead_cell

    def pay(purpose: str) -> np.ndarray:
        grid = payment_eur_ha.get(purpose)
        return np.zeros(n) if grid is None else grid.ravel()[cell] * area / 1000.0

    d = np.full((n, len(OPTIONS)), -np.inf)
    d[:, STAY] = 0.0
    livestock = herd_value > 0
    step_income = HERD_STEP * herd_margin * INCOME_SHARE
    step_rights = HERD_STEP * (farms.animals @ RIGHTS_VALUE_KEUR_PER_HEAD) * ANNUITY
    d[livestock, INTENSIFY] = (step_income - step_rights)[livestock]
    if no_intensification is not None:
        d[no_intensification.ravel()[cell], INTENSIFY] = -np.inf
    new_payment = pay("extensification") * ~farms.extensive  # paid once extensive, whatever next
    d[livestock, EXTENSIFY] = (-step_income + step_rights + new_payment)[livestock]
    conv = ~farms.organic
    d[conv, ORGANIC] = (ORGANIC_MARGIN_CHANGE * margin * INCOME_SHARE + pay("organic"))[conv]
    join = ~farms.nature_management
    per_ha = margin / np.maximum(area, 1e-9)
    nature = NATURE_SHARE * area * (
        (NATURE_PAYMENT_EUR_HA / 1000.0) - NATURE_MARGIN_LOSS * per_ha * INCOME_SHARE)
    d[join, NATURE] = (nature + NATURE_SHARE * pay("nature_management"))[join]
    tech = livestock & ~farms.low_emission & (farms.solvency >= finance.MIN_SOLVENCY)
    d[tech, TECHNOLOGY] = (-TECHNOLOGY_COST_SHARE * herd_value * ANNUITY
                           + pay("technology"))[tech]
    d[:, SELL_LAND:] = land_options.income_changes_keur(farms, margin, land_price_eur_ha,
                                                        land_offers)
    d[~farms.active] = -np.inf
    d[~farms.active, STAY] = 0.0
    return d


def neighbour_shares(farms: FarmState, corop_of_cell: np.ndarray) -> np.ndarray:
    """Per farm, the share of active farms in its COROP region already in each option's state."""
    region = corop_of_cell.ravel()[farms.farmstead_cell].astype(np.intp)
    size = int(region.max()) + 1
    active = farms.active
    total = np.maximum(np.bincount(region, weights=active, minlength=size), 1.0)
    shares = np.zeros((farms.n, len(OPTIONS)))
    for k, state in ((ORGANIC, farms.organic), (NATURE, farms.nature_management),
                     (TECHNOLOGY, farms.low_emission)):
        shares[:, k] = (np.bincount(region, weights=active & state, minlength=size)
                        / total)[region]
    return shares


def choose(farms: FarmState, depth_cm: np.ndarray, payment_eur_ha: dict,
           no_intensification: np.ndarray | None, corop_of_cell: np.ndarray,
           rng: np.random.Generator, salinity: np.ndarray | None = None,
           margin_factor: np.ndarray | None = None,
           land_price_eur_ha: np.ndarray | None = None,
           land_offers: list[dict] | None = None) -> Choices:
    """Choose and carry out one option per active farm, in place.

    Draws ``farms.n x len(OPTIONS)`` uniforms every year, whatever the choices. ``sell_land``
    and ``nature_land`` are carried out in the market phase (:mod:`agents.farmers.land_options`).
    """
    u = rng.random((farms.n, len(OPTIONS)))
    utility = (income_changes_keur(farms, depth_cm, payment_eur_ha, no_intensification,
                                   salinity, margin_factor, land_price_eur_ha, land_offers)
               / INCOME_SCALE_KEUR
               + ATTITUDE_WEIGHT * GREEN * (farms.attitude[:, None] - 0.5)
               + NEIGHBOUR_WEIGHT * neighbour_shares(farms, corop_of_cell))
    utility[:, SELL_LAND:] += land_options.utility_bonus(farms)
    utility[:, STAY] = INERTIA
    gumbel = -np.log(-np.log(np.clip(u, 1e-12, 1 - 1e-12)))
    option = np.argmax(utility + gumbel, axis=1).astype(np.int8)
    option[~farms.active] = -1

    paid = payment_eur_ha.get("extensification")
    paid_farm = (np.zeros(farms.n, dtype=bool) if paid is None
                 else paid.ravel()[farms.farmstead_cell] > 0)
    trade_rights(farms, option == INTENSIFY, option == EXTENSIFY, paid_farm)
    farms.organic[option == ORGANIC] = True
    farms.nature_management[option == NATURE] = True
    farms.emission_factor[option == TECHNOLOGY] *= TECHNOLOGY_FACTOR
    farms.low_emission[option == TECHNOLOGY] = True
    farms.extensive[option == EXTENSIFY] = True
    return Choices(option)


#: Which farms receive a payment of each purpose, and on what share of their land (a number, or
#: a function of the farms giving a share per farm).
RECIPIENTS = {
    "organic": (lambda f: f.organic, 1.0),
    "nature_management": (lambda f: f.nature_management, lambda f: NATURE_SHARE),
    "extensification": (lambda f: f.extensive, 1.0),
    "technology": (lambda f: f.low_emission, 1.0),
    "gbd": (lambda f: f.gbd_ha > 0,
            lambda f: f.gbd_ha / np.maximum(f.total_area_ha, 1e-12)),
}


def settle_payments(farms: FarmState, sources: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Charge each payer for the farms that receive its payments this year.

    A payer pays what its budget allows; the rest is owed but not paid (each farm's share of a
    source is scaled alike). Returns per farm the money paid and owed (million euro).
    """
    paid = np.zeros(farms.n)
    owed = np.zeros(farms.n)
    area = farms.total_area_ha
    for source in sources:
        state, share = RECIPIENTS.get(source["purpose"], (None, 0.0))
        if state is None:
            continue
        cell = farms.farmstead_cell
        gets = farms.active & state(farms) & source["where"].ravel()[cell]
        rate = source["rate_eur_ha_yr"]
        if isinstance(rate, np.ndarray):  # a rate per cell
            rate = rate.ravel()[cell]
        if callable(share):
            share = share(farms)
        due = gets * area * share * rate / 1e6
        total = float(due.sum())
        if total <= 0:
            continue
        spent = source["payer"].spend(total)
        paid += due * (spent / total)
        owed += due * (1.0 - spent / total)
    return paid, owed
