"""The builder reproduces the shipped bundle from ../shared/data/nl (skipped without it)."""

import shutil

import numpy as np
import pytest

from abm.errors import InputError
from environment.builder import build_bundle
from environment.bundle import read_bundle
from environment.landscape import PACKAGE_BUNDLES


def test_builder_reproduces_the_shipped_1000m_bundle(shared_data, tmp_path):
    path = build_bundle(1000, source=shared_data, out_dir=tmp_path / "nl_1000m")
    built_manifest, built = read_bundle(path)
    shipped_manifest, shipped = read_bundle(PACKAGE_BUNDLES / "nl_1000m")
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
