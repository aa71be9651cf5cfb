"""Groenblauwe dooradering (green-blue veining): the farms' yearly uptake of field margins,
hedgerows, ditch banks and buffer strips (NPLG-GBD-10PCT).

Where a target instrument writes a target share of farmland in green-blue veining
(``policy.cell_targets["gbd_target_share"]``, read at the farmstead) and pays per hectare of it
(``policy.payments_eur_ha_yr["gbd"]``), every active farm below its target weighs the payment
against the income it loses on the land taken out of production and closes its gap in one step
with probability

    p = UPTAKE_RATE_MAX / (1 + exp(-(payment - loss) / UPTAKE_SCALE_KEUR_HA))

(payment and loss in k euro per ha per year); a farm that has joined (``gbd_ha > 0``) follows
the rising target every year (ASSUMPTION: its contract follows the province's path). Brook-valley
buffers (WBS-32) under the farm count
toward its target. The land stays with the farm (``gbd_ha`` is part of ``area_ha``); its margin is
lost pro rata (``agents.farmers.economics.gross_margin_keur``). One uniform per farm per year,
whatever the policy.
"""

from __future__ import annotations

import numpy as np

from agents.farmers.economics import (
    INCOME_SHARE,
    MARGIN_KEUR_PER_HEAD,
    gross_margin_keur,
    open_area_ha,
)
from agents.farmers.state import LIVESTOCK, FarmState

#: ASSUMPTION: share of the farms below target that close their gap in a year when the payment
#: far exceeds their loss; explore 0.2-1.0.
UPTAKE_RATE_MAX = 0.5
#: ASSUMPTION: net gain (k euro/ha/yr) worth one unit of the logit; explore 0.1-0.5.
UPTAKE_SCALE_KEUR_HA = 0.2
#: Livestock whose margin does not depend on the farm's land (housed pigs and poultry).
HOUSED = np.array([name in ("pigs", "chickens") for name in LIVESTOCK])


def loss_keur_ha(farms: FarmState, depth_cm: np.ndarray, salinity: np.ndarray | None = None,
                 margin_factor: np.ndarray | None = None) -> np.ndarray:
    """Family income lost per hectare of open land taken out of production (k euro/ha/yr):
    the land-based margin (crops and grazing livestock) per hectare still in production."""
    margin = gross_margin_keur(farms, depth_cm, salinity, margin_factor)
    housed = (farms.animals[:, HOUSED] * MARGIN_KEUR_PER_HEAD[HOUSED]).sum(axis=1) * farms.active
    producing = np.maximum(open_area_ha(farms) - farms.gbd_ha, 1e-9)
    return INCOME_SHARE * np.maximum(margin - housed, 0.0) / producing


def cap_to_open_area(farms: FarmState) -> None:
    """Cap each farm's ``gbd_ha`` at its open land (:func:`open_area_ha`) and set it to 0 on
    inactive farms, in place: call it wherever land moves (relocation, the land market)."""
    farms.gbd_ha[~farms.active] = 0.0
    np.minimum(farms.gbd_ha, open_area_ha(farms), out=farms.gbd_ha)


def take_up(farms: FarmState, u: np.ndarray, target_share: np.ndarray | None,
            payment_eur_ha: np.ndarray | None, buffer_share: np.ndarray | None,
            depth_cm: np.ndarray, salinity: np.ndarray | None = None,
            margin_factor: np.ndarray | None = None) -> np.ndarray:
    """Update ``farms.gbd_ha`` in place for one year; return the hectares added per farm.

    ``u`` holds one uniform per farm. Farms that stopped lose their green-blue veining with their
    land; a farm never holds more than its open land in it.
    """
    cap_to_open_area(farms)
    open_ha = open_area_ha(farms)
    added = np.zeros(farms.n)
    if target_share is None:
        return added
    cell = farms.farmstead_cell
    target = target_share.ravel()[cell]
    buffered = 0.0 if buffer_share is None else np.nan_to_num(buffer_share.ravel()[cell])
    gap = np.maximum((np.nan_to_num(target) - buffered) * open_ha - farms.gbd_ha, 0.0)
    candidates = farms.active & ~np.isnan(target) & (gap > 0)
    if not candidates.any():
        return added
    pay = 0.0 if payment_eur_ha is None else payment_eur_ha.ravel()[cell] / 1000.0
    net = pay - loss_keur_ha(farms, depth_cm, salinity, margin_factor)
    p = UPTAKE_RATE_MAX / (1.0 + np.exp(-np.clip(net / UPTAKE_SCALE_KEUR_HA, -50.0, 50.0)))
    takes = candidates & ((u < p) | (farms.gbd_ha > 0))  # a contract follows the path
    added[takes] = gap[takes]
    farms.gbd_ha += added
    return added
