"""Ensemble figures of a batch (experiments.batch.plots) on a tiny factorial batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm.errors import InputError
from experiments.batch.levels import top_level
from experiments.batch.plots import DEFAULT_INDICATORS, plot_batch, target_years
from experiments.batch.runner import run_batch

EXPERIMENT = """
name = "plots-test"
scenarios = ["baseline", "stikstof-buyout"]
seeds = 2
base_seed = 7
start_year = 2024
end_year = 2025
resolution_m = 1000
region = ["Utrecht"]
maps = ["land_use", "n_deposition_mol_ha_yr"]

[design]
method = "factorial"

[[parameters]]
name = "NPLG-BUYOUT.budget_meur_per_yr"
values = [50.0]
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("plots")
    path = root / "experiment.toml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    counts = run_batch(path, out=root / "out", workers=1, progress=False)
    assert counts["succeeded"] == 4
    return root / "out"


def test_plot_batch_writes_the_figures(batch):
    paths = plot_batch(batch)
    names = sorted(p.name for p in paths)
    assert names == ["ensemble_map_land_use.png", "ensemble_map_n_deposition_mol_ha_yr.png",
                     "ensemble_trajectories.png", "scenario_comparison.png"]
    for path in paths:
        assert path.parent == batch / "figures"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((batch / "figures").glob(".tmp-*"))


def test_plot_batch_with_chosen_indicators_and_folder(batch, tmp_path):
    paths = plot_batch(batch, out=tmp_path / "figs", indicators=["farms_total", "pigs"])
    assert {p.name for p in paths} >= {"ensemble_trajectories.png", "scenario_comparison.png"}
    assert all(p.parent == tmp_path / "figs" and p.is_file() for p in paths)


def test_unknown_indicator_is_an_input_error(batch, tmp_path):
    with pytest.raises(InputError) as err:
        plot_batch(batch, out=tmp_path / "never", indicators=["farms_total", "no_such_thing"])
    assert err.value.source == "--indicators"
    assert err.value.field == "indicators"
    assert "no_such_thing" in err.value.problem
    assert "farms_total" in err.value.allowed and "nh3_emission_kt" in err.value.allowed
    assert not (tmp_path / "never").exists()


def test_not_a_batch_folder(tmp_path):
    with pytest.raises(InputError, match="manifest.sqlite"):
        plot_batch(tmp_path)


def test_target_years():
    assert target_years([2024, 2025]) == [2025]
    assert target_years(list(range(2024, 2041))) == [2030, 2035]
    assert set(DEFAULT_INDICATORS) >= {"nh3_emission_kt", "farms_total"}


def test_top_level_aggregates_provinces():
    """Two provinces: sums add up, shares are averaged; national rows win where present."""
    rows = []
    for code, farms, share in (("PV26", 10.0, 0.2), ("PV27", 30.0, 0.6)):
        rows.append({"run_id": "r", "year": 2025, "level": "provincie", "region_code": code,
                     "base_scenario": "baseline", "farms_total": farms,
                     "n2000_below_kdw_share": share})
    rows.append({**rows[0], "level": "corop", "region_code": "CR17"})
    frame = pd.DataFrame(rows)
    top = top_level(frame)
    assert len(top) == 1
    assert top.farms_total.iloc[0] == 40.0
    assert np.isclose(top.n2000_below_kdw_share.iloc[0], 0.4)
    national = pd.concat([frame, pd.DataFrame([{**rows[0], "level": "nl",
                                                "region_code": "NL", "farms_total": 99.0}])])
    assert top_level(national).farms_total.tolist() == [99.0]
