"""``ruimte bench``: the machinery that measures the speed and memory targets (never the targets
themselves: timings are checked by the benchmark, not by unit tests)."""

import json

import pytest

from abm.bench import CASES, PHASES, QUICK, Result, report
from abm.cli import main
from abm.model import RegionModel


def test_every_phase_the_bench_times_is_a_method_of_the_model():
    for name in PHASES:
        assert callable(getattr(RegionModel, name)), name


def test_the_issues_targets_are_bench_cases():
    cases = {c.name: c for c in CASES}
    case = cases["national-250-landbouw-natuur-all"]  # the full model: issue 8's 60 s
    assert (case.scenario, case.resolution_m, case.start, case.end) == (
        "landbouw-natuur-all", 250, 2024, 2050)
    assert case.target_s == 60.0 and not case.region
    case = cases["national-250-woningbouw-novex"]  # the cities issue: a national 250 m run
    assert (case.scenario, case.resolution_m, case.start, case.end) == (
        "woningbouw-novex", 250, 2024, 2050)
    assert case.target_s == 60.0 and not case.region
    case = cases["national-100-baseline"]  # issue 8: 100 m under 10 minutes
    assert (case.resolution_m, case.start, case.end, case.target_s) == (100, 2024, 2050, 600.0)


def test_quick_bench_writes_results_for_every_phase(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--json", str(out)]) == 0
    record = json.loads(out.read_text())
    (result,) = record["results"]
    assert result["case"] == QUICK.name and result["met"] is True
    assert set(result["phase_s"]) == {p.lstrip("_") for p in PHASES}
    assert result["years_s"] > 0 and result["peak_rss_mb"] > 0
    assert sum(result["phase_s"].values()) <= result["years_s"] + 0.01
    assert result["indicators"]["farms_total"] > 1000
    # the median of the case's two runs, each in a fresh process after a warm-up
    assert len(result["repeats_s"]) == QUICK.repeats == 2
    assert min(result["repeats_s"]) <= result["wall_s"] <= max(result["repeats_s"])
    assert result["warmup_s"] > 0
    assert result["years"] == 3
    assert result["years_per_s"] == pytest.approx(3 / result["years_s"], rel=1e-3)
    # farms, household groups and firms of Utrecht
    assert 10_000 < result["agents"] < 200_000
    assert result["agents_per_s"] == pytest.approx(
        result["agents"] * 3 / result["years_s"], rel=1e-3)
    assert record["machine"]["cpus"] >= 1
    out_text = capsys.readouterr().out
    assert "quick-1000-utrecht" in out_text and "years/s" in out_text
    assert "median of 2 runs" in out_text


def test_repeats_on_the_command_line_must_be_positive(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["bench", "--quick", "--repeats", "0"])
    assert stop.value.code == 2
    assert "--repeats" in capsys.readouterr().err


def test_a_missed_target_fails_unless_told_not_to_check():
    slow = Result("x", wall_s=61.0, setup_s=1.0, years_s=60.0, phase_s={}, peak_rss_mb=10.0,
                  target_s=60.0, target_peak_mb=100.0)
    assert not slow.met
    assert "NO" in report([slow])
    assert Result("y", 1.0, 0.5, 0.5, {}, 10.0, 60.0, 100.0).met


def test_an_unknown_case_is_an_input_error(capsys):
    assert main(["bench", "no-such-case"]) == 2
    err = capsys.readouterr().err
    assert "no-such-case" in err and "national-250-landbouw-natuur-all" in err


def test_micro_cases_write_the_issue_keys(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "kernel", "decision", "--json", str(out), "--no-check"]) == 0
    record = json.loads(out.read_text())
    for key in ("national_250m_s", "national_100m_s", "kernel_vs_fftconvolve_ratio",
                "decision_vs_mesa_speedup", "batch_2w_vs_1w_speedup"):
        assert key in record
    assert record["kernel_vs_fftconvolve_ratio"] > 0
    assert record["decision_vs_mesa_speedup"] > 1
    assert record["national_250m_s"] is None and record["batch_2w_vs_1w_speedup"] is None
    micro = {m["case"]: m for m in record["micro"]}
    assert micro["kernel"]["details"]["identical"] is True  # the same deposition
    assert micro["decision"]["details"]["identical"] is True  # the same choices
    assert "kernel" in capsys.readouterr().out


def test_the_mesa_version_makes_the_same_choices():
    from abm.bench_micro import _inputs, decide_mesa, decide_numpy

    utility, u = _inputs(500, seed=3)
    assert (decide_numpy(utility, u, 6.0) == decide_mesa(utility, u, 6.0)).all()
