"""National targets of the Nationaal Programma Landelijk Gebied (NPLG, seed 003:L413-446).

Each target drives an existing mechanism of the model: KDW-74PCT tightens the farms' emission
factor cap (as NPLG-GENERIC-12PCT), VEENWEIDE-1MT writes a groundwater cell target on
agricultural peat (as WBS-25), NNN-40571 and FOREST-37400 buy farmland for nature (offers as
NPLG-LAND-PURCHASE's), OVERGANG-N2000 zones the transition areas and pays extensification there
(as LN-14), FARM-INNOVATION pays the `technology` payment the farmers' option reads. See
docs/instruments_nplg.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field

from abm.policy.mechanisms import CellTarget, InstrumentParameters, Subsidy, Target, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState
from environment.layers import AGRICULTURE, NATURE

if TYPE_CHECKING:
    from abm.model import RegionModel


def _path(start_year: int, year: int, deadline: int) -> float:
    """Share of a target due in ``year`` on a straight line from 0 (year before ``start_year``)
    to 1 in ``deadline``, 1 after."""
    span = max(deadline - start_year + 1, 1)
    return min(1.0, max(year - start_year + 1, 0) / span)


@register("NPLG-KDW-74PCT")
class KdwTarget(Target):
    """74% of the nitrogen-sensitive habitat area in Natura 2000 below its critical deposition
    value (KDW) in 2030.

    Source: 003_96b59ff8675cf4bb.txt:L417-421. The owner tracks ``n2000_below_kdw_share`` in its
    region against ``share_area_below_kdw`` (written to ``policy.targets``). With ``adaptive``, every review
    that finds the region below it raises :attr:`intensity` by a step (and relaxes it when on
    track); each step above 1 lowers the emission-factor cap (``farm_emission_factor_cap``, the
    cell target NPLG-GENERIC-12PCT writes) of the farms whose farmstead lies within
    ``max_distance_m`` of nitrogen-sensitive Natura 2000 by ``reduction_pct_per_step`` percent
    (ASSUMPTION: the seed names the goal, not the measures; the extra reduction stands for the
    area-based measures of the gebiedsprogramma's). Farms keep reductions once made. Without
    ``adaptive`` it only records the target. Default owner the provinces (ASSUMPTION: the
    catalogue's level is rijk, but the provinces' gebiedsprogramma's carry the target and a
    regional run has province indicators to review).
    """

    indicator = "n2000_below_kdw_share"
    better = "higher"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        share_area_below_kdw: float = Field(
            0.74, ge=0.0, le=1.0, description="Target share of N-sensitive Natura 2000 area "
            "below the KDW (seed: 74%, 003:L417-421)")
        target_year: int = Field(2030, ge=2000, le=2100,
                                 description="Year of the target (seed: 2030, 003:L417)")
        reduction_pct_per_step: float = Field(
            5.0, ge=0.0, le=50.0, description="Extra NH3 reduction per review step the region "
            "misses the target, percent of the emission factor (ASSUMPTION; explore 2-10)")
        max_reduction_pct: float = Field(
            50.0, ge=0.0, le=100.0, description="Most extra reduction the target imposes, "
            "percent (ASSUMPTION; explore 20-70)")
        max_distance_m: float = Field(
            5000.0, ge=0.0, le=100000.0, description="Farms whose farmstead lies within this "
            "distance of N-sensitive Natura 2000 reduce (ASSUMPTION; explore 1000-20000 m)")

    _zone: np.ndarray | None = None

    def target_value(self, year: int) -> float:
        return self.parameters.share_area_below_kdw

    def extra_reduction(self) -> float:
        """Extra reduction of the emission factor (share) the reviews have imposed so far."""
        p = self.parameters
        steps = max(self.intensity - 1.0, 0.0) / self.step
        return min(steps * p.reduction_pct_per_step, p.max_reduction_pct) / 100.0

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        extra = self.extra_reduction()
        if extra <= 0.0:
            return
        if self._zone is None:
            near = model.distance_to_natura2000_m() <= self.parameters.max_distance_m
            self._zone = self.cells & near
        cap = policy.cell_target("farm_emission_factor_cap")
        cap[self._zone] = np.fmin(cap[self._zone], 1.0 - extra)


@register("NPLG-VEENWEIDE-1MT")
class PeatMeadowCo2Target(CellTarget):
    """Peat meadows: 1 Mt CO2-eq less greenhouse gas in 2030 (six provinces).

    Source: 003_96b59ff8675cf4bb.txt:L439-441. Each owner's share of the national reduction is
    its share of the national peat CO2 emission in the start year (ASSUMPTION: the seed gives one
    number for six provinces); its target for ``peat_co2_mt`` falls on a straight line to the
    start emission less that share in ``target_year`` (``policy.targets["peat_co2_mt"]`` holds
    the sum of the owners' targets). To reach it the groundwater of agricultural peat in scope is
    raised by ``rise_cm`` x :attr:`intensity` above its initial depth (never above
    ``min_depth_cm``; cells already wetter stay), a groundwater cell target as WBS-25's (where
    both are set the wetter counts). With ``adaptive`` each review that finds ``peat_co2_mt``
    above the path raises the intensity by a step. The rise and the floor are ASSUMPTIONS.
    """

    indicator = "peat_co2_mt"
    better = "lower"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        reduction_mt: float = Field(1.0, ge=0.0, le=10.0,
                                    description="National reduction, Mt CO2-eq/yr "
                                    "(seed: 1 Mt in 2030, 003:L439-441)")
        target_year: int = Field(2030, ge=2000, le=2100,
                                 description="Year of the target (seed: 2030)")
        rise_cm: float = Field(
            10.0, ge=0.0, le=100.0, description="Rise of the groundwater on agricultural peat "
            "at intensity 1 (ASSUMPTION; explore 5-30 cm)")
        min_depth_cm: float = Field(
            20.0, ge=0.0, le=100.0, description="Shallowest target depth below the surface "
            "(seed WBS-25: 20-40 cm, 003:L248-252)")

    _start_mt: float = 0.0
    _reduction_mt: float = 0.0
    _index: np.ndarray | None = None
    _initial_cm: np.ndarray | None = None

    @classmethod
    def coordinate(cls, group: list[PeatMeadowCo2Target]) -> None:
        from environment import peat

        model = group[0].owner.model
        nl = model.national
        national_mt = float(peat.peat_co2_t(
            peat.peat_area_ha(nl), nl["groundwater_depth_cm"].astype(np.float64),
            model.peat_co2_coefficient).sum()) / 1e6
        for inst in group:
            inst._start_mt = float(model.peat_co2_t[inst.cells].sum()) / 1e6
            share = inst._start_mt / national_mt if national_mt > 0 else 0.0
            inst._reduction_mt = inst.parameters.reduction_mt * share

    def target_value(self, year: int) -> float:
        done = _path(self.start_year, year, self.parameters.target_year)
        return self._start_mt - self._reduction_mt * done

    def cell_values(self, model: RegionModel, year: int) -> np.ndarray:
        p = self.parameters
        target = np.maximum(model.landscape["groundwater_depth_cm"].astype(np.float64)
                            - p.rise_cm * self.intensity, p.min_depth_cm)
        values = np.minimum(model.groundwater_depth_cm, target)
        return np.where(model.peat_ha > 0, values, np.nan)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.targets[self.indicator] = (policy.targets.get(self.indicator, 0.0)
                                          + self.target_value(year))
        values = self.cell_values(model, year)
        mine = self.cells & ~np.isnan(values)
        target = policy.cell_target("groundwater_depth_cm")
        target[mine] = np.fmin(target[mine], values[mine])


class _NatureAreaTarget(Target):
    """A hectare target for new nature reached by buying farmland in a zone (shared code of
    NPLG-NNN-40571 and NPLG-FOREST-37400).

    Each owner's share of ``total_ha`` is its share of the national farmland (ASSUMPTION); the
    target rises on a straight line to the full share in ``target_year``. While the farmland
    turned into nature inside the owner's zone (``nature_gained_ha``, bought by anyone) is below
    the full share, the owner offers to buy the land on the market in the zone (nearest to
    existing nature first) at ``price_share_of_value`` x the regional price, from
    ``budget_meur_per_yr`` x :attr:`intensity`; ``adaptive`` raises the intensity while behind
    the path.
    """

    indicator = "nature_gained_ha"
    better = "higher"
    default_owner = "provincie"
    default_scope_layer = "land_mask"
    #: Key in ``policy.targets`` (sum of the owners' hectare targets) and the model's zone key.
    target_key: ClassVar[str] = ""

    _share: float = 0.0
    _zone: np.ndarray | None = None
    _priority: np.ndarray | None = None

    @property
    def total_ha(self) -> float:
        raise NotImplementedError

    def zone(self, model: RegionModel) -> np.ndarray:
        """Farmland cells (grid shape) where this target buys."""
        raise NotImplementedError

    @classmethod
    def coordinate(cls, group: list[_NatureAreaTarget]) -> None:
        model = group[0].owner.model
        farmland = model.landscape["land_use"] == AGRICULTURE
        union = np.zeros(model.landscape.grid.shape, dtype=bool)
        distance = _distance_to_nature_m(model).ravel()
        for inst in group:
            inst._share = float((farmland & inst.cells).sum()) / model.national_agri_cells
            inst._zone = inst.cells & inst.zone(model)
            inst._priority = distance
            union |= inst._zone
        model.__dict__[cls.target_key] = union

    def target_value(self, year: int) -> float:
        return self.total_ha * self._share * _path(self.start_year, year,
                                                   self.parameters.target_year)

    def gained_ha(self, model: RegionModel) -> float:
        """Farmland turned into nature inside this owner's zone since the start."""
        return float(model.nature_gained_ha[self._zone].sum())

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.targets[self.target_key] = (policy.targets.get(self.target_key, 0.0)
                                           + self.target_value(year))
        p = self.parameters
        self.owner.receive(p.budget_meur_per_yr * self.intensity, source=self.id, earmarked=True)
        if self.gained_ha(model) >= self.total_ha * self._share:
            return
        policy.offers.append({
            "instrument": self.id, "owner": self.owner.code, "land_purchase": True,
            "cells": self._zone.ravel(), "priority": self._priority,
            "price_share": p.price_share_of_value, "payer": self.account, "bank": None})

    def review(self, model: RegionModel, year: int) -> None:
        if not self.adaptive:
            return
        if self.gained_ha(model) < self.target_value(year):
            self.intensity += self.step
        else:
            self.intensity = max(1.0, self.intensity - self.step)


def _distance_to_nature_m(model: RegionModel) -> np.ndarray:
    """Distance from every cell to the nearest nature cell (land use nature: Natura 2000 land,
    dunes, other nature), across the region's border (m, grid shape)."""
    from environment.distance import distance_m

    return model.national_context(
        "nplg_distance_to_nature_m",
        lambda nl: distance_m(nl["land_use"] == NATURE, nl.grid.cell_size_m))


#: Default width of the NNN search area around existing nature (m); FOREST-37400 buys outside.
NNN_SEARCH_DISTANCE_M = 1000.0


@register("NPLG-NNN-40571")
class NnnTarget(_NatureAreaTarget):
    """Complete the Natuurnetwerk Nederland: the remaining 40,571 ha by 2027.

    Source: 003_96b59ff8675cf4bb.txt:L421-423; 004_9972baf923c41044.txt:L892-898. The NNN
    search area is not in the open data: here (ASSUMPTION) it is the farmland within
    ``search_distance_m`` of existing nature. Purchase as :class:`_NatureAreaTarget`: the
    province buys land that comes on the market in the search area, nearest to nature first,
    while its hectare share is not reached. Price and budget are ASSUMPTIONS.
    """

    target_key = "nnn_new_nature_ha"

    class Parameters(InstrumentParameters):
        nnn_remaining_ha: float = Field(40_571.0, ge=0.0, le=1e6,
                                        description="Remaining NNN area, national "
                                        "(seed: 40,571 ha, 003:L421-423)")
        target_year: int = Field(2027, ge=2000, le=2100,
                                 description="Year of completion (seed: 2027)")
        search_distance_m: float = Field(
            NNN_SEARCH_DISTANCE_M, ge=0.0, le=20000.0, description="Width of the search area "
            "around existing nature (ASSUMPTION; explore 500-3000 m)")
        price_share_of_value: float = Field(
            1.0, ge=0.5, le=3.0, description="Price as a share of the regional farmland price "
            "(ASSUMPTION; explore 1.0-1.5)")
        budget_meur_per_yr: float = Field(
            30.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION; about 40,571 ha x 70 k euro/ha over 4 years / 12 provinces = 60)")

    @property
    def total_ha(self) -> float:
        return self.parameters.nnn_remaining_ha

    def zone(self, model: RegionModel) -> np.ndarray:
        farmland = model.landscape["land_use"] == AGRICULTURE
        return farmland & (_distance_to_nature_m(model) <= self.parameters.search_distance_m)


@register("NPLG-FOREST-37400")
class ForestTarget(_NatureAreaTarget):
    """Bossenstrategie: 37,400 ha of new forest by 2030.

    Source: 003_96b59ff8675cf4bb.txt:L421-422; 004_9972baf923c41044.txt:L892-898. New forest
    goes on farmland of the Hogere Zandgronden (ASSUMPTION: the strategy's search areas are not
    in the open data; sand is where most new forest is planned) outside the NNN search area
    (farther than ``min_distance_to_nature_m`` from existing nature, so the two targets count
    different land), nearest to nature first. The forest is counted in ``nature_gained_ha``;
    ``new_forest_ha`` (:data:`abm.indicators.NPLG_INDICATORS`) is the part in the forest zone.
    """

    target_key = "new_forest_ha"

    class Parameters(InstrumentParameters):
        new_forest_ha: float = Field(37_400.0, ge=0.0, le=1e6,
                                     description="New forest, national "
                                     "(seed: 37,400 ha, 003:L421-422)")
        target_year: int = Field(2030, ge=2000, le=2100,
                                 description="Year of the target (seed: 2030)")
        min_distance_to_nature_m: float = Field(
            NNN_SEARCH_DISTANCE_M, ge=0.0, le=20000.0, description="Forest only farther than "
            "this from existing nature, outside the NNN search area (ASSUMPTION; as "
            "NPLG-NNN-40571's search_distance_m)")
        price_share_of_value: float = Field(
            1.0, ge=0.5, le=3.0, description="Price as a share of the regional farmland price "
            "(ASSUMPTION; explore 1.0-1.5)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION; explore 5-60)")

    @property
    def total_ha(self) -> float:
        return self.parameters.new_forest_ha

    def zone(self, model: RegionModel) -> np.ndarray:
        land = model.landscape
        sand = land["fgr_id"] == land.codes("fgr").index("hz") + 1
        far = _distance_to_nature_m(model) > self.parameters.min_distance_to_nature_m
        return (land["land_use"] == AGRICULTURE) & sand & far


#: Name of the zone NPLG-OVERGANG-N2000 sets.
OVERGANGSGEBIED = "overgangsgebied_n2000"


@register("NPLG-OVERGANG-N2000")
class TransitionZone(Zoning):
    """Overgangsgebieden around nitrogen-sensitive Natura 2000, for nature restoration.

    Source: 003_96b59ff8675cf4bb.txt:L477; 003_96b59ff8675cf4bb.txt:L10886-10890;
    003_96b59ff8675cf4bb.txt:L11153-11159 (De Peel: transition areas make extensification
    necessary); 004_9972baf923c41044.txt:L1395-1401. The zone is the farmland within
    ``width_m`` of nitrogen-sensitive Natura 2000 (the same rule as LN-13's transition part);
    inside it the province pays ``payment_eur_ha`` per hectare a year for extensive farming
    (the payment purpose LN-14 uses, which farmers read in their options; with both in force
    the payments add up) and, with ``no_intensification``, bans intensification. Width, payment
    and ban are ASSUMPTIONS (the seeds leave the size to the provinces).
    """

    zone = OVERGANGSGEBIED
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        width_m: float = Field(
            1000.0, ge=0.0, le=10000.0, description="Width of the transition zone around "
            "N-sensitive Natura 2000 (ASSUMPTION; explore 250-3000 m)")
        payment_eur_ha: float = Field(
            500.0, ge=0.0, le=10000.0, description="Extensification payment, euro/ha/yr "
            "(ASSUMPTION, as LN-14; explore 200-1500)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION); payments beyond the budget are owed but not paid")
        no_intensification: bool = Field(
            True, description="Ban intensification of farms in the zone (ASSUMPTION)")

    _cells: np.ndarray | None = None

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        if self._cells is None:
            near = model.distance_to_natura2000_m() <= self.parameters.width_m
            self._cells = self.cells & near & (model.landscape["land_use"] == AGRICULTURE)
        where = self._cells
        policy.zone(self.zone)[where] = True
        if self.parameters.no_intensification:
            policy.mask("no_intensification")[where] = True
        self.receive_yearly_budget()
        policy.pay("extensification", where, self.parameters.payment_eur_ha, self.account)


@register("NPLG-FARM-INNOVATION")
class FarmInnovationSubsidy(Subsidy):
    """Subsidies for innovation on the farm (low-emission housing and feeding).

    Source: 003_96b59ff8675cf4bb.txt:L551-554 (the Transitiefonds pays, among others, for
    innovation on the farm). The province pays ``payment_eur_ha`` per hectare a year to the
    livestock farms in scope that have adopted low-emission technology (payment purpose
    ``technology``, which the farmers' ``technology`` option reads: the payment offsets its cost,
    ``agents.farmers.options.TECHNOLOGY_COST_SHARE``; the emission reduction is the option's
    ``TECHNOLOGY_FACTOR``). The seed gives no subsidy share or emission reduction: the payment is
    an ASSUMPTION (roughly a third of the option's annualised cost for a typical dairy farm).
    """

    purpose = "technology"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        payment_eur_ha: float = Field(
            200.0, ge=0.0, le=10000.0, description="Payment to farms with low-emission "
            "technology, euro/ha/yr (ASSUMPTION; explore 50-600)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION); payments beyond the budget are owed but not paid")

    def rate_eur_ha_yr(self, year: int) -> float:
        return self.parameters.payment_eur_ha

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        self.receive_yearly_budget()
        super().apply(model, policy, year)
