"""Splitting an integer total over parts in proportion to weights (largest remainder)."""

from __future__ import annotations

import numpy as np


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to exactly ``total``.

    Each part gets the floor of its exact share; the units left go to the largest remainders
    (ties to the lower index). Zero weights get nothing unless every weight is zero, in which
    case the total is split evenly.

    Examples
    --------
    >>> largest_remainder(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    >>> largest_remainder(5, np.array([0.0, 3.0, 1.0])).tolist()
    [0, 4, 1]
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.size == 0:
        if total:
            raise ValueError(f"cannot split {total} over no parts")
        return np.zeros(0, dtype=np.int64)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and non-negative")
    if w.sum() == 0:
        w = np.ones_like(w)
    exact = total * w / w.sum()
    out = np.floor(exact).astype(np.int64)
    short = int(total - out.sum())
    order = np.argsort(-(exact - out), kind="stable")
    out[order[:short]] += 1
    return out
