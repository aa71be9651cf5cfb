"""Relocation: greenhouses into heat clusters (LN-15, LN-16), livestock away from Natura 2000
(LN-18). Conservation, money, direction of the effects against baseline, errors."""

import numpy as np
import pandas as pd
import pytest

from abm.errors import InputError
from abm.model import RegionModel
from abm.scenario import load_scenario
from agents.farmers import create_farms, relocation
from environment.distance import distance_m
from agents.farmers.state import DAIRY, GREENHOUSE, INTENSIVE, LAND_USES

GLASS = LAND_USES.index("greenhouse")


def _toml(tmp_path, name, instruments, region, start=2024, end=2026):
    lines = [f'name = "{name}"', f"start_year = {start}", f"end_year = {end}",
             "resolution_m = 1000", "seed = 3", f"region = {region!r}".replace("'", '"')]
    for inst in instruments:
        lines.append("[[instruments]]")
        lines.append(f'id = "{inst["id"]}"')
        if "parameters" in inst:
            body = ", ".join(f"{k} = {v!r}".replace("'", '"') if not isinstance(v, bool)
                             else f"{k} = {str(v).lower()}" for k, v in inst["parameters"].items())
            lines.append(f"parameters = {{ {body} }}")
    path = tmp_path / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(nl1000, path, until):
    model = RegionModel(load_scenario(path), nl1000)
    start_ha = model.farms.total_area_ha.sum()
    model.run_until(until)
    return model, start_ha


def _prov(model):
    frame = model.indicators()
    return frame[frame.level == "provincie"].groupby("year").sum(numeric_only=True)


def test_a_swap_conserves_land_uses_herds_and_parcels(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(11))
    before_use = farms.area_ha.sum(axis=0)
    animals = farms.animals.copy()
    greenhouses = np.flatnonzero(farms.farm_type == GREENHOUSE)[:40]
    livestock = np.flatnonzero(np.isin(farms.farm_type, [DAIRY, INTENSIVE]))[:40]
    sites = np.flatnonzero(farms.farm_type == DAIRY)[-80:]
    movers = np.concatenate([greenhouses, livestock])
    old_cell, site_cell = farms.farmstead_cell[movers].copy(), farms.farmstead_cell[sites].copy()
    glass = farms.area_ha[greenhouses, GLASS].copy()
    mover_area, site_area = farms.total_area_ha[movers], farms.total_area_ha[sites]
    relocation.swap_sites(farms, movers, sites, np.arange(80) < 40)
    np.testing.assert_allclose(farms.area_ha.sum(axis=0), before_use)
    per_farm = np.bincount(farms.parcel_farm, weights=farms.parcel_ha, minlength=farms.n)
    np.testing.assert_allclose(per_farm, farms.total_area_ha, atol=1e-9)
    np.testing.assert_allclose(farms.total_area_ha[movers], site_area)
    np.testing.assert_allclose(farms.total_area_ha[sites], mover_area)
    assert (farms.area_ha >= 0).all()
    np.testing.assert_array_equal(farms.farmstead_cell[movers], site_cell)
    np.testing.assert_array_equal(farms.farmstead_cell[sites], old_cell)
    np.testing.assert_array_equal(farms.animals, animals)
    # Greenhouses keep their glass wherever the new site is large enough to hold it.
    big = site_area[:40] >= glass
    assert big.sum() > 10
    np.testing.assert_allclose(farms.area_ha[greenhouses[big], GLASS], glass[big])


def test_relocation_keeps_farm_counts_and_charges_the_payer(nl1000, make_payer):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(12))
    rng = np.random.default_rng(13)
    stopped = np.flatnonzero(rng.random(farms.n) < 0.05)
    farms.active[stopped] = False
    active = farms.active.sum()
    n2000 = nl1000["natura2000_n_sensitive"] & nl1000["land_mask"]
    distance = distance_m(n2000, 1000.0).ravel()
    exposure = np.exp(-distance / 2000.0)  # falls with distance, like the kernel
    contribution = exposure[farms.farmstead_cell] * 1e4
    candidates = np.flatnonzero(farms.active & np.isin(farms.farm_type, [DAIRY, INTENSIVE])
                                & (distance[farms.farmstead_cell] <= 1000.0))
    payer = make_payer(200.0)
    animals = farms.animals.copy()
    offer = {"relocation": "livestock", "candidates": candidates, "subsidy_share": 1.0,
             "min_site_distance_m": 3000.0, "contribution_mol": contribution, "payer": payer}
    record = relocation.relocate(farms, [offer], stopped, np.zeros(nl1000.grid.shape, bool),
                                 exposure, distance, 2030, np.random.default_rng(14))
    moved = np.flatnonzero(record.moved)
    assert moved.size > 5
    assert farms.active.sum() == active  # relocation neither adds nor removes farms
    np.testing.assert_array_equal(farms.animals, animals)
    assert record.paid_meur.sum() == pytest.approx(payer.spent_meur)
    assert 0 < payer.spent_meur <= 200.0
    new = distance[farms.farmstead_cell[moved]]
    old = distance[farms.farmstead_cell[record.site_of[moved]]]
    assert (new >= 3000.0).all() and (new > old).all()
    assert not farms.active[record.site_of[moved]].any()


@pytest.fixture(scope="module")
def greenhouse_runs(nl1000, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("glas")
    region = ["Zuid-Holland"]
    base = _run(nl1000, _toml(tmp, "base", [], region, end=2040), 2040)
    policy = _run(nl1000, _toml(tmp, "glas", [{"id": "LN-15"}, {"id": "LN-16"}], region,
                                end=2040), 2040)
    return base, policy


def test_greenhouse_policy_clusters_the_glass_by_2040(greenhouse_runs):
    (base, _), (policy, _) = greenhouse_runs
    b, p = _prov(base), _prov(policy)
    assert b.solitary_greenhouses[2040] > 50
    assert p.solitary_greenhouses[2040] == 0
    assert (p.solitary_greenhouses < b.solitary_greenhouses).all()
    assert p.greenhouses_relocated.sum() > 10
    assert p.greenhouse_area_in_clusters_ha[2040] > b.greenhouse_area_in_clusters_ha[2040]
    assert p.greenhouse_cluster_share[2040] > b.greenhouse_cluster_share[2040]
    assert b.farms_relocated.sum() == 0 and b.relocation_meur.sum() == 0


def test_greenhouse_policy_conserves_land_and_counts_and_balances_money(greenhouse_runs):
    for model, start_ha in greenhouse_runs:
        farms = model.farms
        per_farm = np.bincount(farms.parcel_farm, weights=farms.parcel_ha, minlength=farms.n)
        np.testing.assert_allclose(per_farm, farms.total_area_ha, atol=1e-6)
        assert (farms.total_area_ha.sum() + model.nature_gained_ha.sum()
                + model.farmland_converted_total_ha.sum()) == pytest.approx(start_ha)
        p = _prov(model)
        assert (p.farms_total.diff().dropna() == -p.farms_exited.iloc[1:]).all()
    policy = greenhouse_runs[1][0]
    p = _prov(policy)
    rijk = policy.governments["rijk"][0]
    assert rijk.spent_meur == pytest.approx(p.relocation_meur.sum())
    assert rijk.spent_meur == pytest.approx(p.budget_spent_meur.sum())
    assert rijk.received_meur == pytest.approx(20.0 * 17)
    assert rijk.budget_meur >= -1e-9


@pytest.fixture(scope="module")
def livestock_runs(nl1000, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vee")
    region = ["Gelderland"]
    base = RegionModel(load_scenario(_toml(tmp, "base", [], region, end=2027)), nl1000)
    base.run_until(2027)
    policy = RegionModel(load_scenario(_toml(tmp, "vee", [{"id": "LN-18"}], region, end=2027)),
                         nl1000)
    distance = distance_m(policy.n2000_sensitive, 1000.0).ravel()
    moves = []
    for year in range(2024, 2028):
        policy.run_until(year)
        rec = policy.relocations
        moved = np.flatnonzero(rec.moved)
        moves.append((distance[policy.farms.farmstead_cell[rec.site_of[moved]]],
                      distance[policy.farms.farmstead_cell[moved]]))
    return base, policy, moves


def test_livestock_relocation_lowers_deposition_on_natura2000(livestock_runs):
    base, policy, moves = livestock_runs
    b, p = _prov(base), _prov(policy)
    assert p.farms_relocated.sum() > 10
    assert (p.n_deposition_n2000_mean_mol_ha_yr < b.n_deposition_n2000_mean_mol_ha_yr).all()
    assert p.n2000_below_kdw_share[2027] >= b.n2000_below_kdw_share[2027]
    old = np.concatenate([m[0] for m in moves])
    new = np.concatenate([m[1] for m in moves])
    assert (new > old).all() and (new >= 3000.0).all()
    provinces = policy.governments["provincie"]
    assert sum(g.spent_meur for g in provinces) == pytest.approx(p.relocation_meur.sum())
    assert (p.budget_spent_meur >= p.relocation_meur - 1e-9).all()
    # Herds are not taken out of the sector by relocation: the same as baseline within options'
    # noise (rights trade), far from what a buy-out would remove.
    assert p.dairy_cows[2027] == pytest.approx(b.dairy_cows[2027], rel=0.02)


def test_same_seed_same_relocations(nl1000, tmp_path):
    path = _toml(tmp_path, "both", [{"id": "LN-15", "parameters": {"climate_neutral_year": 2026}},
                                    {"id": "LN-18"}], ["Zuid-Holland"], end=2026)
    a, _ = _run(nl1000, path, 2026)
    b, _ = _run(nl1000, path, 2026)
    pd.testing.assert_frame_equal(a.indicators(), b.indicators(), check_exact=True)
    assert a.indicators().farms_relocated.sum() > 0


@pytest.mark.parametrize("inst, field", [
    ({"id": "LN-15", "parameters": {"subsidy_keur_ha": -5.0}}, "subsidy_keur_ha"),
    ({"id": "LN-15", "parameters": {"heat_cost_share": 3.0}}, "heat_cost_share"),
    ({"id": "LN-16", "parameters": {"near_urban_centre_m": -1.0}}, "near_urban_centre_m"),
    ({"id": "LN-18", "parameters": {"sectors": ["horses"]}}, "sectors"),
    ({"id": "LN-18", "parameters": {"min_site_distance_m": -100.0}}, "min_site_distance_m"),
    ({"id": "LN-18", "parameters": {"subsidy": 0.5}}, "subsidy"),
])
def test_bad_relocation_parameters_are_input_errors(tmp_path, inst, field):
    path = _toml(tmp_path, "bad", [inst], ["Gelderland"])
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field.startswith(f"instruments[0].parameters.{field}")
    assert str(err.value).startswith(str(path))


def test_clusters_follow_the_glass(nl1000):
    farms, _ = create_farms(nl1000, 2023, np.random.default_rng(1))
    glass = relocation.glass_per_cell(farms, nl1000["land_mask"].size).reshape(nl1000.grid.shape)
    clusters = relocation.heat_clusters(glass, 1000.0)
    within = relocation.glass_within_ha(glass, 1000.0, relocation.CLUSTER_RADIUS_M)
    assert within.max() >= relocation.CLUSTER_MIN_GLASS_HA and clusters.any()
    assert within[clusters].min() >= relocation.CLUSTER_MIN_GLASS_HA
    # A farm's own glass counts toward its cell, and more glass never shrinks the clusters.
    assert (within >= glass - 1e-9).all()
    assert (relocation.heat_clusters(glass * 2, 1000.0) >= clusters).all()
    solitary = relocation.solitary_greenhouses(farms, clusters)
    assert 0 < solitary.sum() < (farms.farm_type == GREENHOUSE).sum()


def test_ln15_target_starts_from_the_clusters_in_force_with_ln16(nl1000, tmp_path):
    """LN-15 (rijk) applies before LN-16 (provincie) sets its new clusters: the target path
    starts at the solitary greenhouses counted against the clusters in force in the first year,
    as the tracked indicator counts them, not against the set-up clusters only."""
    path = _toml(tmp_path, "glas", [{"id": "LN-15"}, {"id": "LN-16"}], ["Zuid-Holland"],
                 end=2026)
    model = RegionModel(load_scenario(path), nl1000)
    start = relocation.solitary_greenhouses(model.farms, model.greenhouse_clusters).copy()
    sites = model.farms.farmstead_cell.copy()
    model.run_until(2025)
    ln15 = next(i for i in model.instruments if i.id == "LN-15")
    in_force = model.greenhouse_clusters_now
    assert (in_force & ~model.greenhouse_clusters).any()  # LN-16 added clusters
    expected = int((start & ~in_force.ravel()[sites]).sum())
    assert expected < start.sum()  # some set-up solitary greenhouses lie in the new clusters
    assert ln15.target_value(2024) == expected
    # The path starts at or above the tracked indicator of the first year (farms only move into
    # clusters or stop) and falls to none at the deadline.
    assert _prov(model).solitary_greenhouses[2024] <= ln15.target_value(2024)
    assert ln15.target_value(2040) == 0.0
