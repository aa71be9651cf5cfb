"""Hindcast of structural change against the CBS census (stated bands, never widened to pass).

Two runs at 1000 m: from the 2010 census through 2015, and from the 2016 census through 2023
(the census counts holdings differently from 2016 on, so each period starts from its own census).

Bands: national holdings within 2% of the census every year; holdings with pigs or chickens
(intensive farms) within 5% in the end year; the dairy farms' relative decline within 3
percentage points of the decline of holdings with cattle; every province within 15% of its
census holdings in the end year and the provinces' mean absolute error under 6%.
"""

import numpy as np
import pytest

from abm.model import RegionModel
from agents.farmers.census import census, census_table


@pytest.fixture(scope="module", params=[(2011, 2015), (2017, 2023)], ids=["2010-2015", "2016-2023"])
def hindcast(request):
    start, end = request.param
    model = RegionModel.from_scenario("baseline", resolution=1000, start=start, end=end)
    model.run_until(end)
    return start - 1, end, model, model.indicators()


def test_national_holdings_follow_the_census_every_year(hindcast):
    _, end, _, frame = hindcast
    nl = frame[frame.level == "nl"].set_index("year").farms_total
    table = census_table()
    observed = table[table.region_code == "NL01"].set_index("year").farms
    for year, simulated in nl.items():
        assert simulated == pytest.approx(observed[year], rel=0.02), year


def test_pig_and_poultry_holdings_in_the_end_year(hindcast):
    _, end, _, frame = hindcast
    nl = frame[(frame.level == "nl") & (frame.year == end)].iloc[0]
    c = census(end).sum()
    assert nl.farms_intensive_livestock == pytest.approx(
        c.farms_with_pigs + c.farms_with_chickens, rel=0.05)


def test_dairy_declines_like_the_holdings_with_cattle(hindcast):
    base, end, model, frame = hindcast
    nl = frame[(frame.level == "nl") & (frame.year == end)].iloc[0]
    start_dairy = (model.farms.farm_type == 0).sum()
    simulated = nl.farms_dairy / start_dairy - 1
    observed = census(end).sum().farms_with_cattle / census(base).sum().farms_with_cattle - 1
    assert abs(simulated - observed) < 0.03


def test_provinces_follow_their_census(hindcast):
    _, end, _, frame = hindcast
    prov = frame[(frame.level == "provincie") & (frame.year == end)].set_index("region_code")
    error = prov.farms_total / census(end).farms - 1
    assert (error.abs() < 0.15).all(), error.round(3).to_dict()
    assert error.abs().mean() < 0.06


def test_land_is_conserved_while_farms_stop(hindcast):
    _, _, model, frame = hindcast
    farms = model.farms
    placed = np.bincount(farms.parcel_farm, weights=farms.parcel_ha, minlength=farms.n)
    np.testing.assert_allclose(placed, farms.total_area_ha, atol=1e-6)
    assert placed[~farms.active].sum() == pytest.approx(0.0, abs=1e-6)
    nl = frame[frame.level == "nl"].set_index("year")
    used = nl[["arable_area_ha", "horticulture_open_area_ha", "greenhouse_area_ha",
               "grassland_area_ha"]].sum(axis=1)
    # what leaves farming becomes nature (nature organisations buy next to Natura 2000) or is
    # built on (developers buy greenfield for housing)
    kept = used + nl.nature_gained_ha + nl.farmland_converted_ha.cumsum()
    assert np.allclose(kept, kept.iloc[0])
    assert (nl.land_traded_ha > 0).all() and (nl.farms_exited > 0).all()
    assert (nl.farms_total.diff().dropna() == -nl.farms_exited.iloc[1:]).all()


def test_pig_and_poultry_holdings_separately(hindcast):
    _, end, model, frame = hindcast
    from agents.farmers.decisions import exit_group

    group = exit_group(model.farms)  # as grouped now; exits never change a farm's group
    c = census(end).sum()
    assert (model.farms.active & (group == 1)).sum() == pytest.approx(c.farms_with_pigs, rel=0.05)
    assert (model.farms.active & (group == 2)).sum() == pytest.approx(c.farms_with_chickens,
                                                                      rel=0.05)


def test_herds_stay_near_the_base_year_without_instruments(hindcast):
    # Not a hindcast: herd trends (phosphate rights 2017-2018, pig buy-outs) are policy-driven
    # and come with the instruments; without them herds stay in their sector, changed only by
    # the few farms that intensify or extensify (unsold rights lapse: a slow drift down).
    base, end, model, frame = hindcast
    nl = frame[frame.level == "nl"].set_index("year")
    c = census(base).sum()
    assert nl.dairy_cows.iloc[-1] == pytest.approx(c.dairy_cows, rel=0.02)
    assert nl.pigs.iloc[-1] == pytest.approx(c.pigs, rel=0.02)
    assert nl.dairy_cows.iloc[-1] <= c.dairy_cows and nl.pigs.iloc[-1] <= c.pigs


@pytest.fixture(scope="module")
def across_break():
    model = RegionModel.from_scenario("baseline", resolution=1000, start=2010, end=2023)
    model.run_until(2023)
    return model, model.indicators()


def test_one_run_across_the_2016_definition_break_follows_the_census(across_break):
    """`ruimte run baseline --start 2010 --end 2023`: at 2016 the smallest holdings leave the
    census (not exits), and the run follows the census on both sides. Band: 4% every year (the
    2016-on multipliers were fitted from the 2016 census, not from the run's own population)."""
    from agents.farmers.census_break import definitional_share

    _, frame = across_break
    nl = frame[frame.level == "nl"].set_index("year")
    table = census_table()
    observed = table[table.region_code == "NL01"].set_index("year").farms
    for year, simulated in nl.farms_total.items():
        assert simulated == pytest.approx(observed[year], rel=0.04), year
    left = nl.farms_left_census
    assert (left.drop(2016) == 0).all()
    prov = frame[(frame.level == "provincie") & (frame.year == 2016)].set_index("region_code")
    before = frame[(frame.level == "provincie") & (frame.year == 2015)].set_index("region_code")
    for code, row in prov.iterrows():
        share = definitional_share(code)
        assert row.farms_left_census == pytest.approx(share * before.farms_total[code], abs=2)
    # the land of the holdings that left leaves the census area, not the map
    used = nl[["arable_area_ha", "horticulture_open_area_ha", "greenhouse_area_ha",
               "grassland_area_ha"]].sum(axis=1)
    assert used[2016] < used[2015] and used[2016] == pytest.approx(used[2015], rel=0.05)
    left_map = nl.agri_area_ha[2015] - nl.agri_area_ha[2016]  # to nature and built on
    built = nl.urban_area_ha[2016] - nl.urban_area_ha[2015]
    assert left_map == pytest.approx(nl.nature_gained_ha[2016] - nl.nature_gained_ha[2015]
                                     + built)
