"""The kaders instruments of abm/policy/instruments/kaders.py: WBS-02 (regional groundwater caps
with a priority order), COMPLY-OR-EXPLAIN (soft water-en-bodem zones become hard except where a
gemeente explains a deviation) and REV-WERKMILIEUS (new business land zoned to the four
werkmilieus by a regional mix)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from abm.model import RegionModel
from abm.policy.instruments.kaders import RegionalGroundwaterCap, WorkEnvironmentMix, \
    webster_sequence
from abm.policy.instruments.water_bodem import CROP_MARGIN_FACTOR, _sand
from abm.scenario import scenario_from_dict
from agents.farmers import economics
from agents.firms.indicators import ellison_glaeser
from agents.firms.state import DISTRIBUTIE, PRODUCTIE
from environment import building_zones as bz


def _model(nl1000, instruments, region, end, seed=5):
    data = {"name": "t", "start_year": 2024, "end_year": end, "resolution_m": 1000,
            "region": region, "seed": seed, "instruments": instruments}
    return RegionModel(scenario_from_dict(data), nl1000)


# -- WBS-02 -------------------------------------------------------------------------------------

BRABANT = ["Noord-Brabant"]


@pytest.fixture(scope="module")
def gw_pair(nl1000):
    out = []
    for instruments in ([], [{"id": "WBS-02"}]):
        model = _model(nl1000, instruments, BRABANT, 2027)
        model.run_until(2027)
        out.append(model)
    return out


def _income(model):
    return economics.income_keur(model.farms, model.groundwater_depth_cm, model.salinity,
                                 model.policy.cell_targets.get(CROP_MARGIN_FACTOR))


def test_groundwater_cap_raises_groundwater_on_sand_only(gw_pair):
    base, cap = gw_pair
    sand = _sand(cap.landscape)
    assert (cap.groundwater_depth_cm <= base.groundwater_depth_cm + 1e-9).all()
    assert (cap.groundwater_depth_cm < base.groundwater_depth_cm - 1e-6)[sand].sum() > 100
    np.testing.assert_array_equal(cap.groundwater_depth_cm[~sand],
                                  base.groundwater_depth_cm[~sand])


def test_groundwater_cap_lowers_margin_on_sand_and_nothing_outside(gw_pair):
    base, cap = gw_pair
    sand = _sand(cap.landscape)
    factor = cap.policy.cell_targets[CROP_MARGIN_FACTOR]
    assert np.isnan(factor[~sand]).all()
    assert np.nanmax(factor) < 1.0 and np.nanmin(factor) == pytest.approx(0.95)
    on_sand = sand.ravel()[base.farms.farmstead_cell]
    assert _income(cap)[on_sand].sum() < _income(base)[on_sand].sum()
    assert "groundwater_extraction_cap_share" in cap.policy.caps


def test_priority_order_decides_what_agriculture_is_served():
    params = RegionalGroundwaterCap.Parameters

    def make(p):
        return RegionalGroundwaterCap("WBS-02", p, 2025, 2030, np.zeros(1, bool), None)

    away, near = make(params()).served_share()
    assert away == pytest.approx((0.9 - 0.55 - 0.15) / 0.30) and near == 0.0
    first = make(params(priority_order=["agriculture", "drinking_water", "nature",
                                        "industry"])).served_share()
    assert first == (1.0, 1.0)  # agriculture first: fully served, nature no priority
    with pytest.raises(ValidationError, match="priority_order"):
        params(priority_order=["drinking_water", "agriculture"])


# -- COMPLY-OR-EXPLAIN --------------------------------------------------------------------------

ZONE_IDS = ("WBS-10", "WBS-11", "WBS-22")
SOFT = [{"id": i, "parameters": {"hard": False}} for i in ZONE_IDS]
HARD = [{"id": i, "parameters": {"hard": True}} for i in ZONE_IDS]
GELDERLAND = ["Gelderland"]


def _homes_in_zones(nl1000, instruments, seed=5):
    """Homes built 2024-2028 in all, and inside the zones of WBS-10, 11 and 22."""
    model = _model(nl1000, instruments, GELDERLAND, 2028, seed)
    zone = np.zeros(model.landscape.grid.shape, bool)
    for name in ("uiterwaarden", "dike_reservation", "river_reservation"):
        zone |= bz.zone(model, name)
    zone = (zone & model.landscape["land_mask"]).ravel()
    total = inside = 0.0
    for year in range(2024, 2029):
        model.run_until(year)
        total += model.housing_year.homes.sum()
        inside += model.housing_year.homes[zone].sum()
    return total, inside


def _comply(p):
    return [{"id": "COMPLY-OR-EXPLAIN", "parameters": {"deviation_probability": p}}]


@pytest.fixture(scope="module")
def soft_hard(nl1000):
    return _homes_in_zones(nl1000, SOFT), _homes_in_zones(nl1000, HARD)


def test_comply_without_deviations_acts_as_hard(nl1000, soft_hard):
    (_, soft_in), (hard_total, hard_in) = soft_hard
    assert soft_in > 100 and hard_in == 0
    total, inside = _homes_in_zones(nl1000, SOFT + _comply(0.0))
    assert inside == hard_in == 0
    assert total == pytest.approx(hard_total)


def test_comply_with_every_block_deviating_acts_as_soft(nl1000, soft_hard):
    (soft_total, soft_in), _ = soft_hard
    assert _homes_in_zones(nl1000, SOFT + _comply(1.0)) == (soft_total, soft_in)


def test_some_deviations_fall_in_between_and_are_reproducible(nl1000, soft_hard):
    (_, soft_in), (_, hard_in) = soft_hard
    first = _homes_in_zones(nl1000, SOFT + _comply(0.2))
    assert hard_in < first[1] < soft_in
    assert _homes_in_zones(nl1000, SOFT + _comply(0.2)) == first
    assert _homes_in_zones(nl1000, SOFT + _comply(0.2), seed=6)[1] != first[1]


def test_comply_leaves_hard_zones_alone(nl1000):
    model = _model(nl1000, HARD + _comply(0.0), GELDERLAND, 2024)
    plain = _model(nl1000, HARD, GELDERLAND, 2024)
    model.run_until(2024)
    plain.run_until(2024)
    np.testing.assert_array_equal(model.policy.masks["no_new_buildings"],
                                  plain.policy.masks["no_new_buildings"])
    assert model.policy.flags["comply_or_explain"]


# -- REV-WERKMILIEUS ----------------------------------------------------------------------------


def test_webster_sequence_follows_the_shares_in_every_prefix():
    labels = webster_sequence(1000, np.array([0.125, 0.875, 0.0, 0.0]))
    assert labels.size == 1000 and set(labels) == {0, 1}
    for n in (8, 80, 1000):
        assert abs((labels[:n] == 0).sum() - 0.125 * n) <= 1


def _firm_run(nl1000, instruments):
    model = _model(nl1000, instruments, BRABANT, 2040)
    start_cell = model.firms.cell.copy()
    stock0 = model.business_land.stock_ha.sum()
    arrived = np.zeros(model.business_land.stock_ha.size)
    transformed = 0.0
    for year in range(2024, 2041):
        model.run_until(year)
        arrived += model.business_land.arrived_ha
        transformed += model.business_land.transformed_ha.sum()
    return model, start_cell, stock0, arrived, transformed


@pytest.fixture(scope="module")
def rev_pair(nl1000):
    return _firm_run(nl1000, []), _firm_run(nl1000, [{"id": "REV-WERKMILIEUS"}])


def _movers_land(run, labels):
    """Movers' land (ha): the share on land zoned for their own milieu, and the shares by
    milieu (industrieel, productie incl. distributie) on cells that received new land."""
    model, start_cell, _, arrived, _ = run
    firms, bl = model.firms, model.business_land
    milieu = np.where(firms.werkmilieu == DISTRIBUTIE, PRODUCTIE, firms.werkmilieu)
    need = firms.jobs * bl.ha_per_job[firms.werkmilieu]
    moved = (firms.cell != start_cell) & firms.active & (firms.cell >= 0) & (need > 0)
    match = need[moved & (labels[firms.cell] == milieu)].sum() / need[moved].sum()
    new = moved & (arrived[np.maximum(firms.cell, 0)] > 0)
    by = np.bincount(milieu[new], weights=need[new], minlength=5)[:4]
    return match, by / by.sum()


def test_zoning_brings_new_land_toward_the_mix_and_loses_no_land(rev_pair):
    base, rev = rev_pair
    inst = next(i for i in rev[0].instruments if isinstance(i, WorkEnvironmentMix))
    idx, lab = inst.labels(rev[0])
    labels = np.full(rev[3].size, -1)
    labels[idx] = lab
    mix = inst.mix_by_province[next(iter(inst.mix_by_province))]
    assert mix.sum() == pytest.approx(1.0) and 0 < mix[0] < mix[1]
    match_base, shares_base = _movers_land(base, labels)
    match_rev, shares_rev = _movers_land(rev, labels)
    assert match_rev > match_base + 0.05
    assert np.abs(shares_rev - mix).sum() < np.abs(shares_base - mix).sum()
    for model, _, stock0, arrived, transformed in (base, rev):
        assert model.business_land.stock_ha.sum() == pytest.approx(
            stock0 + arrived.sum() - transformed)
    assert rev[0].business_land.stock_ha.sum() == pytest.approx(
        base[0].business_land.stock_ha.sum())


def test_zoning_raises_industrial_clustering(rev_pair):
    base, rev = rev_pair
    assert (ellison_glaeser(rev[0], "corop")["industrieel"]
            > ellison_glaeser(base[0], "corop")["industrieel"])


def test_mix_must_name_the_four_milieus_and_sum_to_one():
    params = WorkEnvironmentMix.Parameters
    assert params(regional_mix_share={"industrieel": 0.2, "productie": 0.5, "innovatie": 0.1,
                                      "stedelijk": 0.2}).regional_mix_share["productie"] == 0.5
    with pytest.raises(ValidationError, match="sum to 1"):
        params(regional_mix_share={"industrieel": 0.5, "productie": 0.6})
    with pytest.raises(ValidationError, match="unknown werkmilieu"):
        params(regional_mix_share={"distributie": 1.0})
