"""Random streams of a run: one SeedSequence per run, one child stream per component.

Children are spawned in the fixed order of :data:`COMPONENTS`; a new component is appended at
the end, so existing streams keep their bits. No code in ruimte uses the global numpy or
``random`` state.
"""

from __future__ import annotations

import numpy as np

#: Components with their own stream, in spawn order (append only).
COMPONENTS: tuple[str, ...] = (
    "mesa",
    "government",
    "water",
    "farmers",
    "land_market",
    "firms",
    "households",
    "environment",
    "buyouts",
    "options",
    "gbd",
    "land_use",
    "relocation",
    "finance",
    "regional",
    "firm_relocation",
    "housing",
    "comply_or_explain",
    "land_claims",
)


class RunStreams:
    """The random streams of one run.

    Parameters
    ----------
    seed : int
        The run's seed; ``numpy.random.SeedSequence(seed)`` is the root.

    Examples
    --------
    >>> a, b = RunStreams(7).generator("farmers"), RunStreams(7).generator("farmers")
    >>> bool(a.integers(1 << 30) == b.integers(1 << 30))
    True
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self.root = np.random.SeedSequence(self.seed)
        self.children = dict(zip(COMPONENTS, self.root.spawn(len(COMPONENTS)), strict=True))

    def seed_sequence(self, component: str) -> np.random.SeedSequence:
        return self.children[component]

    def generator(self, component: str) -> np.random.Generator:
        """A fresh PCG64 generator of ``component``'s stream."""
        return np.random.Generator(np.random.PCG64(self.children[component]))
