"""The one interface every backend offers: a ``concurrent.futures.Executor`` for the
runner's tasks, opened and closed as a context manager."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from concurrent.futures import Executor


class Backend(ABC):
    """A place to run tasks.

    Parameters
    ----------
    workers : int, optional
        Worker processes (default: the machine's cores; for a jobqueue cluster, jobs x
        processes).
    resolution_m : int
        The experiment's grid: workers load its landscape once, when they start.
    """

    name = ""

    def __init__(self, workers: int | None = None, resolution_m: int = 1000) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.resolution_m = resolution_m

    @abstractmethod
    def __enter__(self) -> Executor:
        """Start the workers; return the executor."""

    @abstractmethod
    def __exit__(self, *exc) -> None:
        """Stop the workers."""

    #: Exceptions of a future that mean its worker was lost (not that the run failed).
    lost_worker_errors: tuple[type[BaseException], ...] = ()


def init_worker(resolution_m: int) -> None:
    """Warm a worker once: the landscape loaded, and one year of a small run (Utrecht at
    1000 m) so that every numba kernel is compiled or loaded from its on-disk cache
    (``cache=True``: beside the sources, numba's per-user cache folder where they are
    read-only, or NUMBA_CACHE_DIR) before the first real run."""
    from abm.model import RegionModel
    from environment.landscape import load_landscape

    load_landscape(resolution_m)
    model = RegionModel.from_scenario("baseline", resolution=1000, region="Utrecht",
                                      end=2024)
    model.run_until(2024)
