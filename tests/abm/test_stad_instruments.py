"""The urbanisation instruments of abm.policy.instruments.stad: each moves its indicator in the
documented direction against the same run without it, two instruments on one signal do not
depend on the scenario's order, and runs are reproducible (docs/instruments_stad.md)."""

from __future__ import annotations

import numpy as np
import pytest

from abm.model import RegionModel
from abm.policy.catalogue import catalogue
from abm.policy.instruments import stad
from abm.policy.registry import implemented
from abm.scenario import scenario_from_dict
from agents.households.housing import PROVINCE_AGREEMENTS, PROVINCE_HOMES_TARGET

REGION = ["Utrecht", "Noord-Brabant"]
END = 2027
IDS = ("WONING-PROV-2030", "WONING-WOONDEALS", "WBS-24", "WERKLOC-BEHOUD", "REV-INDUSTRIEEL",
       "REV-PRODUCTIE", "WERKLOC-WOON-WERK")
_RUNS: dict[str, dict] = {}


def _model(nl1000, name: str, instruments: list[dict], region=REGION) -> RegionModel:
    data = {"name": name, "start_year": 2024, "end_year": END, "resolution_m": 1000,
            "region": region, "seed": 3, "instruments": instruments}
    return RegionModel(scenario_from_dict(data), nl1000)


def _run(nl1000, name: str, instruments: list[dict], region=REGION,
         zone: np.ndarray | None = None) -> dict:
    """Run 2024-END (cached per name); sums over the years of what the tests read (``zone``:
    cells, grid shape, whose homes and transformed land are summed apart)."""
    if name in _RUNS:
        return _RUNS[name]
    model = _model(nl1000, name, instruments, region)
    land = model.landscape
    province = land["province_id"].ravel()
    hz = land["fgr_id"].ravel() == land.codes("fgr").index("hz") + 1
    z = np.zeros(province.size, bool) if zone is None else zone(model).ravel()
    out = {"model": model, "stock0": model.business_land.stock_ha.sum(), "infill": 0.0,
           "green": 0.0, "green_hz": 0.0, "transformed": 0.0, "homes_zone": 0.0,
           "transformed_zone": 0.0, "compensation": 0.0,
           "homes_prov": np.zeros(len(land.codes("province")) + 1), "targets": []}
    for _ in range(2024, END + 1):
        model.step()
        hy = model.housing_year
        bl = model.business_land
        out["infill"] += hy.infill.sum()
        out["green"] += hy.greenfield.sum()
        out["green_hz"] += hy.greenfield[hz].sum()
        out["homes_zone"] += hy.homes[z].sum()
        out["transformed"] += bl.transformed_ha.sum()
        out["transformed_zone"] += bl.transformed_ha[z].sum()
        out["compensation"] += bl.compensation_planned_ha
        out["homes_prov"] += np.bincount(province, weights=hy.homes,
                                         minlength=out["homes_prov"].size)
        out["targets"].append({k: v for k, v in model.policy.targets.items()
                               if k.startswith(PROVINCE_HOMES_TARGET)})
    out["stock"] = model.business_land.stock_ha.sum()
    out["dwellings"] = model.dwellings.copy()
    _RUNS[name] = out
    return out


def _pid(model: RegionModel, code: str) -> int:
    return model.landscape.codes("province").index(code) + 1


@pytest.fixture(scope="module")
def baseline(nl1000):
    return _run(nl1000, "baseline", [])


def test_instruments_are_registered_with_the_catalogue_mechanism_and_cite_the_seed():
    registry = implemented()
    for iid in IDS:
        cls = registry[iid]
        assert cls.__module__ == stad.__name__
        assert catalogue()[iid].mechanism == cls.mechanism
        doc = cls.__doc__ or ""
        assert "_" in doc and ".txt:L" in doc, iid


def test_provincial_agreements_set_each_province_its_own_rate(nl1000, baseline):
    run = _run(nl1000, "prov", [{"id": "WONING-PROV-2030"}])
    model = run["model"]
    for code in ("PV26", "PV30"):
        rate = PROVINCE_AGREEMENTS[code] / 9.0  # 2022-2030
        assert all(t[PROVINCE_HOMES_TARGET + code] == pytest.approx(rate)
                   for t in run["targets"])
        pid = _pid(model, code)
        # the agreements ask more than the baseline share of 73,000 a year: more homes, at
        # most the rate every year
        assert run["homes_prov"][pid] > baseline["homes_prov"][pid] * 1.1
        assert run["homes_prov"][pid] <= rate * (END - 2024 + 1) + 1e-6
    assert not baseline["targets"][-1]
    # after the agreements' last year the instrument writes nothing
    inst = next(i for gs in model.governments.values() for g in gs for i in g.instruments
                if i.id == "WONING-PROV-2030")
    assert inst.rates(model, 2031) == {}
    assert inst.rates(model, 2030)


def test_woondeals_split_a_million_homes_through_2035_over_the_provinces(nl1000, baseline):
    run = _run(nl1000, "deals", [{"id": "WONING-WOONDEALS"}])
    national = 1_000_000.0 / 13.0  # 2023-2035
    total = sum(PROVINCE_AGREEMENTS.values())
    for code in ("PV26", "PV30"):
        expected = national * PROVINCE_AGREEMENTS[code] / total
        assert run["targets"][0][PROVINCE_HOMES_TARGET + code] == pytest.approx(expected)
    # 76,923 a year is above the baseline 73,000: a little more is built
    assert run["homes_prov"].sum() > baseline["homes_prov"].sum()


def test_agreements_and_deals_together_take_the_larger_rate_in_either_order(nl1000):
    a = _run(nl1000, "prov_deals", [{"id": "WONING-PROV-2030"}, {"id": "WONING-WOONDEALS"}])
    b = _run(nl1000, "deals_prov", [{"id": "WONING-WOONDEALS"}, {"id": "WONING-PROV-2030"}])
    assert a["targets"] == b["targets"]
    assert np.array_equal(a["dwellings"], b["dwellings"])
    rate = PROVINCE_AGREEMENTS["PV30"] / 9.0
    assert a["targets"][0][PROVINCE_HOMES_TARGET + "PV30"] == pytest.approx(rate)


def test_the_urbanisation_ladder_builds_inside_and_spares_infiltration_soils(nl1000, baseline):
    run = _run(nl1000, "wbs24", [{"id": "WBS-24"}])
    assert run["model"].policy.ladders["verstedelijking"] == (
        "infill", "transformation", "greenfield")
    # the same number of homes, more of them inside built-up land
    assert run["infill"] + run["green"] == pytest.approx(
        baseline["infill"] + baseline["green"], rel=1e-6)
    assert run["infill"] > baseline["infill"] * 1.1
    assert run["green"] < baseline["green"]
    # greenfield on the hogere zandgronden falls more than greenfield elsewhere
    assert baseline["green_hz"] > 0
    assert (run["green_hz"] / run["green"]) < (baseline["green_hz"] / baseline["green"])


def test_keeping_business_land_blocks_transformation_in_either_order(nl1000, baseline):
    bruis = _run(nl1000, "bruis", [{"id": "BRUIS-TRANSFORMATIE"}])
    kept = _run(nl1000, "bruis_behoud",
                [{"id": "BRUIS-TRANSFORMATIE"}, {"id": "WERKLOC-BEHOUD"}])
    kept2 = _run(nl1000, "behoud_bruis",
                 [{"id": "WERKLOC-BEHOUD"}, {"id": "BRUIS-TRANSFORMATIE"}])
    assert bruis["transformed"] > 0
    assert bruis["stock"] < baseline["stock"]
    assert kept["transformed"] == 0.0
    assert kept["stock"] >= kept["stock0"]
    assert kept["stock"] == pytest.approx(baseline["stock"])
    assert kept["infill"] < bruis["infill"]  # no transformed land to build homes on
    assert np.array_equal(kept["dwellings"], kept2["dwellings"])
    assert kept2["transformed"] == 0.0


def _clusters(model: RegionModel) -> np.ndarray:
    return stad.industry_cluster_cells(model)


def test_industry_clusters_lie_on_business_land_and_keep_housing_and_parks(nl1000):
    base = _run(nl1000, "zh_bruis", [{"id": "BRUIS-TRANSFORMATIE"}], ["Zuid-Holland"],
                _clusters)
    kept = _run(nl1000, "zh_bruis_ind", [{"id": "BRUIS-TRANSFORMATIE"},
                                         {"id": "REV-INDUSTRIEEL"}], ["Zuid-Holland"],
                _clusters)
    model = kept["model"]
    zone = _clusters(model).ravel()
    # the cluster points are right: far more business land per cell than elsewhere
    stock = base["model"].business_land.stock_ha
    assert stock[zone].mean() > 2.0 * stock[~zone & model.landscape["land_mask"].ravel()].mean()
    assert model.policy.zones[stad.INDUSTRY_CLUSTER_ZONE].ravel()[zone].all()
    # transformation and housing happen in the clusters without the zoning, not with it
    assert base["transformed_zone"] > 0 and base["homes_zone"] > 0
    assert kept["transformed_zone"] == 0.0
    assert kept["homes_zone"] == 0.0
    assert kept["transformed"] < base["transformed"]
    # the homes go elsewhere in the province
    assert kept["infill"] + kept["green"] == pytest.approx(base["infill"] + base["green"],
                                                           rel=1e-6)


def test_production_milieu_is_transformed_only_with_replacement_land(nl1000):
    base = _run(nl1000, "zh_bruis", [{"id": "BRUIS-TRANSFORMATIE"}], ["Zuid-Holland"],
                _clusters)
    prod = _run(nl1000, "zh_bruis_prod", [{"id": "BRUIS-TRANSFORMATIE"},
                                          {"id": "REV-PRODUCTIE"}], ["Zuid-Holland"])
    cells = stad.production_cells(prod["model"])
    assert cells.any()
    assert base["compensation"] == 0.0
    # replacement land is planned for (at most) what is transformed on productie cells
    assert 0.0 < prod["compensation"] <= prod["transformed"] + 1e-9
    assert prod["stock"] > base["stock"]


def test_housing_work_agreements_replace_business_land_of_novex_sites(nl1000):
    from abm.policy.instruments.wonen import novex_cells

    def sites(model):
        return novex_cells(model, 2500.0)

    base = _run(nl1000, "ut_bruis", [{"id": "BRUIS-TRANSFORMATIE"}], ["Utrecht"], sites)
    ww = _run(nl1000, "ut_bruis_ww", [{"id": "BRUIS-TRANSFORMATIE"},
                                      {"id": "WERKLOC-WOON-WERK"}], ["Utrecht"], sites)
    assert base["compensation"] == 0.0 and base["transformed_zone"] > 0
    # replacement for exactly the land transformed on the sites (floor_space_ratio 1)
    assert ww["compensation"] == pytest.approx(ww["transformed_zone"], rel=1e-9)
    assert ww["stock"] > base["stock"]


def test_stad_runs_are_reproducible(nl1000):
    instruments = [{"id": iid} for iid in IDS] + [{"id": "BRUIS-TRANSFORMATIE"}]
    a = _model(nl1000, "all", instruments)
    b = _model(nl1000, "all", instruments)
    for _ in range(2024, 2026):
        a.step()
        b.step()
    assert np.array_equal(a.dwellings, b.dwellings)
    assert np.array_equal(a.land_use, b.land_use)
    assert np.array_equal(a.business_land.stock_ha, b.business_land.stock_ha)
