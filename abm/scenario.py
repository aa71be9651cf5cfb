"""Scenario files: TOML, validated by a pydantic schema, never executed.

A scenario gives the years, grid resolution, seed, region and the instruments in force::

    name = "my-scenario"
    description = "One line that 'ruimte scenarios' shows"
    start_year = 2024
    end_year = 2050
    resolution_m = 1000          # 1000, 250 or 100
    seed = 1
    region = ["Utrecht"]         # provinces by name or CBS code; empty = the Netherlands

    [[instruments]]
    id = "WBS-13"                # a catalogue id ('ruimte instruments' lists them)
    owner = "waterschap"         # optional: rijk, provincie, waterschap, gemeente
    start_year = 2025            # optional, defaults to the scenario's years
    scope = { provinces = ["PV28"], layer = "deep_polder" }   # optional
    parameters = { storage_share = 0.10 }

    [parameters]                 # optional: model defaults ('ruimte parameters', abm.parameters)
    "farmers.options.INERTIA" = 7.0

Every problem is reported as an :class:`~abm.errors.InputError` that names the file, the field
and the allowed values.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from pydantic.fields import FieldInfo

from abm import parameters as model_parameters
from abm.errors import InputError
from abm.policy.catalogue import catalogue
from abm.policy.registry import implemented
from abm.regions import allowed_province_names, province_code
from environment.grid import RESOLUTIONS_M
from environment.layers import LAYERS
from experiments.library import scenario_names, scenario_path

OWNER_LEVELS = ("rijk", "provincie", "waterschap", "gemeente")
#: Boolean landscape layers an instrument's scope may name.
SCOPE_LAYERS = tuple(spec.name for spec in LAYERS if spec.dtype == "bool")
#: Catalogue owner level -> default owning government level.
DEFAULT_OWNER = {"rijk": "rijk", "provincie": "provincie", "gemeente": "gemeente",
                 "mixed": "provincie"}


def _allowed(text: str) -> dict:
    return {"json_schema_extra": {"allowed": text}}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ScopeSpec(_Strict):
    """Where an instrument acts: some provinces and/or a boolean landscape layer."""

    provinces: list[str] = Field(
        default_factory=list, **_allowed("a list of provinces: " + allowed_province_names())
    )
    layer: Literal[SCOPE_LAYERS] | None = Field(  # type: ignore[valid-type]
        None, **_allowed(", ".join(SCOPE_LAYERS))
    )


class InstrumentSpec(_Strict):
    """One instrument in a scenario."""

    id: str = Field(**_allowed("a catalogue id implemented in this version"))
    owner: Literal[OWNER_LEVELS] | None = Field(  # type: ignore[valid-type]
        None, **_allowed(", ".join(OWNER_LEVELS))
    )
    start_year: int | None = Field(None, ge=1990, le=2100, **_allowed("a year 1990-2100"))
    end_year: int | None = Field(None, ge=1990, le=2100, **_allowed("a year 1990-2100"))
    scope: ScopeSpec = Field(default_factory=ScopeSpec, **_allowed("a table with provinces, layer"))
    adaptive: bool = Field(False, **_allowed("true or false"))
    parameters: dict[str, Any] = Field(
        default_factory=dict, **_allowed("the instrument's parameters ('ruimte instruments')")
    )


class Scenario(_Strict):
    """A validated scenario. Build it with :func:`load_scenario` or :func:`scenario_from_dict`."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        **_allowed("lower-case letters, digits, '-' and '_', starting with a letter or digit"),
    )
    description: str = Field("", **_allowed("one line of text"))
    start_year: int = Field(2024, ge=2000, le=2100, **_allowed("a year 2000-2100"))
    end_year: int = Field(2050, ge=2000, le=2100, **_allowed("a year 2000-2100, >= start_year"))
    resolution_m: Literal[RESOLUTIONS_M] = Field(  # type: ignore[valid-type]
        1000, **_allowed(", ".join(str(r) for r in RESOLUTIONS_M))
    )
    seed: int = Field(1, ge=0, le=2**63 - 1, **_allowed("an integer 0 <= seed < 2**63"))
    region: list[str] = Field(
        default_factory=list,
        **_allowed("empty (the Netherlands) or provinces: " + allowed_province_names()),
    )
    review_interval_yr: int = Field(
        2, ge=1, le=10, **_allowed("an integer 1-10 (Monitor Nota Ruimte: 2)")
    )
    salinity_driver: Literal["none", "moderate", "strong"] = Field(
        "none", **_allowed("none, moderate, strong (yearly rise of coastal salinity)"),
    )
    kdw_file: str | None = Field(
        None, **_allowed("a CSV file (path relative to the scenario file) with columns "
                         "natura2000 (area slug or name) and kdw_mol_ha_yr"),
    )
    beekdal_file: str | None = Field(
        None, **_allowed("a GeoPackage or GeoJSON file of brook lines (path relative to the "
                         "scenario file); WBS-32 buffers them (default: a proxy from the "
                         "elevation, environment/brooks.py)"),
    )
    farm_census_year: int | None = Field(
        None, ge=2000, le=2025,
        **_allowed("a CBS census year 2000-2025 (default: the year before start_year)"),
    )
    instruments: list[InstrumentSpec] = Field(
        default_factory=list, **_allowed("a list of [[instruments]] tables")
    )
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        **_allowed("a table of model parameters and values ('ruimte parameters' lists them)"),
    )

    _source: str = PrivateAttr("<scenario>")
    _kdw_path: str | None = PrivateAttr(None)
    _beekdal_path: str | None = PrivateAttr(None)

    @property
    def kdw_path(self) -> str | None:
        """The resolved KDW file, if the scenario names one."""
        return self._kdw_path

    @property
    def beekdal_path(self) -> str | None:
        """The resolved brook-line file, if the scenario names one."""
        return self._beekdal_path

    @property
    def source(self) -> str:
        """The file (or other origin) the scenario was read from, for error messages."""
        return self._source

    @property
    def provinces(self) -> list[str]:
        """The run region as CBS province codes (empty = national)."""
        return [province_code(r) for r in self.region]  # type: ignore[misc]

    def sha256(self) -> str:
        """Hash of the resolved scenario (canonical JSON) and of the data files it names."""
        data = self.model_dump(mode="json")
        if not data["parameters"]:  # runs without overrides keep their earlier hash
            del data["parameters"]
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(text.encode())
        if self._kdw_path is not None:
            digest.update(Path(self._kdw_path).read_bytes())
        if self._beekdal_path is not None:
            digest.update(Path(self._beekdal_path).read_bytes())
        return digest.hexdigest()


def _field_at(loc: tuple) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model class holding the last named part of ``loc`` and that field's info."""
    cls: type[BaseModel] | None = Scenario
    parent, info = None, None
    for part in loc:
        if isinstance(part, int) or cls is None:
            continue
        parent, info = cls, cls.model_fields.get(part)
        if info is None:
            return parent, None
        cls = {"scope": ScopeSpec, "instruments": InstrumentSpec}.get(part)
    return parent, info


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _from_validation_error(exc: ValidationError, source: str, prefix: tuple = ()) -> InputError:
    err = exc.errors()[0]
    loc = prefix + tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        parent, _ = _field_at(loc[:-1] + ("__x__",))
        allowed = ", ".join(parent.model_fields) if parent else None
        return InputError(source, _dotted(loc), "unknown field", allowed=allowed)
    _, info = _field_at(loc)
    extra = info.json_schema_extra if info is not None else None
    allowed = extra.get("allowed") if isinstance(extra, dict) else None
    return InputError(source, _dotted(loc), err["msg"], allowed=allowed)


def _describe_parameter(info: FieldInfo) -> str:
    """``description (>= lo, <= hi)`` of an instrument parameter."""
    signs = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    limits = [f"{sign} {getattr(m, key)}" for m in info.metadata
              for key, sign in signs.items() if hasattr(m, key)]
    text = info.description or ""
    return text + (f" ({', '.join(limits)})" if limits else "")


def _check_parameters(spec: InstrumentSpec, index: int, source: str) -> None:
    cls = implemented()[spec.id]
    try:
        cls.Parameters.model_validate(spec.parameters, strict=True)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = _dotted(("instruments", index, "parameters", *err["loc"]))
        fields = cls.Parameters.model_fields
        if err["type"] == "extra_forbidden":
            raise InputError(source, field, f"unknown parameter of {spec.id}",
                             allowed=", ".join(fields) or "no parameters") from None
        info = fields.get(str(err["loc"][0])) if err["loc"] else None
        allowed = _describe_parameter(info) if info is not None else None
        raise InputError(source, field, f"{spec.id}: {err['msg']}", allowed=allowed) from None


def _check_semantics(scenario: Scenario, source: str, instrument_years: bool = True) -> None:
    if scenario.end_year < scenario.start_year:
        raise InputError(source, "end_year", f"{scenario.end_year} is before start_year "
                         f"{scenario.start_year}", allowed=f">= {scenario.start_year}")
    for i, name in enumerate(scenario.region):
        if province_code(name) is None:
            raise InputError(source, f"region[{i}]", f"unknown province {name!r}",
                             allowed=allowed_province_names())
    known = catalogue()
    impl = implemented()
    for i, spec in enumerate(scenario.instruments):
        if spec.id not in known:
            raise InputError(source, f"instruments[{i}].id", f"unknown instrument id {spec.id!r}",
                             allowed=", ".join(impl)
                             + " (the whole catalogue: 'ruimte instruments')")
        if spec.id not in impl:
            raise InputError(source, f"instruments[{i}].id",
                             f"{spec.id} is in the catalogue but not implemented in this version",
                             allowed=", ".join(impl))
        region = scenario.provinces
        for j, name in enumerate(spec.scope.provinces):
            code = province_code(name)
            if code is None:
                raise InputError(source, f"instruments[{i}].scope.provinces[{j}]",
                                 f"unknown province {name!r}", allowed=allowed_province_names())
            if region and code not in region:
                raise InputError(source, f"instruments[{i}].scope.provinces[{j}]",
                                 f"{name} lies outside the run region",
                                 allowed=", ".join(scenario.region))
        start = spec.start_year if spec.start_year is not None else scenario.start_year
        end = spec.end_year if spec.end_year is not None else scenario.end_year
        if instrument_years and (start > scenario.end_year or end < scenario.start_year):
            field = "start_year" if start > scenario.end_year else "end_year"
            raise InputError(source, f"instruments[{i}].{field}",
                             f"the instrument ({start}-{end}) is never in force in the run years "
                             f"{scenario.start_year}-{scenario.end_year}",
                             allowed=f"years overlapping {scenario.start_year}-{scenario.end_year}")
        explicit = spec.start_year is not None and spec.end_year is not None
        if end < start and (instrument_years or explicit):
            raise InputError(source, f"instruments[{i}].end_year", f"{end} is before its start "
                             f"year {start}", allowed=f">= {start}")
        _check_parameters(spec, i, source)
    _check_exclusive(scenario, source)


def _check_exclusive(scenario: Scenario, source: str) -> None:
    """At most one instrument of each exclusive group (alternative policy options)."""
    impl = implemented()
    first: dict[str, tuple[int, str]] = {}
    for i, spec in enumerate(scenario.instruments):
        group = impl[spec.id].exclusive_group
        if group is None:
            continue
        if group in first:
            j, other = first[group]
            members = [k for k, cls in impl.items() if cls.exclusive_group == group]
            raise InputError(source, f"instruments[{i}].id",
                             f"{spec.id} cannot be combined with {other} (instruments[{j}]): "
                             f"the options of {group} exclude each other",
                             allowed="at most one of " + ", ".join(members))
        first[group] = (i, spec.id)


def _user_file(name: str, source: str, field: str, allowed: str,
               suffixes: tuple[str, ...] = (), kind: str = "") -> str:
    """The absolute path of a file a scenario names (relative to the scenario file); an input
    error when it is missing or, given ``suffixes``, not of one of them (a ``kind`` file)."""
    path = Path(name)
    if not path.is_absolute() and Path(source).is_file():
        path = Path(source).parent / path
    path = path.absolute()
    if not path.is_file():
        raise InputError(source, field, f"no such file {path}", allowed=allowed)
    if suffixes and path.suffix.lower() not in suffixes:
        raise InputError(source, field, f"{path.name} is not a {kind} file", allowed=allowed)
    return str(path)


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>",
                       instrument_years: bool = True) -> Scenario:
    """Validate a scenario given as a mapping (as read from TOML).

    With ``instrument_years`` an instrument never in force in the scenario's years is an
    error (a typo in a year, most likely); without it (the years were overridden for a shorter
    or other run) such an instrument simply does not act in the run.
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _from_validation_error(exc, source) from None
    _check_semantics(scenario, source, instrument_years)
    if scenario.parameters:
        scenario = scenario.model_copy(
            update={"parameters": model_parameters.validate(scenario.parameters, source)})
    scenario._source = source
    if scenario.kdw_file is not None:
        scenario._kdw_path = _user_file(
            scenario.kdw_file, source, "kdw_file",
            "a CSV file with columns natura2000, kdw_mol_ha_yr")
    if scenario.beekdal_file is not None:
        from environment.brooks import FILE_ALLOWED

        scenario._beekdal_path = _user_file(scenario.beekdal_file, source, "beekdal_file",
                                            FILE_ALLOWED, (".gpkg", ".geojson", ".json"),
                                            "GeoPackage or GeoJSON")
    return scenario


#: Scenario fields that command-line options override, and the options' names.
OPTIONS = {"start_year": "--start", "end_year": "--end", "resolution_m": "--resolution",
           "region": "--region", "seed": "--seed", "parameters": "--set"}
YEAR_FIELDS = ("start_year", "end_year")


def read_scenario_file(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    """The raw mapping of a scenario file and the file's path as text."""
    path = scenario_path(name_or_path)
    if path is None:
        raise InputError(
            str(name_or_path), "scenario", "no scenario file or library scenario of that name",
            allowed="a path to a .toml file or one of: " + ", ".join(scenario_names()),
        )
    return read_toml(path, "scenario"), str(path)


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """The mapping of a TOML file (scenario, experiment, pack); bad syntax, bad bytes or an
    unreadable file are InputErrors naming the file (``what`` names the file's kind)."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), "toml", f"not valid TOML ({exc})",
                         allowed="TOML 1.0 syntax") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "toml", f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                         allowed="a UTF-8 encoded TOML file") from None
    except OSError as exc:
        raise InputError(str(path), what, f"cannot be read ({exc.strerror})") from None


def load_scenario(name_or_path: str | Path, **overrides: Any) -> Scenario:
    """Load and validate a scenario by library name or path, with optional field overrides.

    Parameters
    ----------
    name_or_path : str or Path
        A name from ``experiments/scenarios`` (``baseline``) or a path to a TOML file.
    **overrides
        Scenario fields to replace (``start_year``, ``end_year``, ``resolution_m``, ``seed``,
        ``region``; ``parameters`` are merged over the file's, :func:`abm.parameters.merge`);
        ``None`` values are ignored. An invalid override is reported against the
        command-line option of the same name.

    Examples
    --------
    >>> load_scenario("baseline", end_year=2030).end_year
    2030
    """
    data, source = read_scenario_file(name_or_path)
    return scenario_with_overrides(data, source, **overrides)


def scenario_with_overrides(data: dict[str, Any], source: str, **overrides: Any) -> Scenario:
    """Validate a scenario mapping (as read from ``source``) with field overrides, as
    :func:`load_scenario` does; batches use it for the varied copies of a scenario."""
    scenario = scenario_from_dict(data, source)
    given = {k: v for k, v in overrides.items() if v is not None}
    if not given:
        return scenario
    if "parameters" in given:
        file_parameters = data.get("parameters", {})
        given["parameters"] = model_parameters.merge(
            file_parameters if isinstance(file_parameters, dict) else {}, given["parameters"])
    merged = {**data, **given}
    try:
        return scenario_from_dict(merged, source,
                                  instrument_years=not set(YEAR_FIELDS) & set(given))
    except InputError as exc:
        top = exc.field.split(".")[0].split("[")[0]
        related = YEAR_FIELDS if top in YEAR_FIELDS else (top,)
        blamed = [OPTIONS.get(f, f) for f in related if f in given]
        if blamed:
            raise InputError("command-line option " + " and ".join(blamed), exc.field,
                             exc.problem, exc.allowed) from None
        raise
