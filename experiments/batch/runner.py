"""The batch runner: the run table in chunks on a backend, into the result store.

One coordinator (the process of ``ruimte batch run``) plans the runs, opens the store, sends
chunks of runs to the backend's executor and records each run's outcome in the manifest.
Workers run whole runs and write their own files (:func:`run_chunk`). Runs that fail are
recorded with their error and the batch goes on; a pass ends when every task has returned or
its worker was lost, and failed runs run again in a next pass, one run per task, up to
``retries`` times. Running the same command again resumes: succeeded runs are skipped, and
failed and missing ones are tried again (docs/batch.md).

For tests and drills, ``RUIMTE_BATCH_FAULT`` injects faults into workers:
``kill:<run index>:<marker file>`` kills the worker running that run the first time (the
marker file records it), ``fail:<run index>`` makes that run raise.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import time
import traceback
from concurrent.futures import as_completed
from pathlib import Path

from experiments.batch.backends import make_backend
from experiments.batch.design import Experiment, Plan, Run, load_experiment, plan, run_scenario
from experiments.batch.store import Store, write_run_files

FAULT_ENV = "RUIMTE_BATCH_FAULT"


def _inject_fault(run: Run) -> None:
    spec = os.environ.get(FAULT_ENV, "")
    if not spec:
        return
    kind, _, rest = spec.partition(":")
    index, _, marker = rest.partition(":")
    if not index.isdigit() or int(index) != run.index:
        return
    if kind == "fail":
        raise RuntimeError(f"fault injected into run {run.index} ({FAULT_ENV})")
    if kind == "kill" and marker and not Path(marker).exists():
        Path(marker).write_text("killed\n", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)


def execute_run(exp: Experiment, run: Run, store_root: str) -> dict:
    """Run one run and write its files; never raises: a failure comes back as its error."""
    began = time.perf_counter()
    host = socket.gethostname()
    try:
        from abm.model import RegionModel
        from environment.landscape import load_landscape

        _inject_fault(run)
        scenario = run_scenario(exp, run)
        model = RegionModel(scenario, load_landscape(scenario.resolution_m))
        model.run_until(scenario.end_year)
        frame = model.indicators()
        frame["run_id"] = run.run_id
        frame.insert(1, "experiment", exp.name)
        frame.insert(2, "base_scenario", run.scenario)
        frame.insert(3, "sample", run.sample)
        frame.insert(4, "replicate", run.replicate)
        for name, value in run.values.items():
            frame[f"param:{name}"] = value
        maps = None
        if exp.maps:
            every = model.maps()
            maps = {k: every[k].astype("float32") for k in exp.maps}
        write_run_files(store_root, run.run_id, frame, maps)
        return {"run_id": run.run_id, "ok": True, "error": None,
                "wall_s": time.perf_counter() - began, "host": host}
    except Exception as exc:  # noqa: BLE001 - a run's failure is data for the manifest
        tail = "".join(traceback.format_exception(exc)[-3:])
        return {"run_id": run.run_id, "ok": False, "error": f"{type(exc).__name__}: {exc}\n"
                f"{tail}", "wall_s": time.perf_counter() - began, "host": host}


def run_chunk(exp: Experiment, runs: list[Run], store_root: str) -> list[dict]:
    """A task: its runs one after another in this worker."""
    return [execute_run(exp, run, store_root) for run in runs]


def chunk_size(exp: Experiment, n_runs: int, workers: int) -> int:
    """Runs per task: the experiment's, else about four tasks per worker."""
    if exp.chunk_size:
        return exp.chunk_size
    return max(1, math.ceil(n_runs / (4 * max(workers, 1))))


def run_batch(path: str | Path, out: str | Path | None = None, backend: str | None = None,
              workers: int | None = None, scheduler: str | None = None,
              progress: bool = True, shard: tuple[int, int] | None = None) -> dict[str, int]:
    """Run (or resume) the experiment of file ``path`` into ``out``; returns the counts of
    runs by status. Options given here override the experiment's ``[backend]``.

    With ``shard = (k, n)`` only the runs whose index is ``k`` modulo ``n`` run, into
    ``out/shard-k`` (a job array's task ``k`` of ``n``; ``collect`` reads every shard)."""
    exp, source = load_experiment(path)
    table = plan(exp, source)
    out = (Path(out) if out else default_out(exp)).resolve()  # workers may run elsewhere
    if shard is not None:
        k, n = shard
        table.runs = [r for r in table.runs if r.index % n == k]
        out = out / f"shard-{k}-of-{n}"
    store = Store(out)
    store.open(Path(source).read_text(encoding="utf-8"), table.design_record(), table.runs)
    spec = exp.backend
    kind = backend or ("dask" if scheduler else spec.kind)
    kwargs = {"workers": workers or spec.workers, "resolution_m": exp.resolution_m}
    if kind == "local":
        kwargs["start_method"] = spec.start_method
    else:
        kwargs["scheduler"] = scheduler or spec.scheduler
        kwargs["jobqueue"] = spec.jobqueue
        if kwargs["scheduler"]:
            _check_scheduler(kwargs["scheduler"])  # before anything is written
    by_id = {r.run_id: r for r in table.runs}
    tries: dict[str, int] = {}  # attempts in this invocation: a new command retries again
    todo = store.todo()
    bar = _progress(len(todo), progress, exp.name)
    first = True
    while todo:
        for rid in todo:
            tries[rid] = tries.get(rid, 0) + 1
        executor_backend = make_backend(kind, **kwargs)
        with executor_backend as executor:
            size = chunk_size(exp, len(todo), executor_backend.workers) if first else 1
            first = False
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            store.mark_running(todo)
            futures = {executor.submit(run_chunk, exp, [by_id[r] for r in chunk], str(out)):
                       chunk for chunk in chunks}
            for future in as_completed(futures):
                chunk = futures[future]
                try:
                    results = future.result()
                except executor_backend.lost_worker_errors as exc:
                    store.fail_unfinished(chunk, f"worker lost: {type(exc).__name__}: {exc}")
                    bar.update(len(chunk))
                    continue
                except Exception as exc:  # noqa: BLE001 - the task itself broke
                    store.fail_unfinished(chunk, f"task failed: {type(exc).__name__}: {exc}")
                    bar.update(len(chunk))
                    continue
                for result in results:
                    store.record(result)
                bar.update(len(chunk))
                counts = store.counts()
                bar.set_postfix(done=counts["succeeded"], failed=counts["failed"])
        todo = [r for r in store.todo() if tries.get(r, 0) <= exp.retries]
        if todo:
            bar.reset(total=len(todo))
    bar.close()
    return store.counts()


def _check_scheduler(address: str) -> None:
    """Connect to a Dask scheduler once; an unreachable one is an input error (exit 2)."""
    from abm.errors import InputError

    try:
        from distributed import Client

        Client(address, timeout="10s").close()
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError("--scheduler", "scheduler", f"no Dask scheduler answers at "
                         f"{address!r} ({type(exc).__name__}: {exc})",
                         allowed="the address of a running scheduler, tcp://host:8786"
                         ) from None


def default_out(exp: Experiment) -> Path:
    return Path("results") / f"batch-{exp.name}"


def _progress(total: int, enabled: bool, name: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"ruimte batch {name}", unit="run", disable=not enabled)


def estimate(table: Plan, calibrate: bool = True) -> dict[str, float]:
    """Wall seconds of one run and core-hours of the batch, from a short calibration run of
    the first run of the table (set-up plus two years, extrapolated to the run's years)."""
    exp = table.experiment
    first = table.runs[0]
    scenario = run_scenario(exp, first)
    years = scenario.end_year - scenario.start_year + 1
    if not calibrate:
        return {"runs": len(table.runs), "years": years}
    from abm.model import RegionModel
    from environment.landscape import load_landscape

    landscape = load_landscape(scenario.resolution_m)
    began = time.perf_counter()
    model = RegionModel(scenario, landscape)
    setup = time.perf_counter() - began
    span = min(2, years)
    began = time.perf_counter()
    model.run_until(scenario.start_year + span - 1)
    per_year = (time.perf_counter() - began) / span
    per_run = setup + per_year * years
    return {"runs": len(table.runs), "years": years, "setup_s": setup,
            "per_year_s": per_year, "per_run_s": per_run,
            "core_hours": per_run * len(table.runs) / 3600.0}
