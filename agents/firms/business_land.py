"""Business land (bedrijventerrein): stock per cell, the provinces' planning pipeline, and the
yearly relocation of firms with the hierarchy of the Ruimtelijk Economische Visie (seed 002).

State (:class:`BusinessLand`, flat numpy arrays on the grid): ``stock_ha`` (business land, free
or in use), ``used_ha`` (land the firms of the industrieel, productie and distributie
werkmilieus occupy: their jobs / :data:`RELATIVE_JOBS_PER_HA` x the calibrated scale), the
pipeline of planned land by province and year of arrival, and this year's ``shortfall_ha``,
``transformed_ha``, ``planned_ha`` and ``demand_ha``.

Set-up: each cell's stock is its business-land firms' land / (1 - :data:`FREE_SHARE`), capped at
:data:`MAX_CELL_SHARE` of the cell, with one scale chosen (bisection) so the run's stock is its
share of :data:`NATIONAL_STOCK_HA` (IBIS; the share is the region's share of the nation's
business-land jobs, so a regional run holds what its provinces hold in the national run).

The year (:func:`year_step`, called by :func:`agents.firms.firm_year`): jobs grow; planned land
arrives; transformation (BRUIS-TRANSFORMATIE) takes land away and, with REV-COMPENSATION, plans
replacement land nearby; firms that no longer fit their cell and a share of all firms
(:data:`RELOCATION_SHARE_PER_YR`) relocate (expand in place when the cell has free land, else a
plot within :data:`NEAR_RADIUS_M`, else anywhere in the province; numba); what still does not
fit is the shortfall; the provinces plan new land that arrives :data:`PLANNING_LAG_YR` later.
Three uniform draws per firm per year from the ``firm_relocation`` stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numba import njit
from scipy.ndimage import uniform_filter

from agents.firms.state import DISTRIBUTIE, INDUSTRIEEL, PRODUCTIE, WERKMILIEUS, FirmState
from agents.firms.werkmilieu_zoning import zoned_static_utility
from environment.layers import NATURE, WATER

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Werkmilieus whose firms sit on business land (the others: offices, campuses, town centres).
BUSINESS_LAND_MILIEUS: tuple[int, ...] = (INDUSTRIEEL, PRODUCTIE, DISTRIBUTIE)
#: Gross business land of the Netherlands (ha): IBIS werklocaties, 1 January 2013, 81,868 ha
#: bedrijventerrein + 11,545 ha zeehaventerrein (Arcadis for the ministry of I&M, reported by
#: Cobouw,
#: https://www.cobouw.nl/bouwbreed/nieuws/2013/07/bedrijventerreinen-te-kust-en-te-keur-10173139).
#: Cross-check: 003 gives 2.6% of the Netherlands (003_96b59ff8675cf4bb.txt:L1579-1581), i.e.
#: 87,600 ha of the 3.37 million ha of land or 108,000 ha of the 4.15 million ha with water.
#: Explore 85,000-110,000.
NATIONAL_STOCK_HA = 93_413.0
#: ASSUMPTION: jobs per gross hectare by werkmilieu before calibration (only the ratios count:
#: one scale brings the stock to NATIONAL_STOCK_HA): heavy industry and logistics use far more
#: land per job than regular parks. Calibrated result (1000 m): about 30, 68 and 18 jobs/ha;
#: the mean, 3.5 million jobs on 93,000 ha = 38 jobs/ha, matches 003's 30% of jobs on business
#: parks (003_96b59ff8675cf4bb.txt:L1586-1588). Explore each ratio 0.5-2x.
RELATIVE_JOBS_PER_HA: dict[int, float] = {INDUSTRIEEL: 20.0, PRODUCTIE: 45.0, DISTRIBUTIE: 12.0}
#: ASSUMPTION: free (issuable) share of the stock at set-up. IBIS had 9,500 ha issuable on
#: 1 January 2013 (10%, same Cobouw source); 002 expects most provinces sold out by 2030-2035
#: (002_e34ac4cdf062f2da.txt:L636-647), so less now. Explore 0.02-0.10.
FREE_SHARE = 0.05
#: ASSUMPTION: business land may take at most this share of a cell (roads, water, homes take the
#: rest). Explore 0.5-1.0.
MAX_CELL_SHARE = 0.8
#: Planning lead time: land planned in year t can be issued in t + lag. "De gemiddelde
#: planvormingstijd voor bedrijventerreinen is 7 tot 15 jaar" (002_e34ac4cdf062f2da.txt:L695-698).
#: Default 10 (the middle); explore 7-15.
PLANNING_LAG_YR = 10
#: ASSUMPTION: provinces plan so that free land plus the pipeline covers (lag + buffer) years of
#: the smoothed demand (strategisch programmeren, 002_e34ac4cdf062f2da.txt:L695-698). Explore 0-10.
PLANNING_BUFFER_YR = 5
#: ASSUMPTION: weight of this year's demand in the smoothed demand (exponential). Explore 0.1-0.5.
DEMAND_SMOOTHING = 0.3
#: ASSUMPTION: share of firm agents that relocate voluntarily each year. CBS counts some 5-8% of
#: establishments moving per year, most within their municipality; explore 0.01-0.08.
RELOCATION_SHARE_PER_YR = 0.03
#: ASSUMPTION: radius of the "nearby plot" step of the hierarchy (m): a move within the local
#: labour market; explore 2,000-10,000.
NEAR_RADIUS_M = 5_000.0
#: ASSUMPTION: a firm that finds no plot nearby looks at this many of its province's
#: business-land cells (a search effort, from a start of its own; all of them when fewer).
#: Explore 1,000-all; more costs time at 250 m.
PROVINCE_SEARCH_CELLS = 4_096
#: ASSUMPTION: half-width of the box over which the same-werkmilieu jobs density (agglomeration)
#: is measured (m), and how often it is recomputed (years). Explore 1,000-5,000 m, 1-5 yr.
AGGLOMERATION_HALF_WIDTH_M = 2_000.0
AGGLOMERATION_UPDATE_YR = 5
#: ASSUMPTION: location utility coefficients (logit units): agglomeration per log(1 + jobs/ha of
#: the same werkmilieu around), per km to a station and to an urban centre by werkmilieu, per
#: 100,000 euro/ha of land price, and the water-bound bonus of industrieel firms within
#: WATER_BOUND_M of large water. Explore each 0-2x.
BETA_AGGLOMERATION = 1.0
BETA_STATION_PER_KM: dict[int, float] = {0: 0.05, 1: 0.1, 2: 0.3, 3: 0.5, 4: 0.1}
BETA_CENTRE_PER_KM: dict[int, float] = {0: 0.0, 1: 0.05, 2: 0.1, 3: 0.3, 4: 0.0}
BETA_PRICE_PER_100KEUR = 0.2
BETA_WATER_BOUND = 2.0
WATER_BOUND_M = 1_000.0
#: ASSUMPTION: a neighbourhood (box of 2 x this half-width) holding at least LARGE_PARK_HA of
#: business land at set-up is a large business park (Limburg's rule in WERKLOC-PROV-LOGISTIEK
#: admits large firms only there). Explore 1,000-3,000 m and 20-100 ha.
LARGE_PARK_HALF_WIDTH_M = 1_000.0
LARGE_PARK_HA = 50.0
#: ASSUMPTION (NET-CAPACITEIT, 002_e34ac4cdf062f2da.txt:L623-626 "netcongestie"): hectares of
#: business land a province's grid lets firms take into use on other cells per year. Default
#: none (inf); a scenario sets a national figure through ``policy.caps["grid_business_land_ha"]``,
#: split by the provinces' stock. Explore 50-1,000 ha nationally.
GRID_CAPACITY_HA_PER_YR = np.inf
#: ASSUMPTION: business land that is transformed each year without a policy (share of the stock
#: in urban cells). 0: the baseline keeps its stock; explore 0-0.01.
AUTONOMOUS_TRANSFORMATION_SHARE_PER_YR = 0.0
#: Urbanisation classes (GHS-SMOD) whose business land counts as inner-city, old parks that
#: BRUIS-TRANSFORMATIE can turn into housing: semi-dense, dense, urban centre. ASSUMPTION.
INNER_CITY_CLASSES: tuple[int, ...] = (22, 23, 30)


@dataclass
class BusinessLand:
    """The business land of a run (flat arrays over the grid; province arrays by id).

    Attributes
    ----------
    stock_ha : ndarray
        Business land per cell, free or in use (ha).
    used_ha : ndarray
        Land the business-land firms of the cell occupy (ha); may exceed the stock (overfull).
    cap_ha : ndarray
        Most business land a cell can hold (ha); 0 off candidate cells.
    ha_per_job : ndarray, shape (werkmilieus,)
        Calibrated gross ha per job (0 for werkmilieus not on business land).
    province : ndarray of intp
        Province id per cell.
    expansion_order : ndarray of int64
        Candidate cells sorted by province, then by suitability for new land (best first).
    expansion_start : ndarray of int64
        Offsets of each province id in ``expansion_order`` (length provinces + 2).
    rank_key : ndarray
        The suitability for new land per cell (business land around it).
    large_park : ndarray of bool
        Cells in a large business park at set-up (LARGE_PARK_HA within the box).
    pipeline : dict of int to ndarray
        Planned land by year of arrival, ha per province id.
    compensation : dict of int to tuple
        REV-COMPENSATION land by year of arrival: (ha per origin cell, radius per origin cell m).
    demand_rate_ha : ndarray
        Smoothed yearly demand per province id (ha/yr).
    lag_yr : int
        Planning lead time.
    """

    stock_ha: np.ndarray
    used_ha: np.ndarray
    cap_ha: np.ndarray
    ha_per_job: np.ndarray
    province: np.ndarray
    expansion_order: np.ndarray
    expansion_start: np.ndarray
    rank_key: np.ndarray
    large_park: np.ndarray
    static_utility: np.ndarray
    agglomeration: np.ndarray
    candidate: np.ndarray
    shape: tuple[int, int]
    cell_size_m: float
    lag_yr: int = PLANNING_LAG_YR
    pipeline: dict[int, np.ndarray] = field(default_factory=dict)
    compensation: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    demand_rate_ha: np.ndarray | None = None
    shortfall_ha: np.ndarray | None = None
    transformed_ha: np.ndarray | None = None
    compensation_planned_ha: float = 0.0
    planned_ha: np.ndarray | None = None
    demand_ha: np.ndarray | None = None
    arrived_ha: np.ndarray | None = None
    relocated_firms: int = 0
    relocated_jobs: float = 0.0
    shortfall_firms: int = 0
    grid_blocked_firms: int = 0

    @property
    def free_ha(self) -> np.ndarray:
        """Free business land per cell (ha, >= 0)."""
        return np.maximum(self.stock_ha - self.used_ha, 0.0)

    def grid_values(self, flat: np.ndarray) -> np.ndarray:
        """A flat per-cell array in the grid's shape."""
        return flat.reshape(self.shape)


# -- set-up ----------------------------------------------------------------------------------


def national_business_jobs() -> float:
    """The nation's jobs in the business-land werkmilieus at set-up (no placement needed)."""
    from agents.firms.population import milieu_counts, national_counts

    counts, jobs_per_est = national_counts()
    by_milieu = milieu_counts(counts)  # (sections, sizes, werkmilieus)
    jobs = (by_milieu * jobs_per_est[:, :, None]).sum(axis=(0, 1))
    return float(jobs[list(BUSINESS_LAND_MILIEUS)].sum())


def relative_need(firms: FirmState) -> np.ndarray:
    """Jobs / relative density per firm (0 for the other werkmilieus)."""
    inv = np.zeros(len(WERKMILIEUS))
    for m, d in RELATIVE_JOBS_PER_HA.items():
        inv[m] = 1.0 / d
    return firms.jobs * inv[firms.werkmilieu] * firms.active


def start_stock(used_ha: np.ndarray, cap_ha: np.ndarray) -> np.ndarray:
    """Stock at set-up: the land in use plus the free share, capped at the cell's cap, but never
    below the land in use (a cell whose firms already need more than the cap: a dense or
    multi-storey park, or an agent that stands for many small establishments on one cell)."""
    return np.maximum(np.minimum(cap_ha, used_ha / (1.0 - FREE_SHARE)), used_ha)


def calibrate_scale(rel_per_cell: np.ndarray, cap_ha: np.ndarray, target_ha: float) -> float:
    """Scale ``a`` (ha per relative job) with sum(start_stock(a x rel, cap)) = ``target_ha``
    (bisection; the stock grows monotonically with ``a``)."""
    lo, hi = 0.0, 1.0
    while start_stock(hi * rel_per_cell, cap_ha).sum() < target_ha and hi < 1e9:
        hi *= 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if start_stock(mid * rel_per_cell, cap_ha).sum() < target_ha:
            lo = mid
        else:
            hi = mid
    return hi


def candidate_mask(landscape) -> np.ndarray:
    """Cells where business land may lie (flat bool): land of a province, not water or nature."""
    use = landscape["land_use"].ravel()
    return (landscape["land_mask"].ravel() & (landscape["province_id"].ravel() > 0)
            & (use != NATURE) & (use != WATER))


def _box_sum(values: np.ndarray, half_width_m: float, cell_size_m: float) -> np.ndarray:
    size = 2 * max(int(round(half_width_m / cell_size_m)), 0) + 1
    return uniform_filter(values.astype(np.float32), size=size, mode="constant") * size * size


def static_utility(landscape) -> np.ndarray:
    """The parts of the location utility that do not change, shape (werkmilieus, cells),
    float32: accessibility (stations, urban centres) and the water-bound bonus of industrieel."""
    from environment.distance import distance_m

    station_km = landscape["dist_station_m"].ravel().astype(np.float32) / 1000.0
    centre_km = landscape["dist_urban_centre_m"].ravel().astype(np.float32) / 1000.0
    out = np.zeros((len(WERKMILIEUS), station_km.size), np.float32)
    for m in range(len(WERKMILIEUS)):
        out[m] = -BETA_STATION_PER_KM[m] * station_km - BETA_CENTRE_PER_KM[m] * centre_km
    water = distance_m(landscape["large_water"], landscape.grid.cell_size_m).ravel()
    out[INDUSTRIEEL] += BETA_WATER_BOUND * (water <= WATER_BOUND_M)
    return out


def agglomeration(firms: FirmState, n_cells: int, shape: tuple[int, int],
                  cell_size_m: float) -> np.ndarray:
    """log(1 + same-werkmilieu jobs per ha in the box around each cell), (werkmilieus, cells)."""
    on = firms.active & (firms.cell >= 0)
    milieu = firms.werkmilieu[on].astype(np.int64)
    jobs = np.bincount(milieu * n_cells + firms.cell[on], weights=firms.jobs[on],
                       minlength=len(WERKMILIEUS) * n_cells).reshape(len(WERKMILIEUS), n_cells)
    size = 2 * max(int(round(AGGLOMERATION_HALF_WIDTH_M / cell_size_m)), 0) + 1
    area_ha = (size * cell_size_m) ** 2 / 1e4
    out = np.empty((len(WERKMILIEUS), n_cells), np.float32)
    for m in range(len(WERKMILIEUS)):
        box = _box_sum(jobs[m].reshape(shape), AGGLOMERATION_HALF_WIDTH_M, cell_size_m)
        out[m] = np.log1p(np.maximum(box.ravel(), 0.0) / area_ha)
    return out


def create(model: RegionModel) -> BusinessLand:
    """The run's business land at set-up (see the module docstring)."""
    land = model.landscape
    grid = land.grid
    n = grid.n_rows * grid.n_cols
    firms = model.firms
    cand = candidate_mask(land)
    cap = cand * grid.cell_area_ha * MAX_CELL_SHARE
    rel = relative_need(firms)
    on = firms.cell >= 0
    rel_cell = np.bincount(firms.cell[on], weights=rel[on], minlength=n)
    bl_jobs = float(firms.jobs[on & np.isin(firms.werkmilieu, BUSINESS_LAND_MILIEUS)].sum())
    target = NATIONAL_STOCK_HA * bl_jobs / national_business_jobs()
    scale = calibrate_scale(rel_cell, cap, target)
    ha_per_job = np.zeros(len(WERKMILIEUS))
    for m, d in RELATIVE_JOBS_PER_HA.items():
        ha_per_job[m] = scale / d
    used = rel_cell * scale
    stock = start_stock(used, cap)
    province = land["province_id"].ravel().astype(np.intp)
    # Suitability for new land: business land around the cell (parks grow at their edges),
    # then the productie accessibility as a tie-breaker.
    static = static_utility(land)
    around = _box_sum(stock.reshape(grid.shape), 2_000.0, grid.cell_size_m).ravel()
    key = np.log1p(np.maximum(around, 0.0)) + 0.01 * static[PRODUCTIE]
    cells = np.flatnonzero(cand)
    order = cells[np.lexsort((-key[cells], province[cells]))]
    n_prov = len(land.tables["province"])
    start = np.searchsorted(province[order], np.arange(n_prov + 2)).astype(np.int64)
    park = _box_sum(stock.reshape(grid.shape), LARGE_PARK_HALF_WIDTH_M,
                    grid.cell_size_m).ravel() >= LARGE_PARK_HA
    bl = BusinessLand(
        stock_ha=stock, used_ha=used, cap_ha=cap, ha_per_job=ha_per_job, province=province,
        expansion_order=order.astype(np.int64), expansion_start=start, rank_key=key,
        large_park=park & cand, static_utility=static,
        agglomeration=agglomeration(firms, n, grid.shape, grid.cell_size_m),
        candidate=cand, shape=grid.shape, cell_size_m=grid.cell_size_m)
    # The pipeline at set-up: each of the next `lag` years brings the demand of a year of
    # growth at the provinces' trend (plans made before the run started).
    growth = model._firm_growth[province] - 1.0
    rate = np.bincount(province, weights=used * np.maximum(growth, 0.0), minlength=n_prov + 1)
    bl.demand_rate_ha = rate
    for k in range(1, bl.lag_yr + 1):
        bl.pipeline[model.start_year - 1 + k] = rate.copy()
    bl.shortfall_ha = np.zeros(n)
    bl.transformed_ha = np.zeros(n)
    bl.planned_ha = np.zeros(n_prov + 1)
    bl.demand_ha = np.zeros(n_prov + 1)
    bl.arrived_ha = np.zeros(n)
    bl.delayed_ha = np.zeros(n_prov + 1)
    return bl


# -- the year --------------------------------------------------------------------------------


@njit(cache=True)
def _fill(order, start, ha_by_prov, stock, cap, blocked, added):
    """Add each province's hectares to its cells in ``order`` (best first), up to the cap,
    skipping blocked cells. Returns what did not fit, per province."""
    left = ha_by_prov.copy()
    for p in range(ha_by_prov.size):
        if left[p] <= 0.0:
            continue
        for i in range(start[p], start[p + 1]):
            c = order[i]
            if blocked[c]:
                continue
            room = cap[c] - stock[c]
            if room <= 1e-9:
                continue
            take = min(room, left[p])
            stock[c] += take
            added[c] += take
            left[p] -= take
            if left[p] <= 0.0:
                break
    return left


@njit(cache=True)
def _fill_near(origin_ha, radius_m, n_cols, n_rows, cell_size_m, key, province, stock, cap,
               blocked, added, left_by_prov):
    """Compensation land: each origin cell's hectares go to the best cells (``key``) within its
    radius in its province; the rest is added to ``left_by_prov``."""
    for c0 in range(origin_ha.size):
        h = origin_ha[c0]
        if h <= 0.0:
            continue
        r = int(radius_m[c0] / cell_size_m)
        r0, q0 = c0 // n_cols, c0 % n_cols
        m = (2 * r + 1) * (2 * r + 1)
        cells = np.empty(m, np.int64)
        keys = np.empty(m)
        k = 0
        for dr in range(-r, r + 1):
            rr = r0 + dr
            if rr < 0 or rr >= n_rows:
                continue
            for dq in range(-r, r + 1):
                qq = q0 + dq
                if qq < 0 or qq >= n_cols or dr * dr + dq * dq > r * r:
                    continue
                c = rr * n_cols + qq
                if blocked[c] or province[c] != province[c0] or cap[c] - stock[c] <= 1e-9:
                    continue
                cells[k] = c
                keys[k] = key[c]
                k += 1
        best = np.argsort(-keys[:k])
        for j in range(k):
            c = cells[best[j]]
            take = min(cap[c] - stock[c], h)
            stock[c] += take
            added[c] += take
            h -= take
            if h <= 0.0:
                break
        if h > 0.0:
            left_by_prov[province[c0]] += h


@njit(cache=True)
def _relocate(order, forced, cell, milieu, need, prov_f, u_dest, restricted, zone, large_only,
              large_park, cand, province, static, agg, price, penalty, b_agg, b_price, free,
              grid_left, n_rows, n_cols, r_near, bl_cells, bl_start, prov_max_free, max_scan,
              new_cell, status):
    """Move the firms in ``order`` one by one (status: 0 stays, 1 moved near, 2 moved in the
    province, 3 forced but no land (shortfall), 4 blocked by the grid). ``prov_max_free``: an
    upper bound of the largest free plot per province (a firm whose plot is larger skips both
    searches), made exact when a province scan finds nothing; the search
    of the province looks at ``max_scan`` of its business-land cells from a start of the
    firm's own."""
    m_max = (2 * r_near + 1) * (2 * r_near + 1)
    buf_c = np.empty(max(m_max, 1), np.int64)
    buf_u = np.empty(max(m_max, 1))
    for k in order:
        c0 = cell[k]
        h = need[k]
        if forced[k] and free[c0] >= 0.0:
            continue  # others made room: expands in place
        m = milieu[k]
        p = prov_f[k]
        if h > prov_max_free[p]:
            # no plot of the province is large enough: neither search can find one
            if forced[k]:
                status[k] = 3
            continue
        r0, q0 = c0 // n_cols, c0 % n_cols
        n = 0
        # firms that need no business land look at a lattice of at most 17 x 17 cells
        step = 1 if h > 0.0 else max(1, r_near // 8)
        for dr in range(-r_near, r_near + 1, step):
            rr = r0 + dr
            if rr < 0 or rr >= n_rows:
                continue
            for dq in range(-r_near, r_near + 1, step):
                qq = q0 + dq
                if qq < 0 or qq >= n_cols or dr * dr + dq * dq > r_near * r_near:
                    continue
                c = rr * n_cols + qq
                if c == c0 or not cand[c] or province[c] != p:
                    continue
                if h > 0.0 and free[c] < h:
                    continue
                if restricted[k] and not (zone[c] or (large_only[k] and large_park[c])):
                    continue
                if n >= buf_c.size:
                    continue
                buf_c[n] = c
                buf_u[n] = static[m, c] + b_agg * agg[m, c] - b_price * price[c] - penalty[c]
                n += 1
        where = 1
        if n == 0 and forced[k] and h > 0.0:
            where = 2
            length = bl_start[p + 1] - bl_start[p]
            scan = min(length, max_scan)
            if scan > buf_c.size:
                buf_c = np.empty(scan, np.int64)
                buf_u = np.empty(scan)
            first = int((u_dest[k] * 7919.0) % 1.0 * length)  # a start of its own
            for j in range(scan):
                c = bl_cells[bl_start[p] + (first + j) % length]
                if c == c0 or free[c] < h:
                    continue
                if restricted[k] and not (zone[c] or (large_only[k] and large_park[c])):
                    continue
                buf_c[n] = c
                buf_u[n] = static[m, c] + b_agg * agg[m, c] - b_price * price[c] - penalty[c]
                n += 1
            if n == 0:  # the bound was loose: make it exact, later firms skip the search
                top = 0.0  # never below zero: firms that need no land always search
                for j in range(bl_start[p], bl_start[p + 1]):
                    top = max(top, free[bl_cells[j]])
                prov_max_free[p] = top
        if n == 0:
            if forced[k]:
                status[k] = 3
            continue
        if h > 0.0 and grid_left[p] < h:
            status[k] = 4
            continue
        top = buf_u[0]
        for i in range(1, n):
            if buf_u[i] > top:
                top = buf_u[i]
        total = 0.0
        for i in range(n):
            buf_u[i] = np.exp(buf_u[i] - top)
            total += buf_u[i]
        x = u_dest[k] * total
        pick = n - 1
        acc = 0.0
        for i in range(n):
            acc += buf_u[i]
            if acc >= x:
                pick = i
                break
        c = buf_c[pick]
        free[c0] += h
        if free[c0] > prov_max_free[p]:
            prov_max_free[p] = free[c0]
        free[c] -= h
        if h > 0.0:
            grid_left[p] -= h
        new_cell[k] = c
        status[k] = where


def _cell_target(model: RegionModel, name: str) -> np.ndarray | None:
    values = model.policy.cell_targets.get(name)
    return None if values is None else values.ravel()


def _arrive_with_permits(model: RegionModel, bl: BusinessLand, arriving: np.ndarray,
                         blocked: np.ndarray) -> np.ndarray:
    """Put the provinces' arriving hectares on their best cells; a cell whose new land needs
    nitrogen room gets it only with a permit (:mod:`abm.nitrogen_room`, STIKSTOF-RUIMTE). A
    first trial fill asks the permits in the order of the fill; refused cells, and cells that
    would need room, are then skipped and the land goes to the next cells. Returns the
    hectares per province that found no place."""
    room = getattr(model, "nitrogen_room", None)
    if room is None or room.rules(model) is None:
        added = np.zeros(bl.stock_ha.size)
        left = _fill(bl.expansion_order, bl.expansion_start, arriving, bl.stock_ha, bl.cap_ha,
                     blocked, added)
        bl.arrived_ha += added
        if room is not None:
            cells = np.flatnonzero(added)
            room.add_emission("business", cells, added[cells])
        return left
    trial_stock, trial = bl.stock_ha.copy(), np.zeros(bl.stock_ha.size)
    _fill(bl.expansion_order, bl.expansion_start, arriving, trial_stock, bl.cap_ha, blocked,
          trial)
    order = bl.expansion_order[trial[bl.expansion_order] > 0]
    granted = room.permit(model, "business", order, trial[order])
    ok = order[granted]
    cap = bl.cap_ha.copy()
    cap[ok] = trial_stock[ok]  # a permit covers what was asked, no more
    barred = room.needs_room(model, "business", np.arange(cap.size),
                             np.maximum(bl.cap_ha - bl.stock_ha, 0.0))
    barred[order] = True
    barred[ok] = False
    added = np.zeros(bl.stock_ha.size)
    left = _fill(bl.expansion_order, bl.expansion_start, arriving, bl.stock_ha, cap,
                 blocked | barred, added)
    extra = added.copy()
    extra[ok] = 0.0  # the granted cells' emission is counted by the permit
    cells = np.flatnonzero(extra)
    room.add_emission("business", cells, extra[cells])
    bl.arrived_ha += added
    return left


def year_step(model: RegionModel, year: int) -> None:
    """One year of business land and firm relocation (after the jobs have grown)."""
    bl: BusinessLand = model.business_land
    firms = model.firms
    n_cells = bl.stock_ha.size
    n_prov = bl.demand_rate_ha.size
    policy = model.policy
    blocked = ~bl.candidate
    if "no_new_buildings" in policy.masks:
        blocked = blocked | policy.masks["no_new_buildings"].ravel()
    # not on land another claim took (homes, nature, solar, roads, defence, storage)
    claim = getattr(model, "land_claim", None)
    if claim is not None:
        blocked = blocked | ~np.isin(claim.ravel(), (0, 2)) | (
            model.nature_gained_ha.ravel() > 0)

    # 1. planned land arrives: the provinces' pipeline, then REV-COMPENSATION's land near
    # the transformed cells.
    bl.arrived_ha = np.zeros(n_cells)
    left = np.zeros(n_prov)
    comp = bl.compensation.pop(year, None)
    if comp is not None:
        _fill_near(comp[0], comp[1], bl.shape[1], bl.shape[0], bl.cell_size_m, bl.rank_key,
                   bl.province, bl.stock_ha, bl.cap_ha, blocked, bl.arrived_ha, left)
    room = getattr(model, "nitrogen_room", None)
    if room is not None and bl.arrived_ha.any():
        compensated = np.flatnonzero(bl.arrived_ha)
        room.add_emission("business", compensated, bl.arrived_ha[compensated])
    arriving = bl.pipeline.pop(year, np.zeros(n_prov)) + left
    before = bl.arrived_ha.sum()
    bl.delayed_ha = _arrive_with_permits(model, bl, arriving, blocked)
    if bl.delayed_ha.any():  # refused or without a place: tried again next year
        bl.pipeline[year + 1] = bl.pipeline.get(year + 1, np.zeros(n_prov)) + bl.delayed_ha
    bl.arrived_pipeline_ha = bl.arrived_ha.sum() - before

    # 2. transformation of inner-city business land into housing (BRUIS-TRANSFORMATIE).
    share = _cell_target(model, "business_land_transformation_share")
    share = np.zeros(n_cells) if share is None else np.nan_to_num(share)
    if AUTONOMOUS_TRANSFORMATION_SHARE_PER_YR > 0:
        inner = np.isin(model.landscape["urbanisation_class"].ravel(), INNER_CITY_CLASSES)
        share = np.maximum(share, AUTONOMOUS_TRANSFORMATION_SHARE_PER_YR * inner)
    keep = policy.masks.get("no_business_land_transformation")  # WERKLOC-BEHOUD
    if keep is not None:
        share = np.where(keep.ravel(), 0.0, share)
    transformed = np.clip(share, 0.0, 1.0) * bl.stock_ha
    bl.stock_ha -= transformed
    bl.transformed_ha = transformed
    bl.compensation_planned_ha = 0.0
    ratio = _cell_target(model, "business_land_compensation_ha_per_ha")
    if ratio is not None and transformed.any():
        ratio = np.nan_to_num(ratio)
        due = transformed * ratio
        if due.sum() > 0:
            radius = np.nan_to_num(_cell_target(model, "business_land_compensation_distance_m"))
            lead = _cell_target(model, "business_land_compensation_lead_yr")
            lead_yr = int(np.nanmax(lead[due > 0])) if lead is not None else 0
            when = year + max(lead_yr, 1)
            bl.compensation_planned_ha = float(due.sum())
            old = bl.compensation.get(when)
            if old is not None:
                due = due + old[0]
                radius = np.maximum(radius, old[1])
            bl.compensation[when] = (due, radius)

    # 3. land in use after growth; demand = growth of the land in use, per province.
    need = firms.jobs * bl.ha_per_job[firms.werkmilieu] * firms.active
    on = firms.active & (firms.cell >= 0)
    used = np.bincount(firms.cell[on], weights=need[on], minlength=n_cells)
    growth = np.bincount(bl.province, weights=used - bl.used_ha, minlength=n_prov)
    bl.demand_ha = np.maximum(growth, 0.0)
    bl.used_ha = used
    free = bl.stock_ha - used  # negative: overfull

    # 4. relocation: three uniforms per firm (voluntary, destination, order). Every
    # business-land firm of an overfull cell is a candidate to move; in the random order the
    # first ones move until the cell fits, the others expand in place (the kernel checks).
    u = model._firm_relocation_rng.random((3, firms.n))
    forced = on & (need > 0) & (free[np.maximum(firms.cell, 0)] < 0)
    voluntary = on & (u[0] < RELOCATION_SHARE_PER_YR)
    movers = np.flatnonzero(forced | voluntary)
    order = movers[np.argsort(u[2, movers], kind="stable")]
    zone = policy.zones.get("logistics_sites")
    threshold = _cell_target(model, "logistics_threshold_ha")
    restricted = np.zeros(firms.n, bool)
    large_only = np.zeros(firms.n, bool)
    if threshold is not None:
        at = threshold[np.maximum(firms.cell, 0)]
        restricted = (on & (firms.werkmilieu == DISTRIBUTIE)
                      & (need >= np.nan_to_num(at, nan=np.inf)))
        large = _cell_target(model, "logistics_large_park_only")
        if large is not None:
            large_only = restricted & (np.nan_to_num(large)[np.maximum(firms.cell, 0)] > 0)
    zone = np.zeros(n_cells, bool) if zone is None else zone.ravel()
    price = model.land_price_cell_eur_ha.ravel() / 1e5
    penalty = _cell_target(model, "building_penalty")
    penalty = np.zeros(n_cells) if penalty is None else np.nan_to_num(penalty)
    if (year - model.start_year) % AGGLOMERATION_UPDATE_YR == 0 and year > model.start_year:
        bl.agglomeration = agglomeration(firms, n_cells, bl.shape, bl.cell_size_m)
    grid_cap = policy.caps.get("grid_business_land_ha", GRID_CAPACITY_HA_PER_YR)
    stock_p = np.bincount(bl.province, weights=bl.stock_ha, minlength=n_prov)
    grid_left = grid_cap * stock_p / max(stock_p.sum(), 1e-9) if np.isfinite(grid_cap) else \
        np.full(n_prov, np.inf)
    bl_cells = np.flatnonzero(bl.stock_ha > 0)
    bl_cells = bl_cells[np.argsort(bl.province[bl_cells], kind="stable")]
    bl_start = np.searchsorted(bl.province[bl_cells], np.arange(n_prov + 1)).astype(np.int64)
    prov_max_free = np.zeros(n_prov)
    np.maximum.at(prov_max_free, bl.province[bl_cells], free[bl_cells])
    new_cell = firms.cell.copy()
    status = np.zeros(firms.n, np.int8)
    r_near = int(NEAR_RADIUS_M / bl.cell_size_m)
    _relocate(order, forced, firms.cell, firms.werkmilieu.astype(np.int64), need,
              firms.province_id.astype(np.int64), u[1], restricted, zone, large_only,
              bl.large_park, bl.candidate, bl.province,
              zoned_static_utility(model, bl.static_utility),  # REV-WERKMILIEUS
              bl.agglomeration, price, penalty, BETA_AGGLOMERATION, BETA_PRICE_PER_100KEUR,
              free, grid_left, bl.shape[0], bl.shape[1], r_near, bl_cells, bl_start,
              prov_max_free, PROVINCE_SEARCH_CELLS, new_cell, status)
    moved = (status == 1) | (status == 2)
    bl.relocated_firms = int(moved.sum())
    bl.relocated_jobs = float(firms.jobs[moved].sum())
    bl.shortfall_firms = int((status == 3).sum())
    bl.grid_blocked_firms = int((status == 4).sum())
    firms.cell[:] = new_cell
    bl.used_ha = bl.stock_ha - free
    bl.shortfall_ha = np.maximum(-free, 0.0)

    # 5. planning: free land plus pipeline should cover (lag + buffer) years of demand.
    bl.demand_rate_ha = ((1.0 - DEMAND_SMOOTHING) * bl.demand_rate_ha
                         + DEMAND_SMOOTHING * bl.demand_ha)
    factor = _cell_target(model, "business_land_plan_factor")
    plan_factor = np.ones(n_prov)
    if factor is not None:
        f = np.bincount(bl.province, weights=np.nan_to_num(factor, nan=0.0), minlength=n_prov)
        k = np.bincount(bl.province, weights=~np.isnan(factor), minlength=n_prov)
        plan_factor = np.where(k > 0, f / np.maximum(k, 1), 1.0)
    free_p = np.bincount(bl.province, weights=np.maximum(free, 0.0), minlength=n_prov)
    short_p = np.bincount(bl.province, weights=bl.shortfall_ha, minlength=n_prov)
    piped = sum(bl.pipeline.values(), np.zeros(n_prov))
    wanted = plan_factor * (bl.lag_yr + PLANNING_BUFFER_YR) * bl.demand_rate_ha + short_p
    bl.planned_ha = np.maximum(wanted - free_p - piped, 0.0)
    bl.planned_ha[0] = 0.0
    when = year + bl.lag_yr
    bl.pipeline[when] = bl.pipeline.get(when, np.zeros(n_prov)) + bl.planned_ha


def per_province_to_cells(bl: BusinessLand, values: np.ndarray) -> np.ndarray:
    """Spread a value per province id over the province's business land (by stock)."""
    stock_p = np.bincount(bl.province, weights=bl.stock_ha, minlength=values.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(stock_p[bl.province] > 0, bl.stock_ha / stock_p[bl.province], 0.0)
    return values[bl.province] * share
