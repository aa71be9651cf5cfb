"""Relocation instruments of the landbouw-natuur beweging (004): greenhouses clustered at
sustainable heat (LN-15, LN-16) and housed livestock moving to the most suitable sites (LN-18).

The farmers' side is :mod:`agents.farmers.relocation`; docs/relocation.md gives the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from abm.policy.instruments.stikstof import SECTORS
from abm.policy.mechanisms import InstrumentParameters, Rule, Target, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState
from environment.layers import AGRICULTURE

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Name of the zone LN-16 sets (new heat clusters) and the relocation step reads.
GREENHOUSE_CLUSTER = "greenhouse_cluster"


@register("LN-16")
class GreenhouseClusters(Zoning):
    """Glastuinbouw clusteren en intensiveren bij duurzame warmte (aardwarmte, restwarmte,
    elektrolysers); tussen warmtebron en woonwijk.

    Source: 000_4214751c5cef1d9b.txt:L325-329; 000_4214751c5cef1d9b.txt:L1469-1474 (residual heat
    of industrial clusters for greenhouses); 001_4549aa8c6db9ac25.txt:L992-995 (heat networks
    Schiphol, Rijnmond-Westland); 004_9972baf923c41044.txt:L958-966;
    004_9972baf923c41044.txt:L1427-1432 (new clusters near electrolysers and industrial centres,
    between a heat source and a housing area). The open data hold no heat sources: the existing
    clusters are drawn from the farms at set-up (:func:`agents.farmers.relocation.heat_clusters`,
    every run); this instrument adds new clusters on agricultural land within
    ``near_urban_centre_m`` of an urban centre (the heat network of a town) where at least
    ``min_greenhouse_ha`` of glass lies within the cluster radius (ASSUMPTIONS). Solitary
    greenhouses inside a new cluster count as clustered; LN-15 relocates into the clusters.
    Intensification inside clusters is not modelled.
    """

    zone = GREENHOUSE_CLUSTER
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        near_urban_centre_m: float = Field(
            2000.0, ge=0.0, le=20000.0, description="New clusters within this distance of an "
            "urban centre (heat networks of towns; ASSUMPTION, explore 0-5000 m; 0: none)")
        min_greenhouse_ha: float = Field(
            10.0, ge=0.0, le=1000.0, description="Least glass within the cluster radius for a "
            "new cluster near an urban centre (ASSUMPTION; explore 0-30 ha)")
        provincial_cluster: bool = Field(
            True, description="Each province also designates a cluster around its largest "
            "concentration of glass (the disc of the cluster radius around the agricultural cell "
            "with most glass within it), so that every province offers a destination "
            "(ASSUMPTION)")

    _zone: np.ndarray | None = None  # flat indices of the new cluster cells

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        if self._zone is None:
            self._zone = np.flatnonzero(self.new_clusters(model))
        policy.zone(self.zone).ravel()[self._zone] = True

    def new_clusters(self, model: RegionModel) -> np.ndarray:
        """The new cluster cells in this instrument's cells (computed once, at the first
        year: the glass of the set-up farms)."""
        from agents.farmers.relocation import CLUSTER_RADIUS_M

        p = self.parameters
        land = model.landscape
        agri = (land["land_use"] == AGRICULTURE) & self.cells
        within = model.greenhouse_glass_within_ha
        zone = np.zeros(land.grid.shape, dtype=bool)
        if p.near_urban_centre_m > 0:
            zone |= (agri & (land["dist_urban_centre_m"] <= p.near_urban_centre_m)
                     & (within >= max(p.min_greenhouse_ha, 1e-9)))
        if p.provincial_cluster:
            r = int(CLUSTER_RADIUS_M // land.grid.cell_size_m)
            yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
            disc = (yy ** 2 + xx ** 2) * land.grid.cell_size_m ** 2 <= CLUSTER_RADIUS_M ** 2
            province = land["province_id"]
            n_rows, n_cols = zone.shape
            for pid in np.unique(province[agri]):
                here = agri & (province == pid)
                score = np.where(here, within, -1.0)
                if score.max() <= 0:
                    continue
                r0, c0 = np.unravel_index(np.argmax(score), score.shape)
                top, left = max(r0 - r, 0), max(c0 - r, 0)
                bottom, right = min(r0 + r + 1, n_rows), min(c0 + r + 1, n_cols)
                window = disc[top - r0 + r:bottom - r0 + r, left - c0 + r:right - c0 + r]
                zone[top:bottom, left:right] |= window & here[top:bottom, left:right]
        return zone


@register("LN-15")
class GreenhouseClimateNeutral(Target):
    """Glastuinbouw klimaatneutraal in 2040.

    Source: 004_9972baf923c41044.txt:L958-966; 004_9972baf923c41044.txt:L1250-1262 (solitary
    greenhouse firms are expected to move to a cluster with sustainable heat);
    004_9972baf923c41044.txt:L1419-1425 (climate-neutral in 2040). Solitary greenhouse farms
    (farmstead outside every heat cluster) pay a rising cost of fossil heat, a share of their
    greenhouse income growing linearly from the start year to ``heat_cost_share`` in
    ``climate_neutral_year`` (ASSUMPTION: gas phase-out and CO2 price); each year they stay,
    relocate into a cluster of their province (the owner pays ``subsidy_keur_ha`` per ha of glass
    while its budget lasts; ASSUMPTION) or stop; from the deadline year those still outside must
    relocate or stop. The tracked indicator is ``solitary_greenhouses`` (target falling linearly
    to 0 at the deadline); when adaptive, reviews raise the subsidy by a quarter while missed.
    """

    indicator = "solitary_greenhouses"
    better = "lower"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        climate_neutral_year: int = Field(
            2040, ge=2000, le=2100, description="Deadline (seed: 2040, 004:L1419-1425)")
        heat_cost_share: float = Field(
            0.6, ge=0.0, le=2.0, description="Cost of fossil heat for solitary greenhouses at "
            "the deadline, as a share of their greenhouse income (ASSUMPTION; explore 0.3-1.0)")
        subsidy_keur_ha: float = Field(
            50.0, ge=0.0, le=1000.0, description="Relocation subsidy per ha of glass, k euro "
            "(ASSUMPTION; explore 0-150)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="The owner's relocation budget per year, "
            "million euro (ASSUMPTION; explore 0-100)")

    #: Solitary greenhouses at the start, counted against the clusters in force in the first
    #: year (set-up clusters plus LN-16's new ones, as the relocation step forms them).
    _start_count: float | None = None
    #: Farmstead cells (flat) of the active greenhouse farms in :attr:`cells` at the first apply
    #: (before that year's relocations), and that year.
    _start_sites: np.ndarray | None = None
    _first_year: int | None = None

    def target_value(self, year: int) -> float:
        """The target path; NaN until the start is counted (after the first year's relocation
        step: instruments apply in scenario order, so LN-16's zone may not be set yet at the
        first apply)."""
        if self._start_count is None:
            return float("nan")
        start = self._start_count
        span = max(self.parameters.climate_neutral_year - self.start_year, 1)
        return start * max(0.0, (self.parameters.climate_neutral_year - year) / span)

    def _count_start(self, model: RegionModel) -> None:
        """Count the starting solitary greenhouses once the first year's relocation step has
        formed that year's clusters in force (``model.greenhouse_clusters_now``), the clusters
        the tracked indicator ``solitary_greenhouses`` uses."""
        if (self._start_count is None and self._start_sites is not None
                and model.year >= self._first_year):
            inside = model.greenhouse_clusters_now.ravel()[self._start_sites]
            self._start_count = float((~inside).sum())

    def review(self, model: RegionModel, year: int) -> None:
        self._count_start(model)
        super().review(model, year)

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        from agents.farmers.state import GREENHOUSE

        if self._start_sites is None:
            farms = model.farms
            mine = (farms.active & (farms.farm_type == GREENHOUSE)
                    & self.cells.ravel()[farms.farmstead_cell])
            self._start_sites = farms.farmstead_cell[mine].copy()
            self._first_year = year
        self._count_start(model)
        super().apply(model, policy, year)
        self.receive_yearly_budget()
        p = self.parameters
        span = max(p.climate_neutral_year - self.start_year + 1, 1)
        done = min(1.0, (year - self.start_year + 1) / span)
        policy.offers.append({
            "instrument": self.id, "owner": self.owner.code, "relocation": "greenhouse",
            "cells": self.cells.ravel(), "heat_share": p.heat_cost_share * done,
            "subsidy_keur_ha": p.subsidy_keur_ha * self.intensity,
            "deadline_year": p.climate_neutral_year, "payer": self.account})


@register("LN-18")
class LivestockRelocation(Rule):
    """Gebouwgebonden veehouderij: verschuiving naar meest geschikte locaties.

    Source: 003_96b59ff8675cf4bb.txt:L486-487; 003_96b59ff8675cf4bb.txt:L505-506;
    003_96b59ff8675cf4bb.txt:L12708-12715 (health, odour, zoonoses to be weighed);
    004_9972baf923c41044.txt:L1294-1307; 004_9972baf923c41044.txt:L1438-1452 (use the
    autonomous shrinkage of the sector to move gradually to the most suitable existing sites).
    A relocation offer as in the Lbv-plus 'verplaatsen' option (ASSUMPTIONS): farms of the chosen
    sectors whose deposition on nitrogen-sensitive Natura 2000 is at least
    ``min_contribution_mol_yr``, or whose farmstead lies within ``near_distance_m`` of it, may
    move to the site of a livestock farm of their province that stops this year, at least
    ``min_site_distance_m`` from nitrogen-sensitive Natura 2000 and with a lower deposition there
    per kg; the province pays ``subsidy_share_of_value`` x the value of the production capacity
    while its budget lasts. Distance norms for odour, fine dust and zoonoses are not modelled.
    """

    flag = "livestock_relocation"
    default_owner = "provincie"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        min_contribution_mol_yr: float = Field(
            2500.0, ge=0.0, description="Deposition on N-sensitive Natura 2000 that makes a farm "
            "eligible (ASSUMPTION after Lbv-plus; explore 500-5000)")
        near_distance_m: float = Field(
            1000.0, ge=0.0, le=20000.0, description="A farmstead this near N-sensitive Natura "
            "2000 is eligible too (ASSUMPTION; explore 250-3000 m)")
        min_site_distance_m: float = Field(
            3000.0, ge=0.0, le=50000.0, description="Least distance of the new site to "
            "N-sensitive Natura 2000 (ASSUMPTION; explore 1000-5000 m)")
        sectors: list[Literal[SECTORS]] = Field(  # type: ignore[valid-type]
            default_factory=lambda: ["dairy", "pig", "poultry"],
            description="Exit groups offered relocation (ASSUMPTION: housed livestock)")
        subsidy_share_of_value: float = Field(
            0.5, ge=0.0, le=3.0, description="Subsidy as a share of the value of the production "
            "capacity (ASSUMPTION; explore 0.25-1.0)")
        budget_meur_per_yr: float = Field(
            20.0, ge=0.0, le=5000.0, description="Budget per province per year, million euro "
            "(ASSUMPTION; explore 0-100)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        self.receive_yearly_budget()
        p = self.parameters
        farms = model.farms
        # The farms eligible anywhere, once a year for all owners with these parameters.
        cache = model.__dict__.setdefault("_relocation_eligible", {})
        key = (year, p.min_contribution_mol_yr, p.near_distance_m, tuple(p.sectors))
        if key not in cache:
            cache.clear()
            sector = np.isin(model.farm_exit_group, [SECTORS.index(s) for s in p.sectors])
            near = model.distance_to_natura2000_m().ravel()[farms.farmstead_cell] <= p.near_distance_m
            high = model.farm_n2000_contribution_mol >= p.min_contribution_mol_yr
            cache[key] = np.flatnonzero(farms.active & sector & (near | high))
        anywhere = cache[key]
        candidates = anywhere[self.cells.ravel()[farms.farmstead_cell[anywhere]]]
        policy.offers.append({
            "instrument": self.id, "owner": self.owner.code, "relocation": "livestock",
            "candidates": candidates, "subsidy_share": p.subsidy_share_of_value,
            "min_site_distance_m": p.min_site_distance_m,
            "contribution_mol": model.farm_n2000_contribution_mol, "payer": self.account})
