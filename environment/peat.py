"""Groundwater and peat: water levels move toward targets; drained peat oxidises.

Water (phase 3)
    Where an instrument sets a target groundwater depth, the waterschap moves the depth toward it
    by at most :data:`WATER_LEVEL_STEP_CM_PER_YR` a year (ASSUMPTION; explore 5-20: ditch levels
    are raised in steps over several years). Elsewhere the depth stays as it is.
Peat (phase 7)
    Agricultural peat is agricultural land in the Laagveengebied. Its CO2 emission is linear in
    the groundwater depth (a common first-order relation of peat oxidation with drainage depth;
    ASSUMPTION on the form): ``co2 = c x depth``. The coefficient is calibrated on the national
    landscape at model set-up (also in a regional run) so that the initial depths give the
    published emission of the peat meadows, about 4.7 Mt CO2-eq per year (Veenweiden
    Innovatieprogramma, 2023 publication).
    Subsidence follows from the emission at 1.5 t CO2 per hectare per mm of subsidence: 22,655 ha
    of subsiding peat in Groningen emitted 512,000 t CO2 a year while sinking 1-2 cm a year
    (Hunze en Aa's survey 2019, via RTV Noord) - 22.6 t/ha/yr over 15 mm/yr.
"""

from __future__ import annotations

import numpy as np

from environment.landscape import Landscape
from environment.layers import AGRICULTURE

#: ASSUMPTION: the largest change of groundwater depth a waterschap makes in a year (cm).
WATER_LEVEL_STEP_CM_PER_YR = 10.0
#: Published CO2-eq emission of the peat meadows (Mt/yr), calibrates the peat coefficient.
PEAT_CO2_MT_PUBLISHED = 4.7
#: t CO2 emitted per hectare for each mm of subsidence (Groningen survey, see module docstring).
CO2_T_PER_HA_PER_MM = 512_000 / 22_655 / 15.0


def peat_area_ha(landscape: Landscape) -> np.ndarray:
    """Agricultural peat per cell (ha): agricultural land in the Laagveengebied."""
    lv = landscape.codes("fgr").index("lv") + 1
    return ((landscape["fgr_id"] == lv) & (landscape["land_use"] == AGRICULTURE)
            ) * landscape.grid.cell_area_ha


def move_toward(depth_cm: np.ndarray, target_cm: np.ndarray,
                step_cm: float | None = None) -> np.ndarray:
    """Depth after one year: toward ``target_cm`` (NaN = no target) by at most ``step_cm``
    (default :data:`WATER_LEVEL_STEP_CM_PER_YR`, read at call time).

    Examples
    --------
    >>> move_toward(np.array([60.0, 35.0, 50.0]), np.array([30.0, 30.0, np.nan])).tolist()
    [50.0, 30.0, 50.0]
    """
    step_cm = WATER_LEVEL_STEP_CM_PER_YR if step_cm is None else step_cm
    has = ~np.isnan(target_cm)
    change = np.clip(np.where(has, target_cm - depth_cm, 0.0), -step_cm, step_cm)
    return depth_cm + change


def calibrate_co2_coefficient(peat_ha: np.ndarray, depth_cm: np.ndarray,
                              published_mt: float = PEAT_CO2_MT_PUBLISHED) -> float:
    """t CO2 per ha per yr per cm of depth that gives ``published_mt`` for the initial state."""
    drained = float((peat_ha * depth_cm).sum())
    return published_mt * 1e6 / drained if drained > 0 else 0.0


def peat_co2_t(peat_ha: np.ndarray, depth_cm: np.ndarray, coefficient: float) -> np.ndarray:
    """CO2-eq emission per cell (t/yr)."""
    return coefficient * peat_ha * np.maximum(depth_cm, 0.0)


def subsidence_mm_yr(co2_t: np.ndarray, peat_ha: np.ndarray) -> np.ndarray:
    """Subsidence per cell (mm/yr); 0 off peat."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(peat_ha > 0, co2_t / np.where(peat_ha > 0, peat_ha, 1.0)
                        / CO2_T_PER_HA_PER_MM, 0.0)
