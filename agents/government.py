"""Government agents: Rijk, Provincie, Waterschap, Gemeente.

Each holds the instruments it owns, a budget, and a territory (boolean cells). Every year it
applies its active instruments (phase 2 of the year); every review year it reviews them against
the indicators (phase 1).

State: ``code`` (CBS code, ``NL`` for the Rijk), ``name``, ``territory`` (land cells, computed on
demand from an id layer so that 345 gemeenten cost no per-agent rasters), ``budget_meur``
(money held, million euro), ``earmarked_meur`` (the part of it that belongs to one instrument),
``received_meur`` and ``spent_meur`` (cumulative).

Money: what an instrument receives for itself (its ``budget_meur_per_yr``) is earmarked for it,
and so is what it earns back (a land bank selling land returns the money to the land-purchase
instrument that bought it); what a fund pays (the Transitiefonds) is the government's general
budget. An instrument pays through its :class:`Account`: from its own earmarked money first,
then from the general budget; never from another instrument's money. Unspent money carries over.
Initialisation: one Rijk, one Provincie per province in the run's region, one Gemeente per
gemeente (CBS 2022), and one Waterschap per province (ASSUMPTION: no open waterschap boundaries
are in the data; the 21 waterschappen are represented by their provinces until a boundary file
is supplied).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa
import numpy as np

if TYPE_CHECKING:
    from abm.model import RegionModel
    from abm.policy.mechanisms import Instrument
    from abm.policy.state import PolicyState

LEVELS: tuple[str, ...] = ("rijk", "provincie", "waterschap", "gemeente")


class Account:
    """What one instrument of a government may spend: the payer that offers and payments name.

    ``budget_meur`` is what the instrument may spend now (its earmarked money plus the
    government's general budget); ``spend`` draws on it; ``receive`` returns money to the
    instrument's earmarked money (a land bank selling what it bought, say).
    """

    def __init__(self, government: Government, source: str) -> None:
        self.government = government
        self.source = source

    @property
    def code(self) -> str:
        return self.government.code

    @property
    def budget_meur(self) -> float:
        return self.government.available_meur(self.source)

    def spend(self, amount_meur: float) -> float:
        return self.government.spend(amount_meur, self.source)

    def receive(self, amount_meur: float, source: str) -> None:
        self.government.receive(amount_meur, self.source, earmarked=True)


class Government(mesa.Agent):
    """Base class of the four government levels."""

    level: ClassVar[str] = ""

    def __init__(
        self, model: RegionModel, code: str, name: str, id_layer: str | None = None,
        region_id: int = 0, budget_meur: float = 0.0,
    ) -> None:
        super().__init__(model)
        self.code = code
        self.name = name
        self.id_layer = id_layer
        self.region_id = region_id
        self.budget_meur = float(budget_meur)
        #: The part of ``budget_meur`` earmarked per instrument id (million euro).
        self.earmarked_meur: dict[str, float] = {}
        self.received_meur = 0.0
        self.spent_meur = 0.0
        self.instruments: list[Instrument] = []

    @property
    def territory(self) -> np.ndarray:
        """Land cells of this government (the whole run region for the Rijk)."""
        land = self.model.landscape["land_mask"]
        if self.id_layer is None:
            return land
        return land & (self.model.landscape[self.id_layer] == self.region_id)

    def receive(self, amount_meur: float, source: str, earmarked: bool = False) -> None:
        """Add money to the budget: earmarked for instrument ``source``, or general money (a
        fund, a transfer, a sale)."""
        if amount_meur < 0:
            raise ValueError(f"{self.code}: cannot receive a negative amount from {source}")
        self.budget_meur += amount_meur
        self.received_meur += amount_meur
        if earmarked:
            self.earmarked_meur[source] = self.earmarked_meur.get(source, 0.0) + amount_meur

    @property
    def general_meur(self) -> float:
        """The budget that no instrument has earmarked (million euro)."""
        return max(self.budget_meur - sum(self.earmarked_meur.values()), 0.0)

    def available_meur(self, source: str | None = None) -> float:
        """What instrument ``source`` may spend: its earmarked money plus the general budget."""
        own = self.earmarked_meur.get(source, 0.0) if source is not None else 0.0
        return own + self.general_meur

    def spend(self, amount_meur: float, source: str | None = None) -> float:
        """Spend up to ``amount_meur`` for instrument ``source`` (its earmarked money first,
        then the general budget); return what was spent."""
        paid = min(max(amount_meur, 0.0), self.available_meur(source))
        if source is not None and source in self.earmarked_meur:
            self.earmarked_meur[source] -= min(paid, self.earmarked_meur[source])
        self.budget_meur -= paid
        self.spent_meur += paid
        return paid

    def account(self, source: str) -> Account:
        """The account through which instrument ``source`` pays and is paid."""
        return Account(self, source)

    def apply_instruments(self, policy: PolicyState, year: int) -> None:
        for instrument in self.instruments:
            if instrument.active(year):
                instrument.apply(self.model, policy, year)

    def review(self, year: int) -> None:
        for instrument in self.instruments:
            if instrument.active(year):
                instrument.review(self.model, year)


class Rijk(Government):
    """The national government."""

    level = "rijk"


class Provincie(Government):
    """One of the twelve provinces."""

    level = "provincie"


class Waterschap(Government):
    """A water board (here one per province, see the module docstring)."""

    level = "waterschap"


class Gemeente(Government):
    """A municipality (CBS 2022 set)."""

    level = "gemeente"


GOVERNMENT_CLASSES: dict[str, type[Government]] = {
    cls.level: cls for cls in (Rijk, Provincie, Waterschap, Gemeente)
}


def create_governments(model: RegionModel) -> dict[str, list[Government]]:
    """Create the government agents of the model's landscape, by level."""
    land = model.landscape["land_mask"]
    out: dict[str, list[Government]] = {level: [] for level in LEVELS}
    out["rijk"].append(Rijk(model, "NL", "Rijksoverheid"))
    provinces = np.unique(model.landscape["province_id"][land])
    for i in provinces[provinces > 0].tolist():
        row = model.landscape.tables["province"][i - 1]
        out["provincie"].append(Provincie(model, row["code"], row["name"], "province_id", i))
        out["waterschap"].append(
            Waterschap(model, f"WS-{row['code']}", f"Waterschappen in {row['name']}",
                       "province_id", i)
        )
    gemeenten = np.unique(model.landscape["gemeente_id"][land])
    for i in gemeenten[gemeenten > 0].tolist():
        row = model.landscape.tables["gemeente"][i - 1]
        out["gemeente"].append(Gemeente(model, row["code"], row["name"], "gemeente_id", i))
    return out
