"""Government money: an instrument's own budget is earmarked for it; funds are general money."""

import mesa
import pytest

from abm.model import RegionModel
from abm.scenario import scenario_from_dict
from agents.government import Government


def _gov() -> Government:
    return Government(mesa.Model(), "PV26", "Utrecht")


def test_an_instrument_spends_its_own_money_then_the_general_budget_never_anothers():
    gov = _gov()
    gov.receive(10.0, source="NPLG-TRANSITIEFONDS")           # general money
    gov.receive(5.0, source="LN-14", earmarked=True)
    gov.receive(3.0, source="LN-15", earmarked=True)
    assert gov.budget_meur == pytest.approx(18.0)
    assert gov.general_meur == pytest.approx(10.0)
    assert gov.available_meur("LN-14") == pytest.approx(15.0)
    assert gov.spend(40.0, "LN-14") == pytest.approx(15.0)   # own 5, then general 10
    assert gov.earmarked_meur["LN-15"] == pytest.approx(3.0)  # untouched
    assert gov.spend(1.0, "NPLG-BUYOUT") == 0.0               # nothing general is left
    assert gov.account("LN-15").spend(2.0) == pytest.approx(2.0)
    assert gov.budget_meur == pytest.approx(1.0) and gov.spent_meur == pytest.approx(17.0)


def test_an_account_returns_money_to_its_instrument():
    gov = _gov()
    account = gov.account("NPLG-LAND-PURCHASE")
    account.receive(2.5, source="land bank")
    assert gov.earmarked_meur["NPLG-LAND-PURCHASE"] == pytest.approx(2.5)
    assert account.budget_meur == pytest.approx(2.5) and account.code == "PV26"
    assert gov.available_meur("LN-14") == 0.0


def test_relocation_money_is_not_eaten_by_organic_payments_of_the_same_government():
    """LN-05's payments overrun its budget; LN-15's subsidies still come from its own."""
    spec = {"name": "money", "start_year": 2024, "end_year": 2030, "resolution_m": 1000,
            "region": ["Zuid-Holland"], "instruments": [
                {"id": "LN-05", "parameters": {"payment_eur_ha": 3000.0,
                                               "budget_meur_per_yr": 1.0}},
                {"id": "LN-15", "parameters": {"budget_meur_per_yr": 20.0}}]}
    model = RegionModel(scenario_from_dict(spec))
    model.run_until(2030)
    frame = model.indicators()
    pv = frame[frame.level == "provincie"]
    assert pv.payments_unfunded_meur.sum() > 0        # LN-05 wanted more than its budget
    assert pv.relocation_meur.sum() > 0               # LN-15 still paid relocations
    rijk = model.governments["rijk"][0]
    assert rijk.earmarked_meur["LN-05"] == pytest.approx(0.0, abs=1e-9)
    assert rijk.spent_meur == pytest.approx(pv.payments_meur.sum() + pv.relocation_meur.sum())
