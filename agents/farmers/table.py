"""The farms of a run as a table: one row per farm, the end state of the run (``farms.parquet``).

For the questions a table of indicators cannot answer: which farms deposit most on
nitrogen-sensitive Natura 2000 (buy-out eligibility), where the farms that stopped were, how
herds and incomes are spread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from agents.farmers.economics import income_keur
from agents.farmers.land_market import cell_xy
from agents.farmers.state import FARM_TYPES, LAND_USES, LIVESTOCK

if TYPE_CHECKING:
    from abm.model import RegionModel


def farm_table(model: RegionModel) -> pd.DataFrame:
    """One row per farm of the run (active or not) at the end of the last simulated year.

    Columns: ``farm_id``, ``province`` (CBS code), ``farm_type``, ``active``, the farmstead's
    ``x_m``/``y_m`` (RD New, cell centre) and ``cell``, area by use (``*_ha``), head by class,
    ``organic``, ``nature_management``, ``extensive``, ``low_emission``, ``emission_factor``,
    ``gbd_ha``, ``age_yr``, ``successor``, ``nh3_emission_kg`` (this year),
    ``n2000_contribution_mol_yr`` (its deposition on nitrogen-sensitive Natura 2000, the basis of
    buy-out eligibility), ``income_keur`` (family farm income this year), ``assets_keur`` and
    ``debt_keur`` (the balance sheet) and ``soil``.

    Examples
    --------
    >>> from abm.model import RegionModel
    >>> m = RegionModel.from_scenario("baseline", resolution=1000, region="Utrecht", end=2024)
    >>> m.run_until(2024)
    >>> t = farm_table(m)
    >>> len(t) == m.farms.n, int(t.active.sum()) == int(m.farms.active.sum())
    (True, True)
    """
    farms = model.farms
    codes = model.landscape.codes("province")
    xy = cell_xy(farms.farmstead_cell, model.landscape.grid)
    income = income_keur(farms, model.groundwater_depth_cm, model.salinity,
                         model.policy.cell_targets.get("crop_margin_factor"))
    columns = {
        "farm_id": np.arange(farms.n, dtype=np.int64),
        "province": pd.Categorical([codes[p - 1] for p in farms.province_id.tolist()]),
        "farm_type": pd.Categorical.from_codes(farms.farm_type.astype(np.int64),
                                               categories=list(FARM_TYPES)),
        "active": farms.active.copy(),
        "x_m": xy[:, 0], "y_m": xy[:, 1], "cell": farms.farmstead_cell.copy(),
    }
    for k, use in enumerate(LAND_USES):
        columns[f"{use}_ha"] = farms.area_ha[:, k].copy()
    for k, name in enumerate(LIVESTOCK):
        columns[name] = farms.animals[:, k].copy()
    columns.update({
        "organic": farms.organic.copy(), "nature_management": farms.nature_management.copy(),
        "extensive": farms.extensive.copy(), "low_emission": farms.low_emission.copy(),
        "emission_factor": farms.emission_factor.astype(np.float64),
        "gbd_ha": farms.gbd_ha.astype(np.float64),
        "age_yr": farms.age_yr.astype(np.int64), "successor": farms.successor.copy(),
        "nh3_emission_kg": np.asarray(model.farm_emission_kg, dtype=np.float64),
        "n2000_contribution_mol_yr": np.asarray(model.farm_n2000_contribution_mol,
                                                dtype=np.float64),
        "income_keur": income,
        "assets_keur": farms.assets_keur.copy(), "debt_keur": farms.debt_keur.copy(),
        "soil": pd.Categorical.from_codes(
            farms.soil_id.astype(np.int64),
            categories=["unknown", *model.landscape.codes("soil")]),
    })
    return pd.DataFrame(columns)
