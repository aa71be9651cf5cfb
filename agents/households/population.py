"""The household agents at the start of a run, from the landscape's PC4-based layers.

Per block (:mod:`agents.households.blocks`): households and inhabitants are the block sums of
the bundle's ``households`` and ``inhabitants`` layers scaled to CBS on 1 January of the start
year (:func:`environment.population.calibrate_to_year`); the age classes split them by the
block's shares of adults aged 15-44, 45-64 and 65+ (bundle layers ``adults_share_*``; ASSUMPTION:
households by age of the reference person follow adults by age), the income classes by the
shares of low- and high-income households (``income_low_share``, ``income_high_share``);
ASSUMPTION: age and income independent within a block. Persons per household is the block's own
(inhabitants / households), so block, province and national populations are exact at the start.
Deterministic.
"""

from __future__ import annotations

import numpy as np

from agents.households.blocks import Blocks
from agents.households.state import (
    AGE_CLASSES,
    HOUSEHOLDS_PER_AGENT,
    INCOME_CLASSES,
    HouseholdState,
)
from environment.landscape import Landscape

#: Bundle layers of the age-class shares, in the order of AGE_CLASSES.
AGE_LAYERS: tuple[str, ...] = ("adults_share_15_44", "adults_share_45_64", "adults_share_65plus")
#: Shares of a block without inhabitants (it gets no groups; the shares only stay defined): the
#: national shares of adults by age in the bundle (certegis PC4 2021: 0.44, 0.33, 0.23).
NATIONAL_AGE_SHARES: tuple[float, ...] = (0.44, 0.33, 0.23)
#: Income classes of a block without households: by definition 40% low, 40% middle, 20% high.
NATIONAL_INCOME_SHARES: tuple[float, ...] = (0.40, 0.40, 0.20)


def class_shares(landscape: Landscape, blocks: Blocks, inhabitants: np.ndarray,
                 households: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per block: shares of the age classes (blocks x 3, weighted by inhabitants) and of the
    income classes (blocks x 3, weighted by households); rows sum to 1."""
    age = np.empty((blocks.n, len(AGE_CLASSES)))
    for k, name in enumerate(AGE_LAYERS):
        age[:, k] = blocks.sum(landscape[name] * inhabitants)
    income = np.empty((blocks.n, len(INCOME_CLASSES)))
    hh = blocks.sum(households)
    low = blocks.sum(landscape["income_low_share"] * households)
    high = blocks.sum(landscape["income_high_share"] * households)
    income[:, 0], income[:, 2] = low, high
    income[:, 1] = np.maximum(hh - low - high, 0.0)
    for shares, fallback in ((age, NATIONAL_AGE_SHARES), (income, NATIONAL_INCOME_SHARES)):
        total = shares.sum(axis=1, keepdims=True)
        empty = total[:, 0] <= 0
        shares /= np.where(total > 0, total, 1.0)
        shares[empty] = fallback
    return age, income


def create_households(landscape: Landscape, blocks: Blocks, inhabitants: np.ndarray,
                      households: np.ndarray, size: float | None = None) -> HouseholdState:
    """The household agents of every block (see the module docstring).

    Parameters
    ----------
    inhabitants, households : ndarray
        Per cell, already calibrated to the start year.
    size : float, optional
        Most households per agent (default :data:`HOUSEHOLDS_PER_AGENT`).
    """
    size = HOUSEHOLDS_PER_AGENT if size is None else size
    age, income = class_shares(landscape, blocks, inhabitants, households)
    hh = blocks.sum(households)
    persons_per_hh = np.where(hh > 0, blocks.sum(inhabitants) / np.where(hh > 0, hh, 1.0), 0.0)
    # (blocks, age, income) households
    cube = hh[:, None, None] * age[:, :, None] * income[:, None, :]
    b, a, i = np.nonzero(cube > 1e-6)
    group = cube[b, a, i]
    parts = np.maximum(np.ceil(group / size - 1e-9), 1).astype(np.int64)
    rep = np.repeat(np.arange(group.size), parts)
    per = (group / parts)[rep]
    block = b[rep].astype(np.int64)
    return HouseholdState(block=block, origin_block=block.copy(),
                          age_class=a[rep].astype(np.uint8), income_class=i[rep].astype(np.uint8),
                          households=per, persons=per * persons_per_hh[block])
