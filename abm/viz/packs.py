"""Teaching packs: a scenario, sliders, switches and lesson sheets for a spatial-planning class.

A pack is a folder ``experiments/teaching/<name>/`` (docs/teaching_packs.md)::

    pack.toml        what the app shows: titles, the layers and charts first, sliders, switches
    scenario.toml    a normal scenario file: one province, resolution_m = 1000
    lesson_nl.md     the lesson sheet in Dutch
    lesson_en.md     the lesson sheet in English

``pack.toml``::

    [pack]
    name = "veenweide"                    # the folder's name
    title_nl = "..."
    title_en = "..."
    summary_nl = "..."
    summary_en = "..."
    scenario = "scenario.toml"
    baseline = "baseline"                 # the library scenario to compare with
    start_year = 2024
    end_year = 2034
    layers = ["groundwater_depth_cm"]     # RegionModel.MAP_NAMES, shown first
    charts = ["peat_co2_mt"]              # indicator names ('ruimte indicators')

    [[sliders]]
    name = "WBS-25.target_depth_cm"       # a model parameter or INSTRUMENT-ID.parameter
    label_nl = "..."
    label_en = "..."
    min = 20.0
    max = 40.0
    step = 5.0
    default = 30.0

    [[switches]]
    name = "NPLG-VEENWEIDE-1MT"           # an instrument of the scenario: on or off
    label_nl = "..."                      # (or INSTRUMENT-ID.flag: a true/false parameter,
    label_en = "..."                      #  e.g. WBS-10.hard for a hard or soft mask)
    default = false

A slider's values go into the run as :func:`experiments.batch.design.run_scenario` puts a
design point: a model parameter into ``[parameters]``, ``ID.parameter`` into every instance of
that instrument. Every problem is an :class:`~abm.errors.InputError` naming the file, the field
and the allowed values.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from abm.errors import InputError

PACK_DIR = Path(__file__).resolve().parent.parent.parent / "experiments" / "teaching"
PACK_FILE = "pack.toml"
LESSONS = ("lesson_nl.md", "lesson_en.md")
#: The longest run a pack may ask for, in years ("a decade or so" keeps a class waiting briefly).
MAX_YEARS = 30
RESOLUTION_M = 1000


def _allowed(text: str) -> dict:
    return {"json_schema_extra": {"allowed": text}}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PackInfo(_Strict):
    """The ``[pack]`` table."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", **_allowed(
        "the pack folder's name: lower-case letters, digits, '-' and '_'"))
    title_nl: str = Field(min_length=1, **_allowed("a title in Dutch"))
    title_en: str = Field(min_length=1, **_allowed("a title in English"))
    summary_nl: str = Field(min_length=1, **_allowed("one or two sentences in Dutch"))
    summary_en: str = Field(min_length=1, **_allowed("one or two sentences in English"))
    scenario: str = Field("scenario.toml", **_allowed(
        "a scenario file beside pack.toml (one province, resolution_m = 1000)"))
    baseline: str = Field("baseline", **_allowed("a library scenario name ('ruimte scenarios')"))
    start_year: int = Field(ge=2000, le=2100, **_allowed("a year 2000-2100"))
    end_year: int = Field(ge=2000, le=2100, **_allowed(
        f"a year 2000-2100, from start_year to start_year + {MAX_YEARS}"))
    layers: list[str] = Field(min_length=1, **_allowed("names of RegionModel.MAP_NAMES"))
    charts: list[str] = Field(min_length=1, **_allowed("indicator names ('ruimte indicators')"))


class Slider(_Strict):
    """A ``[[sliders]]`` table: one number a class may move."""

    name: str = Field(min_length=1, **_allowed(
        "a model parameter ('ruimte parameters') or INSTRUMENT-ID.parameter of an instrument "
        "in the pack's scenario"))
    label_nl: str = Field(min_length=1, **_allowed("a label in Dutch"))
    label_en: str = Field(min_length=1, **_allowed("a label in English"))
    min: float = Field(**_allowed("a number within the parameter's allowed range"))
    max: float = Field(**_allowed("a number within the parameter's allowed range, > min"))
    step: float = Field(gt=0, **_allowed("a number > 0 and <= max - min"))
    default: float = Field(**_allowed("a number from min to max"))


class Switch(_Strict):
    """A ``[[switches]]`` table: an instrument a class may switch on or off."""

    name: str = Field(min_length=1, **_allowed(
        "an instrument id of the pack's scenario, or INSTRUMENT-ID.flag of a true/false "
        "parameter of one"))
    label_nl: str = Field(min_length=1, **_allowed("a label in Dutch"))
    label_en: str = Field(min_length=1, **_allowed("a label in English"))
    default: bool = Field(**_allowed("true or false"))


class Pack(_Strict):
    """A validated teaching pack. Build it with :func:`load_pack`."""

    pack: PackInfo
    sliders: list[Slider] = Field(default_factory=list, **_allowed("a list of [[sliders]]"))
    switches: list[Switch] = Field(default_factory=list, **_allowed("a list of [[switches]]"))

    _source: str = PrivateAttr("<pack>")
    _folder: Path = PrivateAttr(Path("."))
    _scenario_data: dict = PrivateAttr(default_factory=dict)
    _scenario_source: str = PrivateAttr("<scenario>")
    _scenario: Any = PrivateAttr(None)
    _kinds: dict = PrivateAttr(default_factory=dict)

    @property
    def name(self) -> str:
        return self.pack.name

    @property
    def source(self) -> str:
        """The pack.toml file, for error messages."""
        return self._source

    @property
    def folder(self) -> Path:
        return self._folder

    @property
    def scenario(self):
        """The pack's scenario as validated at load (the slider defaults not yet applied)."""
        return self._scenario

    @property
    def scenario_source(self) -> str:
        return self._scenario_source

    def slider(self, name: str) -> Slider:
        return next(s for s in self.sliders if s.name == name)

    def defaults(self) -> tuple[dict[str, float], dict[str, bool]]:
        """The slider and switch defaults."""
        return ({s.name: s.default for s in self.sliders},
                {s.name: s.default for s in self.switches})

    def lesson(self, language: str = "nl") -> str:
        """The text of the lesson sheet (``nl`` or ``en``)."""
        if language not in ("nl", "en"):
            raise InputError(self.source, "lesson", f"no lesson in {language!r}",
                             allowed="nl, en")
        return (self._folder / f"lesson_{language}.md").read_text(encoding="utf-8")


# -- names -----------------------------------------------------------------------------------


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed_at(loc: tuple) -> str | None:
    model: type[BaseModel] = Pack
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = model.model_fields
        if part not in fields:
            return ", ".join(fields)
        info = fields[part]
        model = {"pack": PackInfo, "sliders": Slider, "switches": Switch}.get(part, model)
    extra = info.json_schema_extra if info is not None else None
    return extra.get("allowed") if isinstance(extra, dict) else None


def pack_names() -> list[str]:
    """Names of the shipped packs, sorted."""
    if not PACK_DIR.is_dir():
        return []
    return sorted(p.name for p in PACK_DIR.iterdir() if (p / PACK_FILE).is_file())


def _pack_file(name_or_path: str | Path) -> Path:
    candidate = Path(name_or_path)
    if candidate.is_dir() and (candidate / PACK_FILE).is_file():
        return candidate / PACK_FILE
    if candidate.name == PACK_FILE and candidate.is_file():
        return candidate
    if candidate.parent == Path(".") and (PACK_DIR / str(name_or_path) / PACK_FILE).is_file():
        return PACK_DIR / str(name_or_path) / PACK_FILE
    raise InputError(str(name_or_path), "pack", "no teaching pack of that name or folder",
                     allowed="a folder holding pack.toml or one of: "
                     + (", ".join(pack_names()) or "none shipped"))


def _number_bounds(metadata: list) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for m in metadata:
        low = getattr(m, "ge", getattr(m, "gt", low))
        high = getattr(m, "le", getattr(m, "lt", high))
    return float(low), float(high)


def parameter_range(name: str, instrument_ids: list[str], source: str, field: str
                    ) -> tuple[float, float, str]:
    """``(low, high, kind)`` of a slider's parameter: a registered model parameter, or
    ``ID.parameter``, a number parameter of an instrument among ``instrument_ids`` (the
    same ranges as :func:`experiments.batch.design.parameter_bounds`)."""
    from abm import parameters as model_parameters
    from abm.policy.registry import implemented

    registry = model_parameters.registry()
    if name in registry.parameters:
        p = registry.parameters[name]
        return p.low, p.high, p.kind
    inst, _, param = name.partition(".")
    if not param or inst not in instrument_ids:
        raise InputError(source, field, f"unknown parameter {name!r}",
                         allowed="a name of 'ruimte parameters' or INSTRUMENT-ID.parameter of "
                         "an instrument of the pack's scenario: "
                         + (", ".join(dict.fromkeys(instrument_ids)) or "none"))
    fields = implemented()[inst].Parameters.model_fields
    numeric = [k for k, f in fields.items() if f.annotation in (float, int)]
    if param not in numeric:
        raise InputError(source, field, f"{inst} has no number parameter {param!r}",
                         allowed=", ".join(f"{inst}.{k}" for k in numeric) or "none")
    low, high = _number_bounds(fields[param].metadata)
    return low, high, "int" if fields[param].annotation is int else "float"


def _flag_parameters(inst: str) -> list[str]:
    from abm.policy.registry import implemented

    fields = implemented()[inst].Parameters.model_fields
    return [k for k, f in fields.items() if f.annotation is bool]


# -- loading ---------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    from abm.scenario import read_toml

    return read_toml(path, "pack")


def pack_from_dict(data: dict[str, Any], folder: Path, source: str = "<pack>") -> Pack:
    """Validate a pack mapping (as read from ``source``, the pack.toml in ``folder``)."""
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            raise InputError(source, _dotted(loc), "unknown field",
                             allowed=_allowed_at(loc[:-1] + ("__unknown__",))) from None
        raise InputError(source, _dotted(loc), err["msg"], allowed=_allowed_at(loc)) from None
    pack._source = source
    pack._folder = folder
    _check(pack, source)
    return pack


def load_pack(name_or_path: str | Path) -> Pack:
    """Load and validate a teaching pack by name (``experiments/teaching/<name>``), folder or
    pack.toml path: the pack file, its scenario, the sliders' and switches' names and ranges,
    layers, charts and the lesson sheets."""
    path = _pack_file(name_or_path)
    return pack_from_dict(_read_toml(path), path.parent, str(path))


def _check(pack: Pack, source: str) -> None:  # noqa: PLR0912 - one check after the other
    from abm.indicators import INDICATORS
    from abm.model import RegionModel
    from abm.scenario import read_scenario_file, scenario_from_dict, scenario_with_overrides
    from experiments.library import scenario_names

    info = pack.pack
    folder = pack.folder
    if info.name != folder.name:
        raise InputError(source, "pack.name", f"{info.name!r} is not the folder's name",
                         allowed=folder.name)
    if info.end_year < info.start_year or info.end_year - info.start_year > MAX_YEARS:
        raise InputError(source, "pack.end_year", f"{info.end_year} does not follow "
                         f"start_year {info.start_year}",
                         allowed=f"{info.start_year} to {info.start_year + MAX_YEARS}")
    if info.baseline not in scenario_names():
        raise InputError(source, "pack.baseline", f"no library scenario {info.baseline!r}",
                         allowed=", ".join(scenario_names()))
    for lesson in LESSONS:
        if not (folder / lesson).is_file():
            raise InputError(source, lesson.removesuffix(".md"), f"no file {folder / lesson}",
                             allowed=f"a Markdown file {lesson} beside pack.toml")
    for i, name in enumerate(info.layers):
        if name not in RegionModel.MAP_NAMES:
            raise InputError(source, f"pack.layers[{i}]", f"unknown layer {name!r}",
                             allowed=", ".join(RegionModel.MAP_NAMES))
    indicators = [ind.name for ind in INDICATORS]
    for i, name in enumerate(info.charts):
        if name not in indicators:
            raise InputError(source, f"pack.charts[{i}]", f"unknown indicator {name!r}",
                             allowed=", ".join(indicators))

    # the scenario: a normal scenario file, one province at 1000 m
    scenario_file = folder / info.scenario
    if not scenario_file.is_file():
        raise InputError(source, "pack.scenario", f"no file {scenario_file}",
                         allowed="a scenario .toml file beside pack.toml")
    data, scenario_source = read_scenario_file(scenario_file)
    scenario = scenario_from_dict(data, scenario_source)
    if len(scenario.region) != 1:
        raise InputError(scenario_source, "region", f"{len(scenario.region)} provinces",
                         allowed="one province (a lesson runs at 1000 m on one province)")
    if scenario.resolution_m != RESOLUTION_M:
        raise InputError(scenario_source, "resolution_m", f"{scenario.resolution_m} m",
                         allowed=str(RESOLUTION_M))
    if (scenario.start_year, scenario.end_year) != (info.start_year, info.end_year):
        scenario = scenario_with_overrides(data, scenario_source, start_year=info.start_year,
                                           end_year=info.end_year)
    pack._scenario_data = data
    pack._scenario_source = scenario_source
    pack._scenario = scenario

    ids = [spec.id for spec in scenario.instruments]
    seen: set[str] = set()
    for i, slider in enumerate(pack.sliders):
        where = f"sliders[{i}]"
        if slider.name in seen:
            raise InputError(source, f"{where}.name", f"{slider.name} is listed twice",
                             allowed="each name once")
        seen.add(slider.name)
        low, high, kind = parameter_range(slider.name, ids, source, f"{where}.name")
        pack._kinds[slider.name] = kind
        span = f"{low:g} to {high:g}"
        for key in ("min", "max"):
            value = getattr(slider, key)
            if not low <= value <= high:
                raise InputError(source, f"{where}.{key}", f"{value:g} is outside the allowed "
                                 f"range of {slider.name}", allowed=span)
        if not slider.min < slider.max:
            raise InputError(source, f"{where}.max", f"{slider.max:g} is not above min "
                             f"{slider.min:g}", allowed=f"above {slider.min:g}, up to {high:g}")
        if slider.step > slider.max - slider.min:
            raise InputError(source, f"{where}.step", f"{slider.step:g} is wider than the "
                             "slider", allowed=f"> 0 and <= {slider.max - slider.min:g}")
        if not slider.min <= slider.default <= slider.max:
            raise InputError(source, f"{where}.default", f"{slider.default:g} is outside the "
                             f"slider's range", allowed=f"{slider.min:g} to {slider.max:g}")
        if kind == "int":
            for key in ("min", "max", "step", "default"):
                value = getattr(slider, key)
                if value != round(value):
                    raise InputError(source, f"{where}.{key}", f"{value:g} is not a whole "
                                     f"number, but {slider.name} takes integers",
                                     allowed="a whole number")
    for i, switch in enumerate(pack.switches):
        where = f"switches[{i}].name"
        if switch.name in seen:
            raise InputError(source, where, f"{switch.name} is listed twice",
                             allowed="each name once")
        seen.add(switch.name)
        inst, _, flag = switch.name.partition(".")
        flags = [f"{i_}.{f}" for i_ in dict.fromkeys(ids) for f in _flag_parameters(i_)]
        if inst not in ids or (flag and flag not in _flag_parameters(inst)):
            raise InputError(source, where, f"{switch.name!r} is not an instrument of the "
                             "pack's scenario nor a true/false parameter of one",
                             allowed=", ".join(list(dict.fromkeys(ids)) + flags) or "none")


# -- the scenarios of a run ------------------------------------------------------------------


def pack_scenario(pack: Pack, values: dict[str, float] | None = None,
                  switches: dict[str, bool] | None = None, seed: int = 1):
    """The pack's scenario with slider ``values`` and ``switches`` (defaults where not given),
    the pack's years and ``seed``. Model parameters go into ``[parameters]``, ``ID.parameter``
    into every instance of that instrument; a switched-off instrument is removed; a switched
    ``ID.flag`` sets that true/false parameter in every instance."""
    from abm.scenario import scenario_with_overrides

    source = f"{pack.source} (the app's values)"
    given_values, given_switches = dict(values or {}), dict(switches or {})
    slider_values, switch_values = pack.defaults()
    for name, value in given_values.items():
        if name not in slider_values:
            raise InputError(source, f"values[{name!r}]", "no slider of that name",
                             allowed=", ".join(slider_values) or "none")
        slider = pack.slider(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                slider.min <= value <= slider.max):
            raise InputError(source, f"values[{name!r}]", f"{value!r} is outside the slider",
                             allowed=f"{slider.min:g} to {slider.max:g}")
        slider_values[name] = value
    for name, on in given_switches.items():
        if name not in switch_values:
            raise InputError(source, f"switches[{name!r}]", "no switch of that name",
                             allowed=", ".join(switch_values) or "none")
        if not isinstance(on, bool):
            raise InputError(source, f"switches[{name!r}]", f"{on!r} is not true or false",
                             allowed="true, false")
        switch_values[name] = on

    data = json.loads(json.dumps(pack._scenario_data))  # a deep copy
    instruments = data.get("instruments", [])
    for name, on in switch_values.items():
        inst, _, flag = name.partition(".")
        if flag:
            for spec in instruments:
                if spec.get("id") == inst:
                    spec.setdefault("parameters", {})[flag] = on
        elif not on:
            instruments = [spec for spec in instruments if spec.get("id") != inst]
    data["instruments"] = instruments
    model_values: dict[str, float | int] = {}
    for name, value in slider_values.items():
        value = int(round(value)) if pack._kinds[name] == "int" else float(value)
        inst, _, param = name.partition(".")
        held = [spec for spec in instruments if spec.get("id") == inst]
        if held and param:
            for spec in held:
                spec.setdefault("parameters", {})[param] = value
        elif not held and "." in name and name not in _registry_names():
            continue  # the instrument is switched off: its slider does not apply
        else:
            model_values[name] = value
    return scenario_with_overrides(
        data, pack.scenario_source, start_year=pack.pack.start_year,
        end_year=pack.pack.end_year, seed=seed, parameters=model_values or None)


def baseline_scenario(pack: Pack, seed: int = 1):
    """The pack's baseline library scenario with the pack's region, resolution and years."""
    from abm.scenario import load_scenario

    return load_scenario(pack.pack.baseline, region=list(pack.scenario.region),
                         resolution_m=pack.scenario.resolution_m,
                         start_year=pack.pack.start_year, end_year=pack.pack.end_year,
                         seed=seed)


def _registry_names() -> set[str]:
    from abm import parameters as model_parameters

    return set(model_parameters.registry().parameters)
