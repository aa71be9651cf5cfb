"""Farm finance: balance sheets at the start, their yearly update, and where they matter."""

from dataclasses import fields

import numpy as np
import pytest

from abm.model import RegionModel
from abm.scenario import load_scenario
from agents.farmers import create_farms, finance
from agents.farmers import options as opt
from agents.farmers.decisions import accept_probability
from agents.farmers.economics import CAPACITY_VALUE_KEUR_PER_HEAD, capacity_value_keur
from agents.farmers.land_prices import start_prices_eur_ha
from agents.farmers.relocation import livestock_accept_probability

FINANCE = {"assets_keur", "debt_keur", "herd_value_keur"}


@pytest.fixture(scope="module")
def financed(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(3),
                            finance_rng=np.random.default_rng(30))
    return farms


def _copy(farms):
    return type(farms)(**{f.name: np.copy(getattr(farms, f.name)) for f in fields(farms)})


def test_balance_sheet_at_the_start(nl1000, financed):
    farms = financed
    np.testing.assert_allclose(farms.equity_keur, farms.assets_keur - farms.debt_keur)
    prices = start_prices_eur_ha(nl1000.codes("province"))
    np.testing.assert_allclose(farms.assets_keur, finance.assets_keur(farms, prices))
    land = finance.OWNED_LAND_SHARE * farms.total_area_ha * prices[farms.province_id] / 1000
    assert (farms.assets_keur >= land + capacity_value_keur(farms) - 1e-9).all()
    assert (farms.debt_keur >= 0).all() and (farms.debt_keur < farms.assets_keur).all()
    np.testing.assert_allclose(farms.herd_value_keur, capacity_value_keur(farms))
    # the drawn solvency has the parameter's mean (50,000 farms: standard error ~0.001)
    assert farms.solvency.mean() == pytest.approx(finance.SOLVENCY_MEAN, abs=0.005)
    assert 0.0 < (farms.solvency < finance.MIN_SOLVENCY).mean() < 0.05


def test_the_finance_draws_leave_the_farms_as_they_were(nl1000, financed):
    plain, unplaced = create_farms(nl1000, 2023, np.random.default_rng(3))
    for f in fields(plain):
        if f.name not in FINANCE:
            assert np.array_equal(getattr(plain, f.name), getattr(financed, f.name)), f.name
    assert not plain.assets_keur.any() and (plain.solvency == 1.0).all()
    assert (financed.assets_keur > 0).mean() > 0.99


def test_reproducible_and_seeded(nl1000, financed):
    again, _ = create_farms(nl1000, 2023, np.random.default_rng(3),
                            finance_rng=np.random.default_rng(30))
    other, _ = create_farms(nl1000, 2023, np.random.default_rng(3),
                            finance_rng=np.random.default_rng(31))
    assert np.array_equal(again.debt_keur, financed.debt_keur)
    assert not np.array_equal(other.debt_keur, financed.debt_keur)
    assert np.array_equal(other.assets_keur, financed.assets_keur)  # assets are not drawn


def test_equity_falls_below_drawings_and_rises_above(financed):
    farms = _copy(financed)
    before = farms.equity_keur.copy()
    debt = farms.debt_keur.copy()
    expected = np.full(farms.n, -30.0)  # a loss of 30 beyond what the household earns off-farm
    income = np.full(farms.n, -30.0 - finance.OFF_FARM_INCOME_KEUR)
    income[::2] = 50.0 + finance.DRAWINGS_KEUR - finance.OFF_FARM_INCOME_KEUR  # saves 50
    finance.update(farms, income, np.zeros(farms.n))
    change = farms.equity_keur - before
    poor, rich = np.arange(1, farms.n, 2), np.arange(0, farms.n, 2)
    np.testing.assert_allclose(change[poor], expected[poor])
    assert (change[poor] < 0).all() and (farms.debt_keur[poor] > debt[poor]).all()
    np.testing.assert_allclose(change[rich], 50.0)
    np.testing.assert_allclose(farms.equity_keur, farms.assets_keur - farms.debt_keur)
    # a surplus beyond the debt is cash: debt never negative, assets grow
    assert (farms.debt_keur >= 0).all()
    cleared = rich[debt[rich] < change[rich]]
    assert cleared.size and (farms.debt_keur[cleared] == 0).all()


def test_herd_changes_move_assets_and_debt_alike_and_payments_count(financed):
    farms = _copy(financed)
    cows = farms.animals[:, 0] > 0
    farms.animals[cows, 0] += 10  # bought with a loan
    extra = 10 * CAPACITY_VALUE_KEUR_PER_HEAD[0]  # a dairy cow's place
    assets, debt = farms.assets_keur.copy(), farms.debt_keur.copy()
    equity = farms.equity_keur.copy()
    paid = np.where(cows, 0.0, 7.0)
    finance.update(farms, np.zeros(farms.n), paid)
    np.testing.assert_allclose(farms.assets_keur[cows], assets[cows] + extra)
    own = 0.0  # off-farm income, all spent (no farm income)
    np.testing.assert_allclose(  # equity unchanged by the herd
        farms.equity_keur[cows], equity[cows] + own)
    np.testing.assert_allclose(farms.equity_keur[~cows], equity[~cows] + own + 7.0)


def test_a_stopped_farm_keeps_only_its_buyout(financed):
    farms = _copy(financed)
    farms.active[:10] = False
    farms.animals[:10] = 0
    before = farms.equity_keur.copy()
    paid = np.zeros(farms.n)
    paid[0] = 500.0
    finance.update(farms, np.zeros(farms.n), paid)
    assert farms.equity_keur[0] == pytest.approx(before[0] + 500.0)
    np.testing.assert_allclose(farms.equity_keur[1:10], before[1:10])


def test_leverage_raises_buyout_acceptance(financed, nl1000):
    farms = _copy(financed)
    idx = np.arange(farms.n)
    farms.debt_keur = 0.6 * farms.assets_keur
    high = accept_probability(farms, idx, 1.2)
    farms.debt_keur = 0.1 * farms.assets_keur
    low = accept_probability(farms, idx, 1.2)
    has_sheet = farms.assets_keur > 0
    assert (high[has_sheet] > low[has_sheet]).all()
    # at the mean leverage, and without a balance sheet, the term is zero
    farms.debt_keur = (1 - finance.SOLVENCY_MEAN) * farms.assets_keur
    plain, _ = create_farms(nl1000, 2023, np.random.default_rng(3))
    np.testing.assert_allclose(accept_probability(farms, idx, 1.2),
                               accept_probability(plain, idx, 1.2))


def test_low_solvency_blocks_technology_and_livestock_relocation(financed, nl1000):
    farms = _copy(financed)
    depth = np.full(nl1000.grid.shape, 40.0)
    livestock = (capacity_value_keur(farms) > 0) & ~farms.low_emission
    weak = np.zeros(farms.n, bool)
    weak[::3] = True
    farms.debt_keur = np.where(weak, 0.9, 0.5) * farms.assets_keur
    d = opt.income_changes_keur(farms, depth, {}, None)
    assert np.isneginf(d[weak & livestock, opt.TECHNOLOGY]).all()
    assert np.isfinite(d[~weak & livestock, opt.TECHNOLOGY]).all()
    idx = np.flatnonzero(livestock)
    p = livestock_accept_probability(farms, idx, 0.5)
    assert (p[weak[idx]] == 0).all() and (p[~weak[idx]] > 0).all()
    # no farm below the minimum: as without balance sheets
    farms.debt_keur = 0.5 * farms.assets_keur
    plain, _ = create_farms(nl1000, 2023, np.random.default_rng(3))
    np.testing.assert_array_equal(opt.income_changes_keur(farms, depth, {}, None),
                                  opt.income_changes_keur(plain, depth, {}, None))
    np.testing.assert_allclose(livestock_accept_probability(farms, idx, 0.5),
                               livestock_accept_probability(plain, idx, 0.5))


@pytest.fixture(scope="module")
def utrecht(nl1000):
    scenario = load_scenario("baseline", resolution_m=1000, region=["Utrecht"], end_year=2027)
    model = RegionModel(scenario, nl1000)
    start = model.farms.equity_keur.copy()
    model.run_until(2027)
    return model, start


def test_model_books_the_year_and_reports_it(utrecht):
    model, start = utrecht
    farms = model.farms
    np.testing.assert_allclose(farms.equity_keur, farms.assets_keur - farms.debt_keur)
    frame = model.indicators()
    prov = frame[frame.level == "provincie"].set_index("year")
    last = prov.loc[2027]
    on_map = farms.active
    assert last.farm_equity_meur == pytest.approx(farms.equity_keur[on_map].sum() / 1000)
    assert last.farm_debt_meur == pytest.approx(farms.debt_keur[on_map].sum() / 1000)
    low = (farms.solvency[on_map] < finance.MIN_SOLVENCY).mean()
    assert last.farms_low_solvency_share == pytest.approx(low)
    # farms that earn more than their net drawings save, the others borrow
    stay = farms.active
    change = farms.equity_keur[stay] - start[stay]
    assert (change > 0).any() and (change < 0).any()
    assert 0.5 < np.median(farms.solvency[stay]) < 0.9
    assert (prov.farms_low_solvency_share < 0.2).all()


def test_model_runs_are_reproducible(utrecht, nl1000):
    model, _ = utrecht
    scenario = load_scenario("baseline", resolution_m=1000, region=["Utrecht"], end_year=2027)
    again = RegionModel(scenario, nl1000)
    again.run_until(2027)
    assert np.array_equal(again.farms.debt_keur, model.farms.debt_keur)
    assert np.array_equal(again.farms.assets_keur, model.farms.assets_keur)
