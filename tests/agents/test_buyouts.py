import numpy as np
import pytest

from agents.farmers import create_farms
from agents.farmers.buyouts import respond_to_offers
from agents.farmers.decisions import accept_probability


def test_better_offers_and_older_heads_accept_more(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(1))
    idx = np.arange(farms.n)
    assert accept_probability(farms, idx, 1.5).mean() > accept_probability(farms, idx, 1.0).mean()
    old = (farms.age_yr >= 55) & ~farms.successor
    p = accept_probability(farms, idx, 1.2)
    assert p[old].mean() > p[~old].mean()


def test_budget_is_spent_down_the_ranking(nl1000, make_payer):
    from agents.farmers.economics import capacity_value_keur

    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(2))
    eligible = np.arange(0, farms.n, 7)
    contribution = np.random.default_rng(3).random(farms.n) * 5000
    payer = make_payer(30.0)
    cost = 3.0 * capacity_value_keur(farms) / 1000.0
    offer = {"eligible": eligible, "offer_share": 3.0, "withdrawal_share": 0.0, "payer": payer}
    record = respond_to_offers(farms, [offer], np.random.default_rng(4), contribution)
    applicants = np.flatnonzero(record.applied)
    assert applicants.size > 10 and record.signed.any()
    # Replay the rule: in ranking order, sign whoever the remaining budget still covers.
    left, expected = 30.0, []
    for f in applicants[np.argsort(-contribution[applicants], kind="stable")]:
        if cost[f] <= left:
            left -= cost[f]
            expected.append(f)
    assert sorted(expected) == np.flatnonzero(record.signed).tolist()
    assert record.paid_meur.sum() == pytest.approx(payer.spent_meur)
    assert payer.spent_meur <= 30.0 + 1e-9 and payer.budget_meur >= -1e-9
    assert not farms.active[record.signed].any()
    assert farms.animals[record.signed].sum() == 0


def test_withdrawn_farmers_are_not_paid_and_keep_farming(nl1000, make_payer):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(5))
    payer = make_payer(1e6)
    offer = {"eligible": np.arange(500), "offer_share": 3.0, "withdrawal_share": 1.0,
             "payer": payer}
    record = respond_to_offers(farms, [offer], np.random.default_rng(6), np.ones(farms.n))
    assert record.withdrawn.any() and not record.signed.any() and payer.spent_meur == 0
    assert farms.active[record.withdrawn].all()


def test_only_signers_withdraw_at_the_withdrawal_share(nl1000, make_payer):
    """Withdrawal is a share of the farms the budget would sign, not of every applicant."""
    from agents.farmers.economics import capacity_value_keur

    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(2))
    eligible = np.flatnonzero(capacity_value_keur(farms) > 0)  # livestock farms cost money
    contribution = np.random.default_rng(3).random(farms.n) * 5000
    payer = make_payer(500.0)
    offer = {"eligible": eligible, "offer_share": 3.0, "withdrawal_share": 0.2, "payer": payer}
    record = respond_to_offers(farms, [offer], np.random.default_rng(4), contribution)
    signed, withdrawn = record.signed.sum(), record.withdrawn.sum()
    assert record.applied.sum() > 5 * (signed + withdrawn)  # the budget binds
    assert withdrawn / (signed + withdrawn) == pytest.approx(0.2, abs=0.08)
