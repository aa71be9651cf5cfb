"""The generated parts of docs/odd.md, the model's ODD+D description (``ruimte odd``).

docs/odd.md is prose written by hand with blocks between marker comments that this module
writes from the code, so they cannot drift from it::

    <!-- generated:schedule -->
    ... written by :func:`write_odd` ...
    <!-- /generated:schedule -->

Blocks (:data:`SECTIONS`): ``schedule`` (the phases of ``RegionModel._year``, read from its
source with :mod:`ast` and from the numbered list of :mod:`abm.model`'s docstring), ``streams``
(the random streams of :mod:`abm.rng` and the modules that draw from them), ``reviews`` (the
instruments with a review rule), ``options`` (the farmers' yearly options), ``inputs`` (the
builder's open-data sources of :mod:`environment.sources` and the shipped tables),
``observation`` (indicators and levels), ``parameters`` (every registered parameter of
:func:`abm.parameters.registry`, grouped per submodel) and ``instruments`` (the pydantic
parameters of every implemented instrument, :func:`abm.policy.registry.implemented`).

:func:`write_odd` replaces every block in place; :func:`check_odd` names the blocks that are
stale (``ruimte odd --check`` exits 1 then).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The default path of the ODD+D document.
ODD_PATH = ROOT / "docs" / "odd.md"
#: Packages whose functions the schedule names (calls into numpy and the like are left out).
PACKAGES = ("abm.", "agents.", "environment.")

#: Submodels the parameter tables are grouped by: heading and the module prefixes it holds (the
#: first match wins; a module no prefix matches is listed under "Other").
SUBMODELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Farmers: population and placement",
     ("agents.farmers.population", "agents.farmers.placement")),
    ("Farmers: economics, options, finance, green-blue veining",
     ("agents.farmers.economics", "agents.farmers.options", "agents.farmers.finance",
      "agents.farmers.gbd")),
    ("Farmers: structural decisions and relocation",
     ("agents.farmers.decisions", "agents.farmers.relocation")),
    ("Land market",
     ("agents.farmers.land_prices", "agents.farmers.land_market",
      "agents.farmers.land_options", "agents.farmers.land_bank", "agents.farmers.market_year",
      "agents.nature_organisations")),
    ("Farmers: other", ("agents.farmers",)),
    ("Households and the housing programme", ("agents.households",)),
    ("Firms and business land", ("agents.firms",)),
    ("Nitrogen and the shared nitrogen room", ("environment.nitrogen", "abm.nitrogen_room")),
    ("Water, peat and salinity", ("environment.peat", "environment.salinity")),
    ("Land claims", ("abm.land_claims",)),
)


def _first_paragraph(doc: str | None) -> str:
    """The first paragraph of a docstring on one line."""
    if not doc:
        return ""
    para = inspect.cleandoc(doc).split("\n\n")[0]
    return " ".join(para.split())


def _cell(text: Any) -> str:
    """Text safe in a markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


# -- the schedule ------------------------------------------------------------------------------


@dataclass
class Call:
    """One call of ``RegionModel._year``: ``self.<name>(...)``."""

    name: str
    phase: int
    condition: str | None = None
    doc: str = ""
    calls: list[str] = field(default_factory=list)


def docstring_phases() -> dict[int, str]:
    """The numbered list of :mod:`abm.model`'s docstring: phase number -> text on one line."""
    import abm.model

    phases: dict[int, list[str]] = {}
    current = None
    for line in (abm.model.__doc__ or "").splitlines():
        m = re.match(r"^(\d+)\.\s+(.*)$", line)
        if m:
            current = int(m.group(1))
            phases[current] = [m.group(2)]
        elif current is not None and line.startswith("   ") and line.strip():
            phases[current].append(line.strip())
        elif current is not None and not line.strip():
            current = None
    return {k: " ".join(v) for k, v in phases.items()}


def _class_tree() -> tuple[ast.ClassDef, dict[str, Any]]:
    import abm.model

    tree = ast.parse(inspect.getsource(abm.model))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "RegionModel":
            return node, vars(abm.model)
    raise RuntimeError("abm/model.py defines no RegionModel")


def _self_chain(node: ast.AST) -> list[str] | None:
    """``self.a.b`` -> ["a", "b"]; None when the chain does not start at ``self``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "self":
        return parts[::-1]
    return None


def _attribute_types() -> dict[str, Any]:
    """Attributes of the model set from a call of a class of the packages (``self.policy =
    PolicyState(...)``), read from the source: attribute -> the class."""
    cls_node, names = _class_tree()
    out: dict[str, Any] = {}
    for node in ast.walk(cls_node):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)):
            continue
        obj = names.get(node.value.func.id)
        if not inspect.isclass(obj):
            continue
        for target in node.targets:
            chain = _self_chain(target)
            if chain and len(chain) == 1:
                out.setdefault(chain[0], obj)
    return out


def _qualified(obj: Any) -> str | None:
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None)
    if name is None or not module.startswith(PACKAGES):
        return None
    return f"{module}.{name}"


def _resolve(func: ast.AST, names: dict[str, Any], types: dict[str, Any]) -> str | None:
    """The qualified name of what a call's ``func`` refers to, or None (not ours)."""
    from abm.model import RegionModel

    chain = _self_chain(func)
    if chain is not None:
        if len(chain) == 1:
            obj = getattr(RegionModel, chain[0], None)
            return None if obj is None else f"abm.model.RegionModel.{chain[0]}"
        if len(chain) == 2 and chain[0] in types:
            return _qualified(getattr(types[chain[0]], chain[1], None))
        return None
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in names:
        return None
    obj = names[func.id]
    for part in reversed(parts):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return _qualified(obj)


def _calls_in(function: Callable, names: dict[str, Any], types: dict[str, Any]) -> list[str]:
    """The package functions and classes a method calls, in source order, without repeats."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)),
                   key=lambda n: (n.lineno, n.col_offset))
    out: list[str] = []
    for node in calls:
        name = _resolve(node.func, names, types)
        if name is not None and name not in out:
            out.append(name)
    return out


def year_calls() -> list[Call]:
    """The calls of ``RegionModel._year`` in order, each with its phase (the ``# n`` comment on
    its line, else the phase of the call before), its condition and what it calls in turn.

    Raises
    ------
    ValueError
        When ``_year``'s phase comments and the docstring's numbered list disagree.
    """
    from abm.model import RegionModel

    lines, _ = inspect.getsourcelines(RegionModel._year)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    _, names = _class_tree()
    types = _attribute_types()
    out: list[Call] = []
    phase = 0

    def visit(body: list[ast.stmt], condition: str | None) -> None:
        nonlocal phase
        for stmt in body:
            if isinstance(stmt, ast.If):
                visit(stmt.body, ast.unparse(stmt.test))
                continue
            if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
                continue
            chain = _self_chain(stmt.value.func)
            if not chain:
                continue
            m = re.search(r"#\s*(\d+)\b", lines[stmt.lineno - 1])
            if m:
                phase = int(m.group(1))
            name = ".".join(chain)
            call = Call(name, phase, condition)
            if len(chain) == 1:
                method = getattr(RegionModel, chain[0])
                call.doc = _first_paragraph(method.__doc__)
                call.calls = _calls_in(method, names, types)
            elif len(chain) == 2 and chain[0] in types:
                method = getattr(types[chain[0]], chain[1])
                call.doc = _first_paragraph(method.__doc__)
                call.calls = [q for q in [_qualified(method)] if q]
            out.append(call)

    visit(tree.body[0].body, None)
    phases = docstring_phases()
    used = sorted({c.phase for c in out})
    if used != sorted(phases):
        raise ValueError(f"abm/model.py: the phases of RegionModel._year's comments {used} and "
                         f"of the module docstring {sorted(phases)} differ")
    return out


def schedule_markdown() -> str:
    """The schedule: each phase of the docstring with the calls of ``_year`` that make it."""
    phases = docstring_phases()
    calls = year_calls()
    out = []
    for number, text in phases.items():
        out.append(f"{number}. **{text}**")
        for call in (c for c in calls if c.phase == number):
            when = f" (only when `{call.condition}`)" if call.condition else ""
            doc = f": {call.doc}" if call.doc else ""
            out.append(f"   - `self.{call.name}`{when}{doc}")
            inner = [c for c in call.calls if not c.endswith(f"RegionModel.{call.name}")]
            if inner:
                out.append("     Calls: " + ", ".join(f"`{c}`" for c in inner) + ".")
    return "\n".join(out) + "\n"


# -- design concepts ---------------------------------------------------------------------------


def _stream_names(tree: ast.Module) -> list[str]:
    """Stream names a module passes to ``generator(...)``: string literals, or module-level
    string constants."""
    constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                 for t in n.targets if isinstance(t, ast.Name)}
    out = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "generator" and node.args):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append(arg.value)
            elif isinstance(arg, ast.Name) and arg.id in constants:
                out.append(constants[arg.id])
    return out


def streams_markdown() -> str:
    """The random streams in spawn order, with the modules that draw from each (found in the
    source: calls of ``generator(name)``)."""
    from abm.rng import COMPONENTS

    users: dict[str, list[str]] = {c: [] for c in COMPONENTS}
    for package in ("abm", "agents", "environment"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            if module == "abm.rng":
                continue
            source = path.read_text(encoding="utf-8")
            if "generator(" not in source:
                continue
            for name in _stream_names(ast.parse(source)):
                if name in users and module not in users[name]:
                    users[name].append(module)
    lines = ["| # | stream | generator made in |", "|---|---|---|"]
    for i, name in enumerate(COMPONENTS, 1):
        where = ", ".join(f"`{m}`" for m in users[name]) or "not drawn from yet"
        lines.append(f"| {i} | `{name}` | {where} |")
    return "\n".join(lines) + "\n"


def options_markdown() -> str:
    """The farmers' yearly options with their 'green' flag (agents.farmers.options)."""
    from agents.farmers import options

    lines = ["| k | option | green (attitude term) |", "|---|---|---|"]
    for k, name in enumerate(options.OPTIONS):
        lines.append(f"| {k} | `{name}` | {'yes' if options.GREEN[k] else 'no'} |")
    return "\n".join(lines) + "\n"


def _review_owner(cls: type) -> type:
    for klass in cls.__mro__:
        if "review" in vars(klass):
            return klass
    return object


def reviews_markdown() -> str:
    """The implemented instruments with a review rule (phase 1), and where the rule is."""
    from abm.policy.mechanisms import Instrument, Target
    from abm.policy.registry import implemented

    lines = ["| instrument | mechanism | rule in | indicator (better) | step | rule |",
             "|---|---|---|---|---|---|"]
    for iid, cls in implemented().items():
        owner = _review_owner(cls)
        if owner is Instrument:
            continue
        indicator = getattr(cls, "indicator", "") if issubclass(cls, Target) else ""
        better = f" ({cls.better})" if indicator else ""
        step = f"{cls.step:g}" if hasattr(cls, "step") else ""
        rule = _first_paragraph(vars(owner)["review"].__doc__)
        if not rule and owner is Target:
            rule = ("adaptive only: intensity + step while the indicator misses the target, "
                    "back by a step toward 1 when on track (`Target.review`)")
        elif not rule:
            rule = f"its own rule (`{owner.__qualname__}.review`)"
        lines.append(f"| `{iid}` | {cls.mechanism} | `{owner.__module__}.{owner.__qualname__}`"
                     f" | {f'`{indicator}`' if indicator else ''}{better} | {step} | "
                     f"{_cell(rule)} |")
    return "\n".join(lines) + "\n"


def observation_markdown() -> str:
    """Indicators, levels and key columns of the yearly table (abm.indicators)."""
    from abm.indicators import INDICATORS, KEY_COLUMNS
    from environment.landscape import LEVELS

    levels = ", ".join(["nl", *LEVELS])
    keys = ", ".join(f"`{k}`" for k in KEY_COLUMNS)
    return (f"{len(INDICATORS)} indicators (`ruimte indicators` lists each with unit and "
            f"definition), one row per year for every region of the levels {levels}; key "
            f"columns {keys}.\n")


# -- input data --------------------------------------------------------------------------------


def inputs_markdown() -> str:
    """The landscape builder's sources (environment.sources) and the tables shipped with the
    agents and the policy catalogue."""
    from environment.sources import SOURCES

    lines = ["| key | file (source folder) | origin | licence |", "|---|---|---|---|"]
    for s in SOURCES.values():
        lines.append(f"| `{s.key}` | `{s.path}` | {_cell(s.origin)} | {_cell(s.licence)} |")
    lines += ["", "Tables shipped with the code (sources in the README beside them):", ""]
    shipped = sorted(ROOT.glob("agents/*/data/*.csv")) + sorted(ROOT.glob("abm/policy/*.csv"))
    for path in shipped:
        rel = path.relative_to(ROOT).as_posix()
        readme = path.parent / "README.md"
        note = (f" ([README](../{readme.relative_to(ROOT).as_posix()}))" if readme.exists()
                else "")
        lines.append(f"- `{rel}`{note}")
    return "\n".join(lines) + "\n"


# -- parameter tables --------------------------------------------------------------------------


def submodel_of(module: str) -> str:
    """The heading of the submodel a module's parameters are listed under."""
    for heading, prefixes in SUBMODELS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return heading
    return "Other"


def parameters_markdown() -> str:
    """Every registered parameter (abm.parameters.registry), one table per submodel."""
    from abm.parameters import registry, table_rows

    groups: dict[str, list[str]] = {h: [] for h, _ in SUBMODELS}
    groups["Other"] = []
    for p, r in zip(registry(), table_rows(), strict=True):
        groups[submodel_of(p.module)].append(
            f"| `{r['name']}` | {r['default']} | {_cell(r['unit'])} | {r['allowed']} | "
            f"{r['explore']} | {_cell(r['source'])} | {_cell(r['definition'])} |")
    total = sum(len(v) for v in groups.values())
    out = [f"{total} registered parameters (`ruimte parameters`; change one per run with "
           "`[parameters]` or `--set`, [parameters.md](parameters.md)).", ""]
    for heading, rows in groups.items():
        if not rows:
            continue
        out += [f"#### {heading} ({len(rows)})", "",
                "| name | default | unit | allowed | explore | source | definition |",
                "|---|---|---|---|---|---|---|", *rows, ""]
    return "\n".join(out)


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _type(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    return text or str(annotation).replace("typing.", "")


def _limits(info: Any) -> str:
    ops = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "min_length": "length >=",
           "max_length": "length <="}
    out = []
    for meta in info.metadata:
        for attr, op in ops.items():
            value = getattr(meta, attr, None)
            if value is not None:
                out.append(f"{op} {_value(value)}")
    return ", ".join(out)


def _default(info: Any) -> str:
    from pydantic_core import PydanticUndefined

    if info.default_factory is not None:
        return _short(_value(info.default_factory()))
    if info.default is PydanticUndefined:
        return "required"
    return _short(_value(info.default))


def instruments_markdown() -> str:
    """The parameters of every implemented instrument, one table per policy family."""
    from abm.policy.registry import implemented

    families: dict[str, list[str]] = {}
    classes = implemented()
    for iid, cls in classes.items():
        rows = families.setdefault(cls.__module__, [])
        fields = cls.Parameters.model_fields
        if not fields:
            rows.append(f"| `{iid}` | {cls.mechanism} | (none) | | | | |")
        for i, (name, info) in enumerate(fields.items()):
            head = f"`{iid}` | {cls.mechanism}" if i == 0 else " | "
            rows.append(f"| {head} | `{name}` | {_cell(_type(info.annotation))} | "
                        f"{_cell(_default(info))} | {_limits(info)} | "
                        f"{_cell(info.description or '')} |")
    out = [f"{len(classes)} implemented instruments (`ruimte instruments --implemented`); "
           "parameters are set per instrument in a scenario's `[[instruments]]` table.", ""]
    for module in sorted(families):
        ids = [i for i, c in classes.items() if c.__module__ == module]
        out += [f"#### `{module}` ({len(ids)})", "",
                "| instrument | mechanism | parameter | type | default | limits | description |",
                "|---|---|---|---|---|---|---|", *families[module], ""]
    return "\n".join(out)


# -- the document ------------------------------------------------------------------------------

#: Block name -> the function that writes it.
SECTIONS: dict[str, Callable[[], str]] = {
    "schedule": schedule_markdown,
    "streams": streams_markdown,
    "options": options_markdown,
    "reviews": reviews_markdown,
    "observation": observation_markdown,
    "inputs": inputs_markdown,
    "parameters": parameters_markdown,
    "instruments": instruments_markdown,
}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated:{name} -->\n)(.*?)(<!-- /generated:{name} -->)",
                      re.DOTALL)


def render(text: str, sections: dict[str, str] | None = None) -> str:
    """``text`` with every generated block replaced by its current content.

    Raises
    ------
    ValueError
        When a block's markers are missing or appear more than once.
    """
    sections = sections if sections is not None else {k: f() for k, f in SECTIONS.items()}
    for name, body in sections.items():
        pattern = _pattern(name)
        found = len(pattern.findall(text))
        if found != 1:
            raise ValueError(f"docs/odd.md: the markers <!-- generated:{name} --> ... "
                             f"<!-- /generated:{name} --> appear {found} times (once expected)")
        text = pattern.sub(lambda m, b=body: m.group(1) + b + m.group(3), text)
    return text


def _stale(text: str, sections: dict[str, str]) -> list[str]:
    if render(text, sections) == text:
        return []
    return [name for name, body in sections.items()
            if _pattern(name).search(text).group(2) != body]


def write_odd(path: str | Path = ODD_PATH) -> list[str]:
    """Rewrite the generated blocks of ``path`` in place; return the names of those changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    sections = {k: f() for k, f in SECTIONS.items()}
    stale = _stale(text, sections)
    if stale:
        path.write_text(render(text, sections), encoding="utf-8")
    return stale


def check_odd(path: str | Path = ODD_PATH) -> list[str]:
    """The names of the generated blocks of ``path`` that differ from the code (empty: up to
    date).

    Raises
    ------
    ValueError
        When a block's markers are missing or repeated.
    """
    text = Path(path).read_text(encoding="utf-8")
    return _stale(text, {k: f() for k, f in SECTIONS.items()})
