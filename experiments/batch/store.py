"""The result store of a batch: one folder, one Parquet file per finished run, a manifest.

Layout of ``OUT/``::

    experiment.toml         the experiment file as run (a later run must match it)
    design.json             the design: method, parameter names, bounds, samples, seeds
    manifest.sqlite         one row per run: id, scenario, sample, replicate, seed, values,
                            status (pending, running, succeeded, failed), attempts, error,
                            wall time, host, times
    runs/<run_id>.parquet   the run's indicator table with the run's keys and values
    runs/<run_id>.maps.npz  the maps the experiment keeps (optional)

Workers write only their own run files, each to a temporary name in ``runs/`` and then
renamed (:func:`write_run_files`): a file under its final name is whole. Only the coordinator
writes the manifest (SQLite, one writer). A run counts as done when the manifest says
succeeded and its Parquet file exists; a run file without a manifest row of success (its
worker finished but the coordinator was killed) is adopted on the next start; temporary files
of killed workers are removed. So a killed worker or coordinator never corrupts the store,
and running the same command again resumes.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from abm.errors import InputError

STATUSES = ("pending", "running", "succeeded", "failed")
META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, idx INTEGER, scenario TEXT, sample INTEGER, replicate INTEGER,
    seed INTEGER, parameter_values TEXT, status TEXT, attempts INTEGER DEFAULT 0,
    error TEXT, wall_s REAL, host TEXT, started REAL, finished REAL)
"""


class Store:
    """The result folder of one experiment (see the module docstring)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.manifest_path = self.root / "manifest.sqlite"

    # -- set-up and resume ------------------------------------------------------------------

    def open(self, experiment_text: str, design: dict, runs: Iterable) -> None:
        """Create the store or reopen it for the same experiment; add the runs not yet in
        the manifest as pending; adopt run files whose success the manifest missed; remove
        temporary files; reset 'running' rows (their coordinator died) to pending.

        A folder whose manifest holds runs of another plan (another experiment file, or the
        same file with edited scenarios, code or data: the run ids hash them) is refused."""
        runs = list(runs)
        ids = sorted(r.run_id for r in runs)
        plan_hash = hashlib.sha256("|".join(ids).encode()).hexdigest()[:16]
        kept = self.root / "experiment.toml"
        if self.manifest_path.is_file():
            with self._db() as db:
                db.execute(META)
                row = db.execute("SELECT value FROM meta WHERE key = 'plan'").fetchone()
            if row is not None and row[0] != plan_hash:
                raise InputError(str(self.root), "manifest.sqlite", "the folder holds the "
                                 "results of another plan: another experiment file, or the "
                                 "same one after its scenarios, the code or the data changed",
                                 allowed="a new --out folder, or the same experiment, code "
                                 "and data")
        if kept.is_file() and kept.read_text(encoding="utf-8") != experiment_text:
            raise InputError(str(self.root), "experiment.toml", "the folder holds the results "
                             "of another experiment (or of an edited file)",
                             allowed="a new --out folder, or the same experiment file")
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        if not (self.root / "design.json").is_file():
            _atomic_text(self.root / "design.json", json.dumps(design, indent=1))
        if not kept.is_file():
            _atomic_text(kept, experiment_text)
        for tmp in self.runs_dir.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)
        with self._db() as db:
            db.execute(SCHEMA)
            db.execute(META)
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('plan', ?)",
                       (plan_hash,))
            db.executemany(
                "INSERT OR IGNORE INTO runs (run_id, idx, scenario, sample, replicate, seed, "
                "parameter_values, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
                [(r.run_id, r.index, r.scenario, r.sample, r.replicate, r.seed,
                  json.dumps(r.values, sort_keys=True)) for r in runs])
            db.execute("UPDATE runs SET status = 'pending' WHERE status = 'running'")
            for (rid,) in db.execute("SELECT run_id FROM runs WHERE status != 'succeeded'"
                                     ).fetchall():
                if self.parquet(rid).is_file():
                    db.execute("UPDATE runs SET status = 'succeeded', error = NULL "
                               "WHERE run_id = ?", (rid,))
            for (rid,) in db.execute("SELECT run_id FROM runs WHERE status = 'succeeded'"
                                     ).fetchall():
                if not self.parquet(rid).is_file():  # removed by hand: run it again
                    db.execute("UPDATE runs SET status = 'pending' WHERE run_id = ?", (rid,))

    def _db(self, read_only: bool = False) -> _Closing:
        if read_only:  # never creates a database it only reads
            db = sqlite3.connect(f"file:{self.manifest_path}?mode=ro", uri=True, timeout=60.0)
            return _Closing(db)
        db = sqlite3.connect(self.manifest_path, timeout=60.0, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return _Closing(db)

    # -- the coordinator's bookkeeping ------------------------------------------------------

    def todo(self) -> list[str]:
        """Ids of the runs not yet succeeded, pending or failed (by table order)."""
        with self._db() as db:
            rows = db.execute("SELECT run_id FROM runs WHERE status IN ('pending', 'failed') "
                              "ORDER BY idx").fetchall()
        return [r[0] for r in rows]

    def mark_running(self, run_ids: list[str]) -> None:
        now = time.time()
        with self._db() as db:
            db.executemany("UPDATE runs SET status = 'running', started = ? WHERE run_id = ?",
                           [(now, r) for r in run_ids])

    def record(self, result: dict) -> None:
        """Record a run's outcome: ``run_id``, ``ok``, ``error``, ``wall_s``, ``host``."""
        written = self.parquet(result["run_id"]).is_file()
        status = "succeeded" if result["ok"] and written else "failed"
        if result["ok"] and not written:
            result = {**result, "error": f"the worker reported success but "
                      f"{self.parquet(result['run_id'])} is missing (is --out on a file "
                      "system the workers share?)"}
        with self._db() as db:
            db.execute("UPDATE runs SET status = ?, attempts = attempts + 1, error = ?, "
                       "wall_s = ?, host = ?, finished = ? WHERE run_id = ?",
                       (status, result.get("error"), result.get("wall_s"),
                        result.get("host"), time.time(), result["run_id"]))

    def fail_unfinished(self, run_ids: list[str], error: str) -> None:
        """Runs of a task lost with its worker: failed, unless their file got written."""
        for rid in run_ids:
            done = self.parquet(rid).is_file()
            self.record({"run_id": rid, "ok": done, "error": None if done else error})

    def manifest(self) -> pd.DataFrame:
        with self._db(read_only=True) as db:
            return pd.read_sql_query("SELECT * FROM runs ORDER BY idx", db)

    def counts(self) -> dict[str, int]:
        with self._db(read_only=True) as db:
            rows = dict(db.execute("SELECT status, count(*) FROM runs GROUP BY status"
                                   ).fetchall())
        return {s: int(rows.get(s, 0)) for s in STATUSES}

    # -- run files ------------------------------------------------------------------------

    def parquet(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.parquet"

    def maps_file(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.maps.npz"

    def design(self) -> dict:
        return json.loads((self.root / "design.json").read_text(encoding="utf-8"))


class _Closing:
    """A sqlite3 connection used as a context manager that also closes it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc) -> None:
        self.db.close()


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_run_files(store_root: str | Path, run_id: str, frame: pd.DataFrame,
                    maps: dict[str, np.ndarray] | None = None) -> None:
    """Write a run's files atomically: the maps first, the Parquet file (the mark of a whole
    run) last; each to a temporary name, fsynced, then renamed."""
    runs = Path(store_root) / "runs"
    tag = f"{os.getpid()}-{socket.gethostname()}"
    if maps:
        final = runs / f"{run_id}.maps.npz"
        tmp = runs / f".tmp-{run_id}-{tag}.maps.npz"
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **maps)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    final = runs / f"{run_id}.parquet"
    tmp = runs / f".tmp-{run_id}-{tag}.parquet"
    frame.to_parquet(tmp, index=False)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)


def stores(folder: str | Path) -> list[Store]:
    """The stores of a result folder: the folder itself, or the shards of a job array
    (``shard-K-of-N``) inside it. Reading never creates anything."""
    root = Store(folder)
    if root.manifest_path.is_file():
        return [root]
    shards = [Store(p.parent) for p in sorted(Path(folder).glob("shard-*/manifest.sqlite"))]
    if not shards:
        raise InputError(str(folder), "manifest.sqlite", "not a batch result folder",
                         allowed="a folder written by 'ruimte batch run'")
    return shards


def read_manifest(folder: str | Path) -> pd.DataFrame:
    """The manifest of a result folder (all shards), in table order."""
    frame = pd.concat([s.manifest() for s in stores(folder)], ignore_index=True)
    return frame.sort_values("idx", kind="stable").drop_duplicates("run_id").reset_index(
        drop=True)


def read_counts(folder: str | Path) -> dict[str, int]:
    """Runs by status over all shards of a result folder."""
    out = dict.fromkeys(STATUSES, 0)
    for store in stores(folder):
        for k, v in store.counts().items():
            out[k] += v
    return out


def read_design(folder: str | Path) -> dict:
    """The design record of a result folder (any shard's: they are the same)."""
    for store in stores(folder):
        path = store.root / "design.json"
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise InputError(str(path), "design.json", f"not valid JSON ({exc})",
                                 allowed="the design.json that 'ruimte batch run' wrote"
                                 ) from None
    raise InputError(str(folder), "design.json", "missing",
                     allowed="a folder written by 'ruimte batch run'")


def maps_path(folder: str | Path, run_id: str) -> Path | None:
    """The maps file of a run in a result folder (any shard), or None."""
    for store in stores(folder):
        if store.maps_file(run_id).is_file():
            return store.maps_file(run_id)
    return None


def collect(store_root: str | Path) -> pd.DataFrame:
    """One tidy table of every succeeded run (in table order, each run once, all shards):
    the model's key and indicator columns plus ``experiment``, ``base_scenario``, ``sample``,
    ``replicate`` and one ``param:<name>`` column per varied parameter."""
    frames, seen = [], set()
    for store in stores(store_root):
        done = store.manifest()
        for rid in done.run_id[done.status == "succeeded"]:
            if rid not in seen and store.parquet(rid).is_file():
                seen.add(rid)
                frames.append(pd.read_parquet(store.parquet(rid)))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
