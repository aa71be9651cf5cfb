"""Instruments of business land (werklocaties): 002's protect-and-compensate against 001's
transformation of old business parks into housing, provincial siting rules for large logistics,
and the provinces' programming of business land (docs/firms.md). The firms read what these
write in :func:`agents.firms.business_land.year_step`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from abm.policy.mechanisms import Fund, InstrumentParameters, Rule, Target, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Zone of the designated sites for large logistics (WERKLOC-PROV-LOGISTIEK).
LOGISTICS_SITES = "logistics_sites"


class CompensationParameters(InstrumentParameters):
    floor_space_ratio: float = Field(
        1.0, ge=0.0, le=2.0,
        description="Replacement floor space per unit of transformed floor space (002: the "
                    "same amount of business space; explore 0.5-1.5)")
    intensification_factor: float = Field(
        1.0, ge=1.0, le=3.0,
        description="ASSUMPTION: floor space per ha of the replacement land relative to the "
                    "transformed land (stacking, multi-storey); ha = transformed ha x ratio / "
                    "factor. Explore 1-2")
    max_distance_km: float = Field(
        5.0, gt=0.0, le=30.0,
        description="ASSUMPTION: 'in de nabije omgeving': replacement land within this distance "
                    "of the transformed cell, else elsewhere in the province. Explore 2-15")
    lead_time_yr: int = Field(
        2, ge=1, le=15,
        description="ASSUMPTION: years from transformation to the replacement land (arranged "
                    "with the transformation plan). Explore 1-10")


@register("REV-COMPENSATION")
class SpatialCompensation(Rule):
    """Ruimtelijk compenseren: business land (parks, ports, campuses) transformed to another
    function is replaced nearby, measured in business floor space rather than hectares
    (002_e34ac4cdf062f2da.txt:L1185-1192; 002_e34ac4cdf062f2da.txt:L1225-1231;
    002_e34ac4cdf062f2da.txt:L1506-1510). Writes, on its cells, the replacement ha per
    transformed ha, the search radius and the lead time; the firms plan the land."""

    flag = "business_land_compensation"
    Parameters = CompensationParameters

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        policy.cell_target("business_land_compensation_ha_per_ha")[self.cells] = (
            p.floor_space_ratio / p.intensification_factor * self.intensity)
        policy.cell_target("business_land_compensation_distance_m")[self.cells] = (
            p.max_distance_km * 1000.0)
        policy.cell_target("business_land_compensation_lead_yr")[self.cells] = p.lead_time_yr


class TransformationParameters(InstrumentParameters):
    share_per_yr: float = Field(
        0.02, ge=0.0, le=0.2,
        description="ASSUMPTION: share of the inner-city business land (urbanisation classes "
                    "semi-dense, dense, urban centre) transformed into mixed housing per year; "
                    "001 gives no rate. Nationally at 1000 m 0.02 is about 340 ha/yr at first "
                    "Explore 0.005-0.05")
    urbanisation_classes: tuple[int, ...] = Field(
        (22, 23, 30),
        description="GHS-SMOD classes whose business land counts as old inner-city parks")
    rijk_contribution_meur_per_yr: float = Field(
        0.0, ge=0.0,
        description="ASSUMPTION: the Rijk's yearly contribution to the transformation funds "
                    "(unprofitable costs) paid to the owner; 001 names no amount. Explore 0-500")


@register("BRUIS-TRANSFORMATIE")
class InnerCityTransformation(Fund):
    """Intensiveringsprogramma Binnenstedelijke Gebiedstransformatie: old business parks and
    other under-used urban areas are transformed into mixed housing, with transformation funds
    (001_4549aa8c6db9ac25.txt:L1048-1068; 000_4214751c5cef1d9b.txt:L551-552;
    000_4214751c5cef1d9b.txt:L2761-2762). Writes the yearly share of each inner-city cell's
    business land to transform; the firms take it out of the stock, set
    ``model.transformed_business_land_ha`` (housing capacity next year) and displace the firms
    that no longer fit."""

    Parameters = TransformationParameters

    def annual_meur(self, year: int) -> float:
        return self.parameters.rijk_contribution_meur_per_yr

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        inner = np.isin(model.landscape["urbanisation_class"],
                        self.parameters.urbanisation_classes) & self.cells
        target = policy.cell_target("business_land_transformation_share")
        target[inner] = min(self.parameters.share_per_yr * self.intensity, 1.0)


#: ASSUMPTION: approximate RD New points (m, +-2 km, read off the topographic map) of the sites
#: 003 names: Noord-Brabant's locations for logistics above 3 ha
#: (003_96b59ff8675cf4bb.txt:L2447-2463) and Groningen's five regional kernzones
#: (003_96b59ff8675cf4bb.txt:L1878-1892; Veendam/Hoogezand as two points).
LOGISTICS_SITE_POINTS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "PV30": (
        ("Logistiek Park Moerdijk", 102_000.0, 410_500.0),
        ("Haven Oost (Waalwijk)", 134_000.0, 412_500.0),
        ("Wijkevoort (Tilburg)", 128_500.0, 396_000.0),
        ("Heesch-West (Oss/'s-Hertogenbosch)", 158_000.0, 416_000.0),
        ("Foodpark (Veghel)", 165_500.0, 404_500.0),
        ("Laarakker (Haps)", 186_500.0, 413_000.0),
        ("GDC Acht (Eindhoven)", 157_500.0, 388_500.0),
        ("Westfields (Oirschot)", 151_500.0, 389_000.0),
    ),
    "PV20": (
        ("Eemshaven/Oostpolder", 249_500.0, 607_500.0),
        ("Oosterhorn (Delfzijl)", 260_500.0, 593_000.0),
        ("Westpoort (Groningen)", 229_000.0, 582_500.0),
        ("Ter Apel", 266_500.0, 543_500.0),
        ("Veendam", 255_000.0, 568_500.0),
        ("Hoogezand", 245_500.0, 577_500.0),
    ),
}


class LogisticsParameters(InstrumentParameters):
    nb_threshold_ha: float = Field(
        3.0, gt=0.0, description="Noord-Brabant: logistics above this size only at the "
                                 "designated sites (003 L2447-2463); explore 1-10")
    gr_threshold_ha: float = Field(
        3.0, gt=0.0, description="ASSUMPTION: Groningen's large firms above this size only in "
                                 "the five kernzones (003 names no size); explore 1-10")
    li_threshold_ha: float = Field(
        5.0, gt=0.0, description="Limburg: firms above 5 ha only where they add regional value "
                                 "(003 L2535-2540, a political debate, not adopted policy); "
                                 "modelled as: only in existing large business parks; "
                                 "explore 3-10")
    site_radius_km: float = Field(
        2.0, gt=0.0, le=10.0, description="ASSUMPTION: a site covers the cells within this "
                                          "distance of its point; explore 1-4")


@register("WERKLOC-PROV-LOGISTIEK")
class ProvincialLogisticsRule(Zoning):
    """Provincial rules for large-scale business (003_96b59ff8675cf4bb.txt:L1878-1892;
    003_96b59ff8675cf4bb.txt:L2447-2463; 003_96b59ff8675cf4bb.txt:L2535-2540): distributie
    firms needing more land than the province's threshold relocate only into the zone
    ``logistics_sites`` (Noord-Brabant's designated locations, Groningen's kernzones) or, in
    Limburg, into existing large business parks. Other provinces: nothing (Utrecht's and
    Drenthe's rules in 003 are not concrete enough)."""

    zone = LOGISTICS_SITES
    Parameters = LogisticsParameters

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        land = model.landscape
        codes = land.codes("province")
        p = self.parameters
        thresholds = {"PV30": p.nb_threshold_ha, "PV20": p.gr_threshold_ha,
                      "PV31": p.li_threshold_ha}
        zone = policy.zone(self.zone)
        threshold = policy.cell_target("logistics_threshold_ha")
        for code, limit in thresholds.items():
            if code not in codes:
                continue
            mine = self.cells & (land["province_id"] == codes.index(code) + 1)
            if not mine.any():
                continue
            threshold[mine] = limit
            if code == "PV31":
                policy.cell_target("logistics_large_park_only")[mine] = 1.0
                continue
            zone |= mine & self._sites(model, code)

    def _sites(self, model: RegionModel, code: str) -> np.ndarray:
        cache = model.__dict__.setdefault("_logistics_sites", {})
        key = (code, self.parameters.site_radius_km)
        if key not in cache:
            g = model.landscape.grid
            rows, cols = np.indices(g.shape)
            x = g.x_min_m + (cols + 0.5) * g.cell_size_m
            y = g.y_max_m - (rows + 0.5) * g.cell_size_m
            out = np.zeros(g.shape, bool)
            for _, px, py in LOGISTICS_SITE_POINTS[code]:
                out |= np.hypot(x - px, y - py) <= self.parameters.site_radius_km * 1000.0
            cache[key] = out
        return cache[key]


class DemandParameters(InstrumentParameters):
    plan_factor: float = Field(
        1.0, gt=0.0, le=3.0,
        description="Multiplier on the provinces' planned supply (free land plus pipeline "
                    "covering lag + buffer years of demand); 003 puts the need at ~7,000 ha to "
                    "2030 (+6 to 13.5%). Explore 0.5-2")
    target_shortfall_ha: float = Field(
        0.0, ge=0.0, description="Shortfall the province accepts (ha); with adaptive, each "
                                 "review above it raises the plan factor by 25%")


@register("WERKLOC-DEMAND")
class BusinessLandProgramming(Target):
    """Uitbreidingsbehoefte bedrijventerrein and strategic programming: about 7,000 ha extra to
    2030, the stock up 6-13.5%, planning times of 7-15 years (003_96b59ff8675cf4bb.txt:L1579-1581;
    003_96b59ff8675cf4bb.txt:L1621-1625; 002_e34ac4cdf062f2da.txt:L636-647;
    002_e34ac4cdf062f2da.txt:L695-698). Tracks ``business_land_shortfall_ha``; writes the
    provinces' plan factor (times its intensity) that the firms' planning reads."""

    indicator = "business_land_shortfall_ha"
    better = "lower"
    Parameters = DemandParameters

    def target_value(self, year: int) -> float:
        return self.parameters.target_shortfall_ha

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        policy.cell_target("business_land_plan_factor")[self.cells] = (
            self.parameters.plan_factor * self.intensity)
