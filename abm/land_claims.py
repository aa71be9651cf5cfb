"""Claims on farmland besides housing, business land and nature: renewable energy, infrastructure,
defence and water storage.

Each claim asks a number of hectares a year per province (:func:`demand_ha`). It is met on
farmland cells outside Natura 2000, nature gained, land-bank land and farmsteads, never under a
hard building mask (water storage goes inside the ``water_storage`` zone instead), in an order
of its own (:func:`order`) with the farmland ladder's class first where LN-09 is in force.
Developers (or the state) buy the farm parcels there (:func:`agents.households.housing.
take_farmland`); the cell shows the claim on the land-claim map (its land use stays as it
was: the map of claims, not of land use, shows roads, fields and terrain). Where a project's deposition
needs nitrogen room (STIKSTOF-RUIMTE) it asks for a permit first (:mod:`abm.nitrogen_room`).
What finds no place is reported as the claim's unmet hectares, not dropped. The claims act in
phase 5, after the housing programme. docs/land_claims.md.

Claims
    ``infrastructure``: new roads and rail, every run, :data:`INFRASTRUCTURE_HA_PER_YR` a year
    split by population; near built-up land first.
    ``energy``: solar fields for the RES (RES-35TWH), the gap to the target spread over the
    years to the target year, split by farmland; the solar preference order
    (RES-ZON-VOLGORDE) puts roofs first (a larger roof share) and fields only on farmland of
    the ladder's heavy-challenge class.
    ``defence``: the Nationaal Programma Ruimte voor Defensie (DEFENSIE-NPRD), remote
    farmland first.
    ``water_storage``: farmland inside WBS-13's storage zone bought for storage, deepest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from environment.layers import AGRICULTURE, URBAN

if TYPE_CHECKING:
    from abm.model import RegionModel

#: The claims of this module with their codes on ``model.land_claim`` (1-3: housing, business
#: land, nature; agents.households.CLAIMS).
CLAIM_CODES: dict[str, int] = {"energy": 4, "infrastructure": 5, "defence": 6,
                               "water_storage": 7}
#: ASSUMPTION: national farmland taken by new roads and rail a year (ha/yr): the traffic area
#: of CBS's Bodemgebruik grew by a few hundred ha a year; explore 100-1,000.
INFRASTRUCTURE_HA_PER_YR = 300.0
#: Solar field yield, TWh per ha per year: about 1 MWp per ha at 900 kWh per kWp (ASSUMPTION
#: after current Dutch ground-mounted parks; explore 0.0007-0.0012).
SOLAR_TWH_PER_HA = 0.0009


def demand_ha(model: RegionModel, claim: str, year: int) -> np.ndarray:
    """Hectares ``claim`` asks this year, per province id (the instruments' settings in
    ``policy.rules``; zero where none is in force)."""
    land = model.landscape
    n_prov = len(land.codes("province")) + 1
    province = land["province_id"].ravel()
    rules = model.policy.rules
    if claim == "infrastructure":
        people = np.bincount(province, weights=np.ravel(model.inhabitants), minlength=n_prov)
        national = model.national_households_start
        share = np.ravel(model.households).sum() / max(national, 1e-9)
        return INFRASTRUCTURE_HA_PER_YR * share * people / max(people.sum(), 1e-9)
    farmland = np.bincount(province, weights=(model.land_use.ravel() == AGRICULTURE),
                           minlength=n_prov).astype(np.float64)
    farm_share = farmland / max(model.national_agri_cells, 1)
    if claim == "energy" and "target_twh" in rules.get("res", {}):
        r = rules["res"]
        if not r["start_year"] <= year <= r["target_year"]:
            return np.zeros(n_prov)
        twh_per_yr = max(r["target_twh"] - r["start_twh"], 0.0) / max(
            r["target_year"] - r["start_year"] + 1, 1)
        field_share = r["solar_share"] * (1.0 - r["roof_share"])
        return twh_per_yr * field_share / SOLAR_TWH_PER_HA * farm_share
    if claim == "defence" and "defence" in rules:
        r = rules["defence"]
        if not r["start_year"] <= year <= r["end_year"]:
            return np.zeros(n_prov)
        return r["total_ha"] / (r["end_year"] - r["start_year"] + 1) * farm_share
    if claim == "water_storage" and "water_storage" in rules:
        farms = model.farms
        held = np.bincount(farms.parcel_cell, weights=farms.parcel_ha,
                           minlength=province.size)
        ha = np.bincount(province, weights=held * candidates(model, claim), minlength=n_prov)
        return ha * rules["water_storage"]["share_per_yr"]
    return np.zeros(n_prov)


def candidates(model: RegionModel, claim: str) -> np.ndarray:
    """Farmland cells (flat bool) a claim may take this year."""
    from agents.households.housing import NO_BUILD_MASKS

    land = model.landscape
    ok = land["land_mask"].ravel() & (land["province_id"].ravel() > 0)
    ok &= land["natura2000_id"].ravel() == 0
    ok &= model.land_use.ravel() == AGRICULTURE
    ok &= model.nature_gained_ha.ravel() <= 0
    ok &= model.land_bank.stock_ha <= 0
    ok &= model.land_claim.ravel() == 0
    farms = model.farms
    ok[farms.farmstead_cell[farms.active & (farms.farmstead_cell >= 0)]] = False
    if claim == "water_storage":
        zone = model.policy.masks.get("water_storage")
        return ok & (zone.ravel() if zone is not None else False)
    for kind in NO_BUILD_MASKS:
        if kind in model.policy.masks:
            ok &= ~model.policy.masks[kind].ravel()
    if claim == "energy" and model.policy.rules.get("res", {}).get("farmland_last"):
        heavy = model.policy.zones.get("ladder_zware")  # LN-09's first class
        if heavy is not None:
            ok &= heavy.ravel()
    return ok


def order(model: RegionModel, claim: str, cells: np.ndarray, tie: np.ndarray,
          near_m: np.ndarray) -> np.ndarray:
    """``cells`` in the order ``claim`` takes them, grouped by province (ascending id): the
    ladder's class first (where LN-09 is in force), then the claim's own preference (``near_m``:
    each cell's distance to built-up land), then ``tie``."""
    from agents.households.housing import ladder_rank

    land = model.landscape
    n_cells = land.grid.n_rows * land.grid.n_cols
    rank = ladder_rank(model, n_cells)[cells]
    if claim == "water_storage":
        key = land["elevation_m_nap"].ravel()[cells]  # deepest first
    else:
        key = -near_m[cells] if claim == "defence" else near_m[cells]  # defence remote
    province = land["province_id"].ravel()[cells]
    ordered = cells[np.lexsort((tie[cells], key, rank, province))]
    return ordered  # grouped by province; claims_year interleaves the provinces' turns


def set_up(model: RegionModel) -> None:
    """This year's and the cumulative hectares of every claim, and its random stream."""
    n_cells = model.landscape.grid.n_rows * model.landscape.grid.n_cols
    model._claims_rng = model.streams.generator("land_claims")
    model.claims_taken_ha = {c: np.zeros(n_cells) for c in CLAIM_CODES}
    model.claims_unmet_ha = {c: np.zeros(n_cells) for c in CLAIM_CODES}
    model.claims_total_ha = {c: np.zeros(n_cells) for c in CLAIM_CODES}


def claims_year(model: RegionModel, year: int) -> None:
    """Meet this year's claims (see the module docstring); update the land-claim map, the
    farmland converted and the claim's unmet hectares (``model.claims_unmet_ha``, per claim,
    per flat cell spread over the province's land)."""
    from environment.distance import distance_m
    from agents.households.housing import take_farmland

    land = model.landscape
    n_cells = land.grid.n_rows * land.grid.n_cols
    province = land["province_id"].ravel()
    cell_ha = land.grid.cell_area_ha
    tie = model._claims_rng.random(n_cells)  # one draw per cell per year
    model.claims_taken_ha = {c: np.zeros(n_cells) for c in CLAIM_CODES}
    model.claims_unmet_ha = {c: np.zeros(n_cells) for c in CLAIM_CODES}
    near_m = None
    for claim, code in CLAIM_CODES.items():
        want = demand_ha(model, claim, year)
        if not want.any():
            model.nitrogen_room.skip(claim)
            continue
        if near_m is None:  # one distance transform a year, after this year's housing
            near_m = distance_m(model.land_use == URBAN, land.grid.cell_size_m).ravel()
        cells = np.flatnonzero(candidates(model, claim) & (want[province] > 1e-9))
        cells = order(model, claim, cells, tie, near_m)
        held = np.bincount(model.farms.parcel_cell, weights=model.farms.parcel_ha,
                           minlength=n_cells)
        ha = np.minimum(held[cells], cell_ha)
        cells, ha = cells[ha > 0], ha[ha > 0]
        prov = province[cells]
        # hectares before each cell within its province (cells are grouped by province)
        total = np.bincount(prov, weights=ha, minlength=want.size)
        before = np.cumsum(ha) - ha - (np.cumsum(total) - total)[prov]
        take = np.clip(want[prov] - before, 0.0, ha)
        keep = take > 1e-9
        cells, take = cells[keep], take[keep]
        # permits are asked in turns: each province's first cell, then each one's second, ...
        # so that no province's projects come first in a shared pool
        turn = np.arange(cells.size) - np.searchsorted(province[cells], province[cells])
        order_ = np.lexsort((province[cells], turn))
        cells, take = cells[order_], take[order_]
        if claim != "water_storage":
            granted = model.nitrogen_room.permit(model, claim, cells, take)
            cells, take = cells[granted], take[granted]
        wanted = np.zeros(n_cells)
        wanted[cells] = take
        got = take_farmland(model, wanted)
        model.claims_taken_ha[claim] = got
        model.claims_total_ha[claim] += got
        model.farmland_converted_total_ha += got.reshape(model.land_use.shape)
        model.land_claim.ravel()[got > 0] = code
        short = np.maximum(want - np.bincount(province, weights=got, minlength=want.size), 0.0)
        model.claims_unmet_ha[claim] = _spread(short, province, land["land_mask"].ravel())


def _spread(per_province: np.ndarray, province: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """A value per province id spread over its cells by ``weight`` (flat)."""
    total = np.bincount(province, weights=weight, minlength=per_province.size)
    share = np.where(total[province] > 0, weight / np.maximum(total[province], 1e-300), 0.0)
    return per_province[province] * share
