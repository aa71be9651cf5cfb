"""RegionModel: the Netherlands (or some provinces) simulated year by year.

The year, in order (``RegionModel.step``); data flows one way down this list:

1. government review (every ``review_interval_yr`` years, Monitor Nota Ruimte cycle)
2. policy apply: active instruments write the year's PolicyState
3. water: waterschappen move groundwater toward the targets of instruments; salinisation
4. farmers decide: generic rules, buy-out offers (agents.farmers.buyouts), economic options
   (agents.farmers.options), then ageing, succession, retirement, exit (agents.farmers.decisions),
   then relocation onto the sites of farms that stop (agents.farmers.relocation)
5. markets clear: land prices per province follow demand and supply; governments buy land for
   nature, then the provincial land banks, and neighbours take the rest of the land of farms
   that stop (agents.farmers.market_year); the housing programme builds this year's homes,
   developers buying farmland for greenfield (agents.households.housing)
6. households and firms: households age, dissolve, form and move (agents.households); the
   firms grow, relocate and use business land (agents.firms)
7. environment processes: NH3 emission -> deposition; peat oxidation -> CO2 and subsidence
8. indicators for the year
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd
from mesa import Model

from abm import __version__
from abm import parameters as model_parameters
from abm.errors import InputError
from abm import invariants, land_claims
from abm.nitrogen_room import NitrogenRoom
from abm.indicators import INDICATORS, KEY_COLUMNS, IndicatorTable
from abm.policy.catalogue import catalogue
from abm.policy.instruments.glastuinbouw import GREENHOUSE_CLUSTER
from abm.policy.instruments.klimaat import weighted_contribution
from abm.policy.mechanisms import Instrument
from abm.policy.registry import implemented
from abm.policy.state import PolicyState
from abm.regions import province_code
from abm.rng import RunStreams
from abm.scenario import DEFAULT_OWNER, Scenario, load_scenario
from agents.farmers import (
    base_census_year, create_farms, finance, gbd, land_options, land_prices, market_year,
    relocation)
from agents.farmers import set_soil
from agents.farmers.agent import Farmer
from agents.farmers.buyouts import BuyoutRecord, respond_to_offers
from agents.farmers.census_break import crosses_break, leave_census, leaving_census
from agents.farmers.decisions import exit_group, structural_step
from agents.farmers.economics import gross_margin_keur, income_keur
from agents.farmers.land_bank import LandBank
from agents.farmers.options import Choices, choose, settle_payments
from agents.firms import annual_growth_by_province, create_business_land, create_firms, firm_year
from agents import nature_organisations
from agents.households import CLAIM_BUSINESS, CLAIM_NATURE, build_homes, households_year
from agents.households.housing import buy_for_business_land
from agents.households import set_up as households_set_up
from agents.government import Government, create_governments
from environment import nitrogen, peat, population, salinity
from environment.landscape import Landscape, load_landscape
from environment.layers import AGRICULTURE, NATURE
from environment.nitrogen import DepositionKernel
from environment.peat import peat_area_ha


class RegionModel(Model):
    """The ruimte model of one scenario on one landscape.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`abm.scenario.load_scenario`).
    landscape : Landscape, optional
        The national landscape at the scenario's resolution; loaded when not given. It is cut
        to the scenario's region here.

    Attributes
    ----------
    year : int
        The last simulated year (``start_year - 1`` before the first step).
    land_use, inhabitants, households, dwellings : ndarray
        Mutable cell state (the landscape's layers stay read-only); inhabitants and households
        are spread from the household agents (``household_agents``, by block: ``blocks``).
    policy : PolicyState
        What this year's instruments say.
    governments : dict of str to list of Government
        Government agents by level.

    Examples
    --------
    >>> m = RegionModel.from_scenario("baseline", resolution=1000, region="Utrecht", end=2026)
    >>> m.run_until(2026)
    >>> sorted(m.indicators().year.unique().tolist())
    [2024, 2025, 2026]
    """

    def __init__(self, scenario: Scenario, landscape: Landscape | None = None,
                 debug: bool | None = None) -> None:
        with model_parameters.applied(scenario.parameters):  # the scenario's [parameters]
            self._set_up(scenario, landscape)
        #: Check abm.invariants after every year (debug=True, or RUIMTE_DEBUG=1 when None).
        self.debug = invariants.enabled(debug)
        if self.debug:
            invariants.start(self)

    def _set_up(self, scenario: Scenario, landscape: Landscape | None) -> None:
        self.streams = RunStreams(scenario.seed)
        super().__init__(rng=self.streams.generator("mesa"))
        self.scenario_spec = scenario
        self.start_year = scenario.start_year
        self.end_year = scenario.end_year
        self.year = scenario.start_year - 1
        national = landscape if landscape is not None else load_landscape(scenario.resolution_m)
        provinces = scenario.provinces
        self.landscape = national.subset(provinces) if provinces else national

        land = self.landscape
        codes = land.codes("province")
        factor = population.calibrate_to_year(
            land["inhabitants"], land["province_id"], codes, self.start_year
        )
        inhabitants = land["inhabitants"] * factor
        size = population.household_size_factor(self.start_year)  # larger before 2024
        households = land["households"] * factor * size
        nat_factor = population.calibrate_to_year(
            national["inhabitants"], national["province_id"], codes, self.start_year)
        #: Households of the whole country at the start (regional runs take their share of
        #: national totals such as the housing shortage).
        self.national_households_start = float(
            (national["households"] * nat_factor * size).sum())
        self.land_use = land["land_use"].copy()
        #: Farmland turned into nature since the start (ha per cell), and this year's purchases.
        self.nature_gained_ha = np.zeros(land.grid.shape)
        self.nature_bought_ha = np.zeros(land.grid.shape)
        self.land_purchase_meur = np.zeros(land.grid.shape)
        self.national_agri_cells = int((national["land_use"] == AGRICULTURE).sum())
        #: The national landscape: fields that reach across the region's border are computed on
        #: it and cut to the region (:meth:`national_context`).
        self.national = national
        self._context: dict[object, np.ndarray] = {}

        census_year = scenario.farm_census_year or base_census_year(self.start_year)
        self._farm_rng = self.streams.generator("farmers")
        self._market_rng = self.streams.generator("land_market")
        self.farms, self.farms_unplaced_ha = create_farms(
            land, census_year, self._farm_rng,
            n2000_distance_m=self.distance_to_natura2000_m(sensitive_only=False),
            finance_rng=self.streams.generator("finance"))
        #: Firm agents by werkmilieu (agents.firms; docs/firms.md) and their jobs growth.
        self.firms = create_firms(land, self.streams.generator("firms"), national=national)
        self._firm_growth = annual_growth_by_province(land)
        #: Business land (agents.firms.business_land; docs/firms.md).
        self.business_land = create_business_land(self)
        self._buyout_rng = self.streams.generator("buyouts")
        self._options_rng = self.streams.generator("options")
        self._gbd_rng = self.streams.generator("gbd")
        #: Hectares of groenblauwe dooradering the farms took up this year (NPLG-GBD-10PCT).
        self.gbd_added_ha = np.zeros(self.farms.n)
        self.choices = Choices.none(self.farms.n)
        self.land_sales = land_options.LandSales.empty(self.farms.n)
        self.payments_meur = np.zeros(self.farms.n)
        self.payments_owed_meur = np.zeros(self.farms.n)
        self.farms_leaving = np.zeros(0, dtype=np.int64)
        #: Farms that the 2016 census definition stopped counting (runs from before 2016).
        self.farms_left_census = np.zeros(0, dtype=np.int64)
        self.traded_parcels = np.zeros(0, dtype=np.int64)
        #: Land traded to other farms this year (ha per cell).
        self.traded_ha = np.zeros(land.grid.shape)
        self.farm_exit_group = exit_group(self.farms)
        self.buyouts = BuyoutRecord.empty(self.farms.n)
        self._relocation_rng = self.streams.generator("relocation")
        self.relocations = relocation.RelocationRecord.empty(self.farms.n)
        self.farmers = [Farmer(self, i) for i in range(self.farms.n)]

        self._set_up_nitrogen(national, census_year)
        self._set_up_heat_clusters()
        self.groundwater_depth_cm = land["groundwater_depth_cm"].astype(np.float64)
        self.salinity = np.zeros(land.grid.shape)
        self._salt_exposure = land.cut(salinity.exposure(national))
        self._salt_rise = salinity.DRIVERS[scenario.salinity_driver]
        self.peat_ha = peat_area_ha(land)
        # One national coefficient, so a regional run emits what its provinces emit nationally.
        self.peat_co2_coefficient = peat.calibrate_co2_coefficient(
            peat_area_ha(national), national["groundwater_depth_cm"].astype(np.float64))
        self._update_peat()
        self._set_up_land_market()
        #: Households, dwellings and housing blocks (agents.households; docs/households.md).
        households_set_up(self, inhabitants, households)

        self.policy = PolicyState(land.grid.shape)
        self.governments: dict[str, list[Government]] = create_governments(self)
        self.instruments: list[Instrument] = self._create_instruments()
        #: The shared nitrogen room (abm.nitrogen_room; STIKSTOF-RUIMTE).
        self.nitrogen_room = NitrogenRoom(self)
        land_claims.set_up(self)
        self.run_id = self._run_id()
        self._table = IndicatorTable(self, national=not provinces)
        self._latest: dict[str, dict] = {}

    @classmethod
    def from_scenario(
        cls,
        name_or_path: str = "baseline",
        *,
        resolution: int | None = None,
        seed: int | None = None,
        region: str | list[str] | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> RegionModel:
        """Build a model from a library scenario name or a TOML path, with overrides.

        ``region`` restricts the run to one or more provinces (names or CBS codes).
        """
        if isinstance(region, str):
            region = [region]
        scenario = load_scenario(
            name_or_path, resolution_m=resolution, seed=seed, region=region,
            start_year=start, end_year=end,
        )
        return cls(scenario)

    # -- the year -------------------------------------------------------------------------

    def step(self) -> None:
        """Simulate one year under the scenario's [parameters] (abm.parameters.applied)."""
        with model_parameters.applied(self.scenario_spec.parameters):
            self._year()
        if self.debug:
            invariants.check(self)

    def _year(self) -> None:
        """Simulate one year: the phases of the module docstring, in order."""
        year = self.year + 1
        if (year - self.start_year) % self.scenario_spec.review_interval_yr == 0:
            self._review(year)  # 1
        self._apply_policy(year)  # 2
        self.nitrogen_room.start_year(self)
        self._manage_water()  # 3
        self._farmers_decide(year)  # 4
        self._clear_land_market()  # 5
        self._build_homes(year)
        self._households_and_firms(year)  # 6
        self._update_nitrogen()  # 7
        self.nitrogen_room.close_year(self)
        self._update_peat()
        self._collect_indicators(year)  # 8
        self.year = year

    def run_until(self, year: int) -> None:  # type: ignore[override]
        """Simulate every year up to and including calendar ``year`` (at most ``end_year``)."""
        if year > self.end_year:
            raise ValueError(f"year {year} is after the scenario's end_year {self.end_year}; "
                             "build the model with a later end year")
        steps = year - self.start_year + 1
        if steps > self.steps:
            super().run_until(steps)

    def _review(self, year: int) -> None:
        """Every government reviews its active instruments (``Government.review`` ->
        ``Instrument.review``: adaptive ones change their intensity)."""
        for level in ("rijk", "provincie", "waterschap", "gemeente"):
            for gov in self.governments[level]:
                gov.review(year)

    def _apply_policy(self, year: int) -> None:
        """Clear the PolicyState; every government's active instruments write this year's
        masks, payments, targets, offers and rules into it (``Government.apply_instruments``)."""
        self.policy.clear()
        for level in ("rijk", "provincie", "waterschap", "gemeente"):
            for gov in self.governments[level]:
                gov.apply_instruments(self.policy, year)

    def _set_up_nitrogen(self, national: Landscape, census_year: int) -> None:
        """Deposition kernel, KDW, background and, in a regional run, the national context.

        The background is calibrated on the whole country (agriculture's 46% share on
        nitrogen-sensitive Natura 2000). In a regional run the farms outside the region are
        synthesised once from the same census and kept as they are in the base year: their
        deposition flows into the region (``inflow``), and a farm's contribution counts Natura
        2000 outside the region too.
        """
        land = self.landscape
        self._deposition = DepositionKernel(land.grid)
        #: Land cells of nitrogen-sensitive Natura 2000: where KDW and its indicators apply.
        self.n2000_sensitive = land["natura2000_n_sensitive"] & land["land_mask"]
        self.kdw_mol_ha_yr = nitrogen.default_kdw_mol_ha_yr(
            land["fgr_id"], land.codes("fgr"), self.n2000_sensitive)
        if self.scenario_spec.kdw_path is not None:
            user = nitrogen.read_kdw_file(self.scenario_spec.kdw_path, land.tables["natura2000"])
            lut = np.full(len(land.tables["natura2000"]) + 1, np.nan)
            for area_id, value in user.items():
                lut[area_id] = value
            override = lut[land["natura2000_id"]]
            given = self.n2000_sensitive & ~np.isnan(override)
            self.kdw_mol_ha_yr[given] = override[given]
        if land.window is None:
            kernel, farms, sensitive = self._deposition, self.farms, self.n2000_sensitive
            outside = np.zeros(farms.n, dtype=bool)
        else:
            kernel = DepositionKernel(national.grid)
            farms, _ = create_farms(national, census_year, self.streams.generator("environment"))
            sensitive = national["natura2000_n_sensitive"] & national["land_mask"]
            outside = ~np.isin(farms.province_id, np.unique(land["province_id"][land["land_mask"]]))
        #: The national farms and which of them lie outside the region (regional runs only).
        self._context_farms = None if land.window is None else (farms, outside)
        #: Share of a kg NH3 emitted on each cell that deposits on N-sensitive Natura 2000 land.
        exposure = kernel.deposited_kg(sensitive.astype(np.float64))
        self._n2000_exposure = land.cut(exposure).ravel()
        #: Each province's share of the national exposure (by province id; the split of the
        #: nitrogen room's working capital, abm.nitrogen_room).
        nat_province = (national["province_id"] if land.window is not None
                        else land["province_id"]).ravel().astype(np.intp)
        by_province = np.bincount(nat_province, weights=exposure.ravel())
        by_province[0] = 0.0
        self.n2000_exposure_share_by_province = by_province / max(by_province.sum(), 1e-300)
        kg = nitrogen.farm_emission_kg(farms.animals, farms.emission_factor, farms.active)
        emission = nitrogen.emission_grid_kg(kg, farms.farmstead_cell, kernel.grid.shape)
        agri = kernel.deposition_mol_ha_yr(emission)
        self.background_deposition_mol_ha_yr = nitrogen.background_mol_ha_yr(agri, sensitive)
        inflow = nitrogen.emission_grid_kg(kg * outside, farms.farmstead_cell, kernel.grid.shape)
        self.inflow_deposition_mol_ha_yr = land.cut(kernel.deposition_mol_ha_yr(inflow))
        self._update_nitrogen()

    def _set_up_heat_clusters(self) -> None:
        """Glass within the cluster radius of every cell and the heat clusters, at set-up
        (agents.farmers.relocation). A regional run counts the glass of the national farms
        across its border too, as it counts their deposition."""
        grid = self.landscape.grid
        radius = relocation.CLUSTER_RADIUS_M
        own = relocation.glass_per_cell(self.farms, grid.n_rows * grid.n_cols)
        within = relocation.glass_within_ha(own.reshape(grid.shape), grid.cell_size_m, radius)
        if self._context_farms is not None:
            farms, outside = self._context_farms
            nat = self.national.grid
            glass = np.bincount(farms.farmstead_cell, minlength=nat.n_rows * nat.n_cols,
                                weights=farms.area_ha[:, relocation.GLASS] * outside)
            within = within + self.landscape.cut(relocation.glass_within_ha(
                glass.reshape(nat.shape), nat.cell_size_m, radius))
        #: Glass within the cluster radius of every cell (ha) and the heat clusters, at set-up.
        self.greenhouse_glass_within_ha = within
        self.greenhouse_clusters = within >= relocation.CLUSTER_MIN_GLASS_HA
        #: This year's clusters: the set-up clusters plus LN-16's new ones.
        self.greenhouse_clusters_now = self.greenhouse_clusters

    def _farmers_decide(self, year: int) -> None:
        """Generic rules, buy-out offers, economic options, then ageing, succession and exit."""
        cap = self.policy.cell_targets.get("farm_emission_factor_cap")
        if cap is not None:
            at_farm = cap.ravel()[self.farms.farmstead_cell].astype(np.float32)
            np.fmin(self.farms.emission_factor, at_farm, out=self.farms.emission_factor)
        self.farm_exit_group = exit_group(self.farms)
        self.buyouts = respond_to_offers(self.farms, self.policy.offers, self._buyout_rng,
                                         weighted_contribution(  # NPLG-N-ALLOC-WBS's weights
                                             self.policy, self.farms,
                                             self.farm_n2000_contribution_mol))
        factor = self.policy.cell_targets.get("crop_margin_factor")
        self.choices = choose(self.farms, self.groundwater_depth_cm,
                              self.policy.payments_eur_ha_yr,
                              self.policy.masks.get("no_intensification"),
                              self.landscape["corop_id"], self._options_rng, self.salinity,
                              factor, self.land_price_cell_eur_ha,
                              [o for o in self.policy.offers if o.get("land_purchase")])
        self.gbd_added_ha = gbd.take_up(
            self.farms, self._gbd_rng.random(self.farms.n),
            self.policy.cell_targets.get("gbd_target_share"),
            self.policy.payments_eur_ha_yr.get("gbd"),
            self.policy.cell_targets.get("beekdal_buffer_share"),
            self.groundwater_depth_cm, self.salinity, factor)
        self.payments_meur, self.payments_owed_meur = settle_payments(
            self.farms, self.policy.payment_sources)
        finance.update(self.farms, income_keur(self.farms, self.groundwater_depth_cm,
                                               self.salinity, factor),
                       (self.payments_meur + self.buyouts.paid_meur) * 1000.0)
        self.farms_left_census = np.zeros(0, dtype=np.int64)
        if crosses_break(self.start_year, year):  # hindcasts across the census break of 2016
            size = gross_margin_keur(self.farms, self.groundwater_depth_cm, self.salinity)
            self.farms_left_census = leaving_census(self.farms, size,
                                                    self.landscape.codes("province"))
            leave_census(self.farms, self.farms_left_census)
        stopped = structural_step(self.farms, year, self._farm_rng)
        self.farms_leaving = np.union1d(stopped, np.flatnonzero(self.buyouts.signed))
        self._relocate(year, stopped)

    def _relocate(self, year: int, stopped: np.ndarray) -> None:
        """Greenhouses into heat clusters (LN-15, LN-16), livestock away from Natura 2000
        (LN-18), onto the sites of farms that stopped this year (agents.farmers.relocation)."""
        zone = self.policy.zones.get(GREENHOUSE_CLUSTER)
        self.greenhouse_clusters_now = (self.greenhouse_clusters if zone is None
                                        else self.greenhouse_clusters | zone)
        offers = [o for o in self.policy.offers if "relocation" in o]
        livestock = any(o["relocation"] == "livestock" for o in offers)
        distance = self.distance_to_natura2000_m().ravel() if livestock else np.zeros(0)
        self.relocations = relocation.relocate(
            self.farms, offers, stopped, self.greenhouse_clusters_now, self._n2000_exposure,
            distance, year, self._relocation_rng)
        self.farms_leaving = np.union1d(self.farms_leaving,
                                        np.flatnonzero(self.relocations.exited))
        set_soil(self.farms, self.landscape)  # movers farm on the soil of their new site

    def _build_homes(self, year: int) -> None:
        """The housing programme builds this year's homes, developers buying farmland
        (agents.households.housing); then the other claims on farmland (abm.land_claims)."""
        build_homes(self, year)
        land_claims.claims_year(self, year)  # energy, infrastructure, defence, water storage

    def _households_and_firms(self, year: int) -> None:
        """Households age, dissolve, form and move (agents.households); then the firms
        (agents.firms)."""
        households_year(self, year)
        firm_year(self, year)
        #: Farmland developers bought this year for new business land (ha per cell).
        self.business_farmland_ha = buy_for_business_land(self).reshape(self.land_use.shape)
        self.farmland_converted_total_ha += self.business_farmland_ha
        self.land_claim[self.business_farmland_ha > 0] = CLAIM_BUSINESS

    def _clear_land_market(self) -> None:
        """Prices per province follow last year's demand and supply; governments buy land for
        nature first, then the land banks, then neighbours take the rest
        (agents.farmers.market_year)."""
        with land_options.on_market(self):  # land active farms sell (sell_land)
            market_year.clear(self, self.year + 1)
        land_options.sell_to_nature(self)  # land active farms offer for nature (nature_land)
        self.land_claim[self.nature_bought_ha > 0] = CLAIM_NATURE

    def _manage_water(self) -> None:
        """Waterschappen move groundwater toward this year's targets; the coast salinises under
        the scenario's driver."""
        target = self.policy.cell_targets.get("groundwater_depth_cm")
        limit = self.policy.cell_targets.get("groundwater_depth_cm_extraction_limit")
        if limit is not None:  # WBS-33: the shallower of the two where both are set
            target = limit if target is None else np.fmin(target, limit)
        if target is not None:
            self.groundwater_depth_cm = peat.move_toward(self.groundwater_depth_cm, target)
        self.salinity = salinity.step(self.salinity, self._salt_exposure, self._salt_rise)

    def _update_peat(self) -> None:
        """CO2 and subsidence of drained agricultural peat."""
        self.peat_co2_t = peat.peat_co2_t(self.peat_ha, self.groundwater_depth_cm,
                                          self.peat_co2_coefficient)
        self.subsidence_mm_yr = peat.subsidence_mm_yr(self.peat_co2_t, self.peat_ha)

    def _update_nitrogen(self) -> None:
        """NH3 emission of the farms and the deposition it causes, plus the background."""
        farms = self.farms
        self.farm_emission_kg = nitrogen.farm_emission_kg(
            farms.animals, farms.emission_factor, farms.active)
        grid = self.landscape.grid
        emission = nitrogen.emission_grid_kg(self.farm_emission_kg, farms.farmstead_cell,
                                             grid.shape)
        self.agri_deposition_mol_ha_yr = (self._deposition.deposition_mol_ha_yr(emission)
                                          + self.inflow_deposition_mol_ha_yr)
        room = getattr(self, "nitrogen_room", None)
        #: Deposition from the homes, business land and claims built since the start.
        self.project_deposition_mol_ha_yr = (
            0.0 if room is None or not room.project_emission_kg_n.any()
            else self._deposition.deposition_mol_ha_yr(room.project_emission_kg_nh3(grid.shape)))
        self.farm_n2000_contribution_mol = (
            self.farm_emission_kg * self._n2000_exposure[farms.farmstead_cell]
            * nitrogen.MOL_N_PER_KG_NH3)
        self.deposition_mol_ha_yr = (self.agri_deposition_mol_ha_yr
                                     + self.background_deposition_mol_ha_yr
                                     + self.project_deposition_mol_ha_yr)

    def _collect_indicators(self, year: int) -> None:
        """The year's rows: one per region (nation, provinces, COROP), every indicator."""
        keys = {"run_id": self.run_id, "scenario": self.scenario_spec.name,
                "seed": self.scenario_spec.seed, "year": year}
        for row in self._table.collect(self, keys):
            self._latest[row["region_code"]] = row

    # -- national context -----------------------------------------------------------------

    def national_context(self, key: object,
                         compute: Callable[[Landscape], np.ndarray]) -> np.ndarray:
        """``compute(national landscape)`` cut to the run's region, computed once per run.

        For fields that depend on what lies across the region's border (distances to Natura
        2000, neighbourhood means), so that a province reads the same in a regional run as in
        the national run.
        """
        if key not in self._context:
            self._context[key] = self.landscape.cut(compute(self.national))
        return self._context[key]

    def distance_to_natura2000_m(self, sensitive_only: bool = True) -> np.ndarray:
        """Distance from every cell to the nearest cell of Natura 2000 (m, grid shape),
        measured across the region's border: the land of nitrogen-sensitive areas by default,
        else any cell of any area (waters included)."""
        from environment.distance import distance_m

        def compute(nl: Landscape) -> np.ndarray:
            areas = (nl["natura2000_n_sensitive"] & nl["land_mask"] if sensitive_only
                     else nl["natura2000_id"] > 0)
            return distance_m(areas, nl.grid.cell_size_m)

        return self.national_context(("natura2000_distance_m", sensitive_only), compute)

    # -- set-up ---------------------------------------------------------------------------

    def _set_up_land_market(self) -> None:
        """Land prices per province id (2023 level; index 0 unused), land bank, bid reference."""
        land = self.landscape
        #: Farmland price per province id of this year's market (euro/ha).
        self.land_price_eur_ha = land_prices.start_prices_eur_ha(land.codes("province"))
        self.land_price_base_eur_ha = self.land_price_eur_ha.copy()
        self.land_price_cell_eur_ha = land_prices.cell_prices_eur_ha(
            self.land_price_eur_ha, land["province_id"])
        self.land_demand_ha: np.ndarray | None = None
        self.land_supply_ha: np.ndarray | None = None
        self.land_reference_keur_ha = market_year.reference_return_keur_ha(
            self.farms, self.groundwater_depth_cm, self.salinity, self.land_price_eur_ha.size)
        self.land_bank = LandBank.empty(land.grid.shape[0] * land.grid.shape[1])
        #: Nature organisations as buyers (one per province) and what they bought this year.
        self.nature_organisations = nature_organisations.create(self)
        self.nature_org_bought_ha = np.zeros(land.grid.shape)
        self.grassland_converted_ha = np.zeros(land.grid.shape)
        self._land_use_rng = self.streams.generator("land_use")
        self.land_bid_scale = market_year.start_bid_scale(self)

    def _create_instruments(self) -> list[Instrument]:
        """One instrument object per scenario instrument and owning government in its scope.

        The scope is land x the scope's provinces x the class's default layer x the scope's
        layer. A scenario instrument that reaches no land cell is an input error.
        """
        out: list[Instrument] = []
        land = self.landscape
        for index, spec in enumerate(self.scenario_spec.instruments):
            cls = implemented()[spec.id]
            params = cls.Parameters.model_validate(spec.parameters)
            level = spec.owner or cls.default_owner or DEFAULT_OWNER[catalogue()[spec.id].level]
            scope = land["land_mask"].copy()
            if spec.scope.provinces:
                ids = [land.codes("province").index(province_code(p)) + 1
                       for p in spec.scope.provinces]
                scope &= np.isin(land["province_id"], ids)
            for layer in (cls.default_scope_layer, spec.scope.layer):
                if layer:
                    scope &= land[layer]
            group = []
            for gov in self.governments[level]:
                cells = scope & gov.territory
                if not cells.any():
                    continue
                group.append(cls(
                    spec.id, params,
                    start_year=spec.start_year or self.start_year,
                    end_year=spec.end_year or self.end_year,
                    cells=cells, owner=gov, adaptive=spec.adaptive,
                ))
            if not group:
                raise InputError(
                    self.scenario_spec.source, f"instruments[{index}].scope",
                    f"{spec.id} reaches no land cell of the run region (scope "
                    f"{spec.scope.model_dump()}, default layer {cls.default_scope_layer})",
                    allowed="a scope that overlaps the region's land",
                )
            cls.coordinate(group)
            for inst in group:
                inst.owner.instruments.append(inst)
            out.extend(group)
        return out

    def _run_id(self) -> str:
        """Identity of a run: hash of scenario, seed, grid, region, code and data version."""
        parts = [
            self.scenario_spec.sha256(),
            str(self.scenario_spec.seed),
            str(self.landscape.grid.cell_size_m),
            ",".join(self.landscape.provinces),
            __version__,
            self.landscape.data_version,
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    # -- results --------------------------------------------------------------------------

    def latest_indicator(self, name: str, government: Government) -> float | None:
        """The last collected value of indicator ``name`` for a government's region."""
        row = self._latest.get(government.code)
        return None if row is None else row.get(name)

    def indicators(self) -> pd.DataFrame:
        """All collected rows: key columns, then one column per indicator."""
        columns = list(KEY_COLUMNS) + [ind.name for ind in INDICATORS]
        frame = pd.DataFrame(self._table.rows, columns=columns)
        frame["seed"] = frame["seed"].astype("int64")
        frame["year"] = frame["year"].astype("int32")
        return frame

    def _mask_union(self, *kinds: str) -> np.ndarray:
        out = np.zeros(self.landscape.grid.shape, dtype=np.uint8)
        for kind in kinds:
            if kind in self.policy.masks:
                out |= self.policy.masks[kind]
        return out

    def _farm_type_map(self) -> np.ndarray:
        """Per cell, 1 + the type of the active farm with the largest parcel there (0: none)."""
        farms = self.farms
        keep = farms.active[farms.parcel_farm]
        cells, owners, ha = (farms.parcel_cell[keep], farms.parcel_farm[keep],
                             farms.parcel_ha[keep])
        out = np.zeros(self.landscape.grid.shape[0] * self.landscape.grid.shape[1], np.uint8)
        order = np.lexsort((ha, cells))  # per cell, the largest parcel last
        out[cells[order]] = farms.farm_type[owners[order]] + 1
        return out.reshape(self.landscape.grid.shape)

    def land_use_now(self) -> np.ndarray:
        """Land use with cells at least half turned into nature shown as nature."""
        out = self.land_use.copy()
        half = self.nature_gained_ha >= 0.5 * self.landscape.grid.cell_area_ha
        out[half & (out == AGRICULTURE)] = NATURE
        return out

    #: The names of :meth:`maps`, in order.
    MAP_NAMES: tuple[str, ...] = (
        "land_use", "nature_gained_ha", "inhabitants", "households", "groundwater_depth_cm",
        "subsidence_mm_yr", "natura2000_n_sensitive", "no_new_buildings",
        "n_deposition_mol_ha_yr", "kdw_exceedance_mol_ha_yr", "farm_type", "dwellings",
        "dwellings_added", "farmland_converted_ha", "land_claim")

    def maps(self) -> dict[str, np.ndarray]:
        """The end state of the key layers, for GeoTIFFs and map figures."""
        return {
            "land_use": self.land_use_now(),
            "nature_gained_ha": self.nature_gained_ha.astype(np.float32),
            "inhabitants": self.inhabitants.astype(np.float32),
            "households": self.households.astype(np.float32),
            "groundwater_depth_cm": self.groundwater_depth_cm.astype(np.float32),
            "subsidence_mm_yr": self.subsidence_mm_yr.astype(np.float32),
            "natura2000_n_sensitive": self.landscape["natura2000_n_sensitive"].astype(np.uint8),
            "no_new_buildings": self._mask_union("no_new_buildings", "reserved"),
            "n_deposition_mol_ha_yr": self.deposition_mol_ha_yr.astype(np.float32),
            "kdw_exceedance_mol_ha_yr": np.nan_to_num(np.maximum(
                self.deposition_mol_ha_yr - self.kdw_mol_ha_yr, 0.0)).astype(np.float32),
            "farm_type": self._farm_type_map(),
            "dwellings": self.dwellings.astype(np.float32),
            "dwellings_added": (self.dwellings - self.dwellings_start).astype(np.float32),
            "farmland_converted_ha": self.farmland_converted_total_ha.astype(np.float32),
            "land_claim": self.land_claim.copy(),
        }
