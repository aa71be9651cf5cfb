"""The shipped Netherlands: the facts the foundation issue asks of the 250 m and 1000 m bundles."""

import json

import numpy as np
import pytest

from environment.landscape import PACKAGE_BUNDLES, bundle_name
from environment.layers import LAYERS

CBS_LAND_KM2 = 33_700  # CBS land area of the Netherlands (excluding water), km2
CBS_INHABITANTS_2021 = 17.47e6  # CBS, 1 January 2021


@pytest.fixture(params=["nl1000", "nl250"])
def land(request):
    return request.getfixturevalue(request.param)


def test_twelve_provinces_and_forty_corop_regions(land):
    assert len(np.unique(land["province_id"][land["land_mask"]])) == 12
    assert len(np.unique(land["corop_id"][land["land_mask"]])) == 40
    assert land.codes("province") == [f"PV{n}" for n in range(20, 32)]
    assert land.codes("corop") == [f"CR{n:02d}" for n in range(1, 41)]


def test_every_gemeente_has_land(land):
    assert len(np.unique(land["gemeente_id"][land["land_mask"]])) == 345


def test_land_area_within_three_percent_of_cbs(land):
    land_km2 = land["land_mask"].sum() * land.grid.cell_area_ha / 100
    assert abs(land_km2 / CBS_LAND_KM2 - 1) < 0.03


def test_inhabitants_within_one_percent_of_cbs_and_on_land(land):
    people = land["inhabitants"].sum(dtype=np.float64)
    assert abs(people / CBS_INHABITANTS_2021 - 1) < 0.01
    assert land["inhabitants"][~land["land_mask"]].sum() == 0
    assert (land["households"] <= land["inhabitants"] + 1e-3).all()


def test_every_natura2000_area_on_the_grid_has_cells(land):
    present = set(np.unique(land["natura2000_id"]).tolist())
    table = land.tables["natura2000"]
    assert len(table) == 160
    for i, area in enumerate(table, start=1):
        assert (i in present) == area["on_grid"], area["name"]
    # Only the two offshore North Sea areas lie beyond the grid.
    assert sorted(a["code"] for a in table if not a["on_grid"]) == ["doggersbank", "klaverbank"]


def test_nitrogen_sensitive_cells_belong_to_flagged_areas(land):
    ids = land["natura2000_id"][land["natura2000_n_sensitive"]]
    assert ids.size > 0
    assert all(land.tables["natura2000"][i - 1]["n_sensitive"] for i in np.unique(ids))


def test_layers_carry_units_and_provenance(land):
    for spec in LAYERS:
        meta = land.manifest["layers"][spec.name]
        assert meta["units"] == spec.units
        assert meta["provenance"]["sources"], spec.name
        assert meta["provenance"]["method"], spec.name
        assert all(s["licence"] for s in meta["provenance"]["sources"])
        assert land[spec.name].dtype == np.dtype(spec.dtype)


def test_land_use_classes_cover_land_and_water(land):
    lu = land["land_use"]
    assert set(np.unique(lu[land["land_mask"]])) == {1, 2, 3}
    assert (lu[land["large_water"] & (land["province_id"] > 0)] == 4).all()
    # Agriculture is the largest use; urban land near CBS built-up (5,162 km2, 2015) +- 25%.
    urban_km2 = (lu == 1).sum() * land.grid.cell_area_ha / 100
    assert 0.75 < urban_km2 / 5162 < 1.25
    assert (lu == 2).sum() > (lu == 1).sum() + (lu == 3).sum()


def test_derived_layers_are_plausible(land):
    gwd = land["groundwater_depth_cm"][land["land_mask"]]
    assert gwd.min() >= 0 and np.median(gwd) < 150
    peat = land["fgr_id"] == land.codes("fgr").index("lv") + 1
    assert np.median(land["groundwater_depth_cm"][peat & land["land_mask"]]) < np.median(gwd)
    assert (land["elevation_m_nap"][land["deep_polder"]] <= -2.0).all()
    assert land["dist_station_m"][land["land_mask"]].max() < 60_000


def test_shipped_bundles_stay_small():
    total = sum(p.stat().st_size for r in (1000, 250)
                for p in (PACKAGE_BUNDLES / bundle_name(r)).iterdir())
    assert total < 15e6


def test_manifest_summary_matches_layers(nl250):
    summary = json.loads((nl250.path / "manifest.json").read_text())["summary"]
    assert summary["n_provinces"] == 12
    assert summary["inhabitants"] == pytest.approx(nl250["inhabitants"].sum(dtype=float), rel=1e-6)
