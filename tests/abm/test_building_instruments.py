"""The building-mask instruments of abm/policy/instruments/bouwen.py: hard ones ban new
buildings exactly on their zone, soft ones raise building_penalty there and leave the ban
alone; WBS-21 steers by risk; the datacentre areas; a scenario with every mask hard (the
future ``wbs-hard``) bans more land than the baseline; zones read the same regionally."""

from __future__ import annotations

import numpy as np
import pytest

from abm.errors import InputError
from abm.figures_masks import draw_building_zones
from abm.model import RegionModel
from abm.policy.instruments.bouwen import BUILDING_PENALTY, DATACENTRE_ZONE, NO_NEW_BUILDINGS
from abm.scenario import scenario_from_dict
from environment import building_zones as bz

REGION = ["Zuid-Holland"]
#: Each zone instrument with the zone it acts on (by name in environment.building_zones).
ZONE_OF = {"WBS-10": "uiterwaarden", "WBS-11": "dike_reservation",
           "WBS-22": "river_reservation", "KC-51": "industrial_contour"}
WBS_HARD = [{"id": i, "parameters": {"hard": True}}
            for i in ("WBS-10", "WBS-11", "WBS-22", "KC-51", "WBS-21",
                      "DATACENTRA-HYPERSCALE")] + [{"id": "WBS-13"}]


def _model(nl1000, instruments, region=REGION, year=2024):
    data = {"name": "t", "start_year": 2024, "end_year": 2025, "resolution_m": 1000,
            "region": region, "seed": 5, "instruments": instruments}
    model = RegionModel(scenario_from_dict(data), nl1000)
    model.run_until(year)
    return model


def _mask(model, kind=NO_NEW_BUILDINGS):
    return model.policy.masks.get(kind, np.zeros(model.landscape.grid.shape, dtype=bool))


def _zone(model, instrument_id):
    return bz.zone(model, ZONE_OF[instrument_id]) & model.landscape["land_mask"]


@pytest.fixture(scope="module")
def base(nl1000):
    return _model(nl1000, [])


@pytest.fixture(scope="module")
def wbs_hard(nl1000):
    return _model(nl1000, WBS_HARD)


@pytest.mark.parametrize("instrument_id", ["WBS-10", "WBS-11", "WBS-22", "KC-51"])
def test_hard_zone_instruments_ban_building_exactly_on_their_zone(nl1000, instrument_id):
    model = _model(nl1000, [{"id": instrument_id, "parameters": {"hard": True}}])
    zone = _zone(model, instrument_id)
    assert zone.any()
    np.testing.assert_array_equal(_mask(model), zone)
    if instrument_id in ("WBS-11", "WBS-22"):  # reservations
        np.testing.assert_array_equal(_mask(model, "reserved"), zone)
    assert BUILDING_PENALTY not in model.policy.cell_targets


@pytest.mark.parametrize("instrument_id", ["WBS-10", "WBS-11", "WBS-22", "KC-51"])
def test_soft_zone_instruments_raise_the_penalty_and_ban_nothing(nl1000, base, instrument_id):
    model = _model(nl1000, [{"id": instrument_id,
                             "parameters": {"hard": False, "penalty": 1.5}}])
    zone = _zone(model, instrument_id)
    penalty = model.policy.cell_targets[BUILDING_PENALTY]
    np.testing.assert_array_equal(penalty > 0, zone)
    np.testing.assert_allclose(penalty[zone], 1.5)
    np.testing.assert_array_equal(_mask(model), _mask(base))
    assert "reserved" not in model.policy.masks


def test_hard_defaults_follow_the_seeds(nl1000):
    from abm.policy.registry import implemented
    impl = implemented()
    hard = {i: impl[i].Parameters().hard for i in (*ZONE_OF, "WBS-21",
                                                    "DATACENTRA-HYPERSCALE")}
    assert hard == {"WBS-10": True, "WBS-11": True, "WBS-22": True, "KC-51": False,
                    "WBS-21": False, "DATACENTRA-HYPERSCALE": True}


def test_soft_penalties_add_up_where_zones_overlap(nl1000):
    model = _model(nl1000, [{"id": "WBS-10", "parameters": {"hard": False, "penalty": 0.25}},
                            {"id": "WBS-11", "parameters": {"hard": False, "penalty": 1.0}},
                            {"id": "WBS-22", "parameters": {"hard": False, "penalty": 0.5}}])
    penalty = model.policy.cell_targets[BUILDING_PENALTY]
    expected = (0.25 * _zone(model, "WBS-10") + 1.0 * _zone(model, "WBS-11")
                + 0.5 * _zone(model, "WBS-22"))
    np.testing.assert_allclose(penalty, expected)
    assert (expected == 1.5).any()  # dike band and river reservation overlap


def test_future_water_space_takes_the_deep_polder_storage_of_wbs13(nl1000):
    alone = _model(nl1000, [{"id": "WBS-22"}])
    both = _model(nl1000, [{"id": "WBS-22"}, {"id": "WBS-13"}])
    storage = _mask(both, "water_storage")
    assert storage.any() and not (storage & _mask(alone)).all()
    np.testing.assert_array_equal(_mask(both), _mask(alone) | storage)
    # The zone function reads the same storage from this year's policy.
    np.testing.assert_array_equal(bz.future_water_space(both), _mask(both))


def test_risk_rule_steers_by_the_risk_score(nl1000, base):
    soft = _model(nl1000, [{"id": "WBS-21", "parameters": {"weight": 3.0}}])
    land = soft.landscape["land_mask"]
    penalty = soft.policy.cell_targets[BUILDING_PENALTY]
    risk = bz.risk(soft)
    np.testing.assert_allclose(penalty[land], 3.0 * risk[land])
    # Low peat polders weigh more than the dunes and the high sand.
    peat = soft.peat_ha > 0
    assert penalty[peat].mean() > 2 * penalty[land & ~peat].mean()
    np.testing.assert_array_equal(_mask(soft), _mask(base))
    hard = _model(nl1000, [{"id": "WBS-21", "parameters": {"hard": True, "threshold": 0.5}}])
    banned = _mask(hard)
    np.testing.assert_array_equal(banned, land & (bz.risk(hard) >= 0.5))
    assert 0 < banned.sum() < land.sum()
    assert BUILDING_PENALTY not in hard.policy.cell_targets


def test_hyperscale_datacentres_only_in_the_two_areas(nl1000, base):
    model = _model(nl1000, [{"id": "DATACENTRA-HYPERSCALE"}], region=["Groningen"])
    areas = model.policy.zones[DATACENTRE_ZONE]
    land = model.landscape["land_mask"]
    assert areas.any() and not (areas & ~land).any()
    np.testing.assert_array_equal(_mask(model, "no_hyperscale_datacentres"), land & ~areas)
    assert NO_NEW_BUILDINGS not in model.policy.masks  # homes are not affected
    soft = _model(nl1000, [{"id": "DATACENTRA-HYPERSCALE", "parameters": {"hard": False}}],
                  region=["Groningen"])
    assert "no_hyperscale_datacentres" not in soft.policy.masks
    np.testing.assert_array_equal(soft.policy.zones[DATACENTRE_ZONE], areas)


def test_all_masks_hard_ban_more_land_than_the_baseline(base, wbs_hard):
    def banned_ha(model):
        frame = model.indicators()
        return frame[frame.level == "provincie"].no_new_buildings_area_ha.sum()

    assert banned_ha(base) == 0
    union = bz.any_building_zone(wbs_hard)
    assert banned_ha(wbs_hard) >= union.sum() * wbs_hard.landscape.grid.cell_area_ha * 0.9
    assert banned_ha(wbs_hard) > banned_ha(base) + 10_000


def test_any_building_zone_is_the_union_of_zones_and_masks(wbs_hard):
    union = bz.any_building_zone(wbs_hard)
    for zone in ("uiterwaarden", "dike_reservation", "river_reservation",
                 "industrial_contour"):
        assert not (bz.zone(wbs_hard, zone) & ~union).any(), zone
    for kind in ("water_storage", "reserved"):
        assert not (_mask(wbs_hard, kind) & ~union).any(), kind


def test_instrument_zone_parameters_reach_the_union(nl1000):
    narrow = _model(nl1000, [{"id": "KC-51", "parameters": {"contour_width_m": 0.0,
                                                            "core_radius_m": 1000.0}}])
    wide = _model(nl1000, [{"id": "KC-51", "parameters": {"contour_width_m": 3000.0}}])
    assert bz.any_building_zone(narrow).sum() < bz.any_building_zone(wide).sum()


def test_zones_read_the_same_in_a_regional_run(nl1000, base):
    national = nl1000
    for name in ("uiterwaarden", "dike_reservation", "river_reservation",
                 "industrial_contour"):
        regional = bz.zone(base, name)
        whole = base.landscape.cut(bz._ZONE_FUNCTIONS[name](national))
        np.testing.assert_array_equal(regional, whole & base.landscape["land_mask"],
                                      err_msg=name)
        assert regional.any()
        assert bz.zone(base, name) is regional  # cached per run


def test_a_negative_zone_width_is_refused(nl1000):
    with pytest.raises((InputError, ValueError), match="zone_width_m"):
        _model(nl1000, [{"id": "WBS-11", "parameters": {"zone_width_m": -5.0}}])


def test_zone_maps_are_drawn(wbs_hard, tmp_path):
    paths = draw_building_zones(wbs_hard, tmp_path)
    assert len(paths) == 7
    assert all(p.is_file() and p.stat().st_size > 5_000 for p in paths)
