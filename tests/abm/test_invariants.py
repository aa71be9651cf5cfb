"""Debug mode (abm.invariants): national runs of rich scenarios keep every invariant, and each
invariant fails, naming itself and the numbers, when the state is corrupted on purpose
(docs/robustness.md)."""

from __future__ import annotations

import numpy as np
import pytest

from abm import invariants
from abm.cli import main
from abm.invariants import INVARIANTS, InvariantError
from abm.model import RegionModel
from abm.scenario import load_scenario

YEARS = 3


@pytest.mark.parametrize("name", ["baseline", "landbouw-natuur-all", "startpakket-2022"])
def test_national_runs_keep_every_invariant(name, nl1000):
    scenario = load_scenario(name, resolution_m=1000, region=[], end_year=None)
    scenario = load_scenario(name, resolution_m=1000, region=[],
                             end_year=scenario.start_year + YEARS - 1)
    model = RegionModel(scenario, nl1000, debug=True)
    assert model.debug
    model.run_until(scenario.end_year)  # raises InvariantError on the first broken invariant
    assert model.year == scenario.end_year
    assert not model._invariants.active.all()  # the checks saw farms stop


def test_debug_mode_is_off_by_default_and_on_by_environment(monkeypatch, nl1000):
    scenario = load_scenario("baseline", resolution_m=1000, region=["Utrecht"], end_year=2024)
    monkeypatch.delenv(invariants.ENV, raising=False)
    assert not RegionModel(scenario, nl1000).debug
    monkeypatch.setenv(invariants.ENV, "1")
    assert RegionModel(scenario, nl1000).debug
    assert not RegionModel(scenario, nl1000, debug=False).debug


def test_ruimte_run_debug_checks_every_year(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["run", "baseline", "--end", "2025", "--resolution", "1000", "--region",
                 "Utrecht", "--out", str(out), "--no-figures", "--quiet", "--debug"])
    assert code == 0, capsys.readouterr().err
    assert out.is_dir()


@pytest.fixture
def utrecht(nl1000):
    """A debug model of Utrecht after its first year, the invariants held so far."""
    scenario = load_scenario("baseline", resolution_m=1000, region=["Utrecht"], end_year=2026)
    model = RegionModel(scenario, nl1000, debug=True)
    model.run_until(2024)
    return model


def _broken(model: RegionModel, corrupt) -> InvariantError:
    """Corrupt the state at the end of the next year, before its check; the error it raises."""
    simulate = model._year

    def year() -> None:
        simulate()
        corrupt(model)

    model._year = year
    with pytest.raises(InvariantError) as info:
        model.step()
    return info.value


def _assert_names(err: InvariantError, name: str, *numbers: str) -> None:
    assert err.invariant == name
    assert f"'{name}'" in str(err) and str(err.year) in str(err)
    for text in numbers:
        assert text in str(err), str(err)


def test_every_invariant_has_a_corruption_test():
    tested = {"land_area_conserved", "farm_counts_balance", "households_balance",
              "money_balances", "no_negative_stocks", "nitrogen_room_ledger"}
    assert tested == set(INVARIANTS)


def test_land_that_vanishes_breaks_land_area_conserved(utrecht):
    def corrupt(m):
        m.nature_gained_ha.flat[np.argmax(m.nature_gained_ha)] += 12.5

    err = _broken(utrecht, corrupt)
    _assert_names(err, "land_area_conserved", "difference 12.5")


def test_a_farm_gone_unrecorded_breaks_farm_counts_balance(utrecht):
    def corrupt(m):
        quiet = np.flatnonzero(m.farms.active & ~np.isin(np.arange(m.farms.n), m.farms_leaving))
        m.farms.active[quiet[0]] = False

    err = _broken(utrecht, corrupt)
    _assert_names(err, "farm_counts_balance", "recorded exits")
    changed = int(str(err).split("(change ")[1].split(")")[0])
    exits = int(str(err).split("recorded exits ")[1].split(" ")[0])
    assert changed == -exits - 1  # one farm more left than the record says


def test_households_from_nowhere_break_households_balance(utrecht):
    def corrupt(m):
        m.household_agents.households[0] += 100.0

    err = _broken(utrecht, corrupt)
    _assert_names(err, "households_balance", "formed", "dissolved")


def test_money_from_nowhere_breaks_money_balances(utrecht, nl1000):
    def gift(m):
        m.governments["provincie"][0].budget_meur += 3.0

    err = _broken(utrecht, gift)
    _assert_names(err, "money_balances", "PV26", "received")

    scenario = load_scenario("baseline", resolution_m=1000, region=["Utrecht"], end_year=2026)
    model = RegionModel(scenario, nl1000, debug=True)

    def unpaid_spending(m):  # spent, but no farm, land seller or region received it
        gov = m.governments["provincie"][0]
        gov.receive(5.0, source="test")
        gov.spend(5.0)

    err = _broken(model, unpaid_spending)
    _assert_names(err, "money_balances", "spent 5.000000000 meur this year")


def test_negative_stocks_break_no_negative_stocks(utrecht):
    def corrupt(m):
        m.dwellings.flat[np.argmax(m.dwellings)] = -3.0

    err = _broken(utrecht, corrupt)
    _assert_names(err, "no_negative_stocks", "dwellings is negative: -3")


def test_room_from_nowhere_breaks_nitrogen_room_ledger(utrecht):
    def corrupt(m):
        m.nitrogen_room.available[m.nitrogen_room.province.max()] += 250.0

    err = _broken(utrecht, corrupt)
    _assert_names(err, "nitrogen_room_ledger", "250.000000 mol")


def test_room_ledger_with_stikstof_ruimte_catches_a_lost_handout(nl1000):
    scenario = load_scenario("stikstofruimte-gebiedsgericht", resolution_m=1000,
                             region=["Gelderland"], end_year=2027)
    model = RegionModel(scenario, nl1000, debug=True)
    model.run_until(2025)  # the rules hold: the ledger balances
    assert model.nitrogen_room.rules(model) is not None

    def corrupt(m):
        m.nitrogen_room.available[m.nitrogen_room.available.argmax()] -= 40.0

    err = _broken(model, corrupt)
    _assert_names(err, "nitrogen_room_ledger", "handed out")


def test_check_needs_a_start(nl1000):
    scenario = load_scenario("baseline", resolution_m=1000, region=["Utrecht"], end_year=2024)
    model = RegionModel(scenario, nl1000, debug=False)
    with pytest.raises(RuntimeError, match="start"):
        invariants.check(model)
