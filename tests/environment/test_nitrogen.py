"""NH3 emission and deposition: calibration, mass, linearity and the direction of effects."""

import numpy as np
import pytest
from scipy.signal import fftconvolve

from agents.farmers import create_farms
from environment import nitrogen
from environment.grid import Grid
from environment.nitrogen import KERNEL, DepositionKernel, KernelComponent


def test_2021_herd_emits_the_published_2021_total():
    kg = nitrogen.farm_emission_kg(nitrogen.CBS_HEAD_2021[None, :].astype(float),
                                   np.ones(1), np.ones(1, bool))
    assert kg.sum() / 1e6 == pytest.approx(nitrogen.NH3_AGRICULTURE_2021_KT, rel=1e-9)


def test_2023_farms_emit_close_to_the_published_recent_totals(nl1000):
    farms, _ = create_farms(nl1000, 2022, np.random.default_rng(1))
    kt = nitrogen.farm_emission_kg(farms.animals, farms.emission_factor, farms.active).sum() / 1e6
    assert 104 < kt < 108  # ~106 kt in 2022 (Staat van Landbouw, Natuur en Voedsel)


def test_dairy_cow_excretes_more_than_a_pig_more_than_a_chicken():
    n = nitrogen.N_EXCRETION_KG_HEAD
    assert n[0] > n[1] > n[2] > n[3] > 0
    assert 100 < n[0] < 160  # kg N per dairy cow per year


def test_emission_scales_with_technology_and_stops_at_exit():
    animals = np.array([[100, 50, 0, 0, 0, 0]], dtype=float)
    base = nitrogen.farm_emission_kg(animals, np.ones(1), np.ones(1, bool))
    half = nitrogen.farm_emission_kg(animals, np.full(1, 0.5), np.ones(1, bool))
    gone = nitrogen.farm_emission_kg(animals, np.ones(1), np.zeros(1, bool))
    assert half == pytest.approx(base / 2) and gone == 0


def _centre_source(n: int, cell: int) -> tuple[Grid, np.ndarray]:
    grid = Grid(0.0, n * cell, cell, n, n)
    emission = np.zeros(grid.shape)
    emission[n // 2, n // 2] = 1_000.0
    return grid, emission


def test_kernel_deposits_its_share_of_the_mass():
    grid, emission = _centre_source(601, 1000)  # 600 km: the whole regional kernel fits
    deposited = DepositionKernel(grid).deposited_kg(emission).sum()
    inside = 1 - (1 + nitrogen.KERNEL_CUTOFF_LENGTHS) * np.exp(-nitrogen.KERNEL_CUTOFF_LENGTHS)
    assert deposited / 1000.0 == pytest.approx(sum(c.share for c in KERNEL) * inside, rel=1e-3)


def test_deposition_decays_with_distance_and_is_symmetric():
    grid, emission = _centre_source(201, 250)
    dep = DepositionKernel(grid).deposited_kg(emission)
    c = 100
    profile = dep[c, c:c + 60]
    assert (np.diff(profile) <= 1e-12).all() and profile[0] > 10 * profile[20]
    assert dep[c, c + 7] == pytest.approx(dep[c + 7, c]) == pytest.approx(dep[c, c - 7])


def test_deposition_is_linear_in_emission():
    grid = Grid.national(1000).window(100, 180, 100, 170)
    rng = np.random.default_rng(0)
    a, b = rng.random(grid.shape), rng.random(grid.shape)
    kernel = DepositionKernel(grid)
    np.testing.assert_allclose(kernel.deposited_kg(a + 2 * b),
                               kernel.deposited_kg(a) + 2 * kernel.deposited_kg(b), rtol=1e-9,
                               atol=1e-12)


def test_fine_component_equals_scipy_fftconvolve():
    grid = Grid.national(250).window(0, 120, 0, 100)
    comp = KernelComponent(0.2, 1_500.0)
    rng = np.random.default_rng(1)
    emission = rng.random(grid.shape)
    ours = DepositionKernel(grid, (comp,)).deposited_kg(emission)
    kernel = nitrogen._component_kernel(grid.cell_size_m, comp)
    np.testing.assert_allclose(ours, fftconvolve(emission, kernel, mode="same"), atol=1e-10)


def test_background_gives_agriculture_its_published_share():
    agri = np.array([[100.0, 300.0], [0.0, 50.0]])
    sensitive = np.array([[True, True], [False, False]])
    bg = nitrogen.background_mol_ha_yr(agri, sensitive)
    assert 200.0 / (200.0 + bg) == pytest.approx(nitrogen.AGRI_SHARE_N2000)


def test_default_kdw_only_on_sensitive_cells(nl1000):
    sensitive = nl1000["natura2000_n_sensitive"]
    kdw = nitrogen.default_kdw_mol_ha_yr(nl1000["fgr_id"], nl1000.codes("fgr"), sensitive)
    assert np.isnan(kdw[~sensitive]).all()
    assert (kdw[sensitive] >= 500).all() and (kdw[sensitive] <= 2500).all()
