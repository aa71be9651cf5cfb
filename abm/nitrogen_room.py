"""Shared nitrogen room: one deposition budget on nitrogen-sensitive Natura 2000 that farms,
housing, business land, infrastructure, energy and defence projects draw on.

Units
    Room is deposition on the land of nitrogen-sensitive Natura 2000, summed over that land:
    mol N per year (``mol_yr``). A farm's share is ``RegionModel.farm_n2000_contribution_mol``;
    a project's is its emission (kg N/yr, :data:`EMISSION_KG_N`) times the share of a kg
    emitted on its cell that deposits there (``RegionModel._n2000_exposure``, the deposition
    kernel) in mol.
Room freed (every year, in every run)
    A farm whose contribution falls (it stops, is bought out, relocates, extensifies, takes
    low-emission technology) frees the fall, counted in the province of its farmstead. A farm
    whose contribution rises draws on the room of its province first (agriculture keeps its
    rights; ``room_drawn_by_farms``).
Who gets it (STIKSTOF-RUIMTE)
    Nature first: while a pool's share of nitrogen-sensitive area below the KDW is behind the
    path to ``target_share_below_kdw`` (74% in 2030, 003:L417-421) ``nature_share_behind`` of
    the freed room returns to nature (1 is the strict additionality rule: reductions needed for
    the conservation goals cannot be handed out); once on track, ``skim_share`` of it does
    (30%, the skim of extern salderen).
    Government's working capital (``werkkapitaal``, 003:L6075-6091) is an advance of room in
    the first year, paid back from later freed room before anything is handed out. The rest
    is room available in the pool, handed out to projects by the scenario's ``priority``.
Permits
    A project (this year's homes on a cell, a cell's new business land, a land claim's cell)
    needs room when its peak deposition on any N-sensitive cell (its emission times the
    kernel's deposition at the distance to the nearest such cell) is above
    ``threshold_mol_ha_yr`` (0.005 mol/ha/yr, AERIUS's ondergrens). Projects ask in the
    order their sector places them; a sector may use the room of its pool less the room that
    sectors of higher priority placed later in the year asked for last year (their
    reservation). A project that does not fit is refused (a blocked permit) and its sector
    looks elsewhere or reports the claim unmet.
Pools
    ``province`` (spatially differentiated: room freed in a province stays there, the
    gebiedsgerichte aanpak of 003 and PBL's advice in 004) or ``national`` (generic: one pool).

Without STIKSTOF-RUIMTE no permit needs room (the model's baseline); room freed and returned
to nature are reported all the same, and projects always add their deposition.
See docs/nitrogen.md ("Shared nitrogen room").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from environment.nitrogen import KERNEL, NH3_PER_N

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Sectors that draw on the room, in the default priority order of STIKSTOF-RUIMTE.
SECTORS: tuple[str, ...] = ("infrastructure", "housing", "energy", "defence", "business")
#: mol N in a kg N.
MOL_N_PER_KG_N = 1000.0 / 14.007

#: ASSUMPTION: the largest project whose deposition is tested against the threshold (ha): a
#: 250 m cell; a larger cell's homes or land count as several projects; explore 2-25.
PROJECT_HA = 6.25
#: ASSUMPTION: NOx (as N) of a new home in use, mostly the traffic it brings within the
#: distance AERIUS counts (about 1 kg NOx/yr); explore 0.1-1.
HOME_EMISSION_KG_N_YR = 0.3
#: ASSUMPTION: NOx and NH3 (as N) of a hectare of new business land (traffic, heating,
#: processes of a mixed park); explore 5-200.
BUSINESS_EMISSION_KG_N_HA_YR = 30.0
#: ASSUMPTION: traffic NOx (as N) of a hectare of new road (a motorway km of about 6 ha with
#: 20,000 extra vehicles a day); explore 20-400.
INFRASTRUCTURE_EMISSION_KG_N_HA_YR = 100.0
#: ASSUMPTION: energy projects (solar fields, substations), maintenance traffic; explore 0-5.
ENERGY_EMISSION_KG_N_HA_YR = 1.0
#: ASSUMPTION: military terrain in use (vehicles, exercises); explore 5-100.
DEFENCE_EMISSION_KG_N_HA_YR = 20.0


def emission_kg_n(sector: str) -> float:
    """Emission of a unit of ``sector`` (kg N/yr per home, or per ha)."""
    return {"housing": HOME_EMISSION_KG_N_YR, "business": BUSINESS_EMISSION_KG_N_HA_YR,
            "infrastructure": INFRASTRUCTURE_EMISSION_KG_N_HA_YR,
            "energy": ENERGY_EMISSION_KG_N_HA_YR,
            "defence": DEFENCE_EMISSION_KG_N_HA_YR}[sector]


def peak_mol_ha_yr_per_kg_n(distance_m: np.ndarray) -> np.ndarray:
    """Deposition (mol N/ha/yr) a kg N/yr emitted at ``distance_m`` from a cell gives there:
    the density of the deposition kernel (:data:`environment.nitrogen.KERNEL`)."""
    d = np.asarray(distance_m, dtype=np.float64)
    out = np.zeros_like(d)
    for comp in KERNEL:
        out += comp.share * np.exp(-d / comp.length_m) / (2.0 * np.pi * comp.length_m ** 2)
    return out * 1e4 * MOL_N_PER_KG_N  # per m2 -> per ha, kg N -> mol N


def share_below_kdw(model: RegionModel, pool_of_cell: np.ndarray, n_pools: int) -> np.ndarray:
    """Share of the nitrogen-sensitive land of each pool with deposition at most the KDW
    (NaN where a pool has none)."""
    sens = model.n2000_sensitive.ravel()
    below = sens & (model.deposition_mol_ha_yr.ravel() <= model.kdw_mol_ha_yr.ravel())
    pool = pool_of_cell[sens]
    area = np.bincount(pool, minlength=n_pools).astype(np.float64)
    ok = np.bincount(pool_of_cell[below], minlength=n_pools)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(area > 0, ok / np.maximum(area, 1), np.nan)


@njit(cache=True)
def _grant(cells, need, pool_of_cell, available):  # pragma: no cover - numba
    """Grant each project (in order) whose need fits in its pool's room; returns granted."""
    granted = np.zeros(cells.size, dtype=np.bool_)
    for i in range(cells.size):
        p = pool_of_cell[cells[i]]
        if need[i] <= available[p] + 1e-9:
            available[p] -= need[i]
            granted[i] = True
    return granted


class NitrogenRoom:
    """The ledger of nitrogen room: pools, what was freed, returned, handed out and refused.

    Per-cell arrays (flat) hold this year's flows where they happened, so that regions sum
    them: ``freed_mol`` and ``to_nature_mol`` at the farmsteads, ``allocated_mol`` and
    ``blocked`` at the projects, ``available_mol`` spread over each pool's N-sensitive land.
    """

    def __init__(self, model: RegionModel) -> None:
        land = model.landscape
        self.n_cells = land.grid.n_rows * land.grid.n_cols
        self.province = land["province_id"].ravel().astype(np.int64)
        self.n_provinces = len(land.codes("province")) + 1
        self.exposure = model._n2000_exposure  # kg deposited on N-sensitive land per kg emitted
        #: Deposition density a kg N/yr emitted on each cell gives at the nearest N-sensitive
        #: cell (mol/ha/yr per kg N/yr), computed once.
        self.density = peak_mol_ha_yr_per_kg_n(model.distance_to_natura2000_m().ravel())
        #: A project is at most PROJECT_HA: the threshold is tested on the emission of that
        #: much of a larger cell, so that it does not depend on the grid.
        self.project_scale = min(1.0, PROJECT_HA / land.grid.cell_area_ha)
        self.exposure_share = model.n2000_exposure_share_by_province
        self.pooling = "province"
        self.available = np.zeros(self.n_provinces)  # by pool (province id, or 0: national)
        self.debt = np.zeros(self.n_provinces)  # working capital to pay back
        self.capital_given = False
        self.capital = np.zeros(self.n_provinces)  # working capital given, by pool
        self.repaid = np.zeros(self.n_provinces)  # working capital paid back so far, by pool
        self.start_share = share_below_kdw(model, self.province, self.n_provinces)
        self.start_share_nl = float(share_below_kdw(
            model, np.zeros(self.n_cells, np.int64), 1)[0])
        self.last_demand = {s: np.zeros(self.n_provinces) for s in SECTORS}
        self.demand = {s: np.zeros(self.n_provinces) for s in SECTORS}
        self.served: set[str] = set()
        self.previous_farm_mol = model.farm_n2000_contribution_mol.copy()
        #: kg N/yr emitted by the projects built so far, per cell.
        self.project_emission_kg_n = np.zeros(self.n_cells)
        self._new_year()

    def _new_year(self) -> None:
        z = np.zeros
        self.freed_mol = z(self.n_cells)
        self.drawn_by_farms_mol = z(self.n_cells)
        self.to_nature_mol = z(self.n_cells)
        self.allocated_mol = {s: z(self.n_cells) for s in SECTORS}
        self.blocked = {s: z(self.n_cells) for s in SECTORS}
        self.granted = z(self.n_cells)
        self.repaid_mol = z(self.n_cells)

    # -- the rules of the year --------------------------------------------------------------

    def rules(self, model: RegionModel) -> dict | None:
        """This year's STIKSTOF-RUIMTE rules (None: no permit needs room)."""
        return model.policy.rules.get("nitrogen_room")

    def pool_of_cell(self) -> np.ndarray:
        return self.province if self.pooling == "province" else np.zeros_like(self.province)

    def start_year(self, model: RegionModel) -> None:
        """Open the year: last year's demand becomes the reservations; the working capital
        arrives the first year the rules are in force."""
        self.last_demand = self.demand
        self.demand = {s: np.zeros(self.n_provinces) for s in SECTORS}
        self.served = set()
        self._new_year()
        rules = self.rules(model)
        if rules is None:
            return
        if rules["pooling"] != self.pooling:  # the pools merge (or split by exposure)
            total = self.available.sum(), self.debt.sum()
            self.pooling = rules["pooling"]
            weight = self._pool_share()
            self.available, self.debt = total[0] * weight, total[1] * weight
            self.last_demand = {s: np.zeros(self.n_provinces) for s in SECTORS}
        if not self.capital_given and rules["working_capital_mol_yr"] > 0:
            self.capital_given = True
            capital = rules["working_capital_mol_yr"] * self._pool_share()
            self.available += capital
            self.debt += capital
            self.capital += capital

    def _pool_share(self) -> np.ndarray:
        """Each pool's share of a national amount: a province's share of the national exposure
        of N-sensitive land (so a regional run gets its provinces' part), or all of it in the
        national pool (index 0)."""
        share = np.zeros(self.n_provinces)
        n = min(self.exposure_share.size, self.n_provinces)
        share[:n] = self.exposure_share[:n]
        present = np.zeros(self.n_provinces, dtype=bool)
        present[np.unique(self.province[self.province > 0])] = True
        share[~present] = 0.0
        if self.pooling == "national":
            out = np.zeros(self.n_provinces)
            out[0] = share.sum()
            return out
        return share

    def skip(self, sector: str) -> None:
        """A sector asks nothing this year: its reservation no longer holds against others."""
        self.served.add(sector)

    def permit(self, model: RegionModel, sector: str, cells: np.ndarray,
               units: np.ndarray) -> np.ndarray:
        """Decide the permits of ``sector``'s projects on ``cells`` (flat, in the order the
        sector asks) of ``units`` each (homes, or ha); returns the bool mask of granted ones.

        Projects whose peak deposition is at most the threshold need no room and are granted.
        Without STIKSTOF-RUIMTE every project is granted. Either way the granted projects'
        emission is added to the deposition sources.
        """
        cells = np.asarray(cells, dtype=np.int64)
        units = np.asarray(units, dtype=np.float64)
        kg = units * emission_kg_n(sector)
        granted = np.ones(cells.size, dtype=bool)
        rules = self.rules(model)
        if rules is not None and cells.size:
            peak = kg * self.project_scale * self.density[cells]
            needs = (peak > rules["threshold_mol_ha_yr"]) & rules["scope"][cells]
            need = kg * self.exposure[cells] * MOL_N_PER_KG_N
            pool = self.pool_of_cell()
            np.add.at(self.demand[sector], pool[cells[needs]], need[needs])
            room = self.available - self._reserved(sector, rules["priority"])
            room = np.maximum(room, 0.0)
            before = room.copy()
            granted[needs] = _grant(cells[needs], need[needs], pool, room)
            self.available -= before - room
            ok = needs & granted
            np.add.at(self.allocated_mol[sector], cells[ok], need[ok])
            np.add.at(self.blocked[sector], cells[needs & ~granted], 1.0)
            np.add.at(self.granted, cells[ok], 1.0)
        self.served.add(sector)
        self.add_emission(sector, cells[granted], units[granted])
        return granted

    def add_emission(self, sector: str, cells: np.ndarray, units: np.ndarray) -> None:
        """Add the emission of projects built without a permit check (per flat cell)."""
        np.add.at(self.project_emission_kg_n, np.asarray(cells, dtype=np.int64),
                  np.asarray(units, dtype=np.float64) * emission_kg_n(sector))

    def _reserved(self, sector: str, priority: tuple[str, ...]) -> np.ndarray:
        """Room kept for the sectors of higher priority that ask later this year: what they
        asked for last year."""
        out = np.zeros(self.n_provinces)
        for other in priority[:priority.index(sector)] if sector in priority else priority:
            if other not in self.served:
                out += self.last_demand[other]
        return out

    def needs_room(self, model: RegionModel, sector: str, cells: np.ndarray,
                   units: np.ndarray) -> np.ndarray:
        """Whether projects of ``units`` on ``cells`` would need room (no STIKSTOF-RUIMTE:
        none does)."""
        rules = self.rules(model)
        if rules is None:
            return np.zeros(np.size(cells), dtype=bool)
        kg = np.asarray(units, dtype=np.float64) * emission_kg_n(sector)
        peak = kg * self.project_scale * self.density[cells]
        return (peak > rules["threshold_mol_ha_yr"]) & rules["scope"][cells]

    # -- the end of the year ----------------------------------------------------------------

    def close_year(self, model: RegionModel) -> None:
        """Count the room the farms freed this year and share it out: nature first, then
        the working capital's repayment, then the pools (after ``_update_nitrogen``)."""
        farms = model.farms
        now = model.farm_n2000_contribution_mol
        change = now - self.previous_farm_mol
        self.previous_farm_mol = now.copy()
        on_map = farms.farmstead_cell >= 0
        cell = farms.farmstead_cell[on_map]
        self.freed_mol = np.bincount(cell, weights=np.maximum(-change[on_map], 0.0),
                                     minlength=self.n_cells)
        self.drawn_by_farms_mol = np.bincount(cell, weights=np.maximum(change[on_map], 0.0),
                                              minlength=self.n_cells)
        rules = self.rules(model)
        if rules is None:
            self.to_nature_mol = self.freed_mol.copy()
            return
        pool = self.pool_of_cell()
        n = self.n_provinces
        freed = np.bincount(pool, weights=self.freed_mol, minlength=n)
        drawn = np.bincount(pool, weights=self.drawn_by_farms_mol, minlength=n)
        net = freed - drawn
        share = share_below_kdw(model, pool, n)
        start = (self.start_share if self.pooling == "province"
                 else np.full(n, self.start_share_nl))
        year = model.year + 1  # closing this year: the room is handed out next year
        path = _path_share(start, rules["target_share_below_kdw"], model.start_year,
                           rules["target_year"], year + 1)
        behind = ~(share >= path)  # NaN (no sensitive land) counts as on track below
        behind &= ~np.isnan(share)
        nature_share = np.where(behind, rules["nature_share_behind"], rules["skim_share"])
        to_nature = np.where(net > 0, net * nature_share, 0.0)
        rest = net - to_nature  # negative: farms drew more than they freed
        repay = np.clip(rest, 0.0, self.debt)
        self.debt -= repay
        self.repaid += repay
        self.repaid_mol = self._spread_pools(repay)
        # a pool may fall below zero where farms drew more than it held: that overdraft is
        # made good from later freed room before anything is handed out again
        self.available += rest - repay
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(freed > 0, to_nature / np.maximum(freed, 1e-300), 0.0)
        self.to_nature_mol = self.freed_mol * ratio[pool]

    def available_per_cell(self, model: RegionModel) -> np.ndarray:
        """The room in each pool (negative: an overdraft of the farms) spread over the pool's
        cells in the provinces by exposure (flat)."""
        return self._spread_pools(self.available)

    def _spread_pools(self, per_pool: np.ndarray) -> np.ndarray:
        """A value per pool spread over the pool's cells in the provinces by exposure."""
        pool = self.pool_of_cell()
        weight = self.exposure * (self.province > 0)
        w = np.bincount(pool, weights=weight, minlength=self.n_provinces)
        share = np.where(w[pool] > 0, weight / np.maximum(w[pool], 1e-300), 0.0)
        return per_pool[pool] * share

    def project_emission_kg_nh3(self, shape: tuple[int, int]) -> np.ndarray:
        """The projects' emission as kg NH3-equivalent per cell (for the deposition kernel)."""
        return (self.project_emission_kg_n * NH3_PER_N).reshape(shape)


def _path_share(start: np.ndarray, target: float, start_year: int, target_year: int,
                year: int) -> np.ndarray:
    """The share below KDW due in ``year``: a straight line from ``start`` (start year) to
    ``target`` in ``target_year``, the target after; the target alone where ``start`` is
    already above it."""
    span = max(target_year - start_year, 1)
    done = min(1.0, max(year - start_year, 0) / span)
    start = np.nan_to_num(start, nan=target)
    return np.where(start >= target, target, start + (target - start) * done)

