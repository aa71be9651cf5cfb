"""Nitrogen instruments of the NPLG (Nationaal Programma Landelijk Gebied, seed 003)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field

from abm.nitrogen_room import SECTORS as SECTORS_ROOM
from abm.policy.mechanisms import BuyoutOffer, Cap, Fund, InstrumentParameters, Rule
from abm.policy.registry import register
from abm.policy.state import PolicyState

if TYPE_CHECKING:
    from abm.model import RegionModel

SECTORS = ("dairy", "pig", "poultry", "other")


@register("NPLG-BUYOUT")
class FarmBuyout(BuyoutOffer):
    """Provincial buy-out of livestock farms with a high deposition on Natura 2000.

    Source: 003_96b59ff8675cf4bb.txt:L551-554; 003_96b59ff8675cf4bb.txt:L8559-8569 (De Peel:
    buy-out and conversion of cattle and pig farms, paid from the Transitiefonds);
    004_9972baf923c41044.txt:L1010-1013. The seeds give no offer, eligibility or acceptance;
    the defaults are ASSUMPTIONS modelled on the national Lbv/Lbv-plus schemes: eligible are farms
    of the chosen sectors whose emission deposits at least ``min_contribution_mol_yr`` on
    nitrogen-sensitive Natura 2000 ('piekbelasters'); the offer is a share of the value of the
    production capacity (buildings and rights; the farmer's land goes to the land market);
    applications are ranked by contribution and signed while the
    province's yearly budget lasts; a share of signed farmers withdraw. A bought-out farm stops:
    its production rights are cancelled and its land goes to the land market.
    """

    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        min_contribution_mol_yr: float = Field(
            2500.0, ge=0.0, description="Least deposition on N-sensitive Natura 2000 to be "
            "eligible (ASSUMPTION after Lbv-plus; explore 500-5000)")
        sectors: list[Literal[SECTORS]] = Field(  # type: ignore[valid-type]
            default_factory=lambda: ["dairy", "pig"],
            description="Exit groups offered a buy-out (seed: cattle, pigs; 003:L8559-8569)")
        offer_share_of_value: float = Field(
            1.2, ge=0.5, le=3.0, description="Offer as a share of the value of the production "
            "capacity (ASSUMPTION after Lbv-plus; explore 1.0-1.5)")
        budget_meur_per_yr: float = Field(
            50.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION; the Transitiefonds holds 24.3 billion to 2035, 003:L542-546)")
        withdrawal_share: float = Field(
            0.1, ge=0.0, le=1.0, description="Share of signed farmers who withdraw "
            "(ASSUMPTION; explore 0-0.3)")

    def offer(self, model: RegionModel, year: int) -> dict[str, Any]:
        self.receive_yearly_budget()
        p = self.parameters
        sector = np.isin(model.farm_exit_group, [SECTORS.index(s) for s in p.sectors])
        farms = model.farms
        inside = self.cells.ravel()[farms.farmstead_cell]
        eligible = farms.active & sector & inside & (
            model.farm_n2000_contribution_mol >= p.min_contribution_mol_yr)
        return {"eligible": np.flatnonzero(eligible), "offer_share": p.offer_share_of_value,
                "withdrawal_share": p.withdrawal_share, "payer": self.account}


@register("NPLG-GENERIC-12PCT")
class GenericReduction(Rule):
    """A generic 12% nitrogen reduction for all agricultural sources (national measures).

    Source: 003_96b59ff8675cf4bb.txt:L502-503. The seed gives neither base year nor deadline
    (ASSUMPTIONS below): the emission factor of every farm whose farmstead lies in scope is
    capped, falling linearly from the start year to ``1 - reduction_pct/100`` in
    ``deadline_year`` (feed, low-emission housing and application rules that apply to all farms
    alike).
    """

    flag = "generic_nh3_reduction"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        reduction_pct: float = Field(12.0, ge=0.0, le=100.0,
                                     description="Reduction of NH3 per farm (seed: 12%, 003:L502)")
        deadline_year: int = Field(2030, ge=2000, le=2100,
                                   description="Year the full reduction applies (ASSUMPTION)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        span = max(p.deadline_year - self.start_year + 1, 1)
        done = min(1.0, (year - self.start_year + 1) / span)
        cap = policy.cell_target("farm_emission_factor_cap")
        cap[self.cells] = np.fmin(cap[self.cells], 1.0 - p.reduction_pct / 100.0 * done)


@register("NPLG-LAND-PURCHASE")
class NatureLandPurchase(BuyoutOffer):
    """Governments buy farmland for nature restoration and new nature as a land-market party,
    optionally through a provincial land bank (grondbank).

    Source: 003_96b59ff8675cf4bb.txt:L551-554; 003_96b59ff8675cf4bb.txt:L8547-8553;
    004_9972baf923c41044.txt:L4960-4969. The province buys the land that stopping farms put on
    the market within ``max_distance_m`` of nitrogen-sensitive Natura 2000 (the overgangsgebied;
    nearest first, or by the LN-09 ladder first when in force) at ``price_share_of_value`` x the
    regional price of the cell (``agents.farmers.land_prices``), while its budget lasts; the land
    becomes nature. With ``land_bank`` the province also runs a land bank
    (``agents.farmers.land_bank``): after the purchase for nature it buys, at the same price
    share and at most ``bank_budget_meur_per_yr`` a year, land of stopping farms in the
    aandachtsgebied (the LN-13 zone, else its default), holds it ``bank_hold_yr`` years and then
    gives it to nature inside the purchase zone and to extensive or organic farms (lease,
    kavelruil) elsewhere. The seeds give no price, zone width or land-bank rules (ASSUMPTIONS
    below); the catalogue has no separate grondbank instrument, so it is a parameter here.
    """

    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        max_distance_m: float = Field(
            1000.0, ge=0.0, le=20000.0, description="Width of the purchase zone around "
            "N-sensitive Natura 2000 (ASSUMPTION; explore 250-3000 m)")
        price_share_of_value: float = Field(
            1.0, ge=0.5, le=3.0, description="Price as a share of the regional farmland price "
            "of the cell (ASSUMPTION; explore 1.0-1.5)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION; from the Transitiefonds, 003:L542-546)")
        land_bank: bool = Field(
            False, description="Run a provincial land bank (grondbank) in the aandachtsgebied "
            "(ASSUMPTION: design in docs/land_market.md)")
        bank_budget_meur_per_yr: float = Field(
            10.0, ge=0.0, le=5000.0, description="Most the land bank spends a year per "
            "province, million euro, from the province's budget (ASSUMPTION; explore 0-50)")
        bank_hold_yr: int = Field(
            3, ge=1, le=30, description="Years the land bank holds land before it lets it go "
            "(ASSUMPTION; explore 1-10)")

    _zone: tuple[np.ndarray, np.ndarray] | None = None

    def offer(self, model: RegionModel, year: int) -> dict[str, Any]:
        self.receive_yearly_budget()
        p = self.parameters
        if self._zone is None:
            distance = model.distance_to_natura2000_m()
            cells = self.cells & (distance <= p.max_distance_m)
            self._zone = (cells.ravel(), distance.ravel())
        cells, distance = self._zone
        out = {"land_purchase": True, "cells": cells, "priority": distance,
               "price_share": p.price_share_of_value, "payer": self.account, "bank": None}
        if p.land_bank:
            from abm.policy.instruments.landbouw_natuur import AandachtsgebiedExtensification

            zone = (self.cells & AandachtsgebiedExtensification._zone(model)).ravel()
            out["bank"] = {"cells": zone, "priority": distance, "payer": self.account,
                           "price_share": p.price_share_of_value,
                           "max_meur": p.bank_budget_meur_per_yr, "hold_yr": p.bank_hold_yr,
                           "nature_zone": cells}
        return out


@register("NPLG-TRANSITIEFONDS")
class Transitiefonds(Fund):
    """Transitiefonds landelijk gebied en natuur: 24.3 billion euro through 2035.

    Source: 003_96b59ff8675cf4bb.txt:L542-546; 003_96b59ff8675cf4bb.txt:L551-552;
    003_96b59ff8675cf4bb.txt:L8559-8569. Paid per province: each year in force every province
    receives ``total / years`` times its share of the national agricultural land (ASSUMPTION:
    the seed gives no annual tranche or allocation rule). Provincial instruments (buy-outs, land
    purchase) spend from the province's budget.
    """

    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        total_meur: float = Field(24_300.0, ge=0.0, le=100_000.0,
                                  description="Fund size, million euro (seed: 24.3 billion)")
        first_year: int = Field(2024, ge=2000, le=2100,
                                description="First year of payments (ASSUMPTION)")
        last_year: int = Field(2035, ge=2000, le=2100,
                               description="Last year of payments (seed: through 2035)")

    def annual_meur(self, year: int) -> float:
        p = self.parameters
        if not p.first_year <= year <= p.last_year:
            return 0.0
        return p.total_meur / (p.last_year - p.first_year + 1) * self._share

    _share: float = 0.0

    @classmethod
    def coordinate(cls, group: list[Transitiefonds]) -> None:
        from environment.layers import AGRICULTURE

        for inst in group:
            land = inst.owner.model.landscape
            mine = (land["land_use"] == AGRICULTURE) & inst.cells
            inst._share = float(mine.sum()) / inst.owner.model.national_agri_cells


@register("STIKSTOF-RUIMTE")
class NitrogenRoomRule(Cap):
    """Area-based nitrogen approach: a project gets its permit only when there is nitrogen room
    for it; room freed by farms is shared out by a priority rule; working capital.

    Source: 003_96b59ff8675cf4bb.txt:L2810-2817 (Schiphol: greening industry can free nitrogen
    room for housing, and neither greening nor the grid works without room);
    003_96b59ff8675cf4bb.txt:L5003-5010 and L6075-6091 (Schiphol and the Rotterdam port:
    developments only with enough room for the permits; 'werkkapitaal');
    002_e34ac4cdf062f2da.txt:L623-626 and L1213-1217 (nitrogen blocks new business parks).
    The cap is the room of each pool (:mod:`abm.nitrogen_room`, docs/nitrogen.md): no project
    above the threshold may deposit more than the room handed to it. Only projects inside the
    instrument's scope need room (a scenario may scope it to the provinces of Schiphol and the
    Rotterdam port, as 003 does); the ledger counts freed room everywhere. The seeds give no
    threshold, rule or size: the defaults are the AERIUS ondergrens (0.005 mol/ha/yr,
    onslevendlandschap.nl/basis-herstellen/toestemmingverlening/rekenkundige-ondergrens), the
    30% skim of extern salderen (ED/Boerderij 2020, Noord-Brabant and the national rule) and the
    NPLG's KDW target as the measure of 'nature first' (003:L417-421).
    """

    name = "nitrogen_room_mol_yr"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        threshold_mol_ha_yr: float = Field(
            0.005, ge=0.0, le=10.0, description="Peak deposition on N-sensitive Natura 2000 "
            "above which a project needs room (AERIUS ondergrens 0.005; explore 0.005-1, the "
            "cabinet's proposed 1 mol)")
        pooling: Literal["province", "national"] = Field(
            "province", description="Room freed in a province stays there (spatially "
            "differentiated) or one national pool (generic)")
        target_share_below_kdw: float = Field(
            0.74, ge=0.0, le=1.0, description="Nature first until this share of the pool's "
            "N-sensitive area is on its path to below KDW (seed: 74%, 003:L417-421)")
        target_year: int = Field(2030, ge=2000, le=2100,
                                 description="Year of the KDW target (seed: 2030)")
        nature_share_behind: float = Field(
            0.5, ge=0.0, le=1.0, description="Share of freed room returned to nature while the "
            "pool is behind its KDW path (ASSUMPTION; 1 = strict additionality: nothing handed "
            "out until on track; explore 0.3-1)")
        skim_share: float = Field(
            0.3, ge=0.0, le=1.0, description="Share of freed room returned to nature once on "
            "track (30%, the skim of extern salderen; explore 0.3-1)")
        priority: list[Literal[SECTORS_ROOM]] = Field(  # type: ignore[valid-type]
            default_factory=lambda: list(SECTORS_ROOM),
            description="Order in which sectors are served (ASSUMPTION after the national "
            "stikstofregistratiesysteem: infrastructure and housing first)")
        working_capital_mol_yr: float = Field(
            0.0, ge=0.0, le=1e9, description="Room advanced by the Rijk in the first year, "
            "paid back from freed room (mol N/yr on N-sensitive Natura 2000; ASSUMPTION, "
            "explore 0-200,000)")

    def cap_value(self, year: int) -> float:
        return np.inf  # the room itself lives in the model's ledger (abm.nitrogen_room)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        p = self.parameters
        priority = tuple(p.priority) + tuple(s for s in SECTORS_ROOM if s not in p.priority)
        old = policy.rules.get("nitrogen_room")
        scope = self.cells.ravel() if old is None else old["scope"] | self.cells.ravel()
        policy.rules["nitrogen_room"] = {
            "scope": scope,
            "threshold_mol_ha_yr": p.threshold_mol_ha_yr, "pooling": p.pooling,
            "target_share_below_kdw": p.target_share_below_kdw, "target_year": p.target_year,
            "nature_share_behind": p.nature_share_behind, "skim_share": p.skim_share,
            "priority": priority,
            "working_capital_mol_yr": p.working_capital_mol_yr}
