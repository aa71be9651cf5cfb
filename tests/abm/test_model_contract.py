"""The model's contract, for every library scenario (docs/robustness.md): the same seed gives
the same bits, another seed gives other results, a model pickled after a year resumes to the
results of the uninterrupted run (checkpoint and resume), and a run leaves the global random
states of numpy and Python alone.

Each scenario runs at 1000 m on Utrecht (with the provinces its instruments' scopes name) for
two years; the checkpoint of the national baseline is tested once."""

from __future__ import annotations

import pickle
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from abm.indicators import INDICATORS
from abm.model import RegionModel
from abm.scenario import Scenario, load_scenario
from experiments.library import scenario_names

YEARS = 2
VALUES = [ind.name for ind in INDICATORS]


def _scenario(name: str, seed: int | None = None) -> Scenario:
    """The library scenario at 1000 m on its region, else Utrecht and the provinces its
    instruments' scopes name, for YEARS years."""
    raw = load_scenario(name)
    region = raw.region or sorted({"Utrecht"} | {p for spec in raw.instruments
                                                 for p in spec.scope.provinces})
    return load_scenario(name, resolution_m=1000, region=region, seed=seed,
                         end_year=raw.start_year + YEARS - 1)


@dataclass
class Result:
    indicators: pd.DataFrame
    maps: dict[str, np.ndarray]


def _result(model: RegionModel) -> Result:
    return Result(model.indicators(), model.maps())


def _run(scenario: Scenario, landscape) -> Result:
    model = RegionModel(scenario, landscape)
    model.run_until(scenario.end_year)
    return _result(model)


def _assert_same(a: Result, b: Result) -> None:
    pd.testing.assert_frame_equal(a.indicators, b.indicators, check_exact=True)
    assert a.maps.keys() == b.maps.keys()
    for key in a.maps:
        assert a.maps[key].dtype == b.maps[key].dtype, key
        np.testing.assert_array_equal(a.maps[key], b.maps[key], err_msg=key)


@pytest.fixture(scope="module")
def reference(nl1000):
    """Per scenario: its uninterrupted run, and the global random states around it."""
    cache: dict[str, tuple[Result, bool, bool]] = {}

    def get(name: str) -> tuple[Result, bool, bool]:
        if name not in cache:
            np.random.seed(20261130)
            random.seed(20261130)
            np_state, py_state = np.random.get_state(), random.getstate()
            result = _run(_scenario(name), nl1000)
            after = np.random.get_state()
            np_same = all(np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
                          for x, y in zip(np_state, after, strict=True))
            cache[name] = (result, np_same, random.getstate() == py_state)
        return cache[name]

    return get


@pytest.mark.parametrize("name", scenario_names())
def test_same_seed_same_bits(name, reference, nl1000):
    first, _, _ = reference(name)
    _assert_same(first, _run(_scenario(name), nl1000))


@pytest.mark.parametrize("name", scenario_names())
def test_another_seed_gives_other_results(name, reference, nl1000):
    first, _, _ = reference(name)
    seed = _scenario(name).seed + 1
    other = _run(_scenario(name, seed=seed), nl1000)
    assert (other.indicators.seed == seed).all()
    a, b = first.indicators[VALUES], other.indicators[VALUES]
    assert not a.equals(b), "the indicators do not depend on the seed"


@pytest.mark.parametrize("name", scenario_names())
def test_a_pickled_model_resumes_to_the_same_results(name, reference, nl1000):
    first, _, _ = reference(name)
    scenario = _scenario(name)
    model = RegionModel(scenario, nl1000)
    model.run_until(scenario.start_year)
    resumed = pickle.loads(pickle.dumps(model))
    assert resumed.year == scenario.start_year
    resumed.run_until(scenario.end_year)
    _assert_same(first, _result(resumed))
    model.run_until(scenario.end_year)  # the original goes on unharmed by the copy
    _assert_same(first, _result(model))


@pytest.mark.parametrize("name", scenario_names())
def test_a_run_leaves_the_global_random_states_alone(name, reference):
    _, np_same, py_same = reference(name)
    assert np_same, "a run changed numpy's global random state"
    assert py_same, "a run changed Python's global random state"


def test_the_national_baseline_resumes_from_a_checkpoint(nl1000):
    scenario = load_scenario("baseline", resolution_m=1000, region=[], end_year=2025)
    whole = _run(scenario, nl1000)
    model = RegionModel(scenario, nl1000, debug=True)
    model.run_until(2024)
    blob = pickle.dumps(model)
    del model
    resumed = pickle.loads(blob)
    resumed.run_until(2025)  # debug mode: the invariants hold across the checkpoint too
    _assert_same(whole, _result(resumed))
