"""Indicators: what a run reports each year, per level (nl, provincie, corop) and region.

Each indicator is a per-cell quantity summed over a region's cells. ``ruimte indicators`` prints
:data:`INDICATORS`; the docs list the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from agents.farmers import finance as fin
from agents.farmers import options as opt
from agents.farmers.economics import income_keur
from agents.farmers.state import (
    ARABLE,
    DAIRY,
    GREENHOUSE,
    HORTICULTURE,
    INTENSIVE,
    LAND_USES,
    MIXED,
)
from agents.firms.state import WERKMILIEUS
from environment.landscape import LEVELS
from environment.layers import AGRICULTURE, NATURE, URBAN, WATER

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Columns that identify a row, before the indicator columns.
KEY_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "seed", "year", "level", "region_code")


@dataclass(frozen=True)
class Indicator:
    """One indicator: snake_case name with its unit, the unit, and its definition.

    ``cell_values`` (a value per grid cell) and/or ``farm_values`` (a value per farm, counted in
    the region of the farmstead), whose regional sums add up, or the pair
    ``numerator``/``denominator`` (cell values whose regional sums are divided: means and shares)
    gives the indicator.
    """

    name: str
    unit: str
    definition: str
    cell_values: Callable[[RegionModel], np.ndarray] | None = None
    farm_values: Callable[[RegionModel], np.ndarray] | None = None
    numerator: Callable[[RegionModel], np.ndarray] | None = None
    denominator: Callable[[RegionModel], np.ndarray] | None = None


def _land_use_ha(code: int) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: (m.land_use == code) * m.landscape.grid.cell_area_ha


def _mask_ha(*kinds: str) -> Callable[[RegionModel], np.ndarray]:
    def values(m: RegionModel) -> np.ndarray:
        hit = np.zeros(m.landscape.grid.shape, dtype=bool)
        for kind in kinds:
            if kind in m.policy.masks:
                hit |= m.policy.masks[kind]
        return (hit & m.landscape["land_mask"]) * m.landscape.grid.cell_area_ha

    return values


INDICATORS: tuple[Indicator, ...] = (
    Indicator("population", "persons", "Inhabitants at the end of the year (1 January next)",
              lambda m: m.inhabitants),
    Indicator("households", "households", "Housed households at the end of the year (one per "
              "occupied dwelling; the latent households of the shortage are "
              "housing_shortage_households)",
              lambda m: m.households),
    Indicator("land_area_ha", "ha", "Land area: cells inside the region that are not water",
              lambda m: m.landscape["land_mask"] * m.landscape.grid.cell_area_ha),
    Indicator("agri_area_ha", "ha", "Land in agricultural use (upper bound: includes roads, "
              "small waters and woods outside Natura 2000), less farmland turned into nature",
              lambda m: _land_use_ha(AGRICULTURE)(m) - m.nature_gained_ha),
    Indicator("nature_area_ha", "ha", "Nature: Natura 2000 land and coastal dunes, plus "
              "farmland turned into nature", lambda m: _land_use_ha(NATURE)(m)
              + m.nature_gained_ha),
    Indicator("nature_gained_ha", "ha", "Farmland turned into nature since the start year",
              lambda m: m.nature_gained_ha),
    Indicator("land_bought_for_nature_ha", "ha", "Farmland governments bought for nature "
              "this year", lambda m: m.nature_bought_ha),
    Indicator("urban_area_ha", "ha", "Built-up land: urban centres, dense and semi-dense "
              "clusters, and denser suburban land", _land_use_ha(URBAN)),
    Indicator("water_area_ha", "ha", "Water inside the province boundaries (CBS generalised "
              "boundaries exclude IJsselmeer, Markermeer and Waddenzee)", _land_use_ha(WATER)),
    Indicator("deep_polder_area_ha", "ha", "Deep-polder land (definition in docs/data.md)",
              lambda m: m.landscape["deep_polder"] * m.landscape.grid.cell_area_ha),
    Indicator("water_storage_reserved_ha", "ha", "Land reserved for water storage this year "
              "(WBS-13 and similar reservations)", _mask_ha("water_storage")),
    Indicator("no_new_buildings_area_ha", "ha", "Land where no new permanent building is "
              "allowed this year (masks and reservations)", _mask_ha("no_new_buildings",
                                                                      "reserved")),
)

def _farms_of_type(*types: int) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: m.farms.active & np.isin(m.farms.farm_type, types)


def _animals(name: str) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: m.farms.animal(name) * m.farms.active


def _farm_area(use: str) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: m.farms.area_ha[:, LAND_USES.index(use)] * m.farms.active


FARM_INDICATORS: tuple[Indicator, ...] = (
    Indicator("farms_total", "holdings", "Active agricultural holdings (CBS 80780ned definition)",
              farm_values=lambda m: m.farms.active),
    Indicator("farms_dairy", "holdings", "Holdings with dairy cows",
              farm_values=_farms_of_type(DAIRY)),
    Indicator("farms_arable", "holdings", "Arable farms", farm_values=_farms_of_type(ARABLE)),
    Indicator("farms_intensive_livestock", "holdings", "Pig and poultry farms",
              farm_values=_farms_of_type(INTENSIVE)),
    Indicator("farms_greenhouse", "holdings", "Greenhouse horticulture holdings",
              farm_values=_farms_of_type(GREENHOUSE)),
    Indicator("farms_horticulture", "holdings", "Open-field horticulture holdings",
              farm_values=_farms_of_type(HORTICULTURE)),
    Indicator("farms_mixed", "holdings", "Other grazing livestock, mixed and other holdings",
              farm_values=_farms_of_type(MIXED)),
    Indicator("dairy_cows", "head", "Dairy cows", farm_values=_animals("dairy_cows")),
    Indicator("other_cattle", "head", "Cattle other than dairy cows",
              farm_values=_animals("other_cattle")),
    Indicator("pigs", "head", "Pigs", farm_values=_animals("pigs")),
    Indicator("poultry", "head", "Chickens (laying hens, broilers and other)",
              farm_values=_animals("chickens")),
    Indicator("sheep", "head", "Sheep", farm_values=_animals("sheep")),
    Indicator("goats", "head", "Goats", farm_values=_animals("goats")),
    Indicator("arable_area_ha", "ha", "Utilised arable land of the farms",
              farm_values=_farm_area("arable")),
    Indicator("horticulture_open_area_ha", "ha", "Utilised open-field horticulture land",
              farm_values=_farm_area("horticulture_open")),
    Indicator("greenhouse_area_ha", "ha", "Greenhouse area", farm_values=_farm_area("greenhouse")),
    Indicator("grassland_area_ha", "ha", "Grassland and fodder crops",
              farm_values=_farm_area("grassland")),
    Indicator("farms_exited", "holdings", "Holdings that stopped this year",
              farm_values=lambda m: np.isin(np.arange(m.farms.n), m.farms_leaving)),
    Indicator("farms_left_census", "holdings", "Holdings that the census stopped counting at "
              "its 2016 definition break (only in runs that start before 2016; not exits)",
              farm_values=lambda m: np.isin(np.arange(m.farms.n), m.farms_left_census)),
    Indicator("farm_income_meur", "million euro/yr", "Family farm income of the active farms "
              "(gross margin x income share; first version, assumptions in docs/farmers.md)",
              farm_values=lambda m: income_keur(
                  m.farms, m.groundwater_depth_cm, m.salinity,
                  m.policy.cell_targets.get("crop_margin_factor")) / 1000.0),
    Indicator("buyout_eligible_farms", "holdings", "Farms offered a buy-out this year",
              farm_values=lambda m: m.buyouts.eligible),
    Indicator("buyout_applications", "holdings", "Farms that applied for a buy-out this year",
              farm_values=lambda m: m.buyouts.applied),
    Indicator("buyout_signed", "holdings", "Buy-outs signed and carried out this year",
              farm_values=lambda m: m.buyouts.signed),
    Indicator("buyout_withdrawn", "holdings", "Farmers who withdrew after signing this year",
              farm_values=lambda m: m.buyouts.withdrawn),
    Indicator("buyout_meur", "million euro", "Paid for buy-outs this year",
              farm_values=lambda m: m.buyouts.paid_meur),
    Indicator("payments_meur", "million euro", "Payments to farms this year (organic, "
              "natuurbeheer, extensification, technology schemes)",
              farm_values=lambda m: m.payments_meur),
    Indicator("payments_unfunded_meur", "million euro", "Payments owed to farms this year "
              "that the paying government's budget could not cover",
              farm_values=lambda m: m.payments_owed_meur),
    Indicator("budget_spent_meur", "million euro", "Government money spent this year: "
              "buy-outs, payments and relocation subsidies (in the region of the farm) and land "
              "purchase (of the land)",
              farm_values=lambda m: m.buyouts.paid_meur + m.payments_meur
              + m.relocations.paid_meur,
              cell_values=lambda m: m.land_purchase_meur),
    Indicator("farms_intensified", "holdings", "Farms that enlarged their herd this year",
              farm_values=lambda m: m.choices.count(opt.INTENSIFY)),
    Indicator("farms_extensified", "holdings", "Farms that reduced their herd this year",
              farm_values=lambda m: m.choices.count(opt.EXTENSIFY)),
    Indicator("farms_converted_organic", "holdings", "Farms that converted to organic this year",
              farm_values=lambda m: m.choices.count(opt.ORGANIC)),
    Indicator("farms_joined_nature_management", "holdings",
              "Farms that took up agrarisch natuurbeheer this year",
              farm_values=lambda m: m.choices.count(opt.NATURE)),
    Indicator("farms_adopted_technology", "holdings",
              "Farms that adopted low-emission technology this year",
              farm_values=lambda m: m.choices.count(opt.TECHNOLOGY)),
    Indicator("organic_farms", "holdings", "Holdings farming organically",
              farm_values=lambda m: m.farms.active & m.farms.organic),
    Indicator("nature_management_farms", "holdings", "Holdings with agrarisch natuurbeheer",
              farm_values=lambda m: m.farms.active & m.farms.nature_management),
)

def _sensitive_ha(m: RegionModel) -> np.ndarray:
    return m.n2000_sensitive * m.landscape.grid.cell_area_ha


def _at_farmsteads(m: RegionModel, values: np.ndarray) -> np.ndarray:
    """Farm values summed on their farmstead cells (grid shape)."""
    return np.bincount(m.farms.farmstead_cell, weights=values,
                       minlength=m.landscape["land_mask"].size).reshape(m.landscape.grid.shape)


SHARE_INDICATORS: tuple[Indicator, ...] = (
    Indicator("organic_share", "1", "Share of active holdings farming organically",
              numerator=lambda m: _at_farmsteads(m, m.farms.active & m.farms.organic),
              denominator=lambda m: _at_farmsteads(m, m.farms.active)),
    Indicator("organic_area_share", "1", "Share of the utilised area of active holdings farmed "
              "organically (LN-05 target: 15% of farmland in 2030)",
              numerator=lambda m: _at_farmsteads(
                  m, m.farms.total_area_ha * (m.farms.active & m.farms.organic)),
              denominator=lambda m: _at_farmsteads(m, m.farms.total_area_ha * m.farms.active)),
)

FINANCE_INDICATORS: tuple[Indicator, ...] = (
    Indicator("farm_equity_meur", "million euro", "Equity (assets less debt) of the active "
              "farms at the end of the year (agents.farmers.finance; docs/farm_finance.md)",
              farm_values=lambda m: m.farms.equity_keur * m.farms.active / 1000.0),
    Indicator("farm_debt_meur", "million euro", "Debt of the active farms at the end of the "
              "year", farm_values=lambda m: m.farms.debt_keur * m.farms.active / 1000.0),
    Indicator("farms_low_solvency_share", "1", "Share of active holdings whose solvency "
              "(equity over assets) is below the minimum a bank finances an investment at "
              "(farmers.finance.MIN_SOLVENCY, 0.3)",
              numerator=lambda m: _at_farmsteads(
                  m, m.farms.active & (m.farms.solvency < fin.MIN_SOLVENCY)),
              denominator=lambda m: _at_farmsteads(m, m.farms.active)),
)


def _glass_in_clusters_ha(m: RegionModel) -> np.ndarray:
    farms = m.farms
    inside = m.greenhouse_clusters_now.ravel()[farms.farmstead_cell]
    return farms.area_ha[:, LAND_USES.index("greenhouse")] * farms.active * inside


def _solitary_greenhouses(m: RegionModel) -> np.ndarray:
    farms = m.farms
    return (farms.active & (farms.farm_type == GREENHOUSE)
            & ~m.greenhouse_clusters_now.ravel()[farms.farmstead_cell])


RELOCATION_INDICATORS: tuple[Indicator, ...] = (
    Indicator("farms_relocated", "holdings", "Farms that moved to the site of a farm that "
              "stopped this year (greenhouses into heat clusters, livestock away from Natura "
              "2000; counted at the new site)", farm_values=lambda m: m.relocations.moved),
    Indicator("greenhouses_relocated", "holdings", "Greenhouse farms that moved into a heat "
              "cluster this year (LN-15)",
              farm_values=lambda m: m.relocations.moved & m.relocations.greenhouse),
    Indicator("greenhouse_area_in_clusters_ha", "ha", "Glass of active farms whose farmstead "
              "lies in a heat cluster (set-up clusters and LN-16's new ones)",
              farm_values=_glass_in_clusters_ha),
    Indicator("greenhouse_cluster_share", "1", "Share of the glass of active farms that lies "
              "in heat clusters",
              numerator=lambda m: _at_farmsteads(m, _glass_in_clusters_ha(m)),
              denominator=lambda m: _at_farmsteads(
                  m, m.farms.area_ha[:, LAND_USES.index("greenhouse")] * m.farms.active)),
    Indicator("solitary_greenhouses", "holdings", "Active greenhouse farms outside every heat "
              "cluster (LN-15 target: none by 2040)", farm_values=_solitary_greenhouses),
    Indicator("relocation_meur", "million euro", "Relocation subsidies paid this year "
              "(LN-15, LN-18)", farm_values=lambda m: m.relocations.paid_meur),
)


def _farmland_ha(m: RegionModel) -> np.ndarray:
    """Agricultural land still farmed per cell: agricultural land use less nature gained (ha)."""
    return np.maximum(_land_use_ha(AGRICULTURE)(m) - m.nature_gained_ha, 0.0)


LAND_MARKET_INDICATORS: tuple[Indicator, ...] = (
    Indicator("land_traded_ha", "ha", "Farmland sold or leased to another farm this year",
              cell_values=lambda m: m.traded_ha),
    Indicator("land_price_eur_ha", "euro/ha", "Farmland price of this year's market: for a "
              "province its price (Kadaster 2023 level, then demand over supply; land with a "
              "nature or extensive designation trades below it); for the nation and COROP "
              "regions the mean of their provinces' prices weighted by farmland area",
              numerator=lambda m: m.land_price_eur_ha[m.landscape["province_id"]]
              * _farmland_ha(m),
              denominator=_farmland_ha),
    Indicator("land_bought_by_nature_organisations_ha", "ha", "Farmland next to Natura 2000 "
              "that nature organisations bought this year from their own money (it becomes "
              "nature)", cell_values=lambda m: m.nature_org_bought_ha),
    Indicator("land_bank_ha", "ha", "Farmland held by the provincial land banks at the end of "
              "the year", cell_values=lambda m: m.land_bank.stock_ha.reshape(m.land_use.shape)),
    Indicator("land_bank_bought_ha", "ha", "Farmland the land banks bought this year",
              cell_values=lambda m: m.land_bank.bought_ha.reshape(m.land_use.shape)),
    Indicator("land_bank_issued_ha", "ha", "Farmland the land banks let go this year (to "
              "nature, or leased or swapped to farms)",
              cell_values=lambda m: m.land_bank.issued_ha.reshape(m.land_use.shape)),
    Indicator("grassland_converted_ha", "ha", "Grassland ploughed into arable or open-field "
              "horticulture this year by the farms that took it over",
              cell_values=lambda m: m.grassland_converted_ha),
    Indicator("farms_sold_land", "holdings", "Active holdings that sold part of their land on "
              "the land market this year and farm on (option sell_land; docs/land_options.md)",
              farm_values=lambda m: m.land_sales.sold_ha > 0),
    Indicator("farms_sold_land_for_nature", "holdings", "Active holdings that sold land inside "
              "a land-purchase zone to a government for nature this year and farm on (option "
              "nature_land)", farm_values=lambda m: m.land_sales.nature_ha > 0),
    Indicator("land_sold_by_active_farms_ha", "ha", "Land active holdings sold this year, on "
              "the market and for nature (counted at the seller's farmstead)",
              farm_values=lambda m: m.land_sales.sold_ha + m.land_sales.nature_ha),
)


NITROGEN_INDICATORS: tuple[Indicator, ...] = (
    Indicator("nh3_emission_kt", "kt NH3/yr", "Agricultural NH3 emission of the farms",
              farm_values=lambda m: m.farm_emission_kg / 1e6),
    Indicator("n_deposition_mean_mol_ha_yr", "mol N/ha/yr",
              "Mean total N deposition (agriculture + background) on the region's land",
              numerator=lambda m: m.deposition_mol_ha_yr * m.landscape["land_mask"],
              denominator=lambda m: m.landscape["land_mask"]),
    Indicator("n_deposition_n2000_mean_mol_ha_yr", "mol N/ha/yr",
              "Mean total N deposition on nitrogen-sensitive Natura 2000 land",
              numerator=lambda m: np.where(m.n2000_sensitive,
                                           m.deposition_mol_ha_yr, 0.0),
              denominator=lambda m: m.n2000_sensitive),
    Indicator("n_deposition_n2000_agri_share", "1",
              "Agriculture's share of N deposition on nitrogen-sensitive Natura 2000",
              numerator=lambda m: np.where(m.n2000_sensitive,
                                           m.agri_deposition_mol_ha_yr, 0.0),
              denominator=lambda m: np.where(m.n2000_sensitive,
                                             m.deposition_mol_ha_yr, 0.0)),
    Indicator("n2000_below_kdw_share", "1",
              "Share of nitrogen-sensitive Natura 2000 area with deposition at or below its KDW "
              "(target 74% in 2030/2035, NPLG)",
              numerator=lambda m: _sensitive_ha(m) * (m.deposition_mol_ha_yr <= np.nan_to_num(
                  m.kdw_mol_ha_yr, nan=-1.0)),
              denominator=_sensitive_ha),
    Indicator("kdw_exceedance_mean_mol_ha_yr", "mol N/ha/yr",
              "Mean exceedance of the KDW on nitrogen-sensitive Natura 2000 (0 where below)",
              numerator=lambda m: _sensitive_ha(m) * np.nan_to_num(
                  np.maximum(m.deposition_mol_ha_yr - m.kdw_mol_ha_yr, 0.0)),
              denominator=_sensitive_ha),
)

def _room(attr: str, sector: str | None = None) -> Callable[[RegionModel], np.ndarray]:
    """A per-cell flow of this year's nitrogen room ledger (abm.nitrogen_room)."""
    def values(m: RegionModel) -> np.ndarray:
        flow = getattr(m.nitrogen_room, attr)
        if isinstance(flow, dict):
            return flow[sector] if sector else sum(flow.values())
        return flow

    return values


#: The shared nitrogen room (abm.nitrogen_room, STIKSTOF-RUIMTE), in mol N/yr deposited on
#: nitrogen-sensitive Natura 2000; flows are counted where they happen.
NITROGEN_ROOM_INDICATORS: tuple[Indicator, ...] = (
    Indicator("nitrogen_room_freed_mol", "mol N/yr", "Room farms freed this year: the fall of "
              "their deposition on N-sensitive Natura 2000 (exits, buy-outs, relocation, "
              "extensification, technology), at the farmsteads", _room("freed_mol")),
    Indicator("nitrogen_room_drawn_by_farms_mol", "mol N/yr", "Rise of the deposition of farms "
              "that grew or moved closer this year (drawn from their province's room)",
              _room("drawn_by_farms_mol")),
    Indicator("nitrogen_room_to_nature_mol", "mol N/yr", "Freed room returned to nature "
              "(all of it without STIKSTOF-RUIMTE; nature first, then the skim, with it)",
              _room("to_nature_mol")),
    Indicator("nitrogen_room_allocated_mol", "mol N/yr", "Room handed to projects with a "
              "permit this year, where they are built", _room("allocated_mol")),
    *(Indicator(f"nitrogen_room_allocated_{s}_mol", "mol N/yr", f"Room handed to {s} "
                "projects this year", _room("allocated_mol", s))
      for s in ("housing", "business", "infrastructure", "energy", "defence")),
    Indicator("nitrogen_room_available_mol", "mol N/yr", "Room left in the pools at the end of "
              "the year (negative: farms drew more than was freed, an overdraft made good "
              "first), spread over each pool by the exposure of its cells",
              lambda m: m.nitrogen_room.available_per_cell(m)),
    Indicator("nitrogen_room_repaid_mol", "mol N/yr", "Freed room that paid back the "
              "working capital this year", _room("repaid_mol")),
    Indicator("nitrogen_permits_granted", "projects", "Projects (a cell's homes, business land "
              "or claim of the year) that needed room and got it", _room("granted")),
    Indicator("nitrogen_permits_blocked", "projects", "Projects refused for want of nitrogen "
              "room this year, all sectors", _room("blocked")),
    *(Indicator(f"nitrogen_permits_blocked_{s}", "projects", f"{s.capitalize()} projects "
                "refused for want of nitrogen room this year", _room("blocked", s))
      for s in ("housing", "business", "infrastructure", "energy", "defence")),
)

def _solar_twh_per_ha() -> float:
    from abm import land_claims

    return land_claims.SOLAR_TWH_PER_HA  # read at call time: a [parameters] override holds


#: Claims on farmland of abm.land_claims: taken and unmet this year, per claim.
LAND_CLAIM_INDICATORS: tuple[Indicator, ...] = (
    *(Indicator(f"claim_{c}_ha", "ha", f"Farmland the {c.replace('_', ' ')} claim took this "
                "year (abm.land_claims)", (lambda c: lambda m: m.claims_taken_ha[c])(c))
      for c in ("energy", "infrastructure", "defence", "water_storage")),
    *(Indicator(f"claim_{c}_unmet_ha", "ha", f"Hectares the {c.replace('_', ' ')} claim asked "
                "this year that found no farmland (no candidate cell, or a nitrogen permit "
                "refused), spread over the province's land",
                (lambda c: lambda m: m.claims_unmet_ha[c])(c))
      for c in ("energy", "infrastructure", "defence", "water_storage")),
    Indicator("solar_fields_twh", "TWh/yr", "Generation of the solar fields built on farmland "
              "since the start (claim_energy_ha x 0.0009 TWh/ha; RES-35TWH)",
              lambda m: m.claims_total_ha["energy"] * _solar_twh_per_ha()),
)


def _brook_buffer_ha(m: RegionModel) -> np.ndarray:
    """Farmland in brook-valley buffers this year (WBS-32; ha per cell)."""
    share = m.policy.cell_targets.get("beekdal_buffer_share")
    if share is None:
        return np.zeros(m.landscape.grid.shape)
    return np.nan_to_num(share) * m.landscape.grid.cell_area_ha


def _gbd_cell_ha(m: RegionModel) -> np.ndarray:
    """Green-blue veining per cell: the farms' (on their farmstead cell) and the buffers'.
    Computed once per collection (three indicators read it)."""
    cached = m.__dict__.get("_gbd_cell_ha")
    if cached is None or cached[0] != m.steps:
        cached = m.__dict__["_gbd_cell_ha"] = (
            m.steps, _at_farmsteads(m, m.farms.gbd_ha * m.farms.active) + _brook_buffer_ha(m))
    return cached[1]


def _gbd_zone(m: RegionModel) -> np.ndarray:
    """The aandachtsgebied of NPLG-GBD-10PCT, else of LN-13, else the default 1 km rule."""
    for name in ("gbd_aandachtsgebied", "aandachtsgebied"):
        if name in m.policy.zones:
            return m.policy.zones[name]
    from abm.policy.instruments.landbouw_natuur import aandachtsgebied

    return aandachtsgebied(m, 1000.0)


GBD_INDICATORS: tuple[Indicator, ...] = (
    Indicator("brook_buffer_ha", "ha", "Farmland in brook-valley buffer zones (WBS-32)",
              cell_values=_brook_buffer_ha),
    Indicator("gbd_ha", "ha", "Groenblauwe dooradering: farmland the farms took out of "
              "production for it (NPLG-GBD-10PCT) plus brook-valley buffers (WBS-32)",
              cell_values=_gbd_cell_ha),
    Indicator("gbd_share", "1", "Groenblauwe dooradering as a share of the agricultural area "
              "(NPLG target: 10% of the rural area in 2050)",
              numerator=_gbd_cell_ha, denominator=_farmland_ha),
    Indicator("gbd_share_aandachtsgebied", "1", "Groenblauwe dooradering as a share of the "
              "agricultural area of the aandachtsgebied (farms by farmstead; target 10% in 2030)",
              numerator=lambda m: _gbd_cell_ha(m) * _gbd_zone(m),
              denominator=lambda m: _farmland_ha(m) * _gbd_zone(m)),
)

SALINITY_INDICATORS: tuple[Indicator, ...] = (
    Indicator("saline_area_ha", "ha", "Land with a salinity index of 0.2 or more",
              cell_values=lambda m: (m.salinity >= 0.2) * m.landscape.grid.cell_area_ha),
    Indicator("salinity_index_mean", "1", "Mean salinity index of the land exposed to "
              "salinisation (low coastal land)",
              numerator=lambda m: m.salinity * (m._salt_exposure > 0),
              denominator=lambda m: m._salt_exposure > 0),
)

PEAT_INDICATORS: tuple[Indicator, ...] = (
    Indicator("peat_area_ha", "ha", "Agricultural land in the Laagveengebied (peat meadows)",
              cell_values=lambda m: m.peat_ha),
    Indicator("peat_co2_mt", "Mt CO2-eq/yr", "CO2 emission of drained agricultural peat",
              cell_values=lambda m: m.peat_co2_t / 1e6),
    Indicator("subsidence_mm_yr_mean", "mm/yr", "Mean subsidence of agricultural peat",
              numerator=lambda m: m.subsidence_mm_yr * m.peat_ha,
              denominator=lambda m: m.peat_ha),
    Indicator("peat_groundwater_depth_cm_mean", "cm",
              "Mean groundwater depth below surface in agricultural peat",
              numerator=lambda m: m.groundwater_depth_cm * m.peat_ha,
              denominator=lambda m: m.peat_ha),
)

def _firm_cell_values(m: RegionModel) -> np.ndarray:
    """Per cell: jobs of each werkmilieu (rows 0-4), all jobs (row 5) and establishments
    (row 6) of the active firms. Computed once per collection (seven indicators read it)."""
    cached = m.__dict__.get("_firm_cell_values")
    if cached is None or cached[0] != m.steps:
        firms, size = m.firms, m.landscape.grid.n_rows * m.landscape.grid.n_cols
        on = firms.active & (firms.cell >= 0)
        # the grids of last year are reused: only the cells that held firms are cleared
        out, held = (np.zeros((len(WERKMILIEUS) + 2, size)), np.zeros(0, np.intp)) \
            if cached is None else cached[1:]
        out[:, held] = 0.0
        held, where = np.unique(firms.cell[on], return_inverse=True)
        milieu = firms.werkmilieu[on].astype(np.intp)
        out[: len(WERKMILIEUS), held] = np.bincount(
            milieu * held.size + where, weights=firms.jobs[on],
            minlength=len(WERKMILIEUS) * held.size).reshape(len(WERKMILIEUS), held.size)
        out[-2, held] = out[: len(WERKMILIEUS), held].sum(axis=0)
        out[-1, held] = np.bincount(where, weights=firms.establishments[on],
                                    minlength=held.size)
        cached = m.__dict__["_firm_cell_values"] = (m.steps, out, held)
    return cached[1]


def _firm_row(row: int) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: _firm_cell_values(m)[row]


FIRM_INDICATORS: tuple[Indicator, ...] = (
    Indicator("jobs", "jobs", "Jobs (banen) of the firm agents, all werkmilieus (agriculture "
              "excluded: CBS 2019 level at set-up, grown by province; docs/firms.md)",
              cell_values=_firm_row(len(WERKMILIEUS))),
    *(Indicator(f"jobs_{name}", "jobs", f"Jobs of firms in the {name} werkmilieu "
                "(docs/firms.md)", cell_values=_firm_row(k))
      for k, name in enumerate(WERKMILIEUS)),
    Indicator("establishments", "establishments", "Business establishments the firm agents "
              "represent (CBS 81644NED 2022, all SBI sections but A)",
              cell_values=_firm_row(len(WERKMILIEUS) + 1)),
)

def _housing(attr: str) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: getattr(m.housing_year, attr)


def _converted_ha(m: RegionModel) -> np.ndarray:
    """Farmland bought this year for housing, business land and the other claims on land
    (abm.land_claims), per cell."""
    return (m.housing_year.converted_ha + m.business_farmland_ha.ravel()
            + sum(m.claims_taken_ha.values()))


def _converted_of_class(code: int) -> Callable[[RegionModel], np.ndarray]:
    return lambda m: _converted_ha(m) * (m.farmland_class.ravel() == code)


def _homes_unbuilt(m: RegionModel) -> np.ndarray:
    """Each province's unbuilt homes spread over its cells by dwellings (flat)."""
    unbuilt = m.housing_year.unbuilt_by_province
    prov = m.landscape["province_id"].ravel().astype(np.intp)
    if unbuilt.size == 0 or not unbuilt.any():
        return np.zeros(prov.size)
    dwellings = m.dwellings.ravel()
    per_prov = np.bincount(prov, weights=dwellings, minlength=unbuilt.size)
    share = np.where(per_prov[prov] > 0, dwellings / np.maximum(per_prov[prov], 1e-300), 0.0)
    return np.pad(unbuilt, (0, max(0, prov.max() + 1 - unbuilt.size)))[prov] * share


def _homes_masked(m: RegionModel) -> np.ndarray:
    from environment.building_zones import any_building_zone

    return m.housing_year.homes * any_building_zone(m).ravel()


def _block_spread(values: Callable[[RegionModel], np.ndarray]
                  ) -> Callable[[RegionModel], np.ndarray]:
    from agents.households import spread

    return lambda m: spread(m, values(m))


#: The one indicator that is not a sum or a ratio of sums over cells: the Theil T index of jobs
#: per inhabitant across the gemeenten of a region (abm.disparity.theil_index).
THEIL = "regional_disparity_theil"
THEIL_INDICATOR = Indicator(THEIL, "1", "Theil T index of jobs per inhabitant, weighted by "
                            "inhabitants, across the COROP regions of the nation or a province "
                            "and across the gemeenten of a COROP region (0: all have the same "
                            "jobs per inhabitant; abm.disparity)")


#: Clustering index per werkmilieu: the Ellison-Glaeser gamma of the werkmilieu's jobs over the
#: COROP regions of the nation or a province and over the gemeenten of a COROP region.
CLUSTERING = {f"clustering_{name}": k for k, name in enumerate(WERKMILIEUS)}
CLUSTERING_INDICATORS = tuple(
    Indicator(name, "1", f"Ellison-Glaeser index of the {name} werkmilieu's jobs over the COROP "
              "regions of the region (over its gemeenten for a COROP region): 0 as concentrated "
              "as random location of the firm agents, above 0.05 highly concentrated "
              "(agents.firms.indicators.ellison_glaeser)") for name in CLUSTERING)
#: Indicators that are not sums or ratios of sums over cells (computed per region).
SPECIAL = {THEIL, *CLUSTERING}

HOUSEHOLD_INDICATORS: tuple[Indicator, ...] = (
    Indicator("dwellings", "dwellings", "Dwellings at the end of the year (CBS stock at the "
              "start, plus homes built; docs/households.md)", lambda m: m.dwellings),
    Indicator("households_65plus", "households", "Housed households whose reference person is "
              "65 or older", lambda m: m.households_65plus),
    Indicator("housing_shortage_households", "households", "Households that want a dwelling of "
              "their own and have none (latent; ABF's statistical shortage at the start), at "
              "their parents' block", lambda m: m.latent_households),
    Indicator("households_moved", "households", "Households that moved this year, counted "
              "where they moved to", _block_spread(lambda m: m.moves.moved_in)),
    Indicator("households_moved_from_other_province", "households", "Households that moved "
              "into the region this year from another province",
              _block_spread(lambda m: m.moves.from_other_province)),
    Indicator("homes_built", "dwellings", "Homes built this year (inbreiding and greenfield)",
              _housing("homes")),
    Indicator("homes_built_inbreiding", "dwellings", "Homes built this year inside built-up "
              "land (infill, transformation)", _housing("infill")),
    Indicator("homes_built_greenfield", "dwellings", "Homes built this year on farmland turned "
              "into built-up land", _housing("greenfield")),
    Indicator("homes_unbuilt", "dwellings", "Homes the programme was to build this year that "
              "found no place (no infill capacity, no greenfield cell outside the masks): the "
              "unmet housing claim, spread over the province's dwellings", _homes_unbuilt),
    Indicator("homes_built_masked", "dwellings", "Homes built this year inside any building "
              "mask zone (uiterwaarden, dike and river reservations, water storage, industrial "
              "contours; environment.building_zones), whether or not its rule is in force",
              _homes_masked),
    Indicator("homes_in_risk_cells", "dwellings", "Dwellings on cells whose WBS-21 risk score "
              "(flood, waterlogging, subsidence) is 0.5 or more",
              lambda m: m.dwellings * m.risk_cells),
    Indicator("farmland_converted_ha", "ha", "Farmland bought this year for greenfield "
              "housing, new business land, solar fields, infrastructure, defence and water "
              "storage (claim_*_ha)", _converted_ha),
    Indicator("farmland_converted_business_ha", "ha", "Farmland developers bought this year "
              "for new business land", lambda m: m.business_farmland_ha),
    *(Indicator(f"farmland_converted_{label}_ha", "ha", f"Farmland converted this year in the "
                f"LN-09 class '{label} uitdagingen'", _converted_of_class(k))
      for k, label in enumerate(("zware", "matige", "beperkte"))),
    Indicator("jobs_within_reach_mean", "jobs", "Jobs within reach of the mean household "
              "(jobs weighted by exp(-distance / 10 km), docs/households.md)",
              numerator=lambda m: m.households * _block_spread_access(m),
              denominator=lambda m: m.households),
    THEIL_INDICATOR,
    *CLUSTERING_INDICATORS,
)


def _block_spread_access(m: RegionModel) -> np.ndarray:
    """Jobs within reach of each cell's block (grid shape)."""
    access = m.block_jobs_access
    on = m.blocks.of_cell >= 0
    out = np.zeros(m.blocks.of_cell.size)
    out[on] = access[m.blocks.of_cell[on]]
    return out.reshape(m.landscape.grid.shape)


# Built lazily in agents.firms.indicators: it imports Indicator from this module.
from agents.firms.indicators import BUSINESS_LAND_INDICATORS  # noqa: E402

def _gained_in(zone_key: str) -> Callable[[RegionModel], np.ndarray]:
    """Farmland turned into nature inside the zone an NPLG target keeps on the model."""
    def values(m: RegionModel) -> np.ndarray:
        zone = m.__dict__.get(zone_key)
        return np.zeros(m.landscape.grid.shape) if zone is None else m.nature_gained_ha * zone
    return values


#: Hectare targets of the NPLG (abm.policy.instruments.nplg; zones named by their target_key).
NPLG_INDICATORS: tuple[Indicator, ...] = (
    Indicator("nnn_nature_gained_ha", "ha", "Farmland turned into nature since the start inside "
              "the NNN search area of NPLG-NNN-40571 (0 without it)",
              cell_values=_gained_in("nnn_new_nature_ha")),
    Indicator("new_forest_ha", "ha", "Farmland turned into forest since the start inside the "
              "forest zone of NPLG-FOREST-37400 (0 without it)",
              cell_values=_gained_in("new_forest_ha")),
)


def _farm_ghg(m: RegionModel, part: int) -> np.ndarray:
    """Per farm: livestock CH4 (part 0) or all agricultural GHG (part 1), Mt CO2-eq/yr
    (abm.policy.instruments.klimaat.farm_ghg_t). Computed once per collection."""
    cached = m.__dict__.get("_farm_ghg")
    if cached is None or cached[0] != m.steps:
        from abm.policy.instruments.klimaat import farm_ghg_t

        cached = m.__dict__["_farm_ghg"] = (m.steps, farm_ghg_t(m))
    return cached[1][part] / 1e6


def _forest_co2_mt(m: RegionModel) -> np.ndarray:
    from abm.policy.instruments.klimaat import FOREST_SEQUESTRATION_T_CO2_HA_YR

    return _gained_in("new_forest_ha")(m) * FOREST_SEQUESTRATION_T_CO2_HA_YR / 1e6


#: Greenhouse gases of agriculture (environment.livestock_ghg; NPLG-AG-GHG-5MT). Peat CO2 is
#: peat_co2_mt (PEAT_INDICATORS).
GHG_INDICATORS: tuple[Indicator, ...] = (
    Indicator("agri_ghg_mt_co2eq", "Mt CO2-eq/yr", "Greenhouse gas of the active farms: CH4 of "
              "the animals (enteric and manure), N2O of their manure (storage, application, "
              "grazing, indirect) and of synthetic fertiliser on open land; GWP 28 and 265 (not "
              "peat CO2, energy or liming; environment.livestock_ghg)",
              farm_values=lambda m: _farm_ghg(m, 1)),
    Indicator("livestock_ch4_mt_co2eq", "Mt CO2-eq/yr", "CH4 of the animals of the active "
              "farms, enteric fermentation and manure management (GWP 28)",
              farm_values=lambda m: _farm_ghg(m, 0)),
    Indicator("forest_co2_sequestration_mt", "Mt CO2/yr", "CO2 taken up by the forest planted "
              "since the start in the zone of NPLG-FOREST-37400 (new_forest_ha x 7 t CO2/ha/yr, "
              "an ASSUMPTION; 0 without it)", cell_values=_forest_co2_mt),
)

INDICATORS = (INDICATORS + FARM_INDICATORS + SHARE_INDICATORS + GBD_INDICATORS
              + LAND_MARKET_INDICATORS
              + NITROGEN_INDICATORS + NITROGEN_ROOM_INDICATORS + LAND_CLAIM_INDICATORS
              + PEAT_INDICATORS + SALINITY_INDICATORS
              + RELOCATION_INDICATORS + FINANCE_INDICATORS + FIRM_INDICATORS
              + HOUSEHOLD_INDICATORS
              + BUSINESS_LAND_INDICATORS
              + NPLG_INDICATORS + GHG_INDICATORS)

INDICATOR_BY_NAME: dict[str, Indicator] = {ind.name: ind for ind in INDICATORS}


@njit(cache=True)
def _sum_by_atom(values, starts, stops, atoms, n_atoms):  # pragma: no cover - numba
    """Per atom, the sum of ``values`` over its runs of consecutive cells ``starts[r]`` to
    ``stops[r]`` (in cell order, as np.bincount adds: the same bits, read as a stream)."""
    out = np.zeros(n_atoms)
    for r in range(starts.size):
        total = out[atoms[r]]
        for c in range(starts[r], stops[r]):
            total += values[c]
        out[atoms[r]] = total
    return out


def atom_runs(cells: np.ndarray, atom_of_cell: np.ndarray) -> tuple[np.ndarray, ...]:
    """The ascending flat ``cells`` as runs of consecutive cells of one atom: start, stop
    (exclusive) and atom of each run."""
    cut = np.flatnonzero((np.diff(cells) != 1) | (np.diff(atom_of_cell) != 0)) + 1
    first = np.concatenate(([0], cut)).astype(np.intp)
    last = np.concatenate((cut, [cells.size])).astype(np.intp)
    return cells[first], cells[last - 1] + 1, atom_of_cell[first].astype(np.intp)


class IndicatorTable:
    """Aggregates per-cell values to regions and accumulates one row per year x level x region.

    Cells inside the run's provinces are summed once per indicator into 'atoms', the distinct
    (province, COROP region) pairs; provinces, COROP regions and the nation are sums of atoms.
    (COROP regions do not nest in provinces: in the CBS 2022 division Vijfheerenlanden, province
    Utrecht, lies in CR30 Zuidoost-Zuid-Holland.) With ``national`` (a run over the whole
    country) an ``nl`` row sums every province; a run restricted to some provinces reports
    provinces and the COROP regions wholly inside them (a cut COROP region gets no row).
    """

    def __init__(self, model: RegionModel, national: bool) -> None:
        land = model.landscape
        prov_layer, prov_table = LEVELS["provincie"]
        corop_layer, corop_table = LEVELS["corop"]
        prov = land[prov_layer].ravel().astype(np.intp)
        corop = land[corop_layer].ravel().astype(np.intp)
        self._cells = np.flatnonzero((prov > 0) & (corop > 0))
        atoms, self._atom_of_cell = np.unique(
            prov[self._cells] * 1000 + corop[self._cells], return_inverse=True
        )
        self._n_atoms = atoms.size
        self._runs = atom_runs(self._cells, self._atom_of_cell)
        self._atom_of_grid = np.full(prov.size, -1, dtype=np.intp)
        self._atom_of_grid[self._cells] = self._atom_of_cell
        prov_codes, corop_codes = land.codes(prov_table), land.codes(corop_table)
        # Each level: (name, region codes, region index of every atom).
        self._levels: list[tuple[str, list[str], np.ndarray]] = []
        # The whole run region: written out as 'nl' for a national run; kept internally (for the
        # Rijk's reviews) in a regional run.
        self._emit_total = national
        self._levels.append(("nl", ["NL"], np.zeros(atoms.size, dtype=np.intp)))
        for level, ids, codes in (("provincie", atoms // 1000, prov_codes),
                                  ("corop", atoms % 1000, corop_codes)):
            present = np.unique(ids)
            names = [codes[i - 1] if codes[i - 1] not in land.partial_corops else ""
                     for i in present]
            self._levels.append((level, names, np.searchsorted(present, ids)))
        gem = land["gemeente_id"].ravel().astype(np.intp)[self._cells]
        self._gemeenten, self._gem_of_cell = np.unique(gem, return_inverse=True)
        # the atom of every gemeente (gemeenten nest in provinces and COROP regions)
        self._atom_of_gem = np.zeros(self._gemeenten.size, dtype=np.intp)
        self._atom_of_gem[self._gem_of_cell] = self._atom_of_cell
        self._gem_of_grid = np.full(prov.size, -1, dtype=np.intp)
        self._gem_of_grid[self._cells] = self._gem_of_cell
        self.rows: list[dict] = []

    def _atom_sum(self, cell_values: np.ndarray) -> np.ndarray:
        """Sum of per-cell values over each atom."""
        values = np.asarray(cell_values)
        if values.dtype == bool:
            values = values.view(np.uint8)
        return _sum_by_atom(values.ravel(), *self._runs, self._n_atoms)

    def _theil(self, model: RegionModel) -> Callable[[str, np.ndarray, int], np.ndarray]:
        """This year's Theil index per region of a level, given the level's name and region
        index of every atom: across the COROP regions (atoms) of the nation and of a
        province, across the gemeenten of a COROP region."""
        from abm.disparity import theil_index

        n_gem = self._gemeenten.size
        jobs = np.bincount(self._gem_of_cell, minlength=n_gem, weights=np.asarray(
            _firm_cell_values(model)[len(WERKMILIEUS)]).ravel()[self._cells])
        people = np.bincount(self._gem_of_cell, minlength=n_gem,
                             weights=np.asarray(model.inhabitants).ravel()[self._cells])
        atom_jobs = np.bincount(self._atom_of_gem, weights=jobs, minlength=self._n_atoms)
        atom_people = np.bincount(self._atom_of_gem, weights=people, minlength=self._n_atoms)

        def rate(j: np.ndarray, p: np.ndarray) -> np.ndarray:
            return np.where(p > 0, j / np.maximum(p, 1e-9), 0.0)

        def per_region(level: str, group: np.ndarray, n_regions: int) -> np.ndarray:
            if level == "corop":
                region, j, p = group[self._atom_of_gem], jobs, people
            else:
                region, j, p = group, atom_jobs, atom_people
            y = rate(j, p)
            return np.array([theil_index(y[region == k], p[region == k])
                             for k in range(n_regions)])

        return per_region

    def _clustering(self, model: RegionModel
                    ) -> Callable[[str, np.ndarray, int], dict[str, np.ndarray]]:
        """This year's Ellison-Glaeser gamma per werkmilieu per region of a level, over the
        sub-units of the Theil index (agents.firms.indicators.gamma); NaN where undefined."""
        from agents.firms.indicators import gamma
        firms = model.firms
        on = firms.active & (firms.cell >= 0)
        gem = self._gem_of_grid[firms.cell[on]]
        keep = gem >= 0
        gem, milieu = gem[keep], firms.werkmilieu[on][keep].astype(np.intp)
        jobs = firms.jobs[on][keep]
        n_gem, n_m = self._gemeenten.size, len(WERKMILIEUS)
        J = np.bincount(milieu * n_gem + gem, weights=jobs,
                        minlength=n_m * n_gem).reshape(n_m, n_gem)
        Q = np.bincount(milieu * n_gem + gem, weights=jobs ** 2,
                        minlength=n_m * n_gem).reshape(n_m, n_gem)

        def per_atom(a: np.ndarray) -> np.ndarray:
            return np.stack([np.bincount(self._atom_of_gem, weights=row, minlength=self._n_atoms)
                             for row in a])

        atom_J, atom_Q = per_atom(J), per_atom(Q)

        def per_region(level: str, group: np.ndarray, n_regions: int) -> dict[str, np.ndarray]:
            if level == "corop":
                region, j, q = group[self._atom_of_gem], J, Q
            else:
                region, j, q = group, atom_J, atom_Q
            out = {name: np.full(n_regions, np.nan) for name in CLUSTERING}
            for k in range(n_regions):
                sel = region == k
                if sel.sum() < 2:
                    continue
                total = j[:, sel].sum(axis=0)
                for name, m in CLUSTERING.items():
                    out[name][k] = gamma(j[m, sel], float(q[m, sel].sum()), total)
            return out

        return per_region

    def collect(self, model: RegionModel, keys: dict) -> list[dict]:
        """Compute this year's rows, append the ones written out to :attr:`rows`, and return
        all of them (a regional run's region total included)."""
        atom_sums = {}
        farm_atoms = self._atom_of_grid[model.farms.farmstead_cell]
        on_map = farm_atoms >= 0
        ratios = {}
        for ind in INDICATORS:
            if ind.name in SPECIAL:
                continue  # computed per region below
            if ind.numerator is not None:
                ratios[ind.name] = [
                    self._atom_sum(part(model))
                    for part in (ind.numerator, ind.denominator)
                ]
                continue
            total = np.zeros(self._n_atoms)
            if ind.farm_values is not None:
                values = np.asarray(ind.farm_values(model), dtype=np.float64)
                total += np.bincount(farm_atoms[on_map], weights=values[on_map],
                                     minlength=self._n_atoms)
            if ind.cell_values is not None:
                total += self._atom_sum(ind.cell_values(model))
            atom_sums[ind.name] = total
        theil = self._theil(model)
        clustering = self._clustering(model)
        new = []
        for level, codes, group in self._levels:
            sums = {name: np.bincount(group, weights=v, minlength=len(codes))
                    for name, v in atom_sums.items()}
            for name, (num, den) in ratios.items():
                top = np.bincount(group, weights=num, minlength=len(codes))
                bottom = np.bincount(group, weights=den, minlength=len(codes))
                with np.errstate(invalid="ignore", divide="ignore"):
                    sums[name] = np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1),
                                          np.nan)
            sums[THEIL] = theil(level, group, len(codes))
            sums.update(clustering(level, group, len(codes)))
            for k, code in enumerate(codes):
                if not code:
                    continue  # a COROP region cut by the run region's border
                row = {**keys, "level": level, "region_code": code}
                row.update({name: float(s[k]) for name, s in sums.items()})
                new.append(row)
        self.rows.extend(r for r in new if self._emit_total or r["level"] != "nl")
        return new
