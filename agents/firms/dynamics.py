"""Yearly firm dynamics: jobs growth per province (no relocation, entry or exit yet).

ASSUMPTION: jobs per inhabitant stay at their start level, so each agent's jobs grow at its
province's population growth rate (:func:`environment.population.growth_rate_per_yr`, the same
trend the households follow until household agents arrive). The LISA growth of jobs 2019-2023
(:func:`lisa_growth_2019_2023`; Flevoland 12.7%, Utrecht 10.7%, Gelderland and Groningen 8.5%,
Limburg 4.8%, the nation 7.6%) was a recovery-and-boom period: held constant to 2050 it would take
national jobs from 10.4 to 17.5 million, far beyond the labour force. Deterministic; no draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agents.firms.population import JOBS_CSV
from agents.firms.state import FirmState
from environment.landscape import Landscape


def lisa_growth_2019_2023() -> dict[str, float]:
    """LISA growth of jobs 2019-2023 (fraction) by region name ("Nederland" for the nation)."""
    raw = pd.read_csv(JOBS_CSV)
    rows = raw[raw.period == "2019-2023"]
    return {r: float(v) / 100.0 for r, v in zip(rows.region, rows.value, strict=True)}


def annual_growth_by_province(landscape: Landscape) -> np.ndarray:
    """Annual jobs growth factor (1 + rate) indexed by province id (index 0: the national
    rate): the province's population growth rate."""
    from environment import population

    codes = landscape.codes("province")
    rates = [population.NATIONAL_RATE_PER_YR, *(population.growth_rate_per_yr(c) for c in codes)]
    return 1.0 + np.asarray(rates)


def grow(firms: FirmState, factor_by_province: np.ndarray) -> None:
    """One year of jobs growth, in place."""
    firms.jobs *= factor_by_province[firms.province_id]
