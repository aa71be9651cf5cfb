"""The registry of implemented instruments, keyed by catalogue id.

An implementation is a subclass of a mechanism (:mod:`abm.policy.mechanisms`) decorated with
``@register("ID")``. Registration checks that the id is in the catalogue and that the class's
mechanism is the catalogue's, so the registry cannot drift from ``instruments.csv``.
"""

from __future__ import annotations

from collections.abc import Callable

from abm.policy.catalogue import catalogue
from abm.policy.mechanisms import Instrument

REGISTRY: dict[str, type[Instrument]] = {}


def register(instrument_id: str) -> Callable[[type[Instrument]], type[Instrument]]:
    """Class decorator: make ``cls`` the implementation of catalogue id ``instrument_id``."""

    def decorate(cls: type[Instrument]) -> type[Instrument]:
        entry = catalogue().get(instrument_id)
        if entry is None:
            raise ValueError(f"{instrument_id} is not in the instrument catalogue")
        if entry.mechanism != cls.mechanism:
            raise ValueError(
                f"{instrument_id} is a {entry.mechanism} in the catalogue, "
                f"but {cls.__name__} is a {cls.mechanism}"
            )
        if instrument_id in REGISTRY:
            raise ValueError(f"{instrument_id} is registered twice")
        REGISTRY[instrument_id] = cls
        return cls

    return decorate


def implemented() -> dict[str, type[Instrument]]:
    """Implemented instruments by id (importing the implementation modules first)."""
    import abm.policy.instruments  # noqa: F401  (registers on import)

    return dict(sorted(REGISTRY.items()))
