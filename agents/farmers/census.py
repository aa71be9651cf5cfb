"""The agricultural census (CBS 80780ned) per province and year, as shipped in ``data/``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
CENSUS_CSV = DATA / "cbs_80780ned_province_2000_2026.csv"
NATURE_MANAGEMENT_CSV = DATA / "cbs_80807ned_nature_management_2023.csv"

#: Years with definitive census figures (2026 is provisional).
FIRST_YEAR, LAST_YEAR = 2000, 2025
#: From this year on CBS counts holdings with another threshold; counts before are not comparable.
DEFINITION_BREAK_YEAR = 2016


@cache
def census_table() -> pd.DataFrame:
    """All rows of the shipped census: NL01 and PV20-PV31, 2000-2026."""
    return pd.read_csv(CENSUS_CSV)


def census(year: int) -> pd.DataFrame:
    """The twelve provinces' census rows of ``year``, indexed by CBS province code.

    Raises
    ------
    ValueError
        When ``year`` is outside the definitive years.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"census year {year} outside {FIRST_YEAR}-{LAST_YEAR}")
    table = census_table()
    rows = table[(table.year == year) & table.region_code.str.startswith("PV")]
    return rows.set_index("region_code").sort_index()


def national(year: int) -> pd.Series:
    """The national (NL01) census row of ``year``."""
    table = census_table()
    return table[(table.year == year) & (table.region_code == "NL01")].iloc[0]


@cache
def nature_management() -> pd.DataFrame:
    """Farms with agrarisch natuurbeheer per province, 2023 (CBS 80807ned)."""
    table = pd.read_csv(NATURE_MANAGEMENT_CSV)
    return table[table.region_code.str.startswith("PV")].set_index("region_code").sort_index()
