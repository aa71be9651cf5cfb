"""The synthetic firm population: establishments and jobs by SBI section, size class,
werkmilieu and province, from the national CBS tables (docs/firms.md).

1. Establishments by section and size class: CBS 81644NED 2022 (:data:`ESTABLISHMENTS_CSV`);
   section A is the farmer model's and is left out; sections P-U are the total less A-O.
2. Jobs: an ASSUMED number of jobs per establishment by size class
   (:data:`JOBS_PER_ESTABLISHMENT`), scaled per section to the CBS 2019 jobs of sections B-F and,
   for the other sections together, to the rest of the CBS 2019 total (10,690 thousand) less
   agriculture (254 thousand).
3. Werkmilieus: each (section, size class) split by :data:`WERKMILIEU_SHARE_SMALL` /
   :data:`WERKMILIEU_SHARE_LARGE` (ASSUMPTION).
4. Provinces: each (section, size class, werkmilieu) count apportioned to the provinces
   (largest remainder, so the national totals are exact) by inhabitants weighted by
   urbanisation (:data:`JOBS_PER_INHABITANT_FACTOR`); industrieel and innovatie partly by their
   clusters and campuses (:mod:`agents.firms.placement`).
5. Agents: one per establishment of 10+ persons; small establishments in groups of at most
   :data:`SMALL_GROUP_SIZE`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agents.firms.state import SECTIONS, SIZE_CLASSES, FirmState
from environment.landscape import Landscape

DATA = Path(__file__).resolve().parent / "data"
ESTABLISHMENTS_CSV = DATA / "cbs_81644ned_establishments_nl_2022.csv"
JOBS_CSV = DATA / "jobs_lisa_points.csv"
SIZE_COLUMNS = ("size_0_persons", "size_1_person", "size_2_to_10", "size_10_plus")

#: ASSUMPTION: jobs per establishment by size class (0, 1, 2-10, 10+ persons) before scaling to
#: the CBS jobs; CBS 81644NED gives establishment counts only. Explore 0-1, 1-1.5, 3-6, 25-80.
JOBS_PER_ESTABLISHMENT = np.array([0.5, 1.0, 4.0, 40.0])
#: ASSUMPTION: one agent stands for at most this many small establishments (0, 1 or 2-10
#: persons) of one province, section, size class and werkmilieu, which share one cell; explore
#: 20-200 (fewer agents, coarser map). 50 keeps the national population under ~150,000 agents.
SMALL_GROUP_SIZE = 50

# Werkmilieu shares per section (columns: WERKMILIEUS = industrieel, productie, innovatie,
# stedelijk, distributie), ASSUMPTION; explore each share +-0.2 (rows are renormalised).
# Reasoning: large plants of B-E (chemistry, steel, refineries, power, waste) are in the
# industrial clusters (milieucategorie 4-6), small ones on business parks; construction works
# from business parks; retail and wholesale: shops in centres, wholesale on parks and in
# distribution; transport and storage: distribution centres and the port; hotels and
# restaurants, finance, real estate, government and (P-U) education and care: urban; ICT and
# specialised services (incl. R&D) urban and on campuses; rental and business services
# (temp agencies, cleaning, leasing) urban and on parks.
_SHARES = {  # section: (small establishments, establishments of 10+)
    "B": ((0.3, 0.7, 0.0, 0.0, 0.0), (0.6, 0.4, 0.0, 0.0, 0.0)),
    "C": ((0.05, 0.9, 0.05, 0.0, 0.0), (0.45, 0.45, 0.1, 0.0, 0.0)),
    "D": ((0.2, 0.5, 0.0, 0.3, 0.0), (0.6, 0.2, 0.0, 0.2, 0.0)),
    "E": ((0.2, 0.8, 0.0, 0.0, 0.0), (0.5, 0.5, 0.0, 0.0, 0.0)),
    "F": ((0.0, 0.9, 0.0, 0.1, 0.0), (0.0, 0.9, 0.0, 0.1, 0.0)),
    "G": ((0.0, 0.3, 0.0, 0.6, 0.1), (0.0, 0.3, 0.0, 0.4, 0.3)),
    "H": ((0.0, 0.5, 0.0, 0.1, 0.4), (0.1, 0.2, 0.0, 0.1, 0.6)),
    "I": ((0.0, 0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0, 0.0)),
    "J": ((0.0, 0.0, 0.1, 0.9, 0.0), (0.0, 0.0, 0.3, 0.7, 0.0)),
    "K": ((0.0, 0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0, 0.0)),
    "L": ((0.0, 0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0, 0.0)),
    "M": ((0.0, 0.1, 0.1, 0.8, 0.0), (0.0, 0.1, 0.3, 0.6, 0.0)),
    "N": ((0.0, 0.4, 0.0, 0.5, 0.1), (0.0, 0.4, 0.0, 0.5, 0.1)),
    "O": ((0.0, 0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0, 0.0)),
    "P-U": ((0.0, 0.1, 0.05, 0.85, 0.0), (0.0, 0.1, 0.05, 0.85, 0.0)),
}
#: Werkmilieu shares of establishments of 0, 1 and 2-10 persons, shape (sections, werkmilieus).
WERKMILIEU_SHARE_SMALL = np.array([_SHARES[s][0] for s in SECTIONS])
#: Werkmilieu shares of establishments of 10+ persons, shape (sections, werkmilieus).
WERKMILIEU_SHARE_LARGE = np.array([_SHARES[s][1] for s in SECTIONS])

#: ASSUMPTION: jobs per inhabitant relative to the national mean by GHS urbanisation class
#: (commuting into towns); the provinces' shares of every section and werkmilieu follow
#: inhabitants x this factor. Explore the urban-centre factor 1.2-2 and the rural 0.3-0.8.
JOBS_PER_INHABITANT_FACTOR: dict[int, float] = {
    0: 0.5, 10: 0.5, 11: 0.5, 12: 0.5, 13: 0.7, 21: 0.8, 22: 1.0, 23: 1.2, 30: 1.5}


def establishments_table() -> pd.DataFrame:
    """CBS 81644NED 2022: establishments by section (index :data:`SECTIONS` plus "A" and
    "total") and size class (columns :data:`SIZE_COLUMNS`)."""
    raw = pd.read_csv(ESTABLISHMENTS_CSV)
    code = raw.sbi_section.str.split(" ").str[0].replace({"A-U": "total"})
    table = raw.set_index(code)[list(SIZE_COLUMNS)].astype(np.int64)
    rest = table.loc["total"] - table.drop(index="total").sum()
    table.loc["P-U"] = rest
    return table


def jobs_2019_thousand() -> dict[str, float]:
    """CBS 2019 jobs (x1000): "total" and the sections that jobs_lisa_points.csv gives."""
    raw = pd.read_csv(JOBS_CSV)
    rows = raw[(raw.period == "2019") & raw.indicator.str.startswith(("banen", '"banen'))]
    out = {}
    for ind, value in zip(rows.indicator, rows.value, strict=True):
        key = ind.replace("banen ", "").split(" ")[0]
        out["total" if key == "(jobs)" else key] = float(value)
    return out


def national_counts() -> tuple[np.ndarray, np.ndarray]:
    """Establishments and jobs per establishment, shape (sections, size classes).

    Jobs per establishment are :data:`JOBS_PER_ESTABLISHMENT` scaled per section so that the
    sections with a CBS 2019 jobs figure match it and the other sections together match the
    rest of the 2019 total less section A.
    """
    table = establishments_table()
    counts = table.loc[list(SECTIONS)].to_numpy(np.int64)
    raw = counts * JOBS_PER_ESTABLISHMENT
    jobs = jobs_2019_thousand()
    scale = np.ones(len(SECTIONS))
    known = [i for i, s in enumerate(SECTIONS) if s in jobs]
    for i in known:
        scale[i] = jobs[SECTIONS[i]] * 1000.0 / raw[i].sum()
    other = np.setdiff1d(np.arange(len(SECTIONS)), known)
    rest = (jobs["total"] - jobs.get("A", 0.0) - sum(jobs[SECTIONS[i]] for i in known)) * 1000.0
    scale[other] = rest / raw[other].sum()
    return counts, JOBS_PER_ESTABLISHMENT[None, :] * scale[:, None]


def national_target() -> tuple[int, float]:
    """CBS establishments 2022 (all sections but A) and jobs 2019 (total less A)."""
    table = establishments_table()
    jobs = jobs_2019_thousand()
    return (int(table.loc["total"].sum() - table.loc["A"].sum()),
            (jobs["total"] - jobs.get("A", 0.0)) * 1000.0)


def milieu_counts(counts: np.ndarray) -> np.ndarray:
    """Establishments split by werkmilieu (largest remainder), shape (sections, sizes,
    werkmilieus)."""
    shares = np.stack([WERKMILIEU_SHARE_SMALL] * (len(SIZE_CLASSES) - 1)
                      + [WERKMILIEU_SHARE_LARGE], axis=1)
    shares = shares / shares.sum(axis=-1, keepdims=True)
    return apportion(counts, shares)


def apportion(totals: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Split integer ``totals`` along a new last axis by ``shares`` (which sum to 1 on it),
    by largest remainder: every total is kept exactly."""
    exact = totals[..., None] * shares
    out = np.floor(exact).astype(np.int64)
    short = totals - out.sum(axis=-1)
    rank = np.argsort(np.argsort(-(exact - out), axis=-1, kind="stable"), axis=-1)
    return out + (rank < short[..., None])


def province_weights(national: Landscape) -> np.ndarray:
    """Inhabitants x :data:`JOBS_PER_INHABITANT_FACTOR` per province id (index 0 unused),
    on the national landscape."""
    lut = np.zeros(256)
    for code, f in JOBS_PER_INHABITANT_FACTOR.items():
        lut[code] = f
    prov = national["province_id"].ravel().astype(np.intp)
    w = national["inhabitants"].ravel() * lut[national["urbanisation_class"].ravel()]
    return np.bincount(prov, weights=w, minlength=len(national.tables["province"]) + 1)


def synthesise(per_province: np.ndarray, jobs_per_est: np.ndarray, provinces: np.ndarray,
               group_size: int = SMALL_GROUP_SIZE) -> FirmState:
    """Firm agents (unplaced) from establishment counts.

    Parameters
    ----------
    per_province : ndarray of int64, shape (provinces, sections, sizes, werkmilieus)
        Establishments; row k belongs to province id ``provinces[k]``.
    jobs_per_est : ndarray, shape (sections, sizes)
    """
    p, s, c, m = np.indices(per_province.shape).reshape(4, -1)
    n = per_province.ravel()
    large = c == len(SIZE_CLASSES) - 1
    agents = np.where(large, n, -(-n // group_size))
    idx = np.repeat(np.arange(n.size), agents)
    first = np.repeat(np.cumsum(agents) - agents, agents)
    k = np.arange(idx.size) - first  # rank of the agent within its group
    base, extra = n[idx] // agents[idx], n[idx] % agents[idx]
    est = (base + (k < extra)).astype(np.int32)
    return FirmState(
        sector=s[idx].astype(np.uint8), werkmilieu=m[idx].astype(np.uint8),
        size_class=c[idx].astype(np.uint8), establishments=est,
        jobs=est * jobs_per_est[s[idx], c[idx]],
        cell=np.full(idx.size, -1, np.int64),
        province_id=provinces[p[idx]].astype(np.uint8),
        active=np.ones(idx.size, bool))
