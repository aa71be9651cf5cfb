"""The teaching app: a Solara page for a spatial-planning class (docs/teaching.md).

Start it with ``ruimte viz`` (or ``solara run abm.viz.app``). A class picks a teaching pack
(experiments/teaching/), reads the lesson sheet, moves the pack's sliders and switches, steps or
runs the model year by year and watches the map, the charts and what happened, side by side with
the baseline if it likes. The model side lives in :mod:`abm.viz.session`; this module only lays
out the page and keeps the state of each browser session (Solara's module-level reactive
variables are per browser session).

Stable CSS classes for browser tests: ``ruimte-map``, ``ruimte-chart``, ``ruimte-events``,
``ruimte-lesson``, ``ruimte-sliders``, ``ruimte-year``, ``ruimte-step``, ``ruimte-run``,
``ruimte-reset``, ``ruimte-busy`` and ``ruimte-error`` (shown only when something failed).
"""

from __future__ import annotations

import html
from functools import lru_cache

import solara
import solara.lab

from abm.viz import session as vs
from abm.viz.packs import Pack, load_pack, pack_names

_UI = {
    "nl": {"pack": "Lespakket", "language": "Taal", "seed": "Toevalsgetal (seed)",
           "step": "Stap (1 jaar)", "run": "Draai tot {end}", "reset": "Opnieuw",
           "compare": "Vergelijk met het basisscenario", "layer": "Kaartlaag",
           "map_year": "Jaar op de kaart", "charts": "Grafieken (provincie)",
           "events": "Wat gebeurde er in {year}?", "events_start": "Wat gebeurde er?",
           "lesson": "Lesblad", "settings": "Instellingen", "switches": "Maatregelen",
           "year": "Gesimuleerd tot en met {year} (van {start} tot {end})",
           "year_start": "Nog niet gestart: de stand op 1 januari {start} (tot {end})",
           "busy": "Bezig met rekenen...", "dirty": "De instellingen zijn veranderd: Stap of "
           "Draai begint opnieuw in {start} met de nieuwe waarden.",
           "error": "Er ging iets mis", "map": "Kaart"},
    "en": {"pack": "Teaching pack", "language": "Language", "seed": "Random seed",
           "step": "Step (1 year)", "run": "Run to {end}", "reset": "Reset",
           "compare": "Compare with the baseline", "layer": "Map layer",
           "map_year": "Year on the map", "charts": "Charts (province)",
           "events": "What happened in {year}?", "events_start": "What happened?",
           "lesson": "Lesson sheet", "settings": "Settings", "switches": "Measures",
           "year": "Simulated up to and including {year} ({start} to {end})",
           "year_start": "Not started: the state on 1 January {start} (to {end})",
           "busy": "Computing...", "dirty": "The settings changed: Step or Run starts again "
           "in {start} with the new values.",
           "error": "Something went wrong", "map": "Map"},
}

_CSS = """
.ruimte-map img, .ruimte-chart img { max-width: 100%; height: auto; }
.ruimte-lesson { max-height: 32em; overflow-y: auto; }
.ruimte-error { white-space: pre-wrap; }
"""


@lru_cache(maxsize=16)
def _markdown_html(text: str) -> str:
    """A lesson sheet (our own Markdown files) as HTML, rendered here so that the page needs no
    math or Markdown scripts from a CDN."""
    import markdown

    return markdown.markdown(text, extensions=["tables"])


@lru_cache(maxsize=None)
def _pack(name: str) -> Pack:
    return load_pack(name)


def _first_pack() -> str:
    names = pack_names()
    return names[0] if names else ""


# -- the state of one browser session ------------------------------------------------------

pack_name = solara.reactive(_first_pack())
language = solara.reactive("nl")
seed = solara.reactive(1)
values: solara.Reactive[dict] = solara.reactive({})
switches: solara.Reactive[dict] = solara.reactive({})
compare = solara.reactive(False)
layer = solara.reactive("")
#: The year shown on the map; None follows the last simulated year.
shown_year: solara.Reactive[int | None] = solara.reactive(None)
#: The session's model runs (abm.viz.session.Session), changed in place as the model steps.
model_session: solara.Reactive[vs.Session | None] = solara.reactive(None)
#: Bumped after each change of the model session, so the page draws again.
tick = solara.reactive(0)
#: The settings differ from those of the model session (the next Step or Run rebuilds it).
dirty = solara.reactive(False)
error = solara.reactive("")


def _changed() -> None:
    tick.set(tick.value + 1)


def _build() -> None:
    region, resolution = vs.viz_overrides()
    model_session.set(vs.build_session(
        _pack(pack_name.value), values.value, switches.value, seed=int(seed.value),
        compare=compare.value, region=region, resolution=resolution))
    dirty.set(False)
    shown_year.set(None)
    _changed()


@solara.lab.task
def work(action: str) -> None:
    """Build, step, run or add the baseline, in a thread; errors go to the error panel."""
    try:
        error.set("")
        current = model_session.value
        if action == "build" or current is None or (dirty.value and action in ("step", "run")):
            _build()
            if action == "build":
                return
            current = model_session.value
        if action == "compare":
            if compare.value:
                vs.ensure_baseline(current)
        elif action == "step":
            vs.step_session(current)
            shown_year.set(None)
        elif action == "run":
            shown_year.set(None)

            def after_year(_s: vs.Session) -> bool:
                _changed()
                return work.is_current()

            vs.run_session(current, on_year=after_year)
        _changed()
    except Exception as exc:  # noqa: BLE001 - shown in the error panel, not a crash
        error.set(vs.describe_error(exc))


def _do(action: str) -> None:
    """Start ``action`` unless the model is busy (a click that came before the buttons were
    disabled)."""
    if not work.pending:
        work(action)


def _choose_pack(name: str) -> None:
    if name == pack_name.value and model_session.value is not None:
        return
    pack_name.set(name)
    values.set({})
    switches.set({})
    layer.set("")
    work("build")


def _set_value(name: str, value: float) -> None:
    values.set({**values.value, name: value})
    dirty.set(True)


def _set_switch(name: str, on: bool) -> None:
    switches.set({**switches.value, name: bool(on)})
    dirty.set(True)


def _set_seed(value: int) -> None:
    seed.set(int(value))
    dirty.set(True)


def _set_compare(on: bool) -> None:
    compare.set(bool(on))
    if on:
        work("compare")


# -- components -----------------------------------------------------------------------------


@solara.component
def ErrorPanel(message: str, title: str):
    """A visible error panel (class ``ruimte-error``)."""
    with solara.Card(title, classes=["ruimte-error"], style={"border": "2px solid #c62828"}):
        solara.Text(message, style={"color": "#c62828", "white-space": "pre-wrap"})


@solara.component
def Controls(pack: Pack, lang: str, busy: bool):
    ui = _UI[lang]
    titles = {getattr(_pack(n).pack, f"title_{lang}"): n for n in pack_names()}
    current_title = getattr(pack.pack, f"title_{lang}")
    with solara.Card(ui["settings"]):
        solara.Select(ui["pack"], values=list(titles), value=current_title,
                      on_value=lambda t: _choose_pack(titles[t]), disabled=busy,
                      classes=["ruimte-pack"])
        solara.Text(getattr(pack.pack, f"summary_{lang}"), style={"font-size": "0.9em"})
        with solara.Row():
            solara.ToggleButtonsSingle(value=language, values=list(vs.LANGUAGES),
                                       classes=["ruimte-language"])
            solara.InputInt(ui["seed"], value=int(seed.value), on_value=_set_seed,
                            disabled=busy)
        given_values = values.value
        with solara.Column(classes=["ruimte-sliders"]):
            for slider in pack.sliders:
                value = float(given_values.get(slider.name, slider.default))
                solara.Text(f"{getattr(slider, f'label_{lang}')}: {value:g}",
                            style={"font-size": "0.9em"})
                solara.SliderFloat(
                    "", value=value, min=slider.min, max=slider.max, step=slider.step,
                    on_value=lambda v, name=slider.name: _set_value(name, v), disabled=busy,
                    tick_labels="end_points")
        given_switches = switches.value
        for switch in pack.switches:
            solara.Checkbox(label=getattr(switch, f"label_{lang}"),
                            value=bool(given_switches.get(switch.name, switch.default)),
                            on_value=lambda on, name=switch.name: _set_switch(name, on),
                            disabled=busy)
        solara.Checkbox(label=ui["compare"], value=compare.value, on_value=_set_compare,
                        disabled=busy)
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
            solara.Button(ui["step"], on_click=lambda: _do("step"), disabled=busy,
                          color="primary", classes=["ruimte-step"])
            solara.Button(ui["run"].format(end=pack.pack.end_year),
                          on_click=lambda: _do("run"), disabled=busy, color="primary",
                          classes=["ruimte-run"])
            solara.Button(ui["reset"], on_click=lambda: _do("build"), disabled=busy,
                          outlined=True, classes=["ruimte-reset"])


def _figure(make, *args):
    try:
        return make(*args), ""
    except Exception as exc:  # noqa: BLE001 - shown in the error panel
        return None, vs.describe_error(exc)


@solara.component
def MapPanel(s: vs.Session, lang: str, version: int):
    ui = _UI[lang]
    names = vs.layer_names(s.pack)
    name = layer.value if layer.value in names else names[0]
    labels = {vs.layer_label(n, lang): n for n in names}
    years = s.years
    year = shown_year.value if shown_year.value in years else years[-1]
    show_both = compare.value
    fig, problem = solara.use_memo(
        lambda: _figure(vs.map_figure, s, name, year, lang, show_both),
        [id(s), version, name, year, lang, show_both])
    with solara.Card(ui["map"]):
        solara.Select(ui["layer"], values=list(labels), value=vs.layer_label(name, lang),
                      on_value=lambda label: layer.set(labels[label]), classes=["ruimte-layer"])
        if len(years) > 1:
            with solara.Div(style={"padding-bottom": "1.5em"}, classes=["ruimte-map-year"]):
                solara.SliderInt(ui["map_year"], value=year, min=years[0], max=years[-1],
                                 on_value=lambda y: shown_year.set(None if y >= s.year else y),
                                 tick_labels="end_points")
        with solara.Div(classes=["ruimte-map"]):
            if fig is not None:
                solara.FigureMatplotlib(fig, dependencies=[id(s), version, name, year, lang,
                                                           show_both], format="png")
        if problem:
            ErrorPanel(problem, ui["error"])


@solara.component
def ChartPanel(s: vs.Session, lang: str, version: int):
    ui = _UI[lang]
    show_both = compare.value
    fig, problem = solara.use_memo(
        lambda: _figure(vs.chart_figure, s, None, lang, show_both),
        [id(s), version, lang, show_both])
    with solara.Card(ui["charts"]):
        with solara.Div(classes=["ruimte-chart"]):
            if fig is not None:
                solara.FigureMatplotlib(fig, dependencies=[id(s), version, lang, show_both],
                                        format="png")
        if problem:
            ErrorPanel(problem, ui["error"])


@solara.component
def EventsPanel(s: vs.Session, lang: str, version: int):
    ui = _UI[lang]
    year = shown_year.value if shown_year.value in s.years else s.year
    title = (ui["events"].format(year=year) if year >= s.start_year else ui["events_start"])
    lines = solara.use_memo(lambda: _figure(vs.events, s, year, lang),
                            [id(s), version, year, lang])
    with solara.Card(title, classes=["ruimte-events"]):
        text, problem = lines
        if text:
            solara.HTML(tag="ul", unsafe_innerHTML="".join(
                f"<li>{html.escape(line)}</li>" for line in text))
        if problem:
            ErrorPanel(problem, ui["error"])


@solara.component
def Page():
    lang = language.value if language.value in vs.LANGUAGES else "nl"
    ui = _UI[lang]
    solara.Title("ruimte - " + ("les ruimtelijke ordening" if lang == "nl"
                                else "spatial-planning class"))
    solara.Style(_CSS)

    def start() -> None:
        if model_session.value is None and pack_name.value:
            work("build")

    solara.use_effect(start, [])
    if not pack_name.value:
        ErrorPanel("No teaching packs found in experiments/teaching/.", ui["error"])
        return
    try:
        pack = _pack(pack_name.value)
    except Exception as exc:  # noqa: BLE001
        ErrorPanel(vs.describe_error(exc), ui["error"])
        return
    busy = bool(work.pending)
    s = model_session.value
    version = tick.value
    if error.value:
        ErrorPanel(error.value, ui["error"])
    with solara.Columns([1, 2]):
        with solara.Column():
            Controls(pack, lang, busy)
            if s is not None:
                EventsPanel(s, lang, version)
            with solara.Card(ui["lesson"], classes=["ruimte-lesson"]):
                solara.HTML(tag="div", unsafe_innerHTML=_markdown_html(pack.lesson(lang)))
        with solara.Column():
            if s is not None and s.pack.name == pack.name:
                status = (ui["year"].format(year=s.year, start=s.start_year, end=s.end_year)
                          if s.year >= s.start_year else
                          ui["year_start"].format(start=s.start_year, end=s.end_year))
                with solara.Row():
                    solara.Text(status, classes=["ruimte-year"],
                                style={"font-weight": "bold"})
                    if busy:
                        solara.Text(ui["busy"], classes=["ruimte-busy"])
                if dirty.value:
                    solara.Info(ui["dirty"].format(start=s.start_year), dense=True)
                MapPanel(s, lang, version)
                ChartPanel(s, lang, version)
            else:
                solara.Text(ui["busy"], classes=["ruimte-busy"])
                solara.ProgressLinear(True)
