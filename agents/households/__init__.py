"""Households: group agents by age and income class in housing blocks, their demography and
residential choice, and the housing programme that builds their homes. See docs/households.md.

The model calls :func:`set_up` once, :func:`build_homes` in phase 5 of the year (after the
farmland market: developers buy farmland there) and :func:`households_year` in phase 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from agents.households import choice, demography, housing
from agents.households.blocks import (
    Blocks,
    block_shares,
    make_blocks,
    spread_to_cells,
    spread_with,
)
from agents.households.population import create_households
from agents.households.state import AGE_CLASSES, INCOME_CLASSES, OLD, HouseholdState
from environment import population

if TYPE_CHECKING:
    from abm.model import RegionModel

__all__ = ["AGE_CLASSES", "INCOME_CLASSES", "HouseholdState", "Moves", "build_homes",
           "households_year", "set_up"]

#: Claims on farmland, as codes of ``model.land_claim`` (the map of which claim took each cell).
CLAIMS: dict[int, str] = {1: "housing", 2: "business land", 3: "nature", 4: "solar fields",
                          5: "infrastructure", 6: "defence", 7: "water storage"}
CLAIM_HOUSING, CLAIM_BUSINESS, CLAIM_NATURE = 1, 2, 3

#: ASSUMPTION: radius of "green nearby" (m): the share of nature land within a square of this
#: half-width; explore 1-5 km.
GREEN_RADIUS_M = 2_000.0
#: ASSUMPTION: WBS-21 risk score (environment.building_zones.risk: flood, waterlogging,
#: subsidence, each 0-1, averaged) from which a cell counts as a risk cell for
#: ``homes_in_risk_cells``; explore 0.3-0.7.
RISK_CELL_THRESHOLD = 0.5


@dataclass
class Moves:
    """This year's moves, per block: households that moved in (``moved_in``), of them from
    another province (``from_other_province``), and households formed and housed
    (``formed_housed``)."""

    moved_in: np.ndarray
    from_other_province: np.ndarray
    formed_housed: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Moves:
        return cls(np.zeros(n), np.zeros(n), np.zeros(n))


def _growth_rate(model: RegionModel) -> float:
    """Household growth per year of the run's region: households-weighted province trends plus
    the fall of the household size (:data:`demography.HOUSEHOLD_GROWTH_PER_YR`)."""
    land = model.landscape
    codes = land.codes("province")
    hh = np.bincount(land["province_id"].ravel(), weights=land["households"].ravel(),
                     minlength=len(codes) + 1)
    rates = np.array([0.0] + [population.growth_rate_per_yr(c) for c in codes])
    return float((hh * rates).sum() / max(hh.sum(), 1e-9))


def set_up(model: RegionModel, inhabitants: np.ndarray, households: np.ndarray) -> None:
    """Blocks, dwellings and household agents of ``model`` at the start (sets attributes)."""
    land = model.landscape
    blocks = make_blocks(land)
    model.blocks = blocks
    hh = create_households(land, blocks, inhabitants, households)
    region = land["land_mask"] & (land["province_id"] > 0)
    # Dwellings: the bundle's stock (1 January 2021) scaled to the CBS stock of the start year,
    # then moved within each province so that every block has a dwelling for each household
    # it houses (the sources differ in year and spread; _start_top_up).
    national = float(model.national["dwellings"].sum(dtype=np.float64))
    stock = (np.where(region, land["dwellings"], 0.0).astype(np.float64)
             * dwellings_on_1_january(model.start_year) / max(national, 1.0))
    start_hh, start_persons = hh.households.sum(), hh.persons.sum()
    latent = demography.split_latent(hh, demography.shortage_at(model.start_year),
                                     start_hh / model.national_households_start, blocks.hub)
    housed_start = hh.per_block(blocks.n)
    stock = stock.ravel() + _start_top_up(blocks, housed_start, stock.ravel(),
                                          np.where(region, households, 0.0).ravel())
    model.dwellings = stock.reshape(land.grid.shape)
    model.dwellings_start = model.dwellings.copy()
    #: Dwellings per block that stand empty between occupants (frictional vacancy): what the
    #: start leaves empty in each block, so the start is in balance (the shortage stays until
    #: building outpaces the growth of households); no household can take them.
    model.vacant_frictional = np.maximum(blocks.sum(stock) - housed_start, 0.0)
    model.household_agents = HouseholdState.concat(hh, latent).compact()
    model._household_targets = (start_hh, start_persons)
    #: Growth per year of the run's persons (the provinces' trends, weighted by households).
    model._persons_growth = _growth_rate(model)
    model._household_growth = model._persons_growth + (demography.HOUSEHOLD_GROWTH_PER_YR
                                                       - population.NATIONAL_RATE_PER_YR)
    model._household_rng = model.streams.generator("households")
    model._housing_rng = model.streams.generator("housing")
    station = np.exp(-land["dist_station_m"] / choice.STATION_SCALE_M)
    model._block_station = blocks.mean(station)
    update_risk(model)
    model.housing_year = housing.HousingYear.empty(land.grid.n_rows * land.grid.n_cols)
    model.moves = Moves.empty(blocks.n)
    model.block_jobs_access = np.zeros(blocks.n)
    model.farmland_converted_total_ha = np.zeros(land.grid.shape)
    model.business_farmland_ha = np.zeros(land.grid.shape)
    #: Per cell, the claim that last took farmland there (CLAIMS; 0 none).
    model.land_claim = np.zeros(land.grid.shape, dtype=np.uint8)
    #: Share of the infill headroom released per year (calibrated, agents.households.housing).
    model.infill_release_per_yr = housing.infill_release_per_yr(model)
    model.formed_last_year = np.zeros(len(land.codes("province")) + 1)
    _update_cells(model)


#: Dwellings on 1 January: 2017-2019 CBS StatLine 82900NED
#: (../shared/reference/statistics/housing_stock_ownership_national_82900NED.csv); 2021
#: (82550NED / 81955NED) as the bundle's builder cites it; 2022 and 2023 from
#: ../shared/reference/statistics/population_housing_region.csv.
DWELLINGS_BY_YEAR: dict[int, float] = {
    2017: 7_686_178.0, 2018: 7_740_984.0, 2019: 7_814_912.0,
    2021: 7_966_331.0, 2022: 8_045_580.0, 2023: 8_125_229.0,
}


def dwellings_on_1_january(year: int) -> float:
    """National dwelling stock on 1 January ``year``: CBS where known, interpolated
    geometrically between its years, and extrapolated beyond them at the growth of the two
    nearest years (0.99 %/yr after 2023, 0.71 %/yr before 2017)."""
    return population.by_year(DWELLINGS_BY_YEAR, year,
                              DWELLINGS_BY_YEAR[2018] / DWELLINGS_BY_YEAR[2017],
                              DWELLINGS_BY_YEAR[2023] / DWELLINGS_BY_YEAR[2022])


def _start_top_up(blocks: Blocks, housed: np.ndarray, stock: np.ndarray,
                  households: np.ndarray) -> np.ndarray:
    """Dwellings per flat cell to add to (positive) and take from (negative) the start stock so
    that every block has a dwelling for each household it houses while each province keeps its
    stock (the bundle's dwellings and households come from sources of different years and
    spreads). A block short of dwellings gets the shortfall, spread by its households; the
    blocks of the province with more dwellings than households give the same number back, in
    proportion to their surplus and spread by their dwellings. Where a province's surplus does
    not cover its shortfall (its stock is below its housed households), the rest is added."""
    have = blocks.sum(stock)
    short = np.maximum(housed - have, 0.0)
    surplus = np.maximum(have - housed, 0.0)
    n_prov = int(blocks.province_id.max()) + 1 if blocks.n else 1
    added = np.bincount(blocks.province_id, weights=short, minlength=n_prov)
    spare = np.bincount(blocks.province_id, weights=surplus, minlength=n_prov)
    given = np.where(spare > 0, np.minimum(added / np.maximum(spare, 1e-300), 1.0), 0.0)
    back = surplus * given[blocks.province_id]
    return spread_to_cells(blocks, short, households) - spread_to_cells(blocks, back, stock)


def update_risk(model: RegionModel) -> None:
    """This year's WBS-21 risk score per cell, the risk cells and the block mean risk (the
    groundwater and subsidence change from year to year)."""
    from environment.building_zones import risk

    model.risk_score = risk(model)
    model.risk_cells = model.risk_score >= RISK_CELL_THRESHOLD
    model._block_risk = model.blocks.mean(model.risk_score)


def _update_cells(model: RegionModel) -> None:
    """Per-cell households, inhabitants and latent households from the agents."""
    blocks, hh = model.blocks, model.household_agents
    n = blocks.n
    #: Each block cell's share of its block's households (by dwellings), for this year's arrays.
    model.cell_shares = block_shares(blocks, model.dwellings)
    latent = ~hh.housed
    persons = hh.per_block(n, hh.persons)
    persons += np.bincount(hh.origin_block[latent], weights=hh.persons[latent], minlength=n)
    waiting = np.bincount(hh.origin_block[latent], weights=hh.households[latent], minlength=n)
    old = hh.per_block(n, hh.households * (hh.age_class == OLD))
    model.households = spread(model, hh.per_block(n))
    model.inhabitants = spread(model, persons)
    model.latent_households = spread(model, waiting)
    model.households_65plus = spread(model, old)


def free_dwellings(model: RegionModel, housed: np.ndarray,
                   stock: np.ndarray | None = None) -> np.ndarray:
    """Dwellings per block a household can move into: the stock less the frictional vacancy
    and the housed households (>= 0)."""
    stock = model.blocks.sum(model.dwellings) if stock is None else stock
    return np.maximum(stock - model.vacant_frictional - housed, 0.0)


def _need_by_province(model: RegionModel) -> np.ndarray:
    """Homes each province (by id) needs this year (see agents.households.housing)."""
    blocks, hh = model.blocks, model.household_agents
    n_prov = len(model.landscape.codes("province")) + 1
    prov = blocks.province_id.astype(np.int64)
    housed = hh.per_block(blocks.n)
    stock = blocks.sum(model.dwellings)
    free = np.bincount(prov, weights=free_dwellings(model, housed, stock), minlength=n_prov)
    latent = ~hh.housed
    waiting = np.bincount(prov[hh.origin_block[latent]], weights=hh.households[latent],
                          minlength=n_prov)
    return waiting + model.formed_last_year - free


def block_values(model: RegionModel) -> tuple[np.ndarray, np.ndarray]:
    """Attractiveness ``V`` (age, income, block) and jobs within reach per block."""
    blocks = model.blocks
    firms = model.firms
    on = firms.active & (firms.cell >= 0)
    jobs = np.zeros(blocks.of_cell.size)
    np.add.at(jobs, firms.cell[on], firms.jobs[on])
    access = choice.jobs_access(blocks, blocks.sum(jobs))
    size = max(1, int(round(GREEN_RADIUS_M / model.landscape.grid.cell_size_m)) * 2 + 1)
    green = ndimage.uniform_filter(housing.is_nature(model).astype(np.float64), size=size,
                                   mode="constant")
    amenity = model.policy.cell_targets.get("amenity_bonus")
    amenity = (np.zeros(blocks.n) if amenity is None
               else blocks.mean(np.nan_to_num(amenity)))
    value = choice.attractiveness(access, blocks.mean(green), model._block_station,
                                  model._block_risk, amenity,
                                  model.household_agents.per_block(blocks.n))
    return value, access


def build_homes(model: RegionModel, year: int) -> None:
    """Phase 5: the housing programme builds this year's homes (agents.households.housing)."""
    from abm.policy.instruments.landbouw_natuur import farmland_classes

    update_risk(model)
    #: LN-09 class of every cell this year (0 zware, 1 matige, 2 beperkte), for the reports.
    model.farmland_class = farmland_classes(model, year)
    value, access = block_values(model)
    model.block_jobs_access = access
    # cells score as their block does for young middle-income households
    score = np.zeros(model.blocks.of_cell.size)
    on = model.blocks.of_cell >= 0
    score[on] = value[0, 1][model.blocks.of_cell[on]]
    model.housing_year = housing.build(model, _need_by_province(model), score,
                                       model._housing_rng)
    model.farmland_converted_total_ha += model.housing_year.converted_ha.reshape(
        model.farmland_converted_total_ha.shape)
    model.land_claim.ravel()[model.housing_year.greenfield > 0] = CLAIM_HOUSING


def households_year(model: RegionModel, year: int) -> None:
    """Phase 6: ageing, dissolution, formation, moves, and the per-cell arrays."""
    blocks = model.blocks
    hh = demography.age(model.household_agents)
    demography.dissolve(hh)
    years = year - model.start_year + 1
    start_hh, start_persons = model._household_targets
    target_hh = start_hh * (1.0 + model._household_growth) ** years
    target_persons = start_persons * (1.0 + model._persons_growth) ** years
    formed = demography.formation(hh, target_hh, target_persons, blocks.hub)
    prov = blocks.province_id.astype(np.int64)
    model.formed_last_year = np.bincount(prov[formed.origin_block], weights=formed.households,
                                         minlength=model.formed_last_year.size)
    hh = HouseholdState.concat(hh, formed)
    value, _ = block_values(model)
    model.household_agents, model.moves = _move(model, hh, value)
    _update_cells(model)


def _move(model: RegionModel, hh: HouseholdState, value: np.ndarray
          ) -> tuple[HouseholdState, Moves]:
    """Moving groups and latent groups choose blocks (agents.households.choice)."""
    blocks = model.blocks
    n = blocks.n
    free = free_dwellings(model, hh.per_block(n))
    rate = np.asarray(choice.MOVE_RATE_PER_YR)[hh.age_class]
    housed = hh.housed
    draw = model._household_rng.random(hh.n)  # one draw per group: does it move this year
    packets = np.flatnonzero(~housed | (draw < rate))
    origin = np.where(housed, hh.block, hh.origin_block)
    flow_packet, dest, amount = choice.choose(
        blocks, value, free, origin[packets], hh.age_class[packets], hh.income_class[packets],
        hh.households[packets], housed[packets], model._household_rng)
    source = packets[flow_packet]
    share = amount / hh.households[source]
    movers = hh.subset(source)
    movers.households = amount
    movers.persons = hh.persons[source] * share
    movers.block = dest
    movers.origin_block = dest.copy()
    gone = np.bincount(source, weights=share, minlength=hh.n)
    hh.households = hh.households * (1.0 - gone)
    hh.persons = hh.persons * (1.0 - gone)
    was_housed = housed[source]
    prov = blocks.province_id
    other = was_housed & (prov[dest] != prov[origin[source]])
    moves = Moves(
        moved_in=np.bincount(dest[was_housed], weights=amount[was_housed], minlength=n),
        from_other_province=np.bincount(dest[other], weights=amount[other], minlength=n),
        formed_housed=np.bincount(dest[~was_housed], weights=amount[~was_housed], minlength=n))
    return HouseholdState.concat(hh, movers).compact(), moves


def spread(model: RegionModel, block_values_: np.ndarray) -> np.ndarray:
    """Per-block values spread to the cells by this year's shares of dwellings (grid shape)."""
    return spread_with(model.blocks, block_values_, model.cell_shares).reshape(
        model.landscape.grid.shape)


__all__ += ["Blocks", "spread"]
