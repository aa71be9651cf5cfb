"""Instruments of the Nota Ruimte beweging 'nieuw evenwicht tussen landbouw en natuur' (004)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from abm.policy.mechanisms import InstrumentParameters, Ladder, Rule, Target, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState
from environment.layers import AGRICULTURE

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Name of the zone LN-13 sets and LN-14 reads.
AANDACHTSGEBIED = "aandachtsgebied"


def aandachtsgebied(model: RegionModel, transition_zone_m: float) -> np.ndarray:
    """Agricultural priority area: agricultural peat, and farmland within ``transition_zone_m`` of
    nitrogen-sensitive Natura 2000 (the overgangsgebieden), and, when the run has WBS-32, the
    cells of its brook-valley buffers. Groundwater protection areas belong to it too but are not
    in the open data here. Computed once per model and width (the layers and buffers it reads do
    not change during a run)."""
    cache = model.__dict__.setdefault("_aandachtsgebied", {})
    if transition_zone_m not in cache:
        near = model.distance_to_natura2000_m()
        farmland = model.landscape["land_use"] == AGRICULTURE
        cache[transition_zone_m] = farmland & ((model.peat_ha > 0) | (near <= transition_zone_m))
    brooks = _brook_buffer_cells(model)
    if brooks is None:
        return cache[transition_zone_m]
    key = ("with_brook_buffers", transition_zone_m)
    if key not in cache:
        cache[key] = cache[transition_zone_m] | brooks
    return cache[key]


def _brook_buffer_cells(model: RegionModel) -> np.ndarray | None:
    """Union of the buffer cells of the run's WBS-32 instruments (None without any)."""
    from abm.policy.instruments.water_bodem import BrookValleyBuffer

    if "_brook_buffer_cells" not in model.__dict__:
        buffers = [i for i in getattr(model, "instruments", ()) if isinstance(i, BrookValleyBuffer)]
        if not buffers:
            return None
        zone = np.zeros(model.landscape.grid.shape, dtype=bool)
        for inst in buffers:
            zone |= inst.buffer_cells
        model.__dict__["_brook_buffer_cells"] = zone
    return model.__dict__["_brook_buffer_cells"]


@register("LN-13")
class AandachtsgebiedZoning(Zoning):
    """Landbouw aandachtsgebieden: veenweide, overgangsgebieden around nitrogen-sensitive
    Natura 2000, buffers of kwetsbare beekdalen, groundwater protection areas.

    Source: 004_9972baf923c41044.txt:L1180-1188; 004_9972baf923c41044.txt:L1239-1241;
    004_9972baf923c41044.txt:L1395-1405. Provinces draw the areas; here
    the zone is agricultural peat plus farmland within ``transition_zone_m`` of nitrogen-sensitive
    Natura 2000 (ASSUMPTION; the seed leaves the size to the provinces). Other instruments (LN-14)
    act inside it.
    """

    zone = AANDACHTSGEBIED
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        transition_zone_m: float = Field(
            1000.0, ge=0.0, le=10000.0, description="Width of the overgangsgebied around "
            "N-sensitive Natura 2000 (ASSUMPTION; explore 250-3000 m)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        zone = aandachtsgebied(model, self.parameters.transition_zone_m)
        policy.zone(self.zone)[self.cells & zone] = True


@register("LN-14")
class AandachtsgebiedExtensification(Rule):
    """Extensive farming in the aandachtsgebieden with natuurbeheer, organic farming and
    ecosystem services.

    Source: 004_9972baf923c41044.txt:L1207-1236. Inside the aandachtsgebied (the LN-13 zone when
    a scenario has it, whatever the order of the instruments; else the same rule with a 1 km
    transition zone) farms are paid
    ``payment_eur_ha`` per hectare a year for extensifying and ``nature_payment_eur_ha`` extra
    for natuurbeheer. The seed gives no amounts or stocking cap (ASSUMPTIONS below).
    """

    flag = "aandachtsgebied_extensification"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        payment_eur_ha: float = Field(
            500.0, ge=0.0, le=10000.0, description="Extensification payment, euro/ha/yr "
            "(ASSUMPTION; explore 200-1500)")
        nature_payment_eur_ha: float = Field(
            300.0, ge=0.0, le=10000.0, description="Extra natuurbeheer payment, euro/ha/yr "
            "(ASSUMPTION; explore 0-1000)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION); payments beyond the budget are owed but not paid")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        where = self.cells & self._zone(model)
        self.receive_yearly_budget()
        policy.pay("extensification", where, self.parameters.payment_eur_ha, self.account)
        policy.pay("nature_management", where, self.parameters.nature_payment_eur_ha,
                   self.account)

    @staticmethod
    def _zone(model: RegionModel) -> np.ndarray:
        """The union of the run's LN-13 zones (each in its own scope), else the default zone;
        once per model (the zones do not change during a run)."""
        cached = model.__dict__.get("_ln14_zone")
        if cached is not None:
            return cached
        zoning = [i for i in model.instruments if isinstance(i, AandachtsgebiedZoning)]
        if not zoning:
            zone = aandachtsgebied(model, 1000.0)
        else:
            zone = np.zeros(model.landscape.grid.shape, dtype=bool)
            for inst in zoning:
                zone |= inst.cells & aandachtsgebied(model, inst.parameters.transition_zone_m)
        model.__dict__["_ln14_zone"] = zone
        return zone


@register("LN-05")
class OrganicTarget(Target):
    """15% of farmland organic by 2030.

    Source: 004_9972baf923c41044.txt:L1362-1367 (the ambition: 15% of the farmland organic in
    2030); 004_9972baf923c41044.txt:L1226-1228 (organic farming encouraged in the
    aandachtsgebieden). The Rijk pays ``payment_eur_ha`` per hectare a year to organic farms and
    farms converting; when the scenario makes it adaptive, every review raises the payment by a
    quarter while the organic share of the farmland (``organic_area_share``) is below the target
    (and lowers it back toward the start when it is met). The payment is an ASSUMPTION.
    """

    indicator = "organic_area_share"
    better = "higher"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        organic_share: float = Field(0.15, ge=0.0, le=1.0,
                                     description="Target share of the farmland (seed: 15% in 2030, "
                                     "004:L1366-1367)")
        payment_eur_ha: float = Field(
            300.0, ge=0.0, le=10000.0, description="Payment to organic farming, euro/ha/yr "
            "(ASSUMPTION; explore 100-1000)")
        budget_meur_per_yr: float = Field(
            100.0, ge=0.0, le=10000.0, description="The Rijk's budget per year, million euro "
            "(ASSUMPTION); payments beyond the budget are owed but not paid")

    def target_value(self, year: int) -> float:
        return self.parameters.organic_share

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        self.receive_yearly_budget()
        policy.pay("organic", self.cells, self.parameters.payment_eur_ha * self.intensity,
                   self.account)


@register("LN-09")
class FarmlandLadder(Ladder):
    """Afwegingskader zorgvuldige omgang met landbouwgrond: land for other functions is sought
    first on farmland with heavy challenges, then moderate, last on land with few challenges.

    Source: 004_9972baf923c41044.txt:L1041-1069 (the framework and its steps; provinces divide
    farmland into zware, matige and beperkte uitdagingen); 004_9972baf923c41044.txt:L1201-1204
    (farmland in aandachtsgebieden leaves agriculture only after the framework is applied);
    004_9972baf923c41044.txt:L1383-1384. The provinces' maps are not yet drawn; here
    (ASSUMPTION) zware = agricultural peat, farmland within ``transition_zone_m`` of
    N-sensitive Natura 2000, or saline land (index 0.2 or more); beperkte = clay and loess outside
    those; matige = the rest (mostly sand). Land purchase for nature and the land bank buy in the
    ladder's order (zware first). The first step (inbreiden, combineren) and the compensation of
    knock-on effects concern developers, who come with the cities issue.
    """

    name = "farmland"
    order = ("zware", "matige", "beperkte")
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        transition_zone_m: float = Field(
            1000.0, ge=0.0, le=10000.0, description="Width of the overgangsgebied counted as "
            "heavy challenges (ASSUMPTION, as LN-13; explore 250-3000 m)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        from agents.farmers.land_prices import CHALLENGE_CLASSES

        super().apply(model, policy, year)
        classes = farmland_classes(model, year, self.parameters.transition_zone_m)
        for code, label in enumerate(CHALLENGE_CLASSES):
            policy.zone(f"ladder_{label}")[self.cells & (classes == code)] = True


def farmland_classes(model: RegionModel, year: int,
                     transition_zone_m: float = 1000.0) -> np.ndarray:
    """The LN-09 class of every cell this year (0 zware, 1 matige, 2 beperkte; see
    :class:`FarmlandLadder`), computed once a year (salinity changes yearly) and cached on the
    model; the housing programme reports greenfield conversion by it whether or not LN-09 is in
    force."""
    from agents.farmers.land_prices import SALINE_INDEX, challenge_class

    cache = model.__dict__.setdefault("_ladder_classes", {})
    key = (year, transition_zone_m)
    if key not in cache:
        cache.clear()
        soils = model.landscape.codes("soil")
        soil = model.landscape["soil_id"]
        clay_or_loess = np.isin(soil, [soils.index("klei") + 1, soils.index("loess") + 1])
        near = model.distance_to_natura2000_m() <= transition_zone_m
        cache[key] = challenge_class(model.peat_ha > 0, near,
                                     model.salinity >= SALINE_INDEX, clay_or_loess)
    return cache[key]


#: Zone of the aandachtsgebied as NPLG-GBD-10PCT reads it (for the indicators).
GBD_ZONE = "gbd_aandachtsgebied"


@register("NPLG-GBD-10PCT")
class GreenBlueVeiningTarget(Target):
    """10% groenblauwe dooradering: in the aandachtsgebieden by 2030, in the rural area by 2050.

    Source: 003_96b59ff8675cf4bb.txt:L448-449; 003_96b59ff8675cf4bb.txt:L481-484;
    004_9972baf923c41044.txt:L1207-1210; 004_9972baf923c41044.txt:L1411-1413 ('geen hard
    doel'). The province sets each farm a target share of its open land in green-blue veining
    (field margins, hedgerows, ditch banks, buffer strips), rising linearly from 0 in the year
    before the start to ``gbd_share`` in ``year_aandachtsgebieden`` inside the aandachtsgebied
    (the LN-13 zone when the scenario has it, else the 1 km rule, with WBS-32 buffers) and in
    ``year_rural_area`` elsewhere, and pays ``payment_eur_ha`` per hectare of it a year. Farms
    take it up when paid (``agents.farmers.gbd``); brook-valley buffers count toward it. With
    ``adaptive`` every review raises the payment by a quarter while the province is below either
    path (and lowers it back toward the start when on track). Payment and budget are ASSUMPTIONS;
    existing landscape elements are not in the data, so the veining starts at 0.
    """

    indicator = "gbd_share"
    better = "higher"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        gbd_share: float = Field(0.10, ge=0.0, le=1.0,
                                 description="Target share of farmland (seed: 10%, 004:L1411)")
        year_aandachtsgebieden: int = Field(
            2030, ge=2000, le=2100, description="Year of the target in the aandachtsgebieden "
            "(seed: 2030, 004:L1207-1210)")
        year_rural_area: int = Field(
            2050, ge=2000, le=2100, description="Year of the target in the rural area "
            "(seed: 2050, 003:L448-449)")
        payment_eur_ha: float = Field(
            1500.0, ge=0.0, le=20000.0, description="Payment per ha of green-blue veining, "
            "euro/ha/yr (ASSUMPTION; explore 500-2500)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION); payments beyond the budget are owed but not paid")

    #: Flat indices of the cells in scope inside and outside the aandachtsgebied.
    _inside: np.ndarray | None = None
    _outside: np.ndarray | None = None

    def path(self, year: int, deadline: int) -> float:
        """Target share in ``year`` on a straight line from 0 (year before the start) to
        ``gbd_share`` in ``deadline``, constant after."""
        span = max(deadline - self.start_year + 1, 1)
        return self.parameters.gbd_share * min(1.0, max(year - self.start_year + 1, 0) / span)

    def target_value(self, year: int) -> float:
        return self.path(year, self.parameters.year_rural_area)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        if self._inside is None:  # the LN-13 zones and WBS-32 buffers do not change in a run
            zone = model.__dict__.get("_gbd_zone")
            if zone is None:
                zone = model.__dict__["_gbd_zone"] = AandachtsgebiedExtensification._zone(model)
            self._inside = np.flatnonzero(self.cells & zone)
            self._outside = np.flatnonzero(self.cells & ~zone)
        policy.zone(GBD_ZONE).ravel()[self._inside] = True
        target = policy.cell_target("gbd_target_share").ravel()
        target[self._inside] = self.path(year, p.year_aandachtsgebieden)
        target[self._outside] = self.path(year, p.year_rural_area)
        self.receive_yearly_budget()
        policy.pay("gbd", self.cells, p.payment_eur_ha * self.intensity, self.account)

    def review(self, model: RegionModel, year: int) -> None:
        if not self.adaptive:
            return
        rural = model.latest_indicator("gbd_share", self.owner)
        zone = model.latest_indicator("gbd_share_aandachtsgebied", self.owner)
        if rural is None:
            return
        missed = rural < self.path(year, self.parameters.year_rural_area)
        if zone is not None and np.isfinite(zone):
            missed |= zone < self.path(year, self.parameters.year_aandachtsgebieden)
        self.intensity = self.intensity + self.step if missed else max(1.0,
                                                                        self.intensity - self.step)
