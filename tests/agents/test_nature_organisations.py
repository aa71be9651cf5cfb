"""Nature organisations buy farmland next to Natura 2000 from their own money."""

import numpy as np
import pytest

from abm.model import RegionModel
from abm.scenario import scenario_from_dict
from agents import nature_organisations as no


def _run(nl1000, parameters=None):
    spec = {"name": "orgs", "start_year": 2024, "end_year": 2030, "resolution_m": 1000,
            "region": ["Gelderland"], "parameters": parameters or {}}
    model = RegionModel(scenario_from_dict(spec), nl1000)
    start_ha = model.farms.parcel_ha.sum()
    bought = []
    for year in range(2024, 2031):
        model.run_until(year)
        bought.append(model.nature_org_bought_ha.copy())
    return model, start_ha, bought


def test_nature_organisations_buy_next_to_natura2000_within_their_money(nl1000):
    model, start_ha, bought = _run(nl1000)
    total = sum(b.sum() for b in bought)
    assert total > 0
    where = np.add.reduce(bought) > 0
    assert (model.distance_to_natura2000_m(sensitive_only=False)[where]
            <= no.MAX_DISTANCE_M + 500.0).all()
    (org,) = model.nature_organisations
    received = 7 * no.NATIONAL_BUDGET_MEUR_PER_YR * org.share
    assert 0 < org.spent_meur <= received + 1e-9
    assert org.budget_meur == pytest.approx(received - org.spent_meur)
    # land is conserved: what they buy leaves the farms and becomes nature
    assert (model.farms.parcel_ha.sum() + model.nature_gained_ha.sum()
            + model.farmland_converted_total_ha.sum()) == pytest.approx(start_ha)
    frame = model.indicators().query("level == 'provincie'")
    assert frame.land_bought_by_nature_organisations_ha.sum() == pytest.approx(total)
    assert frame.budget_spent_meur.sum() == pytest.approx(0.0)  # not government money


def test_without_their_money_no_land_goes_to_nature_in_baseline(nl1000):
    model, _, bought = _run(nl1000, {"nature_organisations.NATIONAL_BUDGET_MEUR_PER_YR": 0.0})
    assert sum(b.sum() for b in bought) == 0
    assert model.nature_gained_ha.sum() == 0
