"""Reading and writing landscape bundles.

A bundle is a folder with two files:

``manifest.json``
    format version, grid, the code tables (provinces, COROP, gemeenten, FGR classes, soils,
    Natura 2000 areas), and per layer its dtype, unit, definition, storage encoding and
    provenance (sources, licence, method), plus a SHA-256 of ``layers.npz``.
``layers.npz``
    one ``.npy`` array per layer in a deflate-compressed zip with fixed timestamps, so that the
    same inputs give the same bytes.

Some layers are stored in a compact integer encoding (``stored_dtype`` and ``scale`` in the
manifest: value = stored * scale); the loader decodes them to the layer's dtype.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from abm.atomic import atomic_folder
from abm.errors import BundleError
from environment.grid import Grid
from environment.layers import BUNDLE_FORMAT, LAYER_BY_NAME, LAYERS

MANIFEST = "manifest.json"
ARRAYS = "layers.npz"
#: The files of a bundle: a folder holding only these may be replaced by a new build.
BUNDLE_FILES = frozenset({MANIFEST, ARRAYS})
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def encode(name: str, values: np.ndarray, encoding: dict | None) -> np.ndarray:
    """Encode one layer for storage (see module docstring)."""
    if not encoding:
        return np.ascontiguousarray(values.astype(LAYER_BY_NAME[name].dtype))
    stored = np.dtype(encoding["stored_dtype"])
    info = np.iinfo(stored)
    scaled = np.rint(np.asarray(values, dtype=np.float64) / encoding["scale"])
    return np.clip(scaled, info.min, info.max).astype(stored)


def decode(name: str, stored: np.ndarray, encoding: dict | None) -> np.ndarray:
    """Decode a stored layer to its catalogue dtype."""
    dtype = np.dtype(LAYER_BY_NAME[name].dtype)
    if not encoding:
        return stored.astype(dtype, copy=False)
    return (stored * dtype.type(encoding["scale"])).astype(dtype, copy=False)


def write_bundle(
    out_dir: Path,
    grid: Grid,
    layers: dict[str, np.ndarray],
    layer_meta: dict[str, dict],
    tables: dict[str, list[dict]],
    extra: dict | None = None,
) -> Path:
    """Write a bundle atomically (see :func:`abm.atomic.atomic_folder`).

    Parameters
    ----------
    out_dir : Path
        Target folder: new, empty, or an earlier bundle (which is replaced).
    grid : Grid
        The grid every layer lies on.
    layers : dict of str to ndarray
        Exactly the layers of :data:`environment.layers.LAYERS`, each of shape ``grid.shape``.
    layer_meta : dict of str to dict
        Per layer: ``provenance`` (dict) and optional ``encoding`` (dict).
    tables : dict of str to list of dict
        Code tables; entry ``i`` of a table is id ``i + 1`` in its id layer.
    extra : dict, optional
        More manifest fields (builder version, source checksums, summaries).
    """
    expected = [spec.name for spec in LAYERS]
    if sorted(layers) != sorted(expected):
        raise ValueError(f"bundle layers {sorted(layers)} differ from catalogue {sorted(expected)}")
    with atomic_folder(out_dir, option="--out", replaceable=BUNDLE_FILES) as tmp:
        meta_out = {}
        with zipfile.ZipFile(tmp / ARRAYS, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for spec in LAYERS:
                values = layers[spec.name]
                if values.shape != grid.shape:
                    raise ValueError(f"layer {spec.name}: shape {values.shape}, not {grid.shape}")
                encoding = layer_meta.get(spec.name, {}).get("encoding")
                buf = io.BytesIO()
                np.lib.format.write_array(buf, encode(spec.name, values, encoding))
                info = zipfile.ZipInfo(f"{spec.name}.npy", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, buf.getvalue(), compresslevel=9)
                meta_out[spec.name] = {
                    "dtype": spec.dtype,
                    "units": spec.units,
                    "description": spec.description,
                    "table": spec.table,
                    "encoding": encoding,
                    "provenance": layer_meta.get(spec.name, {}).get("provenance", {}),
                }
        manifest = {
            "format": BUNDLE_FORMAT,
            "grid": grid.to_dict(),
            "layers": meta_out,
            "tables": tables,
            "layers_sha256": _sha256(tmp / ARRAYS),
            **(extra or {}),
        }
        with open(tmp / MANIFEST, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1, ensure_ascii=False, sort_keys=False)
            fh.write("\n")
    return Path(out_dir).absolute()


def read_manifest(bundle_dir: Path) -> dict:
    """Read and check a bundle's manifest; raise :class:`BundleError` if missing or stale."""
    bundle_dir = Path(bundle_dir)
    path = bundle_dir / MANIFEST
    if not path.is_file() or not (bundle_dir / ARRAYS).is_file():
        raise BundleError(
            str(bundle_dir),
            "manifest.json, layers.npz",
            "the landscape bundle is missing",
            allowed="a folder written by 'ruimte data build'",
        )
    try:
        with open(path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise BundleError(str(path), "manifest", f"cannot be read ({exc})") from exc
    if not isinstance(manifest, dict):
        raise BundleError(str(path), "manifest", "is not a JSON object; rebuild the bundle",
                          allowed="a manifest written by 'ruimte data build'")
    expected = sorted(spec.name for spec in LAYERS)
    layers = manifest.get("layers")
    if (manifest.get("format") != BUNDLE_FORMAT or not isinstance(layers, dict)
            or sorted(layers) != expected):
        raise BundleError(
            str(path),
            "format",
            f"the bundle is stale (format {manifest.get('format')!r}, this ruimte reads format "
            f"{BUNDLE_FORMAT}); rebuild it with 'ruimte data build --resolution "
            f"{manifest.get('grid', {}).get('cell_size_m', 'N')}'",
            allowed=f"format {BUNDLE_FORMAT} with layers {', '.join(expected)}",
        )
    return manifest


def read_bundle(bundle_dir: Path, verify: bool = True) -> tuple[dict, dict[str, np.ndarray]]:
    """Read a bundle: its manifest and its decoded layers.

    Parameters
    ----------
    bundle_dir : Path
        The bundle folder.
    verify : bool
        Check ``layers.npz`` against the SHA-256 in the manifest (a few milliseconds).
    """
    bundle_dir = Path(bundle_dir)
    manifest = read_manifest(bundle_dir)
    if verify and _sha256(bundle_dir / ARRAYS) != manifest["layers_sha256"]:
        raise BundleError(
            str(bundle_dir / ARRAYS),
            "layers_sha256",
            "the layer file does not match its manifest (damaged or edited); rebuild the bundle",
        )
    layers = {}
    with np.load(bundle_dir / ARRAYS) as npz:
        for name, meta in manifest["layers"].items():
            layers[name] = decode(name, npz[name], meta.get("encoding"))
    return manifest, layers
