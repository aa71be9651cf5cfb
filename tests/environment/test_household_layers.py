"""The household layers of the shipped bundles: dwellings, adult age classes, income groups."""

import numpy as np
import pandas as pd
import pytest

from environment.builder import (
    CBS_DWELLINGS_NL_2021,
    INCOME_COLUMNS,
    _adult_shares,
    _income_shares,
)

AGE_LAYERS = ("adults_share_15_44", "adults_share_45_64", "adults_share_65plus")
SHARE_LAYERS = AGE_LAYERS + tuple(INCOME_COLUMNS)
#: Shares are stored in steps of 1e-4, so three of them sum to 1 within 1.5e-4.
STORAGE_TOLERANCE = 5e-4


@pytest.fixture(params=["nl1000", "nl250"])
def land(request):
    return request.getfixturevalue(request.param)


def _weighted_mean(land, layer, weight, mask=None):
    w = land[weight].astype(np.float64)
    if mask is not None:
        w = np.where(mask, w, 0.0)
    return float((land[layer] * w).sum() / w.sum())


def test_shares_lie_in_zero_one_and_are_zero_off_land(land):
    for name in SHARE_LAYERS:
        values = land[name]
        assert values.dtype == np.float32
        assert values.min() >= 0.0 and values.max() <= 1.0, name
        assert (values[~land["land_mask"]] == 0).all(), name
    assert (land["dwellings"][~land["land_mask"]] == 0).all()
    assert land["dwellings"].min() >= 0


def test_age_shares_sum_to_one_where_people_live(land):
    total = sum(land[name].astype(np.float64) for name in AGE_LAYERS)
    inhabited = land["inhabitants"] > 0
    assert inhabited.sum() > 10_000
    np.testing.assert_allclose(total[inhabited], 1.0, atol=STORAGE_TOLERANCE)
    # Land cells without inhabitants carry the national shares, which also sum to 1.
    np.testing.assert_allclose(total[land["land_mask"]], 1.0, atol=STORAGE_TOLERANCE)


def test_national_dwellings_match_cbs_and_exceed_households(land):
    dwellings = land["dwellings"].sum(dtype=np.float64)
    assert abs(dwellings / CBS_DWELLINGS_NL_2021 - 1) < 0.01
    assert dwellings >= 0.9 * land["households"].sum(dtype=np.float64)


def test_cited_dwelling_stock_lies_between_published_years(shared_reference):
    stats = shared_reference / "statistics"
    by_year = pd.read_csv(stats / "housing_stock_ownership_national_82900NED.csv").set_index(
        "year_1_january")["dwellings_total"]
    regions = pd.read_csv(stats / "population_housing_region.csv").set_index("region_code")
    assert by_year[2019] < CBS_DWELLINGS_NL_2021 < regions.loc["NL01", "dwellings_2022_01_01"]


def test_province_dwellings_follow_cbs(land, shared_reference):
    """The 1 Jan 2021 stock per province lies just below CBS 1 Jan 2022 (about 1% growth)."""
    cbs = pd.read_csv(shared_reference / "statistics" / "population_housing_region.csv")
    cbs = cbs.set_index("region_code")["dwellings_2022_01_01"]
    per_province = np.bincount(land["province_id"].ravel(),
                               weights=land["dwellings"].ravel().astype(np.float64), minlength=13)
    for i, code in enumerate(land.codes("province"), start=1):
        assert 0.95 < per_province[i] / cbs[code] < 1.01, code


def test_income_groups_follow_the_cbs_definition(land):
    # Lowest 40% and highest 20% of national household income: the household-weighted means
    # are near 0.40 and 0.20 (PC4s without a value carry the national mean).
    assert _weighted_mean(land, "income_low_share", "households") == pytest.approx(0.40, abs=0.01)
    assert _weighted_mean(land, "income_high_share", "households") == pytest.approx(0.20, abs=0.01)
    # Known contrasts: Bloemendaal richer than the nation, Rotterdam poorer.
    names = [row["name"] for row in land.tables["gemeente"]]
    rich = land["gemeente_id"] == names.index("Bloemendaal") + 1
    poor = land["gemeente_id"] == names.index("Rotterdam") + 1
    assert _weighted_mean(land, "income_high_share", "households", rich) > 0.3
    assert _weighted_mean(land, "income_low_share", "households", poor) > 0.45


def test_age_classes_differ_between_provinces(land):
    codes = land.codes("province")

    def old_share(code):
        mask = land["province_id"] == codes.index(code) + 1
        return _weighted_mean(land, "adults_share_65plus", "inhabitants", mask)

    # Zeeland is older than Flevoland (CBS 2021: roughly 26% vs 15% of all inhabitants 65+).
    assert old_share("PV29") > old_share("PV24") + 0.05
    assert 0.2 < _weighted_mean(land, "adults_share_65plus", "inhabitants") < 0.27


def test_region_subset_zeroes_household_layers_outside(nl1000):
    utrecht = nl1000.subset(["PV26"])
    outside = utrecht["province_id"] == 0
    assert outside.any()
    for name in ("dwellings",) + SHARE_LAYERS:
        assert (utrecht[name][outside] == 0).all(), name


def _identity_spread(totals):
    """One cell per PC4: the spread of PC4 totals is the totals themselves."""
    return np.asarray(totals, dtype=np.float64)


def test_missing_and_secret_income_values_get_the_national_mean():
    table = pd.DataFrame({
        "PC4": [1000, 1001, 1002],
        "AANTAL_HH": [100.0, 300.0, 50.0],
        "P_LINK_HH": [20.0, 60.0, -99997.0],  # CBS secret value
        "P_HINK_HH": [30.0, 10.0, np.nan],
    })
    codes = np.array([1000, 1001, 1002, 1003])  # 1003 is not in the table
    households = np.array([100.0, 300.0, 50.0, 10.0])
    out = _income_shares(table, codes, households, _identity_spread, households,
                         np.ones(4, dtype=bool))
    national_low = (0.2 * 100 + 0.6 * 300) / 400
    np.testing.assert_allclose(out["income_low_share"], [0.2, 0.6, national_low, national_low],
                               rtol=1e-6)
    national_high = (0.3 * 100 + 0.1 * 300) / 400
    np.testing.assert_allclose(out["income_high_share"][2:], national_high, rtol=1e-6)


def test_pc4_without_age_data_gets_national_shares():
    bands = ["0-4", "20-24", "50-54", "70-74"]
    age = pd.DataFrame({
        "postcode": [1000.0] * 4 + [1001.0] * 4 + [1002.0] * 4,
        "leeftijd": bands * 3,
        "inwoners": [10, 30, 60, 10, 0, 0, 10, 90, np.nan, np.nan, np.nan, np.nan],
    })
    codes = np.array([1000, 1001, 1002])
    inhabitants = np.array([110.0, 100.0, 50.0])
    land = np.array([True, True, False])
    out = _adult_shares(age, codes, inhabitants, _identity_spread, land)
    np.testing.assert_allclose(
        [out[name][0] for name in AGE_LAYERS], [30 / 100, 60 / 100, 10 / 100], rtol=1e-6
    )
    np.testing.assert_allclose([out[name][1] for name in AGE_LAYERS], [0.0, 0.1, 0.9], rtol=1e-6)
    # The third PC4 has no age data (national shares) but lies off land: 0.
    assert all(out[name][2] == 0 for name in AGE_LAYERS)
    land_all = np.ones(3, dtype=bool)
    out = _adult_shares(age, codes, inhabitants, _identity_spread, land_all)
    np.testing.assert_allclose([out[name][2] for name in AGE_LAYERS],
                               [30 / 200, 70 / 200, 100 / 200], rtol=1e-6)
