"""The landscape builder: open Dutch data in, one compact bundle on one grid out.

``ruimte data build --resolution {1000,250,100} [--source DIR] [--out DIR]`` calls
:func:`build_bundle`. Polygons are burnt by cell centre; a polygon too small to hold a cell centre
(a small Natura 2000 area, a PC4 area in a city centre) still gets the cell under its
representative point, so that every area is on the map and every PC4 total is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.warp import reproject
from scipy import ndimage
from scipy.spatial import cKDTree
from shapely.geometry import box

from abm.atomic import check_new_folder
from abm.errors import InputError
from environment import derived
from environment.bundle import BUNDLE_FILES, write_bundle
from environment.grid import Grid
from environment.sources import (
    SOURCES,
    check_sources,
    find_source_dir,
    read_table,
    read_vector,
)

#: FGR classes in a fixed order (ids 1..10 in ``fgr_id``).
FGR_ORDER: tuple[str, ...] = ("hz", "du", "lv", "zk", "ri", "hl", "az", "gg", "nz", "ni")
SOIL_ORDER: tuple[str, ...] = ("zand", "klei", "veen", "loess", "water", "onbekend")

#: Compact storage encodings (value = stored * scale); see environment.bundle.
ENCODINGS: dict[str, dict] = {
    "elevation_m_nap": {"stored_dtype": "int16", "scale": 0.01},
    "groundwater_depth_cm": {"stored_dtype": "int16", "scale": 1.0},
    "dist_station_m": {"stored_dtype": "uint16", "scale": 10.0},
    "dist_urban_centre_m": {"stored_dtype": "uint16", "scale": 10.0},
    "inhabitants": {"stored_dtype": "uint32", "scale": 0.01},
    "households": {"stored_dtype": "uint32", "scale": 0.01},
    "dwellings": {"stored_dtype": "uint32", "scale": 0.01},
    "adults_share_15_44": {"stored_dtype": "uint16", "scale": 1e-4},
    "adults_share_45_64": {"stored_dtype": "uint16", "scale": 1e-4},
    "adults_share_65plus": {"stored_dtype": "uint16", "scale": 1e-4},
    "income_low_share": {"stored_dtype": "uint16", "scale": 1e-4},
    "income_high_share": {"stored_dtype": "uint16", "scale": 1e-4},
}

#: CBS national dwelling stock on 1 January 2021 (CBS StatLine 82550NED, Voorraad woningen;
#: standen en mutaties vanaf 1921, beginstand 2021). It lies between 7,814,912 on 1 Jan 2019
#: (CBS 82900NED, ../shared/reference/statistics/housing_stock_ownership_national_82900NED.csv)
#: and 8,045,580 on 1 Jan 2022 (CBS, ../shared/reference/statistics/
#: population_housing_region.csv). The PC4 stock of 1 Jan 2019 is scaled to it.
CBS_DWELLINGS_NL_2021: int = 7_966_331

#: The 5-year age bands of the CBS PC4 age table (1 Jan 2021) in each adult age class.
ADULT_AGE_BANDS: dict[str, tuple[str, ...]] = {
    "15_44": ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44"),
    "45_64": ("45-49", "50-54", "55-59", "60-64"),
    "65plus": ("65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95+"),
}

#: Income columns of the CBS PC4 2017 table: percentage of private households in the national
#: lowest 40% and highest 20% of standardised disposable household income (the CBS kerncijfers
#: definitions '40% huishoudens met laagste inkomen' and '20% huishoudens met hoogste inkomen',
#: see e.g. CBS StatLine 84583NED). Household-weighted national means of the table: 40.5% and
#: 19.8%, as the definitions imply.
INCOME_COLUMNS: dict[str, str] = {
    "income_low_share": "P_LINK_HH",
    "income_high_share": "P_HINK_HH",
}


def _burn(
    geoms: gpd.GeoSeries, ids: np.ndarray, grid: Grid, dtype: str, ensure_every: bool = False
) -> np.ndarray:
    """Burn polygons with values ``ids`` (> 0) by cell centre; later shapes win overlaps.

    With ``ensure_every``, a shape that got no cell claims the cell under its representative point.
    """
    out = rasterize(
        zip(geoms, ids.tolist(), strict=True),
        out_shape=grid.shape,
        transform=grid.transform,
        fill=0,
        dtype=dtype,
    )
    if ensure_every:
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[np.unique(out)] = True
        for geom, value in zip(geoms, ids, strict=True):
            if present[value]:
                continue
            point = geom.representative_point()
            row = int((grid.y_max_m - point.y) // grid.cell_size_m)
            col = int((point.x - grid.x_min_m) // grid.cell_size_m)
            if 0 <= row < grid.n_rows and 0 <= col < grid.n_cols:
                out[row, col] = value
                present[value] = True
    return out


def _rep_cells(geoms: gpd.GeoSeries, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    points = geoms.representative_point()
    rows = ((grid.y_max_m - points.y.to_numpy()) // grid.cell_size_m).astype(np.int64)
    cols = ((points.x.to_numpy() - grid.x_min_m) // grid.cell_size_m).astype(np.int64)
    return np.clip(rows, 0, grid.n_rows - 1), np.clip(cols, 0, grid.n_cols - 1)


def _urbanisation(path: Path, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """GHS class on the grid (mode when coarser than the source, nearest otherwise), and the
    RD coordinates of the source's urban-centre (class 30) cell centres."""
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(str(path), "urbanisation", f"cannot be read as a raster ({exc})",
                         allowed=f"a GeoTIFF like {SOURCES['urbanisation'].path}") from None
    with src:
        data = src.read(1)
        out = np.zeros(grid.shape, dtype=np.uint8)
        coarser = grid.cell_size_m > abs(src.transform.a)
        reproject(
            data,
            out,
            src_transform=src.transform,
            src_crs=src.crs,
            dst_transform=grid.transform,
            dst_crs=grid.crs,
            src_nodata=0,
            dst_nodata=0,
            resampling=Resampling.mode if coarser else Resampling.nearest,
        )
        rows, cols = np.nonzero(data == 30)
        xs, ys = rasterio.transform.xy(src.transform, rows, cols)
    return out, np.column_stack([np.asarray(xs), np.asarray(ys)])


def _nearest_distance_m(points_xy: np.ndarray, grid: Grid) -> np.ndarray:
    x, y = grid.cell_centres_m()
    dist, _ = cKDTree(points_xy).query(np.column_stack([x.ravel(), y.ravel()]), workers=-1)
    return dist.reshape(grid.shape)


def _fill_nearest(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Replace missing cells by the value of the nearest present cell."""
    idx = ndimage.distance_transform_edt(missing, return_distances=False, return_indices=True)
    return values[tuple(idx)]


def _move_to_nearest(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Move whatever lies outside ``target`` cells to the nearest target cell; sums are kept."""
    out = np.where(target, values, 0.0)
    stray = ~target & (values != 0)
    if stray.any():
        rows, cols = ndimage.distance_transform_edt(
            ~target, return_distances=False, return_indices=True
        )
        np.add.at(out, (rows[stray], cols[stray]), values[stray])
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pc4_dwellings(pc4: gpd.GeoDataFrame, households: np.ndarray) -> np.ndarray:
    """Dwellings per PC4 row, scaled to :data:`CBS_DWELLINGS_NL_2021`.

    The PC4 stock of 1 Jan 2019; a PC4 without a value gets ``households`` (2021) times the
    national dwellings/households ratio of 2019 (over the PC4s with both values).
    """
    won = pd.to_numeric(pc4["woning_2019"], errors="coerce").to_numpy(float)
    hh19 = pd.to_numeric(pc4["aantal_hh_2019"], errors="coerce").to_numpy(float)
    known = np.isfinite(won) & (won >= 0)
    both = known & np.isfinite(hh19) & (hh19 > 0)
    per_household = won[both].sum() / hh19[both].sum()
    dwellings = np.where(known, won, households * per_household)
    return dwellings * (CBS_DWELLINGS_NL_2021 / dwellings.sum())


def _adult_shares(
    age: pd.DataFrame,
    pc4_codes: np.ndarray,
    inhabitants: np.ndarray,
    spread: Callable[[np.ndarray], np.ndarray],
    land: np.ndarray,
) -> dict[str, np.ndarray]:
    """The three ``adults_share_*`` layers (see :data:`ADULT_AGE_BANDS`).

    Per PC4, the inhabitants of each adult class (CBS age bands, 1 Jan 2021; a PC4 without
    age data or without adults: its inhabitants x the national adult fraction, split by the
    national shares) are spread like inhabitants; a cell's share is its class count over its
    adults, the national share where it has none; 0 off land.
    """
    band_class = {band: k for k, bands in ADULT_AGE_BANDS.items() for band in bands}
    persons = pd.to_numeric(age["inwoners"], errors="coerce").where(lambda v: v >= 0)
    code = pd.to_numeric(age["postcode"], errors="coerce")
    frame = pd.DataFrame({"code": code, "cls": age["leeftijd"].map(band_class), "n": persons})
    frame = frame[frame.code.notna()].astype({"code": np.int64})
    classes = list(ADULT_AGE_BANDS)
    counts = (
        frame.dropna(subset=["cls"]).groupby(["code", "cls"])["n"].sum(min_count=1)
        .unstack().reindex(columns=classes)
    )
    national = np.array(counts.sum(), dtype=float)
    adult_fraction = national.sum() / frame["n"].sum()
    national /= national.sum()
    per_pc4 = counts.reindex(pc4_codes).to_numpy(float)
    adults = per_pc4.sum(axis=1)
    valid = np.isfinite(adults) & (adults > 0)
    shares = np.where(valid[:, None], per_pc4 / np.where(valid, adults, 1.0)[:, None],
                      national[None, :])
    weight = np.where(valid, adults, inhabitants * adult_fraction)
    spread_counts = [spread(weight * shares[:, i]) for i in range(len(classes))]
    total = np.sum(spread_counts, axis=0)
    out = {}
    for i, k in enumerate(classes):
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, spread_counts[i] / total, national[i])
        out[f"adults_share_{k}"] = np.where(land, np.clip(share, 0.0, 1.0), 0.0).astype(
            np.float32
        )
    return out


def _income_shares(
    table: pd.DataFrame,
    pc4_codes: np.ndarray,
    households: np.ndarray,
    spread: Callable[[np.ndarray], np.ndarray],
    households_cells: np.ndarray,
    land: np.ndarray,
) -> dict[str, np.ndarray]:
    """The ``income_*_share`` layers (see :data:`INCOME_COLUMNS`): the household-weighted
    PC4 share per cell; the national mean where a PC4 has no value or a cell no households."""
    table = table.assign(PC4=pd.to_numeric(table["PC4"], errors="coerce")).dropna(subset=["PC4"])
    table = table.drop_duplicates("PC4")
    table.index = table["PC4"].astype(np.int64)
    weight = pd.to_numeric(table["AANTAL_HH"], errors="coerce")
    out = {}
    for name, col in INCOME_COLUMNS.items():
        # CBS codes secret or missing values as empty or negative (-99997 and the like).
        pct = pd.to_numeric(table[col], errors="coerce").where(lambda v: (v >= 0) & (v <= 100))
        ok = pct.notna() & (weight > 0)
        national = float((pct[ok] * weight[ok]).sum() / weight[ok].sum() / 100.0)
        per_pc4 = pct.reindex(pc4_codes).to_numpy(float) / 100.0
        per_pc4 = np.where(np.isfinite(per_pc4), per_pc4, national)
        spread_hh = spread(households * per_pc4)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(households_cells > 0, spread_hh / households_cells, national)
        out[name] = np.where(land, np.clip(share, 0.0, 1.0), 0.0).astype(np.float32)
    return out


def build_layers(source_dir: Path, grid: Grid) -> tuple[dict, dict, dict, dict]:
    """Build every layer of the catalogue on ``grid``.

    Returns
    -------
    layers, layer_meta, tables, summary : dict
        Arrays by name; per-layer provenance and encoding; code tables; national totals.
    """
    paths = check_sources(source_dir)
    read = {k: read_vector(paths[k], k) for k in SOURCES if paths[k].suffix == ".gpkg"}
    for key, frame in read.items():
        if frame.crs is None or frame.crs.to_epsg() != 28992:
            frame = frame.to_crs(28992)
        # Rows without geometry (one PC4 without area or inhabitants) cannot be placed.
        read[key] = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    layers: dict[str, np.ndarray] = {}
    tables: dict[str, list[dict]] = {}

    def by_code(frame: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
        return frame.sort_values(code).reset_index(drop=True)

    # Gemeenten are burnt; COROP and province follow from the gemeente, so the three levels
    # nest exactly (each gemeente lies in the COROP region and province under its
    # representative point).
    gem = by_code(read["gemeenten"], "gemeentecode")
    tables["gemeente"] = [
        {"code": c, "name": n} for c, n in zip(gem.gemeentecode, gem.gemeente, strict=True)
    ]
    layers["gemeente_id"] = _burn(gem.geometry, np.arange(1, len(gem) + 1), grid, "uint16")
    points = gpd.GeoDataFrame(geometry=gem.geometry.representative_point(), crs=gem.crs)
    for key, code, name, layer, dtype in (
        ("provinces", "provinciecode", "provincie", "province_id", "uint8"),
        ("corop", "coropcode", "coropnaam", "corop_id", "uint8"),
    ):
        parent = by_code(read[key], code)
        table = "province" if key == "provinces" else "corop"
        tables[table] = [
            {"code": c, "name": n} for c, n in zip(parent[code], parent[name], strict=True)
        ]
        hit = gpd.sjoin(points, parent[[code, "geometry"]], how="left", predicate="within")
        hit = hit[~hit.index.duplicated()]
        if hit[code].isna().any():
            missing = gem.gemeentecode[hit[code].isna().to_numpy()].tolist()
            raise ValueError(f"gemeenten outside every {table} polygon: {missing}")
        lut = np.zeros(len(gem) + 1, dtype=dtype)
        lut[1:] = [parent.index[parent[code] == c][0] + 1 for c in hit[code]]
        layers[layer] = lut[layers["gemeente_id"]]

    fgr = read["fgr"]
    soil_of = read_table(paths["fgr_soil"], "fgr_soil").set_index("afk")
    tables["fgr"] = [
        {"code": a, "name": soil_of.loc[a, "fgr"], "soil": soil_of.loc[a, "grondsoort_proxy"]}
        for a in FGR_ORDER
    ]
    tables["soil"] = [{"code": s, "name": s} for s in SOIL_ORDER]
    fgr_ids = np.array([FGR_ORDER.index(a) + 1 for a in fgr.afk])
    layers["fgr_id"] = _burn(fgr.geometry, fgr_ids, grid, "uint8")
    fgr_code = np.array(("",) + FGR_ORDER, dtype=object)[layers["fgr_id"]]
    soil_lut = np.array([0] + [SOIL_ORDER.index(soil_of.loc[a, "grondsoort_proxy"]) + 1
                               for a in FGR_ORDER], dtype=np.uint8)
    layers["soil_id"] = soil_lut[layers["fgr_id"]]

    n2k = by_code(read["natura2000"], "slug")
    flags = read["natura2000_n"].set_index("slug")["stikstofgevoelig"]
    sensitive = [bool(flags[s]) if s in flags.index else None for s in n2k.slug]
    # Offshore areas beyond the grid (Doggersbank, Klaverbank) stay in the table, without cells.
    on_grid = n2k.geometry.intersects(box(*grid.bounds_m)).to_numpy()
    tables["natura2000"] = [
        {"code": s, "name": n, "area_ha": round(float(a), 1), "n_sensitive": f, "on_grid": bool(g)}
        for s, n, a, f, g in zip(n2k.slug, n2k.naam, n2k.area_ha, sensitive, on_grid, strict=True)
    ]
    # Larger areas first so that a small area nested in a large one keeps its cells.
    order = np.argsort(-n2k.geometry.area.to_numpy(), kind="stable")
    layers["natura2000_id"] = _burn(
        n2k.geometry.iloc[order], order + 1, grid, "uint16", ensure_every=True
    )
    sens_lut = np.array([False] + [bool(f) for f in sensitive])
    layers["natura2000_n_sensitive"] = sens_lut[layers["natura2000_id"]]

    elev = read["elevation"]
    raw = rasterize(
        zip(elev.geometry, elev.elevation_m_nap.astype(float), strict=True),
        out_shape=grid.shape, transform=grid.transform, fill=np.nan, dtype="float64",
    )
    layers["elevation_m_nap"] = _fill_nearest(raw, np.isnan(raw)).astype(np.float32)

    water = read["large_water"]
    layers["large_water"] = _burn(water.geometry, np.ones(len(water), int), grid, "uint8") > 0

    urb, centres_xy = _urbanisation(paths["urbanisation"], grid)
    layers["urbanisation_class"] = urb

    in_nl = layers["gemeente_id"] > 0
    water_mask = (in_nl | layers["large_water"]) & (
        layers["large_water"] | np.isin(fgr_code, derived.WATER_FGR) | (urb == 10)
    )
    land = in_nl & ~water_mask
    layers["land_mask"] = land

    pc4 = read["pc4"].reset_index(drop=True)
    inh = pc4["inw_20210101_certegis"].fillna(0.0).to_numpy(float)
    hh_size = pc4["gem_hh_gr_2019"].to_numpy(float)
    known = (hh_size > 0) & (inh > 0)
    national_size = inh[known].sum() / (inh[known] / hh_size[known]).sum()
    hh = inh / np.where(hh_size > 0, hh_size, national_size)
    pc4_id = _burn(pc4.geometry, np.arange(1, len(pc4) + 1), grid, "uint16")
    weight = derived.urbanisation_weight(urb) * land
    cells = np.bincount(pc4_id.ravel(), minlength=len(pc4) + 1)[1:]
    rows, cols = _rep_cells(pc4.geometry, grid)
    lost = cells == 0

    def spread_pc4(totals: np.ndarray) -> np.ndarray:
        """PC4 totals on land cells (float64): by weight, a PC4 without cells at its
        representative point, then whatever lies off land to the nearest land cell."""
        out = derived.spread_by_weight(pc4_id, totals, weight)
        np.add.at(out, (rows[lost], cols[lost]), totals[lost])
        return _move_to_nearest(out, land)

    households_f8 = spread_pc4(hh)
    layers["inhabitants"] = spread_pc4(inh).astype(np.float32)
    layers["households"] = households_f8.astype(np.float32)
    pc4_codes = pc4["pc4"].to_numpy(np.int64)
    layers["dwellings"] = spread_pc4(_pc4_dwellings(pc4, hh)).astype(np.float32)
    layers.update(_adult_shares(read_table(paths["pc4_age"], "pc4_age"), pc4_codes, inh,
                                spread_pc4, land))
    layers.update(_income_shares(read_table(paths["pc4_2017"], "pc4_2017"), pc4_codes, hh,
                                 spread_pc4, households_f8, land))

    stations = read["stations"]
    layers["dist_station_m"] = _nearest_distance_m(
        np.column_stack([stations.geometry.x, stations.geometry.y]), grid
    ).astype(np.float32)
    layers["dist_urban_centre_m"] = _nearest_distance_m(centres_xy, grid).astype(np.float32)

    density_km2 = layers["inhabitants"] / (grid.cell_area_ha / 100.0)
    layers["land_use"] = derived.land_use(
        land,
        water_mask,
        urb,
        density_km2,
        layers["natura2000_id"] > 0,
        np.isin(fgr_code, derived.NATURE_FGR),
    )
    layers["deep_polder"] = derived.deep_polder(land, fgr_code, layers["elevation_m_nap"])
    layers["groundwater_depth_cm"] = derived.groundwater_depth_cm(
        land, fgr_code, layers["elevation_m_nap"]
    )

    def prov_of(*keys: str, method: str) -> dict:
        return {
            "sources": [
                {"file": SOURCES[k].path, "origin": SOURCES[k].origin,
                 "licence": SOURCES[k].licence}
                for k in keys
            ],
            "method": method,
        }

    provenance = {
        "land_mask": prov_of("gemeenten", "large_water", "fgr", "urbanisation",
                             method="in a gemeente polygon and not water (see land_use)"),
        "province_id": prov_of("provinces", "gemeenten",
                               method="province of the cell's gemeente (representative point)"),
        "corop_id": prov_of("corop", "gemeenten",
                            method="COROP region of the cell's gemeente (representative point)"),
        "gemeente_id": prov_of("gemeenten", method="cell centre in polygon"),
        "fgr_id": prov_of("fgr", method="cell centre in polygon"),
        "soil_id": prov_of("fgr", "fgr_soil", method="FGR class -> soil proxy table"),
        "natura2000_id": prov_of(
            "natura2000",
            method="cell centre in polygon, larger areas burnt first; an area holding no cell "
            "centre gets the cell under its representative point",
        ),
        "natura2000_n_sensitive": prov_of(
            "natura2000", "natura2000_n",
            method="area flag stikstofgevoelig joined by slug; areas without a flag count as "
            "not sensitive (assumption)",
        ),
        "elevation_m_nap": prov_of(
            "elevation", method="triangle value at cell centre; cells outside filled by nearest"
        ),
        "large_water": prov_of("large_water", method="cell centre in polygon"),
        "urbanisation_class": prov_of(
            "urbanisation", method="mode of source cells when coarser, nearest otherwise"
        ),
        "inhabitants": prov_of(
            "pc4", "urbanisation",
            method="PC4 inhabitants 2021 spread over the PC4's land cells in proportion to "
            "environment.derived.URBANISATION_DENSITY_WEIGHT (a PC4 without land cells: evenly, "
            "then moved to the nearest land cell); PC4 sums preserved",
        ),
        "households": prov_of(
            "pc4", "urbanisation",
            method="PC4 inhabitants 2021 / PC4 mean household size 2019 (national mean where "
            "missing), spread like inhabitants",
        ),
        "dwellings": prov_of(
            "pc4", "urbanisation",
            method="PC4 dwellings 1 Jan 2019 (a PC4 without a value: its households x the "
            "national dwellings/households ratio 2019), scaled so that the national total is the "
            f"CBS stock on 1 Jan 2021 ({CBS_DWELLINGS_NL_2021:,}, CBS 82550NED), spread like "
            "households",
        ),
        **{
            f"adults_share_{k}": prov_of(
                "pc4_age", "pc4", "urbanisation",
                method=f"inhabitants aged {k.replace('_', '-').replace('plus', '+')} / "
                "inhabitants aged 15+, from the 5-year age bands per PC4 on 1 Jan 2021 joined on "
                "the PC4 code; class counts spread like inhabitants and divided per cell, so the "
                "three shares sum to 1; national shares where a PC4 or cell has no adults",
            )
            for k in ADULT_AGE_BANDS
        },
        **{
            name: prov_of(
                "pc4_2017", "pc4", "urbanisation",
                method=f"CBS PC4 2017 {col} / 100 (share of private households in the national "
                f"{'lowest 40%' if col == 'P_LINK_HH' else 'highest 20%'} of standardised "
                "disposable household income) joined on the PC4 code; household-weighted mean "
                "of the PC4s spread like households; the household-weighted national mean where "
                "a PC4 has no value (secret or missing) or a cell no households",
            )
            for name, col in INCOME_COLUMNS.items()
        },
        "dist_station_m": prov_of("stations", method="distance from cell centre (k-d tree)"),
        "dist_urban_centre_m": prov_of(
            "urbanisation", method="distance from cell centre to nearest GHS class-30 cell centre"
        ),
        "land_use": prov_of(
            "provinces", "large_water", "fgr", "urbanisation", "pc4", "natura2000",
            method="environment.derived.land_use (rules in docs/data.md)",
        ),
        "deep_polder": prov_of("fgr", "elevation", method="environment.derived.deep_polder"),
        "groundwater_depth_cm": prov_of(
            "fgr", "elevation", method="environment.derived.groundwater_depth_cm (assumption)"
        ),
    }
    layer_meta = {
        name: {"provenance": provenance[name], "encoding": ENCODINGS.get(name)} for name in layers
    }
    summary = {
        "land_area_km2": round(float(land.sum() * grid.cell_area_ha / 100.0), 1),
        "inhabitants": round(float(layers["inhabitants"].sum(dtype=np.float64)), 1),
        "households": round(float(layers["households"].sum(dtype=np.float64)), 1),
        "dwellings": round(float(layers["dwellings"].sum(dtype=np.float64)), 1),
        "n_provinces": int(len(np.unique(layers["province_id"])) - 1),
        "n_corop": int(len(np.unique(layers["corop_id"])) - 1),
        "n_gemeenten": int(len(np.unique(layers["gemeente_id"])) - 1),
        "n_natura2000": int(len(np.unique(layers["natura2000_id"])) - 1),
    }
    return layers, layer_meta, tables, summary


def build_bundle(
    resolution_m: int, source: str | Path | None = None, out_dir: str | Path | None = None
) -> Path:
    """Build the national bundle at ``resolution_m`` and write it to ``out_dir``.

    Parameters
    ----------
    resolution_m : {1000, 250, 100}
        Cell size.
    source : path, optional
        Source folder (see :func:`environment.sources.find_source_dir`).
    out_dir : path, optional
        Bundle folder; default ``<cache>/bundles/nl_<resolution>m``.

    Returns
    -------
    Path
        The written bundle folder.
    """
    from environment.landscape import bundle_name, cache_dir

    grid = Grid.national(resolution_m)
    source_dir = find_source_dir(source).resolve()
    out = Path(out_dir) if out_dir is not None else cache_dir() / "bundles" / bundle_name(
        resolution_m
    )
    target = out.absolute().resolve()
    if target == source_dir or source_dir in target.parents or target in source_dir.parents:
        raise InputError(str(out), "--out", f"the bundle folder overlaps the source folder "
                         f"{source_dir}", allowed="a folder outside the source folder")
    check_new_folder(out, "--out", BUNDLE_FILES)
    layers, layer_meta, tables, summary = build_layers(source_dir, grid)
    extra = {
        "sources": {
            k: {"file": s.path, "sha256": _sha256(source_dir / s.path), "origin": s.origin,
                "licence": s.licence}
            for k, s in SOURCES.items()
        },
        "summary": summary,
    }
    return write_bundle(out, grid, layers, layer_meta, tables, extra)
