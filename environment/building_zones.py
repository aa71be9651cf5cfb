"""Where building may not go: the zones of the building masks (issue 4, section 3).

The seeds name the zones but give no maps, so each zone is a proxy rule over the landscape
layers and a few known points, every number a documented ASSUMPTION with the range to explore
(docs/building_masks.md repeats them, with each zone's national area):

- :func:`uiterwaarden` (WBS-10): the river bed of the large rivers, channel and forelands
  between the dikes. The bundle holds no river lines (the KRW file has only the lakes, the
  coastal waters and a zero-area IJssel), so the river axes are known polylines
  (:data:`RIVER_AXES`); the zone is the land within :data:`RIVERBED_HALF_WIDTH_M` of an axis
  (or of a large water next to the rivierengebied) in or next to the FGR Rivierengebied, no
  higher than :data:`UITERWAARD_MAX_HEIGHT_M` above that nearest river cell.
- :func:`dike_reservation` (WBS-11): a band of ``zone_width_m`` on the land side of the primary
  flood defences; proxy: along the open water (sea, Waddenzee, deltas, IJsselmeer, Markermeer:
  ``large_water`` and the water FGR classes) and along the river bed.
- :func:`river_reservation` (WBS-22): the land within :data:`RIVER_RESERVATION_M` of a river
  axis outside the river bed (binnendijkse ruimte for dike reinforcement or river widening);
  :func:`future_water_space` adds the WBS-13 water-storage cells where that instrument acts.
- :func:`industrial_contour` (KC-51): a milieucontour of ``contour_width_m`` around the
  industrial cluster points of ``agents.firms.placement.INDUSTRIAL_CLUSTERS``, grouped into the
  five energy-intensive clusters (:data:`FIVE_CLUSTERS`).
- :func:`datacentre_areas` (DATACENTRA-HYPERSCALE): the two areas where hyperscale datacentres
  may still settle (Eemshaven, Hollands Kroon), an allowed zone.
- :func:`risk_score` (WBS-21): flood, waterlogging and subsidence risk per cell in [0, 1].

Boolean zones cover every cell the proxy band touches (a 100 m band along a dike marks the
whole adjacent cell), so their area grows with the cell size; the areas per resolution are in
the docs. The model-facing functions (:func:`zone`, :func:`any_building_zone`) compute every
zone once per run on the national landscape (``RegionModel.national_context``), so a province
reads the same in a regional run as in the national run. Of the agents this module reads only
the cluster points (imported where they are used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import ndimage

from environment.derived import WATER_FGR
from environment.distance import distance_m
from environment.grid import Grid
from environment.landscape import Landscape

if TYPE_CHECKING:
    from abm.model import RegionModel

#: ASSUMPTION: axes of the large rivers under the Beleidslijn grote rivieren (the bundle holds
#: no river lines), RD New vertices (m) read off the topographic map to +-1 km: Bovenrijn-Waal-
#: Merwede (Spijk to Dordrecht), Nieuwe Merwede, Pannerdensch Kanaal-Nederrijn-Lek (to
#: Kinderdijk), IJssel (to the Ketelmeer) and Maas-Bergsche Maas-Amer (Eijsden to the Hollandsch
#: Diep). tests/environment/test_building_zones.py checks they lie in or next to the FGR
#: Rivierengebied.
RIVER_AXES: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    ("Bovenrijn-Waal-Merwede", (
        (208200, 429100), (205300, 430600), (200200, 431300), (195100, 431400),
        (188000, 429000), (183400, 430200), (178600, 433000), (169600, 434100),
        (162800, 435200), (157900, 432600), (152400, 430200), (145500, 425200),
        (135200, 425700), (129700, 425200), (126200, 426900), (118000, 426400),
        (112400, 425300), (106200, 425400))),
    ("Nieuwe Merwede", ((123500, 424700), (115900, 422000), (108900, 416500))),
    ("Pannerdensch Kanaal-Nederrijn-Lek", (
        (200200, 431300), (197200, 435300), (195800, 438700), (194700, 440900),
        (191100, 443300), (186100, 443100), (180600, 441900), (174100, 440800),
        (167900, 440200), (160000, 444100), (152100, 442600), (144200, 441500),
        (134600, 444700), (124900, 440300), (118400, 439800), (113200, 438100),
        (103600, 433200))),
    ("IJssel", (
        (194700, 440900), (200500, 444300), (206600, 447400), (208000, 456000),
        (210300, 461600), (210600, 468300), (207400, 474400), (204300, 483800),
        (205600, 489400), (200700, 502700), (190500, 507600), (185000, 510900))),
    ("Maas-Bergsche Maas-Amer", (
        (177800, 307300), (176700, 317800), (177000, 323400), (180500, 331200),
        (183200, 343500), (186000, 352400), (196400, 355800), (201300, 364700),
        (209900, 375900), (210800, 387100), (203700, 395900), (195300, 412500),
        (189000, 415800), (179400, 419100), (172800, 423500), (166900, 425700),
        (158000, 424600), (151100, 422400), (149000, 417400), (137900, 416300),
        (131000, 414100), (120600, 412500), (118600, 413000), (102000, 411500))),
)
#: ASSUMPTION: half width of the river bed (channel and uiterwaarden between the dikes)
#: measured from the axis (m). Waal, Nederrijn, IJssel and Maas beds are about 0.5-2 km wide
#: from dike to dike; explore 300-1000 m.
RIVERBED_HALF_WIDTH_M: float = 500.0
#: ASSUMPTION: an uiterwaard lies at most this high above its nearest river cell (m; the dike
#: crests stand a few metres above the forelands; with the coarse AHN this trims only the Maas
#: terraces). Explore 3-8 m.
UITERWAARD_MAX_HEIGHT_M: float = 5.0
#: ASSUMPTION: cells within this distance of the FGR Rivierengebied count as "in" it (the FGR
#: polygons are simplified to 50 m and the Bergsche Maas and Amer lie on its edge). Explore
#: 0-2000 m.
RIVER_FGR_MARGIN_M: float = 1000.0
#: ASSUMPTION: width of the reservation band along primary flood defences (WBS-11; the seed
#: gives none, 003:L178-181): a waterschap's legger keeps a kernzone plus beschermingszones of
#: some tens of metres on the land side, more where a reinforcement is planned. Explore 50-300 m.
DIKE_ZONE_WIDTH_M: float = 100.0
#: ASSUMPTION: binnendijkse river reservations (WBS-22; 004:L612-614, L636-638) reach this far
#: from a river axis (m), outside the river bed. Explore 1000-3000 m.
RIVER_RESERVATION_M: float = 1500.0
#: The five energy-intensive clusters (002_e34ac4cdf062f2da.txt:L460-462;
#: 003_96b59ff8675cf4bb.txt:L1157-1184) and the points of
#: ``agents.firms.placement.INDUSTRIAL_CLUSTERS`` that make them up.
FIVE_CLUSTERS: dict[str, tuple[str, ...]] = {
    "Rotterdam-Moerdijk": ("Rotterdam Botlek-Pernis", "Rotterdam Europoort-Maasvlakte",
                           "Moerdijk"),
    "Noordzeekanaalgebied/IJmond": ("IJmond (Velsen, IJmuiden)",),
    "Zeeland/West-Brabant": ("Zeeland Sloegebied",),
    "Chemelot": ("Chemelot (Geleen)",),
    "Noord-Nederland (Eemshaven/Delfzijl)": ("Eemshaven", "Delfzijl"),
}
#: ASSUMPTION: radius of a cluster's own industrial area around its point (m); the points are
#: read off the map to +-2 km. Explore 1000-4000 m.
CLUSTER_CORE_RADIUS_M: float = 2000.0
#: ASSUMPTION: milieucontour beyond the cluster's area (m), after the guideline distance of
#: milieucategorie 6 (VNG, Bedrijven en milieuzonering, 2009: richtafstand 1500 m; 5.3:
#: 1000 m); the seed gives none (contour_width_m=?, 004:L2801-2805). Explore 500-3000 m.
CONTOUR_WIDTH_M: float = 1500.0
#: ASSUMPTION: RD New points (m, +-2 km) of the two areas where hyperscale datacentres may
#: still settle (002_e34ac4cdf062f2da.txt:L750-751): the Eemshaven (as in INDUSTRIAL_CLUSTERS)
#: and, in Hollands Kroon, the Agriport A7 near Middenmeer.
DATACENTRE_AREAS: tuple[tuple[str, float, float], ...] = (
    ("Eemshaven", 249_500.0, 607_500.0),
    ("Hollands Kroon (Agriport A7, Middenmeer)", 127_200.0, 534_300.0),
)
#: ASSUMPTION: radius of each datacentre area (m). Explore 1500-5000 m.
DATACENTRE_AREA_RADIUS_M: float = 3000.0
#: ASSUMPTION (WBS-21): elevation below NAP at which the flood component reaches 1 (m); it
#: rises linearly from 0 at NAP. Explore 2-6 m.
FLOOD_DEPTH_SCALE_M: float = 4.0
#: ASSUMPTION (WBS-21): groundwater shallower than this is a waterlogging risk (cm below the
#: surface), the component rising linearly to 1 at the surface; drainage guidelines for homes
#: ask about 70 cm (with a crawl space). Explore 50-100 cm.
WATERLOGGING_DEPTH_CM: float = 70.0
#: ASSUMPTION (WBS-21): subsidence at which the subsidence component reaches 1 (mm/yr); cells
#: of agricultural peat count 1 as well. Explore 5-20 mm/yr.
SUBSIDENCE_SCALE_MM_YR: float = 10.0
#: ASSUMPTION (WBS-21): weights of flood, waterlogging and subsidence in the risk score (the
#: seeds name the risks, 003:L228-232, not their weights; drinking water has no data and is
#: left out). Explore each 0-2.
RISK_WEIGHTS: tuple[float, float, float] = (1.0, 1.0, 1.0)

#: Names of the zones :func:`zone` knows.
ZONES: tuple[str, ...] = ("uiterwaarden", "dike_reservation", "river_reservation",
                          "industrial_contour", "datacentre_areas")


# -- geometry ------------------------------------------------------------------------------------


def cell_centres_m(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """RD New x of the column centres and y of the row centres (m)."""
    x = grid.x_min_m + (np.arange(grid.n_cols) + 0.5) * grid.cell_size_m
    y = grid.y_max_m - (np.arange(grid.n_rows) + 0.5) * grid.cell_size_m
    return x, y


def rasterise_lines(grid: Grid, lines) -> np.ndarray:
    """Cells that polylines of RD New vertices cross (bool, grid shape): each segment sampled
    every quarter cell."""
    out = np.zeros(grid.shape, dtype=bool)
    step = grid.cell_size_m / 4.0
    for _, vertices in lines:
        v = np.asarray(vertices, dtype=np.float64)
        for (x0, y0), (x1, y1) in zip(v[:-1], v[1:], strict=True):
            n = int(np.ceil(np.hypot(x1 - x0, y1 - y0) / step)) + 1
            t = np.linspace(0.0, 1.0, n)
            col = np.floor((x0 + t * (x1 - x0) - grid.x_min_m) / grid.cell_size_m).astype(int)
            row = np.floor((grid.y_max_m - (y0 + t * (y1 - y0))) / grid.cell_size_m).astype(int)
            ok = (row >= 0) & (row < grid.n_rows) & (col >= 0) & (col < grid.n_cols)
            out[row[ok], col[ok]] = True
    return out


def band(mask: np.ndarray, width_m: float, cell_size_m: float) -> np.ndarray:
    """Cells outside ``mask`` that a band of ``width_m`` along its edge touches: the gap from
    the cell to the nearest mask cell, centre distance less one cell, is below the width (the
    cells next to the mask always, diagonal ones once the width passes 0.41 cell)."""
    d = distance_m(mask, cell_size_m)
    return ~mask & (d - cell_size_m < width_m) & (width_m > 0)


def points_within(grid: Grid, points, radius_m: float) -> np.ndarray:
    """Cells whose centre lies within ``radius_m`` of any ``(x, y)`` point (bool)."""
    x, y = cell_centres_m(grid)
    out = np.zeros(grid.shape, dtype=bool)
    for px, py in points:
        out |= ((x[None, :] - px) ** 2 + (y[:, None] - py) ** 2) <= radius_m ** 2
    return out


# -- zones on a landscape ------------------------------------------------------------------------


def _fgr(land: Landscape, *codes: str) -> np.ndarray:
    table = land.codes("fgr")
    return np.isin(land["fgr_id"], [table.index(c) + 1 for c in codes])


def open_water(land: Landscape) -> np.ndarray:
    """Water before the primary flood defences other than the rivers: sea, Waddenzee, the
    delta waters, IJsselmeer, Markermeer and the randmeren (``large_water`` and the water FGR
    classes, off the land)."""
    return ~land["land_mask"] & (land["large_water"] | _fgr(land, *WATER_FGR))


def river_water(land: Landscape, fgr_margin_m: float = RIVER_FGR_MARGIN_M) -> np.ndarray:
    """River cells: the axes of :data:`RIVER_AXES` and the large waters within
    ``fgr_margin_m`` of the Rivierengebied (the Ketelmeer at the IJssel mouth)."""
    size = land.grid.cell_size_m
    near_ri = distance_m(_fgr(land, "ri"), size) <= max(fgr_margin_m, size)
    return rasterise_lines(land.grid, RIVER_AXES) | (land["large_water"] & near_ri)


def uiterwaarden(land: Landscape, half_width_m: float = RIVERBED_HALF_WIDTH_M,
                 max_height_m: float = UITERWAARD_MAX_HEIGHT_M,
                 fgr_margin_m: float = RIVER_FGR_MARGIN_M) -> np.ndarray:
    """River bed of the large rivers (WBS-10): land cells in or within ``fgr_margin_m`` of the
    Rivierengebied, within ``half_width_m`` of a river cell (:func:`river_water`) and at most
    ``max_height_m`` above that nearest river cell's elevation (bool, grid shape)."""
    size = land.grid.cell_size_m
    river = river_water(land, fgr_margin_m)
    if not river.any():
        return np.zeros(land.grid.shape, dtype=bool)
    dist, (ir, ic) = ndimage.distance_transform_edt(~river, return_indices=True)
    elevation = land["elevation_m_nap"].astype(np.float64)
    low = elevation <= elevation[ir, ic] + max_height_m
    in_ri = distance_m(_fgr(land, "ri"), size) <= fgr_margin_m
    return land["land_mask"] & in_ri & (dist * size <= half_width_m) & low


def dike_reservation(land: Landscape, zone_width_m: float = DIKE_ZONE_WIDTH_M,
                     riverbed: np.ndarray | None = None) -> np.ndarray:
    """Reservation band along the primary flood defences (WBS-11): land cells outside the
    river bed that a band of ``zone_width_m`` along the open water (:func:`open_water`) or the
    river bed (``riverbed``, default :func:`uiterwaarden` and the river cells) touches."""
    if riverbed is None:
        riverbed = uiterwaarden(land) | river_water(land)
    size = land.grid.cell_size_m
    water = open_water(land) | riverbed
    return land["land_mask"] & ~riverbed & band(water, zone_width_m, size)


def river_reservation(land: Landscape, reservation_m: float = RIVER_RESERVATION_M,
                      riverbed: np.ndarray | None = None,
                      fgr_margin_m: float = RIVER_FGR_MARGIN_M) -> np.ndarray:
    """Binnendijkse river reservations (WBS-22): land cells in or next to the Rivierengebied
    within ``reservation_m`` of a river cell, outside the river bed (``riverbed``, default
    :func:`uiterwaarden`)."""
    if riverbed is None:
        riverbed = uiterwaarden(land, fgr_margin_m=fgr_margin_m)
    size = land.grid.cell_size_m
    in_ri = distance_m(_fgr(land, "ri"), size) <= fgr_margin_m
    near = distance_m(river_water(land, fgr_margin_m), size) <= reservation_m
    return land["land_mask"] & in_ri & near & ~riverbed


def cluster_points(clusters=None) -> dict[str, list[tuple[float, float]]]:
    """RD New points of each of the five clusters (:data:`FIVE_CLUSTERS`) from
    ``agents.firms.placement.INDUSTRIAL_CLUSTERS`` (or ``clusters`` of the same form); a name
    of :data:`FIVE_CLUSTERS` missing from them is an error."""
    if clusters is None:
        from agents.firms.placement import INDUSTRIAL_CLUSTERS as clusters
    by_name = {name: (x, y) for name, _, x, y, _ in clusters}
    out = {}
    for group, names in FIVE_CLUSTERS.items():
        missing = [n for n in names if n not in by_name]
        if missing:
            raise KeyError(f"cluster {group!r}: no industrial cluster point {missing}")
        out[group] = [by_name[n] for n in names]
    return out


def industrial_contour(land: Landscape, contour_width_m: float = CONTOUR_WIDTH_M,
                       core_radius_m: float = CLUSTER_CORE_RADIUS_M,
                       clusters=None) -> np.ndarray:
    """The five clusters and their milieucontour (KC-51): land cells within ``core_radius_m
    + contour_width_m`` of a point of the five clusters (:func:`cluster_points`)."""
    points = [p for pts in cluster_points(clusters).values() for p in pts]
    return land["land_mask"] & points_within(land.grid, points, core_radius_m + contour_width_m)


def datacentre_areas(land: Landscape, radius_m: float = DATACENTRE_AREA_RADIUS_M) -> np.ndarray:
    """The two areas where hyperscale datacentres may settle (DATACENTRA-HYPERSCALE): land
    cells within ``radius_m`` of :data:`DATACENTRE_AREAS`."""
    points = [(x, y) for _, x, y in DATACENTRE_AREAS]
    return land["land_mask"] & points_within(land.grid, points, radius_m)


def risk_components(elevation_m_nap: np.ndarray, uiterwaarden: np.ndarray,
                    groundwater_depth_cm: np.ndarray, peat_share: np.ndarray,
                    subsidence_mm_yr: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Flood, waterlogging and subsidence risk per cell, each in [0, 1] (WBS-21).

    flood: ``-elevation / FLOOD_DEPTH_SCALE_M`` (0 at or above NAP), 1 in the uiterwaarden;
    waterlogging: ``1 - depth / WATERLOGGING_DEPTH_CM`` (0 at that depth or deeper);
    subsidence: the cell's share of agricultural peat, or ``subsidence / SUBSIDENCE_SCALE_MM_YR``
    where larger.
    """
    elevation = np.asarray(elevation_m_nap, dtype=np.float64)
    flood = np.clip(-elevation / FLOOD_DEPTH_SCALE_M, 0.0, 1.0)
    flood = np.where(uiterwaarden, 1.0, flood)
    depth = np.asarray(groundwater_depth_cm, dtype=np.float64)
    waterlogging = np.clip(1.0 - depth / WATERLOGGING_DEPTH_CM, 0.0, 1.0)
    subsidence = np.clip(np.asarray(peat_share, dtype=np.float64), 0.0, 1.0)
    if subsidence_mm_yr is not None:
        subsidence = np.maximum(subsidence, np.clip(
            np.nan_to_num(subsidence_mm_yr) / SUBSIDENCE_SCALE_MM_YR, 0.0, 1.0))
    return {"flood": flood, "waterlogging": waterlogging, "subsidence": subsidence}


def risk_score(components: dict[str, np.ndarray],
               weights: tuple[float, float, float] = RISK_WEIGHTS) -> np.ndarray:
    """Weighted mean of the flood, waterlogging and subsidence components, in [0, 1]."""
    w = np.asarray(weights, dtype=np.float64)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"risk weights must be >= 0 with a positive sum, got {weights}")
    parts = (components["flood"], components["waterlogging"], components["subsidence"])
    return sum(wi * p for wi, p in zip(w, parts, strict=True)) / w.sum()


# -- the model's zones ---------------------------------------------------------------------------

_ZONE_FUNCTIONS = {
    "uiterwaarden": uiterwaarden,
    "dike_reservation": lambda land, **p: dike_reservation(
        land, p.get("zone_width_m", DIKE_ZONE_WIDTH_M),
        riverbed=uiterwaarden(land) | river_water(land)),
    "river_reservation": river_reservation,
    "industrial_contour": industrial_contour,
    "datacentre_areas": datacentre_areas,
}


def zone(model: RegionModel, name: str, **parameters: Any) -> np.ndarray:
    """Zone ``name`` (one of :data:`ZONES`) with ``parameters`` (the keywords of its function),
    computed once per run on the national landscape, cut to the run's region and kept to its
    land (read-only, cached on the model)."""
    if name not in _ZONE_FUNCTIONS:
        raise KeyError(f"unknown building zone {name!r}; known: {', '.join(ZONES)}")
    key = ("building_zone", name, tuple(sorted(parameters.items())))
    cache = model.__dict__.setdefault("_building_zones", {})
    if key not in cache:
        national = model.national_context(
            key, lambda nl: _ZONE_FUNCTIONS[name](nl, **parameters))
        out = national & model.landscape["land_mask"]
        out.setflags(write=False)
        cache[key] = out
    return cache[key]


def water_storage(model: RegionModel) -> np.ndarray:
    """Cells of this year's ``water_storage`` mask (WBS-13; all False when not set)."""
    mask = model.policy.masks.get("water_storage")
    return np.zeros(model.landscape.grid.shape, dtype=bool) if mask is None else mask.copy()


def future_water_space(model: RegionModel, storage: np.ndarray | None = None,
                       **parameters: Any) -> np.ndarray:
    """Future water space (WBS-22): the river reservations plus the water-storage cells
    (``storage``, default this year's ``water_storage`` mask that WBS-13 sets)."""
    storage = water_storage(model) if storage is None else storage
    return zone(model, "river_reservation", **parameters) | storage


def risk(model: RegionModel, weights: tuple[float, float, float] = RISK_WEIGHTS,
         **uiterwaard_parameters: Any) -> np.ndarray:
    """This year's WBS-21 risk score per cell (0 off the land): elevation and the
    uiterwaarden, the model's groundwater depth, agricultural peat and subsidence."""
    land = model.landscape
    parts = risk_components(
        land["elevation_m_nap"], zone(model, "uiterwaarden", **uiterwaard_parameters),
        model.groundwater_depth_cm, model.peat_ha / land.grid.cell_area_ha,
        getattr(model, "subsidence_mm_yr", None))
    return np.where(land["land_mask"], risk_score(parts, weights), 0.0)


def instrument_zone_parameters(model: RegionModel) -> dict[str, dict[str, Any]]:
    """Zone parameters of the run's building instruments (``zone_name``/``zone_parameters``),
    by zone; zones without an instrument use the defaults."""
    out: dict[str, dict[str, Any]] = {}
    for inst in getattr(model, "instruments", []):
        name = getattr(inst, "zone_name", None)
        if name in _ZONE_FUNCTIONS and name not in out:
            out[name] = inst.zone_parameters()
    return out


def any_building_zone(model: RegionModel) -> np.ndarray:
    """Union of the building zones: uiterwaarden, dike reservation, future water space (river
    reservations and this year's water storage) and the industrial contours, plus this year's
    ``water_storage`` and ``reserved`` masks (bool, grid shape). Zone parameters follow the
    run's instruments where it has them, else the defaults; the zones count whether or not an
    instrument is in force (for the indicator of homes built inside a building mask)."""
    params = instrument_zone_parameters(model)
    out = np.zeros(model.landscape.grid.shape, dtype=bool)
    for name in ("uiterwaarden", "dike_reservation", "river_reservation", "industrial_contour"):
        out |= zone(model, name, **params.get(name, {}))
    for kind in ("water_storage", "reserved"):
        if kind in model.policy.masks:
            out |= model.policy.masks[kind]
    return out
