"""Calibrate the exit multipliers of agents.farmers.decisions against the census.

For each period (2010 census -> 2015, 2016 census -> 2023) the national farm population at
1000 m is run forward with the structural step and the land market, and the multiplier of each
exit group is scaled until the simulated holdings of the end year match the census:

- dairy: the dairy farms decline like the holdings with cattle;
- pig, poultry: the holdings with pigs, with chickens;
- other: the rest of all holdings.

Run ``python -m experiments.calibration.farm_exits`` and copy the printed table into
``EXIT_MULTIPLIER``. Several seeds are averaged so the values do not fit one draw.
"""

from __future__ import annotations

import copy

import numpy as np

from agents.farmers import create_farms
from agents.farmers.census import census
from agents.farmers.decisions import EXIT_GROUPS, exit_group, structural_step
from agents.farmers.land_market import reallocate
from agents.farmers.state import FarmState
from environment.landscape import Landscape, load_landscape

PERIODS = {"2011-2015": (2010, 2015), "2016-": (2016, 2023)}
SEEDS = (11, 12, 13)


def targets(start: FarmState, y0: int, y1: int) -> np.ndarray:
    """Holdings per exit group in the end year that the census implies."""
    a, b = census(y0).sum(), census(y1).sum()
    n0 = np.bincount(exit_group(start), minlength=len(EXIT_GROUPS)).astype(float)
    out = np.empty(len(EXIT_GROUPS))
    out[0] = n0[0] * b.farms_with_cattle / a.farms_with_cattle
    out[1] = n0[1] * b.farms_with_pigs / a.farms_with_pigs
    out[2] = n0[2] * b.farms_with_chickens / a.farms_with_chickens
    out[3] = b.farms - out[:3].sum() - (a.farms - n0.sum())
    return out


def simulate(start: FarmState, landscape: Landscape, y0: int, y1: int, multiplier: np.ndarray,
             seed: int) -> np.ndarray:
    """Active holdings per exit group (as grouped at the start) at the end of ``y1``."""
    farms = copy.deepcopy(start)
    group = exit_group(start)
    rng = np.random.default_rng(seed)
    for year in range(y0 + 1, y1 + 1):
        leaving = structural_step(farms, year, rng, multiplier)
        reallocate(farms, leaving, landscape.grid, rng)
    return np.bincount(group[farms.active], minlength=len(EXIT_GROUPS)).astype(float)


def calibrate(landscape: Landscape, y0: int, y1: int, rounds: int = 12) -> np.ndarray:
    """Exit multipliers for one period (fixed-point iteration on the number of exits)."""
    starts = [create_farms(landscape, y0, np.random.default_rng(s))[0] for s in SEEDS]
    n0 = np.mean([np.bincount(exit_group(s), minlength=len(EXIT_GROUPS)) for s in starts], 0)
    want = np.mean([targets(s, y0, y1) for s in starts], axis=0)
    m = np.ones(len(EXIT_GROUPS))
    for _ in range(rounds):
        got = np.mean([simulate(s, landscape, y0, y1, m, seed)
                       for s, seed in zip(starts, SEEDS, strict=True)], axis=0)
        exits_got, exits_want = n0 - got, np.maximum(n0 - want, 0.0)
        m = np.clip(m * np.where(exits_got > 0, exits_want / np.maximum(exits_got, 1e-9), 1.0),
                    0.0, 50.0)
    return m


def main() -> None:
    landscape = load_landscape(1000)
    for period, (y0, y1) in PERIODS.items():
        m = calibrate(landscape, y0, y1)
        print(f'    "{period}": np.array([{", ".join(f"{v:.3f}" for v in m)}]),')


if __name__ == "__main__":
    main()
