"""Population trend per province: the yearly growth of inhabitants and households.

A placeholder for the household agents (they arrive with the firms-and-households work): every
cell of a province grows at that province's rate, so the spatial pattern of the landscape bundle
(1 Jan 2021) is kept while provincial totals follow CBS.

Sources: CBS StatLine, population on 1 January 2022 and 2024 per province (tables 03759ned /
70072ned, as compiled in ../shared/reference/statistics/population_housing_region.csv); national
population on 1 January 2010 (16,574,989) and 2020 (17,407,585), CBS StatLine 37296ned.

Rule: each province grows at the national mean rate of 2010-2020 (0.49 %/yr), times the ratio of
its own 2022-2024 growth to the national 2022-2024 growth (1.01 %/yr, a historically high
value). So the provinces keep their recent ranking while the national rate follows the longer
trend. ASSUMPTION: the rates stay constant; explore a national rate of 0-1.0 %/yr.

Years before 2024 (a hindcast's start) follow CBS where it is known: between 2022 and 2024 each
province is interpolated between its two CBS values; before 2022 the provinces are rolled back
from 2022 at their rates and scaled together to the national CBS population, interpolated
geometrically between the CBS years of :data:`CBS_NL` (a start in 2011 gets 16.66 million, CBS
16,655,799, instead of 16.84 million from the constant rate).
"""

from __future__ import annotations

import numpy as np

#: Inhabitants on 1 January (CBS), by province: (2022, 2024).
CBS_POPULATION: dict[str, tuple[int, int]] = {
    "PV20": (590_170, 601_510),
    "PV21": (654_019, 661_956),
    "PV22": (497_743, 504_116),
    "PV23": (1_171_910, 1_189_079),
    "PV24": (434_771, 450_920),
    "PV25": (2_110_472, 2_149_057),
    "PV26": (1_369_873, 1_400_187),
    "PV27": (2_909_827, 2_980_494),
    "PV28": (3_753_944, 3_840_662),
    "PV29": (386_767, 391_657),
    "PV30": (2_592_874, 2_644_872),
    "PV31": (1_118_302, 1_133_174),
}
#: The year whose 1 January the CBS_POPULATION second value gives.
REFERENCE_YEAR = 2024
#: National population on 1 January 2010 and 2020 (CBS 37296ned).
CBS_NL_2010, CBS_NL_2020 = 16_574_989, 17_407_585
NATIONAL_RATE_PER_YR = (CBS_NL_2020 / CBS_NL_2010) ** 0.1 - 1.0
#: National population on 1 January of the years CBS gives here: 2010 and 2020 (37296ned),
#: 2022 and 2024 (the sums of :data:`CBS_POPULATION`, 03759ned).
CBS_NL: dict[int, float] = {
    2010: CBS_NL_2010, 2020: CBS_NL_2020,
    2022: float(sum(v[0] for v in CBS_POPULATION.values())),
    REFERENCE_YEAR: float(sum(v[1] for v in CBS_POPULATION.values())),
}


#: Mean size of private households (persons per household) on 1 January, CBS StatLine 37975:
#: 2.23 in 2010 and 2.13 in 2024 (the same figures as the households' growth in
#: agents.households.demography).
HOUSEHOLD_SIZE_BY_YEAR: dict[int, float] = {2010: 2.23, REFERENCE_YEAR: 2.13}


def household_size_factor(year: int) -> float:
    """Households per inhabitant on 1 January ``year`` relative to 2024.

    The bundle's households are scaled with its inhabitants to the start year, which keeps their
    persons per household. A start before 2024 has larger households (CBS 37975), so its
    households are scaled by this factor too: the 2024 size over the year's, interpolated
    linearly between 2010 and 2024 (before 2010, 2010's). From 2024 on it is 1: the run's
    households then grow faster than its persons (agents.households.demography).
    """
    first, last = min(HOUSEHOLD_SIZE_BY_YEAR), max(HOUSEHOLD_SIZE_BY_YEAR)
    if year >= last:
        return 1.0
    year = max(year, first)
    size = HOUSEHOLD_SIZE_BY_YEAR[first] + (year - first) / (last - first) * (
        HOUSEHOLD_SIZE_BY_YEAR[last] - HOUSEHOLD_SIZE_BY_YEAR[first])
    return HOUSEHOLD_SIZE_BY_YEAR[last] / size


def _recent_rate(p_start: float, p_end: float) -> float:
    return (p_end / p_start) ** 0.5 - 1.0


def growth_rate_per_yr(province_code: str) -> float:
    """Assumed annual growth rate of a province (fraction per year); see the module docstring."""
    recent_nl = _recent_rate(*(sum(v[k] for v in CBS_POPULATION.values()) for k in (0, 1)))
    return NATIONAL_RATE_PER_YR * _recent_rate(*CBS_POPULATION[province_code]) / recent_nl


def by_year(values: dict[int, float], year: int, growth_before: float,
            growth_after: float) -> float:
    """``values[year]`` where given, interpolated geometrically between the given years, and
    beyond them grown from the nearest at ``growth_before`` or ``growth_after`` (factor per
    year, e.g. 1.005).

    Examples
    --------
    >>> by_year({2020: 100.0, 2022: 121.0}, 2021, 1.0, 1.0)
    110.00000000000001
    >>> by_year({2020: 100.0, 2022: 121.0}, 2024, 1.0, 1.1)
    146.41000000000003
    """
    if year in values:
        return values[year]
    known = sorted(values)
    if year <= known[0]:
        return values[known[0]] * growth_before ** (year - known[0])
    if year >= known[-1]:
        return values[known[-1]] * growth_after ** (year - known[-1])
    after = next(y for y in known if y >= year)
    before = known[known.index(after) - 1]
    return values[before] * (values[after] / values[before]) ** (
        (year - before) / (after - before))


def national_on_1_january(year: int) -> float:
    """National CBS population on 1 January ``year`` (:data:`CBS_NL`), interpolated
    geometrically between its years; outside them, extrapolated at the national rate from the
    nearest."""
    return by_year(CBS_NL, year, 1.0 + NATIONAL_RATE_PER_YR, 1.0 + NATIONAL_RATE_PER_YR)


def population_on_1_january(province_code: str, year: int) -> float:
    """Population of a province on 1 January ``year``: CBS where known, at the province's
    constant rate from 2024 on, and before 2024 as the module docstring says."""
    first, last = CBS_POPULATION[province_code]
    rate = growth_rate_per_yr(province_code)
    if year >= REFERENCE_YEAR:
        return last * (1.0 + rate) ** (year - REFERENCE_YEAR)
    if year >= REFERENCE_YEAR - 2:  # between the two CBS years
        return by_year({REFERENCE_YEAR - 2: first, REFERENCE_YEAR: last}, year, 1.0, 1.0)
    rolled = {code: values[0] * (1.0 + growth_rate_per_yr(code)) ** (year - REFERENCE_YEAR + 2)
              for code, values in CBS_POPULATION.items()}
    return rolled[province_code] * national_on_1_january(year) / sum(rolled.values())


def rate_per_cell(province_id: np.ndarray, province_codes: list[str]) -> np.ndarray:
    """Growth rate per cell (0 outside provinces)."""
    lut = np.zeros(len(province_codes) + 1, dtype=np.float64)
    for i, code in enumerate(province_codes, start=1):
        lut[i] = growth_rate_per_yr(code)
    return lut[province_id]


def calibrate_to_year(
    inhabitants: np.ndarray, province_id: np.ndarray, province_codes: list[str], year: int
) -> np.ndarray:
    """Factor per cell that scales each province's inhabitants to CBS on 1 January ``year``."""
    totals = np.bincount(province_id.ravel(), weights=inhabitants.ravel(),
                         minlength=len(province_codes) + 1)
    lut = np.ones(len(province_codes) + 1, dtype=np.float64)
    for i, code in enumerate(province_codes, start=1):
        if totals[i] > 0:
            lut[i] = population_on_1_january(code, year) / totals[i]
    return lut[province_id]
