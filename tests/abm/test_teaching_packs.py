"""Teaching packs (abm/viz/packs.py, experiments/teaching/, docs/teaching_packs.md): every pack
loads, its scenario and baseline validate, a run at 1000 m over its years moves its first chart
in the expected direction against the baseline, a slider matters, and bad packs are InputErrors
naming the file and the field."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from abm.errors import InputError
from abm.model import RegionModel
from abm.scenario import load_scenario
from abm.viz.packs import (PACK_DIR, baseline_scenario, load_pack, pack_names, pack_scenario)

PACKS = ("veenweide", "stikstof", "woningbouw", "werklocaties")
#: The first chart of each pack and the direction the pack moves its sum over the years.
EXPECTED = {"veenweide": ("peat_co2_mt", -1), "stikstof": ("nh3_emission_kt", -1),
            "woningbouw": ("homes_built", +1), "werklocaties": ("business_land_transformed_ha", +1)}
#: Seconds for model set-up + one simulated decade at 1000 m that a test tolerates (the target
#: is 10 s; the bound leaves room for a busy machine).
MAX_SECONDS_PER_DECADE = 60.0
_RUNS: dict[tuple, tuple] = {}


def _run(scenario, landscape):
    """Province rows by year of a run, and its wall time (set-up + years), cached by scenario."""
    key = (scenario.sha256(), scenario.seed)
    if key not in _RUNS:
        t0 = time.perf_counter()
        model = RegionModel(scenario, landscape)
        model.run_until(scenario.end_year)
        seconds = time.perf_counter() - t0
        frame = model.indicators()
        _RUNS[key] = (frame[frame.level == "provincie"].set_index("year"), seconds)
    return _RUNS[key]


def test_the_four_packs_are_shipped():
    assert set(PACKS) <= set(pack_names())


@pytest.mark.parametrize("name", PACKS)
def test_pack_loads_and_its_scenarios_validate(name):
    pack = load_pack(name)
    assert pack.name == name and pack.pack.charts[0] == EXPECTED[name][0]
    scenario = pack_scenario(pack, seed=3)
    assert len(scenario.region) == 1 and scenario.resolution_m == 1000 and scenario.seed == 3
    assert (scenario.start_year, scenario.end_year) == (pack.pack.start_year, pack.pack.end_year)
    assert 8 <= pack.pack.end_year - pack.pack.start_year + 1 <= 15  # a decade or so
    base = baseline_scenario(pack, seed=3)
    assert base.region == scenario.region and base.resolution_m == 1000
    assert (base.start_year, base.end_year, base.seed) == (scenario.start_year,
                                                           scenario.end_year, 3)
    # the scenario file is a normal scenario ('ruimte run' takes it) and cites the seeds
    load_scenario(pack.folder / pack.pack.scenario)
    assert ".txt:L" in (pack.folder / pack.pack.scenario).read_text(encoding="utf-8")
    for language in ("nl", "en"):
        assert len(pack.lesson(language)) > 500


@pytest.mark.parametrize("name", PACKS)
def test_pack_moves_its_first_chart_against_the_baseline(name, nl1000):
    pack = load_pack(name)
    column, sign = EXPECTED[name]
    rows, seconds = _run(pack_scenario(pack, seed=1), nl1000)
    base, _ = _run(baseline_scenario(pack, seed=1), nl1000)
    years = pack.pack.end_year - pack.pack.start_year + 1
    per_decade = seconds * 10.0 / years
    print(f"{name}: {per_decade:.1f} s per decade at 1000 m (set-up + {years} years)")
    assert per_decade < MAX_SECONDS_PER_DECADE
    assert sign * (rows[column].sum() - base[column].sum()) > 0


@pytest.mark.parametrize("name", PACKS)
def test_first_slider_at_max_and_min_changes_the_outcome(name, nl1000):
    pack = load_pack(name)
    slider = pack.sliders[0]
    column = EXPECTED[name][0]
    low, _ = _run(pack_scenario(pack, {slider.name: slider.min}, seed=1), nl1000)
    high, _ = _run(pack_scenario(pack, {slider.name: slider.max}, seed=1), nl1000)
    assert abs(high[column].sum() - low[column].sum()) > 1e-6 * max(1.0, abs(low[column].sum()))


def test_protecting_business_land_stops_the_transformation(nl1000):
    pack = load_pack("werklocaties")
    rows, _ = _run(pack_scenario(pack, switches={"WERKLOC-BEHOUD": True}, seed=1), nl1000)
    assert rows.business_land_transformed_ha.sum() == 0


def test_sliders_and_switches_go_into_the_scenario():
    pack = load_pack("werklocaties")
    scenario = pack_scenario(pack, {"BRUIS-TRANSFORMATIE.share_per_yr": 0.05},
                             {"REV-COMPENSATION": False, "WERKLOC-BEHOUD": True}, seed=2)
    ids = [spec.id for spec in scenario.instruments]
    assert "REV-COMPENSATION" not in ids and "WERKLOC-BEHOUD" in ids
    assert scenario.instruments[0].parameters["share_per_yr"] == 0.05
    assert "WERKLOC-BEHOUD" not in [s.id for s in pack_scenario(pack).instruments]  # default off
    woning = load_pack("woningbouw")
    soft = pack_scenario(woning, switches={"WBS-10.hard": False})
    flags = {spec.id: spec.parameters.get("hard") for spec in soft.instruments}
    assert flags["WBS-10"] is False and flags["WBS-22"] is True


def test_a_model_parameter_slider(tmp_path):
    folder = _copy("veenweide", tmp_path)
    (folder / "pack.toml").write_text(
        (folder / "pack.toml").read_text(encoding="utf-8") + '\n[[sliders]]\n'
        'name = "farmers.options.INERTIA"\nlabel_nl = "x"\nlabel_en = "x"\n'
        "min = 5.0\nmax = 8.5\nstep = 0.5\ndefault = 7.0\n", encoding="utf-8")
    scenario = pack_scenario(load_pack(folder), {"farmers.options.INERTIA": 6.0})
    assert scenario.parameters["farmers.options.INERTIA"] == 6.0


@pytest.mark.parametrize("values, switches, field", [
    ({"nonsense.x": 1.0}, {}, "values['nonsense.x']"),
    ({"WBS-25.target_depth_cm": 80.0}, {}, "values['WBS-25.target_depth_cm']"),
    ({}, {"NPLG-VEENWEIDE-1MT": 1}, "switches['NPLG-VEENWEIDE-1MT']"),
    ({}, {"WBS-10": False}, "switches['WBS-10']"),
])
def test_bad_app_values_are_input_errors(values, switches, field):
    with pytest.raises(InputError) as err:
        pack_scenario(load_pack("veenweide"), values, switches)
    assert err.value.field == field and err.value.allowed
    assert "pack.toml" in err.value.source


def _copy(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / name
    shutil.copytree(PACK_DIR / name, folder)
    return folder


@pytest.mark.parametrize("old, new, field, allowed", [
    ('name = "WBS-25.target_depth_cm"', 'name = "WBS-25.no_such"', "sliders[0].name",
     "WBS-25.target_depth_cm"),
    ('name = "WBS-25.target_depth_cm"', 'name = "farmers.no_such.PARAM"', "sliders[0].name",
     "INSTRUMENT-ID.parameter"),
    ('name = "WBS-25.target_depth_cm"', 'name = "LN-14.payment_eur_ha"', "sliders[0].name",
     "WBS-25"),
    ("default = 30.0", "default = 45.0", "sliders[0].default", "20 to 40"),
    ("min = 20.0", "min = -5.0", "sliders[0].min", "0 to 200"),
    ("max = 40.0", "max = 20.0", "sliders[0].max", "above 20"),
    ('"groundwater_depth_cm",', '"groundwater",', "pack.layers[0]", "land_use"),
    ('"peat_co2_mt",', '"peat_co2",', "pack.charts[0]", "peat_co2_mt"),
    ('name = "NPLG-VEENWEIDE-1MT"', 'name = "WBS-10"', "switches[0].name", "WBS-25"),
    ("default = false", 'default = "no"', "switches[0].default", "true or false"),
    ('baseline = "baseline"', 'baseline = "nope"', "pack.baseline", "stikstof-buyout"),
    ("end_year = 2033", "end_year = 2080", "pack.end_year", "2024 to 2054"),
    ('name = "veenweide"', 'name = "other"', "pack.name", "veenweide"),
    ("[pack]", "[pack]\ncolour = 1", "pack.colour", "title_nl"),
])
def test_bad_packs_are_input_errors(tmp_path, old, new, field, allowed):
    folder = _copy("veenweide", tmp_path)
    path = folder / "pack.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_pack(folder)
    assert err.value.source == str(path)
    assert err.value.field == field
    assert allowed in (err.value.allowed or "")


@pytest.mark.parametrize("old, new, field, allowed", [
    ('region = ["Zuid-Holland"]', 'region = ["Zuid-Holland", "Utrecht"]', "region",
     "one province"),
    ("resolution_m = 1000", "resolution_m = 250", "resolution_m", "1000"),
    ('id = "WBS-25"', 'id = "WBS-99"', "instruments[0].id", "WBS-25"),
])
def test_bad_pack_scenarios_are_input_errors(tmp_path, old, new, field, allowed):
    folder = _copy("veenweide", tmp_path)
    path = folder / "scenario.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_pack(folder)
    assert err.value.source == str(path) and err.value.field == field
    assert allowed in (err.value.allowed or "")


def test_missing_pack_and_lesson_are_input_errors(tmp_path):
    with pytest.raises(InputError) as err:
        load_pack("no-such-pack")
    assert "veenweide" in err.value.allowed
    folder = _copy("stikstof", tmp_path)
    (folder / "lesson_en.md").unlink()
    with pytest.raises(InputError) as err:
        load_pack(folder)
    assert err.value.field == "lesson_en" and err.value.source.endswith("pack.toml")
