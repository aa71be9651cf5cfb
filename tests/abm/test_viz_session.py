"""The teaching app's model side (abm.viz.session), without a browser: a pack's model steps,
maps per year, figures, the events text, the baseline alongside, and the errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from abm.cli import main
from abm.errors import InputError
from abm.viz import session as vs
from abm.viz.packs import load_pack


@pytest.fixture(scope="module")
def pack():
    return load_pack("veenweide")


@pytest.fixture(scope="module")
def compared(pack):
    """The veenweide pack with its baseline, two years simulated."""
    s = vs.build_session(pack, seed=3, compare=True)
    assert vs.run_session(s, until=pack.pack.start_year + 1) == 2
    return s


def test_a_packs_model_steps_and_keeps_each_years_maps(pack):
    s = vs.build_session(pack, {"WBS-25.target_depth_cm": 40.0}, seed=1)
    start = pack.pack.start_year
    assert s.year == start - 1 and s.years == [start - 1] and s.scenario.frame.empty
    assert s.values["WBS-25.target_depth_cm"] == 40.0
    assert s.switches == {"NPLG-VEENWEIDE-1MT": False}
    assert vs.step_session(s)
    assert s.year == start and s.years == [start - 1, start]
    assert set(s.scenario.frame.year) == {start}
    maps = s.scenario.maps[start]
    assert set(maps) == set(vs.ALL_LAYERS)
    assert all(m.shape == s.scenario.model.landscape.grid.shape for m in maps.values())
    # the maps of a year stay as they were when the model steps on
    kept = maps["dwellings_added"].copy()
    vs.step_session(s)
    assert np.array_equal(s.scenario.maps[start]["dwellings_added"], kept)
    assert not np.array_equal(s.scenario.maps[start + 1]["dwellings_added"], kept)


def test_run_session_stops_at_the_end_year_or_when_told(pack):
    s = vs.build_session(pack, seed=1)
    seen = []
    assert vs.run_session(s, on_year=lambda x: seen.append(x.year) or False) == 1
    assert seen == [pack.pack.start_year]
    s.scenario.model.year = pack.pack.end_year  # pretend the decade is done
    assert s.done and not vs.step_session(s) and vs.run_session(s) == 0


def test_job_layers_add_up_to_the_jobs_indicator(compared):
    year = compared.year
    maps = compared.scenario.maps[year]
    top = vs.top_level(compared.scenario.frame)
    jobs = float(top[top.year == year].jobs.iloc[0])
    assert maps["jobs"].sum() == pytest.approx(jobs, rel=1e-4)
    per_milieu = sum(maps[f"jobs_{w}"] for w in vs.WERKMILIEUS)
    assert np.allclose(per_milieu, maps["jobs"], rtol=1e-4, atol=1e-2)


def test_layer_selector_puts_the_packs_layers_first(pack):
    names = vs.layer_names(pack)
    assert names[:len(pack.pack.layers)] == pack.pack.layers
    assert sorted(names) == sorted(vs.ALL_LAYERS)
    assert "no_new_buildings" in names and "jobs_innovatie" in names
    assert vs.layer_label("subsidence_mm_yr", "nl") == "Bodemdaling"
    assert vs.layer_label("subsidence_mm_yr", "en") == "Subsidence"


def test_figures_for_every_layer_and_the_charts(compared, pack):
    for name in vs.ALL_LAYERS:
        fig = vs.map_figure(compared, name, language="en", compare=False)
        assert isinstance(fig, Figure)
    # side by side with the baseline: two map axes (and a colour bar)
    fig = vs.map_figure(compared, "groundwater_depth_cm", year=compared.start_year)
    maps = [ax for ax in fig.axes if ax.images]
    assert len(maps) == 2 and "basis" in maps[1].get_title()
    assert "eind 2024" in fig.get_suptitle()
    start = vs.map_figure(compared, "land_use", year=compared.start_year - 1, language="en")
    assert "start of 2024" in start.get_suptitle()
    chart = vs.chart_figure(compared, language="nl")
    panels = [ax for ax in chart.axes if ax.get_visible()]
    assert len(panels) == len(pack.pack.charts)
    assert all(len(ax.lines) == 2 for ax in panels)  # scenario and baseline
    assert panels[0].get_title() == "CO2 uit veenweiden"
    alone = vs.chart_figure(compared, ["farms_total"], language="en", compare=False)
    assert [len(ax.lines) for ax in alone.axes] == [1]


def test_compare_with_baseline_runs_both_with_the_same_seed(compared, pack):
    assert compared.baseline is not None
    assert compared.baseline.model.year == compared.year
    assert compared.baseline.model.scenario_spec.seed == compared.seed == 3
    assert compared.baseline.model.scenario_spec.name == pack.pack.baseline
    assert sorted(compared.baseline.maps) == compared.years
    # the peat-meadow measure makes the two runs differ
    a = vs.top_level(compared.scenario.frame).set_index("year").peat_co2_mt
    b = vs.top_level(compared.baseline.frame).set_index("year").peat_co2_mt
    assert not np.allclose(a.values, b.values)


def test_switching_the_baseline_on_mid_run_catches_up(pack):
    s = vs.build_session(pack, seed=1)
    vs.step_session(s)
    base = vs.ensure_baseline(s)
    assert base.model.year == s.year and sorted(base.maps) == s.years
    vs.step_session(s)
    assert base.model.year == s.year


def test_events_tell_the_year_in_dutch_and_english_with_numbers(compared):
    nl = vs.events(compared, language="nl")
    en = vs.events(compared, language="en")
    assert nl and en and nl != en
    assert all(re.search(r"\d", line) for line in nl + en)
    assert any("boerenbedrijven stopten" in line for line in nl)
    assert any("farms stopped" in line for line in en)
    assert any("Mton CO2" in line for line in nl)
    assert any("Mt CO2" in line for line in en)
    # an earlier year, and the set-up state before any year
    assert vs.events(compared, compared.start_year, "en") != en
    assert "press Step" in vs.events(compared, compared.start_year - 1, "en")[0]


def test_numbers_in_dutch_and_english():
    assert vs._number(12345.678, 1, "nl") == "12.345,7"
    assert vs._number(12345.678, 1, "en") == "12,345.7"


def test_unknown_layer_language_or_year_is_an_input_error(compared):
    with pytest.raises(InputError, match="unknown layer 'roads'"):
        vs.map_figure(compared, "roads")
    with pytest.raises(InputError, match="unknown layer"):
        vs.layer_label("roads")
    with pytest.raises(InputError, match="no language 'de'"):
        vs.events(compared, language="de")
    with pytest.raises(InputError, match="no maps of 1990"):
        vs.map_figure(compared, "land_use", year=1990)
    with pytest.raises(InputError, match="unknown indicator"):
        vs.chart_figure(compared, ["no_such_indicator"])
    assert "InputError" not in vs.describe_error(InputError("a", "b", "c"))
    assert vs.describe_error(ValueError("x")) == "ValueError: x"


def test_bad_slider_value_is_an_input_error(pack):
    with pytest.raises(InputError, match="outside the slider"):
        vs.build_session(pack, {"WBS-25.target_depth_cm": 99.0})


def test_region_and_resolution_overrides(pack):
    assert vs.viz_overrides({}) == (None, None)
    assert vs.viz_overrides({vs.ENV_REGION: "Utrecht", vs.ENV_RESOLUTION: "250"}) == (
        "Utrecht", 250)
    with pytest.raises(InputError, match="RUIMTE_VIZ_RESOLUTION"):
        vs.viz_overrides({vs.ENV_RESOLUTION: "500"})
    s = vs.build_session(pack, region="Utrecht", compare=True)
    assert s.scenario.model.landscape.provinces == ("PV26",)
    assert s.baseline.model.landscape.provinces == ("PV26",)
    assert s.region_name == "Utrecht"


def test_cli_viz_rejects_an_unknown_province(capsys):
    assert main(["viz", "--region", "Atlantis"]) == 2
    assert "unknown province 'Atlantis'" in capsys.readouterr().err


def test_the_app_module_has_a_page():
    pytest.importorskip("solara")
    from abm.viz import app

    assert callable(app.Page)
    assert set(app._UI["nl"]) == set(app._UI["en"])
