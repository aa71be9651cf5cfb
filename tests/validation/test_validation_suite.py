"""The validation suite (abm/validation.py, docs/validation.md) at 1000 m.

Each fact of abm/validation_facts.csv is one test. A check that passes today must keep passing
(its band is in the failure message). A check the model misses today carries ``known_miss = yes``
in the facts file: its test is an expected failure that must still miss, so a change that makes it
pass fails here until the facts file is updated (strict, like ``xfail(strict=True)``). Bands are
never widened to make a test pass.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from abm import validation
from abm.validation import FACTS_CSV, RUNS, load_facts

FACTS = load_facts()


@pytest.fixture(scope="module")
def runs():
    return validation.run_models(1000)


@pytest.fixture(scope="module")
def written(runs, tmp_path_factory):
    out = tmp_path_factory.mktemp("validation") / "report"
    return validation.validate(1000, out=out, runs=runs), out


@pytest.mark.parametrize("fact", FACTS, ids=[f.id for f in FACTS])
def test_check(written, fact):
    report, _ = written
    result = report.result(fact.id)
    msg = (f"{fact.id}: simulated {result.simulated:.6g}, band {fact.low:.6g}-{fact.high:.6g} "
           f"(observed {fact.value:.6g} {fact.unit}; {fact.source_url_or_table})")
    if not fact.known_miss:
        assert result.passed, msg
    elif result.passed:
        pytest.fail(f"known miss now passes: clear known_miss of {fact.id} in {FACTS_CSV.name} "
                    f"and the result in docs/validation.md. {msg}")
    else:
        pytest.xfail(f"known miss: {msg}")


def test_report_is_written_with_every_check(written):
    report, out = written
    assert sorted(p.name for p in out.iterdir()) == ["checks.csv", "figures", "summary.json",
                                                     "validation.md"]
    text = (out / "validation.md").read_text()
    for fact in FACTS:
        assert f"`{fact.id}`" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["passed"] + summary["missed"] == len(FACTS)
    assert summary["missed"] == report.n_missed == text.count("**MISS**")
    table = pd.read_csv(out / "checks.csv")
    assert set(table.id) == {f.id for f in FACTS}
    assert (table.result == "miss").sum() == report.n_missed
    assert {p.name for p in (out / "figures").iterdir()} == {
        "relative_deviation.png", "holdings_hindcast.png", "provinces_observed_vs_simulated.png"}


def test_runs_are_the_baseline_from_its_base_year_and_the_hindcast(runs):
    base, hind = runs["base"], runs["hindcast"]
    assert base.model.scenario_spec.name == hind.model.scenario_spec.name == "baseline"
    assert (base.model.start_year, base.model.year) == RUNS["base"] == (2024, 2025)
    assert (hind.model.start_year, hind.model.year) == RUNS["hindcast"] == (2011, 2023)
    assert not base.model.landscape.provinces  # national runs
    # the hindcast starts from the 2010 census: its holdings at set-up are the census's
    from agents.farmers.census import national

    assert hind.start["farms_nl"] == national(2010).farms


def test_census_facts_are_the_shipped_census():
    from agents.farmers.census import census, national

    column = {"farms_total": "farms", "dairy_cows": "dairy_cows", "cattle": "cattle",
              "pigs": "pigs", "chickens": "chickens", "sheep": "sheep", "goats": "goats",
              "pig_farms": "farms_with_pigs", "poultry_farms": "farms_with_chickens"}
    checked = 0
    for fact in FACTS:
        if fact.quantity in column and "80780ned" in fact.source_url_or_table:
            row = national(fact.year) if fact.region == "NL01" else census(fact.year).loc[
                fact.region]
            assert fact.value == row[column[fact.quantity]], fact.id
            checked += 1
    assert checked >= 20
    decline = next(f for f in FACTS if f.id == "holdings_decline_nl_2010_2023")
    assert decline.value == pytest.approx(national(2023).farms / national(2010).farms - 1,
                                          abs=1e-4)


def test_population_and_dwelling_facts_match_the_model_inputs():
    from agents.households import DWELLINGS_BY_YEAR
    from environment.population import CBS_NL_2020, CBS_POPULATION

    by_id = {f.id: f for f in FACTS}
    for code, (pop2022, _) in CBS_POPULATION.items():
        assert by_id[f"population_{code}_2022"].value == pop2022
    assert by_id["population_nl_2020"].value == CBS_NL_2020
    assert by_id["dwellings_NL01_2023"].value == DWELLINGS_BY_YEAR[2023]
    provinces = sum(by_id[f"dwellings_{c}_2023"].value for c in CBS_POPULATION)
    assert provinces == DWELLINGS_BY_YEAR[2023]


def test_every_fact_has_a_source_a_band_and_a_known_way_to_simulate():
    for fact in FACTS:
        assert fact.low <= fact.value <= fact.high
        assert fact.source_url_or_table and fact.note
        assert fact.quantity in validation.QUANTITIES
        if fact.kind == "calibration":
            assert "CALIBRATED" in fact.note, fact.id
    assert len({f.id for f in FACTS}) == len(FACTS)


def test_a_band_that_excludes_its_value_is_refused(tmp_path):
    text = FACTS_CSV.read_text().splitlines()
    header, first = text[0], text[1].replace("holdings_nl_2023,farms_total,NL01,2023,50634,",
                                             "holdings_nl_2023,farms_total,NL01,2023,60000,")
    bad = tmp_path / "facts.csv"
    bad.write_text("\n".join([header, first]) + "\n")
    with pytest.raises(ValueError, match="holdings_nl_2023: value 60000.0 outside its band"):
        load_facts(bad)


def test_a_check_outside_its_band_misses(runs):
    fact = next(f for f in FACTS if f.id == "holdings_nl_2024")
    from dataclasses import replace

    moved = replace(fact, value=fact.value * 1.5, low=fact.low * 1.5, high=fact.high * 1.5)
    [result] = validation.evaluate(runs, validation.checks([moved]))
    assert not result.passed
    [result] = validation.evaluate(runs, validation.checks([fact]))
    assert result.passed


def test_cli_writes_the_report_and_exits_0_with_misses(runs, tmp_path, monkeypatch, capsys):
    from abm.cli import main

    monkeypatch.setattr(validation, "run_models", lambda resolution=1000: runs)
    out = tmp_path / "val"
    assert main(["validate", "--out", str(out), "--resolution", "1000"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("ruimte validation: ") and " passed, " in line and " missed " in line
    assert (out / "validation.md").is_file()
    # a folder that is not empty is refused before any run, with exit status 2
    assert main(["validate", "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
