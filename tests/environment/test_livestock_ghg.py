"""Agricultural greenhouse gases per farm (environment/livestock_ghg.py): calibration against the
published national totals, and the direction of herd changes."""

from __future__ import annotations

import numpy as np
import pytest

from agents.farmers.census import national
from environment import livestock_ghg as ghg


def _herd(year: int) -> np.ndarray:
    row = national(year)
    return np.array([[row.dairy_cows, row.cattle - row.dairy_cows, row.pigs, row.chickens,
                      row.sheep, row.goats]], dtype=np.int64)


def test_calibration_stays_close_to_the_ipcc_defaults():
    # the published 2018 totals need the Tier 1 CH4 factors nearly as they are, and an
    # effective N2O factor within the IPCC 2006 chain (0.012-0.02 kg N2O-N per kg N excreted)
    assert 0.8 < ghg.CH4_CALIBRATION < 1.25
    assert 0.012 < ghg.MANURE_N2O_KG_PER_KG_N / ghg.N2O_PER_N2O_N < 0.02
    np.testing.assert_array_equal(_herd(2018)[0], ghg.CBS_HEAD_2018)  # the shipped census


def test_national_herd_emits_the_published_order_of_magnitude():
    one = np.ones(1, bool)
    row = national(2023)
    herd = _herd(2023)
    ch4_mt = ghg.livestock_ch4_t_co2eq(herd, one).sum() / 1e6
    open_ha = np.array([row.arable_ha + row.horticulture_open_ha + row.grassland_fodder_ha])
    total_mt = ghg.agri_ghg_t_co2eq(herd, open_ha, one).sum() / 1e6
    assert 11.0 < ch4_mt < 14.0  # 13 Mt in 2018 (Klimaathelpdesk), herds smaller since
    assert 15.0 < total_mt < 19.0  # agriculture's non-CO2 emission, about 17-18 Mt
    assert ch4_mt < ghg.LIVESTOCK_CH4_2018_MT


def test_smaller_herds_and_stopped_farms_emit_less():
    rng = np.random.default_rng(1)
    animals = rng.integers(0, 200, size=(50, 6))
    active = np.ones(50, bool)
    area = rng.uniform(0, 80, 50)
    full = ghg.agri_ghg_t_co2eq(animals, area, active)
    assert (full > 0).all()
    half = ghg.livestock_ch4_t_co2eq(animals // 2, active)
    assert (half <= ghg.livestock_ch4_t_co2eq(animals, active)).all()
    active[:10] = False
    stopped = ghg.agri_ghg_t_co2eq(animals, area, active)
    assert (stopped[:10] == 0).all() and np.array_equal(stopped[10:], full[10:])
    # vectorised per farm: the farms' sum is the emission of their summed herd
    assert full.sum() == pytest.approx(ghg.agri_ghg_t_co2eq(
        animals.sum(axis=0, keepdims=True), np.array([area.sum()]), np.ones(1, bool))[0])


def test_feed_factor_lowers_enteric_ch4_only():
    cows = np.array([[100, 50, 0, 0, 0, 0]])
    one = np.ones(1, bool)
    base = ghg.livestock_ch4_t_co2eq(cows, one)
    fed = ghg.livestock_ch4_t_co2eq(cows, one, np.array([0.7]))
    enteric = ghg.enteric_ch4_t(cows, one) * ghg.GWP_CH4
    assert base - fed == pytest.approx(0.3 * enteric)
    assert ghg.manure_n2o_t_co2eq(cows, one) > 0
