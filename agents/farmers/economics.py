"""Farm economics: gross margin, family farm income and the value of a farm.

First version, used for farm income indicators and buy-out offers; the farmers' economic options
build on it. Every number is an ASSUMPTION of the right order of magnitude for Dutch farms in the
2020s, with the range a user should explore; none is calibrated yet (the validation issue will
compare them with WUR's Bedrijveninformatienet).
"""

from __future__ import annotations

import numpy as np

from agents.farmers.state import LAND_USES, LIVESTOCK, FarmState  # noqa: F401

#: ASSUMPTION: standard gross margin per head per year (k euro); explore +-30%.
MARGIN_KEUR_PER_HEAD = np.array([2.0, 0.3, 0.08, 0.004, 0.1, 0.4])  # LIVESTOCK order
#: ASSUMPTION: standard gross margin of crops per hectare per year (k euro); explore +-30%.
MARGIN_KEUR_PER_HA = np.array([1.5, 6.0, 60.0, 0.3])  # LAND_USES order
#: ASSUMPTION: family farm income as a share of gross margin; explore 0.2-0.5.
INCOME_SHARE = 0.35
#: ASSUMPTION: value of the production capacity (stable places, buildings, production rights) per
#: head (k euro); explore +-40%.
CAPACITY_VALUE_KEUR_PER_HEAD = np.array([20.0, 3.0, 0.8, 0.03, 0.3, 1.0])
#: ASSUMPTION: value of the production rights alone per head (k euro; phosphate, pig and poultry
#: rights), what a farm gets or pays when its herd shrinks or grows; explore +-50%.
RIGHTS_VALUE_KEUR_PER_HEAD = np.array([6.0, 1.0, 0.2, 0.01, 0.05, 0.2])
#: ASSUMPTION: grassland margin lost per cm that the groundwater under a farm's land is shallower
#: than GRASS_OPTIMUM_DEPTH_CM (yield, grazing days, trafficability); explore 0.5-1.5 %/cm.
GRASS_LOSS_PER_CM = 0.0075
GRASS_OPTIMUM_DEPTH_CM = 40.0



#: ASSUMPTION: margin per ha of each land use on each soil relative to the national standard
#: (rows: unknown soil, then :data:`agents.farmers.placement.SOILS`; columns: LAND_USES). Arable yields most on clay and loess and
#: least on peat, open-field horticulture (bulbs) does well on sand, grassland best on clay and
#: peat; greenhouses do not depend on the soil. Explore each +-0.1.
SOIL_MARGIN_FACTOR = np.array([
    # arable  hort_open  greenhouse  grassland
    [1.00,    1.00,      1.00,       1.00],   # unknown
    [0.90,    1.05,      1.00,       0.95],   # zand
    [1.15,    1.00,      1.00,       1.05],   # klei
    [0.80,    0.90,      1.00,       1.05],   # veen
    [1.10,    1.00,      1.00,       1.00],   # loess
    [1.00,    1.00,      1.00,       1.00],   # water
    [1.00,    1.00,      1.00,       1.00],   # onbekend
])

#: ASSUMPTION: share of the margin of arable and open-field horticulture (and of grassland) lost
#: at a salinity index of 1; explore 0.3-0.8 (and 0.1-0.3).
SALT_LOSS_CROPS, SALT_LOSS_GRASS = 0.5, 0.2


def land_mean(farms: FarmState, field: np.ndarray, default: float) -> np.ndarray:
    """Area-weighted mean of a cell field over each farm's parcels (``default`` without land)."""
    flat = field.ravel()
    weighted = np.bincount(farms.parcel_farm, weights=farms.parcel_ha * flat[farms.parcel_cell],
                           minlength=farms.n)
    area = np.bincount(farms.parcel_farm, weights=farms.parcel_ha, minlength=farms.n)
    return np.where(area > 0, weighted / np.maximum(area, 1e-12), default)


def land_groundwater_cm(farms: FarmState, depth_cm: np.ndarray) -> np.ndarray:
    """Area-weighted mean groundwater depth under each farm's parcels (cm)."""
    return land_mean(farms, depth_cm, GRASS_OPTIMUM_DEPTH_CM)


#: Open-field land uses (all but greenhouses): where groenblauwe dooradering and drought act.
OPEN_LAND = np.array([use != "greenhouse" for use in LAND_USES])


def open_area_ha(farms: FarmState) -> np.ndarray:
    """Open-field land per farm (arable, open-field horticulture, grassland; ha)."""
    return farms.area_ha[:, OPEN_LAND].sum(axis=1)


def gbd_factor(farms: FarmState) -> np.ndarray:
    """Share of each farm's open land still in production (1 without groenblauwe dooradering)."""
    open_ha = open_area_ha(farms)
    return np.where(farms.gbd_ha > 0,
                    1.0 - np.minimum(farms.gbd_ha / np.maximum(open_ha, 1e-12), 1.0), 1.0)


def gross_margin_keur(farms: FarmState, depth_cm: np.ndarray,
                      salinity: np.ndarray | None = None,
                      margin_factor: np.ndarray | None = None) -> np.ndarray:
    """Standard gross margin per farm (k euro/yr), by soil (:data:`SOIL_MARGIN_FACTOR`, the
    farmstead's soil), with the wet-grassland and salinity losses.

    Land in groenblauwe dooradering (``farms.gbd_ha``) loses its margin pro rata: the margin of
    the open-field crops and of the grazing livestock falls by the share of the open land in it.
    ``margin_factor`` (per cell, 1 = none; NaN = none) multiplies the margin of the open-field
    crops and grazing livestock on each farm's land (the drought loss of WBS-33).
    """
    crops = farms.area_ha * MARGIN_KEUR_PER_HA * SOIL_MARGIN_FACTOR[farms.soil_id]
    wet = np.maximum(GRASS_OPTIMUM_DEPTH_CM - land_groundwater_cm(farms, depth_cm), 0.0)
    grass_factor = np.clip(1.0 - GRASS_LOSS_PER_CM * wet, 0.0, 1.0)
    if salinity is not None:
        salt = land_mean(farms, salinity, 0.0)
        for use in ("arable", "horticulture_open"):
            crops[:, LAND_USES.index(use)] *= 1.0 - SALT_LOSS_CROPS * salt
        grass_factor = grass_factor * (1.0 - SALT_LOSS_GRASS * salt)
    if margin_factor is not None or farms.gbd_ha.any():
        land = gbd_factor(farms)
        if margin_factor is not None:
            land = land * land_mean(farms, np.nan_to_num(margin_factor, nan=1.0), 1.0)
        for use in ("arable", "horticulture_open"):
            crops[:, LAND_USES.index(use)] *= land
        grass_factor = grass_factor * land
    crops[:, LAND_USES.index("grassland")] *= grass_factor
    animals = farms.animals * MARGIN_KEUR_PER_HEAD
    grazing = [LIVESTOCK.index(c) for c in ("dairy_cows", "other_cattle", "sheep", "goats")]
    animals[:, grazing] *= grass_factor[:, None]
    return (crops.sum(axis=1) + animals.sum(axis=1)) * farms.active


def income_keur(farms: FarmState, depth_cm: np.ndarray,
                salinity: np.ndarray | None = None,
                margin_factor: np.ndarray | None = None) -> np.ndarray:
    """Family farm income per farm (k euro/yr)."""
    return INCOME_SHARE * gross_margin_keur(farms, depth_cm, salinity, margin_factor)


def capacity_value_keur(farms: FarmState) -> np.ndarray:
    """Value of the production capacity (buildings and production rights) per farm (k euro)."""
    return farms.animals @ CAPACITY_VALUE_KEUR_PER_HEAD

