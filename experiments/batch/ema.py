"""An EMA Workbench (3.x) adapter: ruimte as an ``ema_workbench.Model``.

:func:`ruimte_model` wraps one library scenario run on a small region as a Python-callable
model of the workbench:

* uncertainties: registered model parameters ('ruimte parameters') over their explore ranges
  (``RealParameter``, or ``IntegerParameter`` for integer parameters); by default
  :data:`DEFAULT_UNCERTAINTIES`;
* levers: the number parameters of the scenario's instruments, named ``ID.parameter``, over
  the limits of their pydantic fields (:func:`experiments.batch.design.parameter_bounds`);
  fields without a finite lower and upper limit are left out;
* names: the workbench wants Python identifiers, so a parameter is named by
  :func:`ema_name` (``NPLG-BUYOUT.budget_meur_per_yr`` -> ``NPLG_BUYOUT__budget_meur_per_yr``)
  and keeps its ruimte name as ``variable_name``;
* outcomes: ``ScalarOutcome`` per indicator in the end year at the top level (the nation, or
  the region's provinces together: :func:`experiments.batch.levels.top_level`).

The scenario of an experiment is built as a batch run's (:func:`experiments.batch.design.
run_scenario`): model parameters go into ``[parameters]``, ``ID.parameter`` into that
instrument's parameters. With ``replications`` the model is a ``ReplicatorModel`` whose
replications differ only in their seed (``numpy.random.SeedSequence(seed).spawn``, as a
batch's seeds); its outcomes are then the means over the replications, or, with
``keep_replications``, ``ArrayOutcome`` arrays of experiments x replications
(``ema_workbench.process_replications`` averages those).

The model function is a picklable object, so the workbench's ``MultiprocessingEvaluator``
can send it to worker processes (experiments/examples/ema_example.py).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from abm.errors import InputError

with warnings.catch_warnings():
    # ema_workbench warns at import that ipyparallel (one of its optional evaluators) is absent
    warnings.simplefilter("ignore")
    import ema_workbench as ema

#: Model parameters varied by default (those the registry has).
DEFAULT_UNCERTAINTIES: tuple[str, ...] = (
    "farmers.options.INERTIA", "farmers.options.TECHNOLOGY_FACTOR",
    "farmers.decisions.EARLY_EXIT_BASE", "farmers.land_prices.ELASTICITY",
)
#: Indicators reported by default (end year, top level).
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "nh3_emission_kt", "n2000_below_kdw_share", "farms_total", "homes_built",
)


def _experiment(scenario: str, resolution_m: int, region: Sequence[str], start_year: int,
                end_year: int):
    from experiments.batch.design import experiment_from_dict

    return experiment_from_dict(
        {"name": "ema", "scenarios": [scenario], "resolution_m": resolution_m,
         "region": list(region), "start_year": start_year, "end_year": end_year},
        source="ruimte_model()")


def ema_name(name: str) -> str:
    """The workbench name of a ruimte parameter: a Python identifier ('.' -> '__', '-' -> '_');
    the ruimte name stays the parameter's ``variable_name`` (what the model function gets).

    >>> ema_name("NPLG-BUYOUT.budget_meur_per_yr")
    'NPLG_BUYOUT__budget_meur_per_yr'
    """
    return name.replace(".", "__").replace("-", "_")


def uncertainty(name: str):
    """A registered model parameter as an EMA parameter over its explore range (else its
    allowed range)."""
    from abm import parameters as model_parameters

    reg = model_parameters.registry()
    if name not in reg.parameters:
        raise InputError("ruimte_model()", "uncertainties", f"unknown model parameter {name!r}",
                         allowed="a name of 'ruimte parameters' with a range")
    p = reg.parameters[name]
    low, high = p.explore if p.explore is not None else (p.low, p.high)
    if p.kind == "int":
        return ema.IntegerParameter(ema_name(name), int(math.ceil(low)), int(math.floor(high)),
                                    variable_name=name)
    return ema.RealParameter(ema_name(name), float(low), float(high), variable_name=name)


def instrument_levers(exp) -> list[str]:
    """``ID.parameter`` of every number field of the scenario's instruments with finite
    pydantic limits."""
    from experiments.batch.design import base_scenario, parameter_bounds
    from abm.policy.registry import implemented

    impl = implemented()
    names = []
    for inst in base_scenario(exp, exp.scenarios[0])[2].instruments:
        if inst.id not in impl:
            continue
        for field, info in impl[inst.id].Parameters.model_fields.items():
            name = f"{inst.id}.{field}"
            if info.annotation not in (float, int) or name in names:
                continue
            low, high = parameter_bounds(exp, name, "ruimte_model()", "levers")
            if math.isfinite(low) and math.isfinite(high) and low < high:
                names.append(name)
    return names


def lever(exp, name: str):
    """An instrument parameter ``ID.parameter`` as an EMA parameter over its pydantic limits."""
    from experiments.batch.design import is_integer, parameter_bounds

    low, high = parameter_bounds(exp, name, "ruimte_model()", "levers")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError("ruimte_model()", "levers", f"{name} has no finite range",
                         allowed="number parameters with both limits (ge/gt and le/lt)")
    if is_integer(name):
        return ema.IntegerParameter(ema_name(name), int(math.ceil(low)), int(math.floor(high)),
                                    variable_name=name)
    return ema.RealParameter(ema_name(name), float(low), float(high), variable_name=name)


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Seeds of the replications, spawned from ``seed`` as a batch spawns its seeds."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


@dataclass(frozen=True)
class RuimteRun:
    """The model function: one run of the scenario with the sampled values; picklable."""

    scenario: str
    resolution_m: int
    region: tuple[str, ...]
    start_year: int
    end_year: int
    seed: int
    outcomes: tuple[str, ...]

    def __call__(self, **values: Any) -> dict[str, float]:
        from abm.model import RegionModel
        from environment.landscape import load_landscape
        from experiments.batch.design import Run, is_integer, run_scenario
        from experiments.batch.levels import top_level

        seed = int(values.pop("seed", self.seed))
        typed = {k: (int(round(float(v))) if is_integer(k) else float(v))
                 for k, v in values.items()}
        exp = _experiment(self.scenario, self.resolution_m, self.region, self.start_year,
                          self.end_year)
        scenario = run_scenario(exp, Run(0, "", self.scenario, 0, 0, seed, typed))
        model = RegionModel(scenario, load_landscape(scenario.resolution_m))
        model.run_until(scenario.end_year)
        top = top_level(model.indicators())
        row = top[top.year == top.year.max()].iloc[0]
        return {name: float(row[name]) for name in self.outcomes}


def _mean(values) -> float:
    return float(np.mean(values))


def _model_name(scenario: str) -> str:
    text = "".join(ch if ch.isalnum() else "_" for ch in f"ruimte_{scenario}")
    return text if text.isidentifier() else "ruimte_model"


def ruimte_model(scenario: str = "baseline", uncertainties: Sequence | None = None,
                 levers: Sequence | None = None, outcomes: Sequence[str] | None = None,
                 resolution_m: int = 1000, region: Sequence[str] = ("Utrecht",),
                 start_year: int = 2024, end_year: int = 2025, seed: int = 1,
                 replications: int | None = None, keep_replications: bool = False):
    """An ``ema_workbench.Model`` (or ``ReplicatorModel`` with ``replications``) of a ruimte
    scenario.

    ``uncertainties`` and ``levers`` take names (model parameters; ``ID.parameter``) or
    ready workbench parameters; ``None`` gives the defaults (see the module docstring) and
    ``[]`` none. ``outcomes`` are indicator names. With ``replications`` (a count) the
    outcomes are the means over the replications, or with ``keep_replications`` arrays of
    experiments x replications (``ArrayOutcome``; the workbench keeps one outcome class per
    name in a process, so do not mix both kinds of one indicator in one process).
    """
    from abm.indicators import INDICATOR_BY_NAME

    exp = _experiment(scenario, resolution_m, region, start_year, end_year)
    names = list(DEFAULT_OUTCOMES if outcomes is None else outcomes)
    for name in names:
        if name not in INDICATOR_BY_NAME:
            raise InputError("ruimte_model()", "outcomes", f"unknown indicator {name!r}",
                             allowed=sorted(INDICATOR_BY_NAME))
    from abm import parameters as model_parameters

    registered = model_parameters.registry().parameters
    if uncertainties is None:
        uncertainties = [n for n in DEFAULT_UNCERTAINTIES if n in registered]
    if levers is None:
        levers = instrument_levers(exp)
    function = RuimteRun(scenario, resolution_m, tuple(region), start_year, end_year, seed,
                         tuple(names))
    if replications:
        model = ema.ReplicatorModel(_model_name(scenario), function=function)
        model.replications = [{"seed": s} for s in replication_seeds(seed, replications)]
    else:
        model = ema.Model(_model_name(scenario), function=function)
    model.uncertainties = [uncertainty(u) if isinstance(u, str) else u for u in uncertainties]
    model.levers = [lever(exp, v) if isinstance(v, str) else v for v in levers]
    if replications and keep_replications:
        model.outcomes = [ema.ArrayOutcome(name) for name in names]
    elif replications:
        model.outcomes = [ema.ScalarOutcome(name, function=_mean) for name in names]
    else:
        model.outcomes = [ema.ScalarOutcome(name) for name in names]
    return model
