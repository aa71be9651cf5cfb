"""Instruments of urbanisation (stad): the provincial housing agreements and the regional
woondeals as per-province housing rates, the ladder for sustainable urbanisation (minimise
sealing, spare infiltration soils) and the protection of the current business land against
transformation (docs/instruments_stad.md).

They act through signals the housing programme (:mod:`agents.households.housing`) and the
business land (:mod:`agents.firms.business_land`) already read: per-province targets
``homes_built_province_<code>``, the infill multiplier ``visa_infill_factor``, the cell target
``building_penalty`` and the mask ``no_business_land_transformation``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from abm.policy.instruments.bouwen import add_penalty
from abm.policy.mechanisms import InstrumentParameters, Ladder, Mask, Rule, Target, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState
from agents.households.housing import (PROVINCE_AGREEMENTS, PROVINCE_HOMES_TARGET,
                                       VISA_GREENFIELD_PENALTY, VISA_INFILL_FACTOR)
from environment import building_zones as bz

if TYPE_CHECKING:
    from abm.model import RegionModel


def _provinces(model: RegionModel, cells: np.ndarray) -> list[str]:
    """Codes of the provinces that hold at least one of ``cells``."""
    codes = model.landscape.codes("province")
    ids = np.unique(model.landscape["province_id"][cells])
    return [codes[i - 1] for i in ids if i > 0]


def _write_rates(policy: PolicyState, rates: dict[str, float]) -> None:
    """Write per-province yearly rates; where two instruments set one province, the larger
    holds (so the result does not depend on the order of the scenario)."""
    for code, rate in rates.items():
        key = PROVINCE_HOMES_TARGET + code
        policy.targets[key] = max(policy.targets.get(key, rate), rate)


class _ProvinceRates(Target):
    """A target that writes homes a year per province (``homes_built_province_<code>``)."""

    indicator = "homes_built"
    better = "higher"

    def rates(self, model: RegionModel, year: int) -> dict[str, float]:
        """Homes a year per province code this year (empty outside the period)."""
        raise NotImplementedError

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        self._last = self.rates(model, year)
        _write_rates(policy, self._last)

    def target_value(self, year: int) -> float:
        """The owner's homes a year (the sum of this instance's provincial rates)."""
        return float(sum(getattr(self, "_last", {}).values()))


@register("WONING-PROV-2030")
class ProvincialHousingAgreements(_ProvinceRates):
    """Provinciale woningbouwafspraken of 13 October 2022: each province's contribution to the
    national housing task through 2030, built at an even pace over the agreement's years.

    Source: 003_96b59ff8675cf4bb.txt:L3071-3074 (the agreements of 13 October per province);
    003_96b59ff8675cf4bb.txt:L3177 (definitive agreements 2022-2030); the figures per province
    003_96b59ff8675cf4bb.txt:L10253 (FR 17,500), L10334 (GR 28,359), L10428 (DR 13,631),
    L10491 (NH 183,600), L10580 (FL 39,193), L10659 (UT 83,500), L10728 (ZH 235,460),
    L10829 (ZE 16,500), L10896 (OV 42,300), L10957 (GD 100,000), L11072-11074 (NB 130,600),
    L11179 (LI 26,550). Each province in the instrument's cells builds ``agreement /
    (through_year - first_year + 1)`` homes a year (times the intensity) from ``first_year``
    through ``through_year`` instead of its share of the national programme
    (``policy.targets["homes_built_province_<code>"]``, read by
    :func:`agents.households.housing.province_targets`); still no more than its households
    need. After ``through_year`` it writes nothing and the national programme applies. When
    adaptive, a review raises the rate by a quarter while the owner's homes built stay below it.
    """

    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        agreements: dict[str, float] = Field(
            default_factory=lambda: dict(PROVINCE_AGREEMENTS),
            description="Homes per province code through through_year (seed: the agreements, "
                        "003:L10253-L11179; ZH gross 2022-2030; GR, DR, LI without a year; "
                        "explore each 0.8-1.2x)")
        first_year: int = Field(
            2022, ge=2000, le=2100, description="First year of the agreements (seed: "
            "2022-2030, 003:L3177)")
        through_year: int = Field(
            2030, ge=2000, le=2100, description="Last year of the agreements (seed: 'tot 2030'; "
            "explore 2030-2035 for GR, DR, LI that give no year)")

    def rates(self, model: RegionModel, year: int) -> dict[str, float]:
        p = self.parameters
        if not p.first_year <= year <= p.through_year:
            return {}
        years = max(p.through_year - p.first_year + 1, 1)
        return {code: p.agreements.get(code, 0.0) / years * self.intensity
                for code in _provinces(model, self.cells) if code in p.agreements}


@register("WONING-WOONDEALS")
class RegionalHousingDeals(_ProvinceRates):
    """Regionale woondeals: in 35 regional deals (December 2022-February 2023) almost a million
    homes are agreed through 2035.

    Source: 004_9972baf923c41044.txt:L3385-3386 ("In de 35 afgesloten regionale woondeals ...
    tot en met 2035 bijna een miljoen woningen"); 004_9972baf923c41044.txt:L3850-3852 (the
    same deals "tot en met 2030"); 003_96b59ff8675cf4bb.txt:L3178 (deals closed between
    December 2022 and February 2023); 003_96b59ff8675cf4bb.txt:L5531-5537 (the deals work the
    provincial task out per municipality). The seeds give no split per deal and the deals have
    no boundaries in the data: the national rate ``homes_total / (through_year - first_year +
    1)`` (times the intensity) is split over the provinces by the provincial agreements
    (:data:`agents.households.housing.PROVINCE_AGREEMENTS`, ASSUMPTION: the deals detail the
    provincial agreements, 003:L5531-5537) and written as per-province rates, like
    WONING-PROV-2030; where both set a province, the larger rate holds.
    """

    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        homes_total: float = Field(
            1_000_000.0, ge=0.0, le=3_000_000.0, description="Homes of the 35 deals (seed: "
            "'bijna een miljoen', 004:L3385-3386; explore 900,000-1,000,000)")
        first_year: int = Field(
            2023, ge=2000, le=2100, description="First year (deals closed Dec 2022-Feb 2023, "
            "003:L3178)")
        through_year: int = Field(
            2035, ge=2000, le=2100, description="Last year (seed: 2035 in 004:L3385, 2030 in "
            "004:L3850; explore 2030-2035)")

    def rates(self, model: RegionModel, year: int) -> dict[str, float]:
        p = self.parameters
        if not p.first_year <= year <= p.through_year:
            return {}
        national = p.homes_total / max(p.through_year - p.first_year + 1, 1) * self.intensity
        total = sum(PROVINCE_AGREEMENTS.values())
        return {code: national * PROVINCE_AGREEMENTS[code] / total
                for code in _provinces(model, self.cells) if code in PROVINCE_AGREEMENTS}


@register("WBS-24")
class SustainableUrbanisationLadder(Ladder):
    """Zo min mogelijk bodemafdekking, ladder duurzame verstedelijking: infill first, less net
    land take, spare soils that infiltrate.

    Source: 003_96b59ff8675cf4bb.txt:L201-205 (efficient use of space, cover the soil as little
    as possible, keep the sponge of the soil); 003_96b59ff8675cf4bb.txt:L241-244 ("zo min
    mogelijk afdekking van de bodem ... ladder duurzame verstedelijking in op minder netto
    landgebruik"); 003_96b59ff8675cf4bb.txt:L1714 (art. 3.1.6 Bro);
    004_9972baf923c41044.txt:L1052-1055 ("eerst inbreiden, combineren en dan pas wijzigen");
    004_9972baf923c41044.txt:L3544-3547 (limit unnecessary land take);
    004_9972baf923c41044.txt:L4052-4054 ("Vermijdt ontwikkelingen op gronden die geschikt zijn
    voor infiltratie"); 004_9972baf923c41044.txt:L4087-4093. Writes the ladder
    ``verstedelijking`` (infill, transformation, greenfield); on its cells multiplies the
    yearly infill release by ``infill_factor`` (``visa_infill_factor``, which the housing
    programme reads: more homes inside built-up land, so less greenfield) and adds
    ``infiltration_penalty`` to ``building_penalty`` on infiltration soils (physical-geographic
    regions ``infiltration_fgr``), so greenfield housing and relocating firms go there last.
    Valuable farmland is ordered last by LN-09 (the farmland ladder), not here.
    """

    name = "verstedelijking"
    order = ("infill", "transformation", "greenfield")
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        infill_factor: float = Field(
            1.5, ge=1.0, le=10.0, description="Multiplier on the yearly infill release "
            "(ASSUMPTION: the seed gives no number; baseline 46% of homes inside built-up "
            "land; explore 1.2-3)")
        infiltration_penalty: float = Field(
            2.0, ge=0.0, le=20.0, description="Utility units added to building_penalty on "
            "infiltration soils (ASSUMPTION, as the soft building-zone penalties; explore "
            "0.5-10)")
        infiltration_fgr: tuple[str, ...] = Field(
            ("hz",), description="FGR regions counted as infiltration soils (ASSUMPTION: the "
            "hogere zandgronden, where rain infiltrates to the groundwater; explore adding "
            "'du' (dunes) and 'hl' (heuvelland))")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        factor = 1.0 + (p.infill_factor - 1.0) * self.intensity
        target = policy.cell_target(VISA_INFILL_FACTOR)
        where = self.cells
        target[where] = np.where(np.isnan(target[where]), 1.0, target[where]) * factor
        cache = model.__dict__.setdefault("_infiltration_soils", {})
        if p.infiltration_fgr not in cache:
            codes = model.landscape.codes("fgr")
            ids = [codes.index(c) + 1 for c in p.infiltration_fgr if c in codes]
            cache[p.infiltration_fgr] = np.isin(model.landscape["fgr_id"], ids)
        soil = where & cache[p.infiltration_fgr]
        if soil.any() and p.infiltration_penalty > 0:
            add_penalty(policy, soil, p.infiltration_penalty * self.intensity)


@register("WERKLOC-BEHOUD")
class KeepBusinessLand(Mask):
    """Behoud van in ieder geval het huidige areaal bedrijventerrein: the current business land
    stays for economic activity; it is not transformed into housing.

    Source: 003_96b59ff8675cf4bb.txt:L1579-1581 (keep the scarce space for firms, 2.6% of the
    Netherlands); 003_96b59ff8675cf4bb.txt:L1619-1625 ("het behoud van in ieder geval het
    huidige areaal"); 003_96b59ff8675cf4bb.txt:L1641-1649 (the mkb's locations under pressure
    to be transformed into housing); 002_e34ac4cdf062f2da.txt:L1185-1188 ("allereerst te sturen
    op het behouden van de bestaande ruimte"). Sets the mask ``no_business_land_transformation``
    on the cells of its scope (it matters only where they hold business land);
    :func:`agents.firms.business_land.year_step` then transforms nothing there, whatever
    BRUIS-TRANSFORMATIE (or the autonomous transformation) asks, and in whatever order the
    scenario lists them. The stock can then only grow (planned land arrives; nothing else takes
    it away). The seed's extra need of about 7,000 ha to 2030 is WERKLOC-DEMAND's.
    """

    kind = "no_business_land_transformation"
    default_scope_layer = "land_mask"


# -- Ruimtelijk Economische Visie (002): the industrial and production milieus ----------------

#: Zone of the five energy-intensive industry clusters (REV-INDUSTRIEEL).
INDUSTRY_CLUSTER_ZONE = "industry_cluster"


def industry_cluster_cells(model: RegionModel, core_radius_m: float = bz.CLUSTER_CORE_RADIUS_M,
                           contour_width_m: float = bz.CONTOUR_WIDTH_M) -> np.ndarray:
    """The five clusters with their milieucontour (bool, grid shape): the zone
    ``industrial_contour`` of :mod:`environment.building_zones` (KC-51's, cached there)."""
    return bz.zone(model, "industrial_contour", core_radius_m=core_radius_m,
                   contour_width_m=contour_width_m)


@register("REV-INDUSTRIEEL")
class ProtectIndustrialMilieu(Zoning):
    """Industrieel milieu beschermen en beter benutten: the five energy-intensive industry
    clusters are areas of national interest; their land and their environmental space
    (milieuruimte, the zoning around them) are kept for the activities that need it, with a
    buffer against sensitive functions such as housing.

    Source: 002_e34ac4cdf062f2da.txt:L1110-1127 (scarce parks with wide environmental zoning;
    the five clusters as national interest); 002_e34ac4cdf062f2da.txt:L1450-1477 ("beschermen
    en beter benutten"; only for activities that are a nuisance or port-bound; the
    milieuzonering as buffer "tussen milieubelastende en milieugevoelige functies ... zoals
    woningbouw"); 004_9972baf923c41044.txt:L1946-1950 (HMC categories 4-6);
    004_9972baf923c41044.txt:L1956-1957 (the five clusters);
    004_9972baf923c41044.txt:L2594-2597 and L2675-2679 (protect water- and quay-bound and
    high-category parks; HMC land only for activities that need the space). The zone
    ``industry_cluster`` is KC-51's: the land within ``core_radius_m + contour_width_m`` of the
    cluster points of :data:`environment.building_zones.FIVE_CLUSTERS` (ASSUMPTION, see
    docs/building_masks.md). Inside it: no business land is transformed (mask
    ``no_business_land_transformation``, as WERKLOC-BEHOUD); the housing programme adds no
    infill homes (``visa_infill_factor`` times 0) and orders its greenfield cells there after
    the others of the same COROP region (``visa_greenfield_penalty`` + ``housing_penalty``).
    The HMC categories and the water-bound parks have no layer: not modelled; nor is the
    rule that only nuisance firms settle in the clusters (the relocation of firms has no
    per-milieu admission).
    """

    zone = INDUSTRY_CLUSTER_ZONE
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        core_radius_m: float = Field(
            bz.CLUSTER_CORE_RADIUS_M, ge=0.0, le=10_000.0, description="Radius of a "
            "cluster's own industrial area around its point (ASSUMPTION, as KC-51; explore "
            "1,000-4,000 m)")
        contour_width_m: float = Field(
            bz.CONTOUR_WIDTH_M, ge=0.0, le=10_000.0, description="Milieucontour beyond it "
            "(ASSUMPTION, as KC-51: VNG guideline distance of category 6, 1,500 m; explore "
            "500-3,000 m)")
        housing_penalty: float = Field(
            10.0, ge=0.0, le=100.0, description="Utility units off the greenfield housing order "
            "inside the zone (ASSUMPTION: larger than the spread of the attractiveness scores, "
            "so housing goes elsewhere in the region first; explore 2-20)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        p = self.parameters
        where = self.cells & industry_cluster_cells(model, p.core_radius_m, p.contour_width_m)
        policy.zone(self.zone)[where] = True
        policy.mask("no_business_land_transformation")[where] = True
        infill = policy.cell_target(VISA_INFILL_FACTOR)
        infill[where] = 0.0
        green = policy.cell_target(VISA_GREENFIELD_PENALTY)
        green[where] = np.nan_to_num(green[where]) + p.housing_penalty * self.intensity


def production_cells(model: RegionModel, year: int | None = None) -> np.ndarray:
    """Cells (bool, grid shape) whose business land is mostly used by productie firms: the
    productie milieu's land in use is the largest of the business-land milieus there. With
    ``year``, computed once per year and model (the provinces' instances share it)."""
    if year is not None:
        cached = model.__dict__.get("_production_cells")
        if cached is None or cached[0] != year:
            cached = (year, production_cells(model))
            model.__dict__["_production_cells"] = cached
        return cached[1]
    from agents.firms.business_land import BUSINESS_LAND_MILIEUS
    from agents.firms.state import PRODUCTIE

    bl = model.business_land
    firms = model.firms
    n_cells = bl.stock_ha.size
    on = firms.active & (firms.cell >= 0)
    need = firms.jobs * bl.ha_per_job[firms.werkmilieu]
    used = {m: np.bincount(firms.cell[on & (firms.werkmilieu == m)],
                           weights=need[on & (firms.werkmilieu == m)], minlength=n_cells)
            for m in BUSINESS_LAND_MILIEUS}
    most = np.max([used[m] for m in BUSINESS_LAND_MILIEUS if m != PRODUCTIE], axis=0)
    mine = (used[PRODUCTIE] > 0) & (used[PRODUCTIE] >= most) & (bl.stock_ha > 0)
    return bl.grid_values(mine)


class _CompensationParameters(InstrumentParameters):
    max_distance_km: float = Field(
        5.0, gt=0.0, le=30.0, description="ASSUMPTION: 'in de nabije omgeving': replacement "
        "land within this distance of the transformed cell, else elsewhere in the province "
        "(the catalogue leaves it open); explore 2-15")
    floor_space_ratio: float = Field(
        1.0, ge=0.0, le=2.0, description="Replacement land per transformed ha (ASSUMPTION: "
        "like for like, as REV-COMPENSATION's default; explore 0.5-1.5)")
    lead_time_yr: int = Field(
        2, ge=1, le=15, description="ASSUMPTION: years from transformation to the replacement "
        "land (as REV-COMPENSATION); explore 1-10")


def _require_compensation(policy: PolicyState, where: np.ndarray, ha_per_ha: float,
                          distance_m: float, lead_yr: float) -> None:
    """Write the REV-COMPENSATION cell targets on ``where``: the larger ratio, the nearer
    radius and the longer lead time of what is there already and of these values."""
    ratio = policy.cell_target("business_land_compensation_ha_per_ha")
    ratio[where] = np.fmax(ratio[where], ha_per_ha)
    radius = policy.cell_target("business_land_compensation_distance_m")
    radius[where] = np.fmin(radius[where], distance_m)
    lead = policy.cell_target("business_land_compensation_lead_yr")
    lead[where] = np.fmax(lead[where], lead_yr)


@register("REV-PRODUCTIE")
class KeepProductionMilieu(Rule):
    """Productiemilieu behouden: regular business parks stay for activities that cannot mix
    with housing; where one is transformed anyway, replacement land is made nearby.

    Source: 002_e34ac4cdf062f2da.txt:L1484-1495 (production milieus sold out around 2030;
    transformation of inner-city parks into housing "zorgelijk");
    002_e34ac4cdf062f2da.txt:L1505-1520 ("in de basis behouden blijven voor economische
    activiteiten. Als er al sprake is van transformatie ... in de nabije omgeving vervangende
    ruimte"; offices and retail belong elsewhere); 004_9972baf923c41044.txt:L2591-2593 and
    L3998-4000 (protect local and urban business parks). On the cells whose business land is
    mostly used by productie firms (:func:`production_cells`) it requires compensation for
    any transformation: it writes REV-COMPENSATION's cell targets there (``floor_space_ratio``
    ha per transformed ha within ``max_distance_km``, after ``lead_time_yr``; with
    REV-COMPENSATION on the same cells the larger ratio, the nearer radius and the longer lead
    time hold only if REV-PRODUCTIE is listed after it, as REV-COMPENSATION overwrites). The
    business land then plans the replacement land (:func:`agents.firms.business_land.
    year_step`). Moving offices and retail off the parks is not modelled.
    """

    flag = "production_milieu_kept"
    default_scope_layer = "land_mask"
    Parameters = _CompensationParameters

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        where = self.cells & production_cells(model, year)
        _require_compensation(policy, where, p.floor_space_ratio * self.intensity,
                              p.max_distance_km * 1000.0, float(p.lead_time_yr))


@register("WERKLOC-WOON-WERK")
class HousingWorkAgreements(Rule):
    """Woon-werkafspraken: where firms must leave a NOVEX housing site, they can go on in the
    plan area itself or at a location nearby in the region.

    Source: 003_96b59ff8675cf4bb.txt:L3093-3095 (housing-work agreements for the 17 NOVEX
    sites "op het moment dat bedrijven en hun werknemers verplaatst moeten worden") and
    003_96b59ff8675cf4bb.txt:L3110-3112 ("in het plangebied zelf of op een nabijgelegen
    locatie in de regio"; practically educated workers keep their jobs). Firms are displaced
    when business land is transformed (BRUIS-TRANSFORMATIE); on the NOVEX sites
    (:data:`abm.policy.instruments.wonen.NOVEX_SITES` within ``site_radius_m``, as
    NOVEX-17-SITES) this rule requires replacement land within ``relocation_radius_km`` of the
    transformed cell (REV-COMPENSATION's cell targets, as REV-PRODUCTIE), which the business
    land plans; displaced firms move first within 5 km (the business land's nearby step), so
    they find it there. Without transformation on the sites the rule changes nothing.
    """

    flag = "housing_work_agreements"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        relocation_radius_km: float = Field(
            5.0, gt=0.0, le=30.0, description="ASSUMPTION: 'nabijgelegen locatie in de "
            "regio' (the catalogue leaves it open): replacement land within this distance; "
            "explore 2-15")
        site_radius_m: float = Field(
            2500.0, ge=250.0, le=10_000.0, description="Radius of a NOVEX site around its "
            "point (ASSUMPTION, as NOVEX-17-SITES; explore 1,000-4,000 m)")
        floor_space_ratio: float = Field(
            1.0, ge=0.0, le=2.0, description="Replacement land per transformed ha "
            "(ASSUMPTION: every displaced firm keeps its room; explore 0.5-1.5)")
        lead_time_yr: int = Field(
            2, ge=1, le=15, description="ASSUMPTION: years from transformation to the "
            "replacement land (agreed when the firms must move); explore 1-10")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        from abm.policy.instruments.wonen import novex_cells

        super().apply(model, policy, year)
        p = self.parameters
        cache = model.__dict__.setdefault("_novex_cells", {})
        if p.site_radius_m not in cache:
            cache[p.site_radius_m] = novex_cells(model, p.site_radius_m)
        where = self.cells & cache[p.site_radius_m]
        _require_compensation(policy, where, p.floor_space_ratio * self.intensity,
                              p.relocation_radius_km * 1000.0, float(p.lead_time_yr))
