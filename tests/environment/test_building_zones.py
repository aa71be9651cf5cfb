"""The building zones of environment.building_zones on the national 1000 m landscape: each is
non-empty and lies where its rule says (uiterwaarden in the rivierengebied beside a river,
the dike band against open water or the river bed, contours within reach of a cluster point,
datacentre areas in Eemshaven and Hollands Kroon), and the risk score's components."""

from __future__ import annotations

import numpy as np
import pytest

from environment import building_zones as bz


def _fgr(land, code):
    return land["fgr_id"] == land.codes("fgr").index(code) + 1


def test_river_axes_lie_in_the_rivierengebied(nl1000):
    axes = bz.rasterise_lines(nl1000.grid, bz.RIVER_AXES)
    near_ri = bz.distance_m(_fgr(nl1000, "ri"), 1000) <= 1000
    # The Biesbosch, Amer and Hollandsch Diep ends lie in the delta's clay; the rest follows
    # the FGR Rivierengebied.
    assert axes.sum() > 500
    assert (axes & near_ri).sum() / axes.sum() > 0.8
    for name, vertices in bz.RIVER_AXES:
        if name == "Nieuwe Merwede":  # through the Biesbosch
            continue
        cells = bz.rasterise_lines(nl1000.grid, [(name, vertices)])
        assert (cells & near_ri).sum() / cells.sum() > 0.5, name


def test_uiterwaarden_lie_in_the_rivierengebied_beside_the_rivers(nl1000):
    zone = bz.uiterwaarden(nl1000)
    size = nl1000.grid.cell_size_m
    assert zone.sum() * nl1000.grid.cell_area_ha > 20_000
    assert not (zone & ~nl1000["land_mask"]).any()
    assert (bz.distance_m(_fgr(nl1000, "ri"), size)[zone] <= bz.RIVER_FGR_MARGIN_M).all()
    river = bz.distance_m(bz.river_water(nl1000), size)
    assert (river[zone] <= bz.RIVERBED_HALF_WIDTH_M).all()
    # Nijmegen's Waal (RD 188000, 429000) is in it; the Veluwe (RD 180000, 470000) is not.
    g = nl1000.grid
    row = lambda y: int((g.y_max_m - y) // size)  # noqa: E731
    col = lambda x: int((x - g.x_min_m) // size)  # noqa: E731
    assert zone[row(429_000), col(188_000)]
    assert not zone[row(470_000), col(180_000)]


def test_uiterwaarden_widen_with_the_width_and_shrink_with_the_height(nl1000):
    base = bz.uiterwaarden(nl1000)
    wide = bz.uiterwaarden(nl1000, half_width_m=2000.0)
    flat = bz.uiterwaarden(nl1000, max_height_m=0.0)
    assert wide.sum() > base.sum() and not (base & ~wide).any()
    assert not (flat & ~base).any()


def test_band_touches_neighbours_then_diagonals():
    mask = np.zeros((5, 5), dtype=bool)
    mask[2, 2] = True
    narrow = bz.band(mask, 100.0, 250.0)
    assert narrow.sum() == 4 and narrow[1, 2] and not narrow[1, 1]
    wide = bz.band(mask, 200.0, 250.0)
    assert wide.sum() == 8 and wide[1, 1]
    assert not bz.band(mask, 0.0, 250.0).any()


def test_dike_band_lies_against_open_water_or_the_river_bed(nl1000):
    riverbed = bz.uiterwaarden(nl1000) | bz.river_water(nl1000)
    zone = bz.dike_reservation(nl1000, riverbed=riverbed)
    size = nl1000.grid.cell_size_m
    assert zone.sum() > 1000
    assert not (zone & (riverbed | ~nl1000["land_mask"])).any()
    water = bz.open_water(nl1000) | riverbed
    assert (bz.distance_m(water, size)[zone] < bz.DIKE_ZONE_WIDTH_M + size).all()
    # The North Sea coast (Zandvoort, RD 93000, 480000), the IJsselmeer shore and the rivers.
    g = nl1000.grid
    assert zone[int((g.y_max_m - 480_000) // size), int((93_000 - g.x_min_m) // size)]
    ijsselmeer = nl1000["large_water"] & _fgr(nl1000, "az")
    assert (zone & (bz.distance_m(ijsselmeer, size) <= size)).sum() > 100
    assert (zone & (bz.distance_m(riverbed, size) <= size)).sum() > 500
    wider = bz.dike_reservation(nl1000, 1500.0, riverbed=riverbed)
    assert wider.sum() > zone.sum() and not (zone & ~wider).any()


def test_river_reservations_lie_beside_the_river_bed(nl1000):
    riverbed = bz.uiterwaarden(nl1000)
    zone = bz.river_reservation(nl1000, riverbed=riverbed)
    assert zone.sum() > 500
    assert not (zone & riverbed).any()
    river = bz.distance_m(bz.river_water(nl1000), nl1000.grid.cell_size_m)
    assert (river[zone] <= bz.RIVER_RESERVATION_M).all()


def test_contours_lie_within_reach_of_a_cluster_point(nl1000):
    zone = bz.industrial_contour(nl1000)
    groups = bz.cluster_points()
    assert set(groups) == set(bz.FIVE_CLUSTERS) and len(groups) == 5
    x, y = bz.cell_centres_m(nl1000.grid)
    xx, yy = np.meshgrid(x, y)
    reach = bz.CLUSTER_CORE_RADIUS_M + bz.CONTOUR_WIDTH_M
    points = [p for pts in groups.values() for p in pts]
    nearest = np.min([np.hypot(xx - px, yy - py) for px, py in points], axis=0)
    assert zone.any() and (nearest[zone] <= reach).all()
    assert not (zone & ~nl1000["land_mask"]).any()
    # Every one of the five clusters has land in its contour.
    for group, pts in groups.items():
        near = np.min([np.hypot(xx - px, yy - py) for px, py in pts], axis=0) <= reach
        assert (zone & near).any(), group
    narrow = bz.industrial_contour(nl1000, contour_width_m=500.0)
    assert narrow.sum() < zone.sum()


def test_a_cluster_missing_from_the_points_is_an_error(nl1000):
    with pytest.raises(KeyError, match="no industrial cluster point"):
        bz.industrial_contour(nl1000, clusters=[("Moerdijk", "PV30", 101_500.0, 412_000.0, 1.0)])


def test_datacentre_areas_are_in_eemshaven_and_hollands_kroon(nl1000):
    zone = bz.datacentre_areas(nl1000)
    assert zone.any()
    gemeenten = [row["name"] for row in nl1000.tables["gemeente"]]
    names = {gemeenten[i - 1] for i in np.unique(nl1000["gemeente_id"][zone]) if i > 0}
    assert "Hollands Kroon" in names and "Het Hogeland" in names
    provinces = nl1000.codes("province")
    assert {provinces[i - 1] for i in np.unique(nl1000["province_id"][zone])} == {"PV20", "PV27"}


def test_risk_components_and_score():
    parts = bz.risk_components(
        elevation_m_nap=np.array([2.0, 0.0, -2.0, -8.0, 5.0]),
        uiterwaarden=np.array([False, False, False, False, True]),
        groundwater_depth_cm=np.array([200.0, 70.0, 35.0, 0.0, 100.0]),
        peat_share=np.array([0.0, 0.0, 0.0, 1.0, 0.0]),
        subsidence_mm_yr=np.array([0.0, 5.0, 0.0, 0.0, 0.0]))
    np.testing.assert_allclose(parts["flood"], [0, 0, 0.5, 1, 1])
    np.testing.assert_allclose(parts["waterlogging"], [0, 0, 0.5, 1, 0])
    np.testing.assert_allclose(parts["subsidence"], [0, 0.5, 0, 1, 0])
    score = bz.risk_score(parts)
    np.testing.assert_allclose(score, [0, 0.5 / 3, 1 / 3, 1, 1 / 3])
    np.testing.assert_allclose(bz.risk_score(parts, (1.0, 0.0, 0.0)), parts["flood"])
    with pytest.raises(ValueError, match="positive sum"):
        bz.risk_score(parts, (0.0, 0.0, 0.0))
