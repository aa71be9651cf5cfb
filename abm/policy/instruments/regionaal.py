"""Regional economic policy: Regio Deals (001) and the NOVI options 5a, 5b, 5c (000).

Both steer Rijk money to regions and act there through two cell targets of the year's
PolicyState (the agreed interface, docs/regional_policy.md):

- ``amenity_bonus`` (household utility units, 0 = none): the liveability part of the money;
- ``business_climate_bonus`` (extra jobs growth as a fraction per year, 0 = none): the
  economic part of the money, as the jobs it creates over the jobs of the region.

Regions are the COROP regions of the landscape (the 40 of the ``corop`` table), a proxy for the
"ongeveer 60 daily urban systems" of 001_4549aa8c6db9ac25.txt:L496-503: the open data have no
daily-urban-system boundaries, and COROP regions were drawn as nodal regions around a centre
(CBS). Money becomes effects by :func:`investment_effects`: euros per job created for the
economic part, utility per euro per inhabitant for the liveability part (ASSUMPTIONS with
ranges, module constants below).

A regional run sees its share of the national policy: the NOVI options allocate the national
amount over the national regions (static weights from the national landscape) and the run pays
and feels the part of its regions (by their inhabitants inside the run); the Regio Deal fund
runs its competition among the run's regions with the run's share of the national fund
(inhabitants) and of the number of deals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field

from abm.policy.mechanisms import Fund, InstrumentParameters, Rule
from abm.policy.registry import register
from abm.policy.state import PolicyState
from environment.layers import AGRICULTURE

if TYPE_CHECKING:
    from abm.model import RegionModel
    from environment.landscape import Landscape

AMENITY = "amenity_bonus"
BUSINESS = "business_climate_bonus"

#: The economically leading regions of NOVI option 5a (000_4214751c5cef1d9b.txt:L377-379) as
#: COROP codes. Noordvleugel: Groot-Amsterdam, Zaanstreek, IJmond, Agglomeratie Haarlem, Het
#: Gooi en Vechtstreek (the Metropoolregio Amsterdam), Utrecht and Flevoland (Almere, Lelystad:
#: MRA members). Zuidvleugel: Agglomeratie Leiden en Bollenstreek, Agglomeratie 's-Gravenhage,
#: Delft en Westland, Oost-Zuid-Holland, Groot-Rijnmond, Zuidoost-Zuid-Holland (Drechtsteden).
#: Regio Eindhoven: Zuidoost-Noord-Brabant. ASSUMPTION (the seed names areas, not boundaries);
#: together they hold about half of the inhabitants, more than the seed's 37% for "de grotere
#: stedelijke regio's van de Randstad en Eindhoven" (000:L1947), which are the cities only.
LEADING_REGIONS: dict[str, tuple[str, ...]] = {
    "Noordvleugel": ("CR17", "CR20", "CR21", "CR22", "CR23", "CR24", "CR40"),
    "Zuidvleugel": ("CR25", "CR26", "CR27", "CR28", "CR29", "CR30"),
    "regio Eindhoven": ("CR36",),
}
#: The catching-up regions option 5b names as examples (000_4214751c5cef1d9b.txt:L381-385):
#: Groningen (Overig Groningen, the city's COROP region), Zwolle (Noord-Overijssel),
#: Arnhem-Nijmegen.
CATCHING_UP_EXAMPLES: dict[str, str] = {
    "Groningen": "CR03", "Zwolle": "CR10", "Arnhem-Nijmegen": "CR15"}

#: Euro of public investment per job created (gross). ASSUMPTION, explore 10,000-200,000.
#: Enterprise support of the Danish structural-fund projects in Midtjylland 2007-2010 cost
#: DKK 50,000-240,000 per job (EUR 6,700-32,000) by field against a control group
#: (https://regionalt.erhvervsstyrelsen.dk/midtjyske-strukturfonds-projekter-skaber-job);
#: Regio Deals and physical investment also pay for knowledge, accessibility and liveability,
#: which create fewer jobs per euro, hence a higher default.
EUR_PER_JOB = 50_000.0
#: Household utility per euro per inhabitant per year spent on liveability (amenity). ASSUMPTION,
#: explore 0-0.01: 25 euro per inhabitant a year (a typical Regio Deal) gives 0.05 utility.
UTILITY_PER_EUR_PER_INHABITANT = 0.002
#: Largest amenity bonus (utility units) and business-climate bonus (fraction per year) one
#: region gets from all regional instruments together. ASSUMPTION: caps for very small regions
#: (a COROP region cut by a regional run's border); explore 0.2-1.0 and 0.01-0.05.
MAX_AMENITY_BONUS = 0.5
MAX_BUSINESS_BONUS = 0.02
#: Years of a cabinet period: the 15 deals of 001:L40 are closed within one (ASSUMPTION).
CABINET_PERIOD_YR = 4


# -- regions ---------------------------------------------------------------------------------

def n_regions(landscape: Landscape) -> int:
    """Number of COROP regions in the landscape's (national) code table."""
    return len(landscape.tables["corop"])


def region_ids(landscape: Landscape, codes: tuple[str, ...] | list[str]) -> np.ndarray:
    """Landscape ids (1-based) of COROP ``codes``."""
    table = landscape.codes("corop")
    return np.asarray([table.index(c) + 1 for c in codes], dtype=np.intp)


def _per_region(landscape: Landscape, cell_values: np.ndarray) -> np.ndarray:
    """Sum of a per-cell field per COROP id (index 0: cells outside every region)."""
    return np.bincount(landscape["corop_id"].ravel(), weights=cell_values.ravel(),
                       minlength=n_regions(landscape) + 1)


def jobs_per_cell(model: RegionModel) -> np.ndarray:
    """Jobs of the active firms per cell (grid shape)."""
    firms = model.firms
    keep = firms.active & (firms.cell >= 0)
    size = model.landscape.grid.shape[0] * model.landscape.grid.shape[1]
    return np.bincount(firms.cell[keep], weights=firms.jobs[keep],
                       minlength=size).reshape(model.landscape.grid.shape)


def jobs_and_inhabitants_by_region(model: RegionModel) -> tuple[np.ndarray, np.ndarray]:
    """Jobs and inhabitants per COROP id of the run (index 0: outside every region).

    With :func:`abm.disparity.theil_index` (``jobs / inhabitants`` and ``inhabitants`` of the
    regions with inhabitants) this gives the regional disparity of jobs per inhabitant.
    """
    land = model.landscape
    return _per_region(land, jobs_per_cell(model)), _per_region(land, model.inhabitants)


def _in_run_share(model: RegionModel) -> np.ndarray:
    """Per COROP id, the share of its national inhabitants (landscape layer) inside the run."""
    national = _per_region(model.national, model.national["inhabitants"])
    local = _per_region(model.landscape, model.landscape["inhabitants"])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(national > 0, local / national, 0.0)
    share[0] = 0.0
    return np.clip(share, 0.0, 1.0)


def investment_effects(meur_by_region: np.ndarray, jobs: np.ndarray, inhabitants: np.ndarray,
                       liveability_share: float, eur_per_job: float,
                       utility_per_eur_per_inhabitant: float) -> tuple[np.ndarray, np.ndarray]:
    """Amenity bonus (utility) and business-climate bonus (fraction per year) per region.

    Parameters
    ----------
    meur_by_region : ndarray
        Money spent in each region this year (million euro; all partners together).
    jobs, inhabitants : ndarray
        Jobs and inhabitants of each region (same length).
    liveability_share : float
        Part of the money spent on liveability (amenity); the rest on the economy.
    eur_per_job : float
        Euro per job created.
    utility_per_eur_per_inhabitant : float
        Household utility per euro per inhabitant per year of liveability money.

    Returns
    -------
    amenity, business : ndarray
        ``utility_per_eur_per_inhabitant * liveability euro / inhabitants`` (at most
        :data:`MAX_AMENITY_BONUS`) and ``economic euro / eur_per_job / jobs`` (at most
        :data:`MAX_BUSINESS_BONUS`); 0 where a region has no inhabitants or jobs.
    """
    euro = np.asarray(meur_by_region, dtype=np.float64) * 1e6
    with np.errstate(invalid="ignore", divide="ignore"):
        amenity = np.where(inhabitants > 0, utility_per_eur_per_inhabitant * liveability_share
                           * euro / inhabitants, 0.0)
        business = np.where(jobs > 0, (1.0 - liveability_share) * euro / eur_per_job / jobs, 0.0)
    return np.clip(amenity, 0.0, MAX_AMENITY_BONUS), np.clip(business, 0.0, MAX_BUSINESS_BONUS)


def add_bonus(policy: PolicyState, name: str, where: np.ndarray, values: np.ndarray) -> None:
    """Add ``values`` (grid shape) on ``where`` to the cell target ``name``: created with zeros
    when absent, NaN (none) read as 0, capped at the regional caps."""
    if name not in policy.cell_targets:
        policy.cell_targets[name] = np.zeros(policy.shape)
    target = policy.cell_targets[name]
    np.nan_to_num(target, copy=False, nan=0.0)
    target[where] += values[where]
    cap = MAX_AMENITY_BONUS if name == AMENITY else MAX_BUSINESS_BONUS
    np.minimum(target, cap, out=target)


def _write_effects(inst: Fund | Rule, model: RegionModel, policy: PolicyState,
                   meur_by_region: np.ndarray, liveability_share: float, eur_per_job: float,
                   utility: float) -> None:
    jobs, people = jobs_and_inhabitants_by_region(model)
    amenity, business = investment_effects(meur_by_region, jobs, people, liveability_share,
                                           eur_per_job, utility)
    inst.year_effects = (amenity, business)  # before the cap of the sum
    region = model.landscape["corop_id"]
    where = inst.cells & (region > 0)
    add_bonus(policy, AMENITY, where, amenity[region])
    add_bonus(policy, BUSINESS, where, business[region])


class _EffectParameters(InstrumentParameters):
    liveability_share: float = Field(
        0.5, ge=0.0, le=1.0, description="Part of the money spent on liveability (amenity "
        "bonus), the rest on the economy (business-climate bonus) (ASSUMPTION; the seeds name "
        "both; explore 0.2-0.8)")
    eur_per_job: float = Field(
        EUR_PER_JOB, ge=1_000.0, le=10_000_000.0, description="Euro of investment per job "
        "created (ASSUMPTION after regional-policy evaluations; explore 10,000-200,000)")
    utility_per_eur_per_inhabitant: float = Field(
        UTILITY_PER_EUR_PER_INHABITANT, ge=0.0, le=0.1, description="Household utility per "
        "euro per inhabitant per year of liveability money (ASSUMPTION; explore 0-0.01)")


# -- Regio Deals -----------------------------------------------------------------------------

@dataclass
class Deal:
    """One Regio Deal: a COROP region, its years and the Rijk money paid to it (million euro)."""

    region: int
    start_year: int
    end_year: int
    paid_meur: float = 0.0


@dataclass
class Round:
    """One competitive round: each region's need and score (by COROP id) and the winners."""

    year: int
    eligible: np.ndarray
    need: np.ndarray
    score: np.ndarray
    winners: np.ndarray


def need_index(jobs: np.ndarray, inhabitants: np.ndarray, growth_per_yr: np.ndarray,
               eligible: np.ndarray, jobs_weight: float = 0.5) -> np.ndarray:
    """Need of each region: few jobs per inhabitant and slow (or negative) population growth.

    The two are standardised over the eligible regions (z-scores, sign turned so that fewer jobs
    per inhabitant and slower growth give more need), combined with weights ``jobs_weight`` and
    ``1 - jobs_weight`` and standardised again; 0 for ineligible regions.
    """
    out = np.zeros(jobs.shape)
    if eligible.sum() < 2:
        return out

    def z(x: np.ndarray) -> np.ndarray:
        sd = x[eligible].std()
        return (x - x[eligible].mean()) / sd if sd > 0 else np.zeros_like(x)

    with np.errstate(invalid="ignore", divide="ignore"):
        jpi = np.where(inhabitants > 0, jobs / inhabitants, 0.0)
    raw = -jobs_weight * z(jpi) - (1.0 - jobs_weight) * z(growth_per_yr)
    out[eligible] = z(raw)[eligible]
    return out


@register("REGIODEAL-FUND")
class RegioDealFund(Fund):
    """Regio Deals: a Rijk fund of 200 million euro a year that co-finances integrated regional
    proposals, at least 15 deals, phased and competitive.

    Source: 001_4549aa8c6db9ac25.txt:L39-52 (at least 15 regiodeals with decentral governments
    and business; phased: the regions with the best integrated proposals first);
    001_4549aa8c6db9ac25.txt:L111-119 (200 mln euro a year); 001_4549aa8c6db9ac25.txt:L636-649
    (a Rijk fund of 200 mln a year co-finances proposals that strengthen the regional economy
    and liveability, judged by an independent committee); 001_4549aa8c6db9ac25.txt:L496-503
    (about 60 daily urban systems); regiodeals as an instrument in
    000_4214751c5cef1d9b.txt:L529-529; 000_4214751c5cef1d9b.txt:L551-551;
    000_4214751c5cef1d9b.txt:L2755-2759; 000_4214751c5cef1d9b.txt:L3214-3216; deals in force:
    003_96b59ff8675cf4bb.txt:L8639-8641 (Parkstad Limburg); 003_96b59ff8675cf4bb.txt:L10914-10924
    (Twente); 003_96b59ff8675cf4bb.txt:L10993-11003 (Achterhoek, Foodvalley).

    Every ``round_interval_yr`` years (from the instrument's start) the COROP regions without a
    running deal bid; the score is ``need_weight`` x need (:func:`need_index`: few jobs per
    inhabitant, slow population growth) plus a proposal quality drawn from the ``regional``
    stream (standard normal, one draw per COROP region of the national table every round,
    whatever is decided). The best ``deals per round`` win (``n_deals_min`` per cabinet period of
    four years, ASSUMPTION). A deal runs ``deal_duration_yr`` years (cut at the instrument's
    end); every year the fund pays what it holds (its yearly income, earmarked for it, plus what
    a year without running deals left) in equal parts to the running deals, through its Account,
    never more than it holds. The region's partners add
    ``cofinance_share`` of the deal's total (not charged to a modelled budget: provinces,
    gemeenten and businesses hold no general budgets here); the whole deal's money acts through
    :func:`investment_effects` in the region while it runs. The seed says the money must not
    redistribute (001:L642-644): ``need_weight = 0`` gives a pure quality competition.
    """

    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(_EffectParameters):
        fund_meur_per_yr: float = Field(
            200.0, ge=0.0, le=5000.0, description="Rijk fund, million euro a year (seed: "
            "200 mln, 001:L117, L639-640)")
        n_deals_min: int = Field(
            15, ge=1, le=200, description="Deals per cabinet period of four years (seed: at "
            "least 15, 001:L40)")
        round_interval_yr: int = Field(
            2, ge=1, le=8, description="Years between bidding rounds (ASSUMPTION: phased, "
            "001:L49-51; explore 1-4)")
        deal_duration_yr: int = Field(
            4, ge=1, le=12, description="Years a deal runs and is paid (ASSUMPTION; Regio "
            "Deals run about 3-5 years; explore 2-8)")
        need_weight: float = Field(
            1.0, ge=0.0, le=10.0, description="Weight of need against proposal quality "
            "(standard normal) in the score (ASSUMPTION; 0 = quality only as 001:L642-649 "
            "asks; explore 0-3)")
        cofinance_share: float = Field(
            0.5, ge=0.0, lt=1.0, description="Regional partners' share of a deal's total "
            "money (ASSUMPTION: co-financing at least matches the Rijk, 001:L639-641; explore "
            "0.3-0.6)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Every deal closed, in order.
        self.deals: list[Deal] = []
        #: Every bidding round.
        self.rounds: list[Round] = []
        #: Rijk money paid to deals per year (million euro).
        self.paid_meur_by_year: dict[int, float] = {}
        #: This year's money of the deals by COROP id, Rijk and partners (million euro).
        self.year_meur_by_region: np.ndarray | None = None
        #: This year's amenity and business-climate bonus by COROP id.
        self.year_effects: tuple[np.ndarray, np.ndarray] | None = None
        self._rng: np.random.Generator | None = None
        self._share: float | None = None
        self._last: tuple[int, np.ndarray] | None = None

    def annual_meur(self, year: int) -> float:
        """The fund's income this year for the run's region (its share of the nation)."""
        return self.parameters.fund_meur_per_yr * self.national_share()

    def national_share(self) -> float:
        """The run's share of the nation's inhabitants (1 in a national run)."""
        if self._share is None:
            model = self.owner.model
            nl = float(model.national["inhabitants"][model.national["land_mask"]].sum())
            mine = float(model.landscape["inhabitants"][self.cells].sum())
            self._share = min(mine / nl, 1.0) if nl > 0 else 0.0
        return self._share

    def deals_per_round(self) -> int:
        p = self.parameters
        national = math.ceil(p.n_deals_min * p.round_interval_yr / CABINET_PERIOD_YR)
        return max(1, round(national * self.national_share()))

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        p = self.parameters
        self.owner.receive(self.annual_meur(year) * self.intensity, source=self.id,
                           earmarked=True)
        if (year - self.start_year) % p.round_interval_yr == 0:
            self._round(model, year)
        spent = np.zeros(n_regions(model.landscape) + 1)
        running = [d for d in self.deals if d.start_year <= year <= d.end_year]
        paid_year = 0.0
        if running:
            paid_year = self.account.spend(self.owner.earmarked_meur.get(self.id, 0.0))
            for deal in running:
                deal.paid_meur += paid_year / len(running)
                spent[deal.region] += paid_year / len(running) / (1.0 - p.cofinance_share)
        self.paid_meur_by_year[year] = paid_year
        self.year_meur_by_region = spent
        _write_effects(self, model, policy, spent, p.liveability_share, p.eur_per_job,
                       p.utility_per_eur_per_inhabitant)

    def _growth_per_yr(self, model: RegionModel, year: int, people: np.ndarray) -> np.ndarray:
        """Population growth per region since the last round (the trend rate at the first)."""
        if self._last is None:
            from environment import population

            land = model.landscape
            rate = population.rate_per_cell(land["province_id"], land.codes("province"))
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(people > 0, _per_region(land, rate * model.inhabitants)
                                / people, 0.0)
        last_year, last = self._last
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(last > 0, people / last, 1.0)
        return ratio ** (1.0 / max(year - last_year, 1)) - 1.0

    def _round(self, model: RegionModel, year: int) -> None:
        """One bidding round: need, quality, winners, commitments."""
        p = self.parameters
        land = model.landscape
        if self._rng is None:
            self._rng = model.streams.generator("regional")
        quality = np.concatenate([[0.0], self._rng.standard_normal(n_regions(land))])
        jobs, people = jobs_and_inhabitants_by_region(model)
        growth = self._growth_per_yr(model, year, people)
        self._last = (year, people.copy())
        present = _per_region(land, self.cells.astype(np.float64)) > 0
        present[0] = False
        running = np.zeros(present.shape, dtype=bool)
        for deal in self.deals:
            if deal.end_year >= year:
                running[deal.region] = True
        eligible = present & (people > 0) & ~running
        need = need_index(jobs, people, growth, eligible)
        score = np.where(eligible, p.need_weight * need + quality, -np.inf)
        k = min(self.deals_per_round(), int(eligible.sum()))
        order = np.argsort(-score, kind="stable")
        winners = np.sort(order[:k])
        self.rounds.append(Round(year, eligible, need, score, winners))
        end = min(year + p.deal_duration_yr - 1, self.end_year)
        for region in winners.tolist():
            self.deals.append(Deal(region, year, end))


# -- NOVI option 5: where the Rijk invests -----------------------------------------------------

class _RijkRegionalInvestment(Rule):
    """A fixed yearly Rijk investment in the physical domain, placed by region by one of the
    three options of NOVI policy option 5 (they exclude each other in a scenario)."""

    default_owner = "rijk"
    default_scope_layer = "land_mask"
    exclusive_group: ClassVar[str | None] = "NOVI17-BO5 (policy option 5a, 5b, 5c)"

    class Parameters(_EffectParameters):
        investment_meur_per_yr: float = Field(
            1000.0, ge=0.0, le=20_000.0, description="National Rijk investment a year that the "
            "option places, million euro (ASSUMPTION: the area-directed part of the MIRT and "
            "programmes in the physical domain; explore 250-3000)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Rijk money spent per year in the run's regions (million euro) and by COROP id.
        self.spent_meur_by_year: dict[int, float] = {}
        self.spent_meur_by_region: np.ndarray | None = None
        #: This year's money by COROP id (million euro).
        self.year_meur_by_region: np.ndarray | None = None
        #: This year's amenity and business-climate bonus by COROP id.
        self.year_effects: tuple[np.ndarray, np.ndarray] | None = None
        self._in_run: np.ndarray | None = None

    def weights(self, model: RegionModel, year: int) -> np.ndarray:
        """Each COROP region's share of the national investment this year (by id, sum 1)."""
        raise NotImplementedError

    _people: np.ndarray | None = None

    def _national_people(self, model: RegionModel) -> np.ndarray:
        """Inhabitants per COROP id on the national landscape (set-up layer; index 0: 0)."""
        if self._people is None:
            people = _per_region(model.national, model.national["inhabitants"])
            people[0] = 0.0
            self._people = people
        return self._people

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        super().apply(model, policy, year)
        p = self.parameters
        if self._in_run is None:  # static: the share of each region's inhabitants in the run
            present = _per_region(model.landscape, self.cells.astype(np.float64)) > 0
            self._in_run = _in_run_share(model) * present
        mine = self.weights(model, year) * self._in_run
        amount = p.investment_meur_per_yr * self.intensity * float(mine.sum())
        self.owner.receive(amount, source=self.id, earmarked=True)
        paid = self.account.spend(amount)
        by_region = mine * p.investment_meur_per_yr * self.intensity * (
            paid / amount if amount > 0 else 0.0)
        self.spent_meur_by_year[year] = paid
        if self.spent_meur_by_region is None:
            self.spent_meur_by_region = np.zeros_like(by_region)
        self.spent_meur_by_region += by_region
        self.year_meur_by_region = by_region
        _write_effects(self, model, policy, by_region, p.liveability_share, p.eur_per_job,
                       p.utility_per_eur_per_inhabitant)


def _shares(weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    return weights / total if total > 0 else weights


@register("NOVI17-BO5A")
class SelectiveRegions(_RijkRegionalInvestment):
    """NOVI option 5a, selective: the Rijk invests in the economically leading regions
    (Noordvleugel, Zuidvleugel, regio Eindhoven), selected beforehand.

    Source: 000_4214751c5cef1d9b.txt:L377-379 (the option); 000_4214751c5cef1d9b.txt:L394-401
    (selected regions get priority for Rijk investment and instruments in the physical domain);
    000_4214751c5cef1d9b.txt:L1943-1950 (37% of the people, 42% of national income, 50% of
    business R&D). ``priority_share`` of the yearly investment goes to the leading regions of
    :data:`LEADING_REGIONS` (by their inhabitants), the rest to the other regions by theirs.
    """

    flag = "novi_option_5a"

    class Parameters(_RijkRegionalInvestment.Parameters):
        priority_share: float = Field(
            1.0, ge=0.0, le=1.0, description="Share of the investment that goes to the leading "
            "regions (ASSUMPTION: 'voorrang', 000:L398-399; explore 0.7-1.0)")

    def weights(self, model: RegionModel, year: int) -> np.ndarray:
        people = self._national_people(model)
        lead = np.zeros(people.shape, dtype=bool)
        lead[region_ids(model.landscape, [c for cs in LEADING_REGIONS.values() for c in cs])] = True
        q = self.parameters.priority_share
        return q * _shares(people * lead) + (1.0 - q) * _shares(people * ~lead)


@register("NOVI17-BO5B")
class AdaptiveRegions(_RijkRegionalInvestment):
    """NOVI option 5b, adaptive: the leading regions and catching-up regions, with a review
    afterwards that adds regions whose growth qualifies.

    Source: 000_4214751c5cef1d9b.txt:L381-385 (the option, with Groningen, Zwolle,
    Arnhem-Nijmegen as examples); 000_4214751c5cef1d9b.txt:L394-401 (priority for Rijk
    investment); 000_4214751c5cef1d9b.txt:L1960-1968 (catching-up regions grow so fast that they
    close on the leading ones; selection afterwards too). The selection starts with
    :data:`LEADING_REGIONS` and, with ``named_catching_up``, :data:`CATCHING_UP_EXAMPLES`; at
    every review (the scenario's ``review_interval_yr``) a region is added when its jobs grew,
    per year since the last review, more than ``catch_up_threshold_pct_yr`` above the leading
    regions of the run (the national trend rate of the firm model when the run holds none):
    jobs stand in for productivity, which the model does not have (ASSUMPTION). Regions stay
    selected once added. The investment goes to the selected regions by their inhabitants.
    """

    flag = "novi_option_5b"

    class Parameters(_RijkRegionalInvestment.Parameters):
        catch_up_threshold_pct_yr: float = Field(
            0.0, ge=-5.0, le=5.0, description="Jobs growth above the leading regions' that "
            "qualifies a region at a review, percentage points a year (ASSUMPTION; explore "
            "-0.2-0.5)")
        named_catching_up: bool = Field(
            True, description="Start with the seed's examples Groningen, Zwolle, "
            "Arnhem-Nijmegen (000:L383-384) selected")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._selected: np.ndarray | None = None
        self._last: tuple[int, np.ndarray] | None = None
        #: Regions added at reviews: (year, COROP id).
        self.added: list[tuple[int, int]] = []

    def selected(self, model: RegionModel) -> np.ndarray:
        """Selected COROP regions (bool by id)."""
        if self._selected is None:
            sel = np.zeros(n_regions(model.landscape) + 1, dtype=bool)
            codes = [c for cs in LEADING_REGIONS.values() for c in cs]
            if self.parameters.named_catching_up:
                codes += list(CATCHING_UP_EXAMPLES.values())
            sel[region_ids(model.landscape, codes)] = True
            self._selected = sel
        return self._selected

    def review(self, model: RegionModel, year: int) -> None:
        """Add the regions whose jobs grew faster than the leading regions' since the last
        review (the first review only records the jobs)."""
        jobs, _ = jobs_and_inhabitants_by_region(model)
        selected = self.selected(model)
        if self._last is not None:
            last_year, last = self._last
            years = max(year - last_year, 1)
            with np.errstate(invalid="ignore", divide="ignore"):
                growth = np.where(last > 0, (jobs / last) ** (1.0 / years) - 1.0, np.nan)
            lead = np.zeros(selected.shape, dtype=bool)
            lead[region_ids(model.landscape,
                            [c for cs in LEADING_REGIONS.values() for c in cs])] = True
            lead &= last > 0
            if lead.any():
                reference = (jobs[lead].sum() / last[lead].sum()) ** (1.0 / years) - 1.0
            else:
                from environment import population

                reference = population.NATIONAL_RATE_PER_YR
            threshold = reference + self.parameters.catch_up_threshold_pct_yr / 100.0
            qualifies = ~selected & (growth > threshold)
            qualifies[0] = False
            for region in np.flatnonzero(qualifies).tolist():
                self.added.append((year, region))
            selected |= qualifies
        self._last = (year, jobs.copy())

    def weights(self, model: RegionModel, year: int) -> np.ndarray:
        return _shares(self._national_people(model) * self.selected(model))


@register("NOVI17-BO5C")
class TaskBasedInvestment(_RijkRegionalInvestment):
    """NOVI option 5c, task-based: no selection of regions; investment by economic and
    sustainability tasks in all regions.

    Source: 000_4214751c5cef1d9b.txt:L387-389 (the option); 000_4214751c5cef1d9b.txt:L402-407
    (the whole network of large and small cities); 000_4214751c5cef1d9b.txt:L1978-1988
    (investment by added value and by sustainability tasks: industry, agriculture, housing
    stock, energy landscapes). Every region gets ``economic_weight`` x its share of the nation's
    inhabitants (a proxy of its added value; ASSUMPTION) plus ``1 - economic_weight`` x its share
    of the nation's agricultural land (a proxy of the sustainability tasks of agriculture and
    energy landscapes; ASSUMPTION), both from the national landscape.
    """

    flag = "novi_option_5c"

    class Parameters(_RijkRegionalInvestment.Parameters):
        economic_weight: float = Field(
            0.5, ge=0.0, le=1.0, description="Weight of the economic task (inhabitants) "
            "against the sustainability task (agricultural land) (ASSUMPTION; explore 0.3-0.8)")

    _weights: np.ndarray | None = None

    def weights(self, model: RegionModel, year: int) -> np.ndarray:
        if self._weights is None:
            people = self._national_people(model)
            farmland = _per_region(model.national,
                                   (model.national["land_use"] == AGRICULTURE).astype(float))
            farmland[0] = 0.0
            w = self.parameters.economic_weight
            self._weights = w * _shares(people) + (1.0 - w) * _shares(farmland)
        return self._weights
