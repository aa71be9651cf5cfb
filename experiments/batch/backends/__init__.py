"""Where a batch runs: one module per backend behind :class:`base.Backend`."""

from __future__ import annotations

from experiments.batch.backends.base import Backend


def make_backend(kind: str, **kwargs) -> Backend:
    """The backend of ``kind`` (``local`` or ``dask``)."""
    if kind == "local":
        from experiments.batch.backends.local import LocalBackend

        return LocalBackend(**kwargs)
    if kind == "dask":
        from experiments.batch.backends.dask import DaskBackend

        return DaskBackend(**kwargs)
    raise ValueError(f"unknown backend {kind!r}")
