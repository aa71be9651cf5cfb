"""The synthetic firm population reproduces the CBS totals and sits where its werkmilieu says."""

import numpy as np
import pandas as pd
import pytest

from abm.model import RegionModel
from agents.firms import annual_growth_by_province, create_firms, grow
from agents.firms.placement import CAMPUSES, INDUSTRIAL_CLUSTERS, cell_xy_m
from agents.firms.population import (
    ESTABLISHMENTS_CSV,
    SMALL_GROUP_SIZE,
    WERKMILIEU_SHARE_LARGE,
    WERKMILIEU_SHARE_SMALL,
)
from agents.firms.state import DISTRIBUTIE, INDUSTRIEEL, PRODUCTIE, SECTIONS, STEDELIJK
from environment.layers import NATURE, WATER


@pytest.fixture(scope="module")
def firms(nl1000):
    return create_firms(nl1000, np.random.default_rng(11))


def test_national_establishments_and_jobs_match_cbs_within_one_percent(firms):
    raw = pd.read_csv(ESTABLISHMENTS_CSV).set_index("sbi_section")
    sizes = ["size_0_persons", "size_1_person", "size_2_to_10", "size_10_plus"]
    total = raw.loc["A-U Alle economische activiteiten", sizes].sum()
    agriculture = raw.loc["A Landbouw, bosbouw en visserij", sizes].sum()
    assert firms.establishments.sum() == pytest.approx(total - agriculture, rel=0.01)
    # CBS 2019: 10,690 thousand jobs, of which 254 thousand in agriculture (the farmers').
    assert firms.jobs.sum() == pytest.approx((10_690 - 254) * 1000.0, rel=0.01)
    # Industry (C) carries its own CBS 2019 jobs figure, 835 thousand.
    assert firms.jobs[firms.sector == SECTIONS.index("C")].sum() == pytest.approx(835_000,
                                                                                 rel=0.01)
    assert "A" not in SECTIONS


def test_agent_scale(firms):
    assert firms.n < 150_000
    large = firms.size_class == 3
    assert (firms.establishments[large] == 1).all()
    assert firms.establishments[~large].max() <= SMALL_GROUP_SIZE
    np.testing.assert_allclose(WERKMILIEU_SHARE_SMALL.sum(axis=1), 1.0)
    np.testing.assert_allclose(WERKMILIEU_SHARE_LARGE.sum(axis=1), 1.0)


def test_every_firm_is_on_a_land_cell_of_its_province(firms, nl1000):
    assert (firms.cell >= 0).all()
    assert (nl1000["province_id"].ravel()[firms.cell] == firms.province_id).all()
    assert nl1000["land_mask"].ravel()[firms.cell].all()
    assert not np.isin(nl1000["land_use"].ravel()[firms.cell], [NATURE, WATER]).any()


def _mean_station_m(firms, nl1000, milieu):
    mine = firms.werkmilieu == milieu
    return np.average(nl1000["dist_station_m"].ravel()[firms.cell[mine]],
                      weights=firms.jobs[mine])


def test_stedelijk_jobs_lie_closer_to_stations_than_productie_and_distributie(firms, nl1000):
    stedelijk = _mean_station_m(firms, nl1000, STEDELIJK)
    assert stedelijk < 0.5 * _mean_station_m(firms, nl1000, PRODUCTIE)
    assert stedelijk < 0.5 * _mean_station_m(firms, nl1000, DISTRIBUTIE)


def _near(nl1000, cells, points, radius_m):
    x, y = cell_xy_m(nl1000, cells)
    d = np.min([np.hypot(x - px, y - py) for _, _, px, py, _ in points], axis=0)
    return d <= radius_m


def test_industrieel_jobs_concentrate_in_the_clusters(firms, nl1000):
    ind = firms.werkmilieu == INDUSTRIEEL
    near = _near(nl1000, firms.cell, INDUSTRIAL_CLUSTERS, 10_000.0)
    assert firms.jobs[ind & near].sum() > 0.5 * firms.jobs[ind].sum()
    prod = firms.werkmilieu == PRODUCTIE
    assert firms.jobs[prod & near].sum() < 0.2 * firms.jobs[prod].sum()


def test_cluster_and_campus_points_lie_on_land_of_their_province(nl1000):
    cells = np.flatnonzero(nl1000["land_mask"].ravel())
    prov = nl1000["province_id"].ravel()[cells]
    codes = nl1000.codes("province")
    x, y = cell_xy_m(nl1000, cells)
    for name, code, px, py, _ in INDUSTRIAL_CLUSTERS + CAMPUSES:
        d = np.hypot(x - px, y - py)
        assert d.min() <= 2_000.0, name
        assert codes[prov[d.argmin()] - 1] == code, name


def test_same_seed_same_firms(firms, nl1000):
    again = create_firms(nl1000, np.random.default_rng(11))
    np.testing.assert_array_equal(again.cell, firms.cell)
    np.testing.assert_array_equal(again.jobs, firms.jobs)
    other = create_firms(nl1000, np.random.default_rng(12))
    assert (other.cell != firms.cell).any()


def test_jobs_grow_with_the_population_of_their_province(nl1000):
    from agents.firms.dynamics import lisa_growth_2019_2023
    from environment import population

    factor = annual_growth_by_province(nl1000)
    codes = nl1000.codes("province")
    for code in ("PV26", "PV31", "PV29"):
        assert factor[codes.index(code) + 1] == pytest.approx(
            1 + population.growth_rate_per_yr(code))
    # the provinces LISA saw grow fastest in jobs 2019-2023 grow faster than Limburg here too
    lisa = lisa_growth_2019_2023()
    assert lisa["Utrecht"] > lisa["Limburg"]
    assert factor[codes.index("PV26") + 1] > factor[codes.index("PV31") + 1]
    f = create_firms(nl1000, np.random.default_rng(1))
    before = f.jobs.copy()
    grow(f, factor)
    np.testing.assert_allclose(f.jobs, before * factor[f.province_id])


@pytest.fixture(scope="module")
def utrecht():
    model = RegionModel.from_scenario("baseline", resolution=1000, region=["Utrecht"],
                                      end=2027)
    start = model.firms.jobs.copy()
    model.run_until(model.start_year + 2)
    return model, start


def test_a_regional_run_places_only_its_provinces_firms(utrecht, firms, nl1000):
    model, _ = utrecht
    pid = model.landscape.codes("province").index("PV26") + 1
    assert (model.firms.province_id == pid).all()
    assert (model.landscape["province_id"].ravel()[model.firms.cell] == pid).all()
    # The same provincial share as in the national population.
    assert model.firms.establishments.sum() == firms.establishments[firms.province_id
                                                                    == pid].sum()


def test_jobs_grow_at_the_documented_rate_in_a_three_year_run(utrecht):
    model, start = utrecht
    from environment import population

    expected = start.sum() * (1 + population.growth_rate_per_yr("PV26")) ** 3
    assert model.firms.jobs.sum() == pytest.approx(expected, rel=1e-9)
    row = model._latest["PV26"]
    assert row["jobs"] == pytest.approx(model.firms.jobs.sum(), rel=1e-9)
    parts = sum(row[f"jobs_{m}"] for m in ("industrieel", "productie", "innovatie",
                                            "stedelijk", "distributie"))
    assert parts == pytest.approx(row["jobs"], rel=1e-9)
    assert row["establishments"] == model.firms.establishments.sum()
