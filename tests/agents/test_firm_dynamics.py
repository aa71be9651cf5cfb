"""Business land, firm relocation and the werklocaties instruments (docs/firms.md): calibration,
conservation of jobs, the relocation hierarchy, transformation against compensation, the
planning lag, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from abm.model import RegionModel
from abm.scenario import scenario_from_dict
from agents.firms import business_land as bl_mod
from agents.firms import firm_year
from agents.firms.indicators import ellison_glaeser
from agents.firms.state import DISTRIBUTIE, PRODUCTIE
from environment.layers import NATURE, WATER

REGION = ["Utrecht"]
TRANSFORM = {"id": "BRUIS-TRANSFORMATIE", "parameters": {"share_per_yr": 0.05}}
COMPENSATE = {"id": "REV-COMPENSATION", "parameters": {"lead_time_yr": 1}}


def _model(nl1000, instruments=(), end=2030, region=REGION, seed=3):
    data = {"name": "t", "start_year": 2024, "end_year": end, "resolution_m": 1000,
            "region": region, "seed": seed, "instruments": list(instruments)}
    return RegionModel(scenario_from_dict(data), nl1000)


def _run(nl1000, instruments=(), end=2030, **kw):
    model = _model(nl1000, instruments, end, **kw)
    transformed = 0.0
    for year in range(2024, end + 1):
        model.run_until(year)
        transformed += float(model.transformed_business_land_ha.sum())
    return model, transformed


@pytest.fixture(scope="module")
def base(nl1000):
    return _run(nl1000)


@pytest.fixture(scope="module")
def transformed(nl1000):
    return _run(nl1000, [TRANSFORM])


@pytest.fixture(scope="module")
def compensated(nl1000):
    return _run(nl1000, [TRANSFORM, COMPENSATE])


@pytest.fixture(scope="module")
def national(nl1000):
    return _model(nl1000, region=[], end=2024)


def test_national_stock_is_the_ibis_figure_at_set_up(national):
    model = national
    stock = model.business_land.stock_ha
    assert stock.sum() == pytest.approx(bl_mod.NATIONAL_STOCK_HA, rel=1e-6)
    cap = model.landscape.grid.cell_area_ha * bl_mod.MAX_CELL_SHARE
    used = model.business_land.used_ha
    # capped by the cell, unless the cell's firms already need more
    assert (stock <= np.maximum(cap, used) + 1e-9).all()
    assert (stock >= used - 1e-9).all()
    assert (stock[used < 0.5 * cap] <= cap + 1e-9).all()
    use = model.landscape["land_use"].ravel()
    assert stock[(use == NATURE) | (use == WATER)].sum() == 0.0
    # free land at set-up: about FREE_SHARE of the stock (less where the cell cap binds)
    free = model.business_land.free_ha.sum() / stock.sum()
    assert 0.0 < free <= bl_mod.FREE_SHARE + 1e-9


def test_regional_stock_is_the_provinces_share_of_the_nation(nl1000, base):
    model, _ = base
    bl = model.business_land
    share = (model.firms.jobs[np.isin(model.firms.werkmilieu, bl_mod.BUSINESS_LAND_MILIEUS)]
             .sum() / bl_mod.national_business_jobs())
    first = model.indicators()
    assert 0.0 < share < 0.2
    assert bl.ha_per_job[PRODUCTIE] > 0 and bl.ha_per_job[2] == 0.0 and bl.ha_per_job[3] == 0.0
    assert "business_land_ha" in first.columns and "business_land_shortfall_ha" in first.columns


def test_jobs_are_conserved_without_growth_while_firms_relocate(nl1000):
    model = _model(nl1000, end=2026)
    model._firm_growth = np.ones_like(model._firm_growth)
    jobs0, cells0 = model.firms.jobs.sum(), model.firms.cell.copy()
    model.run_until(2026)
    assert model.firms.jobs.sum() == pytest.approx(jobs0, rel=1e-12)
    assert (model.firms.cell != cells0).mean() > 0.02  # about 3% a year move
    assert model.business_land.relocated_firms > 0


def test_relocation_keeps_firms_on_land_and_out_of_nature(base):
    model, _ = base
    use = model.landscape["land_use"].ravel()
    land = model.landscape["land_mask"].ravel()
    cells = model.firms.cell
    assert land[cells].all()
    assert not np.isin(use[cells], (NATURE, WATER)).any()
    prov = model.landscape["province_id"].ravel()
    assert (prov[cells] == model.firms.province_id).all()


def _grid_case():
    """A 1 x 12 strip, one province: cell 0 overfull, free land at cells 2 and 11."""
    n = 12
    free = np.zeros(n)
    free[0], free[2], free[11] = -1.0, 2.0, 5.0
    return n, free


def _relocate(free, forced, r_near, need=1.0, cell0=0, restricted=False, zone=None):
    n = free.size
    cell = np.array([cell0], np.int64)
    new_cell, status = cell.copy(), np.zeros(1, np.int8)
    zone = np.zeros(n, bool) if zone is None else zone
    bl_cells = np.flatnonzero(free > 0).astype(np.int64)
    bl_start = np.array([0, 0, bl_cells.size], np.int64)
    bl_mod._relocate(
        np.array([0]), np.array([forced]), cell, np.array([PRODUCTIE], np.int64),
        np.array([need]), np.array([1], np.int64), np.array([0.5]), np.array([restricted]),
        zone, np.array([False]), np.zeros(n, bool), np.ones(n, bool), np.ones(n, np.intp),
        np.zeros((5, n), np.float32), np.zeros((5, n), np.float32), np.zeros(n), np.zeros(n),
        1.0, 0.2, free, np.full(2, np.inf), 1, n, r_near, bl_cells, bl_start,
        np.full(2, max(free.max(), 0.0)), 4096, new_cell, status)
    return int(new_cell[0]), int(status[0])


def test_hierarchy_in_place_then_near_then_province_then_shortfall():
    _, free = _grid_case()
    free[0] = 0.5  # the cell has free land: the firm expands in place
    assert _relocate(free.copy(), True, 3) == (0, 0)
    _, free = _grid_case()
    assert _relocate(free.copy(), True, 3) == (2, 1)  # nearby plot within the radius
    _, free = _grid_case()
    free[2] = 0.5  # too small for a 1 ha need: further away in the province
    assert _relocate(free.copy(), True, 3) == (11, 2)
    _, free = _grid_case()
    assert _relocate(free.copy(), True, 3, need=10.0) == (0, 3)  # no plot: shortfall
    _, free = _grid_case()
    zone = np.zeros(free.size, bool)
    zone[11] = True  # a large logistics firm may go only to the designated site
    assert _relocate(free.copy(), True, 3, restricted=True, zone=zone) == (11, 2)


def test_transformation_lowers_the_stock_and_compensation_restores_it(base, transformed,
                                                                      compensated):
    (b, _), (t, t_ha), (c, c_ha) = base, transformed, compensated
    stock = {k: m.business_land.stock_ha.sum() for k, m in (("b", b), ("t", t), ("c", c))}
    assert t_ha > 50.0 and c_ha > 50.0
    assert stock["t"] < stock["b"] - 0.5 * t_ha
    assert stock["c"] > stock["t"] + 0.5 * c_ha
    assert stock["c"] == pytest.approx(stock["b"], rel=0.02)
    frame = t.indicators()
    prov = frame[frame.level == "provincie"]
    assert prov.business_land_transformed_ha.sum() == pytest.approx(t_ha, rel=1e-9)
    base_frame = b.indicators()
    assert base_frame.business_land_transformed_ha.sum() == 0.0
    # the transformed cells are inner-city ones
    urb = t.landscape["urbanisation_class"]
    assert np.isin(urb[t.transformed_business_land_ha > 0], (22, 23, 30)).all()


def test_shortfall_grows_with_a_long_planning_lag(nl1000):
    out = {}
    for lag in (1, 15):
        model = _model(nl1000, end=2034)
        model._firm_growth = np.full_like(model._firm_growth, 1.03)  # demand grows fast
        bl = model.business_land
        bl.lag_yr = lag
        bl.pipeline.clear()
        short = 0.0
        for year in range(2024, 2035):
            model.run_until(year)
            short += bl.shortfall_ha.sum()
        out[lag] = short
    assert out[15] > 0.0
    assert out[15] > 1.5 * out[1]


def test_business_climate_bonus_raises_jobs_growth(nl1000):
    model = _model(nl1000, end=2025)
    model.run_until(2024)
    jobs0 = model.firms.jobs.copy()
    model.policy.cell_target("business_climate_bonus")[:] = 0.05
    firm_year(model, 2025)
    ratio = model.firms.jobs / jobs0
    expected = model._firm_growth[model.firms.province_id] * 1.05
    assert np.allclose(ratio, expected)


def test_logistics_rule_keeps_large_distribution_at_the_sites(nl1000):
    model, _ = _run(nl1000, [{"id": "WERKLOC-PROV-LOGISTIEK"}], end=2030,
                    region=["Noord-Brabant"])
    base, _ = _run(nl1000, [], end=2030, region=["Noord-Brabant"])
    zone = model.policy.zones["logistics_sites"].ravel()
    assert 0 < zone.sum() < 0.2 * model.landscape["land_mask"].sum()
    for m in (model, base):
        need = m.firms.jobs * m.business_land.ha_per_job[m.firms.werkmilieu]
        m.large = (m.firms.werkmilieu == DISTRIBUTIE) & (need >= 3.0)
    cells0 = _model(nl1000, region=["Noord-Brabant"], end=2024).firms.cell
    moved = model.large & (model.firms.cell != cells0)
    assert moved.any()
    assert zone[model.firms.cell[moved]].all()
    moved_base = base.large & (base.firms.cell != cells0)
    assert not zone[base.firms.cell[moved_base]].all()


def test_same_seed_same_result_and_other_seed_differs(nl1000, base):
    again, _ = _run(nl1000)
    model, _ = base
    assert np.array_equal(again.firms.cell, model.firms.cell)
    assert np.array_equal(again.business_land.stock_ha, model.business_land.stock_ha)
    other, _ = _run(nl1000, end=2025, seed=4)
    assert not np.array_equal(other.firms.cell, model.firms.cell)


def test_ellison_glaeser_ranks_industry_above_urban_services(national):
    gamma = ellison_glaeser(national, "corop")
    assert set(gamma) == {"industrieel", "productie", "innovatie", "stedelijk", "distributie"}
    assert all(np.isfinite(v) for v in gamma.values())
    assert gamma["industrieel"] > gamma["stedelijk"]
    assert gamma["innovatie"] > gamma["stedelijk"]
