import numpy as np
import pytest

from environment import peat


def test_water_moves_toward_the_target_in_steps():
    depth = np.array([80.0, 35.0, 50.0, 10.0])
    target = np.array([30.0, 30.0, np.nan, 30.0])
    out = peat.move_toward(depth, target, step_cm=10.0)
    assert out.tolist() == [70.0, 30.0, 50.0, 20.0]


def test_calibration_reproduces_the_published_emission():
    ha = np.array([100.0, 50.0, 0.0])
    depth = np.array([40.0, 60.0, 80.0])
    coef = peat.calibrate_co2_coefficient(ha, depth)
    assert peat.peat_co2_t(ha, depth, coef).sum() == pytest.approx(peat.PEAT_CO2_MT_PUBLISHED * 1e6)


def test_wetter_peat_emits_less_and_sinks_slower():
    ha = np.full(3, 10.0)
    co2 = peat.peat_co2_t(ha, np.array([60.0, 40.0, 0.0]), 0.5)
    sink = peat.subsidence_mm_yr(co2, ha)
    assert co2[0] > co2[1] > co2[2] == 0 and sink[0] > sink[1] > sink[2] == 0
    assert peat.subsidence_mm_yr(np.ones(1), np.zeros(1))[0] == 0


def test_subsidence_conversion_is_the_groningen_survey():
    # 512,000 t CO2/yr from 22,655 ha sinking 1-2 cm/yr (15 mm/yr)
    assert peat.CO2_T_PER_HA_PER_MM * 15.0 * 22_655 == pytest.approx(512_000)
