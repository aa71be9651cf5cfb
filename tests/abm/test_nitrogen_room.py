"""The shared nitrogen room (abm.nitrogen_room, STIKSTOF-RUIMTE): room freed and returned to
nature in every run; permits refused without room; nature first; working capital; the
priority order; the threshold; pools; the projects' deposition; reports per region."""

from __future__ import annotations

import numpy as np
import pytest

from abm.model import RegionModel
from abm.nitrogen_room import SECTORS, peak_mol_ha_yr_per_kg_n
from abm.scenario import Scenario, load_scenario

END = 2027
REGION = ["Gelderland", "Utrecht"]


def _model(*instruments: dict, region=REGION) -> RegionModel:
    scenario = load_scenario("baseline", resolution_m=1000, region=region, end_year=END)
    data = scenario.model_dump()
    data["instruments"] = list(data["instruments"]) + list(instruments)
    return RegionModel(Scenario.model_validate(data))


def _run(*instruments: dict, **kw) -> tuple[RegionModel, list[dict]]:
    """Run to END, keeping the ledger's pools every year."""
    model = _model(*instruments, **kw)
    years = []
    for _ in range(model.start_year, END + 1):
        model.step()
        room = model.nitrogen_room
        years.append({"available": room.available.copy(), "debt": room.debt.copy(),
                      "capital": room.capital.copy(), "repaid": room.repaid.copy()})
    return model, years


def _prov(model: RegionModel):
    frame = model.indicators()
    return frame[frame.level == "provincie"].groupby("year").sum(numeric_only=True)


def _rule(**parameters) -> dict:
    return {"id": "STIKSTOF-RUIMTE", "parameters": parameters}


@pytest.fixture(scope="module")
def baseline():
    return _run()


@pytest.fixture(scope="module")
def rule():
    return _run(_rule())


def test_peak_deposition_falls_with_distance():
    peak = peak_mol_ha_yr_per_kg_n(np.array([0.0, 1000.0, 5000.0, 20000.0]))
    assert (np.diff(peak) < 0).all() and (peak > 0).all()


def test_every_run_reports_room_freed_and_returned_to_nature(baseline):
    model, _ = baseline
    p = _prov(model)
    assert (p.nitrogen_room_freed_mol > 0).all()  # farms stop every year
    # without STIKSTOF-RUIMTE nothing is handed out: all freed room goes back to nature
    assert np.allclose(p.nitrogen_room_to_nature_mol, p.nitrogen_room_freed_mol)
    assert (p.nitrogen_room_allocated_mol == 0).all()
    assert (p.nitrogen_permits_blocked == 0).all()
    # and the projects add their deposition all the same
    assert model.project_deposition_mol_ha_yr.max() > 0


def _homes_near_n2000(model: RegionModel, within_m: float = 3000.0) -> float:
    near = model.distance_to_natura2000_m() <= within_m
    return float((model.dwellings - model.dwellings_start)[near].sum())


def test_without_room_permits_are_refused_and_homes_move_away(baseline, rule):
    base, rule_ = _prov(baseline[0]), _prov(rule[0])
    first = rule_.loc[2024]
    assert first.nitrogen_permits_blocked > 0  # no room in the first year
    assert first.nitrogen_permits_blocked_housing > 0
    assert first.nitrogen_room_allocated_mol == 0
    # refused homes go where they need no room: fewer near N-sensitive Natura 2000
    assert _homes_near_n2000(rule[0]) < _homes_near_n2000(baseline[0])
    assert rule_.homes_built.sum() <= base.homes_built.sum() + 1e-6


def test_with_no_threshold_refused_projects_go_unbuilt_or_wait(baseline):
    strict = _prov(_run(_rule(threshold_mol_ha_yr=0.0))[0])
    base = _prov(baseline[0])
    assert strict.homes_unbuilt.sum() > base.homes_unbuilt.sum()
    assert strict.homes_built.sum() < base.homes_built.sum()
    # business land that was refused waits: delayed, not dropped
    assert strict.business_land_delayed_ha.sum() > base.business_land_delayed_ha.sum()


def _ledger_identity(model, years):
    """Per pool (a province), summed over the run: what is left = capital + freed - drawn by
    farms - returned to nature - repaid - handed out; and nothing handed out beyond it."""
    frame = model.indicators()
    p = frame[frame.level == "provincie"].groupby("region_code").sum(numeric_only=True)
    codes = model.landscape.codes("province")
    ids = [codes.index(c) + 1 for c in p.index]
    flows = (p.nitrogen_room_freed_mol - p.nitrogen_room_drawn_by_farms_mol
             - p.nitrogen_room_to_nature_mol - p.nitrogen_room_repaid_mol
             - p.nitrogen_room_allocated_mol)
    left = years[-1]["available"][ids]
    np.testing.assert_allclose(left, years[-1]["capital"][ids] + flows.to_numpy(),
                               rtol=1e-9, atol=1e-3)
    return p


def test_room_is_never_handed_out_beyond_what_was_freed(rule):
    model, years = rule
    p = _ledger_identity(model, years)
    assert p.nitrogen_room_allocated_mol.sum() > 0  # later years had room
    # a province's handed-out room never exceeds what it freed net of nature
    kept = (p.nitrogen_room_freed_mol - p.nitrogen_room_drawn_by_farms_mol
            - p.nitrogen_room_to_nature_mol)
    assert (p.nitrogen_room_allocated_mol <= np.maximum(kept, 0.0) + 1e-6).all()
    p = _prov(model)
    per_sector = sum(p[f"nitrogen_room_allocated_{s}_mol"] for s in SECTORS)
    assert np.allclose(per_sector, p.nitrogen_room_allocated_mol)


def test_strict_nature_first_keeps_all_room_while_behind_the_kdw_path():
    model, _ = _run(_rule(target_share_below_kdw=1.0, nature_share_behind=1.0))
    p = _prov(model)
    assert (p.nitrogen_room_allocated_mol == 0).all()
    assert (p.nitrogen_room_available_mol <= 0).all()  # at most an overdraft of the farms
    assert p.loc[2025:].nitrogen_room_to_nature_mol.sum() > 0
    assert (p.nitrogen_permits_blocked > 0).all()


def test_working_capital_and_a_higher_threshold_unblock_permits(rule):
    base = _prov(rule[0])
    advanced = _run(_rule(working_capital_mol_yr=200_000.0))[0]
    capital = _prov(advanced)
    assert capital.loc[2024].nitrogen_permits_blocked < base.loc[2024].nitrogen_permits_blocked
    assert capital.loc[2024].nitrogen_room_allocated_mol > 0
    # the homes that got room are built where they were planned, nearer Natura 2000
    assert _homes_near_n2000(advanced) > _homes_near_n2000(rule[0])
    assert capital.homes_built.sum() >= base.homes_built.sum() - 1e-6
    model, years = _run(_rule(working_capital_mol_yr=200_000.0))
    assert years[0]["capital"].sum() == pytest.approx(
        200_000.0 * model.n2000_exposure_share_by_province[[25 - 19, 26 - 19]].sum())
    assert years[0]["debt"].sum() > 0  # the advance is owed
    assert years[-1]["debt"].sum() < years[0]["debt"].sum()  # and paid back from freed room
    np.testing.assert_allclose(years[-1]["capital"] - years[-1]["debt"], years[-1]["repaid"])
    _ledger_identity(model, years)
    lenient = _prov(_run(_rule(threshold_mol_ha_yr=1.0))[0])
    assert lenient.nitrogen_permits_blocked.sum() < base.nitrogen_permits_blocked.sum()


def test_priority_order_decides_who_gets_scarce_room():
    # scarce room: nearly all of it returns to nature while behind the KDW path
    housing = _prov(_run(_rule(priority=["housing", "business"], nature_share_behind=0.95))[0])
    business = _prov(_run(_rule(priority=["business", "housing"], nature_share_behind=0.95))[0])
    assert (housing.nitrogen_room_allocated_housing_mol.sum()
            > business.nitrogen_room_allocated_housing_mol.sum())
    assert (housing.nitrogen_permits_blocked_housing.sum()
            < business.nitrogen_permits_blocked_housing.sum())
    assert (business.nitrogen_room_allocated_business_mol.sum()
            > housing.nitrogen_room_allocated_business_mol.sum())


def test_national_pool_shares_room_across_provinces(rule):
    national = _run(_rule(pooling="national"))[0]
    p = national.indicators()
    p = p[p.level == "provincie"]
    assert p.nitrogen_room_allocated_mol.sum() > 0
    assert national.nitrogen_room.pooling == "national"
    assert national.nitrogen_room.available[1:].sum() == 0  # one pool, index 0


def test_only_projects_in_scope_need_room():
    model, _ = _run({"id": "STIKSTOF-RUIMTE", "scope": {"provinces": ["Utrecht"]}})
    frame = model.indicators()
    p = frame[frame.level == "provincie"].set_index(["region_code", "year"])
    assert p.loc["PV26"].nitrogen_permits_blocked.sum() > 0  # Utrecht
    assert p.loc["PV25"].nitrogen_permits_blocked.sum() == 0  # Gelderland
    assert p.loc["PV25"].nitrogen_room_freed_mol.sum() > 0  # counted everywhere


def test_same_seed_same_ledger(rule):
    again = _run(_rule())[0]
    a, b = rule[0].indicators(), again.indicators()
    cols = [c for c in a.columns if c.startswith("nitrogen_")]
    assert a[cols].equals(b[cols])


def test_unknown_sector_in_priority_is_an_input_error():
    with pytest.raises(Exception, match="priority"):
        _model(_rule(priority=["airports"]))
