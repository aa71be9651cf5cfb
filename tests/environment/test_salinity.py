import numpy as np

from environment import salinity


def test_exposure_is_coastal_low_and_prone(nl1000):
    exposed = salinity.exposure(nl1000)
    assert exposed.max() <= 1.0 and (exposed >= 0).all()
    assert exposed[~nl1000["land_mask"]].max() == 0
    assert exposed[nl1000["elevation_m_nap"] > salinity.MAX_ELEVATION_M_NAP].max() == 0
    hz = nl1000["fgr_id"] == nl1000.codes("fgr").index("hz") + 1
    assert exposed[hz].max() == 0
    assert (exposed > 0).sum() > 100


def test_salinity_rises_with_the_driver_and_saturates():
    exposed = np.array([1.0, 0.5, 0.0])
    s = np.zeros(3)
    for _ in range(60):
        s = salinity.step(s, exposed, salinity.DRIVERS["strong"])
    np.testing.assert_allclose(s, [1.0, 0.75, 0.0])
    assert (salinity.step(s, exposed, salinity.DRIVERS["none"]) == s).all()
