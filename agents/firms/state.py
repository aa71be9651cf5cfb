"""FirmState: every firm agent of a run as columns of numpy arrays (struct of arrays).

Scale (docs/firms.md): one agent is either one establishment of 10 or more persons, or a group of
at most :data:`agents.firms.population.SMALL_GROUP_SIZE` small establishments (0, 1 or 2-10
persons) of one size class, SBI section and werkmilieu, which sit on one cell. Agents never leave
the arrays; ``active`` marks the ones in business.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

#: SBI 2008 sections the firm model covers (A, agriculture, is the farmer model's). "P-U" stands
#: for the sections CBS 81644NED does not list separately (education, health, culture, other
#: services, households, extraterritorial): the total A-U less A-O.
SECTIONS: tuple[str, ...] = ("B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N",
                             "O", "P-U")
#: Werkmilieus of the Ruimtelijk Economische Visie (docs/firms.md).
WERKMILIEUS: tuple[str, ...] = ("industrieel", "productie", "innovatie", "stedelijk",
                                "distributie")
INDUSTRIEEL, PRODUCTIE, INNOVATIE, STEDELIJK, DISTRIBUTIE = range(len(WERKMILIEUS))
#: CBS 81644NED size classes (persons employed per establishment).
SIZE_CLASSES: tuple[str, ...] = ("0", "1", "2-10", "10+")


@dataclass
class FirmState:
    """The firm agents of a run.

    Attributes
    ----------
    sector : ndarray of uint8
        Index into :data:`SECTIONS`.
    werkmilieu : ndarray of uint8
        Index into :data:`WERKMILIEUS`.
    size_class : ndarray of uint8
        Index into :data:`SIZE_CLASSES`.
    establishments : ndarray of int32
        Establishments the agent represents (1 for 10+; up to the group size otherwise).
    jobs : ndarray of float64
        Jobs (banen) of the agent, all its establishments together.
    cell : ndarray of int64
        Flat grid index of the agent's cell (-1 before placement).
    province_id : ndarray of uint8
        Province (landscape id).
    active : ndarray of bool
        In business.
    """

    sector: np.ndarray
    werkmilieu: np.ndarray
    size_class: np.ndarray
    establishments: np.ndarray
    jobs: np.ndarray
    cell: np.ndarray
    province_id: np.ndarray
    active: np.ndarray

    @property
    def n(self) -> int:
        return len(self.sector)

    @classmethod
    def empty(cls) -> FirmState:
        """No firms (a run without firms)."""
        return cls(*(np.zeros(0, f) for f in (np.uint8, np.uint8, np.uint8, np.int32,
                                              np.float64, np.int64, np.uint8, bool)))

    def subset(self, keep: np.ndarray) -> FirmState:
        """The agents selected by ``keep`` (mask or indices)."""
        return FirmState(**{f.name: getattr(self, f.name)[keep] for f in fields(self)})
