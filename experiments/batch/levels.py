"""The top level of a batch's indicator rows: the nation, or the run's provinces together.

A national run writes ``nl`` rows. A regional run (``region = [...]``) writes none: its top
level is then its province (one province), or its provinces together (several): indicators that
are sums over cells or farms (:class:`abm.indicators.Indicator` with ``cell_values`` or
``farm_values``) are summed over the provinces; shares, means and indices (``numerator`` /
``denominator`` indicators, the Theil index and the clustering gammas) cannot be rebuilt from
the province rows and are averaged over the provinces without weights (an approximation; run
the provinces one by one, or the whole country, where that matters).
"""

from __future__ import annotations

import pandas as pd

from abm.indicators import INDICATOR_BY_NAME, SPECIAL

#: The region code of a region of several provinces taken together.
REGION_CODE = "region"


def additive(name: str) -> bool:
    """Whether an indicator adds up over regions (a sum over cells or farms)."""
    ind = INDICATOR_BY_NAME.get(name)
    return ind is not None and ind.numerator is None and name not in SPECIAL


def indicator_columns(frame: pd.DataFrame) -> list[str]:
    """The indicator columns of a table, in the table's order."""
    return [c for c in frame.columns if c in INDICATOR_BY_NAME]


def top_level(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per run and year: the ``nl`` rows where there are any, else the province rows
    of a one-province run, else the provinces aggregated (sums of additive indicators,
    unweighted means of the others; ``level`` and ``region_code`` read ``region``)."""
    if frame.empty:
        return frame
    national = frame[frame.level == "nl"]
    if not national.empty:
        return national.reset_index(drop=True)
    prov = frame[frame.level == "provincie"]
    if prov.region_code.nunique() <= 1:
        return prov.reset_index(drop=True)
    names = indicator_columns(prov)
    how = {c: ("sum" if additive(c) else "mean") if c in names else "first"
           for c in prov.columns if c not in ("run_id", "year")}
    top = prov.groupby(["run_id", "year"], sort=False, as_index=False).agg(how)
    top["level"] = REGION_CODE
    top["region_code"] = REGION_CODE
    return top[list(prov.columns)].reset_index(drop=True)
