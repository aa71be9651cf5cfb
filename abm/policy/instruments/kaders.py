"""Instruments of the frameworks (kaders) that steer other rules: regional groundwater caps with
a priority order (WBS-02), comply or explain for the water-en-bodem building zones
(COMPLY-OR-EXPLAIN) and the four werkmilieus with a regional mix (REV-WERKMILIEUS).

docs/instruments_kaders.md describes each, with its parameters and measured effects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator

from abm.policy.instruments.bouwen import NO_NEW_BUILDINGS, ClimateRiskSiting, _BuildingZone
from abm.policy.instruments.water_bodem import CROP_MARGIN_FACTOR, EXTRACTION_LIMIT_TARGET, _sand
from abm.policy.mechanisms import Cap, InstrumentParameters, Rule, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState
from agents.firms import werkmilieu_zoning as wz
from agents.firms.state import DISTRIBUTIE, WERKMILIEUS
from environment import building_zones as bz

if TYPE_CHECKING:
    from abm.model import RegionModel

# -- WBS-02 -------------------------------------------------------------------------------------

#: The users of groundwater a regional cap ranks (``priority_order``).
GROUNDWATER_USERS: tuple[str, ...] = ("drinking_water", "nature", "industry", "agriculture")


@register("WBS-02")
class RegionalGroundwaterCap(Cap):
    """Regional groundwater caps (grondwaterplafonds) with a priority order
    (voorkeursvolgorde), notably for sprinkling on the hoge zandgronden.

    Source: 003_96b59ff8675cf4bb.txt:L105-107 (all extractions mapped, toward a robust
    groundwater system, worked out in the NPLG); 004_9972baf923c41044.txt:L1467-1473 and
    004_9972baf923c41044.txt:L1543-1544 ('Gemaakte keuze': restrictions on groundwater
    extraction through regional caps and a priority order, 'bijvoorbeeld voor beregening op hoge
    zandgronden'); 004_9972baf923c41044.txt:L2189-2194 (the caps decide who may extract from
    which source when). No seed gives a cap or an order, so every number is an ASSUMPTION.

    Within each owner's land of the Hogere Zandgronden in scope the cap is ``cap_share`` of the
    present extraction, shared by ``priority_order``: the users before agriculture take their
    demand share first (``drinking_water_share``, ``industry_share``); agriculture gets what is
    left, as a served share of its demand (``agriculture_share``). When ``nature`` comes
    before agriculture, farmland within ``nature_buffer_m`` of Natura 2000 gets no extraction
    for sprinkling at all. Where the served share ``s`` is below 1 the groundwater target rises
    by ``rise_cm`` x (1 - s) from its initial depth (the cell target WBS-33 writes; the
    shallower counts) and the margin of open-field crops and grazing livestock falls by
    ``drought_loss_share`` x (1 - s) (``crop_margin_factor``, the lower counts).
    """

    name = "groundwater_extraction_cap_share"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        cap_share: float = Field(
            0.9, ge=0.0, le=2.0, description="Regional cap as a share of the present "
            "groundwater extraction (seed: gw_cap_m3_per_region=?; ASSUMPTION, explore 0.7-1.0)")
        priority_order: list[str] = Field(
            default_factory=lambda: list(GROUNDWATER_USERS), description="Users from first to last served, a permutation of "
            "drinking_water, nature, industry, agriculture (seed: priority_order=?; ASSUMPTION "
            "from 004:L2189-2194's drinking water and nature before other uses)")
        drinking_water_share: float = Field(
            0.55, ge=0.0, le=1.0, description="Drinking water's share of the present extraction "
            "on the high sands (ASSUMPTION; explore 0.4-0.7)")
        industry_share: float = Field(
            0.15, ge=0.0, le=1.0, description="Industry's share of the present extraction "
            "(ASSUMPTION; explore 0.05-0.25)")
        agriculture_share: float = Field(
            0.30, ge=0.0, le=1.0, description="Sprinkling's share of the present extraction "
            "(ASSUMPTION; explore 0.15-0.45, higher in dry years)")
        nature_buffer_m: float = Field(
            1000.0, ge=0.0, le=20000.0, description="With nature before agriculture: no "
            "extraction for sprinkling within this distance of Natura 2000 (ASSUMPTION; "
            "explore 500-3000 m, as WBS-33's zone)")
        rise_cm: float = Field(
            10.0, ge=0.0, le=100.0, description="Rise of the groundwater where sprinkling "
            "stops entirely (ASSUMPTION; explore 5-30 cm)")
        drought_loss_share: float = Field(
            0.05, ge=0.0, le=1.0, description="Share of the margin of open-field crops and "
            "grazing livestock lost where sprinkling stops entirely (ASSUMPTION; explore "
            "0.02-0.15, as WBS-33)")
        from_year: int = Field(2025, ge=2000, le=2100, description="First year of the caps "
                               "(catalogue: caps announced in 2024; ASSUMPTION, in force the "
                               "year after)")

        @field_validator("priority_order")
        @classmethod
        def _is_permutation(cls, value: list[str]) -> list[str]:
            if sorted(value) != sorted(GROUNDWATER_USERS):
                raise ValueError("priority_order must name each of "
                                 f"{', '.join(GROUNDWATER_USERS)} once, got {list(value)}")
            return value

    _index: np.ndarray | None = None
    _target_cm: np.ndarray | None = None
    _factor: np.ndarray | None = None

    def cap_value(self, year: int) -> float:
        return self.parameters.cap_share

    def served_share(self) -> tuple[float, float]:
        """Share of agriculture's demand served away from nature and near nature."""
        p = self.parameters
        order = p.priority_order
        before = order[:order.index("agriculture")]
        taken = (p.drinking_water_share * ("drinking_water" in before)
                 + p.industry_share * ("industry" in before))
        if p.agriculture_share <= 0:
            away = 1.0
        else:
            away = float(np.clip((p.cap_share - taken) / p.agriculture_share, 0.0, 1.0))
        near = 0.0 if "nature" in before else away
        return away, near

    def served(self, model: RegionModel) -> np.ndarray:
        """Served share of sprinkling per cell on the sand in scope (NaN elsewhere)."""
        away, near = self.served_share()
        sand = self.cells & _sand(model.landscape)
        close = model.distance_to_natura2000_m(sensitive_only=False) <= \
            self.parameters.nature_buffer_m
        return np.where(sand, np.where(close, near, away), np.nan)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        if year < self.parameters.from_year:
            return
        super().apply(model, policy, year)
        p = self.parameters
        if self._index is None:
            served = self.served(model).ravel()
            self._index = np.flatnonzero(~np.isnan(served) & (served < 1.0))
            cut = 1.0 - served[self._index]
            initial = model.landscape["groundwater_depth_cm"].ravel()[self._index]
            self._target_cm = np.maximum(initial.astype(np.float64) - p.rise_cm * cut, 0.0)
            self._factor = 1.0 - p.drought_loss_share * cut
        idx = self._index
        target = policy.cell_target(EXTRACTION_LIMIT_TARGET).ravel()
        target[idx] = np.fmin(target[idx], self._target_cm)
        factor = policy.cell_target(CROP_MARGIN_FACTOR).ravel()
        factor[idx] = np.fmin(factor[idx], self._factor)


# -- COMPLY-OR-EXPLAIN --------------------------------------------------------------------------

#: Random stream of the deviation draws (abm.rng.COMPONENTS).
COMPLY_STREAM = "comply_or_explain"


@register("COMPLY-OR-EXPLAIN")
class ComplyOrExplain(Rule):
    """Water en bodem sturend: the structuring choices are leading; deviating asks for a careful
    justification (comply or explain).

    Source: 004_9972baf923c41044.txt:L550-571 (the seven starting points of the letter 'Water en
    bodem sturend'; the last: 'Comply or explain: De structurerende keuzes uit de brief zijn
    leidend en afwijken vraagt om zorgvuldige onderbouwing'). While in force, the soft
    (``hard = false``) water-en-bodem building zones in force the same year (WBS-10, WBS-11,
    WBS-22; WBS-21's cells at or above its ``threshold``) act as hard bans
    (``no_new_buildings``; the reservations WBS-11 and WBS-22 also ``reserved``), except in the
    blocks where a gemeente explains a deviation: those keep only the soft penalty. A block is
    one gemeente's part of a square of ``block_m``; each block deviates with probability
    ``deviation_probability``, drawn once (one uniform per block, in block order) from the
    ``comply_or_explain`` stream when the rule first applies. Hard zones and KC-51 (not a
    water-en-bodem choice) are untouched.
    """

    flag = "comply_or_explain"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        deviation_probability: float = Field(
            0.1, ge=0.0, le=1.0, description="Chance that a block's gemeente explains a "
            "deviation and keeps the soft penalty (seed: deviation_probability=?; ASSUMPTION, "
            "explore 0-0.3)")
        block_m: float = Field(
            1000.0, ge=100.0, le=50000.0, description="Side of the square a deviation "
            "covers, cut by gemeente borders (ASSUMPTION; explore 500-5000 m)")

    _deviating: np.ndarray | None = None

    def deviating(self, model: RegionModel) -> np.ndarray:
        """Cells of :attr:`cells` whose block deviates (bool, grid shape), drawn once."""
        if self._deviating is None:
            land = model.landscape
            grid = land.grid
            k = max(int(round(self.parameters.block_m / grid.cell_size_m)), 1)
            rows, cols = np.indices(grid.shape)
            square = (rows // k) * (-(-grid.shape[1] // k)) + cols // k
            key = square.astype(np.int64) * 65536 + land["gemeente_id"].astype(np.int64)
            blocks, block_of = np.unique(key, return_inverse=True)
            draws = model.streams.generator(COMPLY_STREAM).random(blocks.size)
            deviate = draws < self.parameters.deviation_probability
            self._deviating = self.cells & deviate[block_of.reshape(grid.shape)]
        return self._deviating

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        comply = self.cells & ~self.deviating(model)
        ban = policy.mask(NO_NEW_BUILDINGS)
        risks: dict[tuple[float, ...], np.ndarray] = {}  # one score per weighting (not owner)
        for inst in model.instruments:
            if not inst.id.startswith("WBS-") or not inst.active(year) \
                    or getattr(inst.parameters, "hard", True):
                continue
            if isinstance(inst, _BuildingZone):
                where = comply & inst.zone_cells(model, year)
                ban[where] = True
                if inst.mechanism == "reservation":
                    policy.mask("reserved")[where] = True
            elif isinstance(inst, ClimateRiskSiting):
                p = inst.parameters
                key = (p.flood_weight, p.waterlogging_weight, p.subsidence_weight)
                if key not in risks:
                    risks[key] = (bz.risk(model, key) if sum(key) > 0
                                  else np.zeros(inst.cells.shape))
                ban[comply & inst.cells & (risks[key] >= p.threshold)] = True


# -- REV-WERKMILIEUS ----------------------------------------------------------------------------

#: The four werkmilieus of the REV by name (002_e34ac4cdf062f2da.txt:L1362-1391).
REV_MILIEU_NAMES: tuple[str, ...] = tuple(WERKMILIEUS[m] for m in wz.REV_MILIEUS)


def webster_sequence(n: int, shares: np.ndarray) -> np.ndarray:
    """Labels (indices into ``shares``) of ``n`` consecutive slots, interleaved so that every
    prefix follows the shares as closely as the Sainte-Lague (Webster) divisors allow."""
    shares = np.asarray(shares, dtype=np.float64)
    keys, labels = [], []
    for z, s in enumerate(shares):
        if s <= 0:
            continue
        k = int(np.ceil(n * s)) + 1
        keys.append((np.arange(k) + 0.5) / s)
        labels.append(np.full(k, z, dtype=np.int64))
    if not keys or n == 0:
        return np.zeros(0, dtype=np.int64)
    keys_all, labels_all = np.concatenate(keys), np.concatenate(labels)
    return labels_all[np.argsort(keys_all, kind="stable")[:n]]


@register("REV-WERKMILIEUS")
class WorkEnvironmentMix(Zoning):
    """Four werkmilieus (industrieel, productie, innovatie, stedelijk) and a regional mix.

    Source: 002_e34ac4cdf062f2da.txt:L140-160 (a spatial strategy for four werkmilieus: the
    industrieel-, productie-, innovatie- and stedelijk milieu); 002_e34ac4cdf062f2da.txt:L1329-1350
    ('een passende mix van type werkmilieus per regio'); 002_e34ac4cdf062f2da.txt:L1362-1391 (the
    four milieus by their spatial conditions; every region a mix, the ratio differing by region).
    The seeds give no mix (regional_mix_share=?).

    Each province's business land still to be issued is zoned to the werkmilieus by its mix:
    the candidate cells in scope, in the order new land arrives
    (``BusinessLand.expansion_order``), are labelled by a Webster sequence of the mix, so every
    year's new land follows it. The mix is ``regional_mix_share`` where given (the same for
    every province), else the province's business land in use by werkmilieu when the
    instrument first applies (innovatie and stedelijk firms use no business land in the model,
    so their default share is 0). A relocating firm pays ``penalty`` (logit units) on land
    zoned for another werkmilieu (``agents.firms.werkmilieu_zoning``); distributie, not one of
    the four, counts as ``distributie_zone``. Existing firms are not moved and no land is taken
    away.
    """

    zone = "werkmilieu_zoned"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        regional_mix_share: dict[str, float] | None = Field(
            None, description="Share of new business land per werkmilieu (industrieel, "
            "productie, innovatie, stedelijk; sums to 1). Default: each province's business "
            "land in use by werkmilieu (seed: regional_mix_share=?; ASSUMPTION)")
        penalty: float = Field(
            3.0, ge=0.0, le=100.0, description="Location-utility penalty on land zoned for "
            "another werkmilieu, logit units (ASSUMPTION; explore 1-10, 100 ~ a ban)")
        distributie_zone: Literal["productie", "industrieel", "none"] = Field(
            "productie", description="Zone whose land distributie firms take without penalty; "
            "none: distributie is not zoned (ASSUMPTION)")

        @field_validator("regional_mix_share")
        @classmethod
        def _valid_mix(cls, value: dict[str, float] | None) -> dict[str, float] | None:
            if value is None:
                return value
            unknown = set(value) - set(REV_MILIEU_NAMES)
            if unknown:
                raise ValueError(f"unknown werkmilieu {sorted(unknown)}; known: "
                                 f"{', '.join(REV_MILIEU_NAMES)}")
            if any(v < 0 for v in value.values()) or abs(sum(value.values()) - 1.0) > 1e-6:
                raise ValueError("regional_mix_share must be >= 0 and sum to 1, got "
                                 f"{sum(value.values()):.4f}")
            return value

    _labels: np.ndarray | None = None
    _index: np.ndarray | None = None
    #: The mix of each province zoned (province id -> shares over the four milieus).
    mix_by_province: dict[int, np.ndarray]

    def _dist_zone(self) -> int:
        name = self.parameters.distributie_zone
        return -1 if name == "none" else WERKMILIEUS.index(name)

    def province_mix(self, model: RegionModel, province: int) -> np.ndarray:
        """Shares of new business land over the four milieus in ``province``."""
        given = self.parameters.regional_mix_share
        if given is not None:
            return np.array([given.get(name, 0.0) for name in REV_MILIEU_NAMES])
        bl = model.business_land
        firms = model.firms
        on = firms.active & (firms.cell >= 0) & (firms.province_id == province)
        milieu = firms.werkmilieu[on].astype(np.int64)
        dist = self._dist_zone()
        if dist >= 0:
            milieu = np.where(milieu == DISTRIBUTIE, dist, milieu)
        need = firms.jobs[on] * bl.ha_per_job[firms.werkmilieu[on]]
        used = np.bincount(milieu, weights=need, minlength=len(WERKMILIEUS))
        mix = used[list(wz.REV_MILIEUS)]
        return mix / mix.sum() if mix.sum() > 0 else np.array([0.0, 1.0, 0.0, 0.0])

    def labels(self, model: RegionModel) -> tuple[np.ndarray, np.ndarray]:
        """Zoned cells (flat indices) and their werkmilieu index, computed once."""
        if self._labels is None:
            bl = model.business_land
            order = bl.expansion_order
            order = order[self.cells.ravel()[order]]
            self.mix_by_province = {}
            index, labels = [], []
            for prov in np.unique(bl.province[order]):
                cells = order[bl.province[order] == prov]
                mix = self.province_mix(model, int(prov))
                self.mix_by_province[int(prov)] = mix
                zone = webster_sequence(cells.size, mix)
                index.append(cells)
                labels.append(np.asarray(wz.REV_MILIEUS, dtype=np.int64)[zone])
            self._index = np.concatenate(index) if index else np.zeros(0, np.int64)
            self._labels = (np.concatenate(labels) if labels else np.zeros(0, np.int64))
        return self._index, self._labels

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        idx, labels = self.labels(model)
        policy.zone(self.zone).ravel()[idx] = True
        policy.cell_target(wz.ZONE_TARGET).ravel()[idx] = labels
        policy.cell_target(wz.PENALTY_TARGET).ravel()[idx] = \
            self.parameters.penalty * self.intensity
        dist = self._dist_zone()
        if dist >= 0:
            policy.cell_target(wz.DISTRIBUTIE_TARGET).ravel()[idx] = dist
