"""Claims on land of energy and defence: the RES target, the solar preference order and the
defence space programme. Each writes its settings into ``policy.rules``; the claims are met by
:mod:`abm.land_claims` (docs/land_claims.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from abm.policy.mechanisms import Event, InstrumentParameters, Ladder, Target
from abm.policy.registry import register
from abm.policy.state import PolicyState

if TYPE_CHECKING:
    from abm.model import RegionModel


@register("RES-35TWH")
class RegionalEnergyStrategies(Target):
    """35 TWh of large-scale renewable electricity on land (over 15 kW) in 2030.

    Source: 003_96b59ff8675cf4bb.txt:L1375-1380; 003_96b59ff8675cf4bb.txt:L1399-1402;
    004_9972baf923c41044.txt:L1830-1832. The gap between ``start_twh`` and ``target_twh`` is
    built in equal steps a year to the target year; the ``solar_share`` of it is solar, and
    the part of that not on roofs (``roof_share``) is solar fields on farmland, a claim on
    land of :data:`abm.land_claims.SOLAR_TWH_PER_HA` TWh per ha, split over the provinces by
    their farmland (ASSUMPTION: the RES regions' own shares are not in the seeds). Wind takes
    little land and is not a claim here.
    """

    indicator = "solar_fields_twh"
    better = "higher"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        target_twh: float = Field(35.0, ge=0.0, le=200.0,
                                  description="Large-scale generation on land in the target "
                                  "year, TWh (seed: 35, 003:L1375-1380)")
        target_year: int = Field(2030, ge=2000, le=2100, description="Seed: 2030")
        start_twh: float = Field(
            26.0, ge=0.0, le=200.0, description="Generation in the start year, TWh: wind on "
            "land 15.8 TWh (CBS 2023, 57 PJ) plus half of the 20.3 TWh of solar (ASSUMPTION: "
            "the part over 15 kW); explore 20-30")
        solar_share: float = Field(
            0.6, ge=0.0, le=1.0, description="Share of the gap met by solar (ASSUMPTION; "
            "explore 0.4-0.8)")
        roof_share: float = Field(
            0.5, ge=0.0, le=1.0, description="Share of the new large-scale solar on roofs and "
            "built-up land (ASSUMPTION; RES-ZON-VOLGORDE raises it; explore 0.3-0.8)")

    def target_value(self, year: int) -> float:
        """TWh of solar fields due by ``year`` (the fields' part of the path to the target;
        the roof share of the instrument alone)."""
        p = self.parameters
        span = max(p.target_year - self.start_year + 1, 1)
        done = min(1.0, max(year - self.start_year + 1, 0) / span)
        return (max(p.target_twh - p.start_twh, 0.0) * p.solar_share * (1.0 - p.roof_share)
                * done)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        order = policy.rules.get("res", {})
        policy.rules["res"] = {
            "target_twh": p.target_twh, "target_year": p.target_year, "start_twh": p.start_twh,
            "start_year": self.start_year,
            "solar_share": p.solar_share,
            "roof_share": max(p.roof_share, order.get("roof_share", 0.0)),
            "farmland_last": order.get("farmland_last", False)}


@register("RES-ZON-VOLGORDE")
class SolarPreferenceOrder(Ladder):
    """Voorkeursvolgorde zon: roofs, then unused built-up land, then residual rural land, and
    farmland and nature last.

    Source: 003_96b59ff8675cf4bb.txt:L1423-1428; 004_9972baf923c41044.txt:L2576-2577. With the
    order, at least ``roof_share`` of new large-scale solar goes on roofs and built-up land
    (ASSUMPTION; explore 0.6-0.9), and solar fields take only farmland of the ladder's
    heavy-challenge class (LN-09's zware uitdagingen, where LN-09 is in force): the seed allows
    farmland only combined with extensification, nature, water or nitrogen tasks.
    """

    name = "solar"
    order = ("roofs", "unused_built", "rural_residual", "farmland_nature")
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        roof_share: float = Field(0.8, ge=0.0, le=1.0,
                                  description="Least share of new large-scale solar on roofs "
                                  "and built-up land (ASSUMPTION; explore 0.6-0.9)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        res = policy.rules.setdefault("res", {})
        res["roof_share"] = max(res.get("roof_share", 0.0), self.parameters.roof_share)
        res["farmland_last"] = True


@register("DEFENSIE-NPRD")
class DefenceSpaceProgramme(Event):
    """Nationaal Programma Ruimte voor Defensie: 13 supra-regional needs and 44 needs at 31
    sites.

    Source: 004_9972baf923c41044.txt:L4178-4183; 004_9972baf923c41044.txt:L4320-4330;
    004_9972baf923c41044.txt:L4433-4440; 003_96b59ff8675cf4bb.txt:L3996-4004;
    003_96b59ff8675cf4bb.txt:L4038. The seeds count the needs but give no hectares (defence
    holds more than 26,000 ha of training grounds, 004:L4322): ``total_ha`` of new terrain
    (ASSUMPTION; explore 1,000-6,000) is taken in equal steps from the start year to
    ``end_year``, split over the provinces by farmland, remote farmland first.
    """

    flag = "defence_programme"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        total_ha: float = Field(3_000.0, ge=0.0, le=50_000.0,
                                description="New defence terrain, ha (ASSUMPTION; explore "
                                "1,000-6,000)")
        end_year: int = Field(2035, ge=2000, le=2100,
                              description="Year the terrain is complete (ASSUMPTION)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        policy.rules["defence"] = {"total_ha": p.total_ha, "start_year": self.start_year,
                                   "end_year": p.end_year}
