"""The EMA Workbench adapter (experiments.batch.ema) with the SequentialEvaluator."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from abm.errors import InputError
from experiments.batch.ema import DEFAULT_OUTCOMES, ema_name, ruimte_model

from ema_workbench import SequentialEvaluator, perform_experiments  # noqa: E402 - after ema


def _expected_levers(scenario: str) -> set[str]:
    """ID.parameter of the scenario's number fields with both pydantic limits."""
    from abm.policy.registry import implemented
    from abm.scenario import load_scenario

    impl = implemented()
    names = set()
    spec = load_scenario(scenario, start_year=2024, end_year=2025, resolution_m=1000,
                         region=["Utrecht"])
    for inst in spec.instruments:
        for field, info in impl[inst.id].Parameters.model_fields.items():
            if info.annotation not in (float, int):
                continue
            low = next((getattr(m, "ge", getattr(m, "gt", None)) for m in info.metadata
                        if hasattr(m, "ge") or hasattr(m, "gt")), None)
            high = next((getattr(m, "le", getattr(m, "lt", None)) for m in info.metadata
                         if hasattr(m, "le") or hasattr(m, "lt")), None)
            if low is not None and high is not None and math.isfinite(high):
                names.add(f"{inst.id}.{field}")
    return names


def test_eight_experiments_with_the_scenarios_levers():
    model = ruimte_model("stikstof-buyout")
    levers = {lev.variable_name[0] for lev in model.levers}
    assert levers == _expected_levers("stikstof-buyout")
    assert "NPLG-BUYOUT.budget_meur_per_yr" in levers
    assert all(lev.name.isidentifier() for lev in model.levers)
    budget = next(lev for lev in model.levers
                  if lev.name == ema_name("NPLG-BUYOUT.budget_meur_per_yr"))
    assert (budget.lower_bound, budget.upper_bound) == (0.0, 5000.0)
    assert len(model.uncertainties) >= 2
    pickle.dumps(model.function)  # the MultiprocessingEvaluator sends it to workers

    experiments, outcomes = perform_experiments(model, scenarios=4, policies=2,
                                                evaluator=SequentialEvaluator(model))
    assert len(experiments) == 8
    assert {u.name for u in model.uncertainties} <= set(experiments.columns)
    assert {lev.name for lev in model.levers} <= set(experiments.columns)
    assert set(outcomes) == set(DEFAULT_OUTCOMES)
    for values in outcomes.values():
        assert values.shape == (8,) and np.isfinite(values).all()
    assert (outcomes["farms_total"] > 0).all()


def test_baseline_has_no_levers_and_replications_average():
    model = ruimte_model("baseline", outcomes=["farms_total"], replications=2,
                         uncertainties=["farmers.decisions.EARLY_EXIT_BASE"])
    assert list(model.levers) == []
    assert [r["seed"] for r in model.replications][0] != [r["seed"] for r in
                                                          model.replications][1]
    experiments, outcomes = perform_experiments(model, scenarios=2,
                                                evaluator=SequentialEvaluator(model))
    assert len(experiments) == 2 and outcomes["farms_total"].shape == (2,)

    kept = ruimte_model("baseline", outcomes=["dairy_cows"], replications=2, uncertainties=[],
                        keep_replications=True)
    _, outcomes = perform_experiments(kept, scenarios=1, evaluator=SequentialEvaluator(kept))
    assert outcomes["dairy_cows"].shape == (1, 2)


def test_unknown_names_are_input_errors():
    with pytest.raises(InputError, match="outcomes"):
        ruimte_model("baseline", outcomes=["no_such_indicator"])
    with pytest.raises(InputError, match="uncertainties"):
        ruimte_model("baseline", uncertainties=["farmers.options.NO_SUCH"])
    with pytest.raises(InputError, match="scenarios"):
        ruimte_model("no-such-scenario")
