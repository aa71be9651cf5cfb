"""Writing a run folder, atomically.

A run folder holds ``indicators.parquet``, ``maps/*.tif``, ``figures/*.png`` and ``run.json``.
Everything is written into a hidden temporary folder beside the target and renamed into place
at the end, so a failed or interrupted run leaves no half-written output.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import rasterio

from abm.errors import InputError

if TYPE_CHECKING:
    from abm.model import RegionModel

RESULTS_DIR = Path("results")
_PACKAGES = ("mesa", "numpy", "numba", "pandas", "pyarrow", "rasterio", "pydantic", "seaborn")


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def default_out_dir(scenario_name: str) -> Path:
    """``results/<scenario>-<UTC timestamp>``, relative to the current folder."""
    return RESULTS_DIR / f"{scenario_name}-{utc_stamp()}"


def check_out_dir(out: Path) -> Path:
    """Check, without writing anything, that ``out`` can be created; return it absolute.

    Raises
    ------
    InputError
        When ``out`` exists and is not an empty folder, or when its nearest existing parent is
        not a writable folder.
    """
    out = Path(out).absolute()
    allowed = "a new or empty folder under a writable folder"
    if out.exists():
        if not out.is_dir() or any(out.iterdir()):
            raise InputError(str(out), "--out", "the output folder exists and is not empty",
                             allowed=allowed)
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(str(out), "--out", f"cannot create the output folder ({parent} is not "
                         "a writable folder)", allowed=allowed)
    return out


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("ruimte", *_PACKAGES):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def run_id(model: RegionModel) -> str:
    """Identity of a run: hash of scenario, seed, grid, region, code and data version."""
    parts = [
        model.scenario_spec.sha256(),
        str(model.scenario_spec.seed),
        str(model.landscape.grid.cell_size_m),
        ",".join(model.landscape.provinces),
        _versions()["ruimte"],
        model.landscape.data_version,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def write_geotiff(path: Path, values: np.ndarray, model: RegionModel) -> None:
    grid = model.landscape.grid
    with rasterio.open(
        path, "w", driver="GTiff", height=grid.n_rows, width=grid.n_cols, count=1,
        dtype=values.dtype, crs=grid.crs, transform=grid.transform, compress="deflate",
    ) as dst:
        dst.write(values, 1)


def write_run(model: RegionModel, out: Path, wall_time_s: float, scenario_file: str,
              figures: bool = True) -> Path:
    """Write the run folder of a finished model to ``out`` (atomically).

    Parameters
    ----------
    model : RegionModel
        A model that has run.
    out : Path
        Target folder (checked with :func:`check_out_dir`).
    wall_time_s : float
        Wall time of the simulation, for ``run.json``.
    scenario_file : str
        The scenario file the run came from.
    figures : bool
        Draw the PNG figures (the slowest part of writing).
    """
    out = check_out_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        frame = model.indicators()
        frame.to_parquet(tmp / "indicators.parquet", index=False)
        (tmp / "maps").mkdir()
        maps = model.maps()
        for name, values in maps.items():
            write_geotiff(tmp / "maps" / f"{name}.tif", values, model)
        if figures:
            from abm import figures as fig

            (tmp / "figures").mkdir()
            fig.draw_all(frame, maps, model, tmp / "figures")
        manifest = {
            "run_id": model.run_id,
            "scenario": model.scenario_spec.model_dump(mode="json"),
            "scenario_sha256": model.scenario_spec.sha256(),
            "scenario_file": scenario_file,
            "seed": model.scenario_spec.seed,
            "resolution_m": model.landscape.grid.cell_size_m,
            "region": list(model.landscape.provinces) or ["NL"],
            "years": [model.start_year, model.year],
            "versions": _versions(),
            "data": {
                "bundle": str(model.landscape.path),
                "data_version": model.landscape.data_version,
                "layers_sha256": model.landscape.manifest["layers_sha256"],
                "bundle_format": model.landscape.manifest["format"],
            },
            "instruments": [inst.describe() for inst in model.instruments],
            "wall_time_s": round(wall_time_s, 3),
            "created_utc": utc_stamp(),
            "outputs": sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()),
        }
        with open(tmp / "run.json", "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        if out.exists():
            out.rmdir()  # empty, checked above
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
