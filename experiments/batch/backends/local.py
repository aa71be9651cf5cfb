"""Local backend: a process pool on this machine with an explicit start method."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from experiments.batch.backends.base import Backend, init_worker


class LocalBackend(Backend):
    """``ProcessPoolExecutor`` with ``start_method`` (``spawn`` by default: safe with numba
    and threads, the same on every OS); each worker is warmed by :func:`init_worker`."""

    name = "local"
    lost_worker_errors = (BrokenProcessPool,)

    def __init__(self, workers: int | None = None, resolution_m: int = 1000,
                 start_method: str = "spawn") -> None:
        super().__init__(workers, resolution_m)
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Executor:
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context(self.start_method),
            initializer=init_worker, initargs=(self.resolution_m,))
        return self._pool

    def __exit__(self, exc_type=None, *exc) -> None:
        if self._pool is not None:
            # on Ctrl-C do not wait for the running chunks: the store resumes them
            interrupted = exc_type is not None and issubclass(exc_type, KeyboardInterrupt)
            self._pool.shutdown(wait=not interrupted, cancel_futures=True)
            self._pool = None
