"""The climate and allocation instruments of abm/policy/instruments/klimaat.py: the agricultural
GHG target NPLG-AG-GHG-5MT (records, and only acts when adaptive) and the water-and-soil
allocation rule NPLG-N-ALLOC-WBS (buy-outs move toward vulnerable cells; land and farms kept)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from abm.model import RegionModel
from abm.policy.instruments.klimaat import (
    CH4_ENTERIC_FACTOR,
    N_PRIORITY_WEIGHT,
    AgriGhgTarget,
    WaterSoilAllocation,
    farm_ghg_t,
)
from abm.scenario import scenario_from_dict

REGION = ["Gelderland"]  # livestock, sand, peat and Natura 2000
END = 2030
BUYOUT = {"id": "NPLG-BUYOUT", "parameters": {"budget_meur_per_yr": 60.0}}


def _model(nl1000, instruments, end=END, region=REGION):
    data = {"name": "t", "start_year": 2024, "end_year": end, "resolution_m": 1000,
            "region": region, "seed": 5, "instruments": instruments}
    return RegionModel(scenario_from_dict(data), nl1000)


def _run(nl1000, instruments, end=END):
    model = _model(nl1000, instruments, end)
    model.run_until(end)
    return model


def _series(model, name):
    frame = model.indicators()
    return frame[frame["level"] == "provincie"].set_index("year")[name]


@pytest.fixture(scope="module")
def base(nl1000):
    return _run(nl1000, [])


def test_ghg_target_without_adaptive_only_records(nl1000, base):
    model = _run(nl1000, [{"id": "NPLG-AG-GHG-5MT"}])
    (inst,) = model.instruments
    assert isinstance(inst, AgriGhgTarget) and inst.owner.code == "NL"
    assert inst.intensity == 1.0 and CH4_ENTERIC_FACTOR not in model.policy.cell_targets
    assert _series(model, "agri_ghg_mt_co2eq").equals(_series(base, "agri_ghg_mt_co2eq"))
    # the target: start value less the region's share of 5 Mt, due in full in 2030
    assert 0.05 < inst._share < 0.5
    start = float(farm_ghg_t(_model(nl1000, []))[1].sum()) / 1e6
    assert inst._start_mt == pytest.approx(start)
    targets = model.policy.targets
    assert targets["agri_ghg_mt_co2eq"] == pytest.approx(start - 5.0 * inst._share)
    assert targets["livestock_ch4_mt_co2eq"] == pytest.approx(
        inst._start_ch4_mt - 3.82 * inst._share)
    assert targets["carbon_sequestration_trees_mt"] == pytest.approx(0.4 * inst._share)
    assert targets["carbon_sequestration_soils_mt"] == pytest.approx(0.5 * inst._share)


def test_adaptive_ghg_target_cuts_methane_below_baseline(nl1000, base):
    model = _run(nl1000, [{"id": "NPLG-AG-GHG-5MT", "adaptive": True}])
    (inst,) = model.instruments
    assert inst.intensity > 1.0  # the region lags the path
    factor = model.policy.cell_targets[CH4_ENTERIC_FACTOR]
    np.testing.assert_allclose(factor[inst.cells], 1.0 - inst.extra_reduction())
    ghg, ghg0 = _series(model, "agri_ghg_mt_co2eq"), _series(base, "agri_ghg_mt_co2eq")
    ch4, ch40 = _series(model, "livestock_ch4_mt_co2eq"), _series(base, "livestock_ch4_mt_co2eq")
    assert ghg[END] < ghg0[END] and ch4[END] < ch40[END]
    assert (ghg <= ghg0 + 1e-9).all()  # the direction holds every year
    assert (ghg.diff().dropna() <= 1e-9).all()  # and the emission does not rise
    # the lever acts on CH4 only: the whole difference is methane
    assert (ghg0 - ghg)[END] == pytest.approx((ch40 - ch4)[END])
    assert model.policy.targets["agri_ghg_mt_co2eq"] == pytest.approx(inst.target_value(END))
    assert inst.owner.spent_meur == 0.0  # a target that pays nobody


def test_forest_sequestration_is_counted_for_new_forest(nl1000, base):
    model = _run(nl1000, [{"id": "NPLG-FOREST-37400"}, {"id": "NPLG-AG-GHG-5MT"}], end=2026)
    seq = _series(model, "forest_co2_sequestration_mt")
    forest = _series(model, "new_forest_ha")
    assert seq[2026] == pytest.approx(forest[2026] * 7.0 / 1e6) and seq[2026] > 0
    assert (_series(base, "forest_co2_sequestration_mt") == 0).all()


def _signed(nl1000, instruments, end=2026):
    model = _model(nl1000, instruments, end)
    start_area = model.farms.total_area_ha.sum()
    start_active = int(model.farms.active.sum())
    signed = []
    for year in range(2024, end + 1):
        model.run_until(year)
        signed.append(np.flatnonzero(model.buyouts.signed))
    return model, np.concatenate(signed), start_area, start_active


def test_allocation_rule_moves_buyouts_to_vulnerable_cells(nl1000):
    without, out0, _, _ = _signed(nl1000, [BUYOUT])
    model, out1, start_area, start_active = _signed(
        nl1000, [BUYOUT, {"id": "NPLG-N-ALLOC-WBS"}])
    (_, rule) = model.instruments
    assert isinstance(rule, WaterSoilAllocation) and model.policy.flags[rule.flag]
    weight = model.policy.cell_targets[N_PRIORITY_WEIGHT]
    assert np.nanmin(weight) >= 1.0 and np.isnan(weight[~rule.cells]).all()
    near = model.distance_to_natura2000_m() <= rule.parameters.near_distance_m
    assert (weight[near & rule.cells] >= 2.0).all()
    assert N_PRIORITY_WEIGHT not in without.policy.cell_targets
    w = weight.ravel()
    cell = model.farms.farmstead_cell
    assert out0.size > 10 and out1.size > 10
    assert w[cell[out1]].mean() > w[cell[out0]].mean()  # same budget, more weighted cells
    assert (w[cell[out1]] >= 2.0).mean() > (w[cell[out0]] >= 2.0).mean()
    # farms and land are conserved
    frame = model.indicators()
    prov = frame[frame["level"] == "provincie"]
    exits = int(prov["farms_exited"].sum() + prov["farms_left_census"].sum())
    assert int(model.farms.active.sum()) == start_active - exits
    farms = model.farms
    per_farm = np.bincount(farms.parcel_farm, weights=farms.parcel_ha, minlength=farms.n)
    np.testing.assert_allclose(per_farm, farms.total_area_ha, atol=1e-6)
    assert (farms.total_area_ha.sum() + model.nature_gained_ha.sum()
            + model.farmland_converted_total_ha.sum()) == pytest.approx(start_area)


def test_klimaat_instruments_are_reproducible(nl1000):
    instruments = [BUYOUT, {"id": "NPLG-N-ALLOC-WBS"},
                   {"id": "NPLG-AG-GHG-5MT", "adaptive": True}]
    a = _run(nl1000, instruments, end=2026).indicators()
    b = _run(nl1000, instruments, end=2026).indicators()
    assert a.equals(b)


def test_parameters_are_validated():
    with pytest.raises(ValidationError):
        AgriGhgTarget.Parameters(ghg_reduction_mt=-1.0)
    with pytest.raises(ValidationError):
        WaterSoilAllocation.Parameters(peat_weight=-0.5)
    with pytest.raises(ValidationError):
        WaterSoilAllocation.Parameters(unknown=1.0)
    assert AgriGhgTarget.Parameters().methane_min_mt == 3.82
