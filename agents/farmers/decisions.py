"""The yearly structural decisions of farmers: ageing, succession, retirement and early exit.

Vectorised over all farms (no per-farm Python). Each year, for every active farm:

1. the farm head ages one year;
2. a head turning :data:`SUCCESSION_AGE_YR` learns whether there is a successor, with
   probability :data:`SUCCESSOR_SHARE_50PLUS` raised for larger farms (:func:`successor_odds`);
3. a head of :data:`RETIREMENT_AGE_YR` or older with a successor hands over (a new head of
   :data:`SUCCESSOR_AGE_YR`); without one the farm exits with probability
   ``m x RETIREMENT_EXIT_PROB`` per year, and at :data:`MAX_AGE_YR` a farm that has not exited
   is taken over by a new entrant of :data:`NEW_ENTRANT_AGE_YR`;
4. any other farm exits with probability ``m x EARLY_EXIT_BASE`` times a size factor
   ``(size / median size of its type) ** -SIZE_EXIT_ELASTICITY`` (small farms stop more).

``m`` is the exit multiplier of the farm's exit group (:data:`EXIT_GROUPS`: dairy, pig,
poultry, other) in the period (2011-2015, and 2016 on, either side of the census definition
break), :data:`EXIT_MULTIPLIER`. It is calibrated by ``experiments/calibration/farm_exits.py``
so that hindcasts from the 2010 census (to 2015) and from the 2016 census (to 2023) reproduce the
census decline of holdings with cattle (for dairy farms), with pigs, with chickens, and of all
holdings (see docs/farmers.md).
"""

from __future__ import annotations

import numpy as np

from agents.farmers import finance
from agents.farmers.population import SUCCESSOR_SHARE_50PLUS
from agents.farmers.state import DAIRY, FARM_TYPES, INTENSIVE, LIVESTOCK, FarmState

#: ASSUMPTION: age at which a successor is known or not; explore 45-55.
SUCCESSION_AGE_YR = 50
#: ASSUMPTION: age from which heads hand over or stop; explore 62-70.
RETIREMENT_AGE_YR = 65
#: ASSUMPTION: age of a successor taking over; explore 28-40.
SUCCESSOR_AGE_YR = 32
#: ASSUMPTION: yearly probability that a head past retirement age without successor stops;
#: explore 0.1-0.3 (many keep farming for years).
RETIREMENT_EXIT_PROB = 0.15
#: ASSUMPTION: yearly early-exit probability of a farm of median size before the multiplier;
#: explore 0.005-0.02.
EARLY_EXIT_BASE = 0.01
#: ASSUMPTION: age at which a farm that did not exit passes to a new entrant; explore 75-85.
MAX_AGE_YR = 80
#: ASSUMPTION: age of a new entrant taking over a farm; explore 30-45.
NEW_ENTRANT_AGE_YR = 40
#: ASSUMPTION: elasticity of early exit to farm size relative to its type's median; explore
#: 0-0.6.
SIZE_EXIT_ELASTICITY = 0.3
#: ASSUMPTION: odds ratio of having a successor per doubling of farm size; explore 1-1.5.
SUCCESSOR_SIZE_ODDS = 1.2
#: First year of the second calibration period (the census definition break).
PERIOD_BREAK_YEAR = 2016

#: Exit groups: the holdings the census counts separately, plus the rest.
EXIT_GROUPS: tuple[str, ...] = ("dairy", "pig", "poultry", "other")
#: Exit multiplier by period and exit group (EXIT_GROUPS order), calibrated by
#: experiments/calibration/farm_exits.py against CBS 80780ned (2026-11-24; 1000 m, 3 seeds).
EXIT_MULTIPLIER: dict[str, np.ndarray] = {
    "2011-2015": np.array([0.852, 3.050, 1.259, 0.532]),
    "2016-": np.array([0.766, 1.845, 0.741, 0.103]),
}


def period_of(year: int) -> str:
    """The calibration period a year falls in."""
    return "2011-2015" if year < PERIOD_BREAK_YEAR else "2016-"


def exit_group(farms: FarmState) -> np.ndarray:
    """Exit group per farm: 0 dairy, 1 pig (intensive with pigs), 2 poultry (other intensive),
    3 other."""
    group = np.full(farms.n, 3, dtype=np.intp)
    group[farms.farm_type == DAIRY] = 0
    intensive = farms.farm_type == INTENSIVE
    pigs = farms.animals[:, LIVESTOCK.index("pigs")] > 0
    group[intensive & pigs] = 1
    group[intensive & ~pigs] = 2
    return group


def successor_odds(size_ha: np.ndarray, median_ha: np.ndarray) -> np.ndarray:
    """Probability of a successor: the base share, with odds scaled per doubling of size."""
    base = SUCCESSOR_SHARE_50PLUS / (1 - SUCCESSOR_SHARE_50PLUS)
    odds = base * SUCCESSOR_SIZE_ODDS ** np.log2(np.maximum(size_ha, 1e-3) / median_ha)
    return odds / (1 + odds)


def type_median_ha(farms: FarmState) -> np.ndarray:
    """Median utilised area of the active farms of each type, per farm (ha)."""
    size = farms.total_area_ha
    medians = np.ones(len(FARM_TYPES))
    for t in range(len(FARM_TYPES)):
        members = farms.active & (farms.farm_type == t)
        if members.any():
            medians[t] = max(float(np.median(size[members])), 1e-3)
    return medians[farms.farm_type]


def structural_step(farms: FarmState, year: int, rng: np.random.Generator,
                    multiplier: np.ndarray | None = None) -> np.ndarray:
    """Age, succeed, retire and exit, in place; return the indices of farms that exit.

    Parameters
    ----------
    farms : FarmState
        Updated in place (age, successor, active).
    year : int
        The simulated year (selects the calibrated hazards).
    rng : numpy.random.Generator
        The farmers' stream; exactly three uniform draws per farm are used every year, so the
        stream stays aligned whatever the decisions.
    multiplier : ndarray, optional
        Exit multiplier per exit group, replacing the calibrated one (for calibration and
        experiments).
    """
    active = farms.active
    u_successor, u_retire, u_exit = rng.random((3, farms.n))
    size = farms.total_area_ha
    median = type_median_ha(farms)

    farms.age_yr[active] += 1
    deciding = active & (farms.age_yr == SUCCESSION_AGE_YR)
    farms.successor[deciding] = u_successor[deciding] < successor_odds(size, median)[deciding]

    m = (EXIT_MULTIPLIER[period_of(year)] if multiplier is None
         else np.asarray(multiplier))[exit_group(farms)]
    old = active & (farms.age_yr >= RETIREMENT_AGE_YR)
    hand_over = old & farms.successor
    farms.age_yr[hand_over] = SUCCESSOR_AGE_YR
    farms.successor[hand_over] = False
    stay_on = old & ~hand_over
    retire = stay_on & (u_retire < np.minimum(1.0, m * RETIREMENT_EXIT_PROB))
    new_entrant = stay_on & ~retire & (farms.age_yr >= MAX_AGE_YR)
    farms.age_yr[new_entrant] = NEW_ENTRANT_AGE_YR

    relative = np.maximum(size, 1e-3) / median
    early_p = np.minimum(1.0, m * EARLY_EXIT_BASE * relative ** -SIZE_EXIT_ELASTICITY)
    early = active & ~old & (u_exit < early_p)

    leaving = np.flatnonzero(retire | early)
    farms.active[leaving] = False
    return leaving


#: ASSUMPTION: logit of accepting a buy-out offer: intercept, per unit of offer above the farm's
#: value, for heads aged 55+ without a successor, per unit of attitude above 0.5. Explore each
#: +-50%; with the defaults about 17% of young heads with a successor and 47% of older heads
#: without one accept an offer of 1.2 times the value in a year.
ACCEPT_INTERCEPT, ACCEPT_PER_OFFER, ACCEPT_OLD_NO_SUCCESSOR, ACCEPT_PER_ATTITUDE = (
    -2.0, 2.0, 1.5, 1.0)
#: ASSUMPTION: logit of accepting a buy-out offer per unit of debt over assets above the mean
#: (1 - finance.SOLVENCY_MEAN): indebted heads take an offer that clears their debt more readily,
#: heads with little debt less; zero at the mean and for farms without a balance sheet, so the
#: mean acceptance stays as above. Explore 0.75-2.25 (+-50%).
ACCEPT_PER_LEVERAGE = 1.5


def accept_probability(farms: FarmState, idx: np.ndarray, offer_share: float) -> np.ndarray:
    """Probability that the heads of farms ``idx`` accept an offer of ``offer_share`` x value."""
    old = (farms.age_yr[idx] >= 55) & ~farms.successor[idx]
    mean = 1.0 - finance.SOLVENCY_MEAN
    leverage = np.where(farms.assets_keur[idx] > 0, 1.0 - farms.solvency[idx], mean)
    logit = (ACCEPT_INTERCEPT + ACCEPT_PER_OFFER * (offer_share - 1.0)
             + ACCEPT_OLD_NO_SUCCESSOR * old
             + ACCEPT_PER_ATTITUDE * (farms.attitude[idx] - 0.5)
             + ACCEPT_PER_LEVERAGE * (leverage - mean))
    return 1.0 / (1.0 + np.exp(-logit))
