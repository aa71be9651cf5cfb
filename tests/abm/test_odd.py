"""docs/odd.md (ODD+D): its generated blocks follow the code, and it has every section."""

import ast
import inspect
import re
import textwrap

import pytest

from abm import odd
from abm.cli import main
from abm.model import RegionModel
from abm.parameters import registry
from abm.policy.registry import implemented

TEXT = odd.ODD_PATH.read_text(encoding="utf-8")


def block(name: str) -> str:
    m = re.search(rf"<!-- generated:{name} -->\n(.*?)<!-- /generated:{name} -->", TEXT,
                  re.DOTALL)
    assert m, f"docs/odd.md has no generated block {name}"
    return m.group(1)


def test_docs_odd_is_up_to_date_with_the_code():
    stale = odd.check_odd(odd.ODD_PATH)
    assert stale == [], f"docs/odd.md is stale in {stale}: run 'ruimte odd'"


def test_every_call_of_year_is_in_the_schedule():
    """Read _year's source independently: every self.<...>(...) call is listed, in order."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(RegionModel._year)))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            parts, f = [], node.func
            while isinstance(f, ast.Attribute):
                parts.append(f.attr)
                f = f.value
            if isinstance(f, ast.Name) and f.id == "self":
                names.append((node.lineno, ".".join(reversed(parts))))
    names = [n for _, n in sorted(names)]
    assert len(names) >= 8
    schedule = block("schedule")
    positions = [schedule.find(f"`self.{n}`") for n in names]
    assert all(p >= 0 for p in positions), [n for n, p in zip(names, positions) if p < 0]
    assert positions == sorted(positions), "the schedule lists _year's calls out of order"


def test_every_phase_of_the_model_docstring_is_numbered_in_the_schedule():
    import abm.model

    numbers = re.findall(r"^(\d+)\. ", abm.model.__doc__, re.MULTILINE)
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)] and len(numbers) >= 8
    schedule = block("schedule")
    for n in numbers:
        assert re.search(rf"^{n}\. \*\*", schedule, re.MULTILINE), f"phase {n} missing"


def test_phases_that_disagree_with_the_docstring_are_an_error(monkeypatch):
    phases = odd.docstring_phases()
    monkeypatch.setattr(odd, "docstring_phases", lambda: {k: v for k, v in phases.items()
                                                          if k != 7})
    with pytest.raises(ValueError, match="phases of RegionModel._year"):
        odd.year_calls()


def test_every_registered_parameter_is_in_the_tables_under_its_submodel():
    text = block("parameters")
    missing = [p.name for p in registry() if f"| `{p.name}` |" not in text]
    assert not missing, missing[:5]
    # Grouped: each parameter sits below the heading of its submodel.
    headings = [(m.start(), m.group(1)) for m in re.finditer(r"^#### (.+?) \(\d+\)$", text,
                                                           re.MULTILINE)]
    assert len(headings) >= 8
    for p in registry():
        at = text.index(f"| `{p.name}` |")
        heading = [h for pos, h in headings if pos < at][-1]
        assert heading == odd.submodel_of(p.module), p.name
    assert "#### Other" not in text, "a parameter module has no submodel in odd.SUBMODELS"


def test_every_implemented_instrument_and_its_parameters_are_in_the_tables():
    text = block("instruments")
    rows = text.splitlines()
    for iid, cls in implemented().items():
        first = [i for i, r in enumerate(rows) if r.startswith(f"| `{iid}` |")]
        assert len(first) == 1, iid
        fields = list(cls.Parameters.model_fields)
        listed = [re.match(r"\|[^|]*\|[^|]*\| `(\w+)` \|", r) for r in
                  rows[first[0]:first[0] + max(len(fields), 1)]]
        assert [m.group(1) for m in listed if m] == fields, iid


def test_reviews_list_the_adaptive_targets():
    text = block("reviews")
    for iid in ("LN-05", "NPLG-GBD-10PCT", "WONING-PROGRAMMA"):
        assert f"| `{iid}` |" in text
    assert "| `WBS-10` |" not in text  # a mask: no review


def test_required_odd_d_sections_exist():
    required = [
        r"## 1\. Purpose and patterns", r"## 2\. Entities, state variables and scales",
        r"## 3\. Process overview and scheduling", r"## 4\. Design concepts",
        r"### 4\.1 Theoretical and empirical background", r"### 4\.2 Individual decision making",
        r"### 4\.3 Learning", r"### 4\.4 Individual sensing", r"### 4\.5 Individual prediction",
        r"### 4\.6 Interaction", r"### 4\.7 Collectives", r"### 4\.8 Heterogeneity",
        r"### 4\.9 Stochasticity", r"### 4\.10 Observation", r"## \d+\. Initialisation",
        r"## \d+\. Input data", r"## \d+\. Submodels", r"### \d+\.\d+ Farmer",
        r"### \d+\.\d+ Firm", r"### \d+\.\d+ Household", r"### \d+\.\d+ Government",
        r"### \d+\.\d+ Nitrogen and the shared nitrogen room", r"### \d+\.\d+ Water and peat",
        r"### \d+\.\d+ Land market", r"### \d+\.\d+ Land claims",
        r"## \d+\. The decision models in detail", r"### \d+\.\d+ Farmers' yearly options",
        r"### \d+\.\d+ Households' residential choice", r"### \d+\.\d+ Firms' relocation",
        r"### \d+\.\d+ Governments' reviews", r"## \d+\. Parameters",
    ]
    missing = [h for h in required if not re.search(rf"^{h}", TEXT, re.MULTILINE)]
    assert not missing, missing


def test_a_stale_block_is_found_rewritten_and_reported_by_the_cli(tmp_path, capsys):
    path = tmp_path / "odd.md"
    path.write_text(TEXT.replace("| `farmers.options.INERTIA` | 6 |",
                                 "| `farmers.options.INERTIA` | 7 |"), encoding="utf-8")
    assert odd.check_odd(path) == ["parameters"]
    assert main(["odd", "--check", "--path", str(path)]) == 1
    assert "stale (parameters)" in capsys.readouterr().out
    assert main(["odd", "--path", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == TEXT
    assert main(["odd", "--check", "--path", str(path)]) == 0


def test_a_missing_marker_is_an_error(tmp_path):
    path = tmp_path / "odd.md"
    path.write_text(TEXT.replace("<!-- /generated:streams -->", ""), encoding="utf-8")
    with pytest.raises(ValueError, match="generated:streams"):
        odd.check_odd(path)
