"""The 2016 definition break of the agricultural census, for runs that cross it.

From 2016 on CBS 80780ned counts holdings with a higher size threshold: the census counts 63,913
holdings in 2015 and 55,688 in 2016 (-12.9%), against about -2% a year either side, while the
utilised area falls by only 1.6% (1,845,746 to 1,815,866 ha). The holdings that drop out are
the smallest. A run that starts before 2016 and runs past it (``ruimte run baseline --start 2010
--end 2023``, the hindcast) therefore lets, at the start of 2016, the smallest holdings of each
province leave the census: they stop counting as farms, their land leaves the census's utilised
area (it stays agricultural land on the map) and their livestock, which the census kept counting
on larger holdings, goes to the province's farms that keep that class.

The share that leaves, per province, is the census's drop from 2015 to 2016 net of the trend:

    d = 1 - (H_2016 / H_2015) / sqrt((H_2015 / H_2014) * (H_2017 / H_2016))

(nationally 11.1%); size is the farm's standard gross margin (:mod:`agents.farmers.economics`),
the model's proxy of the standard output by which CBS sets the threshold. Runs that start in
2016 or later start from a census of the new definition and are not touched.
"""

from __future__ import annotations

import numpy as np

from agents.farmers.census import DEFINITION_BREAK_YEAR, census
from agents.farmers.state import FarmState


def definitional_share(province_code: str) -> float:
    """Share of a province's holdings that the 2016 definition stopped counting (net of trend).

    Examples
    --------
    >>> round(definitional_share("PV26"), 3) > 0
    True
    """
    h = {y: float(census(y).loc[province_code, "farms"]) for y in range(2014, 2018)}
    trend = np.sqrt((h[2015] / h[2014]) * (h[2017] / h[2016]))
    return float(np.clip(1.0 - (h[2016] / h[2015]) / trend, 0.0, 1.0))


def leaving_census(farms: FarmState, size_keur: np.ndarray,
                   province_codes: list[str]) -> np.ndarray:
    """The active farms that leave the census at the definition break: per province, the
    ``definitional_share`` of its active farms with the smallest ``size_keur``.

    Parameters
    ----------
    farms : FarmState
        The run's farms.
    size_keur : ndarray
        Size per farm (standard gross margin, k euro/yr).
    province_codes : list of str
        CBS code of each province id (id 1 is ``province_codes[0]``).

    Returns
    -------
    ndarray of int64
        Farm indices, sorted.
    """
    out = []
    for pid in np.unique(farms.province_id[farms.active]):
        members = np.flatnonzero(farms.active & (farms.province_id == pid))
        share = definitional_share(province_codes[int(pid) - 1])
        n = int(round(share * members.size))
        if n:
            order = np.argsort(size_keur[members], kind="stable")
            out.append(members[order[:n]])
    return np.sort(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def crosses_break(start_year: int, year: int) -> bool:
    """Whether ``year`` is the definition-break year of a run that started before it."""
    return year == DEFINITION_BREAK_YEAR and start_year < DEFINITION_BREAK_YEAR


def leave_census(farms: FarmState, gone: np.ndarray) -> float:
    """Take farms ``gone`` out of the census, in place: inactive, parcels off the farm arrays
    (the land stays agricultural on the map but leaves the census's utilised area), livestock to
    the province's farms that keep each class. Returns the hectares that left."""
    from agents.farmers.land_market import remove_parcels, transfer_rights

    farms.active[gone] = False
    parcels = np.flatnonzero(np.isin(farms.parcel_farm, gone))
    hectares = float(farms.parcel_ha[parcels].sum())
    remove_parcels(farms, parcels)
    transfer_rights(farms, gone)
    return hectares
