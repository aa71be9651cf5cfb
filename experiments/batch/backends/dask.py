"""Dask backend: a scheduler address, a dask-jobqueue cluster (SLURM, PBS), or a
``distributed.LocalCluster`` of worker processes; tasks go through ``client.get_executor()``."""

from __future__ import annotations

from concurrent.futures import Executor

from distributed.diagnostics.plugin import WorkerPlugin

from experiments.batch.backends.base import Backend, init_worker


class DaskBackend(Backend):
    """Runs the tasks on Dask workers (one thread each: the model is single-threaded numpy and
    numba). A worker that dies is replaced by the scheduler and its task retried elsewhere; a
    task that kills workers three times fails with ``KilledWorker``, which the runner records
    against its runs."""

    name = "dask"

    def __init__(self, workers: int | None = None, resolution_m: int = 1000,
                 scheduler: str | None = None, jobqueue=None) -> None:
        super().__init__(workers, resolution_m)
        self.scheduler = scheduler
        self.jobqueue = jobqueue
        self._client = self._cluster = None
        from distributed import KilledWorker

        self.lost_worker_errors = (KilledWorker,)

    def _jobqueue_cluster(self):
        import dask_jobqueue

        spec = self.jobqueue
        cls = {"slurm": dask_jobqueue.SLURMCluster, "pbs": dask_jobqueue.PBSCluster}[spec.kind]
        kwargs = {"cores": spec.cores, "processes": spec.processes, "memory": spec.memory,
                  "walltime": spec.walltime, "job_extra_directives": list(
                      spec.job_extra_directives)}
        if spec.queue:
            kwargs["queue"] = spec.queue
        if spec.account:
            kwargs["account"] = spec.account
        if spec.local_directory:
            kwargs["local_directory"] = spec.local_directory
        # workers retire before the walltime kills them, staggered, and adapt keeps the number
        # of jobs: a job that ends is replaced (dask-jobqueue's advice for long batches)
        lifetime = max(_seconds(spec.walltime) - 300, 60)
        kwargs["worker_extra_args"] = ["--lifetime", f"{lifetime}s", "--lifetime-stagger",
                                       "4m"]
        cluster = cls(**kwargs)
        cluster.adapt(minimum_jobs=spec.jobs, maximum_jobs=spec.jobs)
        self.workers = spec.jobs * spec.processes
        return cluster

    def __enter__(self) -> Executor:
        from distributed import Client, LocalCluster

        if self.scheduler:
            self._client = Client(self.scheduler)
            self.workers = max(len(self._client.scheduler_info()["workers"]), 1)
        else:
            if self.jobqueue is not None:
                self._cluster = self._jobqueue_cluster()
            else:
                self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
            self._client = Client(self._cluster)
        self._client.register_plugin(_Warm(self.resolution_m))
        return self._client.get_executor(pure=False)

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None


def _seconds(walltime: str) -> int:
    """Seconds of a walltime ``[D-]HH:MM:SS`` (or ``MM:SS``)."""
    days, _, rest = walltime.rpartition("-")
    parts = [int(p) for p in rest.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    return int(days or 0) * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2]


class _Warm(WorkerPlugin):
    """A worker plugin: warm every worker (also the ones that join or replace others)."""

    idempotent = True
    name = "ruimte-warm"

    def __init__(self, resolution_m: int) -> None:
        self.resolution_m = resolution_m

    def setup(self, worker) -> None:
        init_worker(self.resolution_m)

    def teardown(self, worker) -> None:
        pass
