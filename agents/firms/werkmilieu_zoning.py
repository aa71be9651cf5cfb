"""Werkmilieu zoning of business land (REV-WERKMILIEUS): how the firms read it.

The instrument (``abm.policy.instruments.kaders.WorkEnvironmentMix``) writes two cell targets:
:data:`ZONE_TARGET`, the werkmilieu a cell's business land is zoned for (an index into
:data:`agents.firms.state.WERKMILIEUS` as a float; NaN where the land is not zoned), and
:data:`PENALTY_TARGET`, the location-utility penalty (logit units) a relocating firm pays on a
cell zoned for another werkmilieu. :func:`zoned_static_utility` folds the penalty into the
static part of the location utility that :func:`agents.firms.business_land._relocate` reads, so
the relocation kernel itself is unchanged. Unzoned land stays open to every werkmilieu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.firms.state import DISTRIBUTIE, INDUSTRIEEL, INNOVATIE, PRODUCTIE, STEDELIJK

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Cell target: the werkmilieu index a cell is zoned for (NaN: not zoned).
ZONE_TARGET = "werkmilieu_zone"
#: Cell target: utility penalty of settling on land zoned for another werkmilieu.
PENALTY_TARGET = "werkmilieu_zoning_penalty"
#: The four werkmilieus of the REV (002_e34ac4cdf062f2da.txt:L1362-1391), in zone order.
REV_MILIEUS: tuple[int, ...] = (INDUSTRIEEL, PRODUCTIE, INNOVATIE, STEDELIJK)
#: Cell target: the zone whose land distributie firms may take without penalty (a werkmilieu
#: index; NaN or absent: distributie is not zoned, it pays no penalty anywhere).
DISTRIBUTIE_TARGET = "werkmilieu_zone_distributie"


def zoned_static_utility(model: RegionModel, static: np.ndarray) -> np.ndarray:
    """The static location utility (werkmilieus, cells) less the zoning penalty.

    A firm of werkmilieu ``m`` pays the cell's penalty on every zoned cell whose zone is not
    ``m`` (distributie: not the zone of :data:`DISTRIBUTIE_TARGET`; without it, nothing).
    Returns ``static`` itself when no zoning is in force. The result is kept on the model and
    reused while the zoning, the penalty and ``static`` are the same as last year.
    """
    targets = model.policy.cell_targets
    zone = targets.get(ZONE_TARGET)
    if zone is None:
        return static
    parts = (zone, targets.get(PENALTY_TARGET), targets.get(DISTRIBUTIE_TARGET))
    cached = getattr(model, "_werkmilieu_zoning_cache", None)
    if (cached is not None and cached[0] is static
            and all((a is None and b is None) or (a is not None and b is not None
                                                  and np.array_equal(a, b, equal_nan=True))
                    for a, b in zip(parts, cached[1], strict=True))):
        return cached[2]
    out = _zoned(targets, static)
    model._werkmilieu_zoning_cache = (static, tuple(None if a is None else a.copy()
                                                    for a in parts), out)
    return out


def _zoned(targets: dict[str, np.ndarray], static: np.ndarray) -> np.ndarray:
    zone = targets[ZONE_TARGET]
    flat = zone.ravel()
    zoned = np.flatnonzero(~np.isnan(flat))
    if zoned.size == 0:
        return static
    label = flat[zoned].astype(np.int64)
    penalty = np.nan_to_num(targets[PENALTY_TARGET].ravel()[zoned]).astype(static.dtype)
    out = static.copy()
    for m in REV_MILIEUS:
        off = label != m
        out[m, zoned[off]] -= penalty[off]
    dist = targets.get(DISTRIBUTIE_TARGET)
    if dist is not None:
        allowed = dist.ravel()[zoned]
        off = ~np.isnan(allowed) & (label != np.nan_to_num(allowed, nan=-1).astype(np.int64))
        out[DISTRIBUTIE, zoned[off]] -= penalty[off]
    return out
