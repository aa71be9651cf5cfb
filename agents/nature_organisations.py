"""Nature organisations as bidders on the land market (Natuurmonumenten, the provinciale
landschappen and other land-owning nature conservation bodies).

They buy farmland that comes on the market next to Natura 2000, from their own money (members,
lotteries, gifts; not government budgets), after the governments and their land banks and before
the neighbouring farms (phase 5, :mod:`agents.farmers.market_year`). What they buy becomes nature.
Kadaster and Wageningen Economic Research report that the share of nature organisations, investors
and governments among buyers of farmland rose over 2013-2023 (kwartaalbericht agrarische
grondmarkt 2023-2); the seeds give no amounts, so the numbers below are ASSUMPTIONS.

One buyer per province holds that province's part of the national budget, in proportion to its
Natura 2000 land; unspent money carries over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from abm.model import RegionModel

#: ASSUMPTION: what the nature organisations together spend on farmland a year (million euro);
#: explore 0-60 (20 million euro buys about 250 ha at 80,000 euro/ha).
NATIONAL_BUDGET_MEUR_PER_YR = 20.0
#: ASSUMPTION: they buy land within this distance of Natura 2000 (m, from the cell's edge: the
#: centre distance less half a cell; land bordering the reserves); explore 250-1,000.
MAX_DISTANCE_M = 500.0
#: ASSUMPTION: the price they pay as a share of the cell's price (the nature-designation discount
#: of the land market applies through the cell's price); explore 1.0-1.2.
PRICE_SHARE = 1.0


class NatureOrganisation:
    """The nature organisations of one province as one buyer: a budget that spends."""

    def __init__(self, code: str, share: float) -> None:
        self.code = code
        self.share = share
        self.budget_meur = 0.0
        self.spent_meur = 0.0

    def spend(self, amount_meur: float) -> float:
        paid = min(max(amount_meur, 0.0), self.budget_meur)
        self.budget_meur -= paid
        self.spent_meur += paid
        return paid

    def receive(self, amount_meur: float, source: str) -> None:
        self.budget_meur += amount_meur


def create(model: RegionModel) -> list[NatureOrganisation]:
    """One buyer per province of the run, with its share of the national budget (its Natura 2000
    land over the nation's)."""
    land, national = model.landscape, model.national
    codes = land.codes("province")
    n2000 = national["natura2000_id"] > 0
    per_province = np.bincount(national["province_id"][n2000 & national["land_mask"]],
                               minlength=len(codes) + 1).astype(float)
    total = max(per_province.sum(), 1.0)
    present = np.unique(land["province_id"][land["land_mask"]])
    return [NatureOrganisation(codes[p - 1], per_province[p] / total)
            for p in present[present > 0].tolist()]


def offers(model: RegionModel, organisations: list[NatureOrganisation]) -> list[dict]:
    """This year's purchase offers (the format of ``land_market.buy_for_nature``): each buyer gets
    its yearly money and bids for land within :data:`MAX_DISTANCE_M` of Natura 2000 in its
    province, nearest first."""
    if not organisations:
        return []
    land = model.landscape
    distance = model.distance_to_natura2000_m(sensitive_only=False).ravel()
    # distance from the cell's edge, not its centre: at 1000 m the adjacent cells count
    near = distance <= MAX_DISTANCE_M + land.grid.cell_size_m / 2
    province = land["province_id"].ravel()
    codes = land.codes("province")
    out = []
    for org in organisations:
        org.receive(NATIONAL_BUDGET_MEUR_PER_YR * org.share, source="own funds")
        pid = codes.index(org.code) + 1
        out.append({"cells": near & (province == pid), "priority": distance,
                    "price_share": PRICE_SHARE, "payer": org})
    return out
