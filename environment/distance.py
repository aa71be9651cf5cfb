"""Distances on the grid between cell centres, in metres.

:func:`distance_m` gives every cell's distance to the nearest cell of a mask (an exact
Euclidean distance transform). :func:`within_m` answers only whether that distance is at most a
given one, the same answer found by dilating the mask with a disc, row by row, which costs a few
passes over the grid when the distance is a few cells (the urban fringe of housing every year).

Examples
--------
>>> mask = np.zeros((5, 5), dtype=bool); mask[2, 2] = True
>>> distance_m(mask, 100.0)[0, 0].round(1)
np.float64(282.8)
>>> within_m(mask, 120.0, 100.0).sum()  # the cell and its four neighbours
np.int64(5)
>>> bool((within_m(mask, 150.0, 100.0) == (distance_m(mask, 100.0) <= 150.0)).all())  # 9 cells
True
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage


def distance_m(mask: np.ndarray, cell_size_m: float) -> np.ndarray:
    """Distance from every cell centre to the nearest ``mask`` cell centre (m; inf if none)."""
    if not mask.any():
        return np.full(mask.shape, np.inf)
    return ndimage.distance_transform_edt(~mask) * cell_size_m


def within_m(mask: np.ndarray, max_distance_m: float, cell_size_m: float) -> np.ndarray:
    """Whether each cell centre lies within ``max_distance_m`` of a ``mask`` cell centre:
    ``distance_m(mask, cell_size_m) <= max_distance_m``, computed without the transform.

    Row offset ``dr`` reaches the columns ``dc`` with ``sqrt(dr**2 + dc**2) * cell_size_m <=
    max_distance_m`` (the transform's own arithmetic), found per row by running counts of the
    mask.
    """
    mask = np.asarray(mask, dtype=bool)
    n_rows, n_cols = mask.shape
    out = np.zeros(mask.shape, dtype=bool)
    if max_distance_m < 0 or not mask.any():
        return out
    reach = int(max_distance_m // cell_size_m) + 1
    # running count of mask cells along each row, padded so that every window is a slice:
    # the count of columns lo..hi-1 is padded[:, pad + hi] - padded[:, pad + lo]
    pad = reach + 1
    padded = np.zeros((n_rows, n_cols + 2 * pad), dtype=np.int32)
    np.cumsum(mask, axis=1, out=padded[:, pad + 1: pad + 1 + n_cols])
    padded[:, pad + 1 + n_cols:] = padded[:, pad + n_cols: pad + 1 + n_cols]
    for dr in range(-reach, reach + 1):
        width = -1  # the widest column offset this row offset reaches
        while math.sqrt(dr * dr + (width + 1) ** 2) * cell_size_m <= max_distance_m:
            width += 1
        if width < 0 or abs(dr) >= n_rows:
            continue
        # output rows r look at mask row r + dr, columns c - width .. c + width
        src = padded[max(dr, 0): n_rows + min(dr, 0)]
        hit = (src[:, pad + 1 + width: pad + 1 + width + n_cols]
               != src[:, pad - width: pad - width + n_cols])
        out[max(-dr, 0): n_rows - max(dr, 0)] |= hit
    return out
