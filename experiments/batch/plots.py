"""Ensemble figures of a batch: trajectories with bands, scenarios compared, ensemble maps.

``ruimte batch plot FOLDER`` draws, from the runs that succeeded (:func:`store.collect`):

``ensemble_trajectories.png``
    one panel per indicator: the median over the runs of each scenario (colour = base scenario)
    and the band from the 5th to the 95th percentile over seeds and parameter samples;
``scenario_comparison.png``
    per indicator and scenario, the median (diamond) with the 5-95 % interval and every run
    as a dot, at the target years 2030, 2035 and 2050 that lie within the run's years (else
    the last year);
``ensemble_map_<layer>.png``
    per kept map layer (``maps = [...]`` of the experiment, ``runs/<run_id>.maps.npz``) and per
    scenario, the ensemble mean and standard deviation of every cell; for the categorical layers
    (land use, farm type, land claim) the most frequent class and the share of runs that
    disagree with it. None when the experiment keeps no maps.

The values are those of the top level (:func:`experiments.batch.levels.top_level`): the nation
in a national run, the province (or the provinces together) in a regional run. Every figure is
drawn after all the data is read and written to a temporary name, then renamed.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from abm.errors import InputError  # noqa: E402
from abm.indicators import INDICATOR_BY_NAME  # noqa: E402
from experiments.batch.levels import indicator_columns, top_level  # noqa: E402
from experiments.batch.store import collect, maps_path, read_manifest  # noqa: E402

#: The indicators drawn by default (those a batch has).
DEFAULT_INDICATORS: tuple[str, ...] = (
    "nh3_emission_kt", "n2000_below_kdw_share", "farms_total", "homes_built", "jobs",
    "peat_co2_mt",
)
#: The years the scenarios are compared at (those within the runs' years).
TARGET_YEARS: tuple[int, ...] = (2030, 2035, 2050)
#: Map layers of categories: the ensemble shows the modal class and the disagreement.
CATEGORICAL_MAPS: tuple[str, ...] = ("land_use", "farm_type", "land_claim")


def choose_indicators(frame: pd.DataFrame, indicators: list[str] | None) -> list[str]:
    """The indicators to draw: the given ones (checked) or the default set present."""
    have = indicator_columns(frame)
    if not indicators:
        chosen = [n for n in DEFAULT_INDICATORS if n in have]
        return chosen or have[:6]
    for name in indicators:
        if name not in have:
            raise InputError("--indicators", "indicators", f"unknown indicator {name!r}",
                             allowed=have or sorted(INDICATOR_BY_NAME))
    return list(dict.fromkeys(indicators))


def label(name: str) -> str:
    """An indicator's name with its unit."""
    ind = INDICATOR_BY_NAME.get(name)
    return f"{name} [{ind.unit}]" if ind is not None else name


def target_years(years: list[int]) -> list[int]:
    """The target years within ``years``, else the last year."""
    inside = [y for y in TARGET_YEARS if y in years]
    return inside or [max(years)]


def _save(fig: plt.Figure, path: Path) -> Path:
    tmp = path.with_name(f".tmp-{path.stem}-{os.getpid()}.png")
    try:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return path


def _long(top: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    long = top.melt(id_vars=["run_id", "base_scenario", "year"], value_vars=indicators,
                    var_name="indicator")
    long["indicator"] = long["indicator"].map(label)
    return long


def _tidy(ax: plt.Axes, integer_x: bool = True) -> None:
    """Whole years on x; no offset notation on y; a flat line gets a visible y range."""
    from matplotlib.ticker import MaxNLocator

    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    low, high = ax.get_ylim()
    middle = (low + high) / 2
    if high - low <= 1e-9 * max(abs(middle), 1.0):
        pad = 0.05 * abs(middle) if middle else 1.0
        ax.set_ylim(middle - pad, middle + pad)


def trajectories(top: pd.DataFrame, indicators: list[str], title: str) -> plt.Figure:
    """Panels of median and 5-95 % band over the runs per scenario."""
    long = _long(top, indicators)
    grid = sns.relplot(data=long, x="year", y="value", col="indicator", hue="base_scenario",
                       kind="line", estimator="median", errorbar=("pi", 90), marker="o",
                       col_wrap=min(3, len(indicators)), height=2.6, aspect=1.3,
                       facet_kws={"sharey": False})
    grid.set_titles("{col_name}")
    grid.set_axis_labels("year", "")
    for ax in grid.axes.flat:
        _tidy(ax)
    if grid.legend is not None:
        grid.legend.set_title("scenario")
    grid.figure.suptitle(title, y=1.03)
    return grid.figure


def comparison(top: pd.DataFrame, indicators: list[str], years: list[int],
               title: str) -> plt.Figure:
    """A box and the runs' values per scenario at the target years, one panel per indicator."""
    long = _long(top[top.year.isin(years)], indicators)
    long["year"] = long["year"].astype(str)
    n = len(indicators)
    cols = min(3, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False)
    order = list(dict.fromkeys(top.base_scenario))
    for ax, name in zip(axes.flat, indicators, strict=False):
        sub = long[long.indicator == label(name)]
        sns.stripplot(data=sub, x="year", y="value", hue="base_scenario", hue_order=order,
                      dodge=0.5, size=3, alpha=0.35, ax=ax, legend=False)
        sns.pointplot(data=sub, x="year", y="value", hue="base_scenario", hue_order=order,
                      estimator="median", errorbar=("pi", 90), dodge=0.5, linestyle="none",
                      markers="D", capsize=0.15, ax=ax, legend=ax is axes.flat[0])
        ax.set_title(label(name), fontsize=9)
        ax.set_ylabel("")
        _tidy(ax, integer_x=False)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    first = axes.flat[0]
    if first.get_legend() is not None:
        first.legend(title="scenario", fontsize=7, title_fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _landscape(folder: Path):
    """The run region's landscape (for the land mask and extent), or None if unavailable."""
    try:
        from environment.landscape import load_landscape
        from experiments.batch.design import base_scenario, load_experiment

        exp, _ = load_experiment(folder / "experiment.toml")
        scenario = base_scenario(exp, exp.scenarios[0])[2]
        national = load_landscape(exp.resolution_m, build_missing=False)
        return national.subset(scenario.provinces) if scenario.provinces else national
    except Exception:  # noqa: BLE001 - maps are drawn in cell coordinates without it
        return None


def _ensemble(stack: np.ndarray, categorical: bool) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std over the runs; for categories the modal class and the share of runs not
    in it."""
    if not categorical:
        return stack.mean(axis=0), stack.std(axis=0)
    codes = np.unique(stack)
    counts = np.stack([(stack == c).sum(axis=0) for c in codes])
    mode = codes[counts.argmax(axis=0)]
    return mode.astype(float), 1.0 - counts.max(axis=0) / stack.shape[0]


def _classes(name: str) -> tuple[dict[int, str], dict[int, str]]:
    """Labels and colours of a categorical layer's codes (0 = none, drawn white)."""
    from abm.figures import FARM_TYPE_COLOURS, LAND_USE_COLOURS
    from agents.farmers.state import FARM_TYPES
    from agents.households import CLAIMS
    from environment.layers import LAND_USE_CLASSES

    if name == "land_use":
        return LAND_USE_CLASSES, LAND_USE_COLOURS
    if name == "farm_type":
        return {i + 1: n for i, n in enumerate(FARM_TYPES)}, FARM_TYPE_COLOURS
    palette = sns.color_palette("tab10", len(CLAIMS))
    return CLAIMS, {c: matplotlib.colors.to_hex(palette[i]) for i, c in enumerate(CLAIMS)}


def _draw_classes(ax: plt.Axes, values: np.ndarray, name: str, extent) -> None:
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    labels, colours = _classes(name)
    codes = sorted(labels)
    index = np.full(values.shape, np.nan)
    index[values == 0] = 0
    for k, code in enumerate(codes, start=1):
        index[values == code] = k
    cmap = ListedColormap(["white"] + [colours[c] for c in codes])
    norm = BoundaryNorm(np.arange(-0.5, len(codes) + 1), cmap.N)
    ax.imshow(index, cmap=cmap, norm=norm, extent=extent, interpolation="nearest")
    present = [c for c in codes if (values == c).any()]
    ax.legend(handles=[Patch(color=colours[c], label=labels[c]) for c in present],
              loc="lower right", fontsize=6)


def ensemble_maps(folder: Path, manifest: pd.DataFrame) -> list[tuple[str, plt.Figure]]:
    """Per kept map layer a figure: a row per scenario; columns mean and std (categories: the
    modal class and the share of runs not in it)."""
    done = manifest[manifest.status == "succeeded"]
    layers: dict[str, dict[str, list[np.ndarray]]] = {}
    for rid, scenario in zip(done.run_id, done.scenario, strict=True):
        path = maps_path(folder, rid)
        if path is None:
            continue
        with np.load(path) as data:
            for name in data.files:
                layers.setdefault(name, {}).setdefault(scenario, []).append(
                    np.asarray(data[name], dtype=np.float64))
    if not layers:
        return []
    land = _landscape(folder)
    mask, extent, km = None, None, False
    if land is not None:
        mask = np.asarray(land["land_mask"], dtype=bool)
        left, bottom, right, top = land.grid.bounds_m
        extent, km = [left / 1000, right / 1000, bottom / 1000, top / 1000], True
    figures = []
    for name, by_scenario in layers.items():
        categorical = name in CATEGORICAL_MAPS
        scenarios = list(by_scenario)
        results = {s: _ensemble(np.stack(v), categorical) for s, v in by_scenario.items()}
        if mask is not None and all(m.shape == mask.shape for m, _ in results.values()):
            results = {s: (np.where(mask, a, np.nan), np.where(mask, b, np.nan))
                       for s, (a, b) in results.items()}
        heads = (("most frequent class", "share of runs not in it") if categorical
                 else ("ensemble mean", "ensemble std"))
        fig, axes = plt.subplots(len(scenarios), 2, figsize=(10, 4.4 * len(scenarios)),
                                 squeeze=False)
        for col, head in enumerate(heads):
            values = [results[s][col] for s in scenarios]
            finite = np.concatenate([v[np.isfinite(v)].ravel() for v in values])
            vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0, 1)
            if vmax <= vmin:
                vmax = vmin + 1.0
            for row, scenario in enumerate(scenarios):
                ax = axes[row, col]
                ax.grid(False)
                if categorical and col == 0:
                    _draw_classes(ax, results[scenario][col], name, extent)
                else:
                    image = ax.imshow(results[scenario][col],
                                      cmap="viridis" if col == 0 else "magma",
                                      vmin=vmin, vmax=vmax, extent=extent,
                                      interpolation="nearest")
                    fig.colorbar(image, ax=ax, shrink=0.7,
                                 label="share of runs" if categorical else name)
                ax.set_title(f"{scenario}: {head} ({len(by_scenario[scenario])} runs)",
                             fontsize=9)
                ax.set_xlabel("RD x [km]" if km else "column")
                ax.set_ylabel("RD y [km]" if km else "row")
        fig.suptitle(f"Ensemble map of {name} at the end year")
        fig.tight_layout()
        figures.append((f"ensemble_map_{name}.png", fig))
    return figures


def plot_batch(folder: str | Path, out: str | Path | None = None,
               indicators: list[str] | None = None) -> list[Path]:
    """Draw the ensemble figures of a batch folder into ``out`` (default ``FOLDER/figures``);
    return the paths written."""
    folder = Path(folder)
    frame = collect(folder)  # an InputError if FOLDER is not a batch folder
    if frame.empty:
        raise InputError(str(folder), "runs", "no run has succeeded yet",
                         allowed="a folder with at least one succeeded run "
                         "('ruimte batch run' writes them)")
    chosen = choose_indicators(frame, indicators)
    top = top_level(frame)
    years = sorted(int(y) for y in top.year.unique())
    name = str(frame["experiment"].iloc[0]) if "experiment" in frame else folder.name
    where = ("the Netherlands" if (top.level == "nl").any() else
             "region " + ", ".join(sorted(frame.loc[frame.level == "provincie",
                                                    "region_code"].unique())))
    n_runs = frame.run_id.nunique()
    sns.set_theme(style="whitegrid", context="paper")
    figures = [
        ("ensemble_trajectories.png",
         trajectories(top, chosen, f"{name}: median and 5-95 % band over {n_runs} runs "
                      f"({where})")),
        ("scenario_comparison.png",
         comparison(top, chosen, target_years(years), f"{name}: scenarios compared "
                    f"({where})")),
    ]
    target = Path(out) if out else folder / "figures"
    figures += ensemble_maps(folder, read_manifest(folder))
    target.mkdir(parents=True, exist_ok=True)
    return [_save(fig, target / fname) for fname, fig in figures]
