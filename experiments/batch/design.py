"""Experiment files: which scenarios, parameter samples and seeds a batch runs.

An experiment is a TOML file, data and never code (docs/batch.md)::

    name = "smoke"
    scenarios = ["baseline", "stikstof-buyout"]
    seeds = 2                     # a count (spawned from base_seed) or a list of seeds
    base_seed = 20261130
    start_year = 2024
    end_year = 2025
    resolution_m = 1000
    region = ["Utrecht"]          # provinces; empty = the Netherlands
    maps = ["land_use"]           # optional: model maps kept per run (ensemble maps)

    [design]
    method = "factorial"          # factorial, lhs, sobol, morris or none
    samples = 8                   # lhs: points; sobol: base samples N; morris: trajectories

    [[parameters]]
    name = "farmers.options.INERTIA"          # a model parameter ('ruimte parameters')
    values = [5.0, 8.0]                       # factorial: the levels
    [[parameters]]
    name = "NPLG-BUYOUT.budget_meur_per_yr"   # an instrument parameter: ID.parameter
    range = [20.0, 100.0]                     # lhs, sobol, morris: the range

    [backend]                     # optional: how 'ruimte batch run' runs it
    kind = "local"                # local or dask
    workers = 2

The run table is scenarios x samples x seeds. Every run of replicate ``k`` gets the same seed,
whatever its scenario and sample (common random numbers: differences between scenarios are not
noise between seeds). Seeds of a count come from ``numpy.random.SeedSequence(base_seed)
.spawn(count)``. A run's id hashes its scenario (after the overrides), seed, grid, region and
the code and data versions, the recipe of :meth:`abm.model.RegionModel`'s ``run_id``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from abm.errors import InputError

METHODS = ("factorial", "lhs", "sobol", "morris", "none")


def _allowed(text: str) -> dict:
    return {"json_schema_extra": {"allowed": text}}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParameterSpec(_Strict):
    """One varied parameter: a model parameter or ``INSTRUMENT-ID.parameter``."""

    name: str = Field(..., min_length=1, **_allowed(
        "a name of 'ruimte parameters' or INSTRUMENT-ID.parameter of an instrument in the "
        "experiment's scenarios"))
    values: list[float] | None = Field(None, min_length=1, **_allowed(
        "a non-empty list of numbers (the levels of a factorial design)"))
    range: tuple[float, float] | None = Field(None, **_allowed(
        "[low, high] with low < high (lhs, sobol and morris designs)"))


class DesignSpec(_Strict):
    method: Literal[METHODS] = Field("factorial", **_allowed(", ".join(METHODS)))  # type: ignore[valid-type]
    samples: int = Field(8, ge=1, le=100_000, **_allowed("an integer 1-100000"))
    seed: int = Field(0, ge=0, le=2**32 - 1, **_allowed("an integer 0 <= seed < 2**32"))
    levels: int = Field(4, ge=2, le=20, **_allowed("an integer 2-20 (Morris grid levels)"))
    second_order: bool = Field(False, **_allowed("true or false (Sobol second-order "
                                                 "indices need N x (2D + 2) runs)"))


class JobqueueSpec(_Strict):
    """A dask-jobqueue cluster (SLURM or PBS): one job per worker process group."""

    kind: Literal["slurm", "pbs"] = Field("slurm", **_allowed("slurm or pbs"))
    jobs: int = Field(2, ge=1, le=10_000, **_allowed("an integer 1-10000"))
    cores: int = Field(2, ge=1, le=1024, **_allowed("cores per job"))
    processes: int = Field(2, ge=1, le=1024, **_allowed("worker processes per job"))
    memory: str = Field("8GB", **_allowed("memory per job, e.g. 8GB"))
    walltime: str = Field("01:00:00", **_allowed("HH:MM:SS"))
    queue: str | None = Field(None, **_allowed("the partition or queue name"))
    account: str | None = Field(None, **_allowed("the account to charge"))
    job_extra_directives: list[str] = Field(default_factory=list, **_allowed(
        "extra #SBATCH / #PBS lines"))
    local_directory: str | None = Field(None, **_allowed("node-local scratch, e.g. $TMPDIR"))


class BackendSpec(_Strict):
    kind: Literal["local", "dask"] = Field("local", **_allowed("local or dask"))
    workers: int | None = Field(None, ge=1, le=10_000, **_allowed(
        "an integer (default: the machine's cores)"))
    start_method: Literal["spawn", "forkserver", "fork"] = Field("spawn", **_allowed(
        "spawn, forkserver or fork"))
    scheduler: str | None = Field(None, **_allowed("a Dask scheduler address, tcp://host:port"))
    jobqueue: JobqueueSpec | None = Field(None, **_allowed(
        "a table with kind, jobs, cores, processes, memory, walltime, ..."))


class Experiment(_Strict):
    """A validated experiment file."""

    name: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$", **_allowed(
        "letters, digits, '.', '_' and '-'"))
    description: str = Field("", **_allowed("one line of text"))
    scenarios: list[str] = Field(..., min_length=1, **_allowed(
        "library scenario names or paths to scenario files"))
    seeds: int | list[int] = Field(1, **_allowed(
        "a count 1-10000 or a list of integers 0 <= seed < 2**63"))
    base_seed: int = Field(0, ge=0, le=2**63 - 1, **_allowed("an integer 0 <= seed < 2**63"))
    start_year: int | None = Field(None, ge=2000, le=2100, **_allowed("a year 2000-2100"))
    end_year: int | None = Field(None, ge=2000, le=2100, **_allowed("a year 2000-2100"))
    resolution_m: Literal[1000, 250, 100] = Field(1000, **_allowed("1000, 250 or 100"))
    region: list[str] = Field(default_factory=list, **_allowed(
        "province names or CBS codes; empty for the Netherlands"))
    maps: list[str] = Field(default_factory=list, **_allowed(
        "names of RegionModel.maps(): land_use, nature_gained_ha, ..."))
    retries: int = Field(1, ge=0, le=10, **_allowed("an integer 0-10"))
    chunk_size: int | None = Field(None, ge=1, le=10_000, **_allowed(
        "runs per task (default: about four tasks per worker)"))
    design: DesignSpec = Field(default_factory=DesignSpec, **_allowed(
        "a [design] table with method, samples, seed, levels, second_order"))
    parameters: list[ParameterSpec] = Field(default_factory=list, **_allowed(
        "[[parameters]] tables with name and values or range"))
    backend: BackendSpec = Field(default_factory=BackendSpec, **_allowed(
        "a [backend] table with kind, workers, start_method, scheduler, jobqueue"))


@dataclass(frozen=True)
class Run:
    """One run of the table: picklable, so workers of any backend can take it."""

    index: int
    run_id: str
    scenario: str
    sample: int
    replicate: int
    seed: int
    values: dict[str, float] = field(default_factory=dict)


@dataclass
class Plan:
    """The run table of an experiment, with its design."""

    experiment: Experiment
    source: str
    runs: list[Run]
    samples: np.ndarray  # sample x parameter
    names: list[str]
    bounds: list[tuple[float, float]]
    seeds: list[int]

    def design_record(self) -> dict[str, Any]:
        """What the store keeps of the design (analysis rebuilds the SALib problem from it)."""
        return {"method": self.experiment.design.method, "names": self.names,
                "bounds": [list(b) for b in self.bounds], "samples": self.samples.tolist(),
                "seeds": self.seeds, "second_order": self.experiment.design.second_order,
                "levels": self.experiment.design.levels}


# -- loading ---------------------------------------------------------------------------------


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_loc(loc: tuple, model: type[BaseModel]) -> tuple:
    """``loc`` of a pydantic error without the member tags of union fields (``seeds.int``
    -> ``seeds``), so the message names the field of the file."""
    out, tagged = [], False
    for part in loc:
        if isinstance(part, int):
            out.append(part)
            continue
        if tagged:  # the union member pydantic tried: not a field of the file
            tagged = False
            continue
        out.append(part)
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            continue
        ann = info.annotation
        members = [a for a in get_args(ann) if a is not type(None)]
        inner = [a for a in members if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        elif inner:
            model = inner[0]
        elif get_origin(ann) in (Union, types.UnionType) and len(members) > 1:
            tagged = True
    return tuple(out)


def _allowed_at(model: type[BaseModel], loc: tuple) -> str | None:
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return ", ".join(fields) if fields else None
        info = fields[part]
        ann = info.annotation
        inner = [a for a in getattr(ann, "__args__", ()) if isinstance(a, type)
                 and issubclass(a, BaseModel)]
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        elif inner:
            model = inner[0]
    extra = info.json_schema_extra if info is not None else None
    return extra.get("allowed") if isinstance(extra, dict) else None


def read_experiment(path: str | Path) -> tuple[dict[str, Any], str]:
    """The raw mapping of an experiment file."""
    p = Path(path)
    if not p.is_file():
        raise InputError(str(path), "experiment", "no such file",
                         allowed="a path to an experiment .toml file")
    from abm.scenario import read_toml

    return read_toml(p, "experiment"), str(p)


def experiment_from_dict(data: dict[str, Any], source: str = "<experiment>") -> Experiment:
    """Validate an experiment mapping; every problem is an InputError naming file and field."""
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _field_loc(tuple(err["loc"]), Experiment)
        if err["type"] == "extra_forbidden":
            raise InputError(source, _dotted(loc), "unknown field",
                             allowed=_allowed_at(Experiment, loc[:-1] + ("__unknown__",))
                             ) from None
        raise InputError(source, _dotted(loc), err["msg"],
                         allowed=_allowed_at(Experiment, loc)) from None
    _check(exp, source)
    return exp


def load_experiment(path: str | Path) -> tuple[Experiment, str]:
    """Read and validate an experiment file; returns it and its path as text."""
    data, source = read_experiment(path)
    return experiment_from_dict(data, source), source


def _check(exp: Experiment, source: str) -> None:
    """Checks across fields: years, seeds, scenarios, parameter names and values, design."""
    from abm import parameters as model_parameters
    from abm.model import RegionModel

    if exp.start_year and exp.end_year and exp.end_year < exp.start_year:
        raise InputError(source, "end_year", f"{exp.end_year} is before start_year "
                         f"{exp.start_year}", allowed=f"a year >= {exp.start_year}")
    if isinstance(exp.seeds, int) and not 1 <= exp.seeds <= 10_000:
        raise InputError(source, "seeds", f"{exp.seeds} seeds",
                         allowed="a count 1-10000 or a list of integers 0 <= seed < 2**63")
    if isinstance(exp.seeds, list):
        if not exp.seeds or any(not 0 <= s < 2**63 for s in exp.seeds) or len(
                set(exp.seeds)) != len(exp.seeds):
            raise InputError(source, "seeds", "a list of seeds must be non-empty, distinct "
                             "and within range", allowed="integers 0 <= seed < 2**63")
    for i, name in enumerate(exp.scenarios):
        base_scenario(exp, name, source, f"scenarios[{i}]")
    known_maps = RegionModel.MAP_NAMES
    for i, name in enumerate(exp.maps):
        if name not in known_maps:
            raise InputError(source, f"maps[{i}]", f"unknown map {name!r}",
                             allowed=", ".join(known_maps))
    names = [p.name for p in exp.parameters]
    if len(set(names)) != len(names):
        raise InputError(source, "parameters", "a parameter is listed twice",
                         allowed="each name once")
    method = exp.design.method
    for i, p in enumerate(exp.parameters):
        where = f"parameters[{i}]"
        low, high = parameter_bounds(exp, p.name, source, f"{where}.name")
        if method == "factorial":
            if p.values is None:
                raise InputError(source, f"{where}.values", "a factorial design needs values",
                                 allowed="a list of numbers")
            given = p.values
        elif method == "none":
            raise InputError(source, "design.method", "'none' varies no parameter, but "
                             "parameters are given", allowed="factorial, lhs, sobol, morris")
        else:
            if p.range is None or not p.range[0] < p.range[1]:
                raise InputError(source, f"{where}.range", f"a {method} design needs a range",
                                 allowed="[low, high] with low < high")
            given = list(p.range)
        for v in given:
            if not low <= v <= high:
                raise InputError(source, f"{where}", f"{v:g} is outside the allowed range of "
                                 f"{p.name}", allowed=f"{low:g} to {high:g}")
    if method == "morris":
        for i, p in enumerate(exp.parameters):
            if is_integer(p.name):
                raise InputError(source, f"parameters[{i}].name", f"{p.name} takes integers: "
                                 "rounding would give Morris steps of zero",
                                 allowed="a real-valued parameter (or a factorial, lhs or "
                                 "sobol design)")
    if method in ("sobol", "morris", "lhs") and not exp.parameters:
        raise InputError(source, "parameters", f"a {method} design needs parameters",
                         allowed="at least one [[parameters]] with a range")
    _ = model_parameters


def base_scenario(exp: Experiment, name: str, source: str = "<experiment>",
                  field_name: str = "scenarios"):
    """The raw mapping of one of the experiment's scenarios and its validated form with the
    experiment's years, resolution and region."""
    from abm.scenario import load_scenario, read_scenario_file

    try:
        data, path = read_scenario_file(name)
        scenario = load_scenario(name, start_year=exp.start_year, end_year=exp.end_year,
                                 resolution_m=exp.resolution_m, region=exp.region or None)
    except InputError as exc:
        raise InputError(source, field_name, f"scenario {name!r}: {exc.problem}",
                         allowed=exc.allowed) from None
    return data, path, scenario


def parameter_bounds(exp: Experiment, name: str, source: str = "<experiment>",
                     field_name: str = "parameters") -> tuple[float, float]:
    """The allowed range of a varied parameter: the registry's for a model parameter; the
    pydantic limits of the instrument's field for ``ID.parameter`` (which must be a number
    field of an instrument that one of the scenarios holds)."""
    from abm import parameters as model_parameters
    from abm.policy.registry import implemented

    registry = model_parameters.registry()
    if name in registry.parameters:
        p = registry.parameters[name]
        return p.low, p.high
    inst, _, param = name.partition(".")
    impl = implemented()
    if not param or inst not in impl:
        raise InputError(source, field_name, f"unknown parameter {name!r}",
                         allowed="a name of 'ruimte parameters' or INSTRUMENT-ID.parameter")
    fields = impl[inst].Parameters.model_fields
    if param not in fields or fields[param].annotation not in (float, int):
        numeric = [k for k, f in fields.items() if f.annotation in (float, int)]
        raise InputError(source, field_name, f"{inst} has no number parameter {param!r}",
                         allowed=", ".join(numeric) or "none")
    holders = [s for s in exp.scenarios
               if any(i.id == inst for i in base_scenario(exp, s, source)[2].instruments)]
    if not holders:
        raise InputError(source, field_name, f"no scenario of the experiment holds {inst}",
                         allowed="an instrument of one of: " + ", ".join(exp.scenarios))
    low, high = -np.inf, np.inf
    for m in fields[param].metadata:
        if getattr(m, "ge", None) is not None:
            low = float(m.ge)
        if getattr(m, "gt", None) is not None:  # an open bound: the next number above it
            low = float(np.nextafter(m.gt, np.inf))
        if getattr(m, "le", None) is not None:
            high = float(m.le)
        if getattr(m, "lt", None) is not None:
            high = float(np.nextafter(m.lt, -np.inf))
    return float(low), float(high)


def is_integer(name: str) -> bool:
    """Whether a parameter takes integers (its value is rounded)."""
    from abm import parameters as model_parameters
    from abm.policy.registry import implemented

    registry = model_parameters.registry()
    if name in registry.parameters:
        return registry.parameters[name].kind == "int"
    inst, _, param = name.partition(".")
    return implemented()[inst].Parameters.model_fields[param].annotation is int


# -- the design and the run table ------------------------------------------------------------


def sample_matrix(exp: Experiment) -> tuple[np.ndarray, list[str], list[tuple[float, float]]]:
    """The parameter samples of the design (sample x parameter), names and bounds."""
    names = [p.name for p in exp.parameters]
    d = exp.design
    if not names:
        return np.zeros((1, 0)), [], []
    if d.method == "factorial":
        levels = [p.values for p in exp.parameters]
        rows = np.array(list(itertools.product(*levels)), dtype=np.float64)
        bounds = [(min(v), max(v)) for v in levels]
    else:
        bounds = [tuple(p.range) for p in exp.parameters]
        problem = {"num_vars": len(names), "names": names, "bounds": [list(b) for b in bounds]}
        if d.method == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(d.seed)).random(
                d.samples)
            rows = qmc.scale(unit, [b[0] for b in bounds], [b[1] for b in bounds])
        elif d.method == "sobol":
            from SALib.sample import sobol

            rows = sobol.sample(problem, d.samples, calc_second_order=d.second_order,
                                seed=d.seed)
        else:
            from SALib.sample import morris

            rows = morris.sample(problem, d.samples, num_levels=d.levels, seed=d.seed)
    for j, name in enumerate(names):
        if is_integer(name):
            rows[:, j] = np.round(rows[:, j])
    return rows, names, bounds


def replicate_seeds(exp: Experiment) -> list[int]:
    """The seed of every replicate: a given list, or the count spawned from ``base_seed``."""
    if isinstance(exp.seeds, list):
        return list(exp.seeds)
    children = np.random.SeedSequence(exp.base_seed).spawn(exp.seeds)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def run_scenario(exp: Experiment, run: Run):
    """The validated scenario of a run: the base scenario with the experiment's years,
    resolution, region, the run's seed and its parameter values (model parameters into
    ``[parameters]``, ``ID.parameter`` into every instance of that instrument)."""
    from abm.scenario import scenario_with_overrides

    data, path, _ = base_scenario(exp, run.scenario)
    data = json.loads(json.dumps(data))  # a deep copy
    model_values = {}
    for name, value in run.values.items():
        inst, _, param = name.partition(".")
        held = [i for i in data.get("instruments", []) if i.get("id") == inst]
        if held and param:
            for spec in held:
                spec.setdefault("parameters", {})[param] = value
        elif not held and name not in _registry_names():
            continue  # an instrument this scenario does not hold: the value does not apply
        else:
            model_values[name] = value
    return scenario_with_overrides(
        data, path, start_year=exp.start_year, end_year=exp.end_year,
        resolution_m=exp.resolution_m, region=exp.region or None, seed=run.seed,
        parameters=model_values or None)



def _registry_names() -> set[str]:
    from abm import parameters as model_parameters

    return set(model_parameters.registry().parameters)


@functools.cache
def code_version() -> str:
    """A fingerprint of the model's code: the package version and a hash of the sources of
    abm, agents, environment and experiments/batch (so an edited model never resumes into the
    results of the old one)."""
    from abm import __version__

    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(__version__.encode())
    for package in ("abm", "agents", "environment", "experiments/batch"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def run_id(scenario, sample: int, values: dict[str, float], data_version: str) -> str:
    """Identity of a run: the recipe of RegionModel's run_id (scenario after the overrides,
    seed, grid, region, data version), the code fingerprint (:func:`code_version`) and the
    design point with its sample index, so that every row of the design has its own run (a
    Morris trajectory may visit a point twice; a parameter may not apply to a scenario)."""
    parts = [scenario.sha256(), str(scenario.seed), str(scenario.resolution_m),
             ",".join(scenario.provinces), code_version(), data_version, str(sample),
             json.dumps(values, sort_keys=True)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def plan(exp: Experiment, source: str = "<experiment>") -> Plan:
    """The run table: scenarios x samples x seeds, in that order, each with its id."""
    from environment.landscape import data_version

    samples, names, bounds = sample_matrix(exp)
    seeds = replicate_seeds(exp)
    version = data_version(exp.resolution_m)
    runs: list[Run] = []
    for scenario_name in exp.scenarios:
        for s, row in enumerate(samples):
            values = {n: (int(v) if is_integer(n) else float(v)) for n, v in zip(names, row,
                                                                                  strict=True)}
            for k, seed in enumerate(seeds):
                run = Run(len(runs), "", scenario_name, s, k, seed, values)
                rid = run_id(run_scenario(exp, run), s, values, version)
                runs.append(Run(run.index, rid, scenario_name, s, k, seed, values))
    return Plan(exp, source, runs, samples, names, bounds, seeds)
