"""Sobol and Morris indices from tiny batches (experiments.batch.sensitivity)."""

from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pandas as pd
import pytest

from abm.errors import InputError
from experiments.batch.runner import run_batch
from experiments.batch.sensitivity import analyse

PARAMETERS = ("farmers.decisions.EARLY_EXIT_BASE", "farmers.options.INERTIA")


def _experiment(method: str) -> str:
    design = (f'[design]\nmethod = "{method}"\nsamples = 2\n' if method != "factorial"
              else '[design]\nmethod = "factorial"\n')
    if method == "factorial":
        params = f'[[parameters]]\nname = "{PARAMETERS[0]}"\nvalues = [0.005, 0.02]\n'
    else:
        params = (f'[[parameters]]\nname = "{PARAMETERS[0]}"\nrange = [0.005, 0.02]\n'
                  f'[[parameters]]\nname = "{PARAMETERS[1]}"\nrange = [5.0, 8.0]\n')
    return (f'name = "sa-{method}"\nscenarios = ["baseline"]\nseeds = 1\nbase_seed = 3\n'
            'start_year = 2024\nend_year = 2025\nresolution_m = 1000\nregion = ["Utrecht"]\n'
            + design + params)


def _batch(root, method: str):
    path = root / f"{method}.toml"
    path.write_text(_experiment(method), encoding="utf-8")
    out = root / method
    counts = run_batch(path, out=out, workers=1, progress=False)
    assert counts["failed"] == 0
    return out


@pytest.fixture(scope="module")
def sobol_batch(tmp_path_factory):
    return _batch(tmp_path_factory.mktemp("sobol"), "sobol")  # N (D + 2) = 8 runs


def test_sobol_indices_of_every_parameter(sobol_batch, tmp_path):
    table, figure = analyse(sobol_batch, "sobol", "farms_total", out=tmp_path)
    assert list(table.parameter) == list(PARAMETERS)
    assert {"scenario", "indicator", "year", "S1", "S1_conf", "ST", "ST_conf"} <= set(table)
    assert set(table.scenario) == {"baseline"} and set(table.year) == {2025}
    assert np.isfinite(table[["S1", "ST"]].to_numpy()).all()
    assert figure == tmp_path / "sensitivity-sobol-farms_total-2025.png" and figure.is_file()
    csv = pd.read_csv(tmp_path / "sensitivity-sobol-farms_total-2025.csv")
    assert len(csv) == len(PARAMETERS)


def test_sobol_year_and_errors(sobol_batch, tmp_path):
    table, _ = analyse(sobol_batch, "sobol", "nh3_emission_kt", year=2024, out=tmp_path)
    assert set(table.year) == {2024}
    with pytest.raises(InputError, match="--year"):
        analyse(sobol_batch, "sobol", "farms_total", year=2040, out=tmp_path)
    with pytest.raises(InputError) as err:
        analyse(sobol_batch, "morris", "farms_total", out=tmp_path)
    assert err.value.field == "method" and err.value.source.endswith("design.json")
    with pytest.raises(InputError, match="--indicator"):
        analyse(sobol_batch, "sobol", "no_such_indicator", out=tmp_path)


def test_missing_runs_are_counted(sobol_batch, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(sobol_batch, copy)
    db = sqlite3.connect(copy / "manifest.sqlite")
    with db:
        db.execute("UPDATE runs SET status = 'failed' WHERE idx IN (0, 3)")
    db.close()
    with pytest.raises(InputError, match="2 of 8 runs have not succeeded"):
        analyse(copy, "sobol", "farms_total")


def test_morris_indices(tmp_path_factory, tmp_path):
    folder = _batch(tmp_path_factory.mktemp("morris"), "morris")  # N (D + 1) = 6 runs
    table, figure = analyse(folder, "morris", "farms_total")
    assert list(table.parameter) == list(PARAMETERS)
    assert {"mu", "mu_star", "mu_star_conf", "sigma"} <= set(table)
    assert (table.mu_star >= 0).all()
    assert figure.parent == folder and figure.is_file()


def test_factorial_folder_is_not_a_sobol_design(tmp_path_factory):
    folder = _batch(tmp_path_factory.mktemp("factorial"), "factorial")  # 2 runs
    with pytest.raises(InputError) as err:
        analyse(folder, "sobol", "farms_total")
    assert err.value.source == str(folder / "design.json")
    assert err.value.field == "method"
    assert "factorial" in err.value.problem and "sobol" in err.value.allowed
