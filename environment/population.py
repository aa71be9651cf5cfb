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


def _recent_rate(p_start: float, p_end: float) -> float:
    return (p_end / p_start) ** 0.5 - 1.0


def growth_rate_per_yr(province_code: str) -> float:
    """Assumed annual growth rate of a province (fraction per year); see the module docstring."""
    recent_nl = _recent_rate(*(sum(v[k] for v in CBS_POPULATION.values()) for k in (0, 1)))
    return NATIONAL_RATE_PER_YR * _recent_rate(*CBS_POPULATION[province_code]) / recent_nl


def population_on_1_january(province_code: str, year: int) -> float:
    """CBS population on 1 January ``year``, extrapolated at the constant rate."""
    return CBS_POPULATION[province_code][1] * (1.0 + growth_rate_per_yr(province_code)) ** (
        year - REFERENCE_YEAR
    )


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
