"""Fuzzing of scenario and experiment files through the command line (docs/robustness.md).

Hypothesis mutates the library scenarios and experiments/examples/smoke.toml into invalid
documents (wrong types, numbers out of range, unknown fields, instrument ids, parameters,
provinces and scenarios, bad years, broken TOML, bytes that are not UTF-8). A mutation the
loader accepts is skipped. For every invalid file each command must exit 2 with one paragraph
that names the file, a field and the allowed values (abm.errors.InputError), print no
traceback and write nothing. The examples are derandomised: CI runs the same cases each time.
"""

from __future__ import annotations

import io
import json
import math
import re
import tempfile
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from abm.cli import main
from abm.errors import InputError
from abm.policy.registry import implemented
from abm.scenario import InstrumentSpec, Scenario, ScopeSpec, load_scenario
from experiments.batch.design import (
    BackendSpec, DesignSpec, Experiment, ParameterSpec, load_experiment)
from experiments.library import SCENARIO_DIR, scenario_names

pytestmark = pytest.mark.fuzz

REPO = Path(__file__).resolve().parents[2]
SMOKE = REPO / "experiments" / "examples" / "smoke.toml"
#: Examples per fuzz test (two tests: 2,000 generated files in all, about 30 s).
EXAMPLES = 1000
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])

# -- a TOML writer (documents as key = inline value lines) -----------------------------------


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}"
                                for k, v in value.items() if v is not None) + " }"
    raise TypeError(type(value))


def to_toml(data: dict) -> str:
    """A TOML document of ``data``: one ``key = value`` line per top-level key."""
    return "".join(f"{_toml_value(str(k))} = {_toml_value(v)}\n"
                   for k, v in data.items() if v is not None)


def _read(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


SCENARIOS = {name: _read(SCENARIO_DIR / f"{name}.toml") for name in scenario_names()}
EXPERIMENT = _read(SMOKE)

# -- strategies ------------------------------------------------------------------------------

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
junk = st.one_of(text, st.integers(), st.floats(), st.booleans(),
                 st.lists(st.one_of(st.integers(), text), max_size=3),
                 st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), st.integers(),
                                 max_size=2))
names = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
years = st.one_of(st.integers(max_value=1989), st.integers(min_value=2101))
NOT_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xed\xa0\x80", b"\xf8\x88\x80"]
BROKEN = ["= 1", "[unclosed", "key = ", 'x = "no end', "[[instruments]", "a = [1, 2",
          "b = {c = 1", "d = 1 2", "e = 0x", "f = 2024-13-45", "\x00", "name = \"twice\"",
          "[parameters]\n[parameters]", "g = tru", "h = 'a' 'b'", "= = ="]
OUT_OF_RANGE = {  # scenario fields and numbers outside what they allow
    "start_year": st.one_of(st.integers(max_value=1999), st.integers(min_value=2101)),
    "end_year": st.one_of(st.integers(max_value=1999), st.integers(min_value=2101)),
    "seed": st.one_of(st.integers(max_value=-1), st.integers(min_value=2**63)),
    "resolution_m": st.integers().filter(lambda r: r not in (100, 250, 1000)),
    "review_interval_yr": st.one_of(st.integers(max_value=0), st.integers(min_value=11)),
    "farm_census_year": st.one_of(st.integers(max_value=1999), st.integers(min_value=2026)),
}


def _insert(body: bytes, piece: bytes, where: int) -> bytes:
    lines = body.split(b"\n")
    k = where % (len(lines) + 1)
    return b"\n".join(lines[:k] + [piece] + lines[k:])


@st.composite
def _scenario_mutation(draw, data: dict) -> dict:
    """One semantic mutation of a scenario mapping (in place)."""
    kind = draw(st.sampled_from(["type", "type_within", "range", "field", "instrument",
                                 "parameter", "value", "years", "province", "model_parameter"]))
    instruments = data.setdefault("instruments", [])
    if kind == "type":
        data[draw(st.sampled_from(list(Scenario.model_fields)))] = draw(junk)
    elif kind == "type_within":  # a field of an instrument or of its scope, or the entry
        if not instruments:
            instruments.append({"id": sorted(implemented())[0]})
        k = draw(st.integers(0, len(instruments) - 1))
        where = draw(st.sampled_from(["entry", "instrument", "scope"]))
        if where == "entry":
            instruments[k] = draw(junk)
        elif where == "instrument":
            instruments[k][draw(st.sampled_from(list(InstrumentSpec.model_fields)))] = draw(junk)
        else:
            scope = instruments[k].setdefault("scope", {})
            scope[draw(st.sampled_from(list(ScopeSpec.model_fields)))] = draw(junk)
    elif kind == "range":
        key = draw(st.sampled_from(list(OUT_OF_RANGE)))
        data[key] = draw(OUT_OF_RANGE[key])
    elif kind == "field":
        where = draw(st.sampled_from(["top", "instrument", "scope"]))
        known = {"top": Scenario, "instrument": InstrumentSpec, "scope": ScopeSpec}[where]
        key = draw(names.filter(lambda k: k not in known.model_fields))
        if where == "top" or not instruments:
            data[key] = draw(junk)
        else:
            spec = instruments[draw(st.integers(0, len(instruments) - 1))]
            (spec if where == "instrument" else spec.setdefault("scope", {}))[key] = draw(junk)
    elif kind == "instrument":
        bad = draw(st.one_of(text, st.from_regex(r"[A-Z]{2,6}-[0-9]{1,3}", fullmatch=True))
                   .filter(lambda i: i not in implemented()))
        instruments.insert(draw(st.integers(0, len(instruments))), {"id": bad})
    elif kind in ("parameter", "value"):
        ids = sorted(implemented())
        if not instruments:
            instruments.append({"id": draw(st.sampled_from(ids))})
        spec = instruments[draw(st.integers(0, len(instruments) - 1))]
        spec["id"] = spec["id"] if spec.get("id") in implemented() else ids[0]
        fields = implemented()[spec["id"]].Parameters.model_fields
        params = spec.setdefault("parameters", {})
        if kind == "parameter" or not fields:
            params[draw(names.filter(lambda k: k not in fields))] = draw(junk)
        else:
            params[draw(st.sampled_from(sorted(fields)))] = draw(st.one_of(
                junk, st.floats(min_value=1e12), st.floats(max_value=-1e12)))
    elif kind == "years":
        choice = draw(st.sampled_from(["reversed", "instrument", "instrument_reversed"]))
        start = data.get("start_year", 2024)
        if choice == "reversed":
            data["end_year"] = start - draw(st.integers(1, 20))
        else:
            if not instruments:
                instruments.append({"id": sorted(implemented())[0]})
            spec = instruments[draw(st.integers(0, len(instruments) - 1))]
            if choice == "instrument":
                spec[draw(st.sampled_from(["start_year", "end_year"]))] = draw(years)
            else:
                spec["start_year"], spec["end_year"] = start + 5, start + 1
    elif kind == "province":
        bad = draw(text.filter(lambda p: p.strip() != ""))
        if instruments and draw(st.booleans()):
            spec = instruments[draw(st.integers(0, len(instruments) - 1))]
            spec.setdefault("scope", {}).setdefault("provinces", []).append(bad)
        else:
            data["region"] = list(data.get("region", [])) + [bad]
    else:  # model parameters: an unknown name or a value out of range
        params = data.setdefault("parameters", {})
        if draw(st.booleans()):
            params[draw(st.from_regex(r"[a-z]{2,8}\.[a-z]{2,8}\.[A-Z_]{2,10}", fullmatch=True))] = 1.0
        else:
            params["farmers.options.INERTIA"] = draw(st.one_of(
                junk, st.floats(min_value=1e9), st.floats(max_value=-1e9)))
    return data


@st.composite
def invalid_scenarios(draw) -> tuple[str, bytes]:
    """A library scenario after one to three mutations, as file bytes."""
    name = draw(st.sampled_from(sorted(SCENARIOS)))
    return name, _mutated_bytes(draw, SCENARIOS[name], _scenario_mutation)


EXPERIMENT_OUT_OF_RANGE = {
    "seeds": st.one_of(st.integers(max_value=0), st.integers(min_value=10_001)),
    "base_seed": st.one_of(st.integers(max_value=-1), st.integers(min_value=2**63)),
    "start_year": st.one_of(st.integers(max_value=1999), st.integers(min_value=2101)),
    "end_year": st.integers(max_value=2023),
    "resolution_m": st.integers().filter(lambda r: r not in (100, 250, 1000)),
    "retries": st.one_of(st.integers(max_value=-1), st.integers(min_value=11)),
    "chunk_size": st.one_of(st.integers(max_value=0), st.integers(min_value=10_001)),
}


def _copy(data: dict) -> dict:
    return json.loads(json.dumps(data))


def _mutated_bytes(draw, data: dict, mutation) -> bytes:
    """``data`` after one to three draws of ``mutation``, as TOML bytes, sometimes with a
    syntax error or bytes that are not UTF-8 inserted."""
    for _ in range(draw(st.integers(1, 3))):
        try:  # on a copy: a later mutation may find junk where a table was; it is skipped
            data = draw(mutation(_copy(data)))
        except (AttributeError, TypeError, IndexError, KeyError):
            pass
    body = to_toml(data).encode("utf-8")
    layer = draw(st.sampled_from(["none", "none", "none", "syntax", "bytes"]))
    if layer == "syntax":
        body = _insert(body, draw(st.sampled_from(BROKEN)).encode(), draw(st.integers(0, 99)))
    elif layer == "bytes":
        body = _insert(body, draw(st.sampled_from(NOT_UTF8)), draw(st.integers(0, 99)))
    return body


@st.composite
def invalid_experiments(draw) -> bytes:
    """experiments/examples/smoke.toml after one to three mutations, as file bytes."""
    return _mutated_bytes(draw, EXPERIMENT, _experiment_mutation)


@st.composite
def _experiment_mutation(draw, data: dict) -> dict:
    """One semantic mutation of an experiment mapping (in place)."""
    kind = draw(st.sampled_from(["type", "type_within", "range", "field", "scenario",
                                 "parameter", "value", "province", "map", "design"]))
    if kind == "type":
        data[draw(st.sampled_from(list(Experiment.model_fields)))] = draw(junk)
    elif kind == "type_within":  # a field of a table within: parameters, backend, jobqueue
        where = draw(st.sampled_from(["parameters", "backend", "jobqueue"]))
        if where == "parameters":
            spec = data.setdefault("parameters", [{"name": "x"}])[0]
            spec[draw(st.sampled_from(list(ParameterSpec.model_fields)))] = draw(junk)
        elif where == "backend":
            backend = data.setdefault("backend", {})
            backend[draw(st.sampled_from(list(BackendSpec.model_fields)))] = draw(junk)
        else:
            queue = data.setdefault("backend", {}).setdefault("jobqueue", {})
            queue[draw(st.sampled_from(["kind", "jobs", "cores", "memory", "walltime",
                                        "queue", "job_extra_directives"]))] = draw(junk)
    elif kind == "range":
        key = draw(st.sampled_from(list(EXPERIMENT_OUT_OF_RANGE)))
        data[key] = draw(EXPERIMENT_OUT_OF_RANGE[key])
    elif kind == "field":
        where = draw(st.sampled_from(["top", "design", "parameters", "backend"]))
        known = {"top": Experiment, "design": DesignSpec, "parameters": ParameterSpec,
                 "backend": BackendSpec}[where]
        key = draw(names.filter(lambda k: k not in known.model_fields))
        target = {"top": data, "design": data.setdefault("design", {}),
                  "backend": data.setdefault("backend", {})}.get(where)
        if target is None:
            target = data.setdefault("parameters", [{"name": "x"}])[0]
        target[key] = draw(junk)
    elif kind == "scenario":
        bad = draw(st.from_regex(r"[a-z][a-z-]{0,14}", fullmatch=True)
                   .filter(lambda s: s not in SCENARIOS))
        data["scenarios"] = list(data["scenarios"]) + [bad]
    elif kind == "parameter":
        data.setdefault("parameters", []).append({"name": draw(st.one_of(
            names, st.from_regex(r"[A-Z]{2,6}-[A-Z]{2,6}\.[a-z_]{1,10}", fullmatch=True))),
            "values": [1.0]})
    elif kind == "value":
        data["parameters"] = [{"name": "NPLG-BUYOUT.budget_meur_per_yr", "values": [
            draw(st.one_of(st.floats(max_value=-1e-3), st.floats(min_value=1e9)))]}]
    elif kind == "province":
        data["region"] = [draw(text.filter(lambda p: p.strip() != ""))]
    elif kind == "map":
        data["maps"] = [draw(names.filter(lambda m: m not in ("land_use", "dwellings")))]
    else:
        design = data.setdefault("design", {})
        design[draw(st.sampled_from(["method", "samples", "levels", "seed"]))] = draw(
            st.one_of(junk, st.integers(min_value=100_001), st.integers(max_value=-1)))
    return data


# -- the checks ------------------------------------------------------------------------------

#: Names pydantic gives the members of a union: never a field of a file.
TYPE_TAG = re.compile(r"^(int|float|str|bool|none|list\[.*|dict\[.*|tuple\[.*|function-.*|"
                      r"literal\[.*|is-instance\[.*)$")


def _cli(args: list[str]) -> tuple[int, str]:
    """Exit status and everything printed of ``ruimte ARGS``."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse; should not happen with these arguments
            code = exc.code
    return code, out.getvalue() + err.getvalue()


def _assert_rejected(args: list[str], path: Path, out_dir: Path | None) -> None:
    code, printed = _cli(args)
    assert code == 2, f"ruimte {' '.join(args)} exited {code}:\n{printed}"
    assert str(path) in printed, printed  # the file
    assert "field '" in printed, printed  # a field
    field = re.search(r"field '([^']*)'", printed).group(1)
    parts = re.sub(r"\[\d+\]", "", field).split(".")
    assert not TYPE_TAG.match(parts[-1]) and all(parts), f"not a field of the file: {printed}"
    assert "Allowed: " in printed, printed  # the allowed values
    assert "Traceback" not in printed, printed
    assert printed.count("\n") == 1, printed  # one paragraph
    if out_dir is not None:
        assert not out_dir.exists(), f"ruimte {' '.join(args)} wrote {out_dir}"


def _is_valid_scenario(path: Path) -> bool:
    try:
        load_scenario(path)
    except InputError:
        return False
    return True


@FUZZ
@given(case=invalid_scenarios())
def test_invalid_scenario_files_are_rejected_by_every_command(case):
    name, body = case
    with tempfile.TemporaryDirectory(prefix="ruimte-fuzz-") as tmp:
        path = Path(tmp) / f"{name}.toml"
        path.write_bytes(body)
        assume(not _is_valid_scenario(path))
        out = Path(tmp) / "out"
        start = SCENARIOS[name].get("start_year", 2024)
        _assert_rejected(["scenario", "check", str(path)], path, None)
        _assert_rejected(["run", str(path), "--end", str(start), "--resolution", "1000",
                          "--region", "Utrecht", "--out", str(out), "--quiet", "--no-figures"],
                         path, out)


@FUZZ
@given(body=invalid_experiments())
def test_invalid_experiment_files_are_rejected_by_every_command(body):
    with tempfile.TemporaryDirectory(prefix="ruimte-fuzz-") as tmp:
        path = Path(tmp) / "experiment.toml"
        path.write_bytes(body)
        try:
            load_experiment(path)
            valid = True
        except InputError:
            valid = False
        assume(not valid)
        out = Path(tmp) / "out"
        _assert_rejected(["batch", "plan", str(path), "--no-calibrate"], path, None)
        _assert_rejected(["batch", "run", str(path), "--out", str(out), "--quiet"], path, out)


@pytest.mark.parametrize("name", scenario_names())
def test_the_writer_keeps_the_library_scenarios_valid(name, tmp_path):
    """The unmutated documents load: what the fuzz tests reject, the mutations broke."""
    path = tmp_path / f"{name}.toml"
    path.write_text(to_toml(SCENARIOS[name]), encoding="utf-8")
    assert load_scenario(path).model_dump() == load_scenario(name).model_dump()


def test_the_writer_keeps_the_smoke_experiment_valid(tmp_path):
    path = tmp_path / "smoke.toml"
    path.write_text(to_toml(EXPERIMENT), encoding="utf-8")
    assert load_experiment(path)[0] == load_experiment(SMOKE)[0]

