"""Firms: the synthetic firm population by werkmilieu (state, initialisation from the national
CBS tables, placement, yearly jobs growth). See docs/firms.md for what is built and what is not
(relocation, agglomeration, business land).
"""

from __future__ import annotations

import numpy as np

from agents.firms.dynamics import annual_growth_by_province, grow
from agents.firms.placement import (
    CAMPUS_SHARE,
    CAMPUSES,
    CLUSTER_SHARE,
    INDUSTRIAL_CLUSTERS,
    place,
    point_province_shares,
)
from agents.firms.population import (
    apportion,
    milieu_counts,
    national_counts,
    province_weights,
    synthesise,
)
from agents.firms.state import INDUSTRIEEL, INNOVATIE, WERKMILIEUS, FirmState
from environment.landscape import Landscape

__all__ = ["FirmState", "annual_growth_by_province", "create_firms", "grow"]


def province_shares(national: Landscape) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Each province's share of the nation's establishments per werkmilieu, shape (werkmilieus,
    provinces + 1), and, for industrieel and innovatie, the part of each province's share that
    its clusters or campuses draw (by province id)."""
    codes = national.codes("province")
    people = province_weights(national)
    people[0] = 0.0  # cells outside every province
    people = people / people.sum()
    shares = np.repeat(people[None, :], len(WERKMILIEUS), axis=0)
    part = {}
    for m, pts, share in ((INDUSTRIEEL, INDUSTRIAL_CLUSTERS, CLUSTER_SHARE),
                          (INNOVATIE, CAMPUSES, CAMPUS_SHARE)):
        drawn = share * point_province_shares(pts, codes)
        shares[m] = drawn + (1.0 - share) * people
        with np.errstate(invalid="ignore", divide="ignore"):
            part[m] = np.where(shares[m] > 0, drawn / shares[m], 0.0)
    return shares, part


def create_firms(landscape: Landscape, rng: np.random.Generator,
                 national: Landscape | None = None) -> FirmState:
    """The firm agents of every province in ``landscape``, placed.

    The nation's establishments (CBS 2022, all sections but A) and jobs (CBS 2019 less
    agriculture) are apportioned to the provinces on the ``national`` landscape (default:
    ``landscape``, which must then be the whole country); a regional run creates its provinces'
    share only.
    """
    national = landscape if national is None else national
    counts, jobs_per_est = national_counts()
    by_milieu = milieu_counts(counts)  # (sections, sizes, werkmilieus)
    shares, part = province_shares(national)
    # (sections, sizes, werkmilieus, provinces): largest remainder keeps the national totals.
    per_prov = apportion(by_milieu, shares[None, None, :, 1:])
    present = np.unique(landscape["province_id"][landscape["land_mask"]])
    present = present[present > 0].astype(np.intp)
    per_prov = np.moveaxis(per_prov, -1, 0)[present - 1]
    firms = synthesise(per_prov, jobs_per_est, present)
    place(firms, landscape, part, rng)
    return firms


def create_business_land(model):
    """The business land of the run at set-up (:func:`agents.firms.business_land.create`), and
    the run's ``firm_relocation`` stream and ``transformed_business_land_ha`` (zeros)."""
    from agents.firms import business_land

    model._firm_relocation_rng = model.streams.generator("firm_relocation")
    model.transformed_business_land_ha = np.zeros(model.landscape.grid.shape)
    return business_land.create(model)


def firm_year(model, year: int) -> None:
    """One year of the firms (phase 6 of RegionModel.step): jobs grow by province (plus the
    policy's ``business_climate_bonus`` per cell), then business land and relocation
    (:func:`agents.firms.business_land.year_step`); sets ``model.transformed_business_land_ha``.
    """
    from agents.firms import business_land

    factor = model._firm_growth
    bonus = model.policy.cell_targets.get("business_climate_bonus")
    if bonus is None:
        grow(model.firms, factor)
    else:
        firms = model.firms
        extra = np.nan_to_num(bonus.ravel())[np.maximum(firms.cell, 0)] * (firms.cell >= 0)
        firms.jobs *= factor[firms.province_id] * (1.0 + extra)
    if model.business_land is None:
        return
    business_land.year_step(model, year)
    model.transformed_business_land_ha = model.business_land.transformed_ha.reshape(
        model.landscape.grid.shape)
