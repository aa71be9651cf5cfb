"""Farmers' answers to buy-out offers, and the record of what happened this year.

Each offer in the year's PolicyState (see ``abm.policy.instruments.stikstof.FarmBuyout``) names
the eligible farms, the offer as a share of the value of the farm's production capacity
(buildings and rights; the land is not bought: it goes to the land market, where a land-purchase
instrument may buy it for nature at its own price), the withdrawal share and the paying
government. Heads accept with :func:`agents.farmers.decisions.accept_probability`; applications
are ranked by their deposition on nitrogen-sensitive Natura 2000 (highest first) and signed in
that order as long as the payer's remaining budget covers the offer (an applicant too dear for
what is left is passed over, and may apply again next year); a share of those the budget would
sign withdraw (and are not paid). A signed farm stops at once: its production rights are cancelled (its herd leaves the
sector) and its land goes to the land market.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.farmers.decisions import accept_probability
from agents.farmers.economics import capacity_value_keur
from agents.farmers.state import FarmState


@dataclass
class BuyoutRecord:
    """Per farm, this year: eligible, applied, signed, withdrawn, and paid (million euro)."""

    eligible: np.ndarray
    applied: np.ndarray
    signed: np.ndarray
    withdrawn: np.ndarray
    paid_meur: np.ndarray

    @classmethod
    def empty(cls, n: int) -> BuyoutRecord:
        return cls(*(np.zeros(n, dtype=bool) for _ in range(4)), np.zeros(n))


def respond_to_offers(farms: FarmState, offers: list[dict], rng: np.random.Generator,
                      contribution_mol: np.ndarray) -> BuyoutRecord:
    """Answer this year's buy-out offers, in place; return what happened.

    Two uniform draws per farm are taken whatever the offers, so the stream stays aligned.
    """
    record = BuyoutRecord.empty(farms.n)
    u_accept, u_withdraw = rng.random((2, farms.n))
    value_keur = capacity_value_keur(farms)
    for offer in offers:
        if "eligible" not in offer:
            continue
        idx = offer["eligible"]
        idx = idx[farms.active[idx] & ~record.signed[idx] & ~record.withdrawn[idx]]
        record.eligible[idx] = True
        accept = u_accept[idx] < accept_probability(farms, idx, offer["offer_share"])
        applicants = idx[accept]
        record.applied[applicants] = True
        payer = offer["payer"]
        for f in applicants[np.argsort(-contribution_mol[applicants], kind="stable")]:
            cost = offer["offer_share"] * value_keur[f] / 1000.0
            if cost > payer.budget_meur:
                continue  # too dear for what is left; cheaper applicants down the ranking may fit
            if u_withdraw[f] < offer["withdrawal_share"]:
                record.withdrawn[f] = True  # a signer who withdraws: not paid, farms on
                continue
            payer.spend(cost)
            record.signed[f] = True
            record.paid_meur[f] = cost
    bought = np.flatnonzero(record.signed)
    farms.active[bought] = False
    farms.animals[bought] = 0  # production rights cancelled
    return record
