"""Firm indicators of business land, and the clustering index per werkmilieu (docs/firms.md).

:data:`BUSINESS_LAND_INDICATORS` is a tuple of :class:`abm.indicators.Indicator`; it is built
lazily (module ``__getattr__``) because ``abm.indicators`` imports ``agents.firms.state``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.firms.state import WERKMILIEUS

if TYPE_CHECKING:
    from abm.model import RegionModel


def business_land_ha(model: RegionModel) -> np.ndarray:
    """Business land per cell, free or in use (ha), grid shape."""
    bl = model.business_land
    if bl is None:
        return np.zeros(model.landscape.grid.shape)
    return bl.grid_values(bl.stock_ha)


def business_land_free_ha(model: RegionModel) -> np.ndarray:
    """Free (issuable) business land per cell (ha), grid shape."""
    bl = model.business_land
    if bl is None:
        return np.zeros(model.landscape.grid.shape)
    return bl.grid_values(bl.free_ha)


def business_land_shortfall_ha(model: RegionModel) -> np.ndarray:
    """This year's shortfall per cell (ha): land the business-land firms of the cell need beyond
    its stock after relocation (no free plot nearby or in the province), grid shape."""
    bl = model.business_land
    if bl is None:
        return np.zeros(model.landscape.grid.shape)
    return bl.grid_values(bl.shortfall_ha)


def business_land_transformed_ha(model: RegionModel) -> np.ndarray:
    """Business land transformed into housing this year (ha per cell), grid shape."""
    bl = model.business_land
    if bl is None:
        return np.zeros(model.landscape.grid.shape)
    return bl.grid_values(bl.transformed_ha)


def business_land_planned_ha(model: RegionModel) -> np.ndarray:
    """Business land the provinces planned this year (arrives after the planning lag), spread
    over each province's business land by stock (ha per cell), grid shape."""
    from agents.firms.business_land import per_province_to_cells

    bl = model.business_land
    if bl is None:
        return np.zeros(model.landscape.grid.shape)
    return bl.grid_values(per_province_to_cells(bl, bl.planned_ha))


def business_land_delayed_ha(model: RegionModel) -> np.ndarray:
    """Business land that arrived from the pipeline this year but found no place (no cell
    with room, or a nitrogen permit refused) and waits a year, spread over each province's
    business land by stock (ha per cell), grid shape."""
    from agents.firms.business_land import per_province_to_cells

    bl = model.business_land
    if bl is None:
        return np.zeros(model.landscape.grid.shape)
    return bl.grid_values(per_province_to_cells(bl, bl.delayed_ha))


def ellison_glaeser(model: RegionModel, level: str = "corop") -> dict[str, float]:
    """Ellison-Glaeser agglomeration index gamma per werkmilieu over the regions of ``level``
    (``corop`` or ``provincie``).

    gamma = (G - (1 - sum x^2) H) / ((1 - sum x^2)(1 - H)), with G = sum_r (s_r - x_r)^2 the
    raw geographic concentration (s_r: the werkmilieu's share of jobs in region r, x_r: the
    share of all jobs), and H the Herfindahl index of the werkmilieu's agents' jobs (Ellison, G.
    and Glaeser, E. L., 1997, Geographic concentration in U.S. manufacturing industries: a
    dartboard approach, Journal of Political Economy 105(5), 889-927). 0: as concentrated as
    random location of the agents would give; > 0.05 is highly concentrated in their scale.
    Note an agent that stands for a group of small establishments counts as one plant.
    """
    from environment.landscape import LEVELS

    layer, _ = LEVELS[level]
    region = model.landscape[layer].ravel().astype(np.intp)
    firms = model.firms
    on = firms.active & (firms.cell >= 0)
    r = region[firms.cell[on]]
    keep = r > 0
    jobs, milieu, r = firms.jobs[on][keep], firms.werkmilieu[on][keep], r[keep]
    n_regions = int(region.max()) + 1
    all_jobs = np.bincount(r, weights=jobs, minlength=n_regions)
    out = {}
    for m, name in enumerate(WERKMILIEUS):
        sel = milieu == m
        own = np.bincount(r[sel], weights=jobs[sel], minlength=n_regions)
        out[name] = gamma(own, float((jobs[sel] ** 2).sum()), all_jobs)
    return out


def gamma(jobs_by_region: np.ndarray, squared_jobs: float, all_jobs_by_region: np.ndarray
          ) -> float:
    """The Ellison-Glaeser gamma (see :func:`ellison_glaeser`) of one werkmilieu from its jobs
    per region, the sum of its agents' squared jobs (for the Herfindahl index H) and all jobs
    per region; NaN where undefined (no jobs, one region, H = 1)."""
    total = float(jobs_by_region.sum())
    all_total = float(all_jobs_by_region.sum())
    if total <= 0 or all_total <= 0:
        return float("nan")
    x = all_jobs_by_region / all_total
    sx = 1.0 - float((x ** 2).sum())
    h = squared_jobs / total ** 2
    if sx <= 0 or h >= 1.0:
        return float("nan")
    g = float(((jobs_by_region / total - x) ** 2).sum())
    return (g - sx * h) / (sx * (1.0 - h))


def _build():
    from abm.indicators import Indicator

    return (
        Indicator("business_land_ha", "ha", "Business land (bedrijventerrein incl. port land), "
                  "free or in use, at the end of the year; set-up calibrated to IBIS "
                  "(docs/firms.md)", cell_values=business_land_ha),
        Indicator("business_land_free_ha", "ha", "Free (issuable) business land at the end of "
                  "the year", cell_values=business_land_free_ha),
        Indicator("business_land_shortfall_ha", "ha", "Business land the firms need this year "
                  "beyond what their cell holds and no free plot in the province meets",
                  cell_values=business_land_shortfall_ha),
        Indicator("business_land_transformed_ha", "ha", "Business land transformed into "
                  "housing this year (BRUIS-TRANSFORMATIE)",
                  cell_values=business_land_transformed_ha),
        Indicator("business_land_planned_ha", "ha", "Business land the provinces planned this "
                  "year (available after the planning lag), spread over their business land",
                  cell_values=business_land_planned_ha),
        Indicator("business_land_delayed_ha", "ha", "Business land due this year that found "
                  "no place (no cell with room, or its nitrogen permit refused): the unmet "
                  "claim, tried again next year", cell_values=business_land_delayed_ha),
    )


def __getattr__(name: str):
    if name == "BUSINESS_LAND_INDICATORS":
        value = _build()
        globals()[name] = value
        return value
    raise AttributeError(name)
