import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from environment import derived
from environment.layers import AGRICULTURE, NATURE, URBAN, WATER


@given(
    zones=arrays(np.int64, 30, elements=st.integers(0, 4)),
    weights=arrays(np.float64, 30, elements=st.floats(0, 1e4)),
    totals=arrays(np.float64, 4, elements=st.floats(0, 1e6)),
)
def test_spreading_keeps_every_zone_total(zones, weights, totals):
    out = derived.spread_by_weight(zones, totals, weights)
    assert (out >= 0).all()
    assert out[zones == 0].sum() == 0
    for z in range(1, 5):
        if (zones == z).any():
            assert np.isclose(out[zones == z].sum(), totals[z - 1], rtol=1e-9, atol=1e-6)


def test_spreading_follows_weights():
    out = derived.spread_by_weight(np.array([1, 1]), np.array([100.0]), np.array([1.0, 4.0]))
    assert out.tolist() == [20.0, 80.0]


def test_land_use_priority_water_urban_nature_agriculture():
    land = np.array([True, True, True, True, False])
    water = np.array([False, False, False, False, True])
    urb = np.array([30, 21, 11, 11, 10])
    density = np.array([5000.0, 2000.0, 10.0, 10.0, 0.0])
    n2k = np.array([True, True, True, False, False])
    out = derived.land_use(land, water, urb, density, n2k, np.zeros(5, bool))
    assert out.tolist() == [URBAN, URBAN, NATURE, AGRICULTURE, WATER]


def test_sparse_suburban_cell_is_not_urban():
    out = derived.land_use(np.array([True]), np.array([False]), np.array([21]),
                           np.array([derived.URBAN_MIN_DENSITY_KM2 - 1]), np.array([False]),
                           np.array([False]))
    assert out.tolist() == [AGRICULTURE]


def test_groundwater_is_shallow_in_peat_and_deepens_with_height_on_sand():
    land = np.ones(4, bool)
    fgr = np.array(["lv", "hz", "hz", "hl"], dtype=object)
    elev = np.array([-2.0, 5.0, 25.0, 100.0])
    gwd = derived.groundwater_depth_cm(land, fgr, elev)
    assert gwd[0] < gwd[1] < gwd[2] < gwd[3] <= derived.GROUNDWATER_MAX_CM


def test_deep_polder_needs_polder_landscape_and_depth():
    land = np.ones(3, bool)
    fgr = np.array(["zk", "zk", "hz"], dtype=object)
    elev = np.array([-4.0, 0.0, -4.0])
    assert derived.deep_polder(land, fgr, elev).tolist() == [True, False, False]
