"""Sobol and Morris indices from a finished batch of a sobol or morris design (SALib).

``ruimte batch analyse FOLDER --method sobol --indicator nh3_emission_kt [--year 2030]``:

1. reads ``design.json`` (the method must be the design's; the SALib problem is rebuilt from
   its parameter names and bounds, Morris also takes its sample matrix X and grid levels);
2. takes per design point (``sample``) the indicator in ``year`` (default: the last year) at
   the top level (:func:`experiments.batch.levels.top_level`: the nation, or the run's
   province(s) together), averaged over the seeds; every scenario of the experiment is
   analysed on its own (its rows carry a ``scenario`` column);
3. runs ``SALib.analyze.sobol.analyze`` (first-order S1 and total-order ST with their
   confidence half-widths; second order where the design has ``second_order = true``) or
   ``SALib.analyze.morris.analyze`` (mu, mu_star with its confidence, sigma);
4. writes ``sensitivity-<method>-<indicator>-<year>.csv`` and ``.png`` to ``out`` (default:
   the folder).

Every run of the design must have succeeded (the estimators need the whole design): missing
runs are an InputError that says how many. Where the indicator does not vary over the design
(a parameter without effect within the run's years) the indices are NaN.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from abm.errors import InputError
from abm.indicators import INDICATOR_BY_NAME
from experiments.batch.levels import top_level
from experiments.batch.store import collect, read_counts, read_design

METHODS = ("sobol", "morris")
#: Seed of SALib's bootstrap of confidence intervals (the indices themselves are exact).
BOOTSTRAP_SEED = 20261130


def _design(folder: Path) -> dict:
    return read_design(folder)  # the folder, or the shards of a job array


def problem_of(design: dict) -> dict:
    """The SALib problem of a design record."""
    return {"num_vars": len(design["names"]), "names": list(design["names"]),
            "bounds": [list(map(float, b)) for b in design["bounds"]]}


def outputs(frame: pd.DataFrame, indicator: str, year: int, n_samples: int,
            scenario: str) -> np.ndarray:
    """Y: the indicator in ``year`` per design point of one scenario, mean over the seeds."""
    rows = frame[(frame.year == year) & (frame.base_scenario == scenario)]
    y = rows.groupby("sample")[indicator].mean().reindex(range(n_samples))
    return y.to_numpy(dtype=np.float64)


def _sobol(problem: dict, y: np.ndarray, design: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    from SALib.analyze import sobol

    second = bool(design.get("second_order", False))
    si = sobol.analyze(problem, y, calc_second_order=second, print_to_console=False,
                       seed=BOOTSTRAP_SEED)
    table = pd.DataFrame({"parameter": problem["names"], "S1": si["S1"],
                          "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]})
    pairs = []
    if second:
        names = problem["names"]
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                pairs.append({"parameter": names[i], "parameter_2": names[j],
                              "S2": si["S2"][i, j], "S2_conf": si["S2_conf"][i, j]})
    return table, pd.DataFrame(pairs)


def _morris(problem: dict, y: np.ndarray, design: dict) -> pd.DataFrame:
    from SALib.analyze import morris

    x = np.asarray(design["samples"], dtype=np.float64)
    si = morris.analyze(problem, x, y, num_levels=int(design.get("levels", 4)),
                        print_to_console=False, seed=BOOTSTRAP_SEED)
    return pd.DataFrame({"parameter": problem["names"], "mu": si["mu"],
                         "mu_star": si["mu_star"], "mu_star_conf": si["mu_star_conf"],
                         "sigma": si["sigma"]})


def _indices(method: str, problem: dict, y: np.ndarray, design: dict
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SALib's indices; NaN (not a warning) where Y does not vary."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "sobol":
            return _sobol(problem, y, design)
        return _morris(problem, y, design), pd.DataFrame()


def analyse(folder: str | Path, method: str, indicator: str, year: int | None = None,
            out: str | Path | None = None) -> tuple[pd.DataFrame, Path]:
    """Sobol or Morris indices of ``indicator`` in ``year`` from a batch folder; writes the
    table (CSV) and a figure to ``out`` (default: the folder) and returns both."""
    folder = Path(folder)
    if method not in METHODS:
        raise InputError("--method", "method", f"unknown method {method!r}", allowed=METHODS)
    design = _design(folder)
    if design.get("method") != method:
        raise InputError(str(folder / "design.json"), "method",
                         f"the batch has a {design.get('method')!r} design, which "
                         f"'--method {method}' cannot analyse",
                         allowed=f"a folder of a {method} design (method = \"{method}\" in "
                         "the experiment's [design])")
    if indicator not in INDICATOR_BY_NAME:
        raise InputError("--indicator", "indicator", f"unknown indicator {indicator!r}",
                         allowed=sorted(INDICATOR_BY_NAME))
    counts = read_counts(folder)
    total = sum(counts.values())
    missing = total - counts["succeeded"]
    if missing:
        raise InputError(str(folder), "manifest.sqlite", f"{missing} of {total} runs have not "
                         f"succeeded ({counts['failed']} failed, {counts['pending']} pending, "
                         f"{counts['running']} running); {method} indices need every run "
                         "of the design", allowed="a finished batch (run 'ruimte batch run' "
                         "again to resume or retry)")
    top = top_level(collect(folder))
    years = sorted(int(y) for y in top.year.unique())
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise InputError("--year", "year", f"no results for {year}",
                         allowed=f"a year from {years[0]} to {years[-1]}")
    problem = problem_of(design)
    n_samples = len(design["samples"])
    tables, pair_tables = [], []
    for scenario in dict.fromkeys(top.base_scenario):
        y = outputs(top, indicator, year, n_samples, scenario)
        if np.isnan(y).any():
            raise InputError(str(folder), "runs", f"{int(np.isnan(y).sum())} design points of "
                             f"{scenario} have no value of {indicator} in {year}",
                             allowed="a batch whose every run has a value")
        table, pairs = _indices(method, problem, y, design)
        for t, bucket in ((table, tables), (pairs, pair_tables)):
            if not t.empty:
                t.insert(0, "scenario", scenario)
                t.insert(1, "indicator", indicator)
                t.insert(2, "year", year)
                bucket.append(t)
    result = pd.concat(tables, ignore_index=True)
    target = Path(out) if out else folder
    target.mkdir(parents=True, exist_ok=True)
    stem = f"sensitivity-{method}-{indicator}-{year}"
    _atomic_csv(result, target / f"{stem}.csv")
    if pair_tables:
        _atomic_csv(pd.concat(pair_tables, ignore_index=True), target / f"{stem}-S2.csv")
    figure = _figure(result, method, indicator, year, target / f"{stem}.png")
    return result, figure


def _atomic_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def _figure(table: pd.DataFrame, method: str, indicator: str, year: int, path: Path) -> Path:
    """Sobol: S1 and ST bars with confidence bars per parameter; Morris: mu_star against
    sigma. One panel per scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    from experiments.batch.plots import _save, label

    sns.set_theme(style="whitegrid", context="paper")
    scenarios = list(dict.fromkeys(table.scenario))
    n_par = table.parameter.nunique()
    fig, axes = plt.subplots(1, len(scenarios), squeeze=False,
                             figsize=(max(4.5, 1.1 * n_par + 2.5) * len(scenarios)
                                      if method == "sobol" else 5.5 * len(scenarios), 4.2))
    palette = sns.color_palette()
    for ax, scenario in zip(axes.flat, scenarios, strict=True):
        sub = table[table.scenario == scenario]
        if method == "sobol":
            x = np.arange(len(sub))
            for k, (col, name) in enumerate((("S1", "first order S1"),
                                             ("ST", "total order ST"))):
                ax.bar(x + (k - 0.5) * 0.38, sub[col], width=0.38, yerr=sub[f"{col}_conf"],
                       capsize=3, color=palette[k], label=name)
            ax.set_xticks(x, sub.parameter, rotation=30, ha="right", fontsize=7)
            ax.set_ylabel("Sobol index (share of variance)")
            ax.axhline(0, color="0.3", lw=0.8)
        else:
            ax.errorbar(sub.mu_star, sub.sigma, xerr=sub.mu_star_conf, fmt="o",
                        color=palette[0], capsize=3)
            for _, row in sub.iterrows():
                ax.annotate(row.parameter, (row.mu_star, row.sigma), fontsize=7,
                            xytext=(3, 3), textcoords="offset points")
            ax.margins(x=0.3, y=0.2)
            ax.set_xlabel(f"mu* (mean |elementary effect|) [{_unit(indicator)}]")
            ax.set_ylabel(f"sigma [{_unit(indicator)}]")
        ax.set_title(scenario, fontsize=9)
    if method == "sobol":
        axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"{'Sobol' if method == 'sobol' else 'Morris'} indices of "
                 f"{label(indicator)} in {year}")
    fig.tight_layout()
    return _save(fig, path)


def _unit(indicator: str) -> str:
    return INDICATOR_BY_NAME[indicator].unit
