"""The synthetic farm population reproduces the census and sits on agricultural land."""

import numpy as np
import pandas as pd
import pytest

from agents.farmers import base_census_year, create_farms
from agents.farmers.census import census, census_table, nature_management
from agents.farmers.population import type_counts
from agents.farmers.state import FARM_TYPES, LAND_USES, LIVESTOCK
from environment.layers import AGRICULTURE

CENSUS_AREA = {"arable": "arable_ha", "horticulture_open": "horticulture_open_ha",
               "greenhouse": "greenhouse_ha", "grassland": "grassland_fodder_ha"}
CENSUS_ANIMALS = {"dairy_cows": "dairy_cows", "pigs": "pigs", "chickens": "chickens",
                  "sheep": "sheep", "goats": "goats"}


@pytest.fixture(scope="module", params=[2023, 2010])
def population(request, nl1000):
    farms, unplaced = create_farms(nl1000, request.param, np.random.default_rng(7))
    return request.param, farms, unplaced


def test_every_province_matches_its_census_within_one_percent(population, nl1000):
    year, farms, _ = population
    table = census(year)
    for pid, code in enumerate(nl1000.codes("province"), start=1):
        mine = farms.province_id == pid
        row = table.loc[code]
        assert mine.sum() == pytest.approx(row.farms, rel=0.01)
        for use, column in CENSUS_AREA.items():
            got = farms.area_ha[mine, LAND_USES.index(use)].sum()
            assert got == pytest.approx(row[column], rel=0.01, abs=1.0), (code, use)
        for name, column in CENSUS_ANIMALS.items():
            assert farms.animal(name)[mine].sum() == pytest.approx(row[column], rel=0.01), name
        cattle = farms.animal("dairy_cows")[mine].sum() + farms.animal("other_cattle")[mine].sum()
        assert cattle == pytest.approx(row.cattle, rel=0.01)


def test_type_counts_add_up_to_the_holdings(nl1000):
    for year in (2000, 2010, 2016, 2023, 2025):
        for _, row in census(year).iterrows():
            counts = type_counts(row)
            assert counts.sum() == row.farms and (counts >= 0).all()
            assert counts[FARM_TYPES.index("intensive")] == min(
                row.farms, row.farms_with_pigs + row.farms_with_chickens)


def test_all_land_is_placed_on_agricultural_cells_of_the_farms_province(population, nl1000):
    _, farms, unplaced = population
    assert unplaced.sum() == pytest.approx(0.0, abs=1e-6)
    placed = np.bincount(farms.parcel_farm, weights=farms.parcel_ha, minlength=farms.n)
    np.testing.assert_allclose(placed, farms.total_area_ha, atol=1e-6)
    cells = farms.parcel_cell
    assert (nl1000["land_use"].ravel()[cells] == AGRICULTURE).all()
    prov = nl1000["province_id"].ravel()
    assert (prov[cells] == farms.province_id[farms.parcel_farm]).all()
    assert (prov[farms.farmstead_cell] == farms.province_id).all()


def test_no_cell_holds_more_farmland_than_its_capacity(population, nl1000):
    from agents.farmers.placement import capacity_ha

    year, farms, _ = population
    table = census(year)
    areas = {pid: float(table.loc[code].agri_land_ha)
             for pid, code in enumerate(nl1000.codes("province"), start=1)}
    per_cell = np.bincount(farms.parcel_cell, weights=farms.parcel_ha,
                           minlength=nl1000["land_use"].size)
    assert (per_cell <= capacity_ha(nl1000, areas) + 1e-6).all()
    assert per_cell.max() <= nl1000.grid.cell_area_ha + 1e-6


def test_nature_management_follows_cbs_80807ned(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(1))
    managed = nature_management()
    for pid, code in enumerate(nl1000.codes("province"), start=1):
        got = (farms.nature_management & (farms.province_id == pid)).sum()
        assert got == managed.loc[code].farms_with_agri_nature_mgmt_all_types


def test_same_seed_same_farms_other_seed_other_places(nl1000):
    a, _ = create_farms(nl1000, 2023, np.random.default_rng(3))
    b, _ = create_farms(nl1000, 2023, np.random.default_rng(3))
    c, _ = create_farms(nl1000, 2023, np.random.default_rng(4))
    np.testing.assert_array_equal(a.parcel_cell, b.parcel_cell)
    np.testing.assert_array_equal(a.animals, b.animals)
    assert not np.array_equal(a.farmstead_cell, c.farmstead_cell)


def test_types_sit_on_their_soils(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(5))
    soil = nl1000["soil_id"].ravel()[farms.farmstead_cell]
    veen = nl1000.codes("soil").index("veen") + 1
    dairy = farms.farm_type == FARM_TYPES.index("dairy")
    intensive = farms.farm_type == FARM_TYPES.index("intensive")
    assert (soil[dairy] == veen).mean() > (soil[intensive] == veen).mean()


def test_base_census_year_is_the_year_before_the_start():
    assert base_census_year(2024) == 2023
    assert base_census_year(2011) == 2010
    assert base_census_year(2060) == 2025 and base_census_year(1990) == 2000


def test_shipped_census_matches_the_reference(shared_reference):
    reference = pd.read_csv(shared_reference / "statistics" /
                            "agri_census_80780ned_province_2000_2026.csv")
    pd.testing.assert_frame_equal(census_table(), reference)


def test_livestock_classes_are_complete():
    assert set(CENSUS_ANIMALS) | {"other_cattle"} == set(LIVESTOCK)
