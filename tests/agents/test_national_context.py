"""A province reads the same in a regional run as in the national run: fields that reach across
the region's border are computed on the national landscape, and the market's streams stay
aligned whatever is sold."""

from dataclasses import fields

import numpy as np
import pytest

from abm.model import RegionModel
from abm.policy.instruments.landbouw_natuur import aandachtsgebied
from abm.scenario import scenario_from_dict
from agents.farmers import create_farms, market_year
from agents.farmers.land_market import DRAWS_PER_CELL, parcel_draws, reallocate
from agents.farmers.state import FarmState


def _model(nl1000, region, end=2024, instruments=()):
    spec = {"name": "ctx", "start_year": 2024, "end_year": end, "resolution_m": 1000,
            "region": list(region), "instruments": list(instruments)}
    return RegionModel(scenario_from_dict(spec), nl1000)


@pytest.fixture(scope="module")
def national(nl1000):
    return _model(nl1000, [])


@pytest.fixture(scope="module")
def utrecht(nl1000):
    return _model(nl1000, ["Utrecht"])


def test_distance_to_natura2000_crosses_the_region_border(national, utrecht):
    inside = utrecht.landscape["land_mask"]
    for sensitive in (True, False):
        regional = utrecht.distance_to_natura2000_m(sensitive)
        whole = utrecht.landscape.cut(national.distance_to_natura2000_m(sensitive))
        np.testing.assert_array_equal(regional[inside], whole[inside])
    # Natura 2000 across the border is nearer than any inside for some Utrecht cells
    from environment.distance import distance_m

    own = distance_m(utrecht.n2000_sensitive, 1000.0)
    assert (utrecht.distance_to_natura2000_m()[inside] < own[inside]).any()


def test_the_aandachtsgebied_of_a_province_is_the_same_in_both_runs(national, utrecht):
    inside = utrecht.landscape["land_mask"]
    regional = aandachtsgebied(utrecht, 1000.0)
    whole = utrecht.landscape.cut(aandachtsgebied(national, 1000.0))
    np.testing.assert_array_equal(regional[inside], whole[inside])


def test_heat_clusters_of_a_region_count_the_glass_across_its_border(utrecht):
    from agents.farmers import relocation

    grid = utrecht.landscape.grid
    own = relocation.glass_within_ha(
        relocation.glass_per_cell(utrecht.farms, grid.n_rows * grid.n_cols).reshape(grid.shape),
        grid.cell_size_m, relocation.CLUSTER_RADIUS_M)
    within = utrecht.greenhouse_glass_within_ha
    assert (within >= own - 1e-9).all()
    assert (within > own + 1.0).any()


def test_a_province_bids_against_its_own_reference(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(5))
    depth = nl1000["groundwater_depth_cm"].astype(np.float64)
    whole = market_year.reference_return_keur_ha(farms, depth, None, 13)
    for pid in (21, 29):  # Fryslan, Zeeland: landscape ids are 1-based CBS order
        pid = pid - 19
        keep = farms.province_id == pid
        alone = FarmState(**{f.name: getattr(farms, f.name)[keep] if f.name[:6] != "parcel"
                             else getattr(farms, f.name) for f in fields(farms)})
        alone.parcel_farm = np.cumsum(keep)[farms.parcel_farm] - 1
        mine = keep[farms.parcel_farm]
        alone.parcel_farm, alone.parcel_cell, alone.parcel_ha = (
            alone.parcel_farm[mine], farms.parcel_cell[mine], farms.parcel_ha[mine])
        own = market_year.reference_return_keur_ha(alone, depth, None, 13)
        assert own[pid] == pytest.approx(whole[pid])
    assert len(set(np.round(whole[1:], 6))) > 1  # provinces differ


def test_the_market_streams_take_the_same_draws_whatever_is_sold(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(2))
    states = []
    for leaving in (np.zeros(0, np.int64), np.arange(0, farms.n, 40)):
        copy = FarmState(**{f.name: np.copy(getattr(farms, f.name)) for f in fields(farms)})
        copy.active[leaving] = False
        market, plough = np.random.default_rng(7), np.random.default_rng(8)
        on_peat = np.zeros(nl1000.grid.shape[0] * nl1000.grid.shape[1], dtype=bool)
        reallocate(copy, leaving, nl1000.grid, market, None, plough, on_peat, on_peat)
        states.append((market.random(), plough.random()))
    assert states[0] == states[1]


def test_parcels_of_one_cell_take_the_cells_draws_in_turn():
    u = np.arange(DRAWS_PER_CELL * 5, dtype=float).reshape(DRAWS_PER_CELL, 5)
    cells = np.array([3, 1, 3, 3, 0])
    got = parcel_draws(u, cells)
    assert got.tolist() == [u[0, 3], u[0, 1], u[1, 3], u[2 % DRAWS_PER_CELL, 3], u[0, 0]]
