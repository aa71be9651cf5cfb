"""Land market version 2: regional prices, the provincial land bank, WBS-27 and the LN-09 ladder."""

import numpy as np
import pandas as pd
import pytest

from abm.model import RegionModel
from abm.scenario import scenario_from_dict
from agents.farmers import land_prices as lp
from agents.farmers.economics import land_mean
from agents.farmers.state import LAND_USES

GELDERLAND = ["Gelderland"]


def _model(nl1000, region, end, instruments=(), seed=1):
    data = {"name": "t", "start_year": 2024, "end_year": end, "resolution_m": 1000,
            "region": region, "seed": seed, "instruments": list(instruments)}
    return RegionModel(scenario_from_dict(data), nl1000)


def _prices(model):
    frame = model.indicators()
    return frame[frame.level == "provincie"].pivot(index="year", columns="region_code",
                                                   values="land_price_eur_ha")


BANK = [{"id": "LN-13", "parameters": {"transition_zone_m": 1000.0}},
        {"id": "NPLG-LAND-PURCHASE", "parameters": {
            "budget_meur_per_yr": 30.0, "max_distance_m": 500.0, "land_bank": True,
            "bank_budget_meur_per_yr": 20.0, "bank_hold_yr": 2}}]


@pytest.fixture(scope="module")
def bank_run(nl1000):
    model = _model(nl1000, GELDERLAND, 2031, BANK)
    start_ha = model.farms.total_area_ha.sum()
    balance, to_farms = [], np.zeros(model.land_use.size)
    for year in range(2024, 2032):
        model.run_until(year)
        bank = model.land_bank
        if bank.nature_zone is not None:
            to_farms += np.where(bank.nature_zone, 0.0, bank.issued_ha)
        farms = model.farms
        per_farm = np.bincount(farms.parcel_farm, weights=farms.parcel_ha, minlength=farms.n)
        np.testing.assert_allclose(per_farm, farms.total_area_ha, atol=1e-6)
        balance.append((farms.total_area_ha.sum(), model.nature_gained_ha.sum(),
                        model.land_bank.stock_ha.sum(),
                        model.farmland_converted_total_ha.sum()))
    model.bank_to_farms_ha = to_farms
    return model, start_ha, np.array(balance)


def test_land_is_conserved_every_year_with_the_land_bank(bank_run):
    model, start_ha, balance = bank_run
    np.testing.assert_allclose(balance.sum(axis=1), start_ha, rtol=1e-9)
    frame = model.indicators()
    prov = frame[frame.level == "provincie"].set_index("year")
    np.testing.assert_allclose(prov.land_bank_ha.to_numpy(), balance[:, 2], atol=1e-6)
    assert prov.land_bank_bought_ha.sum() > 0 and prov.land_bank_issued_ha.sum() > 0
    # What the bank bought is what it holds plus what it let go.
    assert prov.land_bank_bought_ha.sum() == pytest.approx(
        prov.land_bank_ha.iloc[-1] + prov.land_bank_issued_ha.sum())
    # Money: the province's spending is what the indicators count (nature and bank purchase).
    gov = model.governments["provincie"][0]
    assert gov.spent_meur == pytest.approx(frame[frame.level == "provincie"]
                                           .budget_spent_meur.sum())
    assert gov.budget_meur >= -1e-9


def test_the_land_bank_lets_land_go_to_nature_and_to_farms(bank_run):
    model, _, _ = bank_run
    frame = model.indicators().query("level == 'provincie'").set_index("year")
    # Nature grows by the purchase for nature plus what the bank let go inside the purchase zone.
    assert frame.nature_gained_ha.iloc[-1] == pytest.approx(frame.land_bought_for_nature_ha.sum())
    farms = model.farms
    assert farms.total_area_ha[~farms.active].sum() == pytest.approx(0.0, abs=1e-6)
    # Land let go outside the purchase zone went back to active farms as parcels (unless
    # developers bought it later for housing).
    cells = np.flatnonzero(model.bank_to_farms_ha)
    assert cells.size > 0
    held = np.bincount(farms.parcel_cell, weights=farms.parcel_ha * farms.active[farms.parcel_farm],
                       minlength=model.land_use.size)
    built = model.farmland_converted_total_ha.ravel()
    assert (held[cells] + built[cells] >= model.bank_to_farms_ha[cells] - 1e-6).all()


def test_prices_start_at_the_published_provincial_values(nl1000):
    model = _model(nl1000, ["Flevoland", "Fryslan"], 2025)
    model.run_until(2025)
    table = lp.price_table().set_index("province_code").price_eur_ha
    first = _prices(model).loc[2024]
    assert first["PV24"] == 177_000 and first["PV21"] == 59_500
    assert dict(first) == {c: float(table[c]) for c in first.index}
    # The published national mean 2023 (78,800 euro/ha) is close to the table's mean weighted
    # by farmland (the table mixes Q3 and Q4 and band midpoints).
    from environment.layers import AGRICULTURE
    land = nl1000
    farmland = (land["land_use"] == AGRICULTURE) * land.grid.cell_area_ha
    price = lp.start_prices_eur_ha(land.codes("province"))
    mean = (np.nan_to_num(price)[land["province_id"]] * farmland).sum() / farmland.sum()
    assert mean == pytest.approx(lp.NATIONAL_PRICE_2023_EUR_HA, rel=0.1)


def test_update_prices_follow_demand_over_supply_within_the_cap():
    p = np.array([np.nan, 70_000.0, 70_000.0, 70_000.0])
    new = lp.update_prices(p, p, np.array([0, 100.0, 100.0, 1e6]),
                           np.array([0, 100.0, 400.0, 1.0]))
    assert np.isnan(new[0]) and new[1] == pytest.approx(70_000.0)
    assert new[2] < 70_000.0 and new[3] == pytest.approx(70_000.0 * (1 + lp.MAX_CHANGE))
    # Once demand and supply balance again the price returns toward the base.
    back = lp.update_prices(new, p, np.full(4, 100.0), np.full(4, 100.0))
    assert back[2] > new[2] and back[3] < new[3]


@pytest.mark.parametrize("region", [GELDERLAND])
def test_prices_rise_less_where_buyouts_put_more_land_on_the_market(nl1000, region):
    base = _model(nl1000, region, 2030)
    base.run_until(2030)
    buy = _model(nl1000, region, 2030, [{"id": "NPLG-BUYOUT", "parameters": {
        "budget_meur_per_yr": 500.0, "min_contribution_mol_yr": 200.0,
        "sectors": ["dairy", "pig", "poultry", "other"], "offer_share_of_value": 2.0}}])
    buy.run_until(2030)
    traded = [m.indicators().query("level == 'provincie'").land_traded_ha.sum()
              for m in (base, buy)]
    assert traded[1] > 1.2 * traded[0]
    assert _prices(buy).loc[2030].iloc[0] < _prices(base).loc[2030].iloc[0]


def test_land_with_a_nature_or_extensive_designation_is_priced_lower(nl1000):
    nature = np.array([True, False, False])
    extensive = np.array([True, True, False])
    factor = lp.designation_factor(nature, extensive)
    assert factor[0] == pytest.approx(35_300 / 69_400)
    assert factor[0] < factor[1] < factor[2] == 1.0
    model = _model(nl1000, GELDERLAND, 2025, [
        {"id": "LN-13", "parameters": {"transition_zone_m": 1000.0}}, {"id": "LN-14"}])
    model.run_until(2025)
    zone = model.policy.zones["aandachtsgebied"] & model.landscape["land_mask"]
    inside = model.land_price_cell_eur_ha[zone]
    outside = model.land_price_cell_eur_ha[~zone & model.landscape["land_mask"]]
    assert inside.size and outside.size and inside.max() < outside.min()


PEAT = ["Noord-Holland", "Zuid-Holland"]


def _peat_uses(model):
    farms = model.farms
    share = land_mean(farms, model.peat_ha > 0, 0.0)
    area = farms.area_ha * (share * farms.active)[:, None]
    crops = [LAND_USES.index(u) for u in ("arable", "horticulture_open")]
    return {"grassland": float(area[:, LAND_USES.index("grassland")].sum()),
            "crops": float(area[:, crops].sum())}


@pytest.fixture(scope="module")
def wbs27_runs(nl1000):
    out = {}
    for name, inst in (("base", []), ("wbs27", [{"id": "WBS-27"}])):
        model = _model(nl1000, PEAT, 2035, inst)
        converted = np.zeros(model.landscape.grid.shape)
        for year in range(2024, 2036):
            model.run_until(year)
            converted += model.grassland_converted_ha
        out[name] = (model, converted)
    return out


def test_wbs27_keeps_grassland_on_peat(wbs27_runs):
    (base, conv_base), (wbs, conv_wbs) = wbs27_runs["base"], wbs27_runs["wbs27"]
    peat = base.peat_ha > 0
    assert conv_base[peat].sum() > 0 and conv_wbs[peat].sum() == 0
    assert conv_wbs[~peat].sum() > 0  # off peat the rule (peat_only) does not hold
    b, w = _peat_uses(base), _peat_uses(wbs)
    assert w["grassland"] > b["grassland"] and w["crops"] < b["crops"]


def test_grassland_declines_a_little_in_baseline(wbs27_runs):
    base, _ = wbs27_runs["base"]
    frame = base.indicators().query("level == 'provincie'").groupby("year").sum(
        numeric_only=True)
    assert frame.grassland_converted_ha.gt(0).sum() >= 8  # most years
    change = frame.grassland_area_ha.iloc[-1] / frame.grassland_area_ha.iloc[0] - 1
    assert -0.05 < change < 0


def test_ln09_buys_land_with_heavy_challenges_first(nl1000):
    purchase = {"id": "NPLG-LAND-PURCHASE", "parameters": {
        "budget_meur_per_yr": 40.0, "max_distance_m": 5000.0}}
    ladder = {"id": "LN-09", "parameters": {"transition_zone_m": 1000.0}}
    gained, classes = {}, None
    for name, inst in (("ladder", [purchase, ladder]), ("distance", [purchase])):
        model = _model(nl1000, GELDERLAND, 2029, inst)
        model.run_until(2029)
        gained[name] = model.nature_gained_ha
        classes = classes or {k: model.policy.zones[f"ladder_{k}"] for k in lp.CHALLENGE_CLASSES}
    # Beyond the overgangsgebied the nearest land is bought first without the ladder, sandy
    # (matige) land before clay and loess (beperkte) with it.
    share = {k: {c: g[z].sum() / g.sum() for c, z in classes.items()} for k, g in gained.items()}
    assert share["ladder"]["beperkte"] < 0.5 * share["distance"]["beperkte"]
    assert share["ladder"]["matige"] > share["distance"]["matige"]


def test_same_seed_gives_the_same_prices_and_land_bank(nl1000, bank_run):
    model, _, _ = bank_run
    again = _model(nl1000, GELDERLAND, 2031, BANK)
    again.run_until(2031)
    cols = ["land_price_eur_ha", "land_bank_ha", "land_traded_ha", "grassland_converted_ha"]
    pd.testing.assert_frame_equal(model.indicators()[cols], again.indicators()[cols],
                                  check_exact=True)


# -- the land bank: what it lets go and when --------------------------------------------------


class _Payer:
    """A government stand-in with a large budget (buy_for_nature, LandBank.issue)."""

    def __init__(self):
        self.budget_meur, self.spent_meur, self.received_meur = 1e6, 0.0, 0.0

    def spend(self, amount_meur):
        self.budget_meur -= amount_meur
        self.spent_meur += amount_meur
        return amount_meur

    def receive(self, amount_meur, source):
        self.received_meur += amount_meur


def _only_taker(farms, farm):
    """Make ``farm`` the only active extensive or organic farm: the land bank's taker."""
    farms.extensive[:] = False
    farms.organic[:] = False
    farms.extensive[farm] = True


def test_land_let_go_by_the_bank_never_becomes_glass(nl1000):
    from agents.farmers import create_farms
    from agents.farmers.land_bank import _give_to_farms

    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(21))
    glass, grass = LAND_USES.index("greenhouse"), LAND_USES.index("grassland")
    open_uses = [i for i in range(len(LAND_USES)) if i != glass]
    area = farms.area_ha
    glasshouses = np.flatnonzero(farms.active & (area[:, glass] > 0))
    assert glasshouses.size >= 2
    only, mixed = glasshouses[:2]  # glass only (as synthesised), and glass with open land
    area[mixed, LAND_USES.index("arable")] += 4.0
    area[mixed, grass] += 2.0
    for taker in (mixed, only):
        _only_taker(farms, taker)
        before = farms.area_ha.copy()
        cell = farms.farmstead_cell[taker]
        cells, ha = np.array([cell, cell]), np.array([30.0, 12.5])
        _give_to_farms(farms, nl1000.grid, cells, ha)
        added = farms.area_ha - before
        # The national glass does not grow; the taker's open land takes all of it.
        assert farms.area_ha[:, glass].sum() == pytest.approx(before[:, glass].sum())
        assert added[taker, glass] == 0.0
        assert added[taker].sum() == pytest.approx(ha.sum())
        assert np.abs(np.delete(added, taker, axis=0)).sum() == 0.0
        if before[taker, open_uses].sum() > 0:  # in proportion to its open uses
            np.testing.assert_allclose(added[taker, open_uses] / ha.sum(),
                                       before[taker, open_uses] / before[taker, open_uses].sum())
        else:  # a farm with glass only takes grassland
            assert added[taker, grass] == pytest.approx(ha.sum())


def _bank_set_up(nl1000, seed):
    """Farms, two cells each with parcels of at least two farms, and an empty land bank."""
    from agents.farmers import create_farms
    from agents.farmers.land_bank import LandBank

    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(seed))
    n_cells = nl1000["land_mask"].size
    owners = np.zeros(n_cells, dtype=np.int64)
    pairs = np.unique(np.column_stack([farms.parcel_cell, farms.parcel_farm]), axis=0)
    np.add.at(owners, pairs[:, 0], 1)
    cells = np.flatnonzero(owners >= 2)[:2]
    assert cells.size == 2
    return farms, cells, LandBank.empty(n_cells), n_cells


def _offer(n_cells, cells, hold_yr, payer):
    zone = np.zeros(n_cells, dtype=bool)
    zone[cells] = True
    return {"cells": zone, "priority": np.zeros(n_cells), "payer": payer, "price_share": 1.0,
            "hold_yr": hold_yr, "nature_zone": np.zeros(n_cells, dtype=bool)}


def _farms_in(farms, cell):
    return np.unique(farms.parcel_farm[farms.parcel_cell == cell])


def test_a_later_purchase_does_not_restart_the_bank_s_clock(nl1000):
    farms, cells, bank, n_cells = _bank_set_up(nl1000, 22)
    cell = cells[0]
    price = np.full(n_cells, 60_000.0)
    payer = _Payer()
    offer = _offer(n_cells, [cell], 3, payer)
    first, second = _farms_in(farms, cell)[:2]
    for year, seller in ((2024, first), (2025, second)):
        farms.active[seller] = False
        bank.buy(farms, np.array([seller]), [offer], price, None, year)
        assert bank.bought_ha[cell] > 0
        bank.issue(farms, nl1000.grid, year, price)
    held = bank.stock_ha[cell]
    assert held > bank.bought_ha[cell] > 0  # both purchases held
    assert bank.issue(farms, nl1000.grid, 2026, price).sum() == 0.0
    assert bank.issued_ha.sum() == 0.0
    # Three years after the first purchase the whole stock goes, the later purchase with it.
    bank.issue(farms, nl1000.grid, 2027, price)
    assert bank.issued_ha[cell] == pytest.approx(held)
    assert bank.stock_ha[cell] == 0.0
    assert payer.received_meur == pytest.approx(held * 60_000.0 / 1e6)


def test_each_cell_keeps_the_hold_time_of_the_offer_that_bought_it(nl1000):
    farms, cells, bank, n_cells = _bank_set_up(nl1000, 23)
    price = np.full(n_cells, 60_000.0)
    short, long_ = _offer(n_cells, [cells[0]], 2, _Payer()), _offer(n_cells, [cells[1]], 5,
                                                                    _Payer())
    sellers = np.array([_farms_in(farms, cells[0])[0], _farms_in(farms, cells[1])[0]])
    farms.active[sellers] = False
    bank.buy(farms, sellers, [short, long_], price, None, 2024)
    assert (bank.stock_ha[cells] > 0).all()
    due = {}
    for year in range(2025, 2031):
        bank.issue(farms, nl1000.grid, year, price)
        for c in cells[bank.issued_ha[cells] > 0]:
            due[int(c)] = year
    assert due == {int(cells[0]): 2026, int(cells[1]): 2029}
