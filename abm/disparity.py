"""Regional disparity measures (docs/regional_policy.md).

The indicator ``regional_disparity_theil`` is the Theil T index of jobs (or income) per
inhabitant across sub-regions (COROP regions), weighted by their inhabitants.
"""

from __future__ import annotations

import numpy as np


def theil_index(values: np.ndarray, population: np.ndarray) -> float:
    r"""Theil T index of a per-inhabitant quantity across sub-regions, population weighted.

    Parameters
    ----------
    values : array_like of float
        The quantity *per inhabitant* of each sub-region (jobs per inhabitant, income per
        inhabitant), >= 0. Not totals: divide a region's jobs by its inhabitants first.
    population : array_like of float
        Inhabitants of each sub-region, >= 0 (same length). Sub-regions without inhabitants
        take no part.

    Returns
    -------
    float
        The Theil T index, >= 0; 0 when every sub-region has the same value per inhabitant
        (also when there is no population or the weighted mean is 0). Its largest value is
        ``ln(P / p_k)`` when the one region ``k`` holds everything.

    Notes
    -----
    With :math:`p_i` the inhabitants of sub-region :math:`i`, :math:`P = \sum_i p_i`,
    :math:`y_i` its value per inhabitant and :math:`\mu = \sum_i p_i y_i / P` the national
    value per inhabitant,

    .. math::

        T = \sum_i \frac{p_i}{P} \, \frac{y_i}{\mu} \, \ln \frac{y_i}{\mu}
          = \sum_i s_i \ln \frac{s_i}{\pi_i},

    where :math:`s_i = p_i y_i / (P \mu)` is the region's share of the total (of all jobs, say)
    and :math:`\pi_i = p_i / P` its share of the inhabitants. A region with :math:`y_i = 0`
    adds 0 (the limit of :math:`x \ln x`). Theil (1967), *Economics and Information Theory*;
    the population-weighted form is the between-region component of the national index.

    Examples
    --------
    Two regions of 1 and 3 inhabitants with 2 and 0 jobs per inhabitant: the first holds all
    jobs and a quarter of the people, so T = ln 4.

    >>> round(theil_index([2.0, 0.0], [1.0, 3.0]), 6)
    1.386294
    >>> theil_index([0.5, 0.5, 0.5], [10.0, 20.0, 30.0])
    0.0
    """
    y = np.asarray(values, dtype=np.float64).ravel()
    p = np.asarray(population, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"values ({y.size}) and population ({p.size}) differ in length")
    if not (np.isfinite(y).all() and np.isfinite(p).all()):
        raise ValueError("values and population must be finite")
    if (y < 0).any() or (p < 0).any():
        raise ValueError("values and population must be >= 0")
    keep = p > 0
    y, p = y[keep], p[keep]
    total_people = p.sum()
    if total_people <= 0:
        return 0.0
    mean = float((p * y).sum() / total_people)
    if mean <= 0:
        return 0.0
    ratio = y / mean
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(ratio > 0, ratio * np.log(ratio), 0.0)
    return max(float((p / total_people * terms).sum()), 0.0)
