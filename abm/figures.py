"""Figures of one run: seaborn time series of the main indicators and maps of key layers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from abm.indicators import INDICATOR_BY_NAME  # noqa: E402
from agents.farmers.state import FARM_TYPES  # noqa: E402
from environment.layers import LAND_USE_CLASSES  # noqa: E402

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Indicators drawn in the time-series figure.
MAIN_INDICATORS: tuple[str, ...] = (
    "population",
    "households",
    "farms_total",
    "nh3_emission_kt",
    "n_deposition_n2000_mean_mol_ha_yr",
    "n2000_below_kdw_share",
    "agri_area_ha",
    "nature_area_ha",
    "water_storage_reserved_ha",
)
#: Indicators of the farmer model, drawn in their own panel figure.
FARMER_INDICATORS: tuple[str, ...] = (
    "farms_dairy", "farms_arable", "farms_intensive_livestock", "farms_greenhouse",
    "dairy_cows", "pigs", "organic_share", "gbd_share", "farm_income_meur",
    "land_price_eur_ha", "land_traded_ha", "nature_gained_ha", "buyout_signed",
    "farms_relocated", "budget_spent_meur", "peat_co2_mt", "kdw_exceedance_mean_mol_ha_yr",
    "subsidence_mm_yr_mean",
)
#: Indicators of the households, housing and firms, drawn in their own panel figure (those a
#: run has).
CITY_INDICATORS: tuple[str, ...] = (
    "homes_built", "homes_built_inbreiding", "homes_built_greenfield", "homes_built_masked",
    "homes_unbuilt",
    "housing_shortage_households", "farmland_converted_ha", "households_moved",
    "households_65plus", "homes_in_risk_cells", "jobs_within_reach_mean",
    "regional_disparity_theil", "jobs", "jobs_industrieel", "jobs_productie", "jobs_innovatie",
    "jobs_stedelijk", "business_land_ha", "business_land_shortfall_ha",
    "clustering_industrieel", "clustering_innovatie", "farmland_converted_business_ha",
)
LAND_USE_COLOURS = {1: "#d7301f", 2: "#f0e68c", 3: "#2e8b57", 4: "#6baed6"}
FARM_TYPE_COLOURS = {1: "#1b9e77", 2: "#e6ab02", 3: "#d95f02", 4: "#7570b3", 5: "#e7298a",
                     6: "#a6761d"}


def _top_level(frame: pd.DataFrame) -> pd.DataFrame:
    """The national rows; in a regional run (no national rows) the rows of its provinces (shares
    and prices do not add up over provinces, so each province keeps its own line)."""
    national = frame[frame.level == "nl"]
    if not national.empty:
        return national
    return frame[frame.level == "provincie"]


def timeseries(frame: pd.DataFrame, path: Path,
               indicators: tuple[str, ...] = MAIN_INDICATORS,
               title: str = "ruimte: main indicators") -> None:
    """One panel per indicator over the years (default: the main indicators); a regional run
    draws one line per province."""
    top = _top_level(frame)
    long = top.melt(id_vars=["year", "region_code"], value_vars=list(indicators),
                    var_name="indicator")
    long["indicator"] = [f"{n} [{INDICATOR_BY_NAME[n].unit}]" for n in long.indicator]
    hue = "region_code" if long.region_code.nunique() > 1 else None
    grid = sns.relplot(data=long, x="year", y="value", col="indicator", col_wrap=3, kind="line",
                       hue=hue, marker="o", height=2.6, aspect=1.3,
                       facet_kws={"sharey": False})
    grid.set_titles("{col_name}")
    grid.figure.suptitle(title, y=1.02)
    grid.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(grid.figure)


def provinces(frame: pd.DataFrame, indicator: str, path: Path) -> None:
    """One line per province for ``indicator``."""
    prov = frame[frame.level == "provincie"]
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.lineplot(data=prov, x="year", y=indicator, hue="region_code", ax=ax)
    ax.set_ylabel(f"{indicator} [{INDICATOR_BY_NAME[indicator].unit}]")
    ax.legend(title="province", fontsize=7, ncols=2)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _extent_km(model: RegionModel) -> list[float]:
    left, bottom, right, top = model.landscape.grid.bounds_m
    return [left / 1000, right / 1000, bottom / 1000, top / 1000]


def map_categories(values: np.ndarray, model: RegionModel, path: Path, title: str,
                   labels: dict[int, str], colours: dict[int, str]) -> None:
    """A categorical map: codes 1..n with their labels and colours; 0 is blank."""
    codes = sorted(labels)
    cmap = ListedColormap(["white"] + [colours[c] for c in codes])
    norm = BoundaryNorm(np.arange(-0.5, len(codes) + 1), cmap.N)
    fig, ax = plt.subplots(figsize=(6, 7))
    ax.imshow(values, cmap=cmap, norm=norm, extent=_extent_km(model), interpolation="nearest")
    ax.legend(handles=[Patch(color=colours[c], label=labels[c]) for c in codes],
              loc="lower right", fontsize=8)
    _finish(ax, fig, title, path)


def map_land_use(land_use: np.ndarray, model: RegionModel, path: Path) -> None:
    map_categories(land_use, model, path, f"Land use {model.year}", LAND_USE_CLASSES,
                   LAND_USE_COLOURS)


def map_values(values: np.ndarray, model: RegionModel, path: Path, title: str, label: str,
               log: bool = False, cmap: str = "viridis") -> None:
    shown = np.where(model.landscape["land_mask"], values, np.nan).astype(float)
    fig, ax = plt.subplots(figsize=(6, 7))
    positive = shown[np.isfinite(shown) & (shown > 0)]
    norm = LogNorm(vmin=max(positive.min(), 1e-3), vmax=positive.max()) if (
        log and positive.size) else None
    image = ax.imshow(shown, cmap=cmap, norm=norm, extent=_extent_km(model),
                      interpolation="nearest")
    fig.colorbar(image, ax=ax, shrink=0.6, label=label)
    _finish(ax, fig, title, path)


def _finish(ax: plt.Axes, fig: plt.Figure, title: str, path: Path) -> None:
    ax.set_title(title)
    ax.set_xlabel("RD x [km]")
    ax.set_ylabel("RD y [km]")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def draw_all(frame: pd.DataFrame, maps: dict[str, np.ndarray], model: RegionModel,
             out: Path) -> list[Path]:
    """Draw every figure of a run into ``out``; return the paths."""
    sns.set_theme(style="whitegrid", context="paper")
    paths = [out / "timeseries.png", out / "population_by_province.png",
             out / "map_land_use.png", out / "map_inhabitants.png",
             out / "map_groundwater_depth_cm.png", out / "map_no_new_buildings.png",
             out / "map_n_deposition.png", out / "map_farm_type.png",
             out / "farmers.png", out / "land_price_by_province.png",
             out / "map_kdw_exceedance.png", out / "map_nature_gained.png"]
    timeseries(frame, paths[0])
    provinces(frame, "population", paths[1])
    timeseries(frame, paths[8], FARMER_INDICATORS, "ruimte: farmers and the landbouw-natuur "
               "transition")
    provinces(frame, "land_price_eur_ha", paths[9])
    map_values(maps["kdw_exceedance_mol_ha_yr"], model, paths[10],
               f"Exceedance of the critical deposition {model.year}",
               "mol N/ha/yr above KDW (N-sensitive Natura 2000)", cmap="OrRd")
    map_values(maps["nature_gained_ha"] / model.landscape.grid.cell_area_ha, model, paths[11],
               f"Farmland turned into nature since {model.start_year}", "share of the cell",
               cmap="Greens")
    map_land_use(maps["land_use"], model, paths[2])
    cell_km2 = model.landscape.grid.cell_area_ha / 100.0
    map_values(maps["inhabitants"] / cell_km2, model, paths[3],
               f"Inhabitants {model.year}", "inhabitants per km2", log=True, cmap="magma")
    map_values(maps["groundwater_depth_cm"], model, paths[4],
               "Groundwater depth below surface", "cm", cmap="YlGnBu_r")
    map_values(maps["no_new_buildings"], model, paths[5],
               f"No new buildings {model.year}", "1 = not allowed", cmap="Reds")
    map_values(maps["n_deposition_mol_ha_yr"], model, paths[6],
               f"N deposition {model.year}", "mol N/ha/yr", cmap="inferno")
    map_categories(maps["farm_type"], model, paths[7], f"Farm types {model.year}",
                   {i + 1: name for i, name in enumerate(FARM_TYPES)}, FARM_TYPE_COLOURS)
    paths += _city_figures(frame, maps, model, out)
    return paths


def _city_figures(frame: pd.DataFrame, maps: dict[str, np.ndarray], model: RegionModel,
                  out: Path) -> list[Path]:
    """Households, housing and firms: a panel, homes built by province, maps of the homes
    built and the farmland converted, and a map of every building-mask zone."""
    from abm.figures_masks import draw_building_zones

    from agents.households import CLAIMS

    paths = [out / "cities.png", out / "homes_built_by_province.png",
             out / "map_homes_built.png", out / "map_farmland_converted.png",
             out / "map_land_claims.png"]
    have = tuple(name for name in CITY_INDICATORS if name in frame.columns)
    timeseries(frame, paths[0], have, "ruimte: households, housing and firms")
    provinces(frame, "homes_built", paths[1])
    cell_ha = model.landscape.grid.cell_area_ha
    map_values(maps["dwellings_added"] / cell_ha, model, paths[2],
               f"Homes built {model.start_year}-{model.year}", "homes per ha", cmap="Reds")
    map_values(maps["farmland_converted_ha"] / cell_ha, model, paths[3],
               f"Farmland built on {model.start_year}-{model.year}", "share of the cell",
               cmap="Oranges")
    map_categories(maps["land_claim"], model, paths[4],
                   f"Which claim took farmland {model.start_year}-{model.year}", CLAIMS,
                   {1: "#d7301f", 2: "#7570b3", 3: "#2e8b57", 4: "#f0c419", 5: "#525252",
                    6: "#8c6d31", 7: "#3182bd"})
    return paths + draw_building_zones(model, out)
