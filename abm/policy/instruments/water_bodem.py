"""Instruments of Water en bodem sturend (structurerende keuzes, 003:L96-295)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from abm.allocation import largest_remainder
from abm.policy.mechanisms import CellTarget, InstrumentParameters, Reservation
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

    class Parameters(InstrumentParameters):
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


@register("WBS-25")
class PeatGroundwaterTarget(CellTarget):
    """Laagveen: groundwater 20 to 40 cm below the surface, all year round.

    Source: 003_96b59ff8675cf4bb.txt:L248-252; 003_96b59ff8675cf4bb.txt:L392;
    004_9972baf923c41044.txt:L1239-1243; 004_9972baf923c41044.txt:L1531-1536. The waterschap
    raises the groundwater of the agricultural peat in scope toward ``target_depth_cm`` (cells
    already wetter stay as they are). The seed gives 20-40 cm depending on the soil and the
    water system; the default is the middle of that range.
    """

    indicator = "groundwater_depth_cm"
    default_owner = "waterschap"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        target_depth_cm: float = Field(
            30.0, ge=0.0, le=200.0,
            description="Target groundwater depth below surface (seed: 20-40 cm, 003:L248-252)",
        )

    def cell_values(self, model: RegionModel, year: int) -> np.ndarray:
        depth = model.groundwater_depth_cm
        peat = model.peat_ha > 0
        return np.where(peat, np.minimum(depth, self.parameters.target_depth_cm), np.nan)


@register("WBS-31")
class SandGroundwaterRise(CellTarget):
    """Hoge zandgronden: retain water longer and raise the groundwater by possibly 10-50 cm.

    Source: 003_96b59ff8675cf4bb.txt:L281-286; 004_9972baf923c41044.txt:L1538-1539. The target
    on the land of the Hogere Zandgronden in scope is the initial depth less ``rise_cm``, at
    least 0 (the surface).
    """

    indicator = "groundwater_depth_cm"
    default_owner = "waterschap"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        rise_cm: float = Field(
            20.0, ge=0.0, le=100.0,
            description="Rise of the groundwater (seed: possibly 10-50 cm, 003:L281-286)",
        )

    def cell_values(self, model: RegionModel, year: int) -> np.ndarray:
        sand = model.landscape["fgr_id"] == model.landscape.codes("fgr").index("hz") + 1
        initial = model.landscape["groundwater_depth_cm"]
        target = np.maximum(initial - self.parameters.rise_cm, 0.0)
        return np.where(sand, target, np.nan)
