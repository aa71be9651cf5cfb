"""The NPLG target instruments of abm/policy/instruments/nplg.py: each moves its indicator in the
documented direction against the same scenario without it, charges its owner where it pays,
and runs reproducibly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from abm.model import RegionModel
from abm.indicators import NPLG_INDICATORS
from abm.policy.instruments.nplg import (
    OVERGANGSGEBIED,
    ForestTarget,
    KdwTarget,
    NnnTarget,
    PeatMeadowCo2Target,
)
from abm.scenario import scenario_from_dict
from environment.layers import AGRICULTURE

SAND = ["Gelderland"]  # N-sensitive Natura 2000 far below the KDW target; sand for forest
PEAT = ["Utrecht"]
END = 2027


def _model(nl1000, instruments, region=SAND, end=END):
    data = {"name": "t", "start_year": 2024, "end_year": end, "resolution_m": 1000,
            "region": region, "seed": 5, "instruments": instruments}
    model = RegionModel(scenario_from_dict(data), nl1000)
    model.run_until(end)
    return model


def _last(model, name):
    frame = model.indicators()
    row = frame[(frame["level"] == "provincie") & (frame["year"] == END)]
    assert len(row) == 1
    return float(row[name].iloc[0])


def _province(model):
    (gov,) = model.governments["provincie"]
    return gov


@pytest.fixture(scope="module")
def base_sand(nl1000):
    return _model(nl1000, [])


@pytest.fixture(scope="module")
def base_peat(nl1000):
    return _model(nl1000, [], region=PEAT)


def test_kdw_target_records_the_target_and_only_acts_when_adaptive(nl1000, base_sand):
    fixed = _model(nl1000, [{"id": "NPLG-KDW-74PCT"}])
    assert fixed.policy.targets["n2000_below_kdw_share"] == pytest.approx(0.74)
    assert "farm_emission_factor_cap" not in fixed.policy.cell_targets
    assert _last(fixed, "nh3_emission_kt") == pytest.approx(_last(base_sand, "nh3_emission_kt"))


def test_adaptive_kdw_target_tightens_emissions_near_natura2000(nl1000, base_sand):
    assert _last(base_sand, "n2000_below_kdw_share") < 0.74  # the region misses the target
    model = _model(nl1000, [{"id": "NPLG-KDW-74PCT", "adaptive": True}])
    (inst,) = model.instruments
    assert isinstance(inst, KdwTarget) and inst.intensity > 1.0
    cap = model.policy.cell_targets["farm_emission_factor_cap"]
    near = (model.distance_to_natura2000_m() <= inst.parameters.max_distance_m) & inst.cells
    np.testing.assert_allclose(cap[near], 1.0 - inst.extra_reduction())
    assert np.isnan(cap[~near]).all()
    assert _last(model, "nh3_emission_kt") < _last(base_sand, "nh3_emission_kt")
    assert (_last(model, "kdw_exceedance_mean_mol_ha_yr")
            < _last(base_sand, "kdw_exceedance_mean_mol_ha_yr"))
    assert _last(model, "n2000_below_kdw_share") >= _last(base_sand, "n2000_below_kdw_share")
    assert _province(model).spent_meur == 0.0  # a target that pays nobody


def test_peat_target_raises_peat_groundwater_and_cuts_co2(nl1000, base_peat):
    model = _model(nl1000, [{"id": "NPLG-VEENWEIDE-1MT"}], region=PEAT)
    (inst,) = model.instruments
    assert isinstance(inst, PeatMeadowCo2Target)
    assert 0.0 < inst._reduction_mt < inst.parameters.reduction_mt  # Utrecht's share of 1 Mt
    assert inst._start_mt == pytest.approx(float(base_peat.peat_co2_t.sum()) / 1e6)
    assert model.policy.targets["peat_co2_mt"] == pytest.approx(
        inst._start_mt - inst._reduction_mt * 4 / 7)  # 2027 on the line 2024-2030
    peat = model.peat_ha > 0
    assert (model.groundwater_depth_cm[peat] <= base_peat.groundwater_depth_cm[peat]).all()
    assert (model.groundwater_depth_cm[peat] < base_peat.groundwater_depth_cm[peat]).any()
    np.testing.assert_array_equal(model.groundwater_depth_cm[~peat],
                                  base_peat.groundwater_depth_cm[~peat])
    assert _last(model, "peat_co2_mt") < _last(base_peat, "peat_co2_mt")


def test_adaptive_peat_target_steps_up_while_behind_the_path(nl1000):
    weak = {"id": "NPLG-VEENWEIDE-1MT", "parameters": {"rise_cm": 1.0}}
    fixed = _model(nl1000, [weak], region=PEAT)
    adaptive = _model(nl1000, [{**weak, "adaptive": True}], region=PEAT)
    assert fixed.instruments[0].intensity == 1.0
    assert adaptive.instruments[0].intensity > 1.0
    assert _last(adaptive, "peat_co2_mt") < _last(fixed, "peat_co2_mt")


@pytest.mark.parametrize("cls", [NnnTarget, ForestTarget])
def test_nature_targets_buy_farmland_in_their_zone_charged_to_the_province(nl1000, base_sand,
                                                                           cls):
    instrument_id = {NnnTarget: "NPLG-NNN-40571", ForestTarget: "NPLG-FOREST-37400"}[cls]
    model = _model(nl1000, [{"id": instrument_id}])
    (inst,) = model.instruments
    assert isinstance(inst, cls)
    zone = inst._zone
    assert zone.any() and not (zone & (model.landscape["land_use"] != AGRICULTURE)).any()
    gained = model.nature_gained_ha[zone].sum()
    assert gained > base_sand.nature_gained_ha[zone].sum() + 100.0
    assert _last(model, "nature_gained_ha") > _last(base_sand, "nature_gained_ha")
    gov = _province(model)
    years = END - 2024 + 1
    assert 0.0 < gov.spent_meur <= inst.parameters.budget_meur_per_yr * years + 1e-9
    assert gov.budget_meur == pytest.approx(gov.received_meur - gov.spent_meur)
    assert model.policy.targets[cls.target_key] == pytest.approx(inst.target_value(END))
    indicator = {i.name: i for i in NPLG_INDICATORS}[
        "nnn_nature_gained_ha" if cls is NnnTarget else "new_forest_ha"]
    assert indicator.cell_values(model).sum() == pytest.approx(gained)
    assert indicator.cell_values(base_sand).sum() == 0.0  # no zone without the instrument


def test_nature_zones_are_disjoint_with_default_widths(nl1000):
    model = _model(nl1000, [{"id": "NPLG-NNN-40571"}, {"id": "NPLG-FOREST-37400"}], end=2024)
    nnn, forest = model.instruments
    assert nnn._zone.any() and forest._zone.any()
    assert not (nnn._zone & forest._zone).any()


def test_nature_target_stops_buying_once_reached(nl1000):
    model = _model(nl1000, [{"id": "NPLG-NNN-40571", "parameters": {"nnn_remaining_ha": 50.0}}])
    (inst,) = model.instruments
    assert inst.gained_ha(model) >= inst.total_ha * inst._share > 0.0
    assert not [o for o in model.policy.offers if o["instrument"] == "NPLG-NNN-40571"]


def test_transition_zone_pays_extensification_and_bans_intensification(nl1000, base_sand):
    model = _model(nl1000, [{"id": "NPLG-OVERGANG-N2000"}])
    (inst,) = model.instruments
    zone = model.policy.zones[OVERGANGSGEBIED]
    expected = (inst.cells & (model.distance_to_natura2000_m() <= 1000.0)
                & (model.landscape["land_use"] == AGRICULTURE))
    np.testing.assert_array_equal(zone, expected)
    np.testing.assert_array_equal(model.policy.masks["no_intensification"], expected)
    np.testing.assert_allclose(model.policy.payments_eur_ha_yr["extensification"][zone], 500.0)
    frame, base = model.indicators(), base_sand.indicators()
    prov = (frame["level"] == "provincie")
    assert (frame[prov]["farms_extensified"].sum()
            > base[base["level"] == "provincie"]["farms_extensified"].sum())
    assert _last(model, "nh3_emission_kt") < _last(base_sand, "nh3_emission_kt")
    assert frame[prov]["payments_meur"].sum() > 0.0
    assert _province(model).spent_meur > 0.0 == _province(base_sand).spent_meur


def test_farm_innovation_subsidy_pays_technology_and_lowers_emission(nl1000, base_sand):
    model = _model(nl1000, [{"id": "NPLG-FARM-INNOVATION"}])
    (inst,) = model.instruments
    np.testing.assert_allclose(model.policy.payments_eur_ha_yr["technology"][inst.cells], 200.0)
    frame, base = model.indicators(), base_sand.indicators()
    adopted = frame[frame["level"] == "provincie"]["farms_adopted_technology"].sum()
    assert adopted > base[base["level"] == "provincie"]["farms_adopted_technology"].sum()
    assert _last(model, "nh3_emission_kt") < _last(base_sand, "nh3_emission_kt")
    gov = _province(model)
    paid = frame[frame["level"] == "provincie"]["payments_meur"].sum()
    assert gov.spent_meur == pytest.approx(paid) and paid > 0.0


def test_all_nplg_targets_together_are_reproducible(nl1000):
    instruments = [{"id": "NPLG-KDW-74PCT", "adaptive": True}, {"id": "NPLG-VEENWEIDE-1MT"},
                   {"id": "NPLG-NNN-40571"}, {"id": "NPLG-FOREST-37400"},
                   {"id": "NPLG-OVERGANG-N2000"}, {"id": "NPLG-FARM-INNOVATION"}]
    first = _model(nl1000, instruments, region=["Gelderland", "Utrecht"])
    second = _model(nl1000, instruments, region=["Gelderland", "Utrecht"])
    pd.testing.assert_frame_equal(first.indicators(), second.indicators())


def test_parameters_are_validated():
    with pytest.raises(ValidationError):
        NnnTarget.Parameters(unknown=1)
    with pytest.raises(ValidationError):
        KdwTarget.Parameters(share_area_below_kdw=1.5)
