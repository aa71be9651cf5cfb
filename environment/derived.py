"""Rules that derive layers no open file gives: population per cell, land use, deep polders,
groundwater depth.

Each rule is a pure function over arrays. Every number below is either taken from a named source
or marked ASSUMPTION with the range a user should explore; ``docs/data.md`` repeats them.
"""

from __future__ import annotations

import numpy as np

from environment.layers import AGRICULTURE, NATURE, URBAN, WATER

#: Relative population density per GHS degree-of-urbanisation class, used to spread each PC4
#: total over its cells. ASSUMPTION: representative densities (inhabitants/km2) inside the class
#: thresholds of the GHSL Degree of Urbanisation stage I definitions (urban centre and dense
#: cluster >= 1500, semi-dense/suburban/rural cluster >= 300, low-density rural >= 50, very low
#: < 50). Only ratios matter; explore each weight within x0.5-x2.
URBANISATION_DENSITY_WEIGHT: dict[int, float] = {
    0: 30.0,
    10: 5.0,
    11: 30.0,
    12: 150.0,
    13: 600.0,
    21: 800.0,
    22: 1000.0,
    23: 2500.0,
    30: 5000.0,
}

#: Urbanisation classes that count as urban land use everywhere.
URBAN_CLASSES: tuple[int, ...] = (30, 23, 22)
#: Classes that count as urban where the spread inhabitants reach URBAN_MIN_DENSITY_KM2.
URBAN_IF_DENSE_CLASSES: tuple[int, ...] = (21, 13)
#: ASSUMPTION: inhabitants per km2 above which a suburban or rural-cluster cell is built-up land
#: (the stedelijkheid class 'weinig stedelijk' of CBS begins at 500 addresses/km2, about
#: 1000 inhabitants/km2). Chosen so that national urban land (about 5,200 km2 at 250 m) lies
#: near CBS Bodemgebruik 2015 built-up + semi-built + recreation (5,162 km2, table 37105).
#: Explore 500-2000.
URBAN_MIN_DENSITY_KM2: float = 800.0

#: FGR classes that are open water (Afgesloten Zeearmen, Getijdengebied, Noordzee).
WATER_FGR: tuple[str, ...] = ("az", "gg", "nz")
#: FGR classes counted as nature outside Natura 2000 (coastal dunes). ASSUMPTION.
NATURE_FGR: tuple[str, ...] = ("du",)

#: ASSUMPTION: a deep polder (WBS-13, whose seed gives no definition; 003:L188-190) is a land
#: cell in a polder landscape (Zeekleigebied, Laagveengebied) at or below this elevation.
#: Explore -1.0 to -4.0 m NAP.
DEEP_POLDER_MAX_ELEVATION_M_NAP: float = -2.0
DEEP_POLDER_FGR: tuple[str, ...] = ("zk", "lv")

#: ASSUMPTION: initial mean groundwater depth below surface per FGR class (cm), with a rise per
#: metre of elevation above GROUNDWATER_REF_ELEVATION_M_NAP on the higher sands, dunes and hills.
#: Values follow the wet-to-dry order of the grondwatertrappen (Gt) of Dutch soil mapping:
#: peat meadows wet (Gt II-III), clay polders moderately drained, ice-pushed ridges and hills dry.
#: Each base value should be explored over x0.5-x1.5; replace with a groundwater map when a user
#: supplies one.
GROUNDWATER_BASE_CM: dict[str, float] = {
    "lv": 40.0,
    "zk": 90.0,
    "ri": 80.0,
    "hz": 70.0,
    "du": 150.0,
    "hl": 300.0,
    "ni": 120.0,
    "az": 0.0,
    "gg": 0.0,
    "nz": 0.0,
}
GROUNDWATER_SLOPE_CM_PER_M: dict[str, float] = {"hz": 6.0, "du": 10.0, "hl": 10.0}
GROUNDWATER_REF_ELEVATION_M_NAP: float = 5.0
GROUNDWATER_MAX_CM: float = 1000.0


def spread_by_weight(
    zone_id: np.ndarray, zone_totals: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Spread zone totals over the zone's cells in proportion to a weight.

    Parameters
    ----------
    zone_id : ndarray of int
        Zone index per cell, 1-based; 0 = no zone.
    zone_totals : ndarray of float, shape (n_zones,)
        The total of each zone (zone ``i + 1`` has total ``zone_totals[i]``).
    weight : ndarray of float
        Non-negative weight per cell, same shape as ``zone_id``.

    Returns
    -------
    ndarray of float64
        Per-cell values; for every zone with cells, they sum to the zone total.

    Examples
    --------
    >>> spread_by_weight(np.array([1, 1, 2]), np.array([10.0, 4.0]), np.array([1.0, 3.0, 1.0]))
    array([2.5, 7.5, 4. ])
    """
    zone_id = np.asarray(zone_id).ravel()
    w = np.asarray(weight, dtype=np.float64).ravel()
    n = len(zone_totals)
    wsum = np.bincount(zone_id, weights=w, minlength=n + 1)
    count = np.bincount(zone_id, minlength=n + 1)
    # A zone whose weights are all zero spreads evenly.
    even = (wsum == 0) & (count > 0)
    w = np.where(even[zone_id], 1.0, w)
    wsum = np.where(even, count, wsum)
    totals = np.concatenate([[0.0], np.asarray(zone_totals, dtype=np.float64)])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(zone_id > 0, w / wsum[zone_id], 0.0)
    return (totals[zone_id] * share).reshape(np.shape(weight))


def urbanisation_weight(urbanisation_class: np.ndarray) -> np.ndarray:
    """Density weight per cell from :data:`URBANISATION_DENSITY_WEIGHT`."""
    lut = np.zeros(256, dtype=np.float64)
    for code, w in URBANISATION_DENSITY_WEIGHT.items():
        lut[code] = w
    return lut[urbanisation_class]


def land_use(
    land_mask: np.ndarray,
    water: np.ndarray,
    urbanisation_class: np.ndarray,
    inhabitants_per_km2: np.ndarray,
    natura2000: np.ndarray,
    nature_fgr: np.ndarray,
) -> np.ndarray:
    """Initial land use (1 urban, 2 agriculture, 3 nature, 4 water; 0 outside).

    Water wins, then urban (:data:`URBAN_CLASSES`, or :data:`URBAN_IF_DENSE_CLASSES` at or above
    :data:`URBAN_MIN_DENSITY_KM2`), then nature (Natura 2000 or coastal dunes), and the rest of
    the land is agriculture. Roads, forests outside Natura 2000 and small inland water therefore
    count as agriculture: the agricultural area is an upper bound (see docs/data.md).
    """
    out = np.zeros(land_mask.shape, dtype=np.uint8)
    urban = np.isin(urbanisation_class, URBAN_CLASSES) | (
        np.isin(urbanisation_class, URBAN_IF_DENSE_CLASSES)
        & (inhabitants_per_km2 >= URBAN_MIN_DENSITY_KM2)
    )
    out[land_mask] = AGRICULTURE
    out[land_mask & (natura2000 | nature_fgr)] = NATURE
    out[land_mask & urban] = URBAN
    out[water] = WATER
    return out


def deep_polder(
    land_mask: np.ndarray, fgr_code: np.ndarray, elevation_m_nap: np.ndarray
) -> np.ndarray:
    """Deep-polder cells (see :data:`DEEP_POLDER_MAX_ELEVATION_M_NAP`)."""
    return (
        land_mask
        & np.isin(fgr_code, DEEP_POLDER_FGR)
        & (elevation_m_nap <= DEEP_POLDER_MAX_ELEVATION_M_NAP)
    )


def groundwater_depth_cm(
    land_mask: np.ndarray, fgr_code: np.ndarray, elevation_m_nap: np.ndarray
) -> np.ndarray:
    """Initial mean groundwater depth below surface (cm); 0 off land.

    ``base[fgr] + slope[fgr] * max(0, elevation - ref)``, clipped to [0, GROUNDWATER_MAX_CM].
    """
    base = np.zeros(fgr_code.shape, dtype=np.float64)
    slope = np.zeros(fgr_code.shape, dtype=np.float64)
    for code, value in GROUNDWATER_BASE_CM.items():
        base[fgr_code == code] = value
    for code, value in GROUNDWATER_SLOPE_CM_PER_M.items():
        slope[fgr_code == code] = value
    unknown = land_mask & ~np.isin(fgr_code, list(GROUNDWATER_BASE_CM))
    base[unknown] = GROUNDWATER_BASE_CM["ni"]
    rise = np.maximum(0.0, elevation_m_nap - GROUNDWATER_REF_ELEVATION_M_NAP)
    depth = np.clip(base + slope * rise, 0.0, GROUNDWATER_MAX_CM)
    return np.where(land_mask, depth, 0.0).astype(np.float32)
