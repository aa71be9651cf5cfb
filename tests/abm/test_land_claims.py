"""Claims on farmland besides housing, business land and nature (abm.land_claims): solar
fields for the RES with the solar preference order, infrastructure, defence, water storage;
unmet claims reported; land conserved; the claim map; nitrogen permits."""

from __future__ import annotations

import numpy as np
import pytest

from abm.land_claims import CLAIM_CODES, SOLAR_TWH_PER_HA
from abm.model import RegionModel
from abm.scenario import Scenario, load_scenario
from environment.layers import AGRICULTURE

END = 2027
REGION = ["Gelderland", "Flevoland"]
CLAIMS = tuple(CLAIM_CODES)


def _run(*instruments: dict, region=REGION) -> tuple[RegionModel, list[dict]]:
    scenario = load_scenario("baseline", resolution_m=1000, region=region, end_year=END)
    data = scenario.model_dump()
    data["instruments"] = list(data["instruments"]) + list(instruments)
    model = RegionModel(Scenario.model_validate(data))
    start = {"farmland_ha": model.farms.total_area_ha.sum(), "land_use": model.land_use.copy()}
    years = [start]
    for _ in range(model.start_year, END + 1):
        model.step()
        years.append({
            "land": (model.farms.total_area_ha.sum() + model.nature_gained_ha.sum()
                     + model.land_bank.stock_ha.sum() + model.farmland_converted_total_ha.sum()),
            "taken": {c: model.claims_taken_ha[c].copy() for c in CLAIMS},
            "claim_map": model.land_claim.copy(),
            "homes": model.housing_year.homes.copy(),
            "business": model.business_land.arrived_ha.copy(),
            "masks": {k: v.copy() for k, v in model.policy.masks.items()},
        })
    return model, years


def _prov(model: RegionModel):
    frame = model.indicators()
    return frame[frame.level == "provincie"].groupby("year").sum(numeric_only=True)


RES = {"id": "RES-35TWH"}
ORDER = {"id": "RES-ZON-VOLGORDE"}
LADDER = {"id": "LN-09"}
DEFENCE = {"id": "DEFENSIE-NPRD"}
STORAGE = {"id": "WBS-13", "parameters": {"purchase_share_per_yr": 0.05}}


@pytest.fixture(scope="module")
def baseline():
    return _run()


HARD = ({"id": "WBS-10", "parameters": {"hard": True}},
        {"id": "WBS-22", "parameters": {"hard": True}})


@pytest.fixture(scope="module")
def all_claims():
    return _run(RES, DEFENCE, STORAGE, *HARD)


def test_baseline_builds_infrastructure_only(baseline):
    p = _prov(baseline[0])
    assert (p.claim_infrastructure_ha > 0).all()
    for claim in ("energy", "defence", "water_storage"):
        assert (p[f"claim_{claim}_ha"] == 0).all()


def test_land_is_conserved_with_every_claim(all_claims):
    model, years = all_claims
    for year in years[1:]:
        assert year["land"] == pytest.approx(years[0]["farmland_ha"], rel=1e-9)
    p = _prov(model)
    for claim in CLAIMS:
        assert p[f"claim_{claim}_ha"].sum() > 0
    claimed = sum(p[f"claim_{c}_ha"].sum() for c in CLAIMS)
    assert p.farmland_converted_ha.sum() >= claimed - 1e-6


def test_claims_take_farmland_outside_natura2000_and_hard_masks(all_claims):
    model, years = all_claims
    n2000 = model.landscape["natura2000_id"].ravel() > 0
    start_use = years[0]["land_use"].ravel()
    for year in years[1:]:
        for claim, taken in year["taken"].items():
            cells = np.flatnonzero(taken > 0)
            assert not n2000[cells].any()
            assert (start_use[cells] == AGRICULTURE).all()
            storage = year["masks"]["water_storage"].ravel()
            if claim == "water_storage":
                assert storage[cells].all()  # storage inside its zone only
            else:
                for kind in ("no_new_buildings", "reserved", "water_storage"):
                    assert not year["masks"][kind].ravel()[cells].any(), (claim, kind)
    assert years[-1]["masks"]["no_new_buildings"].any()  # the hard masks were there


def test_no_homes_or_business_land_on_cells_other_claims_took(all_claims):
    model, years = all_claims
    for before, year in zip(years[1:-1], years[2:], strict=True):
        claimed = before["claim_map"].ravel() >= 4  # solar, roads, defence, storage
        assert claimed.any()
        assert year["homes"][claimed & (year["claim_map"].ravel() >= 4)].sum() == 0 or \
            year["homes"][claimed].sum() <= before["homes"][claimed].sum()
        assert year["business"][claimed].sum() == 0
        # a claim's code stays on its cells
        assert (year["claim_map"].ravel()[claimed] == before["claim_map"].ravel()[claimed]).all()


def test_the_claim_map_shows_which_claim_took_each_cell(all_claims):
    model, years = all_claims
    for claim, code in CLAIM_CODES.items():
        total = sum(y["taken"][claim] for y in years[1:])
        cells = np.flatnonzero(total > 0)
        assert cells.size and (model.land_claim.ravel()[cells] == code).all()


def test_res_builds_solar_fields_to_its_path(all_claims):
    model, _ = all_claims
    p = _prov(model)
    assert p.solar_fields_twh.is_monotonic_increasing
    assert p.solar_fields_twh.iloc[-1] == pytest.approx(
        model.claims_total_ha["energy"].sum() * SOLAR_TWH_PER_HA)
    assert model.policy.targets["solar_fields_twh"] > 0


def test_the_solar_preference_order_spares_farmland():
    plain = _prov(_run(RES, LADDER)[0])
    ordered, years = _run(RES, ORDER, LADDER)
    p = _prov(ordered)
    assert p.claim_energy_ha.sum() < plain.claim_energy_ha.sum()  # roofs first
    heavy = ordered.policy.zones["ladder_zware"].ravel()
    for year in years[1:]:
        assert heavy[year["taken"]["energy"] > 0].all()  # fields on the heavy class only


def test_unmet_claims_are_reported_not_dropped():
    # Flevoland has little farmland of the ladder's heavy class: the fields do not all fit
    model, _ = _run(RES, ORDER, LADDER, region=["Flevoland"])
    p = _prov(model)
    assert (p.claim_energy_unmet_ha > 0).all()
    asked = p.claim_energy_ha + p.claim_energy_unmet_ha
    assert asked.loc[2024] == pytest.approx(asked.loc[2025], rel=0.05)


def test_claims_need_nitrogen_room_under_stikstof_ruimte(baseline):
    # with no threshold every claim cell needs room, and there is none in the first year
    model, _ = _run({"id": "STIKSTOF-RUIMTE", "parameters": {"threshold_mol_ha_yr": 0.0}})
    p, base = _prov(model), _prov(baseline[0])
    assert p.loc[2024].nitrogen_permits_blocked_infrastructure > 0
    assert p.loc[2024].claim_infrastructure_unmet_ha > 0
    assert p.claim_infrastructure_ha.sum() < base.claim_infrastructure_ha.sum()
