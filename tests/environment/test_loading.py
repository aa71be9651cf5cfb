import json
import shutil

import numpy as np
import pytest

from abm.errors import BundleError, InputError
from environment.landscape import PACKAGE_BUNDLES, bundle_name, load_landscape


def test_layers_are_read_only(nl1000):
    with pytest.raises(ValueError):
        nl1000["land_use"][0, 0] = 1


def test_subset_keeps_one_province(nl1000):
    utrecht = nl1000.subset(["PV26"])
    ids = np.unique(utrecht["province_id"][utrecht["land_mask"]])
    assert ids.tolist() == [nl1000.codes("province").index("PV26") + 1]
    assert utrecht.grid.shape[0] < nl1000.grid.shape[0]
    full = nl1000["inhabitants"][nl1000["province_id"] == ids[0]].sum(dtype=float)
    assert utrecht["inhabitants"].sum(dtype=float) == pytest.approx(full)


def _copy_bundle(tmp_path, res=1000):
    dst = tmp_path / bundle_name(res)
    shutil.copytree(PACKAGE_BUNDLES / bundle_name(res), dst)
    return dst


def test_missing_bundle_names_the_folder_and_the_fix(tmp_path):
    with pytest.raises(BundleError) as err:
        load_landscape(1000, bundle_dir=tmp_path / "nowhere")
    assert "nowhere" in str(err.value) and "ruimte data build" in str(err.value)


def test_stale_bundle_is_refused(tmp_path):
    path = _copy_bundle(tmp_path)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["format"] = 0
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="stale.*rebuild"):
        load_landscape(1000, bundle_dir=path)


def test_damaged_bundle_is_refused(tmp_path):
    path = _copy_bundle(tmp_path)
    with open(path / "layers.npz", "r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00\x01\x02")
    with pytest.raises(BundleError, match="does not match"):
        load_landscape(1000, bundle_dir=path)


def test_missing_100m_bundle_without_sources_says_how_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("RUIMTE_DATA_SOURCE", str(tmp_path))
    with pytest.raises(BundleError, match="ruimte data build --resolution 100"):
        load_landscape(100)


def test_unknown_resolution_is_an_input_error():
    with pytest.raises(InputError, match="1000, 250, 100"):
        load_landscape(500)


def test_bundle_dir_variable_takes_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("RUIMTE_BUNDLE_DIR", str(tmp_path))
    _copy_bundle(tmp_path)
    assert load_landscape(1000).path == (tmp_path / bundle_name(1000)).resolve()


def test_user_cache_bundle_takes_precedence_over_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("RUIMTE_CACHE_DIR", str(tmp_path))
    (tmp_path / "bundles").mkdir()
    _copy_bundle(tmp_path / "bundles")
    assert load_landscape(1000).path == (tmp_path / "bundles" / bundle_name(1000)).resolve()


@pytest.mark.parametrize("text", ["[]", "{}", '{"format": 1, "layers": []}', "not json"])
def test_malformed_manifest_is_a_bundle_error(tmp_path, text):
    path = _copy_bundle(tmp_path)
    (path / "manifest.json").write_text(text)
    with pytest.raises(BundleError):
        load_landscape(1000, bundle_dir=path)


def test_subset_lists_cut_corop_regions(nl1000):
    assert nl1000.subset(["PV26"]).partial_corops == ("CR30",)
    assert nl1000.subset(["PV26", "PV28"]).partial_corops == ()
