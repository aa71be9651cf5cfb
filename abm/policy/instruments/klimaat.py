"""Climate and allocation instruments of the NPLG (seed 003): the agricultural greenhouse-gas
target (NPLG-AG-GHG-5MT) and the water-and-soil system as the basis for the spatial allocation of
nitrogen reduction (NPLG-N-ALLOC-WBS). See docs/instruments_klimaat.md.

The emissions are computed per farm by :mod:`environment.livestock_ghg` (:func:`farm_ghg_t`);
the indicators ``agri_ghg_mt_co2eq``, ``livestock_ch4_mt_co2eq`` and
``forest_co2_sequestration_mt`` (:mod:`abm.indicators`) read the same function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from abm.policy.mechanisms import InstrumentParameters, Rule, Target
from abm.policy.registry import register
from abm.policy.state import PolicyState

if TYPE_CHECKING:
    from abm.model import RegionModel
    from agents.farmers.state import FarmState

#: Cell target of NPLG-AG-GHG-5MT: multiplier on the enteric CH4 of the farms whose farmstead lies
#: in the cell (a methane-reducing feed measure; NaN or 1 = none).
CH4_ENTERIC_FACTOR = "ch4_enteric_factor"
#: Cell target of NPLG-N-ALLOC-WBS: weight the buy-out ranking multiplies into a farm's deposition
#: on Natura 2000 (NaN = 1).
N_PRIORITY_WEIGHT = "n_reduction_priority_weight"
#: ASSUMPTION: CO2 a hectare of new forest takes up a year (t CO2/ha/yr) while young; explore 4-12.
#: The Bossenstrategie's 0.4-0.8 Mt on 37,400 ha (003:L444) would imply 11-21 t/ha/yr if new
#: forest alone delivered it; growing Dutch forest stores about 1.5-3 t C (5-11 t CO2) per ha a
#: year (order of the NIR's LULUCF forest-land removals), so 7 is taken as a middle value.
FOREST_SEQUESTRATION_T_CO2_HA_YR = 7.0


def _enteric_factor(model: RegionModel, farms: FarmState) -> np.ndarray | None:
    """Per farm, this year's factor on enteric CH4 (None when no instrument sets one)."""
    cap = model.policy.cell_targets.get(CH4_ENTERIC_FACTOR)
    if cap is None:
        return None
    return np.nan_to_num(cap.ravel()[farms.farmstead_cell], nan=1.0)


def farm_ghg_t(model: RegionModel, farms: FarmState | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Per farm of ``farms`` (default the model's): livestock CH4 and all agricultural GHG
    (:func:`environment.livestock_ghg.agri_ghg_t_co2eq`), t CO2-eq/yr, under this year's
    methane-reducing feed factor (national farms of a regional run: without it)."""
    from agents.farmers.economics import open_area_ha
    from environment import livestock_ghg as ghg

    own = farms is None
    farms = model.farms if own else farms
    factor = _enteric_factor(model, farms) if own else None
    ch4 = ghg.livestock_ch4_t_co2eq(farms.animals, farms.active, factor)
    total = (ch4 + ghg.manure_n2o_t_co2eq(farms.animals, farms.active)
             + ghg.fertiliser_n2o_t_co2eq(open_area_ha(farms), farms.active))
    return ch4, total


def _path(start_year: int, year: int, deadline: int) -> float:
    """Share of a target due in ``year``: a straight line from 0 (year before ``start_year``)
    to 1 in ``deadline``, 1 after (as the NPLG targets of nplg.py)."""
    span = max(deadline - start_year + 1, 1)
    return min(1.0, max(year - start_year + 1, 0) / span)


@register("NPLG-AG-GHG-5MT")
class AgriGhgTarget(Target):
    """Livestock and arable farming: 5 Mt CO2-eq less greenhouse gas in 2030, of which at least
    3.82 Mt methane (Global Methane Pledge); carbon sequestration in trees 0.4-0.8 and in
    agricultural soils 0.5 Mt CO2-eq.

    Source: 003_96b59ff8675cf4bb.txt:L441-446. The Rijk tracks ``agri_ghg_mt_co2eq`` (livestock
    CH4, manure and fertiliser N2O; :mod:`environment.livestock_ghg`) of the farms in scope
    against a straight path from its value at set-up (ASSUMPTION: the seed's reduction is against
    the projection for 2030, which the model does not have) to that value less
    ``ghg_reduction_mt`` x the region's share of the national emission in ``target_year``. It
    writes to ``policy.targets``: ``agri_ghg_mt_co2eq`` (the path), ``livestock_ch4_mt_co2eq``
    (start CH4 less the share of ``methane_min_mt``), ``carbon_sequestration_trees_mt`` and
    ``carbon_sequestration_soils_mt`` (the shares of the sequestration goals due; recorded, the
    indicator ``forest_co2_sequestration_mt`` counts new forest at
    :data:`FOREST_SEQUESTRATION_T_CO2_HA_YR`). Without ``adaptive`` it only records. With
    ``adaptive`` each review that finds the emission above the path raises :attr:`intensity` by a
    step, and each step above 1 lowers the enteric CH4 of the farms in scope by
    ``feed_reduction_pct_per_step`` percent, at most ``max_feed_reduction_pct`` (a
    methane-reducing feed measure such as a feed additive, imposed as a rule: the cell target
    ``ch4_enteric_factor``; ASSUMPTION: the seed names the goal, not the measures). The factor
    holds while the instrument is in force (feed additives act only while fed).
    """

    indicator = "agri_ghg_mt_co2eq"
    better = "lower"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        ghg_reduction_mt: float = Field(
            5.0, ge=0.0, le=50.0, description="National reduction of livestock and arable GHG, "
            "Mt CO2-eq/yr (seed: 5 Mt in 2030, 003:L441-442)")
        methane_min_mt: float = Field(
            3.82, ge=0.0, le=50.0, description="Of which at least this much methane, Mt CO2-eq "
            "(seed: 3.82 Mt, Global Methane Pledge, 003:L442-444)")
        cseq_trees_mt: float = Field(
            0.4, ge=0.0, le=10.0, description="Carbon sequestration in trees, forest and nature, "
            "Mt CO2-eq/yr (seed: 0.4-0.8, 003:L444); recorded only")
        cseq_soils_mt: float = Field(
            0.5, ge=0.0, le=10.0, description="Carbon sequestration in agricultural soils, "
            "Mt CO2-eq/yr (seed: 0.5, 003:L446); recorded only")
        target_year: int = Field(2030, ge=2000, le=2100,
                                 description="Year of the target (seed: 2030, 003:L446)")
        feed_reduction_pct_per_step: float = Field(
            5.0, ge=0.0, le=50.0, description="Lower enteric CH4 per review step behind the "
            "path, percent (ASSUMPTION; explore 2-10)")
        max_feed_reduction_pct: float = Field(
            30.0, ge=0.0, le=100.0, description="Most the feed measure lowers enteric CH4, "
            "percent (ASSUMPTION: feed additives are reported to cut a dairy cow's enteric CH4 "
            "by up to about 30%; explore 10-40)")

    _start_mt: float = 0.0
    _start_ch4_mt: float = 0.0
    _share: float = 1.0
    _farms_in: np.ndarray | None = None

    @classmethod
    def coordinate(cls, group: list[AgriGhgTarget]) -> None:
        """Start values of the farms in scope and the region's share of the national emission
        (a regional run: the national farms it synthesised at set-up)."""
        model = group[0].owner.model
        ch4, total = farm_ghg_t(model)
        if model._context_farms is None:
            national_t = float(total.sum())
        else:
            national_t = float(farm_ghg_t(model, model._context_farms[0])[1].sum())
        for inst in group:
            inst._farms_in = inst.cells.ravel()[model.farms.farmstead_cell]
            inst._start_mt = float(total[inst._farms_in].sum()) / 1e6
            inst._start_ch4_mt = float(ch4[inst._farms_in].sum()) / 1e6
            inst._share = inst._start_mt * 1e6 / national_t if national_t > 0 else 0.0

    def _done(self, year: int) -> float:
        return _path(self.start_year, year, self.parameters.target_year)

    def target_value(self, year: int) -> float:
        return self._start_mt - self.parameters.ghg_reduction_mt * self._share * self._done(year)

    def methane_target_mt(self, year: int) -> float:
        """This year's livestock CH4 on the path (Mt CO2-eq)."""
        return self._start_ch4_mt - self.parameters.methane_min_mt * self._share * self._done(year)

    def extra_reduction(self) -> float:
        """Share by which the reviews have lowered enteric CH4 so far."""
        p = self.parameters
        steps = max(self.intensity - 1.0, 0.0) / self.step
        return min(steps * p.feed_reduction_pct_per_step, p.max_feed_reduction_pct) / 100.0

    def current_mt(self, model: RegionModel) -> float:
        """Agricultural GHG of the farms in scope now (Mt CO2-eq/yr)."""
        return float(farm_ghg_t(model)[1][self._farms_in].sum()) / 1e6

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        p, done = self.parameters, self._done(year)
        targets = policy.targets
        targets[self.indicator] = targets.get(self.indicator, 0.0) + self.target_value(year)
        targets["livestock_ch4_mt_co2eq"] = (targets.get("livestock_ch4_mt_co2eq", 0.0)
                                             + self.methane_target_mt(year))
        for key, goal in (("carbon_sequestration_trees_mt", p.cseq_trees_mt),
                          ("carbon_sequestration_soils_mt", p.cseq_soils_mt)):
            targets[key] = targets.get(key, 0.0) + goal * self._share * done
        extra = self.extra_reduction()
        if extra > 0.0:
            factor = policy.cell_target(CH4_ENTERIC_FACTOR)
            factor[self.cells] = np.fmin(factor[self.cells], 1.0 - extra)

    def review(self, model: RegionModel, year: int) -> None:
        """Step up while the farms in scope emit more than the path allows this year."""
        if not self.adaptive or model.year < self.start_year:
            return  # nothing simulated under the instrument yet
        if self.current_mt(model) > self.target_value(year):
            self.intensity += self.step
        else:
            self.intensity = max(1.0, self.intensity - self.step)


@register("NPLG-N-ALLOC-WBS")
class WaterSoilAllocation(Rule):
    """The characteristics of the water and soil system as the basis for the spatial allocation
    of nitrogen reduction.

    Source: 003_96b59ff8675cf4bb.txt:L499-500. Each cell in scope gets a priority weight
    ``1 + peat_weight x peat + wet_weight x wet + sand_weight x sand near Natura 2000 or in a
    brook valley + near_weight x near Natura 2000`` (the cell target
    ``n_reduction_priority_weight``; where owners overlap the larger weight holds): agricultural
    peat (the Laagveengebied's farmland), wet land (groundwater this year shallower than
    ``wet_depth_cm``), land of the Hogere Zandgronden within ``sand_distance_m`` of
    nitrogen-sensitive Natura 2000 or in a brook valley (the proxy of :mod:`environment.brooks`,
    as WBS-32's default), and land within ``near_distance_m`` of nitrogen-sensitive Natura 2000.
    The buy-out ranking (NPLG-BUYOUT, :mod:`agents.farmers.buyouts`) multiplies each applicant's
    deposition on Natura 2000 by the weight of its farmstead's cell (:func:`weighted_contribution`),
    so with one budget more of the farms bought out lie on vulnerable water-and-soil cells.
    Eligibility is unchanged. The seed gives the principle, not the weights: all weights and
    distances are ASSUMPTIONS.
    """

    flag = "n_allocation_water_soil"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        peat_weight: float = Field(
            0.5, ge=0.0, le=10.0, description="Extra weight of agricultural peat (ASSUMPTION; "
            "explore 0-2)")
        wet_weight: float = Field(
            0.5, ge=0.0, le=10.0, description="Extra weight of wet land (ASSUMPTION; explore "
            "0-2)")
        wet_depth_cm: float = Field(
            40.0, ge=0.0, le=300.0, description="Land with groundwater shallower than this is "
            "wet (ASSUMPTION; explore 20-60 cm)")
        sand_weight: float = Field(
            0.5, ge=0.0, le=10.0, description="Extra weight of the Hogere Zandgronden upstream "
            "of Natura 2000 or in brook valleys (ASSUMPTION; explore 0-2)")
        sand_distance_m: float = Field(
            5000.0, ge=0.0, le=50000.0, description="Sand within this distance of N-sensitive "
            "Natura 2000 counts as upstream of it (ASSUMPTION; explore 2000-10000 m)")
        near_weight: float = Field(
            1.0, ge=0.0, le=10.0, description="Extra weight of land near N-sensitive Natura 2000 "
            "(ASSUMPTION; explore 0-3)")
        near_distance_m: float = Field(
            1000.0, ge=0.0, le=20000.0, description="Width of the 'near Natura 2000' band "
            "(ASSUMPTION; explore 250-3000 m, as NPLG-OVERGANG-N2000's width)")

    _static: np.ndarray | None = None

    def _static_weight(self, model: RegionModel) -> np.ndarray:
        """The part of the weight that does not change during a run (grid shape)."""
        if self._static is None:
            from environment import brooks

            p, land = self.parameters, model.landscape
            distance = model.distance_to_natura2000_m()

            def valleys(nl) -> np.ndarray:  # neighbourhoods cross the region's border
                sand_nl = (nl["fgr_id"] == nl.codes("fgr").index("hz") + 1) & nl["land_mask"]
                return brooks.brook_valley_cells(
                    nl["elevation_m_nap"].astype(np.float64), sand_nl, nl.grid.cell_size_m,
                    brooks.NEIGHBOURHOOD_RADIUS_M, brooks.VALLEY_DEPTH_M)

            valley = model.national_context(
                ("brook_valley", brooks.NEIGHBOURHOOD_RADIUS_M, brooks.VALLEY_DEPTH_M), valleys)
            sand = (land["fgr_id"] == land.codes("fgr").index("hz") + 1) & land["land_mask"]
            self._static = (1.0 + p.peat_weight * (model.peat_ha > 0)
                            + p.sand_weight * (sand & ((distance <= p.sand_distance_m) | valley))
                            + p.near_weight * (distance <= p.near_distance_m))
        return self._static

    def weights(self, model: RegionModel) -> np.ndarray:
        """This year's priority weight of every cell (grid shape; meaningful on :attr:`cells`)."""
        wet = model.groundwater_depth_cm < self.parameters.wet_depth_cm
        return self._static_weight(model) + self.parameters.wet_weight * wet

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        target = policy.cell_target(N_PRIORITY_WEIGHT)
        mine = self.weights(model)[self.cells]
        target[self.cells] = np.fmax(target[self.cells], mine)


def weighted_contribution(policy: PolicyState, farms: FarmState,
                          contribution_mol: np.ndarray) -> np.ndarray:
    """Each farm's deposition on Natura 2000 times the NPLG-N-ALLOC-WBS weight of its
    farmstead's cell (unchanged where no weight is set): the buy-out ranking's key."""
    weight = policy.cell_targets.get(N_PRIORITY_WEIGHT)
    if weight is None:
        return contribution_mol
    return contribution_mol * np.nan_to_num(weight.ravel()[farms.farmstead_cell], nan=1.0)
