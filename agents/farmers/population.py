"""A synthetic farm population that reproduces the census of each province.

For each province the CBS 80780ned row of the base year fixes, exactly: the number of holdings,
the utilised area by use, and the head of each livestock class. What the census does not give
(farm types, sizes, which farm keeps which animals, farmer attributes) follows the rules and
defaults below; each is a source or an ASSUMPTION with the range a user should explore.

Farm types
    dairy = holdings with cattle x DAIRY_SHARE_OF_CATTLE_HOLDINGS; intensive = holdings with
    pigs + holdings with chickens; greenhouse = greenhouse area / GREENHOUSE_MEAN_HA;
    horticulture = open-field horticulture area / HORTICULTURE_MEAN_HA; arable = the arable area
    arable farms hold / ARABLE_MEAN_HA; mixed = the remaining holdings (other grazing livestock,
    mixed and other holdings).
Areas
    each use's provincial area is split over types by USE_SHARES and within a type by a
    lognormal farm size (FARM_SIZE_SIGMA); provincial totals are kept exactly.
Livestock
    integers by largest remainder, so provincial totals are kept exactly: dairy cows on dairy
    farms by grassland; other cattle on dairy and mixed farms; pigs on the pig farms and chickens
    on the poultry farms among the intensive ones; sheep and goats on mixed farms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm.allocation import largest_remainder
from agents.farmers.state import (
    ARABLE,
    DAIRY,
    FARM_TYPES,
    GREENHOUSE,
    HORTICULTURE,
    INTENSIVE,
    LAND_USES,
    LIVESTOCK,
    MIXED,
    FarmState,
)

#: Share of holdings with cattle that keep dairy cows: 14,270 farms with dairy cattle in 2023
#: (13,900 in 2024, -2.6% on 2023; CBS via agri_structure_points.csv) of 22,478 holdings with
#: cattle in 2023 (CBS 80780ned). Applied to every province and year (ASSUMPTION; 0.55-0.7).
DAIRY_SHARE_OF_CATTLE_HOLDINGS = 0.635
#: ASSUMPTION: mean greenhouse holding (ha of glass); explore 2.5-5.
GREENHOUSE_MEAN_HA = 3.5
#: ASSUMPTION: mean open-field horticulture holding (ha; bulbs, fruit, nursery, vegetables);
#: explore 8-20.
HORTICULTURE_MEAN_HA = 12.0
#: ASSUMPTION: mean arable area of an arable farm (ha); explore 35-70.
ARABLE_MEAN_HA = 45.0
#: ASSUMPTION: dispersion (sigma of log size) of farm sizes within a type; explore 0.4-0.9.
FARM_SIZE_SIGMA = 0.6

#: ASSUMPTION: share of each land use's provincial area held by each farm type (rows: types in
#: FARM_TYPES order; columns: LAND_USES). Arable land includes silage maize only where the
#: census counts it as arable; explore each share +-0.1.
USE_SHARES = np.array([
    # arable  hort_open  greenhouse  grassland
    [0.10,    0.00,      0.00,       0.80],   # dairy
    [0.70,    0.10,      0.00,       0.03],   # arable
    [0.05,    0.00,      0.00,       0.02],   # intensive
    [0.00,    0.00,      1.00,       0.00],   # greenhouse
    [0.05,    0.85,      0.00,       0.00],   # horticulture
    [0.10,    0.05,      0.00,       0.15],   # mixed
])
#: ASSUMPTION: share of other (non-dairy) cattle kept on dairy farms; the rest on mixed farms.
OTHER_CATTLE_ON_DAIRY = 0.6

#: ASSUMPTION: age of farm heads ~ Normal(mean, sd), clipped; explore mean 52-58.
AGE_MEAN_YR, AGE_SD_YR, AGE_MIN_YR, AGE_MAX_YR = 55.0, 11.0, 22, 85
#: ASSUMPTION: share of farm heads aged 50+ with a known successor; explore 0.2-0.5.
SUCCESSOR_SHARE_50PLUS = 0.35
#: ASSUMPTION: share of holdings that farm organically; explore 0.02-0.06.
ORGANIC_SHARE = 0.04
#: Types that take part in agrarisch natuurbeheer (counts per province: CBS 80807ned 2023).
NATURE_MANAGEMENT_TYPES = (DAIRY, ARABLE, MIXED)


def type_counts(row: pd.Series) -> np.ndarray:
    """Holdings per farm type in one province (sums to ``row.farms``).

    Parameters
    ----------
    row : pandas.Series
        One census row (CBS 80780ned columns).
    """
    farms = int(row.farms)
    counts = np.zeros(len(FARM_TYPES), dtype=np.int64)
    counts[DAIRY] = round(row.farms_with_cattle * DAIRY_SHARE_OF_CATTLE_HOLDINGS)
    counts[INTENSIVE] = int(row.farms_with_pigs + row.farms_with_chickens)
    counts[GREENHOUSE] = round(row.greenhouse_ha / GREENHOUSE_MEAN_HA)
    counts[HORTICULTURE] = round(row.horticulture_open_ha / HORTICULTURE_MEAN_HA)
    fixed = counts.sum()
    if fixed > farms:  # shrink the area-derived types first, then all
        for t in (HORTICULTURE, GREENHOUSE, DAIRY, INTENSIVE):
            cut = min(counts[t] - (counts[t] > 0), fixed - farms)
            counts[t] -= cut
            fixed -= cut
    residual = farms - counts.sum()
    counts[ARABLE] = min(residual, round(row.arable_ha * USE_SHARES[ARABLE, 0] / ARABLE_MEAN_HA))
    counts[MIXED] = residual - counts[ARABLE]
    return counts


def _split(total: float, weights: np.ndarray) -> np.ndarray:
    s = weights.sum()
    return np.zeros_like(weights) if s == 0 else total * weights / s


def synthesise_province(
    row: pd.Series, province_id: int, rng: np.random.Generator, nature_farms: int = 0
) -> FarmState:
    """The farms of one province, calibrated to its census row (not yet placed on the map).

    Parameters
    ----------
    row : pandas.Series
        Census row of the province and base year.
    province_id : int
        The province's landscape id.
    rng : numpy.random.Generator
        The farmers' random stream.
    nature_farms : int
        Farms with agrarisch natuurbeheer in the province.
    """
    counts = type_counts(row)
    farm_type = np.repeat(np.arange(len(FARM_TYPES), dtype=np.uint8), counts)
    n = len(farm_type)
    size = rng.lognormal(0.0, FARM_SIZE_SIGMA, n)

    area = np.zeros((n, len(LAND_USES)))
    totals = [row.arable_ha, row.horticulture_open_ha, row.greenhouse_ha, row.grassland_fodder_ha]
    present = counts > 0
    for u, total in enumerate(totals):
        shares = USE_SHARES[:, u] * present
        if shares.sum() == 0:  # the types that hold this use are absent: spread over all
            shares = present.astype(float)
        shares = shares / shares.sum()
        for t in np.flatnonzero(shares):
            members = farm_type == t
            area[members, u] = _split(total * shares[t], size[members])

    animals = np.zeros((n, len(LIVESTOCK)), dtype=np.int64)
    grass = area[:, LAND_USES.index("grassland")] + 1e-9
    is_dairy, is_mixed = farm_type == DAIRY, farm_type == MIXED
    intensive = np.flatnonzero(farm_type == INTENSIVE)
    pig_farms = intensive[: int(row.farms_with_pigs)]
    poultry_farms = intensive[int(row.farms_with_pigs):]

    def give(name: str, total: float, who: np.ndarray, weight: np.ndarray) -> None:
        if not who.any() and total > 0:  # no farm of the receiving kind: any farm keeps them
            who = np.ones(n, dtype=bool)
        idx = np.flatnonzero(who)
        animals[idx, LIVESTOCK.index(name)] += largest_remainder(int(total), weight[idx])

    give("dairy_cows", row.dairy_cows, is_dairy, grass)
    other = int(row.cattle - row.dairy_cows)
    on_dairy = round(other * OTHER_CATTLE_ON_DAIRY) if is_mixed.any() else other
    give("other_cattle", on_dairy, is_dairy, grass)
    give("other_cattle", other - on_dairy, is_mixed, grass)
    give("pigs", row.pigs, np.isin(np.arange(n), pig_farms), size)
    give("chickens", row.chickens, np.isin(np.arange(n), poultry_farms), size)
    give("sheep", row.sheep, is_mixed, grass)
    give("goats", row.goats, is_mixed, grass)

    age = np.clip(np.rint(rng.normal(AGE_MEAN_YR, AGE_SD_YR, n)), AGE_MIN_YR, AGE_MAX_YR)
    successor = (age >= 50) & (rng.random(n) < SUCCESSOR_SHARE_50PLUS)
    organic = rng.random(n) < ORGANIC_SHARE
    nature = np.zeros(n, dtype=bool)
    eligible = np.flatnonzero(np.isin(farm_type, NATURE_MANAGEMENT_TYPES))
    take = min(int(nature_farms), eligible.size)
    nature[rng.choice(eligible, size=take, replace=False)] = True
    return FarmState(
        province_id=np.full(n, province_id, dtype=np.uint8),
        farm_type=farm_type,
        area_ha=area,
        animals=animals,
        farmstead_cell=np.full(n, -1, dtype=np.int64),
        age_yr=age.astype(np.int16),
        successor=successor,
        organic=organic,
        nature_management=nature,
        emission_factor=np.ones(n, dtype=np.float32),
        low_emission=np.zeros(n, dtype=bool),
        extensive=np.zeros(n, dtype=bool),
        attitude=rng.beta(2.0, 2.0, n).astype(np.float32),
        active=np.ones(n, dtype=bool),
    )
