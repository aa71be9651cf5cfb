"""The Landscape: named, read-only layers on one grid, loaded from a bundle.

Search order for the bundle of a resolution: ``$RUIMTE_BUNDLE_DIR/nl_<res>m`` if that variable
is set; else the user cache (``$RUIMTE_CACHE_DIR``, else ``$XDG_CACHE_HOME/ruimte``, else
``~/.cache/ruimte``) under ``bundles/``; else the bundles shipped in the package (1000 m and
250 m). A missing 100 m bundle is built into the cache on first use when the open-data source
folder is found (see :mod:`environment.sources`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from abm.errors import BundleError, InputError
from environment.bundle import read_bundle
from environment.grid import RESOLUTIONS_M, Grid

PACKAGE_BUNDLES = Path(__file__).resolve().parent / "bundles"
SHIPPED_RESOLUTIONS_M: tuple[int, ...] = (1000, 250)

#: Layers that belong to a region: outside the selected provinces they are zeroed by
#: :meth:`Landscape.subset`. The other layers (elevation, soils, distances) keep their values.
REGIONAL_LAYERS: tuple[str, ...] = (
    "land_mask",
    "province_id",
    "corop_id",
    "gemeente_id",
    "natura2000_id",
    "natura2000_n_sensitive",
    "inhabitants",
    "households",
    "dwellings",
    "adults_share_15_44",
    "adults_share_45_64",
    "adults_share_65plus",
    "income_low_share",
    "income_high_share",
    "land_use",
    "deep_polder",
)

#: Aggregation levels of indicators: level name -> (id layer, code table).
LEVELS: dict[str, tuple[str, str]] = {
    "provincie": ("province_id", "province"),
    "corop": ("corop_id", "corop"),
}


def bundle_name(resolution_m: int) -> str:
    return f"nl_{resolution_m}m"


def cache_dir() -> Path:
    """The per-user cache folder of ruimte."""
    if os.environ.get("RUIMTE_CACHE_DIR"):
        return Path(os.environ["RUIMTE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ruimte"


def bundle_candidates(resolution_m: int) -> list[Path]:
    """Folders searched, in order, for the bundle of ``resolution_m``."""
    name = bundle_name(resolution_m)
    out = []
    if os.environ.get("RUIMTE_BUNDLE_DIR"):
        out.append(Path(os.environ["RUIMTE_BUNDLE_DIR"]) / name)
    out.append(cache_dir() / "bundles" / name)
    out.append(PACKAGE_BUNDLES / name)
    return out


@dataclass
class Landscape:
    """Layers of one grid, with the code tables their id layers index.

    Parameters
    ----------
    grid : Grid
        The grid of every layer.
    layers : dict of str to ndarray
        Read-only arrays of shape ``grid.shape``; names and units in
        :data:`environment.layers.LAYERS`.
    tables : dict of str to list of dict
        Code tables: ``tables["province"][i]`` describes ``province_id == i + 1``.
    manifest : dict
        The bundle manifest (provenance, sources, summary).
    path : Path or None
        The bundle folder it was read from.
    """

    grid: Grid
    layers: dict[str, np.ndarray]
    tables: dict[str, list[dict]]
    manifest: dict
    path: Path | None = None
    provinces: tuple[str, ...] = field(default=())
    #: COROP regions only partly inside :attr:`provinces` (CR30 crosses into Utrecht).
    partial_corops: tuple[str, ...] = field(default=())
    #: Rows and columns (start, stop, start, stop) of the national grid a subset covers.
    window: tuple[int, int, int, int] | None = None

    def cut(self, national_values: np.ndarray) -> np.ndarray:
        """The part of a national-grid array that this (subset) landscape covers."""
        if self.window is None:
            return national_values
        r0, r1, c0, c1 = self.window
        return national_values[r0:r1, c0:c1]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.layers[name]

    @property
    def data_version(self) -> str:
        """Short hash of the layer data (the first 12 hex digits of its SHA-256)."""
        return self.manifest["layers_sha256"][:12]

    def codes(self, table: str) -> list[str]:
        """The codes of a table in id order (id 1 first)."""
        return [row["code"] for row in self.tables[table]]

    def subset(self, province_codes: list[str]) -> Landscape:
        """The landscape cropped to the bounding box of some provinces.

        Regional layers (:data:`REGIONAL_LAYERS`) are zeroed outside those provinces; COROP
        regions cut by the region's border are listed in :attr:`partial_corops`.
        """
        codes = self.codes("province")
        ids = [codes.index(c) + 1 for c in province_codes]
        inside = np.isin(self.layers["province_id"], ids)
        land = self.layers["land_mask"]
        corop = self.layers["corop_id"]
        n_corop = len(self.tables["corop"]) + 1
        everywhere = np.bincount(corop[land], minlength=n_corop)
        within = np.bincount(corop[land & inside], minlength=n_corop)
        partial = tuple(code for i, code in enumerate(self.codes("corop"), start=1)
                        if 0 < within[i] < everywhere[i])
        rows = np.flatnonzero(inside.any(axis=1))
        cols = np.flatnonzero(inside.any(axis=0))
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        keep = inside[r0:r1, c0:c1]
        layers = {}
        for name, values in self.layers.items():
            part = values[r0:r1, c0:c1].copy()
            if name in REGIONAL_LAYERS:
                part[~keep] = 0
            part.setflags(write=False)
            layers[name] = part
        return Landscape(
            grid=self.grid.window(r0, r1, c0, c1),
            layers=layers,
            tables=self.tables,
            manifest=self.manifest,
            path=self.path,
            provinces=tuple(province_codes),
            partial_corops=partial,
            window=(int(r0), int(r1), int(c0), int(c1)),
        )


_CACHE: dict[Path, Landscape] = {}


def clear_cache() -> None:
    """Forget the landscapes loaded in this process (the next load reads the bundle again)."""
    _CACHE.clear()


def load_landscape(
    resolution_m: int = 1000, bundle_dir: str | Path | None = None, build_missing: bool = True
) -> Landscape:
    """Load the national landscape at ``resolution_m``.

    Parameters
    ----------
    resolution_m : {1000, 250, 100}
        Cell size; 1000 and 250 m ship with the package.
    bundle_dir : path, optional
        An explicit bundle folder instead of the search order of this module.
    build_missing : bool
        Build a missing bundle into the cache when the open-data source folder is found.

    Raises
    ------
    BundleError
        When the bundle is missing (and cannot be built), stale or damaged.

    Examples
    --------
    >>> nl = load_landscape(1000)
    >>> nl.grid.shape, len(nl.tables["province"])
    ((314, 266), 12)
    """
    if resolution_m not in RESOLUTIONS_M:
        raise InputError(
            "--resolution", "resolution", f"{resolution_m} m is not a grid of ruimte",
            allowed=", ".join(str(r) for r in RESOLUTIONS_M),
        )
    if bundle_dir is not None:
        path = Path(bundle_dir)
    else:
        candidates = bundle_candidates(resolution_m)
        found = [c for c in candidates if (c / "manifest.json").is_file()]
        if found:
            path = found[0]
        elif build_missing:
            path = _build_on_demand(resolution_m, candidates)
        else:
            path = candidates[-1]
    path = path.resolve()
    if path in _CACHE:
        return _CACHE[path]
    manifest, layers = read_bundle(path)
    grid = Grid.from_dict(manifest["grid"])
    if grid.cell_size_m != resolution_m:
        raise BundleError(
            str(path / "manifest.json"), "grid.cell_size_m",
            f"the bundle has {grid.cell_size_m} m cells, not the {resolution_m} m asked for",
            allowed=str(resolution_m),
        )
    for values in layers.values():
        values.setflags(write=False)
    landscape = Landscape(grid=grid, layers=layers, tables=manifest["tables"],
                          manifest=manifest, path=path)
    _CACHE[path] = landscape
    return landscape


def data_version(resolution_m: int) -> str:
    """The data version of the bundle :func:`load_landscape` would load, read from its
    manifest alone (cheap); loads the landscape where no bundle is installed yet."""
    from environment.bundle import read_manifest

    for candidate in bundle_candidates(resolution_m):
        if (candidate / "manifest.json").is_file():
            return read_manifest(candidate)["layers_sha256"][:12]
    return load_landscape(resolution_m).data_version


def _build_on_demand(resolution_m: int, candidates: list[Path]) -> Path:
    from environment.builder import build_bundle
    from environment.sources import find_source_dir

    try:
        source = find_source_dir()
    except InputError as exc:
        raise BundleError(
            " or ".join(str(c) for c in candidates),
            "bundle",
            f"no {resolution_m} m landscape bundle is installed and no open-data source folder "
            f"was found to build one; run 'ruimte data build --resolution {resolution_m} "
            "--source DIR'",
            allowed="a bundle folder written by 'ruimte data build'",
        ) from exc
    target = cache_dir() / "bundles" / bundle_name(resolution_m)
    print(f"ruimte: building the {resolution_m} m landscape into {target} (once)",
          file=sys.stderr)
    return build_bundle(resolution_m, source=source, out_dir=target)
