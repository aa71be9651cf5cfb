"""Salinisation of the low coastal land (verziltende kustgebieden) under a scenario driver.

No open file here gives salinity, so it is a driver: a salinity index per cell in [0, 1] (0 fresh,
1 too saline for most crops) that rises each year by the scenario's rate times the cell's
exposure. Exposure is 1 on the coast and falls linearly to 0 at :data:`COAST_REACH_M` inland, on
land of the low landscapes (:data:`PRONE_FGR`) no higher than :data:`MAX_ELEVATION_M_NAP`
(ASSUMPTIONS). The farms' margins respond (``agents.farmers.economics``).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from environment.landscape import Landscape

#: ASSUMPTION: yearly rise of the salinity index on the coast per driver (drought and sea-level
#: scenarios); explore 0-0.05.
DRIVERS: dict[str, float] = {"none": 0.0, "moderate": 0.01, "strong": 0.025}
#: Low landscapes that salinise: Zeekleigebied, Laagveengebied, Afgesloten Zeearmen.
PRONE_FGR: tuple[str, ...] = ("zk", "lv", "az")
#: Sea: the FGR classes Noordzee and Getijdengebied.
SEA_FGR: tuple[str, ...] = ("nz", "gg")
#: ASSUMPTION: how far inland seepage and salt intrusion reach (m); explore 10-40 km.
COAST_REACH_M = 20_000.0
#: ASSUMPTION: land higher than this (m NAP) does not salinise; explore 0-2.
MAX_ELEVATION_M_NAP = 1.0


def exposure(landscape: Landscape) -> np.ndarray:
    """Exposure to salinisation per cell, 0-1 (see the module docstring)."""
    codes = landscape.codes("fgr")
    fgr = landscape["fgr_id"]
    sea = np.isin(fgr, [codes.index(c) + 1 for c in SEA_FGR])
    prone = (landscape["land_mask"] & np.isin(fgr, [codes.index(c) + 1 for c in PRONE_FGR])
             & (landscape["elevation_m_nap"] <= MAX_ELEVATION_M_NAP))
    if not sea.any():
        return np.zeros(fgr.shape)
    distance = ndimage.distance_transform_edt(~sea) * landscape.grid.cell_size_m
    return np.where(prone, np.clip(1.0 - distance / COAST_REACH_M, 0.0, 1.0), 0.0)


def step(salinity: np.ndarray, exposed: np.ndarray, rise_per_yr: float) -> np.ndarray:
    """Salinity after one more year of the driver.

    Examples
    --------
    >>> step(np.array([0.0, 0.5, 0.99]), np.array([1.0, 0.5, 1.0]), 0.02).round(3).tolist()
    [0.02, 0.51, 1.0]
    """
    return np.minimum(salinity + rise_per_yr * exposed, 1.0)
