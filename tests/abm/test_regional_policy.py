"""Regional policy (docs/regional_policy.md): Regio Deals (REGIODEAL-FUND), NOVI options 5a, 5b,
5c, and the Theil index of regional disparity. The instruments are tested by what they write
into the PolicyState (amenity and business-climate bonuses) and by the money they pay."""

import math

import numpy as np
import pytest

from abm.disparity import theil_index
from abm.errors import InputError
from abm.model import RegionModel
from abm.policy.instruments.regionaal import (
    AMENITY, BUSINESS, CATCHING_UP_EXAMPLES, LEADING_REGIONS, add_bonus, region_ids)
from abm.policy.state import PolicyState

LEADING = [c for codes in LEADING_REGIONS.values() for c in codes]


# -- the Theil index ----------------------------------------------------------------------------

def test_theil_index_matches_a_hand_computed_example():
    # Regions of 1 and 3 inhabitants with 2 and 0 jobs per inhabitant: mean 0.5, so
    # T = 1/4 * (2/0.5) * ln(2/0.5) + 3/4 * 0 = ln 4.
    assert theil_index([2.0, 0.0], [1.0, 3.0]) == pytest.approx(math.log(4.0))
    # y = 1, 2, 4 for 1, 1, 2 inhabitants: mean 11/4;
    # T = 1/4 (4/11) ln(4/11) + 1/4 (8/11) ln(8/11) + 1/2 (16/11) ln(16/11).
    hand = (0.25 * 4 / 11 * math.log(4 / 11) + 0.25 * 8 / 11 * math.log(8 / 11)
            + 0.5 * 16 / 11 * math.log(16 / 11))
    assert theil_index([1.0, 2.0, 4.0], [1.0, 1.0, 2.0]) == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(0.12264, abs=1e-5)


def test_theil_index_is_zero_when_equal_and_ignores_scale_and_empty_regions():
    assert theil_index([0.4, 0.4, 0.4], [5.0, 1.0, 9.0]) == 0.0
    values, people = np.array([0.3, 0.6, 0.9]), np.array([100.0, 50.0, 25.0])
    t = theil_index(values, people)
    assert t > 0
    assert theil_index(values * 7.0, people) == pytest.approx(t)
    assert theil_index(values, people * 3.0) == pytest.approx(t)
    # A region without inhabitants takes no part, whatever its value.
    assert theil_index([0.3, 0.6, 0.9, 50.0], [100.0, 50.0, 25.0, 0.0]) == pytest.approx(t)
    # The shares form: sum s_i ln(s_i / pi_i).
    s, pi = values * people / (values * people).sum(), people / people.sum()
    assert t == pytest.approx(float((s * np.log(s / pi)).sum()))


def test_theil_index_refuses_bad_input():
    with pytest.raises(ValueError, match="differ in length"):
        theil_index([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=">= 0"):
        theil_index([-1.0, 2.0], [1.0, 1.0])


# -- scenarios ------------------------------------------------------------------------------------

def _toml(folder, name, instruments, region=None, seed=1):
    lines = [f'name = "{name}"', "start_year = 2024", "end_year = 2030", "resolution_m = 1000",
             f"seed = {seed}"]
    if region:
        lines.append("region = [" + ", ".join(f'"{r}"' for r in region) + "]")
    for inst in instruments:
        lines += ["[[instruments]]", f'id = "{inst["id"]}"']
        for key in ("start_year", "end_year"):
            if key in inst:
                lines.append(f"{key} = {inst[key]}")
        if inst.get("parameters"):
            body = ", ".join(f"{k} = {v!r}" for k, v in inst["parameters"].items())
            lines.append(f"parameters = {{ {body} }}")
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(folder, name, instruments, until=2030, **kw):
    model = RegionModel.from_scenario(_toml(folder, name, instruments, **kw), resolution=1000,
                                      end=2030)
    model.run_until(until)
    return model


def _only(model, instrument_id):
    (inst,) = [i for i in model.instruments if i.id == instrument_id]
    return inst


@pytest.fixture(scope="module")
def national_deals(tmp_path_factory):
    """The Regio Deal fund in a national run 2024-2027 (the one national run of this file)."""
    return _run(tmp_path_factory.mktemp("nl"), "deals", [{"id": "REGIODEAL-FUND"}], until=2027)


#: Gelderland and Overijssel: seven COROP regions.
EAST = ["Gelderland", "Overijssel"]
#: Yearly rounds of one-year deals, 15 a year nationally (3 in the east): many rounds quickly.
YEARLY = {"n_deals_min": 60, "round_interval_yr": 1, "deal_duration_yr": 1}


@pytest.fixture(scope="module")
def east(tmp_path_factory):
    folder = tmp_path_factory.mktemp("east")
    cache = {}

    def get(seed, need_weight):
        key = (seed, need_weight)
        if key not in cache:
            name = f"east-{seed}-{int(need_weight * 10)}"
            params = {**YEARLY, "need_weight": need_weight}
            cache[key] = _run(folder, name, [{"id": "REGIODEAL-FUND", "parameters": params}],
                              until=2027, region=EAST, seed=seed)
        return cache[key]

    return get


# -- Regio Deals -----------------------------------------------------------------------------

def test_the_fund_pays_about_200_million_a_year_and_never_more_than_it_holds(national_deals):
    model = national_deals
    fund = _only(model, "REGIODEAL-FUND")
    rijk = model.governments["rijk"][0]
    paid = np.array([fund.paid_meur_by_year[y] for y in range(2024, 2028)])
    assert paid.sum() == pytest.approx(rijk.spent_meur)
    assert rijk.received_meur == pytest.approx(4 * 200.0)
    assert (np.cumsum(paid) <= 200.0 * np.arange(1, 5) + 1e-6).all()
    assert paid.mean() == pytest.approx(200.0, rel=0.01)
    assert rijk.budget_meur >= -1e-9
    assert sum(d.paid_meur for d in fund.deals) == pytest.approx(paid.sum())
    # At least 15 deals in a cabinet period of four years (two rounds), 8 a round.
    assert [len(r.winners) for r in fund.rounds] == [8, 8]
    assert len(fund.deals) >= 15


def test_deals_go_to_regions_of_higher_need_more_often(east):
    def gap(need_weight):
        won, lost = [], []
        for seed in (1, 2, 3):
            for r in _only(east(seed, need_weight), "REGIODEAL-FUND").rounds:
                mask = np.zeros(r.need.shape, dtype=bool)
                mask[r.winners] = True
                won += r.need[mask].tolist()
                lost += r.need[r.eligible & ~mask].tolist()
        return np.mean(won) - np.mean(lost)

    with_need, quality_only = gap(1.0), gap(0.0)
    print(f"need gap of winners over losers: {with_need:.2f} (need_weight 1), "
          f"{quality_only:.2f} (0)")
    assert with_need > 0.5
    assert with_need > quality_only + 0.5


def test_a_running_deal_raises_both_bonuses_in_its_region_only(national_deals):
    model = national_deals
    fund = _only(model, "REGIODEAL-FUND")
    corop = model.landscape["corop_id"]
    running = sorted({d.region for d in fund.deals if d.start_year <= 2027 <= d.end_year})
    assert len(running) == 16  # the rounds of 2024 and 2026
    inside = np.isin(corop, running) & model.landscape["land_mask"]
    for name in (AMENITY, BUSINESS):
        bonus = model.policy.cell_targets[name]
        assert (bonus[inside] > 0).all()
        assert (bonus[~inside] == 0).all()
    # A region whose deal still runs does not bid.
    for r in fund.rounds[1:]:
        before = {d.region for d in fund.deals if d.start_year < r.year <= d.end_year}
        assert before and not r.eligible[sorted(before)].any()


def test_deals_end_with_the_instrument(tmp_path):
    model = _run(tmp_path, "short", [{"id": "REGIODEAL-FUND", "end_year": 2026}], until=2028,
                 region=EAST)
    fund = _only(model, "REGIODEAL-FUND")
    assert fund.deals and all(d.end_year <= 2026 for d in fund.deals)
    assert AMENITY not in model.policy.cell_targets
    rijk = model.governments["rijk"][0]
    assert rijk.received_meur == pytest.approx(3 * 200.0 * fund.national_share())
    assert rijk.spent_meur == pytest.approx(rijk.received_meur)


def test_the_same_seed_gives_the_same_deals_and_another_seed_others(east, tmp_path):
    params = {**YEARLY, "need_weight": 1.0}
    again = _run(tmp_path, "again", [{"id": "REGIODEAL-FUND", "parameters": params}],
                 until=2027, region=EAST, seed=1)
    first, second = _only(east(1, 1.0), "REGIODEAL-FUND"), _only(again, "REGIODEAL-FUND")
    assert [r.winners.tolist() for r in first.rounds] == [r.winners.tolist()
                                                           for r in second.rounds]
    for name in (AMENITY, BUSINESS):
        np.testing.assert_array_equal(east(1, 1.0).policy.cell_targets[name],
                                      again.policy.cell_targets[name])
    other = _only(east(2, 1.0), "REGIODEAL-FUND")
    assert [r.winners.tolist() for r in other.rounds] != [r.winners.tolist()
                                                           for r in first.rounds]


def test_a_regional_run_gets_its_share_of_the_fund(tmp_path):
    model = _run(tmp_path, "gr", [{"id": "REGIODEAL-FUND"}], region=["Groningen"])
    fund = _only(model, "REGIODEAL-FUND")
    share = fund.national_share()
    assert 0.02 < share < 0.05
    rijk = model.governments["rijk"][0]
    assert rijk.received_meur == pytest.approx(7 * 200.0 * share)
    assert rijk.spent_meur <= rijk.received_meur + 1e-9
    groningen = region_ids(model.landscape, ["CR01", "CR02", "CR03"])
    assert fund.deals and {d.region for d in fund.deals} <= set(groningen.tolist())


# -- NOVI option 5 --------------------------------------------------------------------------

#: Noord-Brabant and Limburg: seven COROP regions, one of them leading (regio Eindhoven).
SOUTH = ["Noord-Brabant", "Limburg"]


@pytest.fixture(scope="module")
def south(tmp_path_factory):
    folder = tmp_path_factory.mktemp("south")
    return {o: _run(folder, f"novi-{o}", [{"id": f"NOVI17-BO5{o.upper()}"}], region=SOUTH)
            for o in ("a", "c")}


def _people(land):
    return np.bincount(land["corop_id"].ravel(), weights=land["inhabitants"].ravel(),
                       minlength=len(land.tables["corop"]) + 1)


def test_option_5a_puts_all_investment_in_its_three_areas(south):
    model = south["a"]
    inst = _only(model, "NOVI17-BO5A")
    lead = region_ids(model.landscape, LEADING)
    weights = inst.weights(model, 2030)
    assert weights[lead].sum() == pytest.approx(1.0) and weights.sum() == pytest.approx(1.0)
    # The south holds one leading region, Eindhoven: it gets its inhabitants' share, and only it.
    eindhoven = region_ids(model.landscape, ["CR36"])
    people = _people(model.national)
    expected = 1000.0 * people[eindhoven].sum() / people[lead].sum()
    spent = inst.spent_meur_by_region
    assert spent.sum() == pytest.approx(7 * expected, rel=0.01)
    assert spent[eindhoven].sum() == pytest.approx(spent.sum())
    assert model.governments["rijk"][0].spent_meur == pytest.approx(spent.sum())
    in_lead = np.isin(model.landscape["corop_id"], eindhoven) & model.landscape["land_mask"]
    for name in (AMENITY, BUSINESS):
        bonus = model.policy.cell_targets[name]
        assert (bonus[in_lead] > 0).all() and (bonus[~in_lead] == 0).all()
    assert model.policy.flags["novi_option_5a"]


def test_option_5c_spreads_the_investment_over_every_region(south):
    model = south["c"]
    inst = _only(model, "NOVI17-BO5C")
    weights = inst.weights(model, 2030)[1:]
    assert (weights > 0).all() and weights.sum() == pytest.approx(1.0)
    assert weights.max() < 0.1  # 5a gives Groot-Rijnmond alone 17%
    five_a = _only(south["a"], "NOVI17-BO5A").weights(south["a"], 2030)[1:]
    assert (five_a > 0).sum() == len(LEADING) < (weights > 0).sum() == 40
    spent = inst.spent_meur_by_region
    here = region_ids(model.landscape, [f"CR{i}" for i in range(33, 40)])
    assert (spent[here] > 0).all() and spent.sum() == pytest.approx(spent[here].sum())
    assert spent.sum() > _only(south["a"], "NOVI17-BO5A").spent_meur_by_region.sum()
    land = model.landscape["land_mask"] & (model.landscape["corop_id"] > 0)
    assert (model.policy.cell_targets[BUSINESS][land] > 0).all()


def test_option_5b_adds_a_region_whose_jobs_catch_up_at_a_review(tmp_path):
    path = _toml(tmp_path, "b", [{"id": "NOVI17-BO5B",
                                  "parameters": {"catch_up_threshold_pct_yr": 0.5}}],
                 region=["Zeeland", "Overijssel"])
    model = RegionModel.from_scenario(path, resolution=1000, end=2030)
    inst = _only(model, "NOVI17-BO5B")
    model.run_until(2024)  # the first review records the jobs
    start = inst.selected(model).copy()
    # Leading regions and the seed's examples (Zwolle, in Overijssel, among them) from the start.
    named = region_ids(model.landscape, LEADING + list(CATCHING_UP_EXAMPLES.values()))
    assert start[named].all() and start.sum() == len(named)
    zeeland, twente = region_ids(model.landscape, ["CR32", "CR12"])
    cells = model.landscape["corop_id"].ravel()[model.firms.cell]
    model.firms.jobs[cells == zeeland] *= 1.10  # Overig Zeeland grows 10% in two years
    model.firms.jobs[cells == twente] *= 0.90
    model.run_until(2026)
    selected = inst.selected(model)
    assert selected[zeeland] and not selected[twente]
    assert (2026, int(zeeland)) in inst.added
    assert inst.spent_meur_by_region[zeeland] > 0 and inst.spent_meur_by_region[twente] == 0
    assert model.policy.cell_targets[BUSINESS][model.landscape["corop_id"] == zeeland].max() > 0


def test_two_options_of_policy_option_5_are_an_input_error(tmp_path):
    path = _toml(tmp_path, "both", [{"id": "NOVI17-BO5A"}, {"id": "REGIODEAL-FUND"},
                                    {"id": "NOVI17-BO5C"}])
    with pytest.raises(InputError) as err:
        RegionModel.from_scenario(path, resolution=1000, end=2030)
    assert err.value.source == str(path)
    assert err.value.field == "instruments[2].id"
    assert "NOVI17-BO5A (instruments[0])" in err.value.problem
    assert err.value.allowed == "at most one of NOVI17-BO5A, NOVI17-BO5B, NOVI17-BO5C"


def test_option_5a_in_a_region_pays_the_regions_share_only(tmp_path):
    utrecht = _run(tmp_path, "ut", [{"id": "NOVI17-BO5A"}], region=["Utrecht"], until=2025)
    inst = _only(utrecht, "NOVI17-BO5A")
    nl, land = utrecht.national, utrecht.landscape
    people = np.bincount(nl["corop_id"].ravel(), weights=nl["inhabitants"].ravel())
    local = np.bincount(land["corop_id"].ravel(), weights=land["inhabitants"].ravel(),
                        minlength=people.size)
    lead = region_ids(nl, LEADING)
    # Utrecht holds the COROP region Utrecht and part of Zuidoost-Zuid-Holland
    # (Vijfheerenlanden), both leading: it pays their inhabitants' share of the investment.
    expected = 1000.0 * local[lead].sum() / people[lead].sum()
    assert local[region_ids(nl, ["CR17"])].sum() / local[lead].sum() > 0.9
    assert inst.spent_meur_by_year[2025] == pytest.approx(expected, rel=0.02)
    groningen = _run(tmp_path, "gr5a", [{"id": "NOVI17-BO5A"}], region=["Groningen"],
                     until=2025)
    assert groningen.governments["rijk"][0].spent_meur == 0.0
    assert not groningen.policy.cell_targets[BUSINESS].any()


def test_bonuses_of_two_instruments_add_up(tmp_path):
    both = _run(tmp_path, "both", [{"id": "REGIODEAL-FUND"}, {"id": "NOVI17-BO5C"}],
                region=EAST)
    corop = both.landscape["corop_id"]
    land = both.landscape["land_mask"] & (corop > 0)
    deal, task = (_only(both, i) for i in ("REGIODEAL-FUND", "NOVI17-BO5C"))
    assert (deal.year_meur_by_region > 0).sum() > 0
    for k, name in enumerate((AMENITY, BUSINESS)):
        total = np.minimum(deal.year_effects[k] + task.year_effects[k], 0.5 if k == 0 else 0.02)
        assert (deal.year_effects[k][deal.year_meur_by_region > 0] > 0).all()
        np.testing.assert_allclose(both.policy.cell_targets[name][land], total[corop[land]],
                                   rtol=1e-12)


def test_add_bonus_reads_nan_as_none_and_caps():
    policy = PolicyState((2, 2))
    policy.cell_target(AMENITY)[0, 0] = 0.1  # another instrument wrote one cell, NaN elsewhere
    where = np.ones((2, 2), dtype=bool)
    add_bonus(policy, AMENITY, where, np.full((2, 2), 0.2))
    np.testing.assert_allclose(policy.cell_targets[AMENITY], [[0.3, 0.2], [0.2, 0.2]])
    add_bonus(policy, BUSINESS, where, np.full((2, 2), 1.0))
    assert policy.cell_targets[BUSINESS].max() == pytest.approx(0.02)
