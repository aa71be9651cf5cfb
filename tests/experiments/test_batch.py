"""Experiment batches (experiments/batch): the run table, errors in experiment files, the
local and Dask backends giving the same bits, resuming, a killed worker, a failing run."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.cli import main
from abm.errors import InputError
from experiments.batch.design import experiment_from_dict, load_experiment, plan
from experiments.batch.runner import FAULT_ENV, run_batch
from experiments.batch.store import collect

REPO = Path(__file__).resolve().parents[2]
SMOKE = REPO / "experiments" / "examples" / "smoke.toml"

TINY = """
name = "tiny"
scenarios = ["baseline", "stikstof-buyout"]
seeds = [3, 4]
start_year = 2024
end_year = 2025
resolution_m = 1000
region = ["Utrecht"]
retries = 1
[design]
method = "none"
"""


def _write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["run_id", "year", "level", "region_code"]
    return frame.sort_values(keys).reset_index(drop=True)


# -- the run table ------------------------------------------------------------------------


def test_smoke_plan_is_scenarios_x_samples_x_seeds_with_spawned_seeds():
    exp, source = load_experiment(SMOKE)
    table = plan(exp, source)
    assert len(table.runs) == 2 * 2 * 3 == 12
    expected = [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1))
                for c in np.random.SeedSequence(exp.base_seed).spawn(3)]
    assert table.seeds == expected
    # common random numbers: replicate k has the same seed in every scenario and sample
    for run in table.runs:
        assert run.seed == expected[run.replicate]
    assert len({r.run_id for r in table.runs}) == 12
    assert plan(exp, source).runs == table.runs  # the table is deterministic


@pytest.mark.parametrize(("method", "extra", "runs"), [
    ("lhs", "samples = 5", 5),
    ("sobol", "samples = 4", 4 * (2 + 2)),
    ("morris", "samples = 3\nlevels = 4", 3 * (2 + 1)),
])
def test_sampling_designs_give_their_number_of_points(method, extra, runs):
    data = {"name": "d", "scenarios": ["stikstof-buyout"], "seeds": 1,
            "design": {"method": method, **dict(
                (k.strip(), int(v)) for k, v in (line.split("=") for line in extra.split("\n")))},
            "parameters": [{"name": "farmers.options.INERTIA", "range": [5.0, 8.0]},
                           {"name": "NPLG-BUYOUT.budget_meur_per_yr", "range": [20.0, 80.0]}]}
    table = plan(experiment_from_dict(data))
    assert len(table.runs) == runs
    values = np.array([[r.values["farmers.options.INERTIA"],
                        r.values["NPLG-BUYOUT.budget_meur_per_yr"]] for r in table.runs])
    assert (values[:, 0] >= 5.0).all() and (values[:, 0] <= 8.0).all()
    assert (values[:, 1] >= 20.0).all() and (values[:, 1] <= 80.0).all()


@pytest.mark.parametrize(("change", "field", "allowed"), [
    ({"colour": 1}, "colour", "scenarios"),
    ({"scenarios": ["no-such-scenario"]}, "scenarios[0]", "baseline"),
    ({"seeds": 0}, "seeds", "a count 1-10000"),
    ({"resolution_m": 500}, "resolution_m", "1000, 250 or 100"),
    ({"maps": ["roads"]}, "maps[0]", "land_use"),
    ({"parameters": [{"name": "farmers.options.NOPE", "values": [1.0]}]},
     "parameters[0].name", "ruimte parameters"),
    ({"parameters": [{"name": "farmers.options.INERTIA", "values": [500.0]}]},
     "parameters[0]", "to"),
    ({"parameters": [{"name": "farmers.options.INERTIA", "range": [5.0, 8.0]}]},
     "parameters[0].values", "a list of numbers"),
    ({"parameters": [{"name": "NPLG-BUYOUT.budget_meur_per_yr", "values": [10.0]}]},
     "parameters[0].name", "an instrument of one of"),
])
def test_bad_experiments_name_the_file_field_and_allowed_values(change, field, allowed):
    data = {"name": "bad", "scenarios": ["baseline"], **change}
    with pytest.raises(InputError) as err:
        experiment_from_dict(data, "bad.toml")
    assert err.value.source == "bad.toml"
    assert err.value.field == field
    assert allowed in (err.value.allowed or "")


def test_cli_refuses_a_bad_experiment_with_status_2_and_writes_nothing(tmp_path, capsys):
    path = _write(tmp_path, TINY.replace('method = "none"', 'method = "magic"'))
    out = tmp_path / "out"
    assert main(["batch", "run", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "design.method" in err and "factorial" in err and "Traceback" not in err
    assert not out.exists()


# -- running ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def smoke_local(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "local"
    counts = run_batch(SMOKE, out=out, backend="local", workers=2, progress=False)
    return out, counts


def test_a_local_batch_runs_every_run_once_and_collects_one_tidy_table(smoke_local):
    out, counts = smoke_local
    assert counts == {"pending": 0, "running": 0, "succeeded": 12, "failed": 0}
    table = collect(out)
    assert table.run_id.nunique() == 12
    assert {"experiment", "base_scenario", "sample", "replicate",
            "param:NPLG-BUYOUT.budget_meur_per_yr"} <= set(table.columns)
    assert sorted(table.year.unique()) == [2024, 2025]
    runs = sorted(p.name for p in (out / "runs").iterdir())
    assert len([r for r in runs if r.endswith(".parquet")]) == 12
    assert len([r for r in runs if r.endswith(".maps.npz")]) == 12
    assert not [r for r in runs if r.startswith(".tmp-")]
    # the buy-out budget acts where the scenario holds the instrument
    nl = table[table.level == "provincie"]
    buy = nl[nl.base_scenario == "stikstof-buyout"].groupby(
        "param:NPLG-BUYOUT.budget_meur_per_yr").buyout_meur.sum()
    assert buy.loc[100.0] > buy.loc[25.0]


def test_running_the_same_command_again_resumes_without_rerunning(smoke_local):
    out, _ = smoke_local
    before = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    counts = run_batch(SMOKE, out=out, backend="local", workers=2, progress=False)
    assert counts["succeeded"] == 12
    after = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    assert after == before
    with closing(sqlite3.connect(out / "manifest.sqlite")) as db:
        assert db.execute("SELECT max(attempts) FROM runs").fetchone()[0] == 1


def test_dask_local_cluster_gives_the_same_bits_as_the_process_pool(smoke_local, tmp_path):
    out, _ = smoke_local
    counts = run_batch(SMOKE, out=tmp_path / "dask", backend="dask", workers=2,
                       progress=False)
    assert counts["succeeded"] == 12
    local, dask = _sorted(collect(out)), _sorted(collect(tmp_path / "dask"))
    pd.testing.assert_frame_equal(local, dask)
    for name in (out / "runs").glob("*.maps.npz"):
        a, b = np.load(name), np.load(tmp_path / "dask" / "runs" / name.name)
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key])


def test_a_killed_worker_is_recovered_and_the_store_stays_whole(tmp_path, monkeypatch):
    marker = tmp_path / "killed-once"
    monkeypatch.setenv(FAULT_ENV, f"kill:1:{marker}")
    path = _write(tmp_path, TINY)
    counts = run_batch(path, out=tmp_path / "out", backend="local", workers=2,
                       progress=False)
    assert marker.exists()  # the worker running run 1 was killed
    assert counts == {"pending": 0, "running": 0, "succeeded": 4, "failed": 0}
    files = sorted(p.name for p in (tmp_path / "out" / "runs").iterdir())
    assert len(files) == 4 and not [f for f in files if f.startswith(".tmp-")]
    monkeypatch.delenv(FAULT_ENV)
    clean = run_batch(path, out=tmp_path / "clean", backend="local", workers=1,
                      progress=False)
    assert clean["succeeded"] == 4
    pd.testing.assert_frame_equal(_sorted(collect(tmp_path / "out")),
                                  _sorted(collect(tmp_path / "clean")))


def test_a_failing_run_is_recorded_with_its_error_and_the_batch_goes_on(tmp_path,
                                                                       monkeypatch, capsys):
    monkeypatch.setenv(FAULT_ENV, "fail:2")
    path = _write(tmp_path, TINY)
    out = tmp_path / "out"
    assert main(["batch", "run", str(path), "--out", str(out), "--workers", "2",
                 "--quiet"]) == 1
    with closing(sqlite3.connect(out / "manifest.sqlite")) as db:
        rows = db.execute("SELECT idx, status, attempts, error FROM runs ORDER BY idx"
                          ).fetchall()
    assert [r[1] for r in rows] == ["succeeded", "succeeded", "failed", "succeeded"]
    assert rows[2][2] == 2  # tried again once (retries = 1)
    assert "fault injected" in rows[2][3]
    assert collect(out).run_id.nunique() == 3
    monkeypatch.delenv(FAULT_ENV)
    assert main(["batch", "run", str(path), "--out", str(out), "--quiet"]) == 0  # resumes
    assert collect(out).run_id.nunique() == 4


def test_a_store_refuses_another_experiment(smoke_local, tmp_path, capsys):
    out, _ = smoke_local
    path = _write(tmp_path, TINY)
    assert main(["batch", "run", str(path), "--out", str(out), "--quiet"]) == 2
    assert "another experiment" in capsys.readouterr().err


def test_plan_prints_the_table_and_an_estimate(capsys):
    assert main(["batch", "plan", str(SMOKE)]) == 0
    out = capsys.readouterr().out
    assert "12 runs" in out and "core-hours" in out


def test_job_array_shards_run_disjoint_parts_that_collect_reads_together(tmp_path, capsys):
    path = _write(tmp_path, TINY)
    out = tmp_path / "array"
    for k in (0, 1):
        assert main(["batch", "run", str(path), "--out", str(out), "--shard", f"{k}/2",
                     "--workers", "1", "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["shard-0-of-2", "shard-1-of-2"]
    table = collect(out)
    assert table.run_id.nunique() == 4
    whole = plan(*load_experiment(path))
    assert set(table.run_id) == {r.run_id for r in whole.runs}
    assert main(["batch", "run", str(path), "--out", str(out), "--shard", "2/2"]) == 2
    assert "--shard" in capsys.readouterr().err
    # plot and the manifest readers see the shards, and reading creates nothing at the top
    from experiments.batch.plots import plot_batch
    from experiments.batch.store import read_counts

    assert read_counts(out)["succeeded"] == 4
    assert plot_batch(out, out=tmp_path / "figures")
    assert not (out / "manifest.sqlite").exists()


@pytest.mark.parametrize("path", sorted((REPO / "experiments" / "examples").glob("*.toml")),
                         ids=lambda p: p.name)
def test_every_shipped_example_experiment_plans(path):
    table = plan(*load_experiment(path))
    assert len(table.runs) >= 1
    assert len({r.run_id for r in table.runs}) == len(table.runs)


def test_the_map_names_are_the_models_maps(nl1000):
    from abm.model import RegionModel

    model = RegionModel.from_scenario("baseline", resolution=1000, region="Utrecht", end=2024)
    assert tuple(model.maps()) == RegionModel.MAP_NAMES


def test_morris_designs_plan_even_where_trajectories_revisit_points():
    data = {"name": "m", "scenarios": ["stikstof-buyout"], "seeds": 1,
            "design": {"method": "morris", "samples": 10, "levels": 4},
            "parameters": [{"name": "farmers.options.INERTIA", "range": [5.0, 8.0]},
                           {"name": "NPLG-BUYOUT.budget_meur_per_yr", "range": [20.0, 80.0]}]}
    table = plan(experiment_from_dict(data))
    assert len(table.runs) == 10 * 3
    points = {tuple(r.values.values()) for r in table.runs}
    assert len(points) < len(table.runs)  # revisited points, still one run per design row
    assert len({r.run_id for r in table.runs}) == len(table.runs)


def test_integer_parameters_are_rounded_and_refused_by_morris():
    base = {"name": "i", "scenarios": ["stikstof-buyout"], "seeds": 1,
            "parameters": [{"name": "farmers.decisions.NEW_ENTRANT_AGE_YR",
                            "range": [30.0, 45.0]}]}
    table = plan(experiment_from_dict({**base, "design": {"method": "lhs", "samples": 6}}))
    values = [r.values["farmers.decisions.NEW_ENTRANT_AGE_YR"] for r in table.runs]
    assert all(isinstance(v, int) for v in values)
    with pytest.raises(InputError) as err:
        experiment_from_dict({**base, "design": {"method": "morris", "samples": 4}})
    assert err.value.field == "parameters[0].name"


def test_a_store_of_another_code_version_is_refused(tmp_path, capsys, monkeypatch):
    from experiments.batch import design

    path = _write(tmp_path, TINY)
    out = tmp_path / "out"
    assert main(["batch", "run", str(path), "--out", str(out), "--workers", "1",
                 "--quiet"]) == 0
    monkeypatch.setattr(design, "code_version", lambda: "0.0.0+edited")
    assert main(["batch", "run", str(path), "--out", str(out), "--quiet"]) == 2
    assert "another plan" in capsys.readouterr().err
    assert collect(out).run_id.nunique() == 4  # the old results stand alone


def test_bad_workers_exit_2_before_anything_is_written(tmp_path):
    path = _write(tmp_path, TINY)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        main(["batch", "run", str(path), "--out", str(out), "--workers", "0"])
    assert stop.value.code == 2
    assert not out.exists()


def test_the_jobqueue_cluster_is_described_by_the_experiment():
    pytest.importorskip("dask_jobqueue")
    from experiments.batch.backends.dask import DaskBackend, _seconds

    exp, _ = load_experiment(REPO / "experiments" / "examples" / "slurm.toml")
    backend = DaskBackend(resolution_m=1000, jobqueue=exp.backend.jobqueue)
    assert _seconds("02:00:00") == 7200 and _seconds("1-00:00:00") == 86400
    cluster = backend._jobqueue_cluster()
    try:
        script = cluster.job_script()
        assert "#SBATCH" in script and "--lifetime 6900s" in script
        assert "--export=ALL" in script and "-p normal" in script
        assert backend.workers == 32
    finally:
        cluster.close()
