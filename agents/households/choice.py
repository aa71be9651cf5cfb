"""Residential choice: movers and new households pick a block with free dwellings by a logit.

Each year a housed group moves with probability :data:`MOVE_RATE_PER_YR` of its age class (one
draw per group; a group is a handful of households on average, so the share of households that
move is that rate); every latent group (formed, not yet housed) looks too. These packets choose
in a random order (movers first, then new households; permutations from the ``households``
stream), so a dwelling one packet leaves can be taken by a later one in the same year (moving
chains).

Candidates of a packet: its own block, :data:`LOCAL_CANDIDATES` blocks at random offsets within
:data:`LOCAL_RADIUS_M` of it, and :data:`NATIONAL_CANDIDATES` blocks drawn over the whole run
region in proportion to the free dwellings at the start of the year (the housing ads). A
candidate is available if it has a free dwelling (at least one household's worth, or the whole
packet if smaller); a packet fills its best candidate and spreads what does not fit over the
next best. Movers put their dwellings on offer before anyone chooses: what of a mover finds no
room among its candidates stays home if its dwellings are still free, else takes the emptiest
blocks (all movers together freed as many dwellings as they need, so no block is ever
over-full). What of a new household finds no room stays latent. Utility of candidate ``b`` for a packet of age class ``a`` and income class
``i`` from origin ``o``::

    U = V[a, i, b] - DISTANCE_WEIGHT x distance(o, b) / 10 km + Gumbel noise

with the block attractiveness ``V`` of :func:`attractiveness`. Numbers of draws per packet are fixed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from agents.households.blocks import Blocks

#: Yearly share of households that move, by age class of the reference person (15-44, 45-64,
#: 65+). CBS: 9.7% of the population moved in 2023 (1.73 million; young adults most, a quarter of
#: 25-year-olds, few 60-year-olds). ASSUMPTION: the split by age; the national share of persons
#: moving comes out near 9-10% (docs/households.md); explore each 0.5-1.5x.
MOVE_RATE_PER_YR = np.array([0.20, 0.07, 0.04])
#: Number of candidate blocks near the origin and over the whole region.
LOCAL_CANDIDATES, NATIONAL_CANDIDATES = 12, 8
#: ASSUMPTION: radius of the local search (m); explore 5-25 km.
LOCAL_RADIUS_M = 15_000.0
#: Disutility of distance from the origin per 10 km, calibrated so that about 80% of the moves
#: stay inside the province (CLO/PBL: 80% in 2015, 60% inside the gemeente): 0.33 gives 19-20%
#: between provinces at 1000 m, 0.5 gives 14%, 0.25 gives 23%; explore 0.2-1.
DISTANCE_WEIGHT = 0.33
#: ASSUMPTION: weights of the attractiveness terms. Jobs accessibility by age class (15-44,
#: 45-64, 65+), housing cost by income class (low, middle, high), green by age class, station
#: proximity, flood and subsidence risk; explore each 0-2x.
JOBS_WEIGHT = np.array([1.2, 0.8, 0.3])
COST_WEIGHT = np.array([1.0, 0.6, 0.2])
GREEN_WEIGHT = np.array([0.5, 0.8, 1.0])
STATION_WEIGHT = 0.5
RISK_WEIGHT = 0.5
#: ASSUMPTION: length scale of jobs accessibility (m): jobs within reach weigh exp(-d / scale)
#: (commuting distances of 10-20 km are common in the Netherlands); explore 5-20 km.
ACCESS_SCALE_M = 10_000.0
#: ASSUMPTION: length scale of station proximity (m); explore 1-5 km.
STATION_SCALE_M = 2_000.0


def jobs_access(blocks: Blocks, jobs_per_block: np.ndarray) -> np.ndarray:
    """Jobs within reach of every block: sum over blocks of jobs x exp(-distance / scale),
    by FFT convolution on the block grid."""
    from scipy.signal import fftconvolve

    grid = np.zeros(blocks.square.shape)
    np.add.at(grid, (blocks.row, blocks.col), jobs_per_block)
    side_m = blocks.side_m
    reach = int(np.ceil(5 * ACCESS_SCALE_M / side_m))
    d = np.hypot(*np.meshgrid(np.arange(-reach, reach + 1), np.arange(-reach, reach + 1))) * side_m
    kernel = np.exp(-d / ACCESS_SCALE_M)
    smooth = fftconvolve(grid, kernel, mode="same")
    return np.maximum(smooth[blocks.row, blocks.col], 0.0)


def attractiveness(access: np.ndarray, green: np.ndarray, station: np.ndarray,
                   risk: np.ndarray, amenity: np.ndarray, housed: np.ndarray) -> np.ndarray:
    """Block attractiveness ``V`` per (age class, income class, block), utility units.

    Parameters
    ----------
    access : ndarray
        Jobs within reach (:func:`jobs_access`); enters as its log relative to the
        household-weighted mean.
    green, station, risk : ndarray
        Share of nature land within about 2 km; exp(-distance to a station / scale); share of
        the block's land at flood or subsidence risk (all 0-1).
    amenity : ndarray
        Policy bonus (regiodeals and the like), utility units.
    housed : ndarray
        Households per block (the weights of the mean).

    Housing cost: ASSUMPTION: prices capitalise accessibility and station proximity, so the cost
    term is ``log access + station``; the cost weight falls with income, so that rich households
    sort into the accessible blocks.
    """
    w = np.maximum(housed, 0.0)
    ref = np.exp(np.sum(w * np.log(access + 1.0)) / max(w.sum(), 1e-9))
    log_access = np.log((access + 1.0) / ref)
    cost = log_access + station
    out = np.empty((3, 3, access.size))
    for a in range(3):
        for i in range(3):
            out[a, i] = (JOBS_WEIGHT[a] * log_access + GREEN_WEIGHT[a] * green
                         + STATION_WEIGHT * station - COST_WEIGHT[i] * cost
                         - RISK_WEIGHT * risk + amenity)
    return out


@njit(cache=True)
def _record(f_packet, f_dest, f_amount, n_flow, packet, block, households):
    """Write one flow (a packet's households into a block); return the new flow count."""
    f_packet[n_flow] = packet
    f_dest[n_flow] = block
    f_amount[n_flow] = households
    return n_flow + 1


@njit(cache=True)
def _choose(order, origin, age, income, size, value, free, x_m, y_m, row, col, square,
            local_dr, local_dc, national, noise, distance_weight, frees_origin):
    n_local = local_dr.shape[1]
    n_nat = national.shape[1]
    n_cand = 1 + n_local + n_nat
    n_br, n_bc = square.shape
    cap = origin.size * (n_cand + 1)
    f_packet = np.empty(cap, dtype=np.int64)
    f_dest = np.empty(cap, dtype=np.int64)
    f_amount = np.empty(cap)
    n_flow = 0
    left = np.zeros(origin.size)
    for p in range(origin.size):  # movers leave first: their dwellings are on offer
        if frees_origin[p]:
            free[origin[p]] += size[p]
    cand = np.empty(n_cand, dtype=np.int64)
    util = np.empty(n_cand)
    for p in order:
        o = origin[p]
        m = 0
        for k in range(n_cand):
            if k == 0:
                c = o
            elif k <= n_local:
                r = row[o] + local_dr[p, k - 1]
                q = col[o] + local_dc[p, k - 1]
                if r < 0 or r >= n_br or q < 0 or q >= n_bc:
                    continue
                c = square[r, q]
            else:
                c = national[p, k - 1 - n_local]
            if c < 0:
                continue
            dist = np.sqrt((x_m[c] - x_m[o]) ** 2 + (y_m[c] - y_m[o]) ** 2)
            cand[m] = c
            util[m] = value[age[p], income[p], c] - distance_weight * dist / 10_000.0 + noise[p, k]
            m += 1
        rest = size[p]
        while rest > 1e-12:  # best first; a packet too big for one block spreads over the next
            j = -1
            best_u = -np.inf
            for i in range(m):
                if util[i] > best_u and free[cand[i]] >= min(rest, 1.0) - 1e-9:
                    best_u = util[i]
                    j = i
            if j < 0:
                break
            c = cand[j]
            util[j] = -np.inf  # taken: not again
            take = min(rest, free[c])
            free[c] -= take
            rest -= take
            n_flow = _record(f_packet, f_dest, f_amount, n_flow, p, c, take)
        if rest > 1e-12 and frees_origin[p]:  # the rest stays home if its dwellings are free
            take = min(rest, max(free[o], 0.0))
            if take > 0:
                free[o] -= take
                rest -= take
                n_flow = _record(f_packet, f_dest, f_amount, n_flow, p, o, take)
        if frees_origin[p]:
            left[p] = rest
    # Movers whose home was taken meanwhile move into the emptiest blocks (every mover put
    # its own dwellings on offer, so the free dwellings suffice).
    by_free = np.argsort(-free)
    i = 0
    for p in order:
        rest = left[p]
        while rest > 1e-12 and i < by_free.size:
            c = by_free[i]
            if free[c] <= 1e-12:
                i += 1
                continue
            take = min(rest, free[c])
            free[c] -= take
            rest -= take
            n_flow = _record(f_packet, f_dest, f_amount, n_flow, p, c, take)
    return f_packet[:n_flow], f_dest[:n_flow], f_amount[:n_flow]


def choose(blocks: Blocks, value: np.ndarray, free: np.ndarray, origin: np.ndarray,
           age: np.ndarray, income: np.ndarray, size: np.ndarray, frees_origin: np.ndarray,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Let packets choose blocks (see the module docstring); ``free`` is updated in place.

    Movers (``frees_origin``) choose first, in a random order, then new households, in a
    random order: a household that has a dwelling to leave goes first, and new households take
    what is left.

    Returns
    -------
    packet, dest : ndarray of int64
        The flows: packet index and block moved into (a packet may split over several
        blocks when one has too few free dwellings).
    households : ndarray of float64
        Households of each flow.
    """
    out = []
    for group in (np.flatnonzero(frees_origin), np.flatnonzero(~frees_origin)):
        n = group.size
        radius = LOCAL_RADIUS_M / blocks.side_m
        angle = rng.random((n, LOCAL_CANDIDATES)) * 2 * np.pi
        dist = radius * np.sqrt(rng.random((n, LOCAL_CANDIDATES)))
        local_dr = np.rint(dist * np.sin(angle)).astype(np.int64)
        local_dc = np.rint(dist * np.cos(angle)).astype(np.int64)
        cum = np.cumsum(np.maximum(free, 0.0))
        u = rng.random((n, NATIONAL_CANDIDATES))
        if cum.size and cum[-1] > 0:
            national = np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), blocks.n - 1)
        else:
            national = np.full((n, NATIONAL_CANDIDATES), -1, dtype=np.int64)
        noise = rng.gumbel(size=(n, 1 + LOCAL_CANDIDATES + NATIONAL_CANDIDATES))
        order = rng.permutation(n)
        packet, dest, amount = _choose(
            order, origin[group], age[group].astype(np.int64), income[group].astype(np.int64),
            size[group], value, free, blocks.x_m, blocks.y_m, blocks.row, blocks.col,
            blocks.square, local_dr, local_dc, national.astype(np.int64), noise,
            DISTANCE_WEIGHT, frees_origin[group])
        out.append((group[packet], dest, amount))
    return tuple(np.concatenate(parts) for parts in zip(*out, strict=True))
