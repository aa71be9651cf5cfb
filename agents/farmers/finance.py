"""Farm finance: a small balance sheet per farm (assets, debt, equity) and its yearly update.

Pure functions over :class:`~agents.farmers.state.FarmState` columns (``assets_keur``,
``debt_keur``, ``herd_value_keur``); docs/farm_finance.md gives every parameter with its source or
range.

Initialisation (:func:`initialise`)
    assets = owned land (:data:`OWNED_LAND_SHARE` of the farm's area at its province's 2023
    farmland price, :func:`agents.farmers.land_prices.start_prices_eur_ha`) + the value of the
    production capacity (:func:`agents.farmers.economics.capacity_value_keur`) + buildings and
    machinery of crop land (:data:`CROP_BUILDINGS_KEUR_HA` per ha of arable and open-field
    horticulture, :data:`GLASS_VALUE_KEUR_HA` per ha of glass); debt = (1 - solvency) x assets
    with the solvency drawn per farm from a Beta distribution of mean :data:`SOLVENCY_MEAN` and
    concentration :data:`SOLVENCY_CONCENTRATION` (one draw per farm, from its own stream).
Yearly update (:func:`update`)
    equity changes by family farm income + payments received + off-farm income - household
    drawings, by lowering or raising the debt (interest is a cost already in the family farm
    income, as in WEcR's income from the business) (a surplus beyond the debt
    is held as cash, an asset). Assets are held at their start book value (no revaluation of
    land), except that a change of the herd moves assets and debt alike by the change of the
    capacity value (rights bought with a loan, sold to repay one): equity unchanged. A farm
    bought out receives the offer (cash) in its last year; stopped farms are not updated.
Where it matters
    the leverage term of buy-out acceptance (:func:`agents.farmers.decisions.accept_probability`),
    livestock relocation (:func:`agents.farmers.relocation.livestock_accept_probability`) and the
    technology option (:func:`agents.farmers.options.income_changes_keur`) need a solvency of at
    least :data:`MIN_SOLVENCY`.
"""

from __future__ import annotations

import numpy as np

from agents.farmers.economics import capacity_value_keur
from agents.farmers.state import LAND_USES, FarmState

#: ASSUMPTION: share of a farm's area it owns (the rest is leased, not on its balance sheet);
#: explore 0.5-0.7.
OWNED_LAND_SHARE = 0.6
#: ASSUMPTION: value of buildings and machinery per ha of arable and open-field horticulture
#: (k euro/ha; livestock buildings are in the capacity value); explore 5-20.
CROP_BUILDINGS_KEUR_HA = 10.0
#: ASSUMPTION: book value of greenhouses per ha of glass (k euro/ha; about half the cost of
#: building anew); explore 200-800.
GLASS_VALUE_KEUR_HA = 400.0
#: Mean solvency (equity over assets) at the start. Wageningen Economic Research (Agrimatie,
#: 'Balans en financiering', Bedrijveninformatienet) reports two thirds for the average Dutch
#: farm at the end of 2014, 71% for 2017 and 73% for 2020
#: (https://www.agrimatie.nl/ThemaResultaat.aspx?subpubID=2232&themaID=2265&indicatorID=2009);
#: those are means over the larger farms of the farm accountancy network. Explore 0.55-0.8.
SOLVENCY_MEAN = 0.68
#: ASSUMPTION: concentration (a + b) of the Beta distribution of the solvency; with 8 the
#: standard deviation is 0.16 and about 4% of farms start below 0.3 (WEcR: 20% of greenhouse
#: farms below 0.37 in 2017); explore 4-20.
SOLVENCY_CONCENTRATION = 8.0
#: ASSUMPTION: household drawings (private spending, taxes) per farm per year (k euro), at most:
#: a household that earns less spends what it earns; explore 30-70.
DRAWINGS_KEUR = 45.0
#: ASSUMPTION: off-farm income of the farm household per year (k euro; a job, a pension,
#: non-farm activities), which pays part of the drawings; explore 0-40.
OFF_FARM_INCOME_KEUR = 20.0
#: ASSUMPTION: lowest solvency at which a bank finances an investment (low-emission technology,
#: a livestock relocation); also the threshold of the farms_low_solvency_share indicator;
#: explore 0.2-0.4.
MIN_SOLVENCY = 0.3

CROP_LAND = np.array([use in ("arable", "horticulture_open") for use in LAND_USES])
GLASS = LAND_USES.index("greenhouse")


def assets_keur(farms: FarmState, price_eur_ha: np.ndarray) -> np.ndarray:
    """Assets per farm at the start (k euro): owned land at its province's price, production
    capacity, and buildings and machinery of crop land and glass.

    Parameters
    ----------
    farms : FarmState
    price_eur_ha : ndarray of float64
        Farmland price per province id (index 0 unused), as
        :func:`agents.farmers.land_prices.start_prices_eur_ha`.
    """
    land = (OWNED_LAND_SHARE * farms.total_area_ha
            * np.nan_to_num(price_eur_ha)[farms.province_id] / 1000.0)
    buildings = (CROP_BUILDINGS_KEUR_HA * farms.area_ha[:, CROP_LAND].sum(axis=1)
                 + GLASS_VALUE_KEUR_HA * farms.area_ha[:, GLASS])
    return land + capacity_value_keur(farms) + buildings


def draw_solvency(n: int, rng: np.random.Generator) -> np.ndarray:
    """Start solvency of ``n`` farms: Beta of mean SOLVENCY_MEAN (one draw per farm)."""
    a = SOLVENCY_MEAN * SOLVENCY_CONCENTRATION
    b = (1.0 - SOLVENCY_MEAN) * SOLVENCY_CONCENTRATION
    return rng.beta(a, b, n)


def initialise(farms: FarmState, price_eur_ha: np.ndarray, rng: np.random.Generator) -> None:
    """Set every farm's balance sheet, in place (``farms.n`` draws from ``rng``)."""
    solvency = draw_solvency(farms.n, rng)
    farms.assets_keur = assets_keur(farms, price_eur_ha)
    farms.debt_keur = (1.0 - solvency) * farms.assets_keur
    farms.herd_value_keur = capacity_value_keur(farms)


def net_flow_keur(farms: FarmState, income_keur: np.ndarray, payments_keur: np.ndarray
                  ) -> np.ndarray:
    """This year's change of equity per farm (k euro): for active farms income + payments +
    off-farm income - drawings, where a household spends what it earns up to
    :data:`DRAWINGS_KEUR` (so equity falls only with a loss; the interest on the debt is a cost
    within the family farm income); for the others the payments alone (a buy-out's offer)."""
    earned = income_keur + OFF_FARM_INCOME_KEUR
    # ASSUMPTION: a household spends what it earns, up to DRAWINGS_KEUR
    own = earned - np.minimum(DRAWINGS_KEUR, np.maximum(earned, 0.0))
    return payments_keur + np.where(farms.active, own, 0.0)


def book(farms: FarmState, flow_keur: np.ndarray) -> None:
    """Add ``flow_keur`` to equity, in place: the debt falls by a surplus (what is left once it
    is repaid is cash, an asset) and rises by a deficit."""
    debt = farms.debt_keur - flow_keur
    farms.assets_keur = farms.assets_keur + np.maximum(-debt, 0.0)
    farms.debt_keur = np.maximum(debt, 0.0)


def update(farms: FarmState, income_keur: np.ndarray, payments_keur: np.ndarray) -> None:
    """The yearly update of the balance sheets, in place.

    Parameters
    ----------
    farms : FarmState
        After this year's options and payments.
    income_keur : ndarray of float64
        Family farm income per farm this year (0 for inactive farms;
        :func:`agents.farmers.economics.income_keur`).
    payments_keur : ndarray of float64
        Money received this year (scheme payments, a buy-out's offer; k euro).
    """
    herd = capacity_value_keur(farms)
    change = np.where(farms.active, herd - farms.herd_value_keur, 0.0)
    farms.herd_value_keur = np.where(farms.active, herd, farms.herd_value_keur)
    farms.assets_keur = farms.assets_keur + change
    farms.debt_keur = farms.debt_keur + change
    book(farms, np.zeros(farms.n))  # a herd sold beyond the debt leaves cash
    book(farms, net_flow_keur(farms, income_keur, payments_keur))
