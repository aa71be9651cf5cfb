"""Brook valleys (beekdalen) on the Hogere Zandgronden and the share of each cell in a buffer.

The open data of the bundle hold no brook layer (docs/data.md). Two ways to place the
buffers of WBS-32 (004_9972baf923c41044.txt:L1480-1484: buffer zones of 100-250 m on both sides
of the brook):

* a proxy computed from the layers (:func:`brook_valley_cells`, :func:`buffer_share_proxy`):
  land on the Hogere Zandgronden that lies clearly lower than its surroundings. ASSUMPTION with a
  plain weakness: the elevation layer is coarse (triangles of about 8 km2), so the rule finds low
  *areas* (broad valley floors and depressions), not brooks; it cannot see narrow valleys and it
  also picks flat basins without a brook. At 1000 m or 250 m the buffer is narrower than a cell,
  so it is a share of each brook-valley cell: ``2 x width x brook density``;
* a user file of brook lines (:func:`read_brook_file`), buffered by the width and rasterised to
  the exact share of every cell covered.

Pure functions of arrays; units in the names.
"""

from __future__ import annotations

import numpy as np

#: ASSUMPTION: radius of the neighbourhood whose mean elevation a cell is compared with;
#: explore 1500-5000 m.
NEIGHBOURHOOD_RADIUS_M = 2500.0
#: ASSUMPTION: a cell is in a brook valley when it lies at least this much below the mean
#: elevation of the sand land in its neighbourhood; explore 0.5-2.0 m. With 1.0 m about 24% of
#: the land of the Hogere Zandgronden is brook valley (at 1000 m and 250 m alike).
VALLEY_DEPTH_M = 1.0
#: ASSUMPTION: length of brook per km2 of brook valley (km/km2); explore 0.5-2.0. No published
#: density of brooks in sandy brook valleys was found; one brook through the middle of a 1 km
#: wide valley floor is 1 km/km2.
BROOK_DENSITY_KM_KM2 = 1.0
#: Sub-cells per cell edge when rasterising a user file (area share resolution); the sub-cell is
#: at most 25 m.
SUBCELL_M = 25.0

FILE_ALLOWED = ("a GeoPackage (.gpkg) or GeoJSON (.geojson, .json) file of brook lines "
                "(LineString or MultiLineString, with a CRS or in EPSG:28992)")


def brook_valley_cells(elevation_m_nap: np.ndarray, sand: np.ndarray, cell_size_m: float,
                       radius_m: float = NEIGHBOURHOOD_RADIUS_M,
                       depth_m: float = VALLEY_DEPTH_M) -> np.ndarray:
    """Cells of ``sand`` at least ``depth_m`` below the mean elevation of the sand cells within
    a square neighbourhood of half-width ``radius_m`` (bool, grid shape).

    Examples
    --------
    >>> z = np.array([[5.0, 5.0, 5.0], [5.0, 2.0, 5.0], [5.0, 5.0, 5.0]])
    >>> brook_valley_cells(z, np.ones((3, 3), bool), 1000.0, radius_m=1000.0).astype(int)
    array([[0, 0, 0],
           [0, 1, 0],
           [0, 0, 0]])
    """
    from scipy import ndimage

    size = 2 * int(round(radius_m / cell_size_m)) + 1
    weight = ndimage.uniform_filter(sand.astype(np.float64), size, mode="constant")
    total = ndimage.uniform_filter(np.where(sand, elevation_m_nap, 0.0).astype(np.float64), size,
                                   mode="constant")
    mean_m = total / np.maximum(weight, 1e-12)
    return sand & (elevation_m_nap <= mean_m - depth_m)


def buffer_share_proxy(valley: np.ndarray, width_m: float,
                       density_km_km2: float = BROOK_DENSITY_KM_KM2) -> np.ndarray:
    """Share of each brook-valley cell inside the buffers: ``2 x width x density``, at most 1.

    Examples
    --------
    >>> buffer_share_proxy(np.array([True, False]), 100.0).tolist()
    [0.2, 0.0]
    """
    share = min(2.0 * width_m / 1000.0 * density_km_km2, 1.0)
    return np.where(valley, share, 0.0)


def read_brook_file(path: str, grid, width_m: float) -> np.ndarray:
    """Share of every cell of ``grid`` within ``width_m`` of a brook line of a user file.

    The lines are buffered by ``width_m`` (both sides), dissolved, and rasterised onto sub-cells
    of at most :data:`SUBCELL_M`; the share is the covered fraction of each cell. Any problem is
    an :class:`~abm.errors.InputError` naming the file, the field ``beekdal_file`` and what is
    allowed.
    """
    import geopandas as gpd
    import rasterio.features
    from affine import Affine

    from abm.errors import InputError

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file
        raise InputError(path, "beekdal_file", f"cannot be read as a vector file ({exc})",
                         allowed=FILE_ALLOWED) from None
    geoms = frame.geometry[~frame.geometry.is_empty & frame.geometry.notna()] \
        if "geometry" in frame else None
    if geoms is None or len(geoms) == 0:
        raise InputError(path, "beekdal_file", "holds no geometries", allowed=FILE_ALLOWED)
    kinds = set(geoms.geom_type)
    if not kinds <= {"LineString", "MultiLineString"}:
        raise InputError(path, "beekdal_file",
                         f"holds {', '.join(sorted(kinds - {'LineString', 'MultiLineString'}))} "
                         "geometries, not brook lines", allowed=FILE_ALLOWED)
    if frame.crs is not None and frame.crs.to_epsg() != 28992:
        geoms = geoms.to_crs(28992)
    zone = geoms.buffer(width_m).union_all()
    k = max(1, int(round(grid.cell_size_m / SUBCELL_M)))
    fine = rasterio.features.rasterize(
        [(zone, 1)], out_shape=(grid.n_rows * k, grid.n_cols * k),
        transform=Affine(grid.cell_size_m / k, 0.0, grid.x_min_m, 0.0, -grid.cell_size_m / k,
                         grid.y_max_m), fill=0, dtype=np.uint8)
    return fine.reshape(grid.n_rows, k, grid.n_cols, k).mean(axis=(1, 3))
