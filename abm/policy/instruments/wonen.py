"""Instruments of the housing programme (Programma Woningbouw, NOVEX housing sites, the four
VISA regional urbanisation strategies of the Voorontwerp Nota Ruimte).

The housing programme itself (how many homes a province builds, inbreiding first, greenfield by
the farmland ladder) is :mod:`agents.households.housing`; these instruments change its numbers
and where it builds first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field

from abm.policy.mechanisms import InstrumentParameters, Rule, Target, Zoning
from abm.policy.registry import register
from abm.policy.state import PolicyState
from agents.households.housing import (VISA_GREENFIELD_CAP_SHARE, VISA_GREENFIELD_PENALTY,
                                       VISA_INFILL_FACTOR, VISA_SHARE_FACTOR)

if TYPE_CHECKING:
    from abm.model import RegionModel

#: Zone of the NOVEX housing sites (read by agents.households.housing).
NOVEX_ZONE = "novex_site"
#: Target the housing programme reads: homes to build this year, nationally.
HOMES_TARGET = "homes_built"

#: ASSUMPTION: approximate RD New points (+-2 km, read off the topographic map) of the 17
#: grootschalige NOVEX-woningbouwlocaties named in 003_96b59ff8675cf4bb.txt:L3121-3128 and
#: 004_9972baf923c41044.txt:L3388-3391; "Spoorzones Breda, Tilburg en Den Bosch" is one site
#: with three stations, the Oude Lijn Leiden-Dordrecht one site with four.
NOVEX_SITES: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    ("MRA West (Haarlemmermeer)", ((104_500.0, 481_500.0),)),
    ("MRA Oost (Almere)", ((143_500.0, 486_500.0),)),
    ("Havenstad Amsterdam", ((118_500.0, 489_500.0),)),
    ("Oude Lijn Leiden-Dordrecht", ((93_500.0, 463_500.0), (84_500.0, 448_500.0),
                                    (92_500.0, 437_500.0), (105_500.0, 424_500.0))),
    ("Rotterdam Oostflank", ((96_000.0, 437_500.0),)),
    ("Den Haag CID-Binckhorst", ((82_500.0, 455_000.0),)),
    ("Eindhoven Internationale Knoop XL", ((161_000.0, 383_500.0),)),
    ("Spoorzones Breda, Tilburg en Den Bosch", ((113_000.0, 401_000.0), (133_500.0, 397_500.0),
                                                (149_500.0, 411_500.0))),
    ("Utrecht Groot Merwede", ((135_500.0, 453_000.0),)),
    ("Spoor- en A1-zone Amersfoort", ((155_000.0, 463_000.0),)),
    ("Arnhem-Oost", ((192_500.0, 444_000.0),)),
    ("Nijmegen Kanaalzone", ((184_000.0, 430_500.0),)),
    ("Nijmegen Stationsgebied", ((187_000.0, 428_500.0),)),
    ("Foodvalley (Ede-Veenendaal)", ((171_500.0, 448_500.0),)),
    ("Spoorzone Zwolle", ((203_500.0, 502_000.0),)),
    ("Groningen Suikerunieterrein", ((231_500.0, 582_500.0),)),
    ("Groningen Stadshavens", ((236_500.0, 582_000.0),)),
)


@register("WONING-PROGRAMMA")
class HousingProgramme(Target):
    """Programma Woningbouw: 900,000 homes through 2030; production up to 100,000 a year from
    2024.

    Source: 003_96b59ff8675cf4bb.txt:L3057-3058. Sets the national number of homes the housing
    programme builds each year (``policy.targets["homes_built"]``; without this instrument the
    programme builds the 2023 level, :data:`agents.households.housing.BASELINE_HOMES_PER_YR`).
    The provinces' shares follow their housing agreements (WONING-PROV-2030) and no province
    builds more than its households need (:mod:`agents.households.housing`). When adaptive, a
    review raises the rate by a quarter while the homes built stay below it.
    """

    indicator = HOMES_TARGET
    better = "higher"
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        production_per_year: float = Field(
            100_000.0, ge=0.0, le=300_000.0, description="Homes built per year nationally "
            "(seed: 100,000 from 2024, 003:L3057-3058; explore 60,000-120,000)")

    def target_value(self, year: int) -> float:
        return self.parameters.production_per_year * self.intensity


def novex_cells(model: RegionModel, radius_m: float) -> np.ndarray:
    """Cells within ``radius_m`` of a NOVEX site point (bool, grid shape)."""
    grid = model.landscape.grid
    rows, cols = np.indices(grid.shape)
    x = grid.x_min_m + (cols + 0.5) * grid.cell_size_m
    y = grid.y_max_m - (rows + 0.5) * grid.cell_size_m
    near = np.zeros(grid.shape, dtype=bool)
    for _, points in NOVEX_SITES:
        for px, py in points:
            near |= (x - px) ** 2 + (y - py) ** 2 <= radius_m ** 2
    return near


@register("NOVEX-17-SITES")
class NovexHousingSites(Zoning):
    """17 grootschalige NOVEX-woningbouwlocaties in seven urbanisation areas, about 288,000
    homes through 2030.

    Source: 003_96b59ff8675cf4bb.txt:L3063-3066 and L3119-3128 (the sites);
    004_9972baf923c41044.txt:L3386-3393 (about 288,000 homes through 2030). The sites are
    :data:`NOVEX_SITES` (points, ASSUMPTION) with the land within ``radius_m``; each year the
    housing programme builds ``homes_through_2030`` / (2030 - start + 1) of its homes there
    first (split over the sites' provinces by their site area), infill at ten times the normal
    rate, then greenfield inside the sites (:mod:`agents.households.housing`). The seeds give no
    split per site.
    """

    zone = NOVEX_ZONE
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    class Parameters(InstrumentParameters):
        homes_through_2030: float = Field(
            288_000.0, ge=0.0, le=1_000_000.0, description="Homes at the 17 sites through "
            "2030 (seed: about 288,000, 004:L3386-3393)")
        first_year: int = Field(
            2024, ge=2000, le=2100, description="First year the sites build (the programme "
            "runs from 2024, 003:L3057-3058)")
        radius_m: float = Field(
            2500.0, ge=250.0, le=10_000.0, description="Radius of a site around its point "
            "(ASSUMPTION; the sites are districts of 100-1,000 ha; explore 1,000-4,000 m)")

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        p = self.parameters
        policy.zone(self.zone)[self.cells & novex_cells(model, p.radius_m)] = True
        years = max(2030 - p.first_year + 1, 1)
        rate = p.homes_through_2030 / years if p.first_year <= year <= 2030 else 0.0
        policy.targets["novex_homes_per_yr"] = policy.targets.get("novex_homes_per_yr",
                                                                  0.0) + rate


# -- VISA: four regional urbanisation strategies (Voorontwerp Nota Ruimte, 004) ---------------

#: The regions the VISA strategies name (004_9972baf923c41044.txt:L3610-3613, L3647-3656,
#: L3704-3714, L3747-3749) as COROP codes of the landscape's ``corop`` table. The seed has the
#: VISA map only as a caption (L3595-3598), no boundaries; where a seed region is not a COROP
#: region the mapping is an ASSUMPTION (docs/households.md, "VISA strategies (004)"):
#: Metropoolregio Amsterdam = IJmond, Agglomeratie Haarlem, Zaanstreek, Groot-Amsterdam, Het
#: Gooi en Vechtstreek and Flevoland (Almere and Lelystad are MRA members; as
#: abm.policy.instruments.regionaal.LEADING_REGIONS); Eindhoven = Zuidoost-Noord-Brabant;
#: Groningen-Assen = Overig Groningen and Noord-Drenthe; Brabantse stedenrij = West-, Midden-
#: and Noordoost-Noord-Brabant; Arnhem-Nijmegen-Foodvalley = Arnhem/Nijmegen and Veluwe (Ede,
#: Barneveld; Veluwe holds Apeldoorn of the Stedendriehoek too); Stedendriehoek = Veluwe and
#: Zuidwest-Overijssel (Deventer; Zutphen lies in the Achterhoek, which the seed puts under
#: Vitaliseren); Zwolle = Noord-Overijssel; Zuidelijke Randstad = Agglomeratie Leiden en
#: Bollenstreek, Agglomeratie 's-Gravenhage, Delft en Westland, Oost-Zuid-Holland, Groot-Rijnmond
#: and Zuidoost-Zuid-Holland; Fryslan = its three COROP regions; Noord-Holland Noord = Kop van
#: Noord-Holland and Alkmaar en omgeving; Rivierenland = Zuidwest-Gelderland; Zeeland = its two.
#: Oost-Groningen, Delfzijl, Zuidwest-Drenthe and Midden-Limburg get no strategy (the seed
#: names none for them).
VISA_REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "accommoderen": {
        "Metropoolregio Amsterdam": ("CR20", "CR21", "CR22", "CR23", "CR24", "CR40"),
        "Utrecht": ("CR17",),
        "Eindhoven": ("CR36",),
    },
    "initieren": {
        "Groningen-Assen": ("CR03", "CR07"),
        "Twente": ("CR12",),
        "Zuid-Limburg": ("CR39",),
    },
    "stimuleren": {
        "Brabantse stedenrij": ("CR33", "CR34", "CR35"),
        "Arnhem-Nijmegen-Foodvalley": ("CR15", "CR13"),
        "Stedendriehoek": ("CR11",),
        "Zwolle": ("CR10",),
        "Noord-Limburg": ("CR37",),
        "Zuidelijke Randstad": ("CR25", "CR26", "CR27", "CR28", "CR29", "CR30"),
    },
    "vitaliseren": {
        "Fryslan": ("CR04", "CR05", "CR06"),
        "Achterhoek": ("CR14",),
        "Zuidoost-Drenthe": ("CR08",),
        "Noord-Holland Noord": ("CR18", "CR19"),
        "Rivierenland": ("CR16",),
        "Zeeland": ("CR31", "CR32"),
    },
}


def visa_codes(strategy: str, exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """COROP codes of a VISA ``strategy``, less the seed regions named in ``exclude``."""
    return tuple(code for region, codes in VISA_REGIONS[strategy].items()
                 if region not in exclude for code in codes)


def corop_cells(model: RegionModel, codes: tuple[str, ...]) -> np.ndarray:
    """Cells (bool, grid shape) of the COROP regions ``codes``."""
    table = model.landscape.codes("corop")
    ids = [table.index(code) + 1 for code in codes]
    return np.isin(model.landscape["corop_id"], ids)


def _multiply(policy: PolicyState, name: str, where: np.ndarray, factor: float) -> None:
    """Multiply cell target ``name`` (NaN = 1) by ``factor`` on ``where``."""
    target = policy.cell_target(name)
    target[where] = np.where(np.isnan(target[where]), 1.0, target[where]) * factor


def _add(policy: PolicyState, name: str, where: np.ndarray, value: float) -> None:
    """Add ``value`` to cell target ``name`` (NaN = 0) on ``where``."""
    target = policy.cell_target(name)
    target[where] = np.nan_to_num(target[where]) + value


class _Visa(Rule):
    """A VISA strategy: a rule on the housing programme in the strategy's COROP regions."""

    strategy: ClassVar[str] = ""
    default_owner = "rijk"
    default_scope_layer = "land_mask"

    def regions(self, model: RegionModel, year: int) -> np.ndarray:
        """This year's cells of the strategy's regions within :attr:`cells`."""
        return self.cells & corop_cells(model, visa_codes(self.strategy))

    def apply(self, model: RegionModel, policy: PolicyState, year: int) -> None:
        policy.flags[self.flag] = True
        self.write(model, policy, self.regions(model, year))

    def write(self, model: RegionModel, policy: PolicyState, where: np.ndarray) -> None:
        raise NotImplementedError


@register("VISA-ACCOMMODEREN")
class VisaAccommoderen(_Visa):
    """VISA Accommoderen: the Metropoolregio's Amsterdam, Utrecht and Eindhoven take their
    housing growth largely inside the existing built area; little greenfield in peat meadows,
    waterlinies and deep polders.

    Source: 004_9972baf923c41044.txt:L3747-3749 (the regions), L3759-3762 ("grotendeels
    opvangen binnen grenzen van het bestaand bebouwd gebied"), L3775-3778 ("veenweidegebied,
    de waterlinies en diepliggende polders ... slechts beperkte mogelijkheid tot
    buitenstedelijke ontwikkeling"). In the regions (:data:`VISA_REGIONS`) the infill release
    is multiplied by ``infill_factor`` (``visa_infill_factor``; greenfield comes only after
    infill, as always) and greenfield on peat (``model.peat_ha > 0``) or in a deep polder
    (layer ``deep_polder``) is ordered after other greenfield by ``greenfield_penalty``
    (``visa_greenfield_penalty``). The waterlinies have no layer: their inundation fields lie
    largely on peat and in low polders, which stand in for them (ASSUMPTION).
    """

    strategy = "accommoderen"
    flag = "visa_accommoderen"

    class Parameters(InstrumentParameters):
        infill_factor: float = Field(
            2.0, ge=1.0, le=10.0, description="Multiplier on the yearly infill release in the "
            "regions (ASSUMPTION: the seed says 'grotendeels' inside the built area, "
            "004:L3759-3760, no number; explore 1.5-4)")
        greenfield_penalty: float = Field(
            2.0, ge=0.0, le=20.0, description="Utility units off the greenfield order on peat "
            "and deep polders in the regions (ASSUMPTION, as the soft building-zone penalties; "
            "explore 0.5-10)")

    def write(self, model: RegionModel, policy: PolicyState, where: np.ndarray) -> None:
        p = self.parameters
        _multiply(policy, VISA_INFILL_FACTOR, where, 1.0 + (p.infill_factor - 1.0)
                  * self.intensity)
        soft = where & ((model.peat_ha > 0) | model.landscape["deep_polder"])
        _add(policy, VISA_GREENFIELD_PENALTY, soft, p.greenfield_penalty * self.intensity)


@register("VISA-INITIEREN")
class VisaInitieren(_Visa):
    """VISA Initieren: Groningen-Assen and Twente, later Zuid-Limburg, take a larger share of
    the urbanisation than their current size and autonomous growth would give.

    Source: 004_9972baf923c41044.txt:L3647-3656 ("een aanzienlijk groter aandeel ... in de
    verstedelijkingsopgaven, dan alleen op basis van de huidige omvang en autonome groei";
    Twente first, Zuid-Limburg "op langere termijn"). In the regions the share of the national
    programme is multiplied by ``share_uplift`` (``visa_share_factor``): a province's share by
    its households-weighted mean factor, renormalised over the provinces so the national
    programme stays the same; the uplift is built in the regions first (after the NOVEX sites)
    and may exceed the province's own need by the same factor (:mod:`agents.households.housing`).
    """

    strategy = "initieren"
    flag = "visa_initieren"

    class Parameters(InstrumentParameters):
        share_uplift: float = Field(
            1.5, ge=1.0, le=5.0, description="Multiplier on the regions' share of the national "
            "programme (ASSUMPTION: the seed says 'aanzienlijk groter', 004:L3649-3651, no "
            "number; explore 1.2-3)")
        zuid_limburg_from_year: int = Field(
            2035, ge=2000, le=2100, description="First year Zuid-Limburg joins (ASSUMPTION: "
            "'op langere termijn', 004:L3654; explore 2030-2040)")

    def regions(self, model: RegionModel, year: int) -> np.ndarray:
        late = () if year >= self.parameters.zuid_limburg_from_year else ("Zuid-Limburg",)
        return self.cells & corop_cells(model, visa_codes(self.strategy, late))

    def write(self, model: RegionModel, policy: PolicyState, where: np.ndarray) -> None:
        _multiply(policy, VISA_SHARE_FACTOR, where,
                  1.0 + (self.parameters.share_uplift - 1.0) * self.intensity)


@register("VISA-STIMULEREN")
class VisaStimuleren(_Visa):
    """VISA Stimuleren: the Brabantse stedenrij, Arnhem-Nijmegen-Foodvalley, the
    Stedendriehoek, Zwolle, Noord-Limburg and the Zuidelijke Randstad urbanise concentrated
    around mobility nodes.

    Source: 004_9972baf923c41044.txt:L3711-3714 (the regions), L3736-3738 ("meer
    geconcentreerde verstedelijking rond mobiliteitsknopen"). In the regions greenfield farther
    than ``max_station_distance_m`` from a station (layer ``dist_station_m``) is ordered after
    greenfield nearer one by ``far_from_station_penalty`` (``visa_greenfield_penalty``): a
    strong preference, not a ban. The seed's economic effort (L3740-3745) is not modelled here.
    """

    strategy = "stimuleren"
    flag = "visa_stimuleren"

    class Parameters(InstrumentParameters):
        max_station_distance_m: float = Field(
            2000.0, ge=250.0, le=10_000.0, description="Greenfield within this distance of a "
            "station first (ASSUMPTION: cycling distance to a station; explore 1,000-3,000 m)")
        far_from_station_penalty: float = Field(
            10.0, ge=0.0, le=100.0, description="Utility units off the greenfield order beyond "
            "that distance (ASSUMPTION: larger than the spread of the attractiveness scores, "
            "so near cells go first; explore 1-20)")
        include_zuidelijke_randstad: bool = Field(
            True, description="Whether the Zuidelijke Randstad counts (seed: 'Ook de Zuidelijke "
            "Randstad scharen we hieronder', 004:L3714)")

    def regions(self, model: RegionModel, year: int) -> np.ndarray:
        skip = () if self.parameters.include_zuidelijke_randstad else ("Zuidelijke Randstad",)
        return self.cells & corop_cells(model, visa_codes(self.strategy, skip))

    def write(self, model: RegionModel, policy: PolicyState, where: np.ndarray) -> None:
        p = self.parameters
        far = where & (model.landscape["dist_station_m"] > p.max_station_distance_m)
        _add(policy, VISA_GREENFIELD_PENALTY, far, p.far_from_station_penalty * self.intensity)


@register("VISA-VITALISEREN")
class VisaVitaliseren(_Visa):
    """VISA Vitaliseren: the quieter regions (Fryslan, Achterhoek, Zuidoost-Drenthe,
    Noord-Holland Noord, Rivierenland, Zeeland) take their autonomous growth, by infill and
    small 'straatje erbij' increments.

    Source: 004_9972baf923c41044.txt:L3610-3613 (the regions; "het opvangen van de autonome
    bevolkingsontwikkeling voorop"), L3621-3622 and L3628 ("verdichting binnen kernen en
    'straatje erbij'", "kleinschalige inbreiding"), L3900-3903. Autonomous growth: the housing
    programme never builds more than a province's own households need (as without VISA).
    Small increments: in each region greenfield is at most ``greenfield_cap_share`` of the
    homes built there in a year (``visa_greenfield_cap_share``); what a province cannot build
    then goes to provinces with need left (:mod:`agents.households.housing`). The seed's
    concentration of services in one core town (L3641-3643) is not modelled.
    """

    strategy = "vitaliseren"
    flag = "visa_vitaliseren"

    class Parameters(InstrumentParameters):
        greenfield_cap_share: float = Field(
            0.3, ge=0.0, le=1.0, description="Most greenfield as a share of the homes a region "
            "builds in a year (ASSUMPTION: the seed gives no number; baseline about 0.55; "
            "explore 0.1-0.5)")

    def write(self, model: RegionModel, policy: PolicyState, where: np.ndarray) -> None:
        target = policy.cell_target(VISA_GREENFIELD_CAP_SHARE)
        share = self.parameters.greenfield_cap_share / max(self.intensity, 1e-9)
        target[where] = np.fmin(target[where], min(share, 1.0))
