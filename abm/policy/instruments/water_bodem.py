"""Instruments of Water en bodem sturend (structurerende keuzes, 003:L96-295)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from abm.allocation import largest_remainder
from abm.policy.mechanisms import Reservation
from abm.policy.registry import register

if TYPE_CHECKING:
    from abm.model import RegionModel


@register("WBS-13")
class DeepPolderWaterStorage(Reservation):
    """Reserve 5-10% of the deep polders for water storage, the deepest parts first.

    Source: 003_96b59ff8675cf4bb.txt:L188-190; 004_9972baf923c41044.txt:L4052-4054. Within each
    owner's territory the lowest deep-polder cells are reserved; the owners' numbers of cells
    add up to ``storage_share`` of all deep-polder cells in scope (largest remainder). Reserved
    cells take no new permanent buildings (the seed's exception, building that keeps the storage
    capacity, is not modelled). The seeds do not define a deep polder; see
    ``environment.derived.deep_polder``.
    """

    kind = "water_storage"
    default_owner = "waterschap"
    default_scope_layer = "deep_polder"

    class Parameters(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        storage_share: float = Field(
            0.05,
            ge=0.0,
            le=1.0,
            description="Share of deep-polder area reserved (seed: 0.05-0.10, 003:L188-190)",
        )

    _chosen: np.ndarray | None = None
    _quota_cells: int | None = None

    @classmethod
    def coordinate(cls, group: list[DeepPolderWaterStorage]) -> None:
        """Split the national number of reserved cells over the owners by largest remainder,
        so small owners (a gemeente with three deep-polder cells) do not round the share away."""
        exact = np.array([inst.parameters.storage_share * inst.cells.sum() for inst in group])
        quota = largest_remainder(int(round(exact.sum())), exact)
        for inst, n in zip(group, quota, strict=True):
            inst._quota_cells = int(n)

    def selected(self, model: RegionModel) -> np.ndarray:
        if self._chosen is None:
            idx = np.flatnonzero(self.cells)
            n = self._quota_cells
            if n is None:
                n = int(round(self.parameters.storage_share * idx.size))
            elevation = model.landscape["elevation_m_nap"].ravel()[idx]
            # Stable sort: ties between equally deep cells go to the lower cell index.
            deepest = idx[np.argsort(elevation, kind="stable")[:n]]
            chosen = np.zeros(self.cells.size, dtype=bool)
            chosen[deepest] = True
            self._chosen = chosen.reshape(self.cells.shape)
        return self._chosen
