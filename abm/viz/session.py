"""The teaching app's model side: plain functions the Solara app (:mod:`abm.viz.app`) calls.

Build the model of a teaching pack with the class's slider values (:func:`build_session`), step
it a year (:func:`step_session`) or to the pack's end year (:func:`run_session`), keep each
year's maps (:func:`year_maps`), draw the map (:func:`map_figure`) and the charts
(:func:`chart_figure`), and tell what happened in a year in plain Dutch or English
(:func:`events`). Nothing here imports Solara, so all of it is testable without a browser
(tests/abm/test_viz_session.py); docs/teaching.md describes the app.

Model runs hold :data:`MODEL_LOCK`: a scenario's ``[parameters]`` are set as module attributes
while a model is built or steps (:func:`abm.parameters.applied`), so two browser sessions of
one server must not step at the same time.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from abm.errors import InputError
from abm.figures import FARM_TYPE_COLOURS, LAND_USE_COLOURS, _extent_km
from abm.indicators import INDICATOR_BY_NAME
from abm.model import RegionModel
from abm.viz.packs import Pack, baseline_scenario, pack_scenario
from agents.firms.state import WERKMILIEUS
from environment.grid import RESOLUTIONS_M

#: Environment variables of ``ruimte viz``: they override the packs' region and resolution.
ENV_REGION = "RUIMTE_VIZ_REGION"
ENV_RESOLUTION = "RUIMTE_VIZ_RESOLUTION"
LANGUAGES: tuple[str, ...] = ("nl", "en")
#: Map layers the app computes from the firm agents: all jobs, then a layer per werkmilieu.
JOB_LAYERS: tuple[str, ...] = ("jobs", *(f"jobs_{w}" for w in WERKMILIEUS))
#: Every layer the app can show, in the order of the layer selector (after the pack's own).
ALL_LAYERS: tuple[str, ...] = RegionModel.MAP_NAMES + JOB_LAYERS
#: Held while a model is built or steps (the scenario's [parameters] are module attributes).
MODEL_LOCK = threading.Lock()

_LAND_USE_NL = {1: "bebouwd", 2: "landbouw", 3: "natuur", 4: "water"}
_LAND_USE_EN = {1: "built-up", 2: "agriculture", 3: "nature", 4: "water"}
_FARM_NL = {1: "melkvee", 2: "akkerbouw", 3: "intensieve veehouderij", 4: "glastuinbouw",
            5: "opengrondstuinbouw", 6: "gemengd/overig"}
_FARM_EN = {1: "dairy", 2: "arable", 3: "intensive livestock", 4: "greenhouse",
            5: "open-field horticulture", 6: "mixed/other"}
_CLAIM_NL = {1: "woningen", 2: "bedrijventerrein", 3: "natuur", 4: "zonneparken",
             5: "infrastructuur", 6: "defensie", 7: "waterberging"}
_CLAIM_EN = {1: "housing", 2: "business land", 3: "nature", 4: "solar fields",
             5: "infrastructure", 6: "defence", 7: "water storage"}
#: The region's land under a continuous layer (cells without a value, e.g. outside Natura 2000).
_LAND_GREY = "#e3e3e3"
_CLAIM_COLOURS = {1: "#d7301f", 2: "#7570b3", 3: "#2e8b57", 4: "#f0c419", 5: "#525252",
                  6: "#8c6d31", 7: "#3182bd"}


@dataclass(frozen=True)
class Layer:
    """How the app draws one map layer.

    Attributes
    ----------
    label_nl, label_en : str
        The layer's name in the selector and the map title.
    categories_nl, categories_en : dict of int to str, optional
        A categorical layer: code -> legend label (code 0 is left blank).
    colours : dict of int to str, optional
        The colour of each category.
    unit_nl, unit_en : str
        A continuous layer: the colour bar's label.
    cmap : str
        A continuous layer's matplotlib colour map.
    log : bool
        A logarithmic colour scale (densities).
    per_km2 : bool
        Divide the cell values by the cell's area in km2.
    natura2000_only : bool
        Show only the nitrogen-sensitive Natura 2000 cells.
    """

    label_nl: str
    label_en: str
    categories_nl: dict[int, str] | None = None
    categories_en: dict[int, str] | None = None
    colours: dict[int, str] | None = None
    unit_nl: str = ""
    unit_en: str = ""
    cmap: str = "viridis"
    log: bool = False
    per_km2: bool = False
    natura2000_only: bool = False

    def label(self, language: str) -> str:
        return self.label_nl if language == "nl" else self.label_en

    @property
    def categorical(self) -> bool:
        return self.categories_nl is not None


_JOB_NL = {"industrieel": "industrieel", "productie": "productie", "innovatie": "innovatie",
           "stedelijk": "stedelijk", "distributie": "distributie"}
_JOB_EN = {"industrieel": "industrial", "productie": "production", "innovatie": "innovation",
           "stedelijk": "urban", "distributie": "distribution"}

#: The drawing of every layer of :data:`ALL_LAYERS`.
LAYERS: dict[str, Layer] = {
    "land_use": Layer("Grondgebruik", "Land use", _LAND_USE_NL, _LAND_USE_EN, LAND_USE_COLOURS),
    "nature_gained_ha": Layer("Landbouwgrond natuur geworden", "Farmland turned into nature",
                              unit_nl="ha per cel", unit_en="ha per cell", cmap="Greens"),
    "inhabitants": Layer("Inwoners", "Inhabitants", unit_nl="inwoners per km²",
                         unit_en="inhabitants per km²", cmap="magma", log=True, per_km2=True),
    "households": Layer("Huishoudens", "Households", unit_nl="huishoudens per km²",
                        unit_en="households per km²", cmap="magma", log=True, per_km2=True),
    "groundwater_depth_cm": Layer("Grondwaterstand onder maaiveld",
                                  "Groundwater depth below the surface", unit_nl="cm",
                                  unit_en="cm", cmap="YlGnBu_r"),
    "subsidence_mm_yr": Layer("Bodemdaling", "Subsidence", unit_nl="mm per jaar",
                              unit_en="mm per year", cmap="OrRd"),
    "natura2000_n_sensitive": Layer(
        "Stikstofgevoelige Natura 2000", "Nitrogen-sensitive Natura 2000",
        {1: "stikstofgevoelig Natura 2000"}, {1: "nitrogen-sensitive Natura 2000"},
        {1: "#2e8b57"}),
    "no_new_buildings": Layer("Bouwen toegestaan of verboden", "Building allowed or forbidden",
                              {1: "geen nieuwbouw toegestaan"}, {1: "no new buildings allowed"},
                              {1: "#cb181d"}),
    "n_deposition_mol_ha_yr": Layer("Stikstofdepositie", "Nitrogen deposition",
                                    unit_nl="mol N per ha per jaar",
                                    unit_en="mol N per ha per year", cmap="inferno"),
    "kdw_exceedance_mol_ha_yr": Layer(
        "Overschrijding KDW op Natura 2000", "Exceedance of the critical deposition (KDW) on "
        "Natura 2000", unit_nl="mol N per ha per jaar boven de KDW",
        unit_en="mol N per ha per year above the KDW", cmap="OrRd", natura2000_only=True),
    "farm_type": Layer("Bedrijfstypen", "Farm types", _FARM_NL, _FARM_EN, FARM_TYPE_COLOURS),
    "dwellings": Layer("Woningen", "Dwellings", unit_nl="woningen per km²",
                       unit_en="dwellings per km²", cmap="magma", log=True, per_km2=True),
    "dwellings_added": Layer("Gebouwde woningen sinds de start", "Homes built since the start",
                             unit_nl="woningen per km²", unit_en="homes per km²", cmap="Reds",
                             per_km2=True),
    "farmland_converted_ha": Layer("Landbouwgrond omgezet sinds de start",
                                   "Farmland converted since the start", unit_nl="ha per cel",
                                   unit_en="ha per cell", cmap="Oranges"),
    "land_claim": Layer("Welke claim nam de landbouwgrond", "Which claim took the farmland",
                        _CLAIM_NL, _CLAIM_EN, _CLAIM_COLOURS),
    "jobs": Layer("Banen (alle werkmilieus)", "Jobs (all werkmilieus)", unit_nl="banen per km²",
                  unit_en="jobs per km²", cmap="viridis", log=True, per_km2=True),
    **{f"jobs_{w}": Layer(f"Banen: werkmilieu {_JOB_NL[w]}", f"Jobs: {_JOB_EN[w]} werkmilieu",
                          unit_nl="banen per km²", unit_en="jobs per km²", cmap="viridis",
                          log=True, per_km2=True)
       for w in WERKMILIEUS},
}

#: Short chart titles of the indicators the packs chart (others show their name).
CHART_LABELS: dict[str, tuple[str, str]] = {
    "peat_co2_mt": ("CO2 uit veenweiden", "CO2 from peat meadows"),
    "subsidence_mm_yr_mean": ("Bodemdaling (gemiddeld)", "Subsidence (mean)"),
    "peat_groundwater_depth_cm_mean": ("Grondwaterstand in veen", "Groundwater depth in peat"),
    "farms_dairy": ("Melkveebedrijven", "Dairy farms"),
    "farms_mixed": ("Gemengde en overige bedrijven", "Mixed and other farms"),
    "farms_arable": ("Akkerbouwbedrijven", "Arable farms"),
    "farm_income_meur": ("Inkomen van de boeren", "Farm income"),
    "nh3_emission_kt": ("Ammoniakuitstoot", "Ammonia emission"),
    "n2000_below_kdw_share": ("Deel Natura 2000 onder de KDW", "Share of Natura 2000 below KDW"),
    "kdw_exceedance_mean_mol_ha_yr": ("Overschrijding KDW (gemiddeld)",
                                      "KDW exceedance (mean)"),
    "farms_total": ("Boerenbedrijven", "Farms"),
    "buyout_signed": ("Uitgekochte bedrijven", "Farms bought out"),
    "farms_extensified": ("Bedrijven die extensiveerden", "Farms that extensified"),
    "budget_spent_meur": ("Uitgegeven overheidsgeld", "Government money spent"),
    "business_land_transformed_ha": ("Bedrijventerrein woonwijk geworden",
                                     "Business land turned into housing"),
    "business_land_ha": ("Bedrijventerrein", "Business land"),
    "business_land_shortfall_ha": ("Tekort aan bedrijventerrein", "Business land shortfall"),
    "homes_built_inbreiding": ("Woningen gebouwd binnen de stad", "Homes built in town"),
    "farmland_converted_business_ha": ("Landbouwgrond voor bedrijventerrein",
                                       "Farmland for business land"),
    "jobs": ("Banen", "Jobs"),
    "homes_built": ("Gebouwde woningen", "Homes built"),
    "homes_unbuilt": ("Woningen zonder plek", "Homes that found no place"),
    "farmland_converted_ha": ("Landbouwgrond omgezet", "Farmland converted"),
    "homes_built_masked": ("Woningen in een bouwverbod-zone", "Homes built in a no-build zone"),
    "homes_built_greenfield": ("Woningen op landbouwgrond", "Homes built on farmland"),
    "housing_shortage_households": ("Woningtekort", "Housing shortage"),
}

_TEXT = {
    "nl": {"start": "start {year}", "end": "eind {year}", "scenario": "scenario",
           "baseline": "basis ({name})", "year": "jaar", "none_yet": "nog geen jaar gesimuleerd",
           "region": "provincie {region}"},
    "en": {"start": "start of {year}", "end": "end of {year}", "scenario": "scenario",
           "baseline": "baseline ({name})", "year": "year", "none_yet": "no year simulated yet",
           "region": "province of {region}"},
}


# -- sessions -------------------------------------------------------------------------------


@dataclass(eq=False)
class Run:
    """One model of a session and what the app keeps of it.

    Attributes
    ----------
    model : RegionModel
        The model; ``model.year`` is the last simulated year.
    maps : dict of int to dict of str to ndarray
        The layers of :func:`year_maps` by year; the set-up state under ``start_year - 1``.
    frame : DataFrame
        The model's indicator rows so far (a snapshot taken after each step).
    """

    model: RegionModel
    maps: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)

    def snapshot(self) -> None:
        """Store this year's maps and indicator rows."""
        self.maps[self.model.year] = year_maps(self.model)
        self.frame = self.model.indicators()


@dataclass(eq=False)
class Session:
    """A pack's run (and its baseline) with the values that built it.

    Attributes
    ----------
    pack : Pack
    values, switches : dict
        The slider values and switches of the run (the pack's defaults where not given).
    seed : int
    scenario : Run
        The pack's scenario with ``values`` and ``switches``.
    baseline : Run or None
        The pack's baseline scenario with the same seed, region and years, when compared.
    region : str or None, resolution : int or None
        Overrides of the pack's region and resolution (``ruimte viz``), if any.
    """

    pack: Pack
    values: dict[str, float]
    switches: dict[str, bool]
    seed: int
    scenario: Run
    baseline: Run | None = None
    region: str | None = None
    resolution: int | None = None

    @property
    def start_year(self) -> int:
        return self.pack.pack.start_year

    @property
    def end_year(self) -> int:
        return self.pack.pack.end_year

    @property
    def year(self) -> int:
        """The last simulated year (``start_year - 1`` before the first step)."""
        return self.scenario.model.year

    @property
    def done(self) -> bool:
        return self.year >= self.end_year

    @property
    def years(self) -> list[int]:
        """The years whose maps are kept, the set-up state first."""
        return sorted(self.scenario.maps)

    @property
    def region_name(self) -> str:
        return ", ".join(self.scenario.model.scenario_spec.region)


def viz_overrides(environ: Mapping[str, str] | None = None) -> tuple[str | None, int | None]:
    """The region and resolution ``ruimte viz`` passes to the app.

    Parameters
    ----------
    environ : mapping, optional
        Where to read :data:`ENV_REGION` and :data:`ENV_RESOLUTION` (default ``os.environ``).

    Returns
    -------
    region : str or None
        A province name or CBS code, or None to keep each pack's.
    resolution : int or None
        A cell size in metres, or None to keep each pack's.

    Examples
    --------
    >>> viz_overrides({"RUIMTE_VIZ_REGION": "Utrecht", "RUIMTE_VIZ_RESOLUTION": "1000"})
    ('Utrecht', 1000)
    >>> viz_overrides({})
    (None, None)
    """
    env = os.environ if environ is None else environ
    region = env.get(ENV_REGION) or None
    text = env.get(ENV_RESOLUTION) or None
    resolution = None
    if text is not None:
        if not text.strip().isdigit() or int(text) not in RESOLUTIONS_M:
            raise InputError(ENV_RESOLUTION, "resolution", f"{text!r} is not a cell size",
                             allowed=", ".join(str(r) for r in RESOLUTIONS_M))
        resolution = int(text)
    return region, resolution


@lru_cache(maxsize=2)
def landscape(resolution_m: int):
    """The national landscape at ``resolution_m``, loaded once per server process (each model
    cuts its region from it and does not change it)."""
    from environment.landscape import load_landscape

    return load_landscape(resolution_m)


def _with_overrides(scenario, region: str | None, resolution: int | None):
    if region is None and resolution is None:
        return scenario
    from abm.scenario import scenario_with_overrides

    data = scenario.model_dump(mode="json")
    return scenario_with_overrides(
        data, f"{scenario.name} (with {ENV_REGION}/{ENV_RESOLUTION})",
        region=[region] if region else None, resolution_m=resolution)


def _new_run(scenario) -> Run:
    with MODEL_LOCK:
        run = Run(RegionModel(scenario, landscape(scenario.resolution_m)))
        run.snapshot()
    return run


def build_session(pack: Pack, values: Mapping[str, float] | None = None,
                  switches: Mapping[str, bool] | None = None, seed: int = 1,
                  compare: bool = False, region: str | None = None,
                  resolution: int | None = None) -> Session:
    """Build the model of ``pack`` with the class's slider values, before its first year.

    Parameters
    ----------
    pack : Pack
        A teaching pack (:func:`abm.viz.packs.load_pack`).
    values, switches : mapping, optional
        Slider values and switches by name; the pack's defaults where not given.
    seed : int
        The random seed (the baseline runs with the same seed).
    compare : bool
        Also build the pack's baseline, to run alongside.
    region, resolution : optional
        Replace the pack's province and cell size (``ruimte viz --region --resolution``).

    Returns
    -------
    Session
        With the set-up maps stored under ``start_year - 1``.

    Raises
    ------
    InputError
        An unknown slider or switch, a value outside its slider, a bad region or resolution.
    """
    scenario = _with_overrides(pack_scenario(pack, dict(values or {}), dict(switches or {}),
                                             seed=seed), region, resolution)
    default_values, default_switches = pack.defaults()
    session = Session(pack, {**default_values, **dict(values or {})},
                      {**default_switches, **dict(switches or {})}, seed, _new_run(scenario),
                      region=region, resolution=resolution)
    if compare:
        ensure_baseline(session)
    return session


def ensure_baseline(session: Session) -> Run:
    """Build the session's baseline run (same seed, region, resolution and years) if it has none,
    and step it to the scenario's year; return it."""
    if session.baseline is None:
        scenario = _with_overrides(baseline_scenario(session.pack, seed=session.seed),
                                   session.region, session.resolution)
        session.baseline = _new_run(scenario)
    while session.baseline.model.year < session.year:
        _step_run(session.baseline)
    return session.baseline


def _step_run(run: Run) -> None:
    with MODEL_LOCK:
        run.model.step()
        run.snapshot()


def step_session(session: Session) -> bool:
    """Simulate one year of the scenario (and of the baseline, when there is one).

    Returns
    -------
    bool
        False when the pack's end year was already reached (nothing simulated).
    """
    if session.done:
        return False
    _step_run(session.scenario)
    if session.baseline is not None:
        ensure_baseline(session)
    return True


def run_session(session: Session, until: int | None = None,
                on_year: Callable[[Session], object] | None = None) -> int:
    """Step the session year by year to ``until`` (default: the pack's end year), calling
    ``on_year(session)`` after each year (it stops the run by returning False). Returns the
    number of years simulated."""
    last = session.end_year if until is None else min(until, session.end_year)
    years = 0
    while session.year < last and step_session(session):
        years += 1
        if on_year is not None and on_year(session) is False:
            break
    return years


# -- maps -----------------------------------------------------------------------------------


def job_maps(model: RegionModel) -> dict[str, np.ndarray]:
    """Jobs per cell of the active firms: all werkmilieus (``jobs``) and one layer per
    werkmilieu (``jobs_<werkmilieu>``), from ``model.firms``."""
    firms, shape = model.firms, model.landscape.grid.shape
    size = int(shape[0] * shape[1])
    on = firms.active & (firms.cell >= 0)
    cell, milieu, jobs = firms.cell[on], firms.werkmilieu[on].astype(np.int64), firms.jobs[on]
    per = np.bincount(milieu * size + cell, weights=jobs,
                      minlength=len(WERKMILIEUS) * size).reshape(len(WERKMILIEUS), size)
    out = {"jobs": per.sum(axis=0).reshape(shape).astype(np.float32)}
    for k, name in enumerate(WERKMILIEUS):
        out[f"jobs_{name}"] = per[k].reshape(shape).astype(np.float32)
    return out


def year_maps(model: RegionModel) -> dict[str, np.ndarray]:
    """Every layer of :data:`ALL_LAYERS` of the model's current year (``model.maps()`` and the
    jobs of :func:`job_maps`); a year at 1000 m on one province is a few hundred KB."""
    return {**model.maps(), **job_maps(model)}


def layer_names(pack: Pack) -> list[str]:
    """The layer selector's order: the pack's ``layers`` first, then the others."""
    return list(dict.fromkeys([*pack.pack.layers, *ALL_LAYERS]))


def check_layer(name: str) -> Layer:
    """The drawing of layer ``name``; an :class:`InputError` for an unknown layer."""
    if name not in LAYERS:
        raise InputError("the app", "layer", f"unknown layer {name!r}",
                         allowed=", ".join(ALL_LAYERS))
    return LAYERS[name]


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise InputError("the app", "language", f"no language {language!r}",
                         allowed=", ".join(LANGUAGES))


def layer_label(name: str, language: str = "nl") -> str:
    """The layer's name in ``language`` (``nl`` or ``en``)."""
    _check_language(language)
    return check_layer(name).label(language)


def _shown(values: np.ndarray, layer: Layer, model: RegionModel, maps: dict) -> np.ndarray:
    out = values.astype(np.float64)
    if layer.per_km2:
        out = out / (model.landscape.grid.cell_area_ha / 100.0)
    keep = np.asarray(model.landscape["land_mask"], dtype=bool)
    if layer.natura2000_only:
        keep = keep & (np.asarray(maps["natura2000_n_sensitive"]) > 0)
    return np.where(keep, out, np.nan)


def map_figure(session: Session, layer: str, year: int | None = None, language: str = "nl",
               compare: bool = True) -> Figure:
    """The map of ``layer`` in ``year`` (default: the last simulated), with a legend
    (categories) or a colour bar on one scale for every kept year; with ``compare`` and a
    baseline, the scenario and the baseline side by side.

    Raises
    ------
    InputError
        An unknown layer or language, or a year whose maps were not kept.
    """
    info = check_layer(layer)
    _check_language(language)
    text = _TEXT[language]
    year = session.year if year is None else int(year)
    if year not in session.scenario.maps:
        raise InputError("the app", "year", f"no maps of {year}",
                         allowed=", ".join(str(y) for y in session.years))
    runs = [("scenario", session.scenario)]
    if compare and session.baseline is not None and year in session.baseline.maps:
        runs.append(("baseline", session.baseline))
    when = (text["start"].format(year=session.start_year) if year < session.start_year
            else text["end"].format(year=year))
    rows, cols = session.scenario.model.landscape.grid.shape
    width = 6.2 if len(runs) == 1 else 5.2
    height = min(max(width * rows / cols + 1.3, 3.5), 8.0)
    fig = Figure(figsize=(width * len(runs) + (0.9 if not info.categorical else 0), height),
                 dpi=80, layout="constrained")
    axes = fig.subplots(1, len(runs), squeeze=False)[0]
    if info.categorical:
        labels = info.categories_nl if language == "nl" else info.categories_en
        codes = sorted(labels)
        cmap = ListedColormap(["white"] + [info.colours[c] for c in codes])
        norm = BoundaryNorm(np.arange(-0.5, len(codes) + 1), cmap.N)
        index = {c: i + 1 for i, c in enumerate(codes)}
        for ax, (kind, run) in zip(axes, runs):
            raw = np.asarray(run.maps[year][layer])
            shown = np.zeros(raw.shape)
            for code, i in index.items():
                shown[raw == code] = i
            shown = np.where(run.model.landscape["land_mask"], shown, np.nan)
            ax.imshow(shown, cmap=cmap, norm=norm, extent=_extent_km(run.model),
                      interpolation="nearest")
            _frame_axes(ax, kind, run, session, text)
        axes[-1].legend(handles=[Patch(color=info.colours[c], label=labels[c]) for c in codes],
                        loc="lower right", fontsize=8, framealpha=0.9)
    else:
        shown_maps = {kind: _shown(np.asarray(run.maps[year][layer]), info, run.model,
                                   run.maps[year]) for kind, run in runs}
        norm = _scale(session, layer, info, [r for _, r in runs])
        image = None
        for ax, (kind, run) in zip(axes, runs):
            land = np.asarray(run.model.landscape["land_mask"], dtype=bool)
            ax.imshow(np.where(land, 1.0, np.nan), cmap=ListedColormap([_LAND_GREY]),
                      extent=_extent_km(run.model), interpolation="nearest")
            image = ax.imshow(shown_maps[kind], cmap=info.cmap, norm=norm,
                              extent=_extent_km(run.model), interpolation="nearest")
            _frame_axes(ax, kind, run, session, text)
        fig.colorbar(image, ax=list(axes), shrink=0.75,
                     label=info.unit_nl if language == "nl" else info.unit_en)
    fig.suptitle(f"{info.label(language)}, {when} - "
                 f"{text['region'].format(region=session.region_name)}", fontsize=12)
    return fig


def _frame_axes(ax, kind: str, run: Run, session: Session, text: dict) -> None:
    name = (text["scenario"] + f": {session.pack.name}" if kind == "scenario"
            else text["baseline"].format(name=run.model.scenario_spec.name))
    ax.set_title(name, fontsize=10)
    ax.set_xlabel("RD x [km]")
    ax.set_ylabel("RD y [km]")


def _scale(session: Session, layer: str, info: Layer, runs: list[Run]) -> Normalize:
    """One colour scale over every kept year of the shown runs (the map does not rescale as
    the year slider moves)."""
    highs, lows = [], []
    for run in runs:
        for maps in run.maps.values():
            values = _shown(np.asarray(maps[layer]), info, run.model, maps)
            finite = values[np.isfinite(values)]
            if info.log:
                finite = finite[finite > 0]
            if finite.size:
                highs.append(float(finite.max()))
                lows.append(float(finite.min()))
    if not highs:
        return Normalize(0.0, 1.0)
    low, high = min(lows), max(highs)
    if info.log:
        return LogNorm(vmin=max(low, high * 1e-4, 1e-3), vmax=max(high, 1e-2))
    if high <= low:
        high = low + 1.0
    return Normalize(vmin=min(low, 0.0) if low >= 0 else low, vmax=high)


# -- charts ---------------------------------------------------------------------------------


def top_level(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the run's top level: the Netherlands if the run has it, else its province(s)
    (the packs run one province), summed per year over provinces only for a national check."""
    if frame.empty:
        return frame
    national = frame[frame.level == "nl"]
    return national if not national.empty else frame[frame.level == "provincie"]


def chart_label(name: str, language: str = "nl") -> str:
    """A chart title: the short label of :data:`CHART_LABELS` or the indicator's name."""
    labels = CHART_LABELS.get(name)
    return name if labels is None else labels[0 if language == "nl" else 1]


def chart_figure(session: Session, indicators: list[str] | None = None, language: str = "nl",
                 compare: bool = True) -> Figure:
    """One panel per indicator (default: the pack's ``charts``) against the year at the top
    level, the scenario solid and, with ``compare`` and a baseline, the baseline dashed.

    Raises
    ------
    InputError
        An unknown indicator or language.
    """
    _check_language(language)
    names = list(indicators if indicators is not None else session.pack.pack.charts)
    for name in names:
        if name not in INDICATOR_BY_NAME:
            raise InputError("the app", "chart", f"unknown indicator {name!r}",
                             allowed="'ruimte indicators'")
    text = _TEXT[language]
    ncols = 2 if len(names) > 1 else 1
    nrows = max(1, -(-len(names) // ncols))
    fig = Figure(figsize=(5.2 * ncols, 2.5 * nrows), dpi=80, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    runs = [(text["scenario"] + f": {session.pack.name}", session.scenario, "-", "#1f77b4")]
    if compare and session.baseline is not None:
        runs.append((text["baseline"].format(name=session.baseline.model.scenario_spec.name),
                     session.baseline, "--", "#7f7f7f"))
    for ax, name in zip(axes, names):
        for label, run, style, colour in runs:
            top = top_level(run.frame)
            if not top.empty:
                series = top.groupby("year")[name].sum() if top.region_code.nunique() > 1 \
                    else top.set_index("year")[name]
                ax.plot(series.index, series.values, style, color=colour, marker="o",
                        markersize=3, label=label)
        ax.set_title(chart_label(name, language), fontsize=10)
        ax.set_ylabel(INDICATOR_BY_NAME[name].unit, fontsize=8)
        ax.set_xlim(session.start_year - 0.5, session.end_year + 0.5)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if session.scenario.frame.empty:
            ax.text(0.5, 0.5, text["none_yet"], transform=ax.transAxes, ha="center",
                    va="center", color="#777777", fontsize=9)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    if len(runs) > 1 and not session.scenario.frame.empty:
        axes[0].legend(fontsize=7, loc="best")
    return fig


# -- what happened --------------------------------------------------------------------------


def _number(value: float, decimals: int, language: str) -> str:
    """``1234.5`` as ``1.234,5`` (nl) or ``1,234.5`` (en)."""
    text = f"{value:,.{decimals}f}"
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _row(frame: pd.DataFrame, year: int) -> pd.Series | None:
    top = top_level(frame)
    if top.empty:
        return None
    rows = top[top.year == year]
    if rows.empty:
        return None
    return rows.drop(columns=[c for c in rows.columns if c in ("run_id", "scenario", "seed",
                                                                 "year", "level",
                                                                 "region_code")]).sum()


def events(session: Session, year: int | None = None, language: str = "nl") -> list[str]:
    """The year's notable events in plain Dutch or English, from the indicators of the year
    (and the year before, for changes): buy-outs, farms that stopped, homes built and unbuilt,
    farmland converted, nitrogen permits refused, business land transformed, ammonia and peat
    CO2. An empty year says so.

    Parameters
    ----------
    session : Session
    year : int, optional
        A simulated year (default: the last).
    language : {"nl", "en"}

    Returns
    -------
    list of str
        One sentence per event, with the numbers.
    """
    _check_language(language)
    nl = language == "nl"
    year = session.year if year is None else int(year)
    now = _row(session.scenario.frame, year)
    if now is None:
        return ["Nog geen jaar gesimuleerd: druk op Stap of Draai." if nl else
                "No year simulated yet: press Step or Run."]
    before = _row(session.scenario.frame, year - 1)
    region = session.region_name
    n = lambda v, d=0: _number(float(v), d, language)  # noqa: E731
    out: list[str] = []

    def add(value: float, text_nl: str, text_en: str, threshold: float = 0.5) -> None:
        if value >= threshold:
            out.append(text_nl if nl else text_en)

    add(now.buyout_signed,
        f"Provincie {region} kocht {n(now.buyout_signed)} boerenbedrijven uit "
        f"({n(now.buyout_meur, 1)} miljoen euro).",
        f"The province of {region} bought out {n(now.buyout_signed)} farms "
        f"({n(now.buyout_meur, 1)} million euro).")
    add(now.farms_exited,
        f"{n(now.farms_exited)} boerenbedrijven stopten; er zijn er nu {n(now.farms_total)}"
        + (f" ({n(now.farms_total - before.farms_total)} tegenover vorig jaar)."
           if before is not None else "."),
        f"{n(now.farms_exited)} farms stopped; {n(now.farms_total)} remain"
        + (f" ({n(now.farms_total - before.farms_total)} on last year)."
           if before is not None else "."))
    add(now.farms_extensified,
        f"{n(now.farms_extensified)} boeren verkleinden hun veestapel (extensiveren).",
        f"{n(now.farms_extensified)} farmers reduced their herds (extensification).")
    add(now.homes_built,
        f"Er werden {n(now.homes_built)} woningen gebouwd: {n(now.homes_built_inbreiding)} "
        f"binnen de stad en {n(now.homes_built_greenfield)} op landbouwgrond.",
        f"{n(now.homes_built)} homes were built: {n(now.homes_built_inbreiding)} in town and "
        f"{n(now.homes_built_greenfield)} on farmland.")
    add(now.homes_built_masked,
        f"{n(now.homes_built_masked)} daarvan staan in een zone met een bouwverbod.",
        f"{n(now.homes_built_masked)} of them stand in a no-build zone.")
    add(now.homes_unbuilt,
        f"{n(now.homes_unbuilt)} geplande woningen vonden geen plek en werden niet gebouwd.",
        f"{n(now.homes_unbuilt)} planned homes found no place and were not built.")
    add(now.farmland_converted_ha,
        f"{n(now.farmland_converted_ha)} ha landbouwgrond kreeg een andere bestemming "
        f"(woningen, bedrijven, zonneparken, infrastructuur).",
        f"{n(now.farmland_converted_ha)} ha of farmland got another use (housing, business, "
        f"solar fields, infrastructure).")
    add(now.land_bought_for_nature_ha,
        f"De overheid kocht {n(now.land_bought_for_nature_ha)} ha landbouwgrond voor natuur.",
        f"Governments bought {n(now.land_bought_for_nature_ha)} ha of farmland for nature.")
    add(now.nitrogen_permits_blocked,
        f"{n(now.nitrogen_permits_blocked)} projecten kregen geen stikstofvergunning "
        f"({n(now.nitrogen_permits_blocked_housing)} woningbouw, "
        f"{n(now.nitrogen_permits_blocked_business)} bedrijven).",
        f"{n(now.nitrogen_permits_blocked)} projects were refused a nitrogen permit "
        f"({n(now.nitrogen_permits_blocked_housing)} housing, "
        f"{n(now.nitrogen_permits_blocked_business)} business).")
    add(now.business_land_transformed_ha,
        f"{n(now.business_land_transformed_ha, 1)} ha bedrijventerrein werd woonwijk.",
        f"{n(now.business_land_transformed_ha, 1)} ha of business land became housing.",
        threshold=0.05)
    add(now.business_land_shortfall_ha,
        f"Bedrijven kwamen {n(now.business_land_shortfall_ha, 1)} ha bedrijventerrein tekort.",
        f"Firms were short of {n(now.business_land_shortfall_ha, 1)} ha of business land.",
        threshold=0.05)
    if before is not None and abs(now.nh3_emission_kt - before.nh3_emission_kt) >= 0.005:
        delta = now.nh3_emission_kt - before.nh3_emission_kt
        out.append(
            f"De ammoniakuitstoot {'daalde' if delta < 0 else 'steeg'} met "
            f"{n(abs(delta), 2)} kton tot {n(now.nh3_emission_kt, 2)} kton."
            if nl else
            f"Ammonia emission {'fell' if delta < 0 else 'rose'} by {n(abs(delta), 2)} kt to "
            f"{n(now.nh3_emission_kt, 2)} kt.")
    if now.peat_area_ha > 0:
        if before is not None:
            delta = now.peat_co2_mt - before.peat_co2_mt
            if abs(delta) < 0.0005:
                change = " (gelijk aan vorig jaar)" if nl else " (as last year)"
            else:
                change = (f" ({'min' if delta < 0 else 'plus'} {n(abs(delta), 3)} tegenover "
                          "vorig jaar)" if nl else
                          f" ({'down' if delta < 0 else 'up'} {n(abs(delta), 3)} on last year)")
        else:
            change = ""
        out.append(f"De veenweiden stootten {n(now.peat_co2_mt, 3)} Mton CO2 uit{change}."
                   if nl else f"The peat meadows emitted {n(now.peat_co2_mt, 3)} Mt CO2"
                   f"{change}.")
    if not out:
        out.append(f"Geen opvallende gebeurtenissen in {year}." if nl else
                   f"Nothing notable happened in {year}.")
    return out


def describe_error(exc: BaseException) -> str:
    """One paragraph for the app's error panel: an input error's message, else the type and
    message of the exception (no traceback)."""
    if isinstance(exc, InputError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
