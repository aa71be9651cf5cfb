"""Writing a run folder, atomically.

A run folder holds ``indicators.parquet``, ``maps/*.tif``, ``figures/*.png`` and ``run.json``,
written with :func:`abm.atomic.atomic_folder`: a failed or interrupted run leaves no output.
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import rasterio

from abm import __version__
from abm.atomic import atomic_folder

if TYPE_CHECKING:
    from abm.model import RegionModel

RESULTS_DIR = Path("results")
_PACKAGES = ("mesa", "numpy", "numba", "pandas", "pyarrow", "rasterio", "pydantic", "seaborn")


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def default_out_dir(scenario_name: str) -> Path:
    """``results/<scenario>-<UTC timestamp>``, relative to the current folder."""
    return RESULTS_DIR / f"{scenario_name}-{utc_stamp()}"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "ruimte": __version__}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


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
        Target folder: new or empty (see :func:`abm.atomic.check_new_folder`).
    wall_time_s : float
        Wall time of the simulation, for ``run.json``.
    scenario_file : str
        The scenario file the run came from.
    figures : bool
        Draw the PNG figures (the slowest part of writing).
    """
    from abm import parameters as model_parameters

    with atomic_folder(out) as tmp, model_parameters.applied(model.scenario_spec.parameters):
        frame = model.indicators()
        frame.to_parquet(tmp / "indicators.parquet", index=False)
        from agents.farmers.table import farm_table

        farm_table(model).to_parquet(tmp / "farms.parquet", index=False)
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
            "parameters": dict(model.scenario_spec.parameters),  # overrides in force
            "wall_time_s": round(wall_time_s, 3),
            "created_utc": utc_stamp(),
            "outputs": sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()),
        }
        with open(tmp / "run.json", "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    return Path(out).absolute()
