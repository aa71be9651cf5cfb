"""Instruments of Water en bodem sturend (structurerende keuzes, 003:L96-295)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field

from abm.allocation import largest_remainder
from abm.policy.mechanisms import (
    Cap,
    CellTarget,
    InstrumentParameters,
    Reservation,
    Rule,
    Zoning,
)
from abm.policy.registry import register
from abm.policy.state import PolicyState

if TYPE_CHECKING:
    from abm.model import RegionModel
    from environment.landscape import Landscape


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
        purchase_share_per_yr: float = Field(
            0.0, ge=0.0, le=1.0, description="Share of the farmland in the reserved cells the "
            "waterschap buys a year for storage, a claim on land (abm.land_claims; ASSUMPTION, "
            "0 = reserve only; explore 0-0.1)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        share = self.parameters.purchase_share_per_yr
        if share > 0:
            policy.rules["water_storage"] = {"share_per_yr": share}

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


@register("WBS-27")
class KeepGrassland(Rule):
    """Behoud van grasland (notably on peat): grassland may not be ploughed.

    Source: 003_96b59ff8675cf4bb.txt:L259-262 (the Rijk asks the provinces to commit firmly to
    keeping grassland, against irreversible peat oxidation); 004_9972baf923c41044.txt:L1528-1529
    (keeping grassland to limit soil degradation). The catalogue's scope is laagveen (003) or all
    grassland (004): with ``peat_only`` the rule holds on agricultural peat in scope, else on all
    farmland in scope. Where it holds, a farm that takes over land does not plough its grassland
    (``agents.farmers.land_market.plough_probability``); the seeds give no penalty, so the rule
    is a ban (ASSUMPTION).
    """

    flag = "keep_grassland"
    zone_name: ClassVar[str] = "grassland_kept"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        peat_only: bool = Field(
            True, description="Keep grassland on agricultural peat only (003:L259-262); false: "
            "all grassland (004:L1528-1529)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        where = self.cells & (model.peat_ha > 0) if self.parameters.peat_only else self.cells
        policy.zone(self.zone_name)[where] = True


#: Cell target that WBS-33 writes; the model takes the shallower of it and
#: ``groundwater_depth_cm`` where both are set.
EXTRACTION_LIMIT_TARGET = "groundwater_depth_cm_extraction_limit"
#: Per-cell factor on the margin of open-field crops and grazing livestock (1 = none), read by
#: ``agents.farmers.economics.gross_margin_keur``.
CROP_MARGIN_FACTOR = "crop_margin_factor"
#: Per-cell share of the land in a brook-valley buffer (WBS-32), read by the green-blue veining
#: uptake and indicators.
BUFFER_SHARE = "beekdal_buffer_share"


def _sand(land: Landscape) -> np.ndarray:
    """Land of the Hogere Zandgronden."""
    return (land["fgr_id"] == land.codes("fgr").index("hz") + 1) & land["land_mask"]


@register("WBS-32")
class BrookValleyBuffer(Zoning):
    """Large-scale restoration of brook valleys on the sandy soils: buffer zones of 100-250 m on
    both sides of the (vulnerable) brooks.

    Source: 003_96b59ff8675cf4bb.txt:L288-291; 003_96b59ff8675cf4bb.txt:L388;
    003_96b59ff8675cf4bb.txt:L475; 004_9972baf923c41044.txt:L1395-1401;
    004_9972baf923c41044.txt:L1480-1484. The buffer is a share of each cell's farmland: from the
    scenario's ``beekdal_file`` (brook lines buffered by ``buffer_width_m`` and rasterised), else
    from a proxy (``environment.brooks``: low land of the Hogere Zandgronden, ``2 x width x brook
    density`` of each brook-valley cell; ASSUMPTION). Inside the buffers: no intensification of
    the farms whose farmstead lies in a buffer cell, an extensification payment per hectare of
    buffer (``payment_eur_ha`` x share, to farms that extensify), and the buffers belong to the
    LN-13 aandachtsgebied and count as groenblauwe dooradering. The seeds give no payment or input
    limits (ASSUMPTIONS below); the buffers stay farmland (extensive use).
    """

    zone = "beekdal_buffer"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        buffer_width_m: float = Field(
            100.0, ge=0.0, le=1000.0, description="Buffer width on each side of the brook "
            "(seed: 100-250 m, 004:L1480-1484)")
        payment_eur_ha: float = Field(
            500.0, ge=0.0, le=10000.0, description="Extensification payment per ha of buffer, "
            "euro/ha/yr (ASSUMPTION; explore 200-1500)")
        budget_meur_per_yr: float = Field(
            10.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION); payments beyond the budget are owed but not paid")
        no_intensification: bool = Field(
            True, description="Ban intensification of farms with their farmstead in a buffer "
            "cell (ASSUMPTION: the seed names no input limits)")
        valley_depth_m: float = Field(
            1.0, ge=0.0, le=20.0, description="Proxy: least depth below the neighbourhood mean "
            "elevation of a brook-valley cell (ASSUMPTION; explore 0.5-2.0 m)")
        neighbourhood_radius_m: float = Field(
            2500.0, ge=250.0, le=20000.0, description="Proxy: radius of that neighbourhood "
            "(ASSUMPTION; explore 1500-5000 m)")
        brook_density_km_km2: float = Field(
            1.0, ge=0.0, le=10.0, description="Proxy: brook length per km2 of brook valley "
            "(ASSUMPTION; explore 0.5-2.0)")

    #: Buffer share per cell, the cells with some, their flat indices, the payment per cell.
    _share: np.ndarray | None = None
    _cells: np.ndarray | None = None
    _index: np.ndarray | None = None
    _rate: np.ndarray | None = None

    @classmethod
    def coordinate(cls, group: list[BrookValleyBuffer]) -> None:
        """The buffer share of every cell, once for the whole group (the user file is read and
        rasterised once; a bad file is an input error here, before the run)."""
        from environment import brooks
        from environment.layers import AGRICULTURE

        model = group[0].owner.model
        land = model.landscape
        p = group[0].parameters
        farmland = land["land_use"] == AGRICULTURE
        path = model.scenario_spec.beekdal_path
        if path is not None:
            share = brooks.read_brook_file(path, land.grid, p.buffer_width_m)
        else:
            def valleys(nl: Landscape) -> np.ndarray:  # neighbourhoods cross the border
                return brooks.brook_valley_cells(
                    nl["elevation_m_nap"].astype(np.float64), _sand(nl), nl.grid.cell_size_m,
                    p.neighbourhood_radius_m, p.valley_depth_m)

            valley = model.national_context(
                ("brook_valley", p.neighbourhood_radius_m, p.valley_depth_m), valleys)
            share = brooks.buffer_share_proxy(valley, p.buffer_width_m, p.brook_density_km_km2)
        share = np.where(farmland, share, 0.0)
        for inst in group:
            inst._share = np.where(inst.cells, share, 0.0)
            inst._cells = inst._share > 0
            inst._index = np.flatnonzero(inst._cells)
            inst._rate = inst.parameters.payment_eur_ha * inst._share

    @property
    def buffer_cells(self) -> np.ndarray:
        """Cells with some buffer (bool, grid shape)."""
        return self._cells

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        idx = self._index
        policy.zone(self.zone).ravel()[idx] = True
        share = policy.cell_target(BUFFER_SHARE).ravel()
        share[idx] = np.fmax(share[idx], self._share.ravel()[idx])
        if self.parameters.no_intensification:
            policy.mask("no_intensification").ravel()[idx] = True
        self.receive_yearly_budget()
        policy.pay("extensification", self._cells, self._rate, self.account)


@register("WBS-33")
class GroundwaterExtractionLimit(Cap):
    """Limit groundwater extraction in and around Natura 2000 on the Hogere Zandgronden.

    Source: 003_96b59ff8675cf4bb.txt:L293-295; 003_96b59ff8675cf4bb.txt:L423;
    004_9972baf923c41044.txt:L1539-1541. From ``from_year`` (seed: N2000 hydrology in order in
    2027) no new groundwater extraction for sprinkling within ``buffer_m`` of Natura 2000 on the
    Hogere Zandgronden (the cap ``new_sprinkling_extraction_m3_yr`` is 0). There the groundwater
    rises by ``rise_cm`` (a cell target; where WBS-25 or WBS-31 sets one too, the shallower
    counts) and farmland without irrigation loses ``drought_loss_share`` of the margin of its
    open-field crops and grazing livestock. The seeds give no distance, rise or loss
    (ASSUMPTIONS below).
    """

    name = "new_sprinkling_extraction_m3_yr"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        buffer_m: float = Field(
            1000.0, ge=0.0, le=20000.0, description="Width of the zone around Natura 2000 "
            "(ASSUMPTION; explore 500-3000 m)")
        rise_cm: float = Field(
            10.0, ge=0.0, le=100.0, description="Rise of the groundwater in the zone "
            "(ASSUMPTION; explore 5-30 cm; WBS-31 gives 10-50 cm for all high sand)")
        drought_loss_share: float = Field(
            0.05, ge=0.0, le=1.0, description="Share of the margin of open-field crops and "
            "grazing livestock lost without sprinkling (ASSUMPTION; explore 0.02-0.15)")
        from_year: int = Field(2027, ge=2000, le=2100,
                               description="First year of the limit (seed: 2027, 003:L423)")

    _zone: np.ndarray | None = None
    _index: np.ndarray | None = None
    _target_cm: np.ndarray | None = None

    def cap_value(self, year: int) -> float:
        return 0.0

    def zone(self, model: RegionModel) -> np.ndarray:
        """Cells of the Hogere Zandgronden in scope within ``buffer_m`` of Natura 2000."""
        if self._zone is None:
            near = model.distance_to_natura2000_m(sensitive_only=False)
            self._zone = (self.cells & _sand(model.landscape)
                          & (near <= self.parameters.buffer_m))
        return self._zone

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        if year < self.parameters.from_year:
            return
        super().apply(model, policy, year)
        p = self.parameters
        if self._index is None:
            self._index = np.flatnonzero(self.zone(model))
            initial = model.landscape["groundwater_depth_cm"].ravel()[self._index]
            self._target_cm = np.maximum(initial.astype(np.float64) - p.rise_cm, 0.0)
        idx = self._index
        target = policy.cell_target(EXTRACTION_LIMIT_TARGET).ravel()
        target[idx] = np.fmin(target[idx], self._target_cm)
        factor = policy.cell_target(CROP_MARGIN_FACTOR).ravel()
        factor[idx] = np.fmin(factor[idx], 1.0 - p.drought_loss_share)
