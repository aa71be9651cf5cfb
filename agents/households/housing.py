"""The housing programme: how many homes are built each year, where, and on whose land.

Phase 5 of the year (after the farmland market). Design and sources: docs/households.md.

How many
    The national programme (:data:`BASELINE_HOMES_PER_YR`, or the rate an instrument sets in
    ``policy.targets["homes_built"]``, WONING-PROGRAMMA) is split over the provinces by the
    provincial housing agreements (:data:`PROVINCE_AGREEMENTS`, WONING-PROV-2030). A province
    builds no more than it needs: its latent households, plus last year's new households, less
    its free dwellings (beyond the frictional vacancy: what stands empty at the start).
Where (the ladder)
    1. NOVEX sites first where NOVEX-17-SITES is in force (zone ``novex_site``, its share
       ``policy.targets["novex_homes_per_yr"]``): inside the zone, infill at
       :data:`NOVEX_INFILL_FACTOR` times the normal release, then greenfield inside the zone;
    2. inbreiding (infill, ladder duurzame verstedelijking): every built-up cell may add
       a yearly share of its headroom (:func:`infill_release_per_yr`) below the density of its urbanisation class
       (:data:`INFILL_DENSITY_HOMES_HA`), plus the business land transformed into housing last
       year (:data:`TRANSFORMED_HOMES_HA`); homes go to the cells pro rata their capacity;
    3. greenfield: farmland cells within :data:`FRINGE_DISTANCE_M` of built-up land, whole cells
       at :data:`GREENFIELD_HOMES_HA`, in the order of the farmland ladder (LN-09 zones
       ``ladder_zware``, ``ladder_matige``, ``ladder_beperkte``, when in force: land with heavy
       agricultural challenges first, the best farmland last), then by accessibility less the
       policy's ``building_penalty``, ties broken by a draw per cell from the ``housing`` stream.
    The VISA strategies (004) change the split, the infill release, the greenfield order and
    greenfield's share in their regions (:func:`build`).
    Nothing is built where ``no_new_buildings``, ``water_storage`` or ``reserved`` masks hold,
    on Natura 2000, on farmland turned into nature, on land-bank land or on the farmstead of an
    active farm.
Whose land
    Developers buy the farm parcels of a greenfield cell at :data:`FRINGE_PRICE_FACTOR` times
    the cell's farmland price; the farm books the premium over the farmland price as equity
    (its land at farmland value becomes cash) and farms on with the rest. The cell becomes
    built-up land.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from agents.farmers import finance
from agents.farmers.gbd import cap_to_open_area
from environment.layers import AGRICULTURE, NATURE, URBAN

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Homes built per year without a programme: new-build completions of 2023, "ruim 73 duizend"
#: (CBS, January 2024; 2022: ruim 74,000), ../shared/reference/statistics/
#: housing_newbuild_points.csv. Explore 60,000-90,000.
BASELINE_HOMES_PER_YR = 73_000.0
#: Provincial housing agreements of 13 October 2022 (homes through 2030; ZH gross 2022-2030;
#: GR, DR and LI without a year), 003_96b59ff8675cf4bb.txt:L3071-3074 and the provincial pages
#: (instruments.csv, WONING-PROV-2030). Used as each province's share of the national programme.
PROVINCE_AGREEMENTS: dict[str, float] = {
    "PV20": 28_359, "PV21": 17_500, "PV22": 13_631, "PV23": 42_300, "PV24": 39_193,
    "PV25": 100_000, "PV26": 83_500, "PV27": 183_600, "PV28": 235_460, "PV29": 16_500,
    "PV30": 130_600, "PV31": 26_550,
}
#: ASSUMPTION: highest density (homes per ha) infill may reach, by GHS urbanisation class (30
#: urban centre, 23 dense, 22 semi-dense, 21 suburban, 13 rural cluster; others 10); explore
#: each 0.5-1.5x.
INFILL_DENSITY_HOMES_HA: dict[int, float] = {30: 90.0, 23: 60.0, 22: 40.0, 21: 30.0, 13: 20.0}
INFILL_DENSITY_OTHER_HOMES_HA = 10.0
#: Share of the homes built without a programme that went into existing built-up land: 46% of the
#: growth of the stock 2000-2012 was inside bestaand bebouwd gebied (CBS for the Monitor
#: Infrastructuur en Ruimte 2014, news 2015/06). The yearly infill release is calibrated at the
#: start so that the run's infill capacity is this share of its baseline programme; explore
#: 0.3-0.6.
INFILL_SHARE = 0.46
#: ASSUMPTION: factor on the infill release inside NOVEX sites (large transformation areas such
#: as Haven-Stad and Groot Merwede); explore 3-20.
NOVEX_INFILL_FACTOR = 10.0
#: ASSUMPTION: homes per ha of greenfield (VINEX districts about 30-35 homes per ha gross);
#: explore 20-50.
GREENFIELD_HOMES_HA = 35.0
#: ASSUMPTION: homes per ha of business land transformed into mixed housing (001); explore 40-100.
TRANSFORMED_HOMES_HA = 60.0
#: ASSUMPTION: greenfield is built within this distance of built-up land (m; at least one cell,
#: so at 1000 m only values from 1414 m, the diagonal neighbour, change anything); explore
#: 250-1500.
FRINGE_DISTANCE_M = 500.0
#: ASSUMPTION: price developers pay for farmland at the urban fringe, times the farmland price
#: (ruwe bouwgrond with its expectation value); explore 2-6.
FRINGE_PRICE_FACTOR = 3.0
#: Mask kinds where nothing new is built.
NO_BUILD_MASKS: tuple[str, ...] = ("no_new_buildings", "water_storage", "reserved")
#: Farmland classes of the LN-09 ladder, in order (zone names ``ladder_<class>``).
LADDER_CLASSES: tuple[str, ...] = ("zware", "matige", "beperkte")
#: Cell targets the VISA strategies (abm.policy.instruments.wonen, 004) write and :func:`build`
#: reads; absent, the programme is as without VISA. ``visa_infill_factor``: multiplier on the
#: infill release (NaN = 1); ``visa_share_factor``: multiplier on a region's share of the
#: national programme (NaN = 1); ``visa_greenfield_penalty``: utility units taken off the
#: greenfield order inside the cell's COROP region (NaN = 0); ``visa_greenfield_cap_share``:
#: greenfield at most this share of the homes built in a year in the cells of one province with
#: this cap (NaN = no cap). docs/households.md, "VISA strategies (004)".
VISA_INFILL_FACTOR = "visa_infill_factor"
VISA_SHARE_FACTOR = "visa_share_factor"
VISA_GREENFIELD_PENALTY = "visa_greenfield_penalty"
VISA_GREENFIELD_CAP_SHARE = "visa_greenfield_cap_share"
#: Prefix of the per-province targets (``policy.targets["homes_built_province_PV27"]``, homes
#: a year) that WONING-PROV-2030 and WONING-WOONDEALS (abm.policy.instruments.stad) write; where
#: one is set, it replaces that province's share of the national programme
#: (docs/instruments_stad.md).
PROVINCE_HOMES_TARGET = "homes_built_province_"


@dataclass
class HousingYear:
    """What the programme built this year, per flat cell.

    Attributes
    ----------
    infill, greenfield : ndarray of float64
        Homes built inside built-up land and on farmland turned into built-up land.
    converted_ha : ndarray of float64
        Farmland (farm parcels) developers bought.
    unbuilt_by_province : ndarray of float64
        Homes a province was to build this year (its part of the programme, at most its need)
        that found no place (no infill capacity and no greenfield cell left outside the masks),
        by province id: the unmet housing claim, reported rather than dropped.
    """

    infill: np.ndarray
    greenfield: np.ndarray
    converted_ha: np.ndarray
    unbuilt_by_province: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def empty(cls, n_cells: int) -> HousingYear:
        return cls(np.zeros(n_cells), np.zeros(n_cells), np.zeros(n_cells))

    @property
    def homes(self) -> np.ndarray:
        return self.infill + self.greenfield


def province_targets(model: RegionModel, need: np.ndarray) -> np.ndarray:
    """Homes each province (by id) builds this year: its share of the national programme (or
    its own rate ``policy.targets["homes_built_province_<code>"]`` where an instrument set
    one), at most what it needs (``need`` per province id, homes).

    Under a VISA ``visa_share_factor`` (VISA-INITIEREN) each province's share is multiplied by
    its households-weighted mean factor (:func:`share_factor_by_province`) and the shares are
    renormalised, so the national programme stays the same; the province may then build up to
    its need times that factor (the seed: a larger share than current size and autonomous
    growth alone)."""
    out, cap = _programme(model, need)
    return np.minimum(out, cap)


def _programme(model: RegionModel, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each province's share of the national programme and the most it may build (its need,
    times its VISA share factor where above 1), by province id."""
    codes = model.landscape.codes("province")
    national = model.policy.targets.get("homes_built", BASELINE_HOMES_PER_YR)
    total = sum(PROVINCE_AGREEMENTS.values())
    out = np.zeros(len(codes) + 1)
    for pid, code in enumerate(codes, start=1):
        out[pid] = national * PROVINCE_AGREEMENTS.get(code, 0.0) / total
        # WONING-PROV-2030 / WONING-WOONDEALS: a province's own yearly rate, where one is set
        own = model.policy.targets.get(PROVINCE_HOMES_TARGET + code)
        if own is not None:
            out[pid] = own
    cap = np.maximum(need, 0.0)
    factor = share_factor_by_province(model)
    if factor is not None:
        weighted = out * factor
        out = weighted * out.sum() / max(weighted.sum(), 1e-300)
        cap = cap * np.maximum(factor, 1.0)
    return out, cap


def _visa(model: RegionModel, name: str, default: float) -> np.ndarray | None:
    """VISA cell target ``name`` (flat, NaN replaced by ``default``), None when unset."""
    values = model.policy.cell_targets.get(name)
    if values is None:
        return None
    values = np.ravel(values)
    return np.where(np.isnan(values), default, values)


def share_factor_by_province(model: RegionModel) -> np.ndarray | None:
    """Households-weighted mean of ``visa_share_factor`` per province id (1 where a province
    has no households in the run), None when no VISA instrument set it."""
    factor = _visa(model, VISA_SHARE_FACTOR, 1.0)
    if factor is None:
        return None
    n_prov = len(model.landscape.codes("province")) + 1
    prov = model.landscape["province_id"].ravel()
    hh = np.maximum(np.ravel(model.households), 0.0)
    weight = np.bincount(prov, weights=hh, minlength=n_prov)
    weighted = np.bincount(prov, weights=hh * factor, minlength=n_prov)
    return np.where(weight > 0, weighted / np.maximum(weight, 1e-300), 1.0)


def infill_release_per_yr(model: RegionModel) -> float:
    """Share of the infill headroom released per year: :data:`INFILL_SHARE` of the run's
    baseline programme over its headroom at the start."""
    headroom = infill_capacity(model, 1.0, transformed=False)
    codes = model.landscape.codes("province")
    present = np.unique(model.landscape["province_id"][model.landscape["land_mask"]])
    share = sum(PROVINCE_AGREEMENTS.get(codes[p - 1], 0.0) for p in present if p > 0)
    homes = BASELINE_HOMES_PER_YR * share / sum(PROVINCE_AGREEMENTS.values())
    return INFILL_SHARE * homes / max(headroom.sum(), 1.0)


def infill_capacity(model: RegionModel, release: float, transformed: bool = True) -> np.ndarray:
    """Homes each built-up cell may add this year (flat): ``release`` of the headroom below the
    density of its urbanisation class, plus last year's transformed business land."""
    land = model.landscape
    urb = land["urbanisation_class"].ravel()
    lut = np.full(256, INFILL_DENSITY_OTHER_HOMES_HA)
    for cls, density in INFILL_DENSITY_HOMES_HA.items():
        lut[cls] = density
    cap = lut[urb] * land.grid.cell_area_ha
    headroom = np.maximum(cap - model.dwellings.ravel(), 0.0)
    built_up = model.land_use.ravel() == URBAN
    out = np.where(built_up, release * headroom, 0.0)
    ha = getattr(model, "transformed_business_land_ha", None)
    if transformed and ha is not None:
        out = out + np.ravel(ha) * TRANSFORMED_HOMES_HA
    return out


def buildable(model: RegionModel) -> np.ndarray:
    """Cells (flat bool) where something may be built this year."""
    land = model.landscape
    ok = land["land_mask"].ravel() & (land["province_id"].ravel() > 0)
    ok &= land["natura2000_id"].ravel() == 0
    for kind in NO_BUILD_MASKS:
        if kind in model.policy.masks:
            ok &= ~model.policy.masks[kind].ravel()
    return ok


def greenfield_candidates(model: RegionModel, ok: np.ndarray) -> np.ndarray:
    """Farmland cells (flat bool) at the urban fringe where greenfield may go."""
    from environment.distance import within_m

    land_use = model.land_use
    size = model.landscape.grid.cell_size_m
    near = within_m(land_use == URBAN, max(FRINGE_DISTANCE_M, size), size)
    cand = ok & near.ravel() & (land_use.ravel() == AGRICULTURE)
    cand &= model.nature_gained_ha.ravel() <= 0
    cand &= model.land_bank.stock_ha <= 0
    cand &= model.land_claim.ravel() == 0  # not taken by another claim (business, solar, ...)
    farms = model.farms
    steads = farms.farmstead_cell[farms.active & (farms.farmstead_cell >= 0)]
    cand[steads] = False
    return cand


def ladder_rank(model: RegionModel, n_cells: int) -> np.ndarray:
    """LN-09 class per cell (0 zware, 1 matige, 2 beperkte) where the ladder is in force, else
    0 everywhere (no order by class)."""
    rank = np.zeros(n_cells, dtype=np.int8)
    for k, label in enumerate(LADDER_CLASSES):
        zone = model.policy.zones.get(f"ladder_{label}")
        if zone is not None:
            rank[zone.ravel()] = k
    return rank


def _fill(capacity: np.ndarray, cells: np.ndarray, homes: float) -> np.ndarray:
    """Homes per cell of ``cells``: pro rata their capacity, at most the capacity."""
    total = capacity[cells].sum()
    if total <= 0 or homes <= 0:
        return np.zeros(cells.size)
    return capacity[cells] * min(1.0, homes / total)


def build(model: RegionModel, need: np.ndarray, score: np.ndarray,
          rng: np.random.Generator) -> HousingYear:
    """Build this year's homes (see the module docstring); update ``model.dwellings``,
    ``model.land_use`` and the farms in place.

    The VISA cell targets (:data:`VISA_INFILL_FACTOR` and the others) change the programme
    where an instrument set them: the infill release per cell; the provinces' shares
    (:func:`province_targets`), the uplift built first in the uplifted cells (after the NOVEX
    sites); the greenfield order inside each COROP region (a region keeps its places in the
    province's order, its own cells are reordered by the penalised key); and a cap on
    greenfield as a share of the homes built in a capped part of a province. Provinces with a
    capped part build first; what their caps keep from being built goes to the other provinces
    with need left, pro rata their shares of the programme.

    Parameters
    ----------
    need : ndarray
        Homes each province needs (by province id).
    score : ndarray
        Attractiveness of every cell for new housing (flat; higher first).
    """
    land = model.landscape
    n_cells = land.grid.n_rows * land.grid.n_cols
    out = HousingYear.empty(n_cells)
    tie = rng.random(n_cells)  # one draw per cell per year, whatever is built
    programme, most = _programme(model, need)
    targets = np.minimum(programme, most)
    if targets.sum() <= 0:
        if getattr(model, "nitrogen_room", None) is not None:
            model.nitrogen_room.skip("housing")
        return out
    province = land["province_id"].ravel()
    ok = buildable(model)
    capacity = np.where(ok, infill_capacity(model, model.infill_release_per_yr), 0.0)
    infill_factor = _visa(model, VISA_INFILL_FACTOR, 1.0)
    if infill_factor is not None:
        capacity = capacity * np.maximum(infill_factor, 0.0)
    novex = model.policy.zones.get("novex_site")
    novex = np.zeros(n_cells, dtype=bool) if novex is None else novex.ravel() & ok
    novex_homes = model.policy.targets.get("novex_homes_per_yr", 0.0)
    penalty = model.policy.cell_targets.get("building_penalty")
    penalty = np.zeros(n_cells) if penalty is None else np.nan_to_num(penalty.ravel())
    key = score - penalty
    visa_penalty = _visa(model, VISA_GREENFIELD_PENALTY, 0.0)
    corop = land["corop_id"].ravel()
    share_factor = _visa(model, VISA_SHARE_FACTOR, 1.0)
    cap_share = _visa(model, VISA_GREENFIELD_CAP_SHARE, np.nan)
    if cap_share is not None and np.isnan(cap_share).all():
        cap_share = None
    # greenfield caps per province and cap share (a strategy's part of a province); group 0
    # holds the uncapped cells
    group = None
    if cap_share is not None:
        capped = np.flatnonzero(~np.isnan(cap_share))
        code = (province[capped].astype(np.int64) * 2_000_000
                + np.round(cap_share[capped] * 1_000_000).astype(np.int64))
        _, inverse = np.unique(code, return_inverse=True)
        group = np.zeros(n_cells, dtype=np.intp)
        group[capped] = inverse.ravel() + 1
        n_groups = int(group[capped].max()) + 1
        share = np.bincount(group[capped], weights=cap_share[capped],
                            minlength=n_groups) / np.maximum(np.bincount(
                                group[capped], minlength=n_groups), 1)
        share = np.clip(share, 0.0, 1.0)
        green_per_infill = np.where(share < 1.0, share / np.maximum(1.0 - share, 1e-12),
                                    np.inf)
        green_per_infill[0] = np.inf
    candidates = greenfield_candidates(model, ok)
    rank = ladder_rank(model, n_cells)
    per_cell = GREENFIELD_HOMES_HA * land.grid.cell_area_ha
    novex_total = novex.sum()
    hh = np.maximum(np.ravel(model.households), 0.0) if share_factor is not None else None

    def greenfield_room(order: np.ndarray) -> np.ndarray:
        """Homes each cell of ``order`` may take under the greenfield caps, in order."""
        room = np.full(order.size, per_cell)
        g = group[order]
        infill = np.bincount(group[capped], weights=out.infill[capped],
                             minlength=green_per_infill.size)
        green = np.bincount(group[capped], weights=out.greenfield[capped],
                            minlength=green_per_infill.size)
        finite = np.isfinite(green_per_infill)
        budget = np.where(finite, np.maximum(np.where(finite, green_per_infill, 0.0) * infill
                                             - green, 0.0), np.inf)
        for k in np.unique(g[g > 0]):
            sel = np.flatnonzero(g == k)
            before = per_cell * np.arange(sel.size)
            room[sel] = np.clip(budget[k] - before, 0.0, per_cell)
        return room

    def place(left: float, plan: list[tuple[np.ndarray, float, float]]) -> float:
        """Build ``left`` homes of a province by ``plan`` (zone, quota, infill factor, in
        order; the last zone is the province); returns the homes built."""
        built = 0.0
        for zone, quota, factor in plan:
            quota = min(quota, left)
            if quota <= 0:
                continue
            cells = np.flatnonzero(zone & (capacity > 0))
            homes = _fill(capacity * factor, cells, quota)
            out.infill[cells] += homes
            capacity[cells] = np.maximum(capacity[cells] - homes, 0.0)
            quota -= homes.sum()
            left -= homes.sum()
            built += homes.sum()
            green = np.flatnonzero(zone & candidates)
            if quota > 0 and green.size:
                order = green[np.lexsort((tie[green], -key[green], rank[green]))]
                if visa_penalty is not None:
                    order = _reorder_within_regions(
                        order, green[np.lexsort((tie[green], visa_penalty[green] - key[green],
                                                 rank[green]))], corop)
                if group is None:
                    n = int(min(order.size, np.ceil(quota / per_cell - 1e-9)))
                    chosen = order[:n]
                    homes = np.full(n, per_cell)
                    if n:
                        homes[-1] = quota - per_cell * (n - 1)
                    homes = np.clip(homes, 0.0, per_cell)
                else:
                    room = greenfield_room(order)
                    keep = room > 0
                    order, room = order[keep], room[keep]
                    before = np.cumsum(room) - room
                    n = int((before < quota - 1e-9).sum())
                    chosen = order[:n]
                    homes = np.minimum(room[:n], quota - before[:n])
                out.greenfield[chosen] += homes
                candidates[chosen] = False
                left -= homes.sum()
                built += homes.sum()
        return built

    provinces = np.flatnonzero(targets > 0)
    first = np.zeros(targets.size, dtype=bool)
    if group is not None:
        # provinces with capped regions first; homes their caps keep from being built go to the
        # other provinces that have need left, pro rata their shares of the programme
        first[province[capped]] = True
        provinces = np.concatenate([provinces[first[provinces]], provinces[~first[provinces]]])
    built = np.zeros(targets.size)
    moved = False
    for pid in provinces:
        if group is not None and not first[pid] and not moved:
            moved = True
            short = np.maximum(targets - built, 0.0)[first].sum()
            room = np.where(first, 0.0, np.maximum(most - targets, 0.0))
            weight = np.where(room > 0, programme, 0.0)
            if short > 1e-6 and weight.sum() > 0:
                targets = targets + np.minimum(room, short * weight / weight.sum())
        in_prov = province == pid
        plan: list[tuple[np.ndarray, float, float]] = []
        if novex_total and novex_homes > 0:
            zone = novex & in_prov
            plan.append((zone, min(targets[pid], novex_homes * zone.sum() / novex_total),
                         NOVEX_INFILL_FACTOR))
        if share_factor is not None:
            # VISA-INITIEREN: the uplift of the province's share goes to the uplifted cells
            zone = in_prov & (share_factor > 1.0)
            lifted = (hh[zone] * (share_factor[zone] - 1.0)).sum()
            if lifted > 0:
                plan.append((zone, targets[pid] * lifted / max(
                    (hh[in_prov] * share_factor[in_prov]).sum(), 1e-300), 1.0))
        plan.append((in_prov, np.inf, 1.0))
        built[pid] = place(targets[pid], plan)
    lost = _permits(model, out, key, province, built.size, capacity, candidates, per_cell)
    if lost.any():  # refused homes go elsewhere in the province, where they need no room
        built -= lost
        first_pass = out.homes
        for pid in np.flatnonzero((targets - built > 1e-6) & (lost > 0)):
            built[pid] += place(targets[pid] - built[pid], [(province == pid, np.inf, 1.0)])
        extra = out.homes - first_pass
        cells = np.flatnonzero(extra > 0)
        granted = model.nitrogen_room.permit(model, "housing", cells, extra[cells])
        assert granted.all(), "the second pass builds only where no room is needed"
    out.unbuilt_by_province = np.maximum(targets - built, 0.0)
    converted = np.flatnonzero(out.greenfield > 0)
    if converted.size:
        # the land the homes need at greenfield density: all a whole cell's farmland, part of
        # it where the year's last cell is built only in part
        want = np.zeros(n_cells)
        want[converted] = out.greenfield[converted] / GREENFIELD_HOMES_HA
        out.converted_ha = take_farmland(model, want)
        model.land_use.ravel()[converted] = URBAN
    model.dwellings += out.homes.reshape(model.dwellings.shape)
    return out


def _permits(model: RegionModel, out: HousingYear, key: np.ndarray, province: np.ndarray,
             n_provinces: int, capacity: np.ndarray, candidates: np.ndarray,
             per_cell: float) -> np.ndarray:
    """Ask nitrogen room for this year's homes, cell by cell in the developers' order
    (:mod:`abm.nitrogen_room`, STIKSTOF-RUIMTE); undo the refused ones and keep every cell that
    got a permit, was refused, or would need room from the rest of the year's building (the
    second pass of :func:`build` looks elsewhere). Returns the homes undone per province id."""
    room = getattr(model, "nitrogen_room", None)
    lost = np.zeros(n_provinces)
    if room is None:
        return lost
    homes = out.infill + out.greenfield
    cells = np.flatnonzero(homes > 0)
    cells = cells[np.argsort(-key[cells], kind="stable")]
    granted = room.permit(model, "housing", cells, homes[cells])
    if room.rules(model) is None:
        return lost
    denied = cells[~granted]
    lost += np.bincount(province[denied], weights=homes[denied], minlength=n_provinces)
    out.infill[denied] = 0.0
    out.greenfield[denied] = 0.0
    size = np.where(candidates, np.maximum(capacity, per_cell), capacity)
    barred = room.needs_room(model, "housing", np.arange(size.size), size)
    barred[cells] = True
    capacity[barred] = 0.0
    candidates[barred] = False
    return lost


def _reorder_within_regions(order: np.ndarray, preferred: np.ndarray,
                            region: np.ndarray) -> np.ndarray:
    """``order`` with the cells of every region (``region`` per flat cell) put into the
    region's own places in the order in which ``preferred`` (the same cells) lists them: a
    VISA preference reorders greenfield inside a region without moving it to other regions."""
    slots = np.argsort(region[order], kind="stable")
    mine = np.argsort(region[preferred], kind="stable")
    out = np.empty_like(order)
    out[slots] = preferred[mine]
    return out


def take_farmland(model: RegionModel, want_ha: np.ndarray) -> np.ndarray:
    """Developers buy up to ``want_ha`` (per flat cell) of the farm parcels on each cell, every
    parcel of the cell pro rata, at :data:`FRINGE_PRICE_FACTOR` times the cell's farmland
    price; the farms book the premium over the farmland price as equity, their areas by use
    shrink pro rata, and green-blue veining stays on the land they keep. Returns the hectares
    bought per cell (what the farms held there, at most)."""
    farms = model.farms
    n_cells = want_ha.size
    on = np.flatnonzero(want_ha[farms.parcel_cell] > 0)  # the parcels of the wanted cells
    cell, farm = farms.parcel_cell[on], farms.parcel_farm[on]
    held = np.bincount(cell, weights=farms.parcel_ha[on], minlength=n_cells)
    take = np.minimum(np.maximum(want_ha, 0.0), held)
    if take.sum() <= 0:
        return np.zeros(n_cells)
    fraction = np.where(held > 0, take / np.maximum(held, 1e-300), 0.0)[cell]
    sold = farms.parcel_ha[on] * fraction
    price = model.land_price_cell_eur_ha.ravel()[cell]
    premium_keur = (FRINGE_PRICE_FACTOR - 1.0) * price * sold / 1000.0
    finance.book(farms, np.bincount(farm, weights=premium_keur, minlength=farms.n))
    per_farm = np.bincount(farm, weights=sold, minlength=farms.n)
    share = per_farm / np.maximum(farms.total_area_ha, 1e-12)
    farms.area_ha = farms.area_ha * (1.0 - np.minimum(share, 1.0))[:, None]
    parcel_ha = farms.parcel_ha.copy()
    parcel_ha[on] -= sold
    farms.parcel_ha = parcel_ha
    gone = on[fraction >= 1.0 - 1e-12]
    if gone.size:
        keep = np.ones(farms.parcel_ha.size, dtype=bool)
        keep[gone] = False
        farms.parcel_farm = farms.parcel_farm[keep]
        farms.parcel_cell = farms.parcel_cell[keep]
        farms.parcel_ha = farms.parcel_ha[keep]
    cap_to_open_area(farms)
    return take


def buy_for_business_land(model: RegionModel) -> np.ndarray:
    """Developers buy the farmland that this year's new business land takes (per flat cell,
    ha): on farmland cells, the business land that arrived beyond the cell's land no farm
    holds."""
    land = model.landscape
    arrived = getattr(model.business_land, "arrived_ha", None)
    n_cells = land.grid.n_rows * land.grid.n_cols
    if arrived is None or not np.any(arrived):
        return np.zeros(n_cells)
    farms = model.farms
    held = np.bincount(farms.parcel_cell, weights=farms.parcel_ha, minlength=n_cells)
    stock = model.business_land.stock_ha
    free = land.grid.cell_area_ha - held - (stock - arrived)  # room no farm and no park uses
    want = np.where(model.land_use.ravel() == AGRICULTURE,
                    np.maximum(arrived - np.maximum(free, 0.0), 0.0), 0.0)
    return take_farmland(model, want)


def is_nature(model: RegionModel) -> np.ndarray:
    """Nature cells (grid shape): Natura 2000 and dune land, and farmland turned into nature."""
    return (model.land_use == NATURE) | (model.nature_gained_ha > 0)
