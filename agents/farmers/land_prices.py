"""Regional farmland prices: the published 2023 level per province and its yearly update.

Pure functions over arrays; the model keeps the state (``RegionModel.land_price_eur_ha``, one
price per province id) and calls them in its land-market phase.

- Start: the Kadaster / Wageningen Economic Research price of 2023 per province
  (``data/land_prices_kadaster_2023.csv``; sources in ``data/README.md``). The model works in
  2023 euro: a run from any start year starts at the 2023 level (ASSUMPTION; no inflation).
- Yearly update per province: the price moves toward ``p2023 x (demand / supply) **
  ELASTICITY`` by at most ``MAX_CHANGE`` a year, where supply is the land of farms that stop
  and demand the bids of the province's farms (calibrated to balance supply at the start) plus
  what governments and the land bank bought, both smoothed over the years
  (``NEW_YEAR_WEIGHT``).
- Land with a nature designation (it turned to nature) is worth :data:`DESIGNATED_PRICE_RATIO`
  of the regional price; land with an extensive designation (an extensification scheme pays
  there, or it lies in the LN-13 aandachtsgebied) loses :data:`EXTENSIVE_DISCOUNT_SHARE` of
  that discount.
- LN-09 classes of farmland (:func:`challenge_class`): zware / matige / beperkte uitdagingen.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data" / "land_prices_kadaster_2023.csv"

#: National mean farmland price 2023 (euro/ha), Kadaster & WUR (asrrealestate.nl, landelijk
#: overzicht grondprijzen; gfactueel.nl 'grondprijs stijgt ruim 6% in laatste kwartaal 2023').
NATIONAL_PRICE_2023_EUR_HA = 78_800.0
#: Farmland traded in 2023 (ha; 1.53% of farmland), Kadaster (gfactueel.nl, as above).
NATIONAL_TRADED_2023_HA = 27_400.0
#: Natural grassland (agricultural co-use possible) 35,300 euro/ha over grassland 69,400 euro/ha:
#: the value of land with a nature or extensive designation relative to farmland. Kadaster
#: kwartaalbericht agrarische grondmarkt 2022-4 (natural grassland 2012-2022) and Kadaster/WUR
#: 2023 grassland price (asrrealestate.nl). Explore 0.25 (forest land 17,800) to 1.0.
DESIGNATED_PRICE_RATIO = 35_300.0 / 69_400.0
#: ASSUMPTION: land with an extensive designation (an extensification scheme pays there, or it
#: lies in the LN-13 aandachtsgebied, which keeps its agricultural destination, 004:L1201-1202)
#: loses this share of the nature discount; explore 0-1.
EXTENSIVE_DISCOUNT_SHARE = 0.5
#: ASSUMPTION: elasticity of the price level to demand over supply; explore 0.1-0.6.
ELASTICITY = 0.3
#: ASSUMPTION: weight of this year in the smoothed demand and supply the price follows (the rest
#: is the past); explore 0.2-1.
NEW_YEAR_WEIGHT = 0.5
#: ASSUMPTION: largest price change in a year (share); explore 0.03-0.10 (published national
#: changes: +5.8% 2021-2022, +7.4% 2022-2023).
MAX_CHANGE = 0.05
#: Farmland hectares added to demand and supply in every province so that a province without
#: trade keeps its price (ha).
SMOOTHING_HA = 1.0

#: LN-09 classes in ladder order (first choice first).
CHALLENGE_CLASSES: tuple[str, ...] = ("zware", "matige", "beperkte")
ZWARE, MATIGE, BEPERKTE = range(3)
#: Salinity index from which farmland has heavy challenges (as the ``saline_area_ha`` indicator).
SALINE_INDEX = 0.2


@cache
def price_table() -> pd.DataFrame:
    """The shipped 2023 price table, one row per province (CBS code ``PV20``..``PV31``)."""
    return pd.read_csv(DATA, dtype={"province_code": str})


def start_prices_eur_ha(province_codes: list[str]) -> np.ndarray:
    """Price per province id (index 0 unused: NaN), from the table, for landscape codes.

    Parameters
    ----------
    province_codes : list of str
        The landscape's province code table (id ``i`` is ``province_codes[i - 1]``).
    """
    table = price_table().set_index("province_code").price_eur_ha
    missing = [c for c in province_codes if c not in table.index]
    if missing:
        raise KeyError(f"no 2023 land price for province(s) {missing}")
    return np.concatenate([[np.nan], table.loc[province_codes].to_numpy(np.float64)])


def marginal_return_keur_ha(margin_keur: np.ndarray, area_ha: np.ndarray) -> np.ndarray:
    """Return of a hectare more for each farm (k euro/ha/yr): its gross margin per hectare, the
    crops it grows and the manure and fodder room its herd needs (0 without land)."""
    return np.where(area_ha > 0, margin_keur / np.maximum(area_ha, 1e-12), 0.0)


def bid_weight(marginal_keur_ha: np.ndarray, reference_keur_ha: float | np.ndarray,
               low: float = 0.25, high: float = 4.0) -> np.ndarray:
    """Relative strength of each farm's bid: its marginal return over the reference (one value,
    or one per farm: its province's), clipped."""
    return np.clip(marginal_keur_ha / np.maximum(reference_keur_ha, 1e-12), low, high)


def smooth(previous: np.ndarray | None, now: np.ndarray, weight: float | None = None
           ) -> np.ndarray:
    """Exponentially smoothed demand or supply (the first year: this year's); ``weight``
    defaults to :data:`NEW_YEAR_WEIGHT` (read at call time)."""
    weight = NEW_YEAR_WEIGHT if weight is None else weight
    return now if previous is None else (1.0 - weight) * previous + weight * now


def update_prices(price_eur_ha: np.ndarray, base_eur_ha: np.ndarray, demand_ha: np.ndarray,
                  supply_ha: np.ndarray, elasticity: float | None = None,
                  max_change: float | None = None) -> np.ndarray:
    """Next year's price per province: toward ``base x (demand / supply) ** elasticity`` by at
    most ``max_change`` a year (the base is the 2023 level, where the market is in balance).

    Examples
    --------
    >>> p = np.array([70_000.0])
    >>> update_prices(p, p, np.array([120.0]), np.array([100.0])).round()
    array([73500.])
    """
    elasticity = ELASTICITY if elasticity is None else elasticity
    max_change = MAX_CHANGE if max_change is None else max_change
    ratio = (np.asarray(demand_ha) + SMOOTHING_HA) / (np.asarray(supply_ha) + SMOOTHING_HA)
    target = base_eur_ha * ratio ** elasticity
    with np.errstate(invalid="ignore"):
        factor = np.clip(target / price_eur_ha, 1.0 - max_change, 1.0 + max_change)
    return np.where(np.isnan(price_eur_ha), price_eur_ha, price_eur_ha * factor)


def designation_factor(nature: np.ndarray, extensive: np.ndarray,
                       ratio: float | None = None,
                       extensive_share: float | None = None) -> np.ndarray:
    """Value of farmland relative to the regional price per cell: ``ratio`` with a nature
    designation, ``1 - extensive_share x (1 - ratio)`` with an extensive one, else 1."""
    share = EXTENSIVE_DISCOUNT_SHARE if extensive_share is None else extensive_share
    ratio = DESIGNATED_PRICE_RATIO if ratio is None else ratio
    return np.where(nature, ratio, np.where(extensive, 1.0 - share * (1.0 - ratio), 1.0))


def cell_prices_eur_ha(price_eur_ha: np.ndarray, province_id: np.ndarray,
                       factor: np.ndarray | None = None) -> np.ndarray:
    """Price of farmland per cell: its province's price, times the designation ``factor``."""
    out = np.nan_to_num(price_eur_ha)[province_id]
    return out if factor is None else out * factor


def challenge_class(peat: np.ndarray, near_n2000: np.ndarray, saline: np.ndarray,
                    clay_or_loess: np.ndarray) -> np.ndarray:
    """LN-09 class per cell (ASSUMPTION, the provinces draw the real map): zware uitdagingen on
    peat, in the overgangsgebied of N-sensitive Natura 2000 or on saline land; beperkte on clay
    and loess outside those; matige elsewhere (mostly sand). Codes index
    :data:`CHALLENGE_CLASSES`."""
    out = np.full(peat.shape, MATIGE, dtype=np.uint8)
    out[clay_or_loess] = BEPERKTE
    out[peat | near_n2000 | saline] = ZWARE
    return out
