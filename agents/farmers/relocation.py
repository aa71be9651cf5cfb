"""Relocation of farms: greenhouses into heat clusters, livestock away from Natura 2000.

Vectorised over FarmState arrays (the few applicants of a year are matched in a short loop, as
buy-outs are). Rules (docs/relocation.md gives every parameter with its range):

Heat clusters (LN-16). The open data hold no heat sources, so clusters are drawn from the farms at
set-up: a cell belongs to a cluster when the greenhouse area of the farmsteads within
:data:`CLUSTER_RADIUS_M` is at least :data:`CLUSTER_MIN_GLASS_HA` (:func:`heat_clusters`). The
LN-16 instrument adds new clusters near urban centres (heat networks between a heat source and a
housing area). A greenhouse farm whose farmstead lies outside every cluster is *solitary*.

Greenhouses (LN-15). Solitary greenhouse farms pay a rising cost of fossil heat (a share of their
greenhouse income, growing linearly to the deadline) and each year choose, by a logit
(Gumbel-max over three uniforms per farm), to stay, to relocate into a cluster (paying the net
cost of building anew, less a subsidy per hectare of glass from the instrument's owner) or to
stop. From the deadline year staying is no longer allowed: a farm relocates or stops.

Livestock (LN-18). Livestock farms whose deposition on nitrogen-sensitive Natura 2000 is high, or
whose farmstead is near it, are offered a relocation subsidy (a share of the value of their
production capacity); heads accept with a logit (one uniform per farm).

Sites. A mover takes over the site of a farm that stops this year by the structural step
(vrijkomende agrarische bebouwing; farms bought out are excluded: their capacity is cancelled)
in its own province: for greenhouses a site inside a cluster, for livestock a livestock site at
least ``min_site_distance_m`` from nitrogen-sensitive Natura 2000 whose emission reaches less of
it than the mover's present site. The two farms swap farmsteads and parcels (:func:`swap_sites`):
the stopping farm's land goes to the land market as it would have, but it is now the mover's old
land (where land purchase for nature may buy it). The mover keeps its herd (rights stay with
it) and its glass; land uses are swapped so that every use's total is conserved. A greenhouse
that finds no free site in a cluster of its province swaps its land, hectare for hectare, for
cluster land of another farm (kavelruil, :class:`ClusterLand`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import fftconvolve

from agents.farmers import finance
from agents.farmers.economics import (
    CAPACITY_VALUE_KEUR_PER_HEAD,
    INCOME_SHARE,
    MARGIN_KEUR_PER_HA,
)
from agents.farmers.gbd import cap_to_open_area
from agents.farmers.options import ANNUITY, INCOME_SCALE_KEUR
from agents.farmers.state import DAIRY, GREENHOUSE, INTENSIVE, LAND_USES, MIXED, FarmState

GLASS = LAND_USES.index("greenhouse")
ARABLE_USE = LAND_USES.index("arable")

#: ASSUMPTION: radius within which greenhouse area counts toward a heat cluster (m); explore
#: 2,000-5,000 (a heat network of a few kilometres).
CLUSTER_RADIUS_M = 3000.0
#: ASSUMPTION: greenhouse area within the radius that makes a cell part of a cluster (ha); explore
#: 20-100. With 3 km and 30 ha about 47% of the glass of the 2023 farms lies in clusters.
CLUSTER_MIN_GLASS_HA = 30.0

#: Greenhouse choices, in the order of the three uniforms drawn per farm.
STAY, RELOCATE, EXIT = range(3)
#: ASSUMPTION: utility of staying where it is in the relocation choice; explore 1-4 (moving a
#: whole business is a large step, but under a rising heat cost it is the business's future).
RELOCATION_INERTIA = 2.0
#: ASSUMPTION: net cost of building a greenhouse anew in a cluster, less the sale of the old site
#: (k euro per ha of glass); explore 100-400.
GREENHOUSE_RELOCATION_COST_KEUR_HA = 150.0
#: ASSUMPTION: utility bonus of stopping for heads aged 55+ without a successor (as for buy-outs);
#: explore 0.5-2.5.
EXIT_OLD_NO_SUCCESSOR = 1.5
#: ASSUMPTION: weight of attitude (openness to change) on relocating; explore 0-2.
RELOCATION_ATTITUDE_WEIGHT = 1.0

#: ASSUMPTION: logit of accepting a livestock relocation offer: intercept, per unit of subsidy
#: (share of capacity value) above 0.5, for farms with a future (a successor, or a head under 50),
#: per unit of attitude above 0.5. Explore each +-50%; with the defaults about 18% of heads with
#: a future and 8% of the others accept an offer of half the capacity value in a year.
LIVESTOCK_INTERCEPT, LIVESTOCK_PER_SHARE, LIVESTOCK_FUTURE, LIVESTOCK_PER_ATTITUDE = (
    -2.5, 2.0, 1.0, 1.0)
#: Farm types whose sites can take a relocating livestock farm (stables, yards).
LIVESTOCK_SITE_TYPES = (DAIRY, INTENSIVE, MIXED)

#: Uniform draws per farm per year (three for the greenhouse choice, one for livestock).
DRAWS_PER_FARM = 4


@dataclass
class RelocationRecord:
    """Per farm, this year: relocated (greenhouse or livestock), new site's former farm, stopped
    under LN-15, and subsidy paid (million euro)."""

    moved: np.ndarray
    greenhouse: np.ndarray
    site_of: np.ndarray
    exited: np.ndarray
    paid_meur: np.ndarray

    @classmethod
    def empty(cls, n: int) -> RelocationRecord:
        return cls(np.zeros(n, bool), np.zeros(n, bool), np.full(n, -1, np.int64),
                   np.zeros(n, bool), np.zeros(n))


def glass_per_cell(farms: FarmState, n_cells: int) -> np.ndarray:
    """Greenhouse area of the active farms at their farmstead cells (ha, flat)."""
    return np.bincount(farms.farmstead_cell, minlength=n_cells,
                       weights=farms.area_ha[:, GLASS] * farms.active)


def glass_within_ha(glass: np.ndarray, cell_size_m: float, radius_m: float) -> np.ndarray:
    """Greenhouse area within ``radius_m`` of every cell centre (ha, grid shape)."""
    r = int(radius_m // cell_size_m)
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    disc = ((yy ** 2 + xx ** 2) * cell_size_m ** 2 <= radius_m ** 2).astype(np.float64)
    out = fftconvolve(glass, disc, mode="same")
    return np.where(out < 1e-6, 0.0, out)


def heat_clusters(glass: np.ndarray, cell_size_m: float, radius_m: float | None = None,
                  min_glass_ha: float | None = None) -> np.ndarray:
    """Cells of greenhouse heat clusters: at least ``min_glass_ha`` of glass within
    ``radius_m`` (bool, the shape of ``glass``; defaults: the module constants at call time)."""
    radius_m = CLUSTER_RADIUS_M if radius_m is None else radius_m
    min_glass_ha = CLUSTER_MIN_GLASS_HA if min_glass_ha is None else min_glass_ha
    return glass_within_ha(glass, cell_size_m, radius_m) >= min_glass_ha


def solitary_greenhouses(farms: FarmState, clusters: np.ndarray) -> np.ndarray:
    """Active greenhouse farms whose farmstead lies outside every cluster (bool per farm)."""
    return (farms.active & (farms.farm_type == GREENHOUSE)
            & ~clusters.ravel()[farms.farmstead_cell])


def greenhouse_utilities(farms: FarmState, heat_share: float, subsidy_keur_ha: float
                         ) -> np.ndarray:
    """Utility of staying, relocating and stopping per farm, shape (farms, 3).

    Staying keeps the greenhouse income less the heat cost (``heat_share`` of it); relocating
    pays the annualised net cost of building anew less the subsidy; stopping gives up the
    income net of the heat cost.
    """
    glass = farms.area_ha[:, GLASS]
    income = INCOME_SHARE * MARGIN_KEUR_PER_HA[GLASS] * glass
    heat = heat_share * income
    u = np.empty((farms.n, 3))
    u[:, STAY] = RELOCATION_INERTIA - heat / INCOME_SCALE_KEUR
    u[:, RELOCATE] = (-(GREENHOUSE_RELOCATION_COST_KEUR_HA - subsidy_keur_ha) * glass * ANNUITY
                      / INCOME_SCALE_KEUR
                      + RELOCATION_ATTITUDE_WEIGHT * (farms.attitude - 0.5))
    old = (farms.age_yr >= 55) & ~farms.successor
    u[:, EXIT] = -(income - heat) / INCOME_SCALE_KEUR + EXIT_OLD_NO_SUCCESSOR * old
    return u


def choose_greenhouse(utility: np.ndarray, u: np.ndarray, forced: np.ndarray) -> np.ndarray:
    """One choice per farm by Gumbel-max over ``u`` (shape (3, farms)); ``forced`` farms may not
    stay."""
    gumbel = -np.log(-np.log(np.clip(u.T, 1e-12, 1 - 1e-12)))
    total = utility + gumbel
    total[forced, STAY] = -np.inf
    return np.argmax(total, axis=1)


def livestock_accept_probability(farms: FarmState, idx: np.ndarray, share: float) -> np.ndarray:
    """Probability that the heads of farms ``idx`` accept a relocation subsidy of ``share`` x the
    value of their production capacity; 0 for farms whose solvency is below
    :data:`agents.farmers.finance.MIN_SOLVENCY` (no bank finances the rest of the move)."""
    future = farms.successor[idx] | (farms.age_yr[idx] < 50)
    logit = (LIVESTOCK_INTERCEPT + LIVESTOCK_PER_SHARE * (share - 0.5)
             + LIVESTOCK_FUTURE * future + LIVESTOCK_PER_ATTITUDE * (farms.attitude[idx] - 0.5))
    financed = farms.solvency[idx] >= finance.MIN_SOLVENCY
    return financed / (1.0 + np.exp(-logit))


def swap_sites(farms: FarmState, movers: np.ndarray, sites: np.ndarray,
               keep_glass: np.ndarray) -> None:
    """The mover ``movers[i]`` takes the farmstead and parcels of the stopping farm ``sites[i]``,
    which takes the mover's, in place.

    Areas by use follow the land: over each pair the total of every use is conserved and each
    farm's area equals its parcels. The mover keeps its glass (``keep_glass``) or its mix of uses
    (scaled to its new area), as far as the pair's land allows; the rest of its new area takes
    the pair's remaining uses in proportion, and the stopping farm gets what is left.
    """
    if movers.size == 0:
        return
    a_m, a_s = farms.area_ha[movers], farms.area_ha[sites]
    t_m, t_s = a_m.sum(axis=1), a_s.sum(axis=1)
    pool = a_m + a_s
    want = a_m * (t_s / np.maximum(t_m, 1e-12))[:, None]
    glass_only = np.zeros_like(a_m)
    glass_only[:, GLASS] = a_m[:, GLASS]
    want = np.where(keep_glass[:, None], glass_only, want)
    new = np.minimum(want, pool)
    over = new.sum(axis=1)
    new *= np.minimum(1.0, t_s / np.maximum(over, 1e-12))[:, None]
    free = pool - new
    rest = np.maximum(t_s - new.sum(axis=1), 0.0)
    new += free * (rest / np.maximum(free.sum(axis=1), 1e-12))[:, None]
    farms.area_ha[movers] = new
    farms.area_ha[sites] = np.maximum(pool - new, 0.0)

    owner = np.arange(farms.n)
    owner[movers], owner[sites] = sites, movers
    farms.parcel_farm = owner[farms.parcel_farm]
    farms.farmstead_cell[movers], farms.farmstead_cell[sites] = (
        farms.farmstead_cell[sites].copy(), farms.farmstead_cell[movers].copy())


class ClusterLand:
    """Land in heat clusters that active farms other than greenhouses could swap (kavelruil).

    When no farm in a cluster stops this year, a relocating greenhouse swaps its land, hectare
    for hectare, for the cluster land of the farm of its province that holds most of it (and at
    least as much as the greenhouse's whole area): the greenhouse's parcels become that farm's,
    and that farm's cluster parcels (the last one split) become the greenhouse's. Each farm keeps
    its area and its mix of uses, so every total is conserved; only places change.
    """

    def __init__(self, farms: FarmState, cluster_flat: np.ndarray) -> None:
        owner = farms.parcel_farm
        ok = (cluster_flat[farms.parcel_cell] & farms.active[owner]
              & (farms.farm_type[owner] != GREENHOUSE))
        self.held_ha = np.bincount(owner, weights=farms.parcel_ha * ok, minlength=farms.n)
        self.province = farms.province_id
        self.cluster_flat = cluster_flat

    def best(self, province: int, need_ha: float) -> int:
        """The farm of ``province`` with the most cluster land, if it holds ``need_ha``; else -1."""
        held = np.where(self.province == province, self.held_ha, 0.0)
        donor = int(np.argmax(held))
        return donor if need_ha > 0 and held[donor] >= need_ha else -1

    def swap(self, farms: FarmState, mover: int, donor: int) -> None:
        """Swap the mover's land for as many hectares of the donor's cluster land, in place; the
        mover's farmstead moves to the largest parcel it receives."""
        need = farms.area_ha[mover].sum()
        mine = np.flatnonzero(farms.parcel_farm == mover)
        theirs = np.flatnonzero((farms.parcel_farm == donor)
                                & self.cluster_flat[farms.parcel_cell])
        theirs = theirs[np.argsort(-farms.parcel_ha[theirs], kind="stable")]
        cum = np.cumsum(farms.parcel_ha[theirs])
        k = int(np.searchsorted(cum, need - 1e-9)) + 1  # parcels needed, the last one split
        take = theirs[:k]
        excess = cum[k - 1] - need
        if excess > 1e-9:  # split the last parcel: the donor keeps the excess
            last = take[-1]
            farms.parcel_ha[last] -= excess
            farms.parcel_farm = np.append(farms.parcel_farm, donor)
            farms.parcel_cell = np.append(farms.parcel_cell, farms.parcel_cell[last])
            farms.parcel_ha = np.append(farms.parcel_ha, excess)
        farms.parcel_farm[mine] = donor
        farms.parcel_farm[take] = mover
        farms.farmstead_cell[mover] = farms.parcel_cell[take[0]]
        self.held_ha[donor] -= need


def relocate(farms: FarmState, offers: list[dict], stopped: np.ndarray, clusters: np.ndarray,
             exposure: np.ndarray, n2000_distance_m: np.ndarray, year: int,
             rng: np.random.Generator) -> RelocationRecord:
    """Answer this year's relocation offers, in place; return what happened.

    Parameters
    ----------
    farms : FarmState
        After the structural step (farms that stop this year are inactive).
    offers : list of dict
        Offers with ``relocation`` = ``"greenhouse"`` (LN-15) or ``"livestock"`` (LN-18).
    stopped : ndarray of int64
        Farms that stopped this year by the structural step: their sites are free.
    clusters : ndarray of bool
        Heat-cluster cells (grid shape).
    exposure : ndarray of float64
        Per cell (flat), the share of a kg NH3 emitted there that deposits on N-sensitive
        Natura 2000.
    n2000_distance_m : ndarray of float64
        Per cell (flat), distance to nitrogen-sensitive Natura 2000 (m).
    year : int
        The simulated year.
    rng : numpy.random.Generator
        The relocation stream: :data:`DRAWS_PER_FARM` uniforms per farm every year.
    """
    record = RelocationRecord.empty(farms.n)
    u = rng.random((DRAWS_PER_FARM, farms.n))
    free = np.zeros(farms.n, dtype=bool)
    free[stopped] = True
    cluster_flat = clusters.ravel()
    province = farms.province_id
    for offer in offers:
        if offer.get("relocation") != "greenhouse":
            continue
        cells = offer["cells"]
        solitary = solitary_greenhouses(farms, clusters) & cells[farms.farmstead_cell]
        solitary &= ~record.moved & ~record.exited
        idx = np.flatnonzero(solitary)
        forced = np.full(idx.size, year >= offer["deadline_year"])
        choice = choose_greenhouse(
            greenhouse_utilities(farms, offer["heat_share"], offer["subsidy_keur_ha"])[idx],
            u[:3, idx], forced)
        want = idx[choice == RELOCATE]
        want = want[np.argsort(-farms.area_ha[want, GLASS], kind="stable")]
        pool = stopped[free[stopped] & cluster_flat[farms.farmstead_cell[stopped]]]
        pool_ha = farms.area_ha[pool].sum(axis=1)
        donors = ClusterLand(farms, cluster_flat)
        movers, sites = [], []
        for f in want:
            here = np.flatnonzero(free[pool] & (province[pool] == province[f]))
            donor = -1
            if here.size == 0:
                donor = donors.best(province[f], farms.area_ha[f].sum())
                if donor < 0:
                    continue
            cost = offer["subsidy_keur_ha"] * farms.area_ha[f, GLASS] / 1000.0
            if cost > offer["payer"].budget_meur:
                continue
            offer["payer"].spend(cost)
            record.paid_meur[f] = cost
            record.moved[f] = record.greenhouse[f] = True
            if donor >= 0:  # kavelruil: land in the cluster for the mover's land, ha for ha
                donors.swap(farms, f, donor)
                record.site_of[f] = donor
                continue
            s = pool[here[np.argmax(pool_ha[here])]]
            free[s] = False
            movers.append(f)
            sites.append(s)
        movers_a = np.asarray(movers, dtype=np.int64)
        record.site_of[movers_a] = sites
        swap_sites(farms, movers_a, np.asarray(sites, dtype=np.int64),
                   np.ones(movers_a.size, bool))
        # Past the deadline, a farm that could not relocate stops.
        leave = idx[(choice == EXIT) | (forced & (choice == RELOCATE))]
        leave = leave[~record.moved[leave]]
        record.exited[leave] = True
        farms.active[leave] = False
        # The glass of a solitary greenhouse that stops is demolished; its land is sold as
        # arable land (total area conserved).
        farms.area_ha[leave, ARABLE_USE] += farms.area_ha[leave, GLASS]
        farms.area_ha[leave, GLASS] = 0.0

    livestock = [o for o in offers if o.get("relocation") == "livestock"]
    if livestock:
        site_exposure = exposure[farms.farmstead_cell]
        value_keur = farms.animals @ CAPACITY_VALUE_KEUR_PER_HEAD
        pool = stopped[np.isin(farms.farm_type[stopped], LIVESTOCK_SITE_TYPES)]
    for offer in livestock:
        idx = offer["candidates"]
        idx = idx[farms.active[idx] & ~record.moved[idx]]
        accept = u[3, idx] < livestock_accept_probability(farms, idx, offer["subsidy_share"])
        applicants = idx[accept]
        far = pool[n2000_distance_m[farms.farmstead_cell[pool]] >= offer["min_site_distance_m"]]
        order = np.argsort(-offer["contribution_mol"][applicants], kind="stable")
        left = np.bincount(province[far[free[far]]], minlength=256)  # free sites per province
        movers, sites = [], []
        for f in applicants[order]:
            if left[province[f]] == 0:
                continue
            here = far[free[far] & (province[far] == province[f])
                       & (site_exposure[far] < site_exposure[f])]
            if here.size == 0:
                continue
            s = here[np.argmin(site_exposure[here])]
            cost = offer["subsidy_share"] * value_keur[f] / 1000.0
            if cost > offer["payer"].budget_meur:
                continue
            offer["payer"].spend(cost)
            record.paid_meur[f] = cost
            free[s] = False
            left[province[f]] -= 1
            movers.append(f)
            sites.append(s)
        movers_a = np.asarray(movers, dtype=np.int64)
        record.moved[movers_a] = True
        record.site_of[movers_a] = sites
        swap_sites(farms, movers_a, np.asarray(sites, dtype=np.int64),
                   np.zeros(movers_a.size, bool))
    cap_to_open_area(farms)  # green-blue veining stays with the land a farm now holds
    return record
