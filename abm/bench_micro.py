"""Micro-benchmarks of ``ruimte bench``: the deposition kernel against scipy's fftconvolve, the
farmers' decision rule against a plain Mesa-object version of it, and a batch on 1 and 2
workers. Each returns its timings as a dict; ``ruimte bench --json`` writes the ratios
(docs/benchmarks.md).

Examples
--------
>>> r = decision_vs_mesa(n_farms=(200,), repeats=1)
>>> r["identical"]
True
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

#: Options of the decision rule (as many as agents.farmers.options.OPTIONS).
N_OPTIONS = 9


def _best(fn, repeats: int) -> float:
    """The fastest of ``repeats`` timed calls of ``fn`` (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def kernel_vs_fftconvolve(resolution_m: int = 250, repeats: int = 3) -> dict[str, float]:
    """One deposition field of the national grid: ``DepositionKernel`` (spectra computed once)
    against ``scipy.signal.fftconvolve`` of the same kernels on the same grids (the local
    component on the cells, the regional one on the coarse blocks the kernel uses)."""
    from scipy.signal import fftconvolve

    from environment.grid import Grid
    from environment.nitrogen import COARSE_CELL_M, KERNEL, DepositionKernel, _component_kernel

    grid = Grid.national(resolution_m)
    rng = np.random.default_rng(1)
    emission = np.where(rng.random(grid.shape) < 0.05, rng.gamma(2.0, 500.0, grid.shape), 0.0)
    kernel = DepositionKernel(grid)
    ours = _best(lambda: kernel.deposited_kg(emission), repeats)
    parts = []
    for comp in KERNEL:
        block = max(1, int(round(COARSE_CELL_M / grid.cell_size_m))) if (
            comp.length_m > 4 * COARSE_CELL_M) else 1
        parts.append((block, _component_kernel(grid.cell_size_m * block, comp)))

    def with_scipy() -> np.ndarray:
        rows, cols = grid.shape
        out = np.zeros(grid.shape)
        for block, k in parts:
            if block == 1:
                out += fftconvolve(emission, k, mode="same")
                continue
            shape = (-(-rows // block), -(-cols // block))
            padded = np.zeros((shape[0] * block, shape[1] * block))
            padded[:rows, :cols] = emission
            coarse = padded.reshape(shape[0], block, shape[1], block).sum(axis=(1, 3))
            spread = np.repeat(np.repeat(fftconvolve(coarse, k, mode="same"), block, 0),
                               block, 1) / block ** 2
            out += spread[:rows, :cols]
        return np.maximum(out, 0.0)

    scipy_s = _best(with_scipy, repeats)
    same = bool(np.allclose(kernel.deposited_kg(emission), with_scipy(), rtol=1e-6,
                            atol=1e-9 * emission.sum()))
    return {"kernel_s": ours, "fftconvolve_s": scipy_s, "ratio": ours / scipy_s,
            "identical": same, "cells": float(grid.n_rows * grid.n_cols)}


def _inputs(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Utilities (farms x options; option 0 is 'stay') and uniforms of the decision rule."""
    rng = np.random.default_rng(seed)
    utility = rng.normal(0.0, 2.0, (n, N_OPTIONS))
    return utility, rng.random((n, N_OPTIONS))


def decide_numpy(utility: np.ndarray, u: np.ndarray, inertia: float) -> np.ndarray:
    """The options' rule as ruimte runs it (agents.farmers.options.choose): stay gets the
    inertia, Gumbel noise from the uniforms, the best option; all farms at once."""
    utility = utility.copy()
    utility[:, 0] = inertia
    gumbel = -np.log(-np.log(np.clip(u, 1e-12, 1 - 1e-12)))
    return np.argmax(utility + gumbel, axis=1)


def decide_mesa(utility: np.ndarray, u: np.ndarray, inertia: float) -> np.ndarray:
    """The same rule as plain Mesa agent objects: one Agent per farm whose ``step`` computes
    its utilities and choice in Python, run by ``model.agents.shuffle_do('step')``."""
    import math

    import mesa

    class FarmAgent(mesa.Agent):
        def __init__(self, model: mesa.Model, row: int) -> None:
            super().__init__(model)
            self.row = row
            self.choice = -1

        def step(self) -> None:
            best, best_value = 0, -math.inf
            for k in range(N_OPTIONS):
                value = inertia if k == 0 else utility[self.row, k]
                p = min(max(u[self.row, k], 1e-12), 1 - 1e-12)
                value += -math.log(-math.log(p))
                if value > best_value:
                    best, best_value = k, value
            self.choice = best

    model = mesa.Model(rng=1)
    farm_agents = [FarmAgent(model, i) for i in range(utility.shape[0])]
    model.agents.shuffle_do("step")
    return np.array([a.choice for a in farm_agents])


def decision_vs_mesa(n_farms: tuple[int, ...] = (10_000, 50_000),
                     repeats: int = 3) -> dict[str, float | bool]:
    """Time the decision rule both ways at each number of farms (the Mesa version includes
    creating its agents, as a Mesa model pays for them each run)."""
    out: dict[str, float | bool] = {"identical": True}
    for n in n_farms:
        utility, u = _inputs(n)
        vec = _best(lambda: decide_numpy(utility, u, 6.0), repeats)
        obj = _best(lambda: decide_mesa(utility, u, 6.0), max(1, repeats // 3))
        out[f"numpy_s_{n}"] = vec
        out[f"mesa_s_{n}"] = obj
        out[f"speedup_{n}"] = obj / vec
        same = np.array_equal(decide_numpy(utility, u, 6.0), decide_mesa(utility, u, 6.0))
        out["identical"] = bool(out["identical"] and same)
    out["speedup"] = out[f"speedup_{max(n_farms)}"]
    return out


BATCH_EXPERIMENT = """
name = "bench-batch"
description = "ruimte bench: 20 seeds of the national baseline at 1000 m, 2024-2026"
scenarios = ["baseline"]
seeds = 20
base_seed = 1
start_year = 2024
end_year = 2026
resolution_m = 1000
[design]
method = "none"
"""


def batch_speedup(workers: tuple[int, int] = (1, 2)) -> dict[str, float]:
    """Wall time of a 20-run batch (the national baseline at 1000 m, 2024-2026) on one and on
    two local workers, each into a fresh folder; the whole command: plan, warm-up, runs."""
    from experiments.batch.runner import run_batch

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="ruimte-bench-") as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(BATCH_EXPERIMENT, encoding="utf-8")
        for w in workers:
            began = time.perf_counter()
            counts = run_batch(path, out=Path(tmp) / f"w{w}", backend="local", workers=w,
                               progress=False)
            out[f"wall_s_{w}w"] = time.perf_counter() - began
            if counts["succeeded"] != 20:
                raise RuntimeError(f"bench batch on {w} workers: {counts}")
    out["speedup"] = out[f"wall_s_{workers[0]}w"] / out[f"wall_s_{workers[1]}w"]
    return out
