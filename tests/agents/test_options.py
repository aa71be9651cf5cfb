import numpy as np

from agents.farmers import create_farms
from agents.farmers import options as opt


def _farms(nl1000, seed=1):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(seed))
    return farms


def test_unavailable_options_are_never_chosen(nl1000):
    farms = _farms(nl1000)
    farms.organic[:] = True
    farms.low_emission[:] = True
    depth = np.full(nl1000.grid.shape, 40.0)
    mask = np.ones(nl1000.grid.shape, dtype=bool)
    d = opt.income_changes_keur(farms, depth, {}, mask)
    assert np.isneginf(d[:, opt.ORGANIC]).all() and np.isneginf(d[:, opt.TECHNOLOGY]).all()
    assert np.isneginf(d[:, opt.INTENSIFY]).all()
    choices = opt.choose(farms, depth, {}, mask, nl1000["corop_id"], np.random.default_rng(2))
    assert not np.isin(choices.option, [opt.ORGANIC, opt.TECHNOLOGY, opt.INTENSIFY]).any()


def test_payments_raise_the_income_of_their_option(nl1000):
    farms = _farms(nl1000)
    depth = np.full(nl1000.grid.shape, 40.0)
    pay = {"organic": np.full(nl1000.grid.shape, 500.0)}
    without = opt.income_changes_keur(farms, depth, {}, None)[:, opt.ORGANIC]
    with_pay = opt.income_changes_keur(farms, depth, pay, None)[:, opt.ORGANIC]
    ok = np.isfinite(without)
    np.testing.assert_allclose(with_pay[ok] - without[ok], 0.5 * farms.total_area_ha[ok])


def test_effects_of_choices(nl1000):
    farms = _farms(nl1000)
    before = farms.animals.copy()
    ef = farms.emission_factor.copy()
    depth = np.full(nl1000.grid.shape, 40.0)
    choices = opt.choose(farms, depth, {}, None, nl1000["corop_id"], np.random.default_rng(3))
    up = choices.option == opt.INTENSIFY
    tech = choices.option == opt.TECHNOLOGY
    stay = choices.option == opt.STAY
    assert up.any() and tech.any()
    assert (farms.animals[up].sum(axis=1) >= before[up].sum(axis=1)).all()
    assert farms.animals[up].sum() > before[up].sum()
    np.testing.assert_allclose(farms.emission_factor[tech], ef[tech] * opt.TECHNOLOGY_FACTOR)
    assert (farms.animals[stay] == before[stay]).all()
    assert stay.mean() > 0.97


def test_rights_only_move_between_farms_unless_a_scheme_pays(nl1000):
    farms = _farms(nl1000)
    n = farms.n
    up = np.zeros(n, bool)
    down = np.zeros(n, bool)
    pigs = np.flatnonzero(farms.animals[:, 2] > 100)
    up[pigs[:20]] = True
    down[pigs[20:60]] = True
    before = farms.animals.sum(axis=0)
    opt.trade_rights(farms, up, down, np.zeros(n, bool))
    assert (farms.animals.sum(axis=0) <= before).all()
    assert farms.animals[up, 2].sum() > 0
    paid = _farms(nl1000)
    paid_before = paid.animals[down].sum()
    opt.trade_rights(paid, up, down, np.ones(n, bool))
    assert paid.animals[up].sum() == _farms(nl1000).animals[up].sum()  # nothing for sale
    assert paid.animals[down].sum() < paid_before
