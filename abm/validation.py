"""Validation suite: pattern checks of the ``baseline`` scenario against published Dutch facts.

Every fact is data with its source, in :data:`FACTS_CSV` (``abm/validation_facts.csv``): the
observed value, the band ``low``-``high`` the simulated value must fall in, the unit, the source
(URL or CBS table) and a note that says where the band comes from (the source's own rounding or
uncertainty, a tolerance the project states elsewhere, or a modelling tolerance marked
ASSUMPTION). Bands are never widened to make a check pass; a check the model misses today carries
``known_miss = yes`` in the file, and the tests assert it still misses (docs/validation.md).

Two runs at ``resolution`` (national, seed of the scenario):

- ``base``: ``baseline`` from its base year (2024, farms from the 2023 census) through 2025;
- ``hindcast``: ``baseline`` from 2011 (farms from the 2010 census) through 2023, across the 2016
  census definition break.

``kind = calibration`` marks facts the model is fitted to at set-up (peat CO2, agriculture's
share of N2000 deposition, the start population, the baseline's homes per year): they check
consistency, not skill. All others are ``validation``: the model was not fitted to them.

A model row of year Y is the state at the end of Y, so a stock published for 1 January Y is read
from the row of Y - 1 (the fact's ``model_year``).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from abm.model import RegionModel

#: The facts: one row per check (id, quantity, region, year, value, low, high, unit,
#: source_url_or_table, note, kind, run, model_year, known_miss).
FACTS_CSV = Path(__file__).resolve().with_name("validation_facts.csv")
#: The scenario validated.
SCENARIO = "baseline"
#: Runs: name -> (first simulated year, last year). The farms start from the census of the year
#: before the first simulated year (agents.farmers.base_census_year).
RUNS: dict[str, tuple[int, int]] = {"base": (2024, 2025), "hindcast": (2011, 2023)}
#: Columns of the facts file, in order.
FACT_COLUMNS: tuple[str, ...] = (
    "id", "quantity", "region", "year", "value", "low", "high", "unit", "source_url_or_table",
    "note", "kind", "run", "model_year", "known_miss")


@dataclass(frozen=True)
class Fact:
    """One published fact with its band (a row of :data:`FACTS_CSV`)."""

    id: str
    quantity: str
    region: str
    year: int
    value: float
    low: float
    high: float
    unit: str
    source_url_or_table: str
    note: str
    kind: str
    run: str
    model_year: int
    known_miss: bool


@dataclass
class RunResult:
    """One model run: the model after its last year, its indicator table and its set-up state."""

    name: str
    model: RegionModel
    frame: pd.DataFrame
    start: dict[str, Any] = field(default_factory=dict)

    def value(self, indicator: str, region: str, year: int) -> float:
        """``indicator`` of ``region`` (NL01 or a province code) at the end of ``year``."""
        f = self.frame
        rows = f[(f.year == year) & ((f.level == "nl") if region == "NL01"
                                     else (f.region_code == region))]
        if rows.empty:
            raise KeyError(f"run {self.name}: no {indicator} row for {region} {year}")
        return float(rows.iloc[0][indicator])

    def provinces(self, indicator: str, year: int) -> pd.Series:
        """``indicator`` per province code at the end of ``year``."""
        f = self.frame
        rows = f[(f.year == year) & (f.level == "provincie")]
        return rows.set_index("region_code")[indicator].astype(float)


# --- how to get each quantity's simulated value ----------------------------------------------

def _indicator(name: str) -> Callable[[RunResult, Fact], float]:
    def get(run: RunResult, fact: Fact) -> float:
        return run.value(name, fact.region, fact.model_year)
    return get


def _farms_decline(run: RunResult, fact: Fact) -> float:
    return run.value("farms_total", "NL01", fact.model_year) / run.start["farms_nl"] - 1.0


def _farms_province_mae(run: RunResult, fact: Fact) -> float:
    from agents.farmers.census import census

    observed = census(fact.year).farms.astype(float)
    simulated = run.provinces("farms_total", fact.model_year).reindex(observed.index)
    return float((simulated / observed - 1.0).abs().mean())


def _dairy_decline(run: RunResult, fact: Fact) -> float:
    return run.value("farms_dairy", "NL01", fact.model_year) / run.start["dairy_farms_nl"] - 1.0


def _exit_group_count(group_id: int) -> Callable[[RunResult, Fact], float]:
    def get(run: RunResult, fact: Fact) -> float:
        from agents.farmers.decisions import exit_group

        if fact.model_year != run.model.year:
            raise ValueError(f"{fact.id}: holdings by exit group are read from the model after "
                             f"its last year ({run.model.year}), not {fact.model_year}")
        farms = run.model.farms
        return float((farms.active & (exit_group(farms) == group_id)).sum())
    return get


def _cattle(run: RunResult, fact: Fact) -> float:
    return (run.value("dairy_cows", fact.region, fact.model_year)
            + run.value("other_cattle", fact.region, fact.model_year))


def _nh3_change(run: RunResult, fact: Fact) -> float:
    y = fact.model_year
    return (run.value("nh3_emission_kt", fact.region, y)
            - run.value("nh3_emission_kt", fact.region, y - 1))


def _peat_share(run: RunResult, fact: Fact) -> float:
    prov = run.provinces("peat_co2_mt", fact.model_year)
    return float(prov[fact.region] / prov.sum())


def _peat_rank(run: RunResult, fact: Fact) -> float:
    prov = run.provinces("peat_co2_mt", fact.model_year)
    return float(prov.rank(ascending=False, method="min")[fact.region])


def _population_start_max_error(run: RunResult, fact: Fact) -> float:
    from environment.population import CBS_POPULATION, REFERENCE_YEAR

    if run.model.start_year != REFERENCE_YEAR:
        raise ValueError(f"{fact.id}: the base run must start in {REFERENCE_YEAR}")
    start = run.start["population_by_province"]
    return max(abs(start[code] / CBS_POPULATION[code][1] - 1.0) for code in CBS_POPULATION)


def _household_size_start(run: RunResult, fact: Fact) -> float:
    return run.start["population_nl"] / run.start["households_nl"]


@dataclass(frozen=True)
class Quantity:
    """How a quantity's simulated value is read from a run."""

    description: str
    how: str
    get: Callable[[RunResult, Fact], float]


#: Every quantity a fact may name.
QUANTITIES: dict[str, Quantity] = {
    "farms_total": Quantity("Agricultural holdings", "indicator farms_total",
                            _indicator("farms_total")),
    "farms_decline": Quantity("Relative change of holdings since the start census",
                              "farms_total / holdings of the start census - 1", _farms_decline),
    "farms_province_mae": Quantity("Mean absolute relative error of provincial holdings",
                                   "mean |farms_total / census - 1| over the provinces",
                                   _farms_province_mae),
    "farms_dairy": Quantity("Dairy holdings", "indicator farms_dairy", _indicator("farms_dairy")),
    "dairy_decline": Quantity("Relative change of dairy holdings since the start census",
                              "farms_dairy / dairy farms at set-up - 1", _dairy_decline),
    "pig_farms": Quantity("Holdings with pigs", "active farms of exit group 1 (pigs)",
                          _exit_group_count(1)),
    "poultry_farms": Quantity("Holdings with chickens", "active farms of exit group 2 (poultry)",
                              _exit_group_count(2)),
    "dairy_cows": Quantity("Dairy cows", "indicator dairy_cows", _indicator("dairy_cows")),
    "cattle": Quantity("Cattle (dairy cows included)", "dairy_cows + other_cattle", _cattle),
    "pigs": Quantity("Pigs", "indicator pigs", _indicator("pigs")),
    "chickens": Quantity("Chickens", "indicator poultry", _indicator("poultry")),
    "sheep": Quantity("Sheep", "indicator sheep", _indicator("sheep")),
    "goats": Quantity("Goats", "indicator goats", _indicator("goats")),
    "nh3_emission_kt": Quantity("Agricultural NH3 emission", "indicator nh3_emission_kt",
                                _indicator("nh3_emission_kt")),
    "nh3_change_kt": Quantity("Change of agricultural NH3 from the year before",
                              "nh3_emission_kt(Y) - nh3_emission_kt(Y-1)", _nh3_change),
    "n2000_agri_share": Quantity("Agriculture's share of deposition on N-sensitive Natura 2000",
                                 "indicator n_deposition_n2000_agri_share",
                                 _indicator("n_deposition_n2000_agri_share")),
    "peat_co2_mt": Quantity("CO2 of drained agricultural peat", "indicator peat_co2_mt",
                            _indicator("peat_co2_mt")),
    "peat_co2_share": Quantity("A province's share of national peat CO2",
                               "peat_co2_mt of the province / sum over provinces", _peat_share),
    "peat_co2_rank": Quantity("A province's rank in peat CO2 (1 = most)",
                              "rank of peat_co2_mt over the provinces", _peat_rank),
    "population_start_max_error": Quantity(
        "Largest provincial population error at set-up",
        "max |inhabitants at set-up / CBS 1 January - 1| over the provinces",
        _population_start_max_error),
    "population": Quantity("Inhabitants", "indicator population", _indicator("population")),
    "household_size_start": Quantity("Persons per household at set-up",
                                     "inhabitants / households at set-up", _household_size_start),
    "dwellings": Quantity("Dwelling stock", "indicator dwellings", _indicator("dwellings")),
    "homes_built": Quantity("Homes built in the year", "indicator homes_built",
                            _indicator("homes_built")),
}


@dataclass(frozen=True)
class Check:
    """A fact and the way to get its simulated value."""

    fact: Fact
    quantity: Quantity

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def description(self) -> str:
        region = "" if self.fact.region == "NL01" else f" ({self.fact.region})"
        return f"{self.quantity.description}{region}, {self.fact.year}"

    @property
    def band(self) -> tuple[float, float]:
        return self.fact.low, self.fact.high

    def simulated(self, runs: dict[str, RunResult]) -> float:
        return float(self.quantity.get(runs[self.fact.run], self.fact))


@dataclass(frozen=True)
class CheckResult:
    """The simulated value of a check and whether it lies in the band (edges included)."""

    check: Check
    simulated: float

    @property
    def passed(self) -> bool:
        low, high = self.check.band
        return bool(np.isfinite(self.simulated) and low - 1e-9 <= self.simulated <= high + 1e-9)


@dataclass
class ValidationReport:
    """The results of every check, the runs' settings and where the report was written."""

    results: list[CheckResult]
    resolution: int
    runtime_s: float
    out: Path | None = None

    @property
    def n_passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def n_missed(self) -> int:
        return len(self.results) - self.n_passed

    def result(self, check_id: str) -> CheckResult:
        for r in self.results:
            if r.check.id == check_id:
                return r
        raise KeyError(check_id)

    def summary(self) -> str:
        """One line: checks passed and missed."""
        where = f"; report in {self.out}" if self.out else ""
        return (f"validation: {self.n_passed} passed, {self.n_missed} missed of "
                f"{len(self.results)} checks at {self.resolution} m ({self.runtime_s:.0f} s)"
                f"{where}")

    def to_frame(self) -> pd.DataFrame:
        """One row per check: the fact, the simulated value, pass or miss."""
        rows = []
        for r in self.results:
            f = r.check.fact
            rows.append({"id": f.id, "check": r.check.description, "kind": f.kind,
                         "run": f.run, "region": f.region, "year": f.year,
                         "model_year": f.model_year, "observed": f.value,
                         "simulated": r.simulated, "low": f.low, "high": f.high,
                         "unit": f.unit, "result": "pass" if r.passed else "miss",
                         "known_miss": f.known_miss, "how": r.check.quantity.how,
                         "source": f.source_url_or_table, "note": f.note})
        return pd.DataFrame(rows)


# --- facts and checks ------------------------------------------------------------------------

def load_facts(path: str | Path = FACTS_CSV) -> list[Fact]:
    """The facts of ``path``.

    Raises
    ------
    ValueError
        When a column is missing, an id repeats, a band does not hold its value, a quantity or
        run is unknown, or a fact has no source.
    """
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in FACT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}")
        rows = list(reader)
    facts, seen = [], set()
    for row in rows:
        fact = Fact(id=row["id"], quantity=row["quantity"], region=row["region"],
                    year=int(row["year"]), value=float(row["value"]), low=float(row["low"]),
                    high=float(row["high"]), unit=row["unit"],
                    source_url_or_table=row["source_url_or_table"], note=row["note"],
                    kind=row["kind"], run=row["run"], model_year=int(row["model_year"]),
                    known_miss=row["known_miss"].strip().lower() in ("yes", "true", "1"))
        problems = []
        if fact.id in seen:
            problems.append("repeated id")
        if not fact.low <= fact.value <= fact.high:
            problems.append(f"value {fact.value} outside its band {fact.low}-{fact.high}")
        if fact.quantity not in QUANTITIES:
            problems.append(f"unknown quantity {fact.quantity!r}")
        if fact.run not in RUNS:
            problems.append(f"unknown run {fact.run!r} (one of {sorted(RUNS)})")
        if fact.kind not in ("validation", "calibration"):
            problems.append(f"kind {fact.kind!r} is not validation or calibration")
        if not fact.source_url_or_table.strip() or not fact.note.strip():
            problems.append("no source or no note")
        if problems:
            raise ValueError(f"{path}: fact {fact.id}: {'; '.join(problems)}")
        seen.add(fact.id)
        facts.append(fact)
    return facts


def checks(facts: list[Fact] | None = None) -> list[Check]:
    """The checks of ``facts`` (default: :func:`load_facts`)."""
    return [Check(f, QUANTITIES[f.quantity]) for f in (load_facts() if facts is None else facts)]


# --- runs ------------------------------------------------------------------------------------

def _start_state(model: RegionModel) -> dict[str, Any]:
    """What the checks read from a model at set-up, before its first year."""
    land = model.landscape
    codes = land.codes("province")
    prov = land["province_id"].ravel()
    inhabitants = np.bincount(prov, weights=np.asarray(model.inhabitants).ravel(),
                              minlength=len(codes) + 1)
    farms = model.farms
    return {
        "population_by_province": {c: float(inhabitants[i]) for i, c in enumerate(codes, 1)},
        "population_nl": float(np.asarray(model.inhabitants).sum()),
        # housed and latent: CBS counts the households of the shortage too (docs/validation.md)
        "households_nl": float(model.household_agents.households.sum()),
        "farms_nl": float(farms.active.sum()),
        "dairy_farms_nl": float((farms.active & (farms.farm_type == 0)).sum()),
    }


def run_models(resolution: int = 1000, names: tuple[str, ...] | None = None
               ) -> dict[str, RunResult]:
    """The runs of :data:`RUNS` (or ``names`` of them) at ``resolution``, national."""
    from abm.model import RegionModel

    runs = {}
    for name in names or tuple(RUNS):
        start, end = RUNS[name]
        model = RegionModel.from_scenario(SCENARIO, resolution=resolution, start=start, end=end)
        state = _start_state(model)
        model.run_until(end)
        runs[name] = RunResult(name, model, model.indicators(), state)
    return runs


def evaluate(runs: dict[str, RunResult], check_list: list[Check] | None = None
             ) -> list[CheckResult]:
    """The simulated value of every check."""
    return [CheckResult(c, c.simulated(runs)) for c in (check_list or checks())]


# --- the report ------------------------------------------------------------------------------

def _fmt(value: float, unit: str) -> str:
    if unit in ("fraction", "1"):
        return f"{100 * value:.1f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def _source(text: str) -> str:
    return f"<{text}>" if text.startswith("http") else text


def markdown(report: ValidationReport) -> str:
    """The report as Markdown: summary and one table row per check."""
    frame = report.to_frame()
    lines = [
        "# ruimte validation report", "",
        f"Scenario `{SCENARIO}` at {report.resolution} m, national: run `base` "
        f"{RUNS['base'][0]}-{RUNS['base'][1]} (farms from the {RUNS['base'][0] - 1} census), "
        f"run `hindcast` {RUNS['hindcast'][0]}-{RUNS['hindcast'][1]} (farms from the "
        f"{RUNS['hindcast'][0] - 1} census). Runtime {report.runtime_s:.0f} s.", "",
        f"**{report.n_passed} passed, {report.n_missed} missed** of {len(frame)} checks "
        f"({(frame.kind == 'calibration').sum()} are calibration targets: consistency, not "
        "skill). Bands come from the sources or from a stated modelling tolerance "
        "(abm/validation_facts.csv, column note); they are never widened to pass. "
        "docs/validation.md says what the misses mean.", "",
        "| check | kind | run (model year) | observed | simulated | band | result | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in frame.itertuples():
        mark = "pass" if r.result == "pass" else "**MISS**"
        lines.append(
            f"| `{r.id}`: {r.check} [{r.unit}] | {r.kind} | {r.run} ({r.model_year}) | "
            f"{_fmt(r.observed, r.unit)} | {_fmt(r.simulated, r.unit)} | "
            f"{_fmt(r.low, r.unit)} - {_fmt(r.high, r.unit)} | {mark} | "
            f"{_source(r.source)} |")
    missed = frame[frame.result == "miss"]
    if not missed.empty:
        lines += ["", "## Misses", ""]
        lines += [f"- `{r.id}`: simulated {_fmt(r.simulated, r.unit)}, band "
                  f"{_fmt(r.low, r.unit)} - {_fmt(r.high, r.unit)}. {r.note}"
                  for r in missed.itertuples()]
    lines += ["", "Figures: `figures/relative_deviation.png` (every check: simulated / observed "
              "with its band), `figures/holdings_hindcast.png` (national holdings against the "
              "census), `figures/provinces_observed_vs_simulated.png`.", ""]
    return "\n".join(lines)


def figures(report: ValidationReport, runs: dict[str, RunResult], folder: Path) -> None:
    """Observed-versus-simulated figures into ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    from agents.farmers.census import census, census_table

    folder.mkdir(parents=True, exist_ok=True)
    frame = report.to_frame()
    # 1. every check: simulated relative to observed, with its band (differences for values
    # around zero: declines, changes, errors, ranks)
    ratio_ok = frame.observed.abs() > 0
    ratio_ok &= ~frame.unit.isin(["fraction", "rank"]) | (frame.observed.abs() > 0.05)
    ratio_ok &= ~frame.id.str.contains("decline|change")
    sub = frame[ratio_ok].copy()
    sub["sim"] = sub.simulated / sub.observed
    sub["lo"] = sub.low / sub.observed
    sub["hi"] = sub.high / sub.observed
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(sub) + 1.2))
    y = np.arange(len(sub))
    ax.hlines(y, sub.lo, sub.hi, color="0.7", lw=4, label="band")
    colours = np.where(sub.result == "pass", "#1b9e77", "#d95f02")
    ax.scatter(sub.sim, y, c=colours, zorder=3, s=18)
    ax.axvline(1.0, color="0.3", lw=0.8)
    ax.set_yticks(y, sub.id, fontsize=6)
    ax.invert_yaxis()
    ax.set_xlabel("simulated / observed (grey: band; green pass, orange miss)")
    ax.set_title("ruimte validation: checks with a ratio")
    fig.savefig(folder / "relative_deviation.png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    # 2. national holdings: hindcast and base run against the census
    table = census_table()
    nl = table[table.region_code == "NL01"]
    nl = nl[(nl.year >= RUNS["hindcast"][0] - 1) & (nl.year <= RUNS["base"][1])]
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.lineplot(x=nl.year, y=nl.farms, marker="o", color="black", label="CBS 80780ned", ax=ax)
    for name, run in runs.items():
        rows = run.frame[run.frame.level == "nl"]
        years = [RUNS[name][0] - 1, *rows.year]
        values = [run.start["farms_nl"], *rows.farms_total]
        sns.lineplot(x=years, y=values, marker="s", label=f"model ({name})", ax=ax)
    ax.axvline(2016, color="0.6", ls=":", lw=1)
    ax.set_ylabel("agricultural holdings")
    ax.set_title("Holdings: model against the census (2016: definition break)")
    fig.savefig(folder / "holdings_hindcast.png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    # 3. provinces: observed vs simulated (holdings 2023, population 1-1-2022, dwellings 1-1-2023)
    panels = [("holdings 2023", census(2023).farms,
               runs["hindcast"].provinces("farms_total", 2023))]
    for quantity, label in (("population", "population 1 Jan 2022"),
                            ("dwellings", "dwellings 1 Jan 2023")):
        sel = frame[(frame.id.str.startswith(f"{quantity}_PV"))]
        if not sel.empty:
            panels.append((label, sel.set_index("region").observed,
                           sel.set_index("region").simulated))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4))
    for ax, (label, obs, sim) in zip(np.atleast_1d(axes), panels, strict=True):
        sim = sim.reindex(obs.index)
        ax.scatter(obs, sim, s=18)
        for code in obs.index:
            ax.annotate(code, (obs[code], sim[code]), fontsize=6)
        top = float(max(obs.max(), sim.max())) * 1.05
        ax.plot([0, top], [0, top], color="0.5", lw=0.8)
        ax.set_xlabel("observed (CBS)")
        ax.set_ylabel("simulated")
        ax.set_title(label)
    fig.tight_layout()
    fig.savefig(folder / "provinces_observed_vs_simulated.png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def write_report(report: ValidationReport, runs: dict[str, RunResult], out: str | Path) -> Path:
    """Write ``validation.md``, ``checks.csv``, ``summary.json`` and ``figures/`` into the new
    folder ``out``, atomically (all or nothing)."""
    from abm.atomic import atomic_folder

    out = Path(out)
    with atomic_folder(out) as tmp:
        report.out = out.absolute()
        (tmp / "validation.md").write_text(markdown(report), encoding="utf-8")
        report.to_frame().to_csv(tmp / "checks.csv", index=False)
        summary = {"scenario": SCENARIO, "resolution_m": report.resolution,
                   "runs": {k: list(v) for k, v in RUNS.items()},
                   "passed": report.n_passed, "missed": report.n_missed,
                   "runtime_s": round(report.runtime_s, 1),
                   "missed_ids": [r.check.id for r in report.results if not r.passed]}
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        figures(report, runs, tmp / "figures")
    return out.absolute()


def validate(resolution: int = 1000, out: str | Path | None = None,
             runs: dict[str, RunResult] | None = None) -> ValidationReport:
    """Run the baseline (base year and hindcast), evaluate every check and, when ``out`` is
    given, write the report there (a new or empty folder).

    Parameters
    ----------
    resolution : int
        Grid resolution of the runs in m (1000 keeps the suite near 15 s).
    out : path, optional
        Output folder of the report; nothing is written when None.
    runs : dict, optional
        Runs already made by :func:`run_models` (the tests reuse theirs).

    Returns
    -------
    ValidationReport
        Every check with its simulated value; ``passed`` tells pass or miss.
    """
    from abm.atomic import check_new_folder

    if out is not None:
        check_new_folder(out)  # fail before the runs, not after
    t0 = time.perf_counter()
    runs = run_models(resolution) if runs is None else runs
    report = ValidationReport(evaluate(runs), resolution, time.perf_counter() - t0)
    if out is not None:
        write_report(report, runs, out)
        report.runtime_s = time.perf_counter() - t0
    return report
