"""The builder reproduces the shipped bundle from ../shared/data/nl (skipped without it)."""

import shutil

import numpy as np
import pytest

from abm.errors import InputError
from environment.builder import build_bundle
from environment.bundle import read_bundle
from environment.landscape import PACKAGE_BUNDLES


@pytest.mark.parametrize("res", [1000, 250])
def test_builder_reproduces_the_shipped_bundle(shared_data, tmp_path, res):
    path = build_bundle(res, source=shared_data, out_dir=tmp_path / f"nl_{res}m")
    built_manifest, built = read_bundle(path)
    shipped_manifest, shipped = read_bundle(PACKAGE_BUNDLES / f"nl_{res}m")
    assert built_manifest["layers_sha256"] == shipped_manifest["layers_sha256"]
    for name, values in shipped.items():
        np.testing.assert_array_equal(built[name], values, err_msg=name)
    assert built_manifest["sources"] == shipped_manifest["sources"]


def test_missing_source_file_is_named(shared_data, tmp_path):
    partial = tmp_path / "nl"
    shutil.copytree(shared_data, partial)
    (partial / "population" / "pc4_nl_master.gpkg").unlink()
    with pytest.raises(InputError, match="pc4_nl_master.gpkg"):
        build_bundle(1000, source=partial, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_missing_source_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="--source"):
        build_bundle(1000, source=tmp_path / "none", out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("broken", ["population/pc4_nl_master.gpkg",
                                    "urban/ghs_degurba_l2_2025_nl_250m_rd.tif",
                                    "soil/fgr_to_grondsoort_proxy.csv",
                                    "population/certegis_pc4_inwoners_leeftijd.csv",
                                    "population/cbs_pc4_2017_v3_kerncijfers.csv"])
def test_damaged_source_file_is_named(shared_data, tmp_path, broken):
    partial = tmp_path / "nl"
    shutil.copytree(shared_data, partial)
    (partial / broken).write_bytes(b"")
    with pytest.raises(InputError, match=broken.split("/")[-1]):
        build_bundle(1000, source=partial, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("table, column", [
    ("soil/fgr_to_grondsoort_proxy.csv", "grondsoort_proxy"),
    ("population/cbs_pc4_2017_v3_kerncijfers.csv", "P_LINK_HH"),
    ("population/certegis_pc4_inwoners_leeftijd.csv", "leeftijd"),
])
def test_missing_column_is_named(shared_data, tmp_path, table, column):
    partial = tmp_path / "nl"
    shutil.copytree(shared_data, partial)
    path = partial / table
    path.chmod(0o644)
    path.write_text(path.read_text().replace(column, "renamed", 1))
    with pytest.raises(InputError, match=column):
        build_bundle(1000, source=partial, out_dir=tmp_path / "out")


@pytest.mark.parametrize("where", ["file", "nonempty", "source", "inside_source", "above_source"])
def test_out_folder_is_checked_before_building(shared_data, tmp_path, where):
    source = tmp_path / "src" / "nl"
    shutil.copytree(shared_data, source)
    keep = tmp_path / "nonempty" / "mine.txt"
    keep.parent.mkdir()
    keep.write_text("mine")
    (tmp_path / "file").write_text("a file")
    out = {"file": tmp_path / "file", "nonempty": keep.parent, "source": source,
           "inside_source": source / "bundle", "above_source": tmp_path / "src"}[where]
    with pytest.raises(InputError, match="--out"):
        build_bundle(1000, source=source, out_dir=out)
    assert keep.read_text() == "mine"
    assert (tmp_path / "file").read_text() == "a file"
    assert (source / "population" / "pc4_nl_master.gpkg").is_file()


def test_an_earlier_bundle_is_replaced(shared_data, tmp_path):
    out = tmp_path / "nl_1000m"
    build_bundle(1000, source=shared_data, out_dir=out)
    build_bundle(1000, source=shared_data, out_dir=out)
    assert sorted(p.name for p in out.iterdir()) == ["layers.npz", "manifest.json"]
