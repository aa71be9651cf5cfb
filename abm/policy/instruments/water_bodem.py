"""Instruments of Water en bodem sturend (structurerende keuzes, 003:L96-295)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from abm.policy.mechanisms import Reservation
from abm.policy.registry import register

if TYPE_CHECKING:
    from abm.model import RegionModel


@register("WBS-13")
class DeepPolderWaterStorage(Reservation):
    """Reserve 5-10% of the deep polders for water storage, the deepest parts first.

    Source: 003_96b59ff8675cf4bb.txt:L188-190; 004_9972baf923c41044.txt:L4052-4054. Within each
    owner's territory the lowest deep-polder cells are reserved until their area reaches
    ``storage_share`` of that territory's deep-polder area. Reserved cells take no new permanent
    buildings (the seed's exception, building that keeps the storage capacity, is not modelled).
    The seeds do not define a deep polder; see ``environment.derived.deep_polder``.
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

    def selected(self, model: RegionModel) -> np.ndarray:
        if self._chosen is None:
            share = self.parameters.storage_share
            idx = np.flatnonzero(self.cells)
            elevation = model.landscape["elevation_m_nap"].ravel()[idx]
            n = int(round(share * idx.size))
            # Stable sort: ties between equally deep cells go to the lower cell index.
            deepest = idx[np.argsort(elevation, kind="stable")[:n]]
            chosen = np.zeros(self.cells.size, dtype=bool)
            chosen[deepest] = True
            self._chosen = chosen.reshape(self.cells.shape)
        return self._chosen
