"""Placing farms on the map: a farmstead cell per farm and parcels around it.

Rule (documented in docs/farmers.md):

1. Each agricultural cell of a province can hold ``cell area x utilised share x (1 + slack)``
   hectares of farmland (at most the cell), where the utilised share is the province's census
   area over its agricultural land-use area (0.59-0.84 at 250 m; the rest is roads, yards,
   ditches, woods) and :data:`CAPACITY_SLACK` leaves room near farmsteads, so that the last
   farms placed still find land near their farmstead.
2. Farmsteads are drawn per province and farm type with probability proportional to
   ``exp(suitability)`` over its agricultural cells; suitability adds a soil preference per type
   (:data:`SOIL_PREFERENCE`), an urban-fringe preference for greenhouses and a penalty for
   intensive livestock within :data:`N2000_BUFFER_M` of Natura 2000.
3. In random order, each farm takes parcels from its farmstead cell outward in square rings
   until its area is placed (:func:`assign_parcels`, compiled with numba).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from agents.farmers.state import (
    ARABLE,
    DAIRY,
    FARM_TYPES,
    GREENHOUSE,
    HORTICULTURE,
    INTENSIVE,
    MIXED,
    FarmState,
)
from environment.distance import distance_m
from environment.landscape import Landscape
from environment.layers import AGRICULTURE

SOILS = ("zand", "klei", "veen", "loess", "water", "onbekend")
#: ASSUMPTION: log-odds preference of each farm type for each soil (columns: SOILS); grassland
#: farming on peat and clay, arable farming on (marine) clay and loess, intensive livestock and
#: horticulture on sand. Explore each value +-0.5.
SOIL_PREFERENCE = np.zeros((len(FARM_TYPES), len(SOILS)))
SOIL_PREFERENCE[DAIRY] = [0.3, 0.3, 1.0, 0.0, 0.0, 0.0]
SOIL_PREFERENCE[ARABLE] = [0.0, 1.0, -1.0, 0.5, 0.0, 0.0]
SOIL_PREFERENCE[INTENSIVE] = [1.0, -0.5, -1.0, 0.3, 0.0, 0.0]
SOIL_PREFERENCE[GREENHOUSE] = [0.0, 0.5, 0.0, 0.0, 0.0, 0.0]
SOIL_PREFERENCE[HORTICULTURE] = [0.5, 0.5, -0.5, 0.3, 0.0, 0.0]
SOIL_PREFERENCE[MIXED] = 0.0
#: ASSUMPTION: greenhouses prefer the urban fringe (GHS rural cluster, suburban, semi-dense).
GREENHOUSE_FRINGE_CLASSES = (13, 21, 22)
GREENHOUSE_FRINGE_PREFERENCE = 1.0
#: ASSUMPTION: intensive livestock avoids the first kilometre around Natura 2000 (permits).
N2000_BUFFER_M = 1000.0
N2000_BUFFER_PREFERENCE = -1.5
#: ASSUMPTION: a cell may hold up to this much more farmland than its province's mean utilised
#: share (farmland is denser near farmsteads than on the province's fringes); explore 0.1-0.5.
CAPACITY_SLACK = 0.3


def capacity_ha(landscape: Landscape, census_area_ha: dict[int, float]) -> np.ndarray:
    """Farmland each cell can hold (ha), flat; 0 off agricultural land.

    Parameters
    ----------
    census_area_ha : dict of int to float
        Census utilised area by province id.
    """
    agri = (landscape["land_use"] == AGRICULTURE).ravel()
    prov = landscape["province_id"].ravel()
    cell_ha = landscape.grid.cell_area_ha
    share = np.zeros(len(landscape.tables["province"]) + 1)
    agri_cells = np.bincount(prov[agri], minlength=share.size)
    for pid, area in census_area_ha.items():
        if agri_cells[pid]:
            share[pid] = min(1.0, (1.0 + CAPACITY_SLACK) * area / (agri_cells[pid] * cell_ha))
    return np.where(agri, cell_ha * share[prov], 0.0)


def suitability(landscape: Landscape, n2000_distance_m: np.ndarray | None = None
                ) -> np.ndarray:
    """Log-odds suitability of every cell for a farmstead of each type, shape (types, cells).

    ``n2000_distance_m``: distance to Natura 2000 (grid shape; default: from ``landscape``)."""
    soil = landscape["soil_id"].ravel().astype(np.intp)
    pref = np.hstack([np.zeros((len(FARM_TYPES), 1)), SOIL_PREFERENCE])  # soil id 0 = none
    score = pref[:, soil]
    fringe = np.isin(landscape["urbanisation_class"].ravel(), GREENHOUSE_FRINGE_CLASSES)
    score[GREENHOUSE] += GREENHOUSE_FRINGE_PREFERENCE * fringe
    near = (distance_m(landscape["natura2000_id"] > 0, landscape.grid.cell_size_m)
            if n2000_distance_m is None else n2000_distance_m).ravel()
    score[INTENSIVE] += N2000_BUFFER_PREFERENCE * (near <= N2000_BUFFER_M)
    return score


def draw_farmsteads(
    farms: FarmState, capacity: np.ndarray, score: np.ndarray, province_flat: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """A farmstead cell per farm, drawn within its province by suitability (flat indices)."""
    out = np.full(farms.n, -1, dtype=np.int64)
    for pid in np.unique(farms.province_id):
        cells = np.flatnonzero((province_flat == pid) & (capacity > 0))
        if cells.size == 0:
            continue
        for t in range(len(FARM_TYPES)):
            members = np.flatnonzero((farms.province_id == pid) & (farms.farm_type == t))
            if members.size == 0:
                continue
            logit = score[t, cells]
            p = np.exp(logit - logit.max())
            out[members] = rng.choice(cells, size=members.size, p=p / p.sum())
    return out


@njit(cache=True)
def assign_parcels(
    order: np.ndarray, farmstead: np.ndarray, need_ha: np.ndarray, farm_province: np.ndarray,
    capacity_ha: np.ndarray, province_of_cell: np.ndarray, n_rows: int, n_cols: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Give each farm, in ``order``, parcels from its farmstead outward in square rings.

    ``capacity_ha`` is used up in place. Returns parcel farm, parcel cell, parcel hectares and the
    hectares per farm that found no room in its province.
    """
    size = max(16, 4 * order.size)
    p_farm = np.empty(size, np.int64)
    p_cell = np.empty(size, np.int64)
    p_ha = np.empty(size, np.float64)
    n = 0
    unplaced = np.zeros(farmstead.size, np.float64)
    max_r = n_rows + n_cols
    for k in range(order.size):
        f = order[k]
        need = need_ha[f]
        if farmstead[f] < 0 or need <= 0.0:
            unplaced[f] = max(need, 0.0)
            continue
        r0 = farmstead[f] // n_cols
        c0 = farmstead[f] % n_cols
        pid = farm_province[f]
        for r in range(max_r + 1):
            if need <= 1e-9:
                break
            for dr in range(-r, r + 1):
                row = r0 + dr
                if row < 0 or row >= n_rows:
                    continue
                step = 1 if (dr == -r or dr == r) else 2 * r
                dc = -r
                while dc <= r:
                    col = c0 + dc
                    if 0 <= col < n_cols:
                        cell = row * n_cols + col
                        cap = capacity_ha[cell]
                        if cap > 1e-9 and province_of_cell[cell] == pid:
                            take = cap if cap < need else need
                            capacity_ha[cell] = cap - take
                            need -= take
                            if n == size:
                                size *= 2
                                p_farm = _grow_i(p_farm, size)
                                p_cell = _grow_i(p_cell, size)
                                p_ha = _grow_f(p_ha, size)
                            p_farm[n] = f
                            p_cell[n] = cell
                            p_ha[n] = take
                            n += 1
                            if need <= 1e-9:
                                break
                    dc += step
                if need <= 1e-9:
                    break
        unplaced[f] = max(need, 0.0)
    return p_farm[:n], p_cell[:n], p_ha[:n], unplaced


@njit(cache=True)
def _grow_i(a: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(size, a.dtype)
    out[: a.size] = a
    return out


@njit(cache=True)
def _grow_f(a: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(size, a.dtype)
    out[: a.size] = a
    return out


def place(farms: FarmState, landscape: Landscape, census_area_ha: dict[int, float],
          rng: np.random.Generator, n2000_distance_m: np.ndarray | None = None) -> np.ndarray:
    """Draw farmsteads and assign parcels in place; return the unplaced hectares per farm.

    ``n2000_distance_m``: distance to Natura 2000 (grid shape; default: from ``landscape``)."""
    capacity = capacity_ha(landscape, census_area_ha)
    province_flat = landscape["province_id"].ravel()
    farms.farmstead_cell = draw_farmsteads(farms, capacity,
                                           suitability(landscape, n2000_distance_m),
                                           province_flat, rng)
    order = rng.permutation(farms.n).astype(np.int64)
    p_farm, p_cell, p_ha, unplaced = assign_parcels(
        order, farms.farmstead_cell, farms.total_area_ha, farms.province_id.astype(np.int64),
        capacity.copy(), province_flat.astype(np.int64), landscape.grid.n_rows,
        landscape.grid.n_cols,
    )
    sort = np.lexsort((p_cell, p_farm))
    farms.parcel_farm, farms.parcel_cell, farms.parcel_ha = p_farm[sort], p_cell[sort], p_ha[sort]
    return unplaced
