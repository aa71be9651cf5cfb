"""Tunable model parameters: a registry of the model's default constants, and their overrides.

The farmer model's behavioural and economic defaults are module constants (``INERTIA`` in
:mod:`agents.farmers.options`, ``INCOME_SHARE`` in :mod:`agents.farmers.economics`, ...). This
module lists those a run may change (:func:`registry`), checks a scenario's ``[parameters]``
table against it (:func:`validate`) and sets the module attributes for the duration of a model's
set-up and of each of its years (:func:`applied`), so that two models with different values can
run side by side in one process.

Naming
    ``<module path without its top-level package>.<CONSTANT>``: ``farmers.options.INERTIA`` is
    ``agents.farmers.options.INERTIA``, ``nitrogen.KDW_DEFAULT_BY_FGR.hz`` is an element of
    ``environment.nitrogen.KDW_DEFAULT_BY_FGR``. An element of an array or table constant is
    named by its label(s) after the constant's name (``farmers.economics.MARGIN_KEUR_PER_HEAD
    .dairy_cows``, ``farmers.population.USE_SHARES.dairy.grassland``); the constant's own name
    takes a list of all its elements in the order of ``ruimte parameters``.
Allowed range
    The explore range of the constant's comment (``explore a-b``, or ``+-x%`` of the default),
    widened by a quarter of its width on each side, then cut to the quantity's physical bounds
    (a share or probability within 0-1, a length, price or scale above 0); integers are rounded
    outward. Where the comment gives no range, the physical bounds alone (noted in the
    definition). The explore range is what a sensitivity analysis should sample.
Read at call time
    Only constants that plain Python reads when it runs are registered: a value frozen at import
    (a default argument, a derived constant) or compiled into a numba function would not follow
    an override. Modules that import a registered constant by name (``from ... import ANNUITY``)
    get the override too (found from their source, :func:`aliases`).
"""

from __future__ import annotations

import ast
import importlib
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from abm.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
#: Packages whose modules may import a registered constant by name.
PACKAGES = ("abm", "agents", "environment")
ASSUMPTION = "ASSUMPTION"


@dataclass(frozen=True)
class Parameter:
    """One tunable number: a scalar constant or one element of an array or table constant."""

    name: str
    module: str
    attr: str
    unit: str
    default: float
    low: float
    high: float
    explore: tuple[float, float] | None
    definition: str
    source: str = ASSUMPTION
    kind: str = "float"  # "float" or "int"
    vector: str | None = None  # the name of the constant it is an element of

    def allowed(self) -> str:
        """The allowed values in words, for error messages and listings."""
        what = "an integer" if self.kind == "int" else "a number"
        unit = f" {self.unit}" if self.unit and self.unit != "1" else ""
        return f"{what} from {self.low:g} to {self.high:g}{unit}"


@dataclass(frozen=True)
class Vector:
    """An array or table constant whose elements are parameters."""

    name: str
    module: str
    attr: str
    elements: tuple[Parameter, ...]
    encode: Callable[[Any], list[float]] = field(repr=False)
    decode: Callable[[list[float], Any], Any] = field(repr=False)


def _allowed(explore: tuple[float, float] | None, bounds: tuple[float, float], kind: str
             ) -> tuple[float, float]:
    lo, hi = bounds
    if explore is not None:
        a, b = sorted(explore)
        w = (b - a) / 4.0
        lo, hi = max(lo, a - w), min(hi, b + w)
    if kind == "int":
        lo, hi = math.floor(lo), math.ceil(hi)
    return round(lo, 12), round(hi, 12)


def _clip(explore: tuple[float, float] | None, bounds: tuple[float, float]
          ) -> tuple[float, float] | None:
    """The explore range within the physical bounds."""
    if explore is None:
        return None
    a, b = sorted(explore)
    return (round(max(bounds[0], a), 12), round(min(bounds[1], b), 12))


_SCALARS: list[Parameter] = []
_VECTORS: list[Vector] = []


def _short(module: str) -> str:
    return module.split(".", 1)[1]


def _scalar(module: str, attr: str, unit: str, definition: str,
            explore: tuple[float, float] | None = None, bounds=(-math.inf, math.inf),
            source: str = ASSUMPTION, kind: str = "float") -> None:
    default = getattr(importlib.import_module(module), attr)
    lo, hi = _allowed(explore, bounds, kind)
    _SCALARS.append(Parameter(f"{_short(module)}.{attr}", module, attr, unit, default, lo, hi,
                              _clip(explore, bounds), definition, source, kind))


def _relative(default: float, share: float) -> tuple[float, float]:
    a, b = default * (1 - share), default * (1 + share)
    return (min(a, b), max(a, b))


def _elements(name: str, module: str, attr: str, unit: str, definition: str,
              labels: list[str], defaults: list[float], explore: Callable[[float], tuple],
              bounds, source: str) -> tuple[Parameter, ...]:
    out = []
    for label, value in zip(labels, defaults, strict=True):
        ex = explore(value)
        lo, hi = _allowed(ex, bounds, "float")
        out.append(Parameter(f"{name}.{label}", module, attr, unit, float(value), lo, hi,
                             _clip(ex, bounds),
                             f"{definition} ({label})", source, "float", name))
    return tuple(out)


def _array(module: str, attr: str, unit: str, definition: str, rows: list[str],
           cols: list[str] | None = None, use_cols: list[str] | None = None, *,
           relative: float | None = None, absolute: float | None = None,
           bounds=(0.0, math.inf), source: str = ASSUMPTION,
           use_rows: list[str] | None = None) -> None:
    """A 1-D array labelled by ``rows``, or a 2-D one by ``use_rows`` (of ``rows``, default all)
    x ``use_cols`` (of ``cols``, default all)."""
    value = getattr(importlib.import_module(module), attr)
    name = f"{_short(module)}.{attr}"
    if cols is None:
        index = [(i,) for i in range(len(rows))]
        labels = list(rows)
    else:
        use = use_cols or cols
        index = [(rows.index(r), cols.index(c)) for r in (use_rows or rows) for c in use]
        labels = [f"{rows[i]}.{cols[j]}" for i, j in index]
    defaults = [float(value[ix]) for ix in index]

    def explore(v: float) -> tuple[float, float]:
        return _relative(v, relative) if relative is not None else (v - absolute, v + absolute)

    def encode(obj: np.ndarray) -> list[float]:
        return [float(obj[ix]) for ix in index]

    def decode(values: list[float], default: np.ndarray) -> np.ndarray:
        out = np.array(default, copy=True)
        for ix, v in zip(index, values, strict=True):
            out[ix] = v
        return out

    _VECTORS.append(Vector(name, module, attr, _elements(
        name, module, attr, unit, definition, labels, defaults, explore, bounds, source),
        encode, decode))


def _table(module: str, attr: str, unit: str, definition: str, keys: list[str], *,
           relative: float | None = None, explore: tuple[float, float] | None = None,
           bounds=(0.0, math.inf), source: str = ASSUMPTION) -> None:
    """A dict of numbers; ``keys`` are the tunable entries (the others keep their value)."""
    value = getattr(importlib.import_module(module), attr)
    name = f"{_short(module)}.{attr}"

    def ex(v: float) -> tuple[float, float]:
        return _relative(v, relative) if relative is not None else explore

    def encode(obj: dict) -> list[float]:
        return [float(obj[k]) for k in keys]

    def decode(values: list[float], default: dict) -> dict:
        return {**default, **dict(zip(keys, (float(v) for v in values), strict=True))}

    _VECTORS.append(Vector(name, module, attr, _elements(
        name, module, attr, unit, definition, keys, [value[k] for k in keys], ex, bounds,
        source), encode, decode))


def _build() -> None:  # noqa: PLR0915 - one line per parameter
    from agents.farmers.placement import SOILS
    from agents.farmers.state import FARM_TYPES, LAND_USES, LIVESTOCK

    share, prob, pos = (0.0, 1.0), (0.0, 1.0), (0.0, math.inf)
    o = "agents.farmers.options"
    _scalar(o, "INERTIA", "utility", "Utility of staying as it is in the yearly option choice",
            (5, 8), pos)
    _scalar(o, "INCOME_SCALE_KEUR", "k euro/yr", "Income change worth one unit of utility",
            (5, 40), (1.0, math.inf))
    _scalar(o, "ATTITUDE_WEIGHT", "utility", "Weight of attitude on green options", (0, 3), pos)
    _scalar(o, "NEIGHBOUR_WEIGHT", "utility", "Weight of the COROP region's share of farms "
            "already organic, in natuurbeheer or low-emission", (0, 3), pos)
    _scalar(o, "HERD_STEP", "1", "Change of the herd when intensifying or extensifying",
            (0.05, 0.2), share)
    _scalar(o, "ANNUITY", "1/yr", "Annuity on the value of production capacity",
            (0.04, 0.1), share)
    _scalar(o, "ORGANIC_MARGIN_CHANGE", "1", "Change of gross margin on converting to organic",
            (-0.15, 0.05), (-1.0, 1.0))
    _scalar(o, "NATURE_SHARE", "1", "Share of the land enrolled in agrarisch natuurbeheer",
            (0.1, 0.3), share)
    _scalar(o, "NATURE_PAYMENT_EUR_HA", "euro/ha/yr", "Base payment for agrarisch "
            "natuurbeheer", (200, 800), pos)
    _scalar(o, "NATURE_MARGIN_LOSS", "1", "Share of the margin of enrolled land lost to "
            "natuurbeheer", (0.2, 0.5), share)
    _scalar(o, "TECHNOLOGY_FACTOR", "1", "Emission multiplier of low-emission technology",
            (0.5, 0.8), (0.01, 1.0))
    _scalar(o, "TECHNOLOGY_COST_SHARE", "1", "Cost of low-emission technology as a share of "
            "the capacity value (annualised)", (0.05, 0.3), share)

    e = "agents.farmers.economics"
    _array(e, "MARGIN_KEUR_PER_HEAD", "k euro/head/yr", "Standard gross margin per head",
           list(LIVESTOCK), relative=0.3)
    _array(e, "MARGIN_KEUR_PER_HA", "k euro/ha/yr", "Standard gross margin of crops per ha",
           list(LAND_USES), relative=0.3)
    _scalar(e, "INCOME_SHARE", "1", "Family farm income as a share of gross margin",
            (0.2, 0.5), share)
    _array(e, "CAPACITY_VALUE_KEUR_PER_HEAD", "k euro/head", "Value of the production "
           "capacity (stable places, buildings, rights) per head", list(LIVESTOCK), relative=0.4)
    _array(e, "RIGHTS_VALUE_KEUR_PER_HEAD", "k euro/head", "Value of the production rights "
           "alone per head", list(LIVESTOCK), relative=0.5)
    _scalar(e, "GRASS_LOSS_PER_CM", "1/cm", "Grassland margin lost per cm that the "
            "groundwater is shallower than the optimum", (0.005, 0.015), share)
    _scalar(e, "GRASS_OPTIMUM_DEPTH_CM", "cm", "Groundwater depth below which grassland loses "
            "no margin (no range in the code: physical bounds)", None, (10.0, 100.0))
    _scalar(e, "SALT_LOSS_CROPS", "1", "Share of the margin of arable and open-field "
            "horticulture lost at a salinity index of 1", (0.3, 0.8), share)
    _scalar(e, "SALT_LOSS_GRASS", "1", "Share of the grassland margin lost at a salinity "
            "index of 1", (0.1, 0.3), share)

    d = "agents.farmers.decisions"
    ages = (18, 100)
    _scalar(d, "SUCCESSION_AGE_YR", "yr", "Age at which a successor is known or not",
            (45, 55), ages, kind="int")
    _scalar(d, "RETIREMENT_AGE_YR", "yr", "Age from which heads hand over or stop", (62, 70),
            ages, kind="int")
    _scalar(d, "SUCCESSOR_AGE_YR", "yr", "Age of a successor taking over", (28, 40), ages,
            kind="int")
    _scalar(d, "RETIREMENT_EXIT_PROB", "1/yr", "Yearly probability that a head past "
            "retirement age without successor stops", (0.1, 0.3), prob)
    _scalar(d, "EARLY_EXIT_BASE", "1/yr", "Yearly early-exit probability of a farm of median "
            "size before the calibrated multiplier", (0.005, 0.02), prob)
    _scalar(d, "MAX_AGE_YR", "yr", "Age at which a farm that did not exit passes to a new "
            "entrant", (75, 85), ages, kind="int")
    _scalar(d, "NEW_ENTRANT_AGE_YR", "yr", "Age of a new entrant taking over a farm", (30, 45),
            ages, kind="int")
    _scalar(d, "SIZE_EXIT_ELASTICITY", "1", "Elasticity of early exit to farm size relative "
            "to its type's median", (0, 0.6), (0.0, 3.0))
    _scalar(d, "SUCCESSOR_SIZE_ODDS", "1", "Odds ratio of having a successor per doubling of "
            "farm size", (1, 1.5), (0.1, 10.0))
    for attr, default, what in (
            ("ACCEPT_INTERCEPT", -2.0, "intercept"),
            ("ACCEPT_PER_OFFER", 2.0, "per unit of offer above the farm's value"),
            ("ACCEPT_OLD_NO_SUCCESSOR", 1.5, "for heads aged 55+ without a successor"),
            ("ACCEPT_PER_ATTITUDE", 1.0, "per unit of attitude above 0.5"),
            ("ACCEPT_PER_LEVERAGE", 1.5, "per unit of debt over assets above the mean")):
        _scalar(d, attr, "logit", f"Logit of accepting a buy-out offer: {what}",
                _relative(default, 0.5))

    _array("agents.farmers.economics", "SOIL_MARGIN_FACTOR", "1", "Margin per ha of a land use "
           "on a soil relative to the national standard", ["unknown", *SOILS],
           list(LAND_USES), ["arable", "horticulture_open", "grassland"], absolute=0.1,
           bounds=(0.0, 3.0), use_rows=["zand", "klei", "veen", "loess"])

    m = "agents.farmers.land_market"
    _scalar(m, "DECAY_M", "m", "Distance decay of bids for land", (1000, 5000),
            (100.0, math.inf))
    _scalar(m, "OLD_WITHOUT_SUCCESSOR_WEIGHT", "1", "Relative bid for land of heads aged 60+ "
            "without successor", (0, 0.5), (0.0, 1.0))
    _scalar(m, "PLOUGH_PROBABILITY", "1", "Probability that a crop farm ploughs the grassland "
            "of a parcel it takes over", (0, 0.6), prob)
    _scalar(m, "PEAT_PLOUGH_FACTOR", "1", "Factor on the ploughing probability on peat", (0, 1),
            prob)

    fp = "agents.firms.placement"
    _scalar(fp, "CLUSTER_SHARE", "1", "Share of the nation's industrieel establishments the "
            "industrial clusters draw", (0.4, 0.8), share)
    _scalar(fp, "CAMPUS_SHARE", "1", "Share of the nation's innovatie establishments the "
            "campuses draw", (0.3, 0.7), share)
    _scalar(fp, "STATION_SCALE_M", "m", "Length scale of stedelijk firms' preference for "
            "stations", (500, 3000), (1.0, math.inf))
    _scalar(fp, "CORRIDOR_SCALE_M", "m", "Length scale of the distribution corridor proxy "
            "(distance to a station)", (2000, 10000), (1.0, math.inf))
    _array("agents.firms.population", "JOBS_PER_ESTABLISHMENT", "jobs", "Jobs per "
           "establishment by size class before scaling to the CBS jobs of its section",
           ["size_0", "size_1", "size_2_to_10", "size_10_plus"], relative=0.5,
           bounds=(0.0, 1000.0))

    hc = "agents.households.choice"
    ages3, incomes3 = ["age_15_44", "age_45_64", "age_65plus"], ["low", "middle", "high"]
    _array(hc, "MOVE_RATE_PER_YR", "1/yr", "Yearly probability that a household group moves, by "
           "age class of the reference person", ages3, relative=0.5, bounds=prob,
           source="CBS: 9.7% of persons moved in 2023; the split by age is an ASSUMPTION")
    _scalar(hc, "DISTANCE_WEIGHT", "utility per 10 km", "Disutility of distance from the origin "
            "in the residential choice", (0.2, 1), pos,
            source="Calibrated to CLO/PBL: 80% of moves stay inside the province (2015)")
    _array(hc, "JOBS_WEIGHT", "utility", "Weight of jobs within reach (log) in the residential "
           "choice, by age class", ages3, relative=1.0)
    _array(hc, "COST_WEIGHT", "utility", "Weight of housing cost (capitalised accessibility) in "
           "the residential choice, by income class", incomes3, relative=1.0)
    _array(hc, "GREEN_WEIGHT", "utility", "Weight of nature within about 2 km in the "
           "residential choice, by age class", ages3, relative=1.0)
    _scalar(hc, "STATION_WEIGHT", "utility", "Weight of station proximity in the residential "
            "choice", (0, 1), pos)
    _scalar(hc, "RISK_WEIGHT", "utility", "Weight of the WBS-21 risk score in the residential "
            "choice", (0, 1), pos)
    _scalar(hc, "ACCESS_SCALE_M", "m", "Length scale of jobs within reach", (5000, 20000),
            (100.0, math.inf))
    _scalar(hc, "LOCAL_RADIUS_M", "m", "Radius of a household's local search", (5000, 25000),
            (1000.0, math.inf))
    hd = "agents.households.demography"
    _scalar(hd, "DISSOLUTION_RATE_PER_YR", "1/yr", "Yearly share of 65+ households that end",
            (0.03, 0.06), share)
    _scalar(hd, "HOUSEHOLD_GROWTH_PER_YR", "1/yr", "Growth of the number of households "
            "(population trend plus the fall of the household size)", (0.005, 0.01),
            (-0.05, 0.05))
    _scalar("agents.households.state", "HOUSEHOLDS_PER_AGENT", "households", "Most households "
            "in one household agent", (25, 500), (1.0, 10000.0))
    hs = "agents.households.housing"
    _scalar(hs, "BASELINE_HOMES_PER_YR", "homes/yr", "Homes built per year nationally without "
            "a programme", (60000, 90000), pos,
            source="CBS new-build completions 2023 (ruim 73 duizend)")
    _scalar(hs, "INFILL_SHARE", "1", "Share of the baseline programme the infill capacity "
            "holds (calibration of the yearly infill release)", (0.3, 0.6), share,
            source="CBS for the Monitor Infrastructuur en Ruimte 2014: 46% of the growth of "
            "the stock 2000-2012 inside existing built-up land")
    _scalar(hs, "GREENFIELD_HOMES_HA", "homes/ha", "Density of greenfield housing", (20, 50),
            (1.0, math.inf))
    _scalar(hs, "FRINGE_DISTANCE_M", "m", "Greenfield is built within this distance of "
            "built-up land (at least one cell)", (250, 1500), pos)
    _scalar(hs, "FRINGE_PRICE_FACTOR", "1", "Price developers pay for farmland at the urban "
            "fringe, times the farmland price", (2, 6), (1.0, math.inf))
    _scalar(hs, "NOVEX_INFILL_FACTOR", "1", "Factor on the infill release inside NOVEX sites",
            (3, 20), (1.0, math.inf))
    _scalar("agents.households", "GREEN_RADIUS_M", "m", "Radius of 'green nearby' in the "
            "residential choice", (1000, 5000), (100.0, math.inf))
    _scalar("agents.households", "RISK_CELL_THRESHOLD", "1", "WBS-21 risk score from which a "
            "cell counts for homes_in_risk_cells", (0.3, 0.7), share)

    nr = "abm.nitrogen_room"
    _scalar(nr, "PROJECT_HA", "ha", "Largest project whose peak deposition is tested against "
            "the permit threshold (a larger cell counts as several)", (2, 25), (0.01, math.inf))
    _scalar(nr, "HOME_EMISSION_KG_N_YR", "kg N/yr", "NOx (as N) of a new home in use, for the "
            "deposition and nitrogen permits", (0.1, 1.0), pos)
    _scalar(nr, "BUSINESS_EMISSION_KG_N_HA_YR", "kg N/ha/yr", "Emission (as N) of a hectare of "
            "new business land", (5, 200), pos)
    _scalar(nr, "INFRASTRUCTURE_EMISSION_KG_N_HA_YR", "kg N/ha/yr", "Traffic NOx (as N) of a "
            "hectare of new road", (20, 400), pos)
    _scalar(nr, "ENERGY_EMISSION_KG_N_HA_YR", "kg N/ha/yr", "Emission (as N) of a hectare of "
            "solar field or substation", (0, 5), pos)
    _scalar(nr, "DEFENCE_EMISSION_KG_N_HA_YR", "kg N/ha/yr", "Emission (as N) of a hectare of "
            "new defence terrain", (5, 100), pos)
    lc = "abm.land_claims"
    _scalar(lc, "INFRASTRUCTURE_HA_PER_YR", "ha/yr", "Farmland taken by new roads and rail a "
            "year, nationally", (100, 1000), pos)
    _scalar(lc, "SOLAR_TWH_PER_HA", "TWh/ha/yr", "Yield of a hectare of solar field",
            (0.0007, 0.0012), (1e-6, math.inf))

    no = "agents.nature_organisations"
    _scalar(no, "NATIONAL_BUDGET_MEUR_PER_YR", "million euro/yr", "What nature organisations "
            "together spend on farmland next to Natura 2000 a year", (0, 60), (0.0, 1000.0))
    _scalar(no, "MAX_DISTANCE_M", "m", "Nature organisations buy farmland within this "
            "distance of Natura 2000", (250, 1000), (0.0, 10000.0))
    _scalar(no, "PRICE_SHARE", "1", "Price nature organisations pay, as a share of the cell's "
            "price", (1.0, 1.2), (0.1, 3.0))

    lo = "agents.farmers.land_options"
    _scalar(lo, "SELL_SHARE", "1", "Share of its area a farm that chooses sell_land sells",
            (0.1, 0.3), share)
    _scalar(lo, "SELL_MIN_AREA_HA", "ha", "Smallest farm that sells part of its land "
            "(sell_land)", (5, 20), pos)
    _scalar(lo, "SALE_RETURN_RATE", "1/yr", "Net yearly return a farmer gets on the proceeds "
            "of land sold (sell_land, nature_land)", (0.005, 0.03), share)
    _scalar(lo, "SELL_OLD_NO_SUCCESSOR", "utility", "Utility of selling land (sell_land, "
            "nature_land) for heads aged OLD_AGE_YR+ without a successor", (0, 2), pos)
    _scalar(lo, "OLD_AGE_YR", "yr", "Age from which a head without a successor downsizes "
            "(sell_land, nature_land)", (55, 65), ages, kind="int")
    _scalar(lo, "NATURE_LAND_MAX_SHARE", "1", "Most of its area a farm offers for nature in a "
            "year (nature_land)", (0.25, 0.75), share)

    p = "agents.farmers.land_prices"
    _scalar(p, "DESIGNATED_PRICE_RATIO", "1", "Value of land with a nature designation "
            "relative to farmland", (0.25, 1.0), share,
            source="Kadaster kwartaalbericht agrarische grondmarkt 2022-4 and Kadaster/WUR 2023 "
            "(natural grassland 35,300 over grassland 69,400 euro/ha)")
    _scalar(p, "EXTENSIVE_DISCOUNT_SHARE", "1", "Share of the nature discount that land with "
            "an extensive designation loses", (0, 1), share)
    _scalar(p, "ELASTICITY", "1", "Elasticity of the land price to demand over supply",
            (0.1, 0.6), (0.0, 3.0))
    _scalar(p, "NEW_YEAR_WEIGHT", "1", "Weight of this year in the smoothed land demand and "
            "supply", (0.2, 1.0), share)
    _scalar(p, "MAX_CHANGE", "1/yr", "Largest land price change in a year", (0.03, 0.10), share)

    g = "agents.farmers.gbd"
    _scalar(g, "UPTAKE_RATE_MAX", "1/yr", "Share of farms below the groenblauwe dooradering "
            "target that close their gap in a year when the payment far exceeds their loss",
            (0.2, 1.0), prob)
    _scalar(g, "UPTAKE_SCALE_KEUR_HA", "k euro/ha/yr", "Net gain worth one unit of the "
            "groenblauwe dooradering logit", (0.1, 0.5), (0.01, math.inf))

    r = "agents.farmers.relocation"
    _scalar(r, "CLUSTER_RADIUS_M", "m", "Radius within which greenhouse area counts toward a "
            "heat cluster", (2000, 5000), (100.0, 20_000.0))
    _scalar(r, "CLUSTER_MIN_GLASS_HA", "ha", "Greenhouse area within the radius that makes a "
            "cell part of a heat cluster", (20, 100), pos)
    _scalar(r, "RELOCATION_INERTIA", "utility", "Utility of staying in the greenhouse "
            "relocation choice", (1, 4))
    _scalar(r, "GREENHOUSE_RELOCATION_COST_KEUR_HA", "k euro/ha", "Net cost of building a "
            "greenhouse anew in a cluster, less the sale of the old site", (100, 400), pos)
    _scalar(r, "EXIT_OLD_NO_SUCCESSOR", "utility", "Utility bonus of stopping for heads aged "
            "55+ without a successor (greenhouse relocation choice)", (0.5, 2.5))
    _scalar(r, "RELOCATION_ATTITUDE_WEIGHT", "utility", "Weight of attitude on relocating a "
            "greenhouse", (0, 2), pos)
    for attr, default, what in (
            ("LIVESTOCK_INTERCEPT", -2.5, "intercept"),
            ("LIVESTOCK_PER_SHARE", 2.0, "per unit of subsidy (share of capacity value) "
             "above 0.5"),
            ("LIVESTOCK_FUTURE", 1.0, "for farms with a future (successor, or head under 50)"),
            ("LIVESTOCK_PER_ATTITUDE", 1.0, "per unit of attitude above 0.5")):
        _scalar(r, attr, "logit", f"Logit of accepting a livestock relocation offer: {what}",
                _relative(default, 0.5))

    f = "agents.farmers.finance"
    _scalar(f, "OWNED_LAND_SHARE", "1", "Share of a farm's area it owns (the rest is leased)",
            (0.5, 0.7), share)
    _scalar(f, "CROP_BUILDINGS_KEUR_HA", "k euro/ha", "Value of buildings and machinery per "
            "ha of arable and open-field horticulture", (5, 20), pos)
    _scalar(f, "GLASS_VALUE_KEUR_HA", "k euro/ha", "Book value of greenhouses per ha of glass",
            (200, 800), pos)
    _scalar(f, "SOLVENCY_MEAN", "1", "Mean solvency (equity over assets) of the farms at the "
            "start", (0.55, 0.8), (0.01, 0.99),
            source="Wageningen Economic Research, Agrimatie 'Balans en financiering' (two "
            "thirds 2014, 71% 2017, 73% 2020; https://www.agrimatie.nl/ThemaResultaat.aspx?"
            "subpubID=2232&themaID=2265&indicatorID=2009); ASSUMPTION for the 2023 mean over "
            "all holdings")
    _scalar(f, "SOLVENCY_CONCENTRATION", "1", "Concentration (a + b) of the Beta distribution "
            "of the start solvency", (4, 20), (0.5, math.inf))
    _scalar(f, "DRAWINGS_KEUR", "k euro/yr", "Household drawings per farm per year", (30, 70),
            pos)
    _scalar(f, "OFF_FARM_INCOME_KEUR", "k euro/yr", "Off-farm income of the farm household "
            "per year", (0, 40), pos)
    _scalar(f, "MIN_SOLVENCY", "1", "Lowest solvency at which a bank finances low-emission "
            "technology or a livestock relocation (and the low-solvency indicator's threshold)",
            (0.2, 0.4), share)

    q = "agents.farmers.population"
    _scalar(q, "DAIRY_SHARE_OF_CATTLE_HOLDINGS", "1", "Share of holdings with cattle that "
            "keep dairy cows", (0.55, 0.7), share,
            source="CBS 80780ned and CBS dairy holdings 2023 (14,270 of 22,478); "
            "ASSUMPTION for other provinces and years")
    _scalar(q, "GREENHOUSE_MEAN_HA", "ha", "Mean greenhouse holding (glass)", (2.5, 5),
            (0.1, math.inf))
    _scalar(q, "HORTICULTURE_MEAN_HA", "ha", "Mean open-field horticulture holding", (8, 20),
            (0.1, math.inf))
    _scalar(q, "ARABLE_MEAN_HA", "ha", "Mean arable area of an arable farm", (35, 70),
            (0.1, math.inf))
    _scalar(q, "FARM_SIZE_SIGMA", "1", "Dispersion (sigma of log size) of farm sizes within a "
            "type", (0.4, 0.9), (0.01, 3.0))
    _array(q, "USE_SHARES", "1", "Share of each land use's provincial area held by each farm "
           "type", list(FARM_TYPES), list(LAND_USES), absolute=0.1, bounds=share)
    _scalar(q, "OTHER_CATTLE_ON_DAIRY", "1", "Share of other cattle kept on dairy farms (no "
            "range in the code: physical bounds)", None, share)
    _scalar(q, "AGE_MEAN_YR", "yr", "Mean age of farm heads at the start", (52, 58), ages)
    _scalar(q, "AGE_SD_YR", "yr", "Standard deviation of the age of farm heads (no range in "
            "the code: physical bounds)", None, (1.0, 25.0))
    _scalar(q, "AGE_MIN_YR", "yr", "Youngest farm head at the start (no range in the code: "
            "physical bounds)", None, (16, 35), kind="int")
    _scalar(q, "AGE_MAX_YR", "yr", "Oldest farm head at the start (no range in the code: "
            "physical bounds)", None, (70, 100), kind="int")
    _scalar(q, "SUCCESSOR_SHARE_50PLUS", "1", "Share of farm heads aged 50+ with a known "
            "successor", (0.2, 0.5), share)
    _scalar(q, "ORGANIC_SHARE", "1", "Share of holdings that farm organically at the start",
            (0.02, 0.06), share)

    pl = "agents.farmers.placement"
    _array(pl, "SOIL_PREFERENCE", "log-odds", "Preference of a farm type for a soil when its "
           "farmstead is placed", list(FARM_TYPES), list(SOILS), ["zand", "klei", "veen",
                                                                  "loess"],
           absolute=0.5, bounds=(-math.inf, math.inf))
    _scalar(pl, "GREENHOUSE_FRINGE_PREFERENCE", "log-odds", "Preference of greenhouses for "
            "the urban fringe (no range in the code: physical bounds)", None, (-3.0, 3.0))
    _scalar(pl, "N2000_BUFFER_M", "m", "Distance to Natura 2000 that intensive livestock "
            "avoids (no range in the code: physical bounds)", None, (0.0, 5000.0))
    _scalar(pl, "N2000_BUFFER_PREFERENCE", "log-odds", "Preference of intensive livestock for "
            "cells within that distance (no range in the code: physical bounds)", None,
            (-5.0, 0.0))
    _scalar(pl, "CAPACITY_SLACK", "1", "Farmland a cell may hold above its province's mean "
            "utilised share", (0.1, 0.5), (0.0, 2.0))

    _table("environment.nitrogen", "KDW_DEFAULT_BY_FGR", "mol N/ha/yr", "Default critical "
           "deposition value of nitrogen-sensitive Natura 2000 by soil-landscape",
           ["hz", "du", "lv", "zk", "ri", "hl", "ni"], relative=0.3)
    _scalar("environment.peat", "WATER_LEVEL_STEP_CM_PER_YR", "cm/yr", "Largest change of "
            "groundwater depth a waterschap makes in a year", (5, 20), (0.1, 100.0))
    s = "environment.salinity"
    _table(s, "DRIVERS", "1/yr", "Yearly rise of the salinity index on the coast per "
           "salinity_driver", ["moderate", "strong"], explore=(0.0, 0.05), bounds=share)
    _scalar(s, "COAST_REACH_M", "m", "How far inland seepage and salt intrusion reach",
            (10_000, 40_000), (1000.0, 100_000.0))
    _scalar(s, "MAX_ELEVATION_M_NAP", "m NAP", "Land higher than this does not salinise",
            (0, 2), (-10.0, 10.0))


@dataclass(frozen=True)
class Registry:
    """Every tunable parameter by name, and the array and table constants by name."""

    parameters: dict[str, Parameter]
    vectors: dict[str, Vector]
    defaults: dict[tuple[str, str], Any]
    aliases: dict[tuple[str, str], tuple[tuple[str, str], ...]]

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters.values())

    def __len__(self) -> int:
        return len(self.parameters)


def _module_files() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def aliases(targets: set[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Per (module, attr) of ``targets``, the (module, name) pairs that import it by name at
    module level (``from agents.farmers.options import ANNUITY``)."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {t: [] for t in targets}
    for name, path in _module_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                for alias in node.names:
                    key = (node.module, alias.name)
                    if key in out:
                        out[key].append((name, alias.asname or alias.name))
    return out


@cache
def registry() -> Registry:
    """The registry, built on first use (defaults are the module values at that moment)."""
    if not _SCALARS:
        _build()
    params: dict[str, Parameter] = {p.name: p for p in _SCALARS}
    for vec in _VECTORS:
        params.update({p.name: p for p in vec.elements})
    defaults: dict[tuple[str, str], Any] = {}
    for p in params.values():
        value = getattr(importlib.import_module(p.module), p.attr)
        defaults[(p.module, p.attr)] = (np.array(value, copy=True)
                                        if isinstance(value, np.ndarray)
                                        else dict(value) if isinstance(value, dict) else value)
    found = aliases(set(defaults))
    for users in found.values():
        for module, _ in users:
            importlib.import_module(module)  # imported now, so it never copies an override
    return Registry(dict(sorted(params.items())), {v.name: v for v in _VECTORS}, defaults,
                    {k: tuple(v) for k, v in found.items()})


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_value(p: Parameter, value: Any, source: str, field_name: str) -> float | int:
    if p.kind == "int" and not (isinstance(value, int) and not isinstance(value, bool)):
        raise InputError(source, field_name, f"{value!r} is not an integer", allowed=p.allowed())
    if not _number(value) or not math.isfinite(value):
        raise InputError(source, field_name, f"{value!r} is not a number", allowed=p.allowed())
    if not p.low <= value <= p.high:
        raise InputError(source, field_name, f"{value!r} is out of range", allowed=p.allowed())
    return int(value) if p.kind == "int" else float(value)


def _unknown(name: str, reg: Registry, source: str) -> InputError:
    module = name.split(".")[:2]
    near = [n for n in list(reg.vectors) + list(reg.parameters) if n.split(".")[:2] == module]
    allowed = (", ".join(near) if near else
               ", ".join(sorted({".".join(n.split(".")[:2]) + ".*" for n in reg.parameters})))
    return InputError(source, f"parameters.{name}", "unknown parameter",
                      allowed=allowed + " ('ruimte parameters' lists them)")


def validate(overrides: Mapping[str, Any], source: str = "<parameters>") -> dict[str, Any]:
    """Check a ``[parameters]`` table; return it normalised (floats, ints, lists of floats).

    Raises
    ------
    InputError
        An unknown name, a value of the wrong type or out of range, a list of the wrong length,
        or a constant given both as a list and element by element.
    """
    reg = registry()
    if not isinstance(overrides, Mapping):
        raise InputError(source, "parameters", "not a table",
                         allowed="a table of parameter names and numbers")
    out: dict[str, Any] = {}
    for name, value in overrides.items():
        field_name = f"parameters.{name}"
        if name in reg.vectors:
            vec = reg.vectors[name]
            labels = [p.name[len(name) + 1:] for p in vec.elements]
            allowed = (f"a list of {len(labels)} numbers ({', '.join(labels)}); each element's "
                       "range: 'ruimte parameters'")
            if not isinstance(value, (list, tuple)):
                raise InputError(source, field_name, f"{value!r} is not a list", allowed=allowed)
            if len(value) != len(labels):
                raise InputError(source, field_name, f"a list of {len(value)} numbers",
                                 allowed=allowed)
            out[name] = [float(_check_value(p, v, source, f"{field_name}[{i}]"))
                         for i, (p, v) in enumerate(zip(vec.elements, value, strict=True))]
            given = [n for n in overrides if n.startswith(name + ".")]
            if given:
                raise InputError(source, f"parameters.{given[0]}", f"{name} is also given as a "
                                 "list", allowed="the list or its elements, not both")
        elif name in reg.parameters:
            out[name] = _check_value(reg.parameters[name], value, source, field_name)
        else:
            raise _unknown(name, reg, source)
    return out


def merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``: an element in ``top`` goes into a list of ``base``; a list in
    ``top`` replaces ``base``'s elements of that constant."""
    reg = registry()
    out = dict(base)
    for name, value in top.items():
        if name in reg.vectors:
            out = {k: v for k, v in out.items() if not k.startswith(name + ".")}
        p = reg.parameters.get(name)
        if p is not None and p.vector is not None and isinstance(out.get(p.vector), list):
            vec = reg.vectors[p.vector]
            index = [e.name for e in vec.elements].index(name)
            out[p.vector] = [*out[p.vector]]
            out[p.vector][index] = value
            continue
        out[name] = value
    return out


def resolve(overrides: Mapping[str, Any]) -> dict[tuple[str, str], Any]:
    """The module attributes (module, attr) -> value that ``overrides`` (validated) set."""
    reg = registry()
    out: dict[tuple[str, str], Any] = {}
    lists: dict[str, list[float]] = {}
    for name, value in overrides.items():
        if name in reg.vectors:
            lists[name] = [float(v) for v in value]
            continue
        p = reg.parameters[name]
        if p.vector is None:
            out[(p.module, p.attr)] = value
        else:
            vec = reg.vectors[p.vector]
            values = lists.setdefault(vec.name, vec.encode(reg.defaults[(vec.module, vec.attr)]))
            values[[e.name for e in vec.elements].index(name)] = float(value)
    for name, values in lists.items():
        vec = reg.vectors[name]
        out[(vec.module, vec.attr)] = vec.decode(values, reg.defaults[(vec.module, vec.attr)])
    return out


@contextmanager
def applied(overrides: Mapping[str, Any] | None) -> Iterator[None]:
    """Set the module attributes of ``overrides`` (parameter name -> value) while the block runs,
    then restore them (also when it raises). Modules that import a constant by name get the
    value too. An empty mapping changes nothing.

    Examples
    --------
    >>> from agents.farmers import options
    >>> with applied({"farmers.options.INERTIA": 7.0}):
    ...     options.INERTIA
    7.0
    >>> options.INERTIA
    6.0
    """
    if not overrides:
        yield
        return
    reg = registry()
    targets = resolve(validate(overrides))
    saved: list[tuple[Any, str, Any]] = []
    try:
        for (module, attr), value in targets.items():
            for mod_name, name in ((module, attr), *reg.aliases.get((module, attr), ())):
                mod = importlib.import_module(mod_name)
                saved.append((mod, name, getattr(mod, name)))
                setattr(mod, name, value)
        yield
    finally:
        for mod, name, value in reversed(saved):
            setattr(mod, name, value)


def table_rows() -> list[dict[str, str]]:
    """One row per parameter for listings and docs: name, default, unit, range, source."""
    rows = []
    for p in registry():
        explore = "" if p.explore is None else f"{p.explore[0]:g} to {p.explore[1]:g}"
        rows.append({"name": p.name, "default": f"{p.default:g}", "unit": p.unit,
                     "allowed": f"{p.low:g} to {p.high:g}", "explore": explore,
                     "source": p.source, "definition": p.definition})
    return rows


def markdown_table() -> str:
    """The docs table of every parameter (docs/parameters.md)."""
    lines = ["| name | default | unit | allowed | explore | source | definition |",
             "|---|---|---|---|---|---|---|"]
    for r in table_rows():
        lines.append(f"| `{r['name']}` | {r['default']} | {r['unit']} | {r['allowed']} | "
                     f"{r['explore']} | {r['source']} | {r['definition']} |")
    return "\n".join(lines) + "\n"
