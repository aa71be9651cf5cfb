"""Instruments of the Nota Ruimte beweging 'nieuw evenwicht tussen landbouw en natuur' (004)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from abm.policy.mechanisms import InstrumentParameters, Rule, Target, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState
from environment.layers import AGRICULTURE

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Name of the zone LN-13 sets and LN-14 reads.
AANDACHTSGEBIED = "aandachtsgebied"


def aandachtsgebied(model: RegionModel, transition_zone_m: float) -> np.ndarray:
    """Agricultural priority area: agricultural peat, and farmland within ``transition_zone_m`` of
    nitrogen-sensitive Natura 2000 (the overgangsgebieden). Brook-valley buffers and groundwater
    protection areas belong to it too but are not in the open data here. Computed once per model
    and width (the layers it reads do not change during a run)."""
    from agents.farmers.placement import distance_to_m

    cache = model.__dict__.setdefault("_aandachtsgebied", {})
    if transition_zone_m not in cache:
        near = distance_to_m(model.n2000_sensitive, model.landscape.grid.cell_size_m)
        farmland = model.landscape["land_use"] == AGRICULTURE
        cache[transition_zone_m] = farmland & ((model.peat_ha > 0) | (near <= transition_zone_m))
    return cache[transition_zone_m]


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
        policy.pay("extensification", where, self.parameters.payment_eur_ha, self.owner)
        policy.pay("nature_management", where, self.parameters.nature_payment_eur_ha, self.owner)

    @staticmethod
    def _zone(model: RegionModel) -> np.ndarray:
        """The union of the run's LN-13 zones (each in its own scope), else the default zone."""
        zoning = [i for i in model.instruments if isinstance(i, AandachtsgebiedZoning)]
        if not zoning:
            return aandachtsgebied(model, 1000.0)
        zone = np.zeros(model.landscape.grid.shape, dtype=bool)
        for inst in zoning:
            zone |= inst.cells & aandachtsgebied(model, inst.parameters.transition_zone_m)
        return zone


@register("LN-05")
class OrganicTarget(Target):
    """15% of farmland organic by 2030.

    Source: 004_9972baf923c41044.txt:L1226-1228; 004_9972baf923c41044.txt:L1362-1367. The Rijk
    pays ``payment_eur_ha`` per hectare a year to organic farms and farms converting; when the
    scenario makes it adaptive, every review raises the payment by a quarter while the national
    organic share is below the target (and lowers it back toward the start when it is met). The
    target is on the share of holdings here (the seed's is on area); the payment is an
    ASSUMPTION.
    """

    indicator = "organic_share"
    better = "higher"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        organic_share: float = Field(0.15, ge=0.0, le=1.0,
                                     description="Target share (seed: 15%, 004:L1226-1228)")
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
                   self.owner)
