import numpy as np

from agents.farmers import create_farms
from agents.farmers import economics as eco
from agents.farmers.state import LAND_USES, LIVESTOCK


def test_tables_cover_every_use_and_class():
    assert len(eco.MARGIN_KEUR_PER_HA) == len(LAND_USES)
    assert len(eco.MARGIN_KEUR_PER_HEAD) == len(LIVESTOCK)
    assert len(eco.CAPACITY_VALUE_KEUR_PER_HEAD) == len(LIVESTOCK)


def test_wetter_land_lowers_grassland_income_only(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(1))
    dry = np.full(nl1000.grid.shape, 60.0)
    wet = np.full(nl1000.grid.shape, 20.0)
    loss = eco.income_keur(farms, dry) - eco.income_keur(farms, wet)
    grass = farms.area_ha[:, LAND_USES.index("grassland")] > 0
    assert (loss[grass] > 0).all() and np.allclose(loss[~grass], 0.0)


def test_capacity_value_grows_with_the_herd_and_exceeds_the_rights(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(1))
    before = eco.capacity_value_keur(farms)
    farms.animals[:, 0] += 10
    assert np.allclose(eco.capacity_value_keur(farms) - before,
                       10 * eco.CAPACITY_VALUE_KEUR_PER_HEAD[0])
    assert (eco.RIGHTS_VALUE_KEUR_PER_HEAD < eco.CAPACITY_VALUE_KEUR_PER_HEAD).all()


def test_arable_land_earns_more_on_clay_than_on_peat_and_each_farm_has_its_soil(nl1000):
    from agents.farmers.placement import SOILS
    from agents.farmers.state import ARABLE, GREENHOUSE

    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(1))
    soil = nl1000["soil_id"].ravel()[farms.farmstead_cell]
    assert np.array_equal(farms.soil_id, soil)
    depth = np.full(nl1000.grid.shape, 60.0)
    arable = np.flatnonzero(farms.farm_type == ARABLE)[:50]
    glass = np.flatnonzero(farms.farm_type == GREENHOUSE)[:50]
    by_soil = {}
    for name in ("klei", "veen"):
        farms.soil_id[:] = SOILS.index(name) + 1
        by_soil[name] = eco.gross_margin_keur(farms, depth)
    assert (by_soil["klei"][arable] > by_soil["veen"][arable]).all()
    assert np.allclose(by_soil["klei"][glass], by_soil["veen"][glass])  # glass: no soil
