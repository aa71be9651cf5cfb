"""Instrument mechanisms: one small class per way a policy acts on the landscape and agents.

An instrument of the catalogue is a subclass of one mechanism (see :mod:`abm.policy.registry`).
Its instance belongs to one government agent (its owner) and acts inside that owner's territory
intersected with the instrument's spatial scope (:attr:`Instrument.cells`). Each year the
instruments active in that year write into the :class:`~abm.policy.state.PolicyState`; every
review year (two-yearly by default) an owner may adapt the intensity of adaptive instruments.

Mechanisms (the ``mechanism`` column of the catalogue): mask, reservation, zoning, target,
subsidy, levy, buyout_offer, cap, ladder, fund, event, rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from abm.policy.catalogue import CatalogueEntry, catalogue
from abm.policy.state import PolicyState

if TYPE_CHECKING:
    from abm.model import RegionModel
    from agents.government import Account, Government


class InstrumentParameters(BaseModel):
    """Base of every instrument's ``Parameters``: unknown fields are refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParameters(InstrumentParameters):
    """The parameters of an instrument that takes none."""


class Instrument:
    """Base class of every instrument.

    Parameters
    ----------
    instrument_id : str
        Catalogue id (``WBS-13``).
    parameters : pydantic.BaseModel
        Validated parameters, an instance of the class's ``Parameters``.
    start_year, end_year : int
        First and last year in force (inclusive).
    cells : ndarray of bool
        Where it acts: owner's territory x spatial scope x land.
    owner : Government
        The government agent that holds it.
    adaptive : bool
        Whether reviews may change :attr:`intensity`.
    """

    mechanism: ClassVar[str] = ""
    #: Boolean landscape layer the instrument acts on when the scenario gives no scope layer.
    default_scope_layer: ClassVar[str | None] = None
    #: Owning government level when the scenario names none (else derived from the catalogue).
    default_owner: ClassVar[str | None] = None
    #: Instruments of one exclusive group are alternatives: a scenario may hold one of them.
    exclusive_group: ClassVar[str | None] = None
    Parameters: ClassVar[type[BaseModel]] = NoParameters

    def __init__(
        self,
        instrument_id: str,
        parameters: BaseModel,
        start_year: int,
        end_year: int,
        cells: np.ndarray,
        owner: Government,
        adaptive: bool = False,
    ) -> None:
        self.id = instrument_id
        self.parameters = parameters
        self.start_year = start_year
        self.end_year = end_year
        self.cells = cells
        self.owner = owner
        self.adaptive = adaptive
        #: Multiplier on the instrument's strength (1 = as in the scenario); reviews adapt it.
        self.intensity = 1.0

    @property
    def entry(self) -> CatalogueEntry:
        """The catalogue row (names, source lines)."""
        return catalogue()[self.id]

    @classmethod
    def coordinate(cls, group: list[Instrument]) -> None:
        """Settle what the owners of one scenario instrument share (a national quota split
        over provinces, say), once, after all of them are created. Default: nothing."""

    @property
    def account(self) -> Account:
        """The owner's account for this instrument: the payer named in offers and payments."""
        return self.owner.account(self.id)

    def receive_yearly_budget(self) -> None:
        """Give the owner this year's ``budget_meur_per_yr``, earmarked for this instrument."""
        self.owner.receive(self.parameters.budget_meur_per_yr, source=self.id, earmarked=True)

    def active(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        """Write this year's effect into ``policy``."""
        raise NotImplementedError

    def review(self, model: RegionModel, year: int) -> None:
        """Adapt to the indicators (review years only). Default: no adaptation."""

    def describe(self) -> dict[str, Any]:
        """A plain record for logs and ``run.json``."""
        return {
            "id": self.id,
            "mechanism": self.mechanism,
            "owner": self.owner.code,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "cells": int(self.cells.sum()),
            "parameters": self.parameters.model_dump(),
            "source": self.entry.source,
        }


class Mask(Instrument):
    """A hard ban on a land-use change in cells (``kind`` names it, see MASK_KINDS)."""

    mechanism = "mask"
    kind: ClassVar[str] = "no_new_buildings"

    def selected(self, model: RegionModel) -> np.ndarray:
        """The cells the ban covers; default all of :attr:`cells`."""
        return self.cells

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.mask(self.kind)[self.selected(model)] = True


class Reservation(Mask):
    """No permanent building; temporary use allowed. Sets ``reserved`` and its own kind."""

    mechanism = "reservation"
    kind = "reserved"

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        chosen = self.selected(model)
        policy.mask("reserved")[chosen] = True
        policy.mask(self.kind)[chosen] = True


class Zoning(Instrument):
    """An area class (``zone``) that switches other rules on inside it."""

    mechanism = "zoning"
    zone: ClassVar[str] = ""

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.zone(self.zone)[self.cells] = True


class Target(Instrument):
    """A tracked indicator with a target value that drives government effort.

    Subclasses name the ``indicator`` and give ``target_value(year)``. With ``adaptive``, each
    review raises :attr:`intensity` by ``step`` while the indicator misses the target in the
    direction ``better`` (``"lower"`` or ``"higher"``), and relaxes it toward 1 when on track.
    """

    mechanism = "target"
    indicator: ClassVar[str] = ""
    better: ClassVar[str] = "lower"
    step: ClassVar[float] = 0.25

    def target_value(self, year: int) -> float:
        raise NotImplementedError

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.targets[self.indicator] = self.target_value(year)

    def review(self, model: RegionModel, year: int) -> None:
        if not self.adaptive:
            return
        value = model.latest_indicator(self.indicator, self.owner)
        if value is None:
            return
        target = self.target_value(year)
        missed = value > target if self.better == "lower" else value < target
        if missed:
            self.intensity += self.step
        else:
            self.intensity = max(1.0, self.intensity - self.step)


class CellTarget(Target):
    """A target value per cell (a groundwater depth, say) that an owner works toward there."""

    def cell_values(self, model: RegionModel, year: int) -> np.ndarray:
        """Target on :attr:`cells` (same shape as the grid; other cells ignored)."""
        raise NotImplementedError

    def target_value(self, year: int) -> float:
        return float("nan")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        """Write the target where this instrument has one (NaN values leave other targets)."""
        target = policy.cell_target(self.indicator)
        values = self.cell_values(model, year)
        mine = self.cells & ~np.isnan(values)
        target[mine] = values[mine]


class _PerCellMoney(Instrument):
    purpose: ClassVar[str] = ""

    def rate_eur_ha_yr(self, year: int) -> float:
        raise NotImplementedError


class Subsidy(_PerCellMoney):
    """A payment per hectare per year on :attr:`cells` for ``purpose``."""

    mechanism = "subsidy"

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.pay(self.purpose, self.cells, self.rate_eur_ha_yr(year) * self.intensity,
                   self.account)


class Levy(_PerCellMoney):
    """A levy per hectare per year on :attr:`cells` for ``purpose``."""

    mechanism = "levy"

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.levy(self.purpose)[self.cells] += self.rate_eur_ha_yr(year) * self.intensity


class BuyoutOffer(Instrument):
    """A voluntary or compulsory buy-out offer to agents on :attr:`cells`."""

    mechanism = "buyout_offer"

    def offer(self, model: RegionModel, year: int) -> dict[str, Any]:
        """The offer record (price factor, budget, eligibility); subclasses fill it."""
        raise NotImplementedError

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.offers.append({"instrument": self.id, "owner": self.owner.code,
                              **self.offer(model, year)})


class Cap(Instrument):
    """A quantity limit, by name with its unit (``nh3_emission_kt``)."""

    mechanism = "cap"
    name: ClassVar[str] = ""

    def cap_value(self, year: int) -> float:
        raise NotImplementedError

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        value = self.cap_value(year)
        policy.caps[self.name] = min(policy.caps.get(self.name, value), value)


class Ladder(Instrument):
    """An ordered allocation rule: categories from first to last choice."""

    mechanism = "ladder"
    name: ClassVar[str] = ""
    order: ClassVar[tuple[str, ...]] = ()

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.ladders[self.name] = self.order


class Fund(Instrument):
    """Money made available to the owner each year in force (million euro per year)."""

    mechanism = "fund"

    def annual_meur(self, year: int) -> float:
        raise NotImplementedError

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        self.owner.receive(self.annual_meur(year) * self.intensity, source=self.id)


class Event(Instrument):
    """A dated switch: ``flag`` is on from the start year."""

    mechanism = "event"
    flag: ClassVar[str] = ""

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.flags[self.flag] = True


class Rule(Instrument):
    """A behavioural or allocation rule, switched on by name for the agents that read it."""

    mechanism = "rule"
    flag: ClassVar[str] = ""

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.flags[self.flag] = True


MECHANISMS: dict[str, type[Instrument]] = {
    cls.mechanism: cls
    for cls in (Mask, Reservation, Zoning, Target, Subsidy, Levy, BuyoutOffer, Cap, Ladder, Fund,
                Event, Rule)
}
