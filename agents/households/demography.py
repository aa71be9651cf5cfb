"""Yearly demography of the household agents: ageing, dissolution, formation.

All deterministic (shares of each group), so only the residential choice draws numbers.

Ageing
    each year :data:`AGEING_RATE_PER_YR` of a group's households pass into the next age class
    (one over the width of the class: 30 years for 15-44, 20 for 45-64).
Dissolution
    :data:`DISSOLUTION_RATE_PER_YR` of the 65+ households end (death, moving into care or in with
    family): their dwelling comes free.
Formation
    the nation's households (housed and latent) follow :data:`HOUSEHOLD_GROWTH_PER_YR`, its
    persons the CBS population trend (:data:`environment.population.NATIONAL_RATE_PER_YR`);
    the households formed each year are whatever closes the gap after dissolution, young
    (15-44), with the persons the population trend leaves for them. They form in the blocks of
    their parents' district (:data:`agents.households.blocks.DISTRICT_BLOCKS`), in proportion to
    its households aged 15-64, with its income mix, and look for a dwelling like movers do,
    from the district's hub; those that find none stay latent (they live with others) and look
    again next year.
Shortage at the start
    :data:`SHORTAGE_BY_YEAR` (ABF Research for the ministry: the statistical housing shortage)
    gives the latent households on 1 January of the start year; they are split off the housed
    groups of the blocks in proportion to their young households, taking their persons with
    them (population unchanged).
"""

from __future__ import annotations

import numpy as np

from agents.households.state import MIDDLE, OLD, YOUNG, HouseholdState
from environment.population import NATIONAL_RATE_PER_YR

#: Share of a group's households that pass into the next age class per year (15-44: 1/30,
#: 45-64: 1/20, 65+: none): one over the class width, ASSUMPTION of an even age spread within a
#: class.
AGEING_RATE_PER_YR: tuple[float, float, float] = (1 / 30, 1 / 20, 0.0)
#: ASSUMPTION: yearly share of 65+ households that end. About 170,000 deaths a year (CBS
#: StatLine 37296ned, 2019-2023), most of them 65+, of which about half end a household (the
#: other half leave a partner), over about 2.4 million 65+ households; explore 0.03-0.06.
DISSOLUTION_RATE_PER_YR = 0.04
#: ASSUMPTION: growth of the number of households per year: the population trend (0.49 %/yr,
#: CBS 2010-2020) plus the fall of the mean household size (about 0.3 %/yr: 2.23 persons in 2010,
#: 2.13 in 2024, CBS StatLine 37975); explore 0.5-1.0 %/yr.
HOUSEHOLD_GROWTH_PER_YR = NATIONAL_RATE_PER_YR + 0.003
#: Statistical housing shortage on 1 January (households without a dwelling of their own that
#: want one): ABF Research for the ministry of BZK, 279,000 in 2021 (Staat van de Woningmarkt
#: 2021), 390,000 in 2023 and 401,000 in 2024 (4.9% of the stock; NOS, 2024-07). A start year
#: in between takes the nearest earlier year; before 2021, 2021's value.
SHORTAGE_BY_YEAR: dict[int, float] = {2021: 279_000.0, 2023: 390_000.0, 2024: 401_000.0}


def shortage_at(year: int) -> float:
    """Latent households on 1 January ``year`` (:data:`SHORTAGE_BY_YEAR`)."""
    known = sorted(SHORTAGE_BY_YEAR)
    earlier = [y for y in known if y <= year]
    return SHORTAGE_BY_YEAR[earlier[-1] if earlier else known[0]]


def _scale(hh: HouseholdState, rows: np.ndarray, factor: np.ndarray) -> None:
    hh.households[rows] *= factor
    hh.persons[rows] *= factor


def split_latent(hh: HouseholdState, latent: float, share_of_national: float,
                 hub: np.ndarray) -> HouseholdState:
    """Split ``latent`` x ``share_of_national`` households off the housed young groups, in
    proportion to their households; they keep their persons and become latent (block -1) with
    the hub of their old block's district (``hub`` per block) as origin. Returns the new agents
    (append them)."""
    young = np.flatnonzero(hh.housed & (hh.age_class == YOUNG))
    total = hh.households[young].sum()
    if total <= 0 or latent <= 0:
        return HouseholdState.empty()
    share = min(latent * share_of_national / total, 0.5)
    new = hh.subset(young)
    new.households = new.households * share
    new.persons = new.persons * share
    new.block = np.full(young.size, -1, dtype=np.int64)
    new.origin_block = hub[new.origin_block]
    _scale(hh, young, np.full(young.size, 1.0 - share))
    return new


def age(hh: HouseholdState) -> HouseholdState:
    """Ageing: move :data:`AGEING_RATE_PER_YR` of every group to the next class. Returns the
    state with the movers appended as new groups (compact it to merge them)."""
    rate = np.asarray(AGEING_RATE_PER_YR)[hh.age_class]
    rows = np.flatnonzero(rate > 0)
    older = hh.subset(rows)
    older.households = older.households * rate[rows]
    older.persons = older.persons * rate[rows]
    older.age_class = older.age_class + 1
    _scale(hh, rows, 1.0 - rate[rows])
    return HouseholdState.concat(hh, older)


def dissolve(hh: HouseholdState) -> None:
    """Dissolution of :data:`DISSOLUTION_RATE_PER_YR` of the 65+ households, in place."""
    rows = np.flatnonzero(hh.age_class == OLD)
    _scale(hh, rows, np.full(rows.size, 1.0 - DISSOLUTION_RATE_PER_YR))


def formation(hh: HouseholdState, target_households: float, target_persons: float,
              hub: np.ndarray) -> HouseholdState:
    """The households that form this year (not yet housed: block -1, origin the hub of the
    parents' district; ``hub`` per block, :attr:`agents.households.blocks.Blocks.hub`).

    Parameters
    ----------
    target_households, target_persons : float
        National households (housed and latent) and persons this year should end with.
    """
    formed = target_households - hh.households.sum()
    if formed <= 0:
        return HouseholdState.empty()
    persons = max(target_persons - hh.persons.sum(), 0.0)
    parents = hh.housed & (hh.age_class <= MIDDLE)
    if not parents.any():
        return HouseholdState.empty()
    key = hub[hh.block[parents]] * 3 + hh.income_class[parents].astype(np.int64)
    weight = np.bincount(key, weights=hh.households[parents], minlength=hub.size * 3)
    groups = np.flatnonzero(weight > 0)
    share = weight[groups] / weight[groups].sum()
    block = groups // 3
    return HouseholdState(
        block=np.full(groups.size, -1, dtype=np.int64), origin_block=block.astype(np.int64),
        age_class=np.full(groups.size, YOUNG, dtype=np.uint8),
        income_class=(groups % 3).astype(np.uint8),
        households=formed * share, persons=persons * share)


def targets(start_households: float, start_persons: float, years: int) -> tuple[float, float]:
    """National households and persons ``years`` after the start (see the module docstring)."""
    return (start_households * (1.0 + HOUSEHOLD_GROWTH_PER_YR) ** years,
            start_persons * (1.0 + NATIONAL_RATE_PER_YR) ** years)
