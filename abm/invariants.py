"""Invariants of a run, checked after every year in debug mode (docs/robustness.md).

Switch it on with ``RegionModel(scenario, debug=True)``, the environment variable
``RUIMTE_DEBUG=1`` or ``ruimte run --debug``. The model then calls :func:`start` once it is set
up and :func:`check` after every year; a broken invariant raises :class:`InvariantError`, which
names the invariant and the numbers. The checks cost a few array sums a year.

The invariants (:data:`INVARIANTS`):

``land_area_conserved``
    The farms' land + nature gained + the land banks' stock + farmland converted (housing,
    business land, claims) equals the farms' land at the start.
``farm_counts_balance``
    Active farms now = active farms last year + entries - exits, where exits are the farms this
    year's record says left (``farms_leaving``, ``farms_left_census``) and entries the farms
    that became active (none in this version: successions keep the holding).
``households_balance``
    Households now - last year = formed - dissolved: dissolved is
    ``DISSOLUTION_RATE_PER_YR`` of the 65+ households after ageing, formed what closes the gap
    to the demographic target (:mod:`agents.households.demography`); and the households on the
    map are the housed households of the agents.
``money_balances``
    Per government: budget = budget at the start + received - spent, and never below
    ``-MONEY_TOLERANCE_MEUR``; what the governments spent this year equals the buy-outs, the
    payments to farms, the relocation subsidies, the land purchases and the regional
    investments (REGIODEAL-FUND, NOVI 2017 budgets) of the year.
``no_negative_stocks``
    Areas, animals, dwellings, households, business land and the nitrogen room's debt, capital
    and repayments are never negative (the pools' ``available`` room may be: a documented
    overdraft, abm.nitrogen_room).
``nitrogen_room_ledger``
    Summed over the pools: the change of the room available = working capital given + freed -
    drawn by farms - returned to nature - repaid - handed out this year; the debt = capital
    given - repaid. Without STIKSTOF-RUIMTE the pools do not change and all freed room goes to
    nature.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from agents.households.demography import AGEING_RATE_PER_YR, DISSOLUTION_RATE_PER_YR
from agents.households.state import MIDDLE, OLD

if TYPE_CHECKING:
    from abm.model import RegionModel

#: The environment variable that switches debug mode on for every model (``1``, ``true``).
ENV = "RUIMTE_DEBUG"
#: Relative tolerance of the sums compared (float64 sums of up to ~10^6 terms).
RTOL = 1e-9
#: Money a budget may be below zero, or a yearly spend may differ, through rounding (meur).
MONEY_TOLERANCE_MEUR = 1e-6
#: Absolute tolerance of areas (ha), households and room (mol).
ATOL = 1e-6

INVARIANTS: tuple[str, ...] = (
    "land_area_conserved", "farm_counts_balance", "households_balance", "money_balances",
    "no_negative_stocks", "nitrogen_room_ledger")


class InvariantError(AssertionError):
    """An invariant of the run is broken: names the invariant, the year and the numbers."""

    def __init__(self, invariant: str, year: int, detail: str) -> None:
        self.invariant = invariant
        self.year = year
        self.detail = detail
        super().__init__(f"invariant {invariant!r} broken in year {year}: {detail}")


def enabled(debug: bool | None = None) -> bool:
    """Debug mode: ``debug`` when given, else the environment variable :data:`ENV`."""
    if debug is not None:
        return bool(debug)
    return os.environ.get(ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class _Snapshot:
    """What the checks compare against: the start and last year's state."""

    land_start_ha: float
    active: np.ndarray
    households_by_class: np.ndarray
    gov_start_meur: list[float] = field(default_factory=list)  # by _governments' order
    gov_spent_meur: list[float] = field(default_factory=list)
    room: tuple[float, float, float] = (0.0, 0.0, 0.0)  # available, capital, repaid


def _land_ha(model: RegionModel) -> float:
    return float(model.farms.total_area_ha.sum() + model.nature_gained_ha.sum()
                 + model.land_bank.stock_ha.sum() + model.farmland_converted_total_ha.sum())


def _households_by_class(model: RegionModel) -> np.ndarray:
    hh = model.household_agents
    return np.bincount(hh.age_class.astype(np.int64), weights=hh.households, minlength=3)


def _governments(model: RegionModel):
    return [g for level in model.governments.values() for g in level]


def _room(model: RegionModel) -> tuple[float, float, float]:
    room = model.nitrogen_room
    return float(room.available.sum()), float(room.capital.sum()), float(room.repaid.sum())


def start(model: RegionModel) -> None:
    """Record the start state; the model calls it once set up, in debug mode."""
    govs = _governments(model)
    model._invariants = _Snapshot(
        land_start_ha=_land_ha(model), active=model.farms.active.copy(),
        households_by_class=_households_by_class(model),
        gov_start_meur=[g.budget_meur - g.received_meur + g.spent_meur for g in govs],
        gov_spent_meur=[g.spent_meur for g in govs], room=_room(model))


def _close(a: float, b: float, atol: float = ATOL) -> bool:
    return abs(a - b) <= atol + RTOL * max(abs(a), abs(b))


def check(model: RegionModel) -> None:
    """Check every invariant of the year just simulated; raise :class:`InvariantError`.

    Needs :func:`start` (debug mode calls it); updates last year's record afterwards.
    """
    snap = getattr(model, "_invariants", None)
    if snap is None:
        raise RuntimeError("abm.invariants.check needs abm.invariants.start(model) first "
                           "(RegionModel(..., debug=True) calls it)")
    year = model.year
    for name in INVARIANTS:
        detail = _CHECKS[name](model, snap)
        if detail:
            raise InvariantError(name, year, detail)
    snap.active = model.farms.active.copy()
    snap.households_by_class = _households_by_class(model)
    snap.gov_spent_meur = [g.spent_meur for g in _governments(model)]
    snap.room = _room(model)


def _check_land(model: RegionModel, snap: _Snapshot) -> str:
    now = _land_ha(model)
    if _close(now, snap.land_start_ha):
        return ""
    return (f"farms' land {model.farms.total_area_ha.sum():.6f} + nature gained "
            f"{model.nature_gained_ha.sum():.6f} + land bank {model.land_bank.stock_ha.sum():.6f}"
            f" + converted {model.farmland_converted_total_ha.sum():.6f} = {now:.6f} ha, "
            f"the start was {snap.land_start_ha:.6f} ha (difference {now - snap.land_start_ha:.6g})")


def _check_farms(model: RegionModel, snap: _Snapshot) -> str:
    active = model.farms.active
    if active.size != snap.active.size:
        return f"the farm table changed size from {snap.active.size} to {active.size} holdings"
    left = np.zeros(active.size, dtype=bool)
    left[np.asarray(model.farms_leaving, dtype=np.int64)] = True
    left[np.asarray(model.farms_left_census, dtype=np.int64)] = True
    exits = int((snap.active & left).sum())
    entries = int((~snap.active & active).sum())
    change = int(active.sum()) - int(snap.active.sum())
    if entries - exits == change:
        return ""
    return (f"active farms went from {int(snap.active.sum())} to {int(active.sum())} "
            f"(change {change}), but entries {entries} - recorded exits {exits} = "
            f"{entries - exits}")


def _check_households(model: RegionModel, snap: _Snapshot) -> str:
    prev = snap.households_by_class
    old_after_ageing = prev[OLD] * (1.0 - AGEING_RATE_PER_YR[OLD]) + prev[MIDDLE] * \
        AGEING_RATE_PER_YR[MIDDLE]
    dissolved = DISSOLUTION_RATE_PER_YR * old_after_ageing
    years = model.year - model.start_year + 1
    start_hh, _ = model._household_targets
    target = start_hh * (1.0 + model._household_growth) ** years
    formed = max(target - (prev.sum() - dissolved), 0.0)
    hh = model.household_agents
    now = float(hh.households.sum())
    change = now - float(prev.sum())
    if not _close(change, formed - dissolved, atol=1e-6 * max(now, 1.0)):
        return (f"households went from {prev.sum():.6f} to {now:.6f} (change {change:.6f}), "
                f"but formed {formed:.6f} - dissolved {dissolved:.6f} = "
                f"{formed - dissolved:.6f}")
    housed = float(hh.households[hh.housed].sum())
    on_map = float(model.households.sum())
    if not _close(on_map, housed, atol=1e-6 * max(housed, 1.0)):
        return f"households on the map {on_map:.6f} differ from the housed agents {housed:.6f}"
    return ""


def _invested_meur(model: RegionModel) -> float:
    """This year's spending of the regional investment instruments (REGIODEAL-FUND, the
    NOVI 2017 budgets: ``paid_meur_by_year``, ``spent_meur_by_year``)."""
    total = 0.0
    for inst in model.instruments:
        for name in ("paid_meur_by_year", "spent_meur_by_year"):
            total += getattr(inst, name, {}).get(model.year, 0.0)
    return total


def _spent_this_year_meur(model: RegionModel) -> float:
    return float(model.buyouts.paid_meur.sum() + model.payments_meur.sum()
                 + model.relocations.paid_meur.sum() + model.land_purchase_meur.sum()
                 + _invested_meur(model))


def _check_money(model: RegionModel, snap: _Snapshot) -> str:
    spent = 0.0
    for k, g in enumerate(_governments(model)):
        start_meur = snap.gov_start_meur[k]
        expected = start_meur + g.received_meur - g.spent_meur
        if not _close(g.budget_meur, expected, atol=MONEY_TOLERANCE_MEUR):
            return (f"{g.code} budget {g.budget_meur:.9f} meur, but start {start_meur:.9f} + "
                    f"received {g.received_meur:.9f} - spent {g.spent_meur:.9f} = "
                    f"{expected:.9f}")
        if g.budget_meur < -MONEY_TOLERANCE_MEUR:
            return f"{g.code} budget {g.budget_meur:.9f} meur is below zero"
        spent += g.spent_meur - snap.gov_spent_meur[k]
    paid = _spent_this_year_meur(model)
    if not _close(spent, paid, atol=MONEY_TOLERANCE_MEUR):
        return (f"governments spent {spent:.9f} meur this year, but buy-outs "
                f"{model.buyouts.paid_meur.sum():.9f} + payments {model.payments_meur.sum():.9f}"
                f" + relocations {model.relocations.paid_meur.sum():.9f} + land purchases "
                f"{model.land_purchase_meur.sum():.9f} + regional investments "
                f"{_invested_meur(model):.9f} = {paid:.9f}")
    return ""


def _stocks(model: RegionModel) -> dict[str, np.ndarray]:
    """Every stock that may not be negative, by name."""
    farms, room, hh = model.farms, model.nitrogen_room, model.household_agents
    return {
        "farms.area_ha": farms.area_ha, "farms.parcel_ha": farms.parcel_ha,
        "farms.animals": farms.animals, "farms.gbd_ha": farms.gbd_ha,
        "nature_gained_ha": model.nature_gained_ha, "land_bank.stock_ha": model.land_bank.stock_ha,
        "farmland_converted_total_ha": model.farmland_converted_total_ha,
        "dwellings": model.dwellings, "households": model.households,
        "inhabitants": model.inhabitants, "household_agents.households": hh.households,
        "household_agents.persons": hh.persons,
        "business_land.stock_ha": model.business_land.stock_ha,
        "business_land.used_ha": model.business_land.used_ha,
        "nitrogen_room.debt": room.debt, "nitrogen_room.capital": room.capital,
        "nitrogen_room.repaid": room.repaid,
    }


def _check_stocks(model: RegionModel, snap: _Snapshot) -> str:
    for name, values in _stocks(model).items():
        values = np.asarray(values, dtype=np.float64)
        if values.size and not np.isfinite(values).all():
            return f"{name} holds {int((~np.isfinite(values)).sum())} values that are not finite"
        low = float(values.min()) if values.size else 0.0
        if low < -ATOL:
            where = int(np.argmin(values.ravel()))
            return f"{name} is negative: {low:.9g} at index {where}"
    return ""


def _check_room(model: RegionModel, snap: _Snapshot) -> str:
    room = model.nitrogen_room
    available, capital, repaid = _room(model)
    freed, drawn = float(room.freed_mol.sum()), float(room.drawn_by_farms_mol.sum())
    nature = float(room.to_nature_mol.sum())
    allocated = float(sum(a.sum() for a in room.allocated_mol.values()))
    scale = max(abs(available), abs(capital), freed, drawn, 1.0)
    tol = 1e-6 * scale
    if room.rules(model) is None:
        if not _close(available, snap.room[0], atol=tol) or not _close(nature, freed, atol=tol):
            return (f"without STIKSTOF-RUIMTE the pools went from {snap.room[0]:.6f} to "
                    f"{available:.6f} mol and {nature:.6f} of {freed:.6f} mol freed went to "
                    "nature")
        return ""
    expected = (snap.room[0] + (capital - snap.room[1]) + freed - drawn - nature
                - (repaid - snap.room[2]) - allocated)
    if not _close(available, expected, atol=tol):
        return (f"room available {available:.6f} mol, but last year {snap.room[0]:.6f} + capital "
                f"{capital - snap.room[1]:.6f} + freed {freed:.6f} - drawn {drawn:.6f} - to "
                f"nature {nature:.6f} - repaid {repaid - snap.room[2]:.6f} - handed out "
                f"{allocated:.6f} = {expected:.6f}")
    debt = float(room.debt.sum())
    if not _close(debt, capital - repaid, atol=tol):
        return f"debt {debt:.6f} mol, but capital {capital:.6f} - repaid {repaid:.6f}"
    return ""


_CHECKS = {
    "land_area_conserved": _check_land, "farm_counts_balance": _check_farms,
    "households_balance": _check_households, "money_balances": _check_money,
    "no_negative_stocks": _check_stocks, "nitrogen_room_ledger": _check_room,
}
