"""Instruments of where building may not go (issue 4, section 3): uiterwaarden (WBS-10),
dike reservations (WBS-11), future water space (WBS-22), climate risk in siting (WBS-21),
industrial contours (KC-51) and the hyperscale datacentre areas (DATACENTRA-HYPERSCALE).

Each zone instrument has a boolean ``hard``: hard, it sets ``no_new_buildings`` on its zone
(reservations set ``reserved`` as well); soft, it adds its ``penalty`` (utility units) to the
cell target ``building_penalty`` there, which the housing and business-land choices read, and
leaves ``no_new_buildings`` alone. The zones are the proxies of
:mod:`environment.building_zones` (docs/building_masks.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import Field

from abm.policy.instruments.water_bodem import DeepPolderWaterStorage
from abm.policy.mechanisms import InstrumentParameters, Mask, Reservation, Rule
from abm.policy.registry import register
from abm.policy.state import PolicyState
from environment import building_zones as bz

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Cell target of soft steering away from building (float per cell, >= 0, utility units).
BUILDING_PENALTY = "building_penalty"
#: Mask of hard building bans.
NO_NEW_BUILDINGS = "no_new_buildings"
#: Zone where hyperscale datacentres may settle (DATACENTRA-HYPERSCALE).
DATACENTRE_ZONE = "hyperscale_datacentre_areas"

_HARD = "true: no new buildings in the zone (no_new_buildings); false: only building_penalty"
_PENALTY = ("Soft variant: utility penalty added to building_penalty in the zone (ASSUMPTION; "
            "explore 0.5-3)")


def building_penalty(policy: PolicyState) -> np.ndarray:
    """This year's ``building_penalty`` (zeros when no instrument wrote it yet); writable."""
    if BUILDING_PENALTY not in policy.cell_targets:
        policy.cell_targets[BUILDING_PENALTY] = np.zeros(policy.shape, dtype=np.float64)
    return policy.cell_targets[BUILDING_PENALTY]


def add_penalty(policy: PolicyState, where: np.ndarray, penalty: float | np.ndarray) -> None:
    """Add ``penalty`` (a number, or one per cell in the grid's shape) to building_penalty on
    ``where``."""
    target = building_penalty(policy)
    value = penalty[where] if isinstance(penalty, np.ndarray) else penalty
    target[where] = np.nan_to_num(target[where]) + value


class _BuildingZone:
    """Mixin of the zone instruments: the zone (``zone_name`` of environment.building_zones
    with :meth:`zone_parameters`) within :attr:`cells`, hard or soft."""

    zone_name: ClassVar[str] = ""
    #: Parameters that shape the zone (passed to environment.building_zones.zone).
    zone_fields: ClassVar[tuple[str, ...]] = ()
    _zone: np.ndarray | None = None

    def zone_parameters(self) -> dict[str, Any]:
        return {name: getattr(self.parameters, name) for name in self.zone_fields}

    def zone_cells(self, model: RegionModel, year: int) -> np.ndarray:
        """The zone within this instrument's cells (bool, grid shape)."""
        if self._zone is None:
            self._zone = self.cells & bz.zone(model, self.zone_name, **self.zone_parameters())
        return self._zone

    def write(self, policy: PolicyState, where: np.ndarray) -> None:
        if self.parameters.hard:
            policy.mask(NO_NEW_BUILDINGS)[where] = True
            if self.mechanism == "reservation":
                policy.mask("reserved")[where] = True
        else:
            add_penalty(policy, where, self.parameters.penalty * self.intensity)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        self.write(policy, self.zone_cells(model, year))


@register("WBS-10")
class NoBuildingInUiterwaarden(_BuildingZone, Mask):
    """No new buildings in the uiterwaarden of the Beleidslijn grote rivieren.

    Source: 003_96b59ff8675cf4bb.txt:L172-176 ('We staan in de uiterwaarden ... geen nieuwe
    bebouwing meer toe', from now on, except development sites with earlier agreements with the
    Rijk); 003_96b59ff8675cf4bb.txt:L362; 004_9972baf923c41044.txt:L607-609;
    004_9972baf923c41044.txt:L3154-3156; 004_9972baf923c41044.txt:L3537-3539;
    004_9972baf923c41044.txt:L3874-3876. In force, so ``hard`` by default; the exceptions
    (sites with agreements, 'vergevorderde afspraken') are not modelled. Zone:
    ``environment.building_zones.uiterwaarden`` (river axes as known lines, ASSUMPTION).
    """

    zone_name = "uiterwaarden"
    zone_fields = ("half_width_m", "max_height_m")
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        hard: bool = Field(True, description=_HARD + " (seed: in force, 003:L172-176)")
        penalty: float = Field(2.0, ge=0.0, le=10.0, description=_PENALTY)
        half_width_m: float = Field(
            bz.RIVERBED_HALF_WIDTH_M, ge=0.0, le=5000.0, description="Half width of the river "
            "bed from the river axis, m (ASSUMPTION; explore 300-1000)")
        max_height_m: float = Field(
            bz.UITERWAARD_MAX_HEIGHT_M, ge=0.0, le=50.0, description="Highest elevation above "
            "the nearest river cell, m (ASSUMPTION; explore 3-8)")


@register("WBS-11")
class DikeReservation(_BuildingZone, Reservation):
    """Keep and update the reservation zones along the primary flood defences (dikes, coast).

    Source: 003_96b59ff8675cf4bb.txt:L178-181 (reserve room for future dike and coast
    reinforcement, as lasting as possible; plans adapted in 2023); 003_96b59ff8675cf4bb.txt:L363;
    004_9972baf923c41044.txt:L609-614; 004_9972baf923c41044.txt:L2876-2877 ('Gemaakte keuze');
    004_9972baf923c41044.txt:L3539-3540. A made choice on existing zones, so ``hard`` by
    default. The seed gives no width (zone_width_m=?): ``zone_width_m`` is an ASSUMPTION. Zone:
    ``environment.building_zones.dike_reservation`` (land beside the sea, Waddenzee, deltas,
    IJsselmeer, Markermeer and the river beds).
    """

    kind = NO_NEW_BUILDINGS
    zone_name = "dike_reservation"
    zone_fields = ("zone_width_m",)
    default_owner = "waterschap"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        hard: bool = Field(True, description=_HARD + " (seed: made choice, 004:L2876-2877)")
        penalty: float = Field(2.0, ge=0.0, le=10.0, description=_PENALTY)
        zone_width_m: float = Field(
            bz.DIKE_ZONE_WIDTH_M, ge=0.0, le=2000.0, description="Width of the reservation band "
            "on the land side, m (seed: ?; ASSUMPTION, explore 50-300)")


@register("WBS-22")
class FutureWaterSpace(_BuildingZone, Reservation):
    """Keep land needed for water storage, river discharge and dike reinforcement free of
    building; river reservations free of permanent building.

    Source: 003_96b59ff8675cf4bb.txt:L234-235; 004_9972baf923c41044.txt:L636-638 (current
    binnendijkse river reservations kept); 004_9972baf923c41044.txt:L1492-1494 ('Gemaakte
    keuze': reservation areas free of permanent building, temporary uses allowed under
    conditions); 004_9972baf923c41044.txt:L3541-3542. In force, so ``hard`` by default
    (temporary uses are not modelled). Zone: the river reservations
    (``environment.building_zones.river_reservation``) plus the water-storage cells of the
    WBS-13 instruments in force this year (read from them, not duplicated: without WBS-13 the
    zone is the river reservations alone). The dike-reinforcement room is WBS-11's zone.
    """

    kind = NO_NEW_BUILDINGS
    zone_name = "river_reservation"
    zone_fields = ("reservation_m",)
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        hard: bool = Field(True, description=_HARD + " (seed: made choice, 004:L1492-1494)")
        penalty: float = Field(2.0, ge=0.0, le=10.0, description=_PENALTY)
        reservation_m: float = Field(
            bz.RIVER_RESERVATION_M, ge=0.0, le=10000.0, description="Reach of the river "
            "reservations from a river axis, m (ASSUMPTION; explore 1000-3000)")

    def zone_cells(self, model: RegionModel, year: int) -> np.ndarray:
        storage = np.zeros(self.cells.shape, dtype=bool)
        for inst in model.instruments:
            if isinstance(inst, DeepPolderWaterStorage) and inst.active(year):
                storage |= inst.selected(model)
        return super().zone_cells(model, year) | (self.cells & storage)


@register("KC-51")
class IndustrialContour(_BuildingZone, Mask):
    """No new housing in or at the edge of the five energy-intensive industrial clusters,
    against their milieucontouren; buffer and zone.

    Source: 002_e34ac4cdf062f2da.txt:L1470-1477 (the milieuzonering around a cluster is a
    buffer between polluting and sensitive functions such as housing);
    004_9972baf923c41044.txt:L2486-2495 ('in beginsel geen nieuwe woningbouwplannen direct in
    de omgeving van die clusters'); 004_9972baf923c41044.txt:L2801-2805 ('Te maken keuze':
    no new housing in or at the edges of the five clusters). The five clusters:
    002_e34ac4cdf062f2da.txt:L460-462. A choice still to be made, so soft by default (``hard``
    false). Zone: ``environment.building_zones.industrial_contour`` (cluster points of
    agents.firms.placement, ``core_radius_m`` plus ``contour_width_m``).
    """

    zone_name = "industrial_contour"
    zone_fields = ("contour_width_m", "core_radius_m")
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        hard: bool = Field(False, description=_HARD + " (seed: choice to be made, "
                           "004:L2801-2805)")
        penalty: float = Field(1.0, ge=0.0, le=10.0, description=_PENALTY)
        contour_width_m: float = Field(
            bz.CONTOUR_WIDTH_M, ge=0.0, le=10000.0, description="Milieucontour beyond the "
            "cluster's area, m (VNG milieucategorie 6: 1500 m; explore 500-3000)")
        core_radius_m: float = Field(
            bz.CLUSTER_CORE_RADIUS_M, ge=0.0, le=10000.0, description="Radius of the "
            "cluster's own area around its point, m (ASSUMPTION; explore 1000-4000)")


@register("WBS-21")
class ClimateRiskSiting(Rule):
    """Flood, waterlogging, subsidence (and drinking-water) risk steer where housing goes.

    Source: 003_96b59ff8675cf4bb.txt:L228-232 (the risks 'sturend bij de locatiekeuze en
    inrichting van woningbouw'); 003_96b59ff8675cf4bb.txt:L378-380 (the concept framework
    applies from 1-1-2025 where no bestemmingsplan exists); 004_9972baf923c41044.txt:L2871-2874
    (location choice by the Afwegingskader klimaatadaptieve gebouwde omgeving: waterlogging and
    subsidence); 004_9972baf923c41044.txt:L3154-3157 (not on very soft soils or at very high
    waterlogging risk without large investments); 004_9972baf923c41044.txt:L4056-4057. A
    weighing framework, so soft by default: each year ``weight`` x the risk score
    (``environment.building_zones.risk``: flood, waterlogging from the model's groundwater,
    subsidence; drinking water has no data) is added to building_penalty. With ``hard`` the
    cells at or above ``threshold`` (the seed's suitability_threshold=?) take no new buildings.
    """

    flag = "climate_risk_siting"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        hard: bool = Field(False, description="true: no new buildings where the risk reaches "
                           "threshold; false: risk x weight added to building_penalty (seed: a "
                           "weighing framework, 004:L2871-2874)")
        weight: float = Field(2.0, ge=0.0, le=20.0, description="Utility penalty at risk 1 "
                              "(ASSUMPTION; explore 0.5-5)")
        threshold: float = Field(0.8, ge=0.0, le=1.0, description="Hard variant: risk score "
                                 "from which building is banned (seed: ?; ASSUMPTION, explore "
                                 "0.6-0.95)")
        flood_weight: float = Field(bz.RISK_WEIGHTS[0], ge=0.0, le=10.0, description="Weight "
                                    "of the flood component (ASSUMPTION; explore 0-2)")
        waterlogging_weight: float = Field(bz.RISK_WEIGHTS[1], ge=0.0, le=10.0, description=
                                           "Weight of waterlogging (ASSUMPTION; explore 0-2)")
        subsidence_weight: float = Field(bz.RISK_WEIGHTS[2], ge=0.0, le=10.0, description=
                                         "Weight of subsidence (ASSUMPTION; explore 0-2)")

    def risk(self, model: RegionModel) -> np.ndarray:
        """This year's risk score on :attr:`cells` (0 elsewhere). The national score is computed
        once a year per set of weights and shared by the owners' copies (policy apply)."""
        p = self.parameters
        weights = (p.flood_weight, p.waterlogging_weight, p.subsidence_weight)
        if sum(weights) <= 0:
            return np.zeros(self.cells.shape)
        cache = model.__dict__.setdefault("_wbs21_risk", {})
        if cache.get("year") != model.year:
            cache.clear()
            cache["year"] = model.year
        if weights not in cache:
            cache[weights] = bz.risk(model, weights)
        return np.where(self.cells, cache[weights], 0.0)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        score = self.risk(model)
        if self.parameters.hard:
            policy.mask(NO_NEW_BUILDINGS)[self.cells & (score >= self.parameters.threshold)] = True
        else:
            add_penalty(policy, self.cells, self.parameters.weight * self.intensity * score)


@register("DATACENTRA-HYPERSCALE")
class HyperscaleDatacentreAreas(Mask):
    """Hyperscale datacentres only in two areas (Eemshaven, Hollands Kroon).

    Source: 002_e34ac4cdf062f2da.txt:L750-751 (from 1 January 2024 only in the Eemshaven and
    Hollands Kroon); 004_9972baf923c41044.txt:L2780-2783 ('Gemaakte keuze': no new hyperscale
    datacentres outside the two areas; smaller ones remain possible). In force, so ``hard`` by
    default: the mask ``no_hyperscale_datacentres`` on the land in scope outside the two areas;
    the zone ``hyperscale_datacentre_areas`` (``environment.building_zones.datacentre_areas``)
    is written either way. Homes and other buildings are not affected (no_new_buildings stays),
    and no agent places datacentres yet.
    """

    kind = "no_hyperscale_datacentres"
    zone_name: ClassVar[str] = "datacentre_areas"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        hard: bool = Field(True, description="true: mask no_hyperscale_datacentres outside the "
                           "two areas; false: only the allowed zone (seed: in force 2024-01-01,"
                           " 002:L750-751)")
        radius_m: float = Field(
            bz.DATACENTRE_AREA_RADIUS_M, ge=0.0, le=20000.0, description="Radius of each "
            "area around its point, m (ASSUMPTION; explore 1500-5000)")

    _areas: np.ndarray | None = None

    def zone_parameters(self) -> dict[str, Any]:
        return {"radius_m": self.parameters.radius_m}

    def areas(self, model: RegionModel) -> np.ndarray:
        """The two areas within :attr:`cells`."""
        if self._areas is None:
            self._areas = self.cells & bz.zone(model, self.zone_name, **self.zone_parameters())
        return self._areas

    def selected(self, model: RegionModel) -> np.ndarray:
        return self.cells & ~self.areas(model)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.zone(DATACENTRE_ZONE)[self.areas(model)] = True
        if self.parameters.hard:
            super().apply(model, policy, year)
