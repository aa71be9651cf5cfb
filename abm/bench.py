"""Benchmarks: the speed and memory targets of ruimte, measured, never asserted by unit tests.

``ruimte bench`` runs the cases below on the shipped landscape and compares each measurement
with its target. A case records the wall time of each phase of the year (the model's phase
methods are timed from outside, so the model itself carries no timing code) and the peak
resident memory of the process.

The main case is the one issue 8 sets a target for: the full national model at 250 m,
2024-2050 (``landbouw-natuur-all``: farmers, households, firms and the most instruments), under a
minute on a 2-core machine.

Examples
--------
>>> [case.name for case in CASES]
['landscape-250', 'national-250-landbouw-natuur-all', 'national-1000-baseline', 'national-250-woningbouw-novex', 'national-100-baseline']
>>> [m.name for m in MICRO]
['kernel', 'decision', 'batch']

The 100 m case runs where a 100 m bundle is installed or can be built (``ruimte data build
--resolution 100``), and is skipped otherwise. The micro cases (:mod:`abm.bench_micro`) compare
the deposition kernel with scipy's fftconvolve, the farmers' decision rule with a plain
Mesa-object version, and a batch on one and two workers.
"""

from __future__ import annotations

import gc
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Phase methods of :class:`abm.model.RegionModel`, in the order of the year.
PHASES: tuple[str, ...] = (
    "_review", "_apply_policy", "_manage_water", "_farmers_decide", "_clear_land_market",
    "_build_homes", "_households_and_firms", "_update_nitrogen", "_update_peat",
    "_collect_indicators",
)


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    Parameters
    ----------
    name : str
        Identifier (``ruimte bench NAME``).
    scenario : str
        Library scenario (ignored by the landscape case).
    resolution_m : int
        Cell size.
    start, end : int
        Simulated years (inclusive).
    target_s : float
        Target wall time of the case (landscape load, or model set-up plus all years).
    target_peak_mb : float
        Target peak resident memory of the process after the case (MB).
    region : tuple of str
        Provinces (empty: the nation).
    repeats : int
        Measured runs, each in a fresh process (the median is reported).
    """

    name: str
    scenario: str
    resolution_m: int
    start: int
    end: int
    target_s: float
    target_peak_mb: float
    region: tuple[str, ...] = ()
    repeats: int = 3


CASES: tuple[Case, ...] = (
    Case("landscape-250", "baseline", 250, 2024, 2024, target_s=2.0, target_peak_mb=1500.0),
    Case("national-250-landbouw-natuur-all", "landbouw-natuur-all", 250, 2024, 2050,
         target_s=60.0, target_peak_mb=4000.0),
    Case("national-1000-baseline", "baseline", 1000, 2024, 2050, target_s=20.0,
         target_peak_mb=3000.0),
    Case("national-250-woningbouw-novex", "woningbouw-novex", 250, 2024, 2050, target_s=60.0,
         target_peak_mb=4000.0),
    Case("national-100-baseline", "baseline", 100, 2024, 2050, target_s=600.0,
         target_peak_mb=20000.0, repeats=1),
)


@dataclass(frozen=True)
class Micro:
    """A micro case: a ratio measured by a function of :mod:`abm.bench_micro`, with its
    target (``at_most`` or ``at_least``)."""

    name: str
    function: str
    key: str
    target: float
    at_most: bool


#: The micro cases and their targets (issue 8): the kernel no slower than fftconvolve, the
#: decision rule at least 50x the Mesa-object version, two workers faster than one.
MICRO: tuple[Micro, ...] = (
    Micro("kernel", "kernel_vs_fftconvolve", "ratio", 1.0, at_most=True),
    Micro("decision", "decision_vs_mesa", "speedup", 50.0, at_most=False),
    Micro("batch", "batch_speedup", "speedup", 1.2, at_most=False),
)


@dataclass
class MicroResult:
    """What one micro case measured."""

    case: str
    value: float
    target: float
    at_most: bool
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.value <= self.target if self.at_most else self.value >= self.target


def run_micro(micro: Micro) -> MicroResult:
    """Run one micro case."""
    from abm import bench_micro

    details = getattr(bench_micro, micro.function)()
    return MicroResult(micro.name, float(details[micro.key]), micro.target, micro.at_most,
                       {k: (round(v, 4) if isinstance(v, float) else v)
                        for k, v in details.items()})


def available(case: Case) -> bool:
    """Whether a case can run here: a 100 m case needs an installed or buildable bundle."""
    if case.resolution_m != 100:
        return True
    from environment.landscape import bundle_candidates
    from environment.sources import find_source_dir

    if any((c / "manifest.json").is_file() for c in bundle_candidates(100)):
        return True
    try:
        find_source_dir()
    except Exception:  # noqa: BLE001 - no source folder: the case is skipped
        return False
    return True
#: A small case to check that the benchmark machinery works (used by the tests).
QUICK = Case("quick-1000-utrecht", "landbouw-natuur-all", 1000, 2024, 2026, target_s=30.0,
             target_peak_mb=4000.0, region=("Utrecht",), repeats=2)


@dataclass
class Result:
    """What one case measured: medians over its repeats (``repeats_s``: the wall time of
    each), the peak memory the largest over them.

    ``years_per_s`` is simulated years over the seconds of the years (set-up excluded);
    ``agents_per_s`` is agents stepped a year (active farms, household groups and firms at the
    start) times years over the same seconds.
    """

    case: str
    wall_s: float
    setup_s: float
    years_s: float
    phase_s: dict[str, float]
    peak_rss_mb: float
    target_s: float
    target_peak_mb: float
    indicators: dict[str, float] = field(default_factory=dict)
    repeats_s: list[float] = field(default_factory=list)
    years: int = 0
    agents: int = 0
    warmup_s: float = 0.0

    @property
    def met(self) -> bool:
        return self.wall_s <= self.target_s and self.peak_rss_mb <= self.target_peak_mb

    @property
    def years_per_s(self) -> float:
        return self.years / self.years_s if self.years_s > 0 else 0.0

    @property
    def agents_per_s(self) -> float:
        return self.agents * self.years / self.years_s if self.years_s > 0 else 0.0


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024.0 / (1024.0 if sys.platform == "darwin" else 1.0)


def _timed(method: Callable[..., Any], seconds: dict[str, float], name: str) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - began

    return wrapper


def _warm_up(case: Case) -> float:
    """One year of the case's scenario on Utrecht at 1000 m: numba's cached kernels of every
    phase are loaded before the measured run (seconds taken)."""
    from abm.model import RegionModel
    from abm.scenario import load_scenario
    from environment import landscape as landscape_module

    began = time.perf_counter()
    scenario = load_scenario(case.scenario, resolution_m=1000, start_year=case.start,
                             end_year=case.start, region=["Utrecht"])
    RegionModel(scenario, landscape_module.load_landscape(1000)).run_until(case.start)
    return time.perf_counter() - began


def measure(case: Case) -> Result:
    """One measured run of a case in this process (after a warm-up): the landscape is loaded
    cold from disk."""
    from abm.model import RegionModel
    from abm.scenario import load_scenario
    from environment import landscape as landscape_module

    warm = 0.0 if case.name.startswith("landscape") else _warm_up(case)
    landscape_module.clear_cache()
    gc.collect()
    began = time.perf_counter()
    land = landscape_module.load_landscape(case.resolution_m)
    loaded = time.perf_counter()
    if case.name.startswith("landscape"):
        return Result(case.name, loaded - began, loaded - began, 0.0, {}, peak_rss_mb(),
                      case.target_s, case.target_peak_mb,
                      {"land_cells": float(land["land_mask"].sum())}, [loaded - began])
    scenario = load_scenario(case.scenario, resolution_m=case.resolution_m,
                             start_year=case.start, end_year=case.end,
                             region=list(case.region) or None)
    phase: dict[str, float] = {}
    began = time.perf_counter()
    model = RegionModel(scenario, land)
    set_up = time.perf_counter()
    agents = int(model.farms.active.sum() + model.household_agents.n + model.firms.active.sum())
    for name in PHASES:
        setattr(model, name, _timed(getattr(model, name), phase, name.lstrip("_")))
    model.run_until(case.end)
    done = time.perf_counter()
    last = model.indicators()
    last = last[(last.year == case.end) & (last.level == ("nl" if not case.region else
                                                          "provincie"))]
    keep = ("farms_total", "nh3_emission_kt", "n2000_below_kdw_share", "peat_co2_mt",
            "population", "homes_built", "jobs")
    values = {k: float(last[k].sum()) for k in keep if k in last}
    return Result(case.name, done - began, set_up - began, done - set_up,
                  {k: round(v, 3) for k, v in phase.items()}, peak_rss_mb(), case.target_s,
                  case.target_peak_mb, values, [done - began], case.end - case.start + 1,
                  agents, warm)


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def run_case(case: Case, repeats: int | None = None) -> Result:
    """Run a case ``repeats`` times (default: the case's), each in a fresh process, and
    return the medians."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    runs = []
    for _ in range(repeats or case.repeats):
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            runs.append(pool.submit(measure, case).result())
    first = runs[0]
    phases = {k: round(_median([r.phase_s.get(k, 0.0) for r in runs]), 3)
              for k in first.phase_s}
    return Result(case.name, _median([r.wall_s for r in runs]),
                  _median([r.setup_s for r in runs]), _median([r.years_s for r in runs]),
                  phases, max(r.peak_rss_mb for r in runs), case.target_s,
                  case.target_peak_mb, first.indicators,
                  [round(r.wall_s, 3) for r in runs], first.years, first.agents,
                  _median([r.warmup_s for r in runs]))


def machine() -> dict[str, Any]:
    """The machine a benchmark ran on."""
    import os

    return {"python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count()}


def report(results: list[Result], micro: list[MicroResult] | None = None) -> str:
    """A plain-text table of results against targets."""
    lines = [f"{'case':36s} {'wall s':>8s} {'target':>7s} {'set-up':>7s} {'peak MB':>8s} "
             f"{'target':>7s}  met"]
    for r in micro or []:
        sign = "<=" if r.at_most else ">="
        lines.append(f"{r.case:36s} {r.value:8.3g} {sign} {r.target:<6g}"
                     f"{'':17s}{'yes' if r.met else 'NO'}")
        lines.append("    " + ", ".join(f"{k} {v}" for k, v in r.details.items()))
    for r in results:
        lines.append(f"{r.case:36s} {r.wall_s:8.1f} {r.target_s:7.0f} {r.setup_s:7.1f} "
                     f"{r.peak_rss_mb:8.0f} {r.target_peak_mb:7.0f}  "
                     f"{'yes' if r.met else 'NO'}")
        if len(r.repeats_s) > 1:
            lines.append(f"    median of {len(r.repeats_s)} runs: "
                         + ", ".join(f"{v:.1f}" for v in r.repeats_s) + " s")
        if r.years:
            lines.append(f"    {r.years_per_s:.2f} years/s, {r.agents:,} agents, "
                         f"{r.agents_per_s:,.0f} agents/s")
        if r.phase_s:
            slow = sorted(r.phase_s.items(), key=lambda kv: -kv[1])
            lines.append("    phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in slow))
    return "\n".join(lines)


def write_json(results: list[Result], path: Path,
               micro: list[MicroResult] | None = None) -> None:
    """Results with the machine and package version, as JSON, with the headline figures of
    issue 8 at the top (null where the case did not run)."""
    from abm import __version__

    by_case = {r.case: r for r in results}
    by_micro = {r.case: r for r in micro or []}

    def wall(name: str) -> float | None:
        return round(by_case[name].wall_s, 2) if name in by_case else None

    def value(name: str) -> float | None:
        return round(by_micro[name].value, 4) if name in by_micro else None

    record = {"ruimte": __version__, "machine": machine(),
              "national_250m_s": wall("national-250-landbouw-natuur-all"),
              "national_100m_s": wall("national-100-baseline"),
              "kernel_vs_fftconvolve_ratio": value("kernel"),
              "decision_vs_mesa_speedup": value("decision"),
              "batch_2w_vs_1w_speedup": value("batch"),
              "results": [asdict(r) | {"met": r.met, "years_per_s": round(r.years_per_s, 4),
                                       "agents_per_s": round(r.agents_per_s, 1)}
                          for r in results],
              "micro": [asdict(r) | {"met": r.met} for r in micro or []]}
    path.write_text(json.dumps(record, indent=2) + "\n")
