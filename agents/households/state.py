"""HouseholdState: the household agents of a run as columns of numpy arrays.

Scale (docs/households.md): one agent is a group of at most ``HOUSEHOLDS_PER_AGENT`` private
households of one age class (of the reference person) and one income class that live in one
housing block (:mod:`agents.households.blocks`). Households of one group are exchangeable: at the
end of every year the groups of the same block and class are merged and re-split into groups of
at most that size (:func:`HouseholdState.compact`), so the number of agents stays near its start
while households move, form and dissolve. A group with ``block == -1`` has formed but found no
free dwelling yet (latent demand: it lives with others and counts in no block).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

#: Age classes of the household's reference person (years).
AGE_CLASSES: tuple[str, ...] = ("15-44", "45-64", "65+")
YOUNG, MIDDLE, OLD = range(len(AGE_CLASSES))
#: Income classes: the lowest 40%, the middle 40% and the highest 20% of national household
#: income (the CBS PC4 definitions of the income proxy, docs/households.md).
INCOME_CLASSES: tuple[str, ...] = ("low", "middle", "high")
LOW, MID, HIGH = range(len(INCOME_CLASSES))
#: ASSUMPTION: most households per agent (docs/households.md); explore 25-500. Smaller groups
#: give smoother maps and more agents (memory and time grow about linearly).
HOUSEHOLDS_PER_AGENT = 100.0


@dataclass
class HouseholdState:
    """The household agents of a run.

    Attributes
    ----------
    block : ndarray of int64
        Housing block (-1: formed but not yet housed).
    origin_block : ndarray of int64
        Block the group comes from (its own for housed groups; the parents' block for a group
        that has formed but found no dwelling yet).
    age_class, income_class : ndarray of uint8
        Index into :data:`AGE_CLASSES` and :data:`INCOME_CLASSES`.
    households : ndarray of float64
        Households the agent represents (> 0).
    persons : ndarray of float64
        Persons in those households together.
    """

    block: np.ndarray
    origin_block: np.ndarray
    age_class: np.ndarray
    income_class: np.ndarray
    households: np.ndarray
    persons: np.ndarray

    @property
    def n(self) -> int:
        return self.block.size

    @property
    def housed(self) -> np.ndarray:
        return self.block >= 0

    @classmethod
    def empty(cls) -> HouseholdState:
        return cls(*(np.zeros(0, t) for t in (np.int64, np.int64, np.uint8, np.uint8,
                                              np.float64, np.float64)))

    @classmethod
    def concat(cls, *parts: HouseholdState) -> HouseholdState:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                      for f in fields(cls)})

    def subset(self, keep: np.ndarray) -> HouseholdState:
        return HouseholdState(**{f.name: getattr(self, f.name)[keep] for f in fields(self)})

    def per_block(self, n_blocks: int, values: np.ndarray | None = None) -> np.ndarray:
        """Sum of ``values`` (default: households) of the housed agents per block."""
        on = self.housed
        v = self.households if values is None else values
        return np.bincount(self.block[on], weights=v[on], minlength=n_blocks)

    def compact(self, size: float | None = None) -> HouseholdState:
        """Merge the groups of one block, origin and class and re-split them into groups of at
        most ``size`` households (default :data:`HOUSEHOLDS_PER_AGENT`; persons pro rata); drop
        empty groups. Deterministic."""
        size = HOUSEHOLDS_PER_AGENT if size is None else size
        keep = self.households > 1e-9
        s = self.subset(keep)
        span = int(max(s.block.max(initial=0), s.origin_block.max(initial=0))) + 2
        key = (((s.block + 1) * span + (s.origin_block + 1)) * 3
               + s.age_class.astype(np.int64)) * 3 + s.income_class.astype(np.int64)
        uniq, inverse = np.unique(key, return_inverse=True)
        hh = np.bincount(inverse, weights=s.households, minlength=uniq.size)
        persons = np.bincount(inverse, weights=s.persons, minlength=uniq.size)
        parts = np.maximum(np.ceil(hh / size - 1e-9), 1).astype(np.int64)
        rep = np.repeat(np.arange(uniq.size), parts)
        income, rest = uniq % 3, uniq // 3
        age, rest = rest % 3, rest // 3
        origin, block = rest % span - 1, rest // span - 1
        return HouseholdState(
            block=block[rep], origin_block=origin[rep],
            age_class=age[rep].astype(np.uint8), income_class=income[rep].astype(np.uint8),
            households=(hh / parts)[rep], persons=(persons / parts)[rep])
