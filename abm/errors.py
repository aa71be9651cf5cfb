"""Typed exceptions of ruimte.

Every error caused by what a user gave (a scenario file, a command-line option, a data bundle,
an output folder) is an :class:`InputError`. The command line prints its message as one paragraph
and exits with status 2, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable


class RuimteError(Exception):
    """Base class of every error raised on purpose by ruimte."""


class InputError(RuimteError):
    """Bad input: names the file, the field and the allowed values.

    Parameters
    ----------
    source : str
        The file (or command-line option, or folder) the bad value came from.
    field : str
        The field within it, as a dotted path (``instruments[0].parameters.storage_share``).
    problem : str
        What is wrong, in one sentence.
    allowed : str or iterable of str, optional
        The allowed values or range.

    Examples
    --------
    >>> str(InputError("s.toml", "seed", "must be an integer", allowed="0 <= seed < 2**63"))
    "s.toml: field 'seed': must be an integer. Allowed: 0 <= seed < 2**63."
    """

    def __init__(
        self,
        source: str,
        field: str,
        problem: str,
        allowed: str | Iterable[str] | None = None,
    ) -> None:
        self.source = str(source)
        self.field = field
        self.problem = problem.rstrip(".")
        if allowed is not None and not isinstance(allowed, str):
            allowed = ", ".join(str(a) for a in allowed)
        self.allowed = allowed
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.source}: field '{self.field}': {self.problem}."
        if self.allowed:
            text += f" Allowed: {self.allowed}."
        return text


class BundleError(InputError):
    """A landscape bundle is missing, stale or damaged."""
