"""Placing firm agents: a cell per agent, drawn within its province by werkmilieu suitability.

Rule (docs/firms.md): candidate cells are land cells of the province that are not water or
Natura 2000 nature. Each werkmilieu has a weight per cell (ASSUMPTIONs below):

- stedelijk: urbanisation class weight x exp(-distance to a station / :data:`STATION_SCALE_M`);
- productie: the urban fringe (suburban, semi-dense, rural clusters) by class weight;
- distributie: fringe and rural-cluster cells x exp(-distance to a station /
  :data:`CORRIDOR_SCALE_M`), a proxy for the transport corridors (motorways are not in the data);
- industrieel: a kernel around the industrial clusters (:data:`INDUSTRIAL_CLUSTERS`) for the part
  of the province's industrieel establishments that the clusters draw (see
  :func:`point_province_shares`), productie weights for the rest;
- innovatie: a kernel around the campuses (:data:`CAMPUSES`) likewise, stedelijk weights for
  the rest.

One draw per agent from the ``firms`` stream (``Generator.choice``), province by province and
werkmilieu by werkmilieu in a fixed order.
"""

from __future__ import annotations

import numpy as np

from agents.firms.state import (
    DISTRIBUTIE,
    INDUSTRIEEL,
    INNOVATIE,
    PRODUCTIE,
    STEDELIJK,
    WERKMILIEUS,
    FirmState,
)
from environment.landscape import Landscape
from environment.layers import NATURE, WATER

#: ASSUMPTION: approximate RD New (EPSG:28992) points of the port and the energy-intensive
#: clusters (milieucategorie 4-6), read off the topographic map to +-2 km, with relative weights
#: (share of the clusters' industrieel establishments; the Rotterdam port counts three times a
#: regional cluster); each lies within 2 km of land of the province named
#: (tests/agents/test_firm_population.py). Explore the weights 0.5-2x.
INDUSTRIAL_CLUSTERS: tuple[tuple[str, str, float, float, float], ...] = (
    ("Rotterdam Botlek-Pernis", "PV28", 78_000.0, 435_500.0, 1.5),
    ("Rotterdam Europoort-Maasvlakte", "PV28", 66_000.0, 441_000.0, 1.5),
    ("Moerdijk", "PV30", 101_500.0, 412_000.0, 1.0),
    ("Delfzijl", "PV20", 259_500.0, 594_000.0, 0.5),
    ("Eemshaven", "PV20", 249_500.0, 607_500.0, 0.5),
    ("Zeeland Sloegebied", "PV29", 38_500.0, 386_500.0, 1.0),
    ("Chemelot (Geleen)", "PV31", 184_000.0, 330_000.0, 1.0),
    ("IJmond (Velsen, IJmuiden)", "PV27", 101_000.0, 498_000.0, 1.0),
)
#: ASSUMPTION: approximate RD New points of campuses (innovatiemilieus), equal weights.
CAMPUSES: tuple[tuple[str, str, float, float, float], ...] = (
    ("Eindhoven High Tech Campus", "PV30", 157_300.0, 381_800.0, 1.0),
    ("TU Delft campus", "PV28", 85_500.0, 445_000.0, 1.0),
    ("Wageningen campus", "PV25", 173_500.0, 442_000.0, 1.0),
    ("Utrecht Science Park", "PV26", 140_000.0, 455_000.0, 1.0),
    ("Leiden Bio Science Park", "PV28", 93_500.0, 465_500.0, 1.0),
    ("Amsterdam Science Park", "PV27", 125_000.0, 486_500.0, 1.0),
    ("Groningen Zernike campus", "PV20", 232_500.0, 584_500.0, 1.0),
    ("Kennispark Twente (Enschede)", "PV23", 255_000.0, 472_500.0, 1.0),
)
#: ASSUMPTION: share of the nation's industrieel establishments of each section and size that
#: the clusters draw (the rest follows the provinces' inhabitants); explore 0.4-0.8.
CLUSTER_SHARE = 0.6
#: ASSUMPTION: share of the nation's innovatie establishments the campuses draw; explore 0.3-0.7.
CAMPUS_SHARE = 0.5
#: ASSUMPTION: kernel length scale and cut-off radius around a cluster (m); explore 1-4 km, 5-12 km.
CLUSTER_SCALE_M, CLUSTER_RADIUS_M = 2_000.0, 8_000.0
#: ASSUMPTION: kernel length scale and cut-off radius around a campus (m); explore 0.5-2 km, 2-6 km.
CAMPUS_SCALE_M, CAMPUS_RADIUS_M = 1_000.0, 4_000.0
#: ASSUMPTION: stedelijk firms cluster at stations, length scale (m); explore 500-3000.
STATION_SCALE_M = 1_500.0
#: ASSUMPTION: distribution corridor proxy, length scale of the distance to a station (m);
#: explore 2000-10000.
CORRIDOR_SCALE_M = 5_000.0

#: ASSUMPTION: weight per cell area by GHS urbanisation class (0 no data, 10 water, 11 very low
#: density rural, 12 low density rural, 13 rural cluster, 21 suburban, 22 semi-dense, 23 dense,
#: 30 urban centre) for the base weights; explore each 0.5-2x.
CLASS_WEIGHT: dict[int, dict[int, float]] = {
    STEDELIJK: {0: 0.005, 10: 0.005, 11: 0.005, 12: 0.01, 13: 0.05, 21: 0.1, 22: 0.3,
                23: 0.5, 30: 1.0},
    PRODUCTIE: {0: 0.03, 10: 0.03, 11: 0.03, 12: 0.1, 13: 0.8, 21: 1.0, 22: 1.0, 23: 0.5,
                30: 0.2},
    DISTRIBUTIE: {0: 0.1, 10: 0.1, 11: 0.1, 12: 0.3, 13: 1.0, 21: 1.0, 22: 0.5, 23: 0.2,
                  30: 0.05},
}


def _class_weight(urbanisation: np.ndarray, table: dict[int, float]) -> np.ndarray:
    lut = np.zeros(256)
    for code, w in table.items():
        lut[code] = w
    return lut[urbanisation]


def base_weights(landscape: Landscape) -> np.ndarray:
    """Weight of every cell for each werkmilieu before the cluster and campus kernels, shape
    (werkmilieus, cells); 0 off the candidate cells."""
    urb = landscape["urbanisation_class"].ravel()
    station = landscape["dist_station_m"].ravel().astype(np.float64)
    ok = candidate_cells(landscape)
    out = np.zeros((len(WERKMILIEUS), urb.size))
    out[STEDELIJK] = _class_weight(urb, CLASS_WEIGHT[STEDELIJK]) * np.exp(
        -station / STATION_SCALE_M)
    out[PRODUCTIE] = _class_weight(urb, CLASS_WEIGHT[PRODUCTIE])
    out[DISTRIBUTIE] = _class_weight(urb, CLASS_WEIGHT[DISTRIBUTIE]) * np.exp(
        -station / CORRIDOR_SCALE_M)
    out[INDUSTRIEEL] = out[PRODUCTIE]
    out[INNOVATIE] = out[STEDELIJK]
    return out * ok


def candidate_cells(landscape: Landscape) -> np.ndarray:
    """Land cells of a province that are not water or nature (flat bool)."""
    use = landscape["land_use"].ravel()
    return (landscape["land_mask"].ravel() & (landscape["province_id"].ravel() > 0)
            & (use != NATURE) & (use != WATER))


def cell_xy_m(landscape: Landscape, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RD New coordinates of the centres of flat ``cells`` (m)."""
    g = landscape.grid
    row, col = np.divmod(cells, g.n_cols)
    return g.x_min_m + (col + 0.5) * g.cell_size_m, g.y_max_m - (row + 0.5) * g.cell_size_m


def point_province_shares(points, codes: list[str]) -> np.ndarray:
    """Each province's share of the points' weights, indexed by province id (0 unused)."""
    out = np.zeros(len(codes) + 1)
    for _, code, _, _, w in points:
        out[codes.index(code) + 1] += w
    return out / out.sum()


def kernel(landscape: Landscape, cells: np.ndarray, points, code: str, scale_m: float,
           radius_m: float) -> np.ndarray:
    """Weights of ``cells`` around the province's points: each point's kernel
    exp(-d / scale) within ``radius_m`` normalised to its weight (0 when no cell is in reach)."""
    x, y = cell_xy_m(landscape, cells)
    out = np.zeros(cells.size)
    for _, pcode, px, py, w in points:
        if pcode != code:
            continue
        d = np.hypot(x - px, y - py)
        k = np.where(d <= radius_m, np.exp(-d / scale_m), 0.0)
        if k.sum() > 0:
            out += w * k / k.sum()
    return out


def place(firms: FirmState, landscape: Landscape, point_part: dict[int, np.ndarray],
          rng: np.random.Generator) -> None:
    """Draw a cell for every agent in place.

    ``point_part[m][pid]``: the share of province ``pid``'s establishments of werkmilieu ``m``
    that its clusters (industrieel) or campuses (innovatie) draw.
    """
    weights = base_weights(landscape)
    prov = landscape["province_id"].ravel()
    codes = landscape.codes("province")
    points = {INDUSTRIEEL: (INDUSTRIAL_CLUSTERS, CLUSTER_SCALE_M, CLUSTER_RADIUS_M),
              INNOVATIE: (CAMPUSES, CAMPUS_SCALE_M, CAMPUS_RADIUS_M)}
    for pid in np.unique(firms.province_id).tolist():
        in_prov = prov == pid
        for m in range(len(WERKMILIEUS)):
            members = np.flatnonzero((firms.province_id == pid) & (firms.werkmilieu == m))
            if members.size == 0:
                continue
            cells = np.flatnonzero(in_prov & (weights[m] > 0))
            if cells.size == 0:
                raise ValueError(f"province {codes[pid - 1]} has no cell for "
                                 f"{WERKMILIEUS[m]} firms")
            w = weights[m, cells]
            w = w / w.sum()
            if m in points:
                pts, scale, radius = points[m]
                k = kernel(landscape, cells, pts, codes[pid - 1], scale, radius)
                a = point_part[m][pid] if k.sum() > 0 else 0.0
                if a > 0:
                    w = a * k / k.sum() + (1.0 - a) * w
            firms.cell[members] = rng.choice(cells, size=members.size, p=w / w.sum())
