"""The command line: the main job's outputs, and exit 2 with nothing written on bad input."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import rasterio

from abm.cli import main
from abm.indicators import INDICATORS, KEY_COLUMNS


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "baseline"
    code = main(["run", "baseline", "--resolution", "1000", "--end", "2027", "--out", str(out),
                 "--quiet"])
    assert code == 0
    return out


def test_run_writes_indicators_maps_figures_and_manifest(run_dir):
    frame = pd.read_parquet(run_dir / "indicators.parquet")
    assert list(frame.columns) == list(KEY_COLUMNS) + [i.name for i in INDICATORS]
    assert set(frame.level) == {"nl", "provincie", "corop"}
    assert sorted(frame.year.unique()) == [2024, 2025, 2026, 2027]
    assert set(frame[frame.level == "provincie"].region_code) == {f"PV{n}" for n in range(20, 32)}
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["seed"] == 1 and manifest["resolution_m"] == 1000
    assert manifest["scenario"]["name"] == "baseline"
    assert len(manifest["scenario_sha256"]) == 64
    assert manifest["versions"]["mesa"].startswith("3.")
    assert frame.run_id.unique().tolist() == [manifest["run_id"]]
    assert {"maps/land_use.tif", "figures/timeseries.png", "figures/farmers.png",
            "figures/land_price_by_province.png", "figures/map_kdw_exceedance.png",
            "figures/map_nature_gained.png", "maps/kdw_exceedance_mol_ha_yr.tif"} <= set(
                manifest["outputs"])
    for name in manifest["outputs"]:
        assert (run_dir / name).stat().st_size > 0
    assert not list(run_dir.parent.glob(".*partial*"))


def test_farms_table_has_every_farm_and_its_deposition_on_natura2000(run_dir):
    farms = pd.read_parquet(run_dir / "farms.parquet")
    frame = pd.read_parquet(run_dir / "indicators.parquet")
    nl = frame[(frame.level == "nl") & (frame.year == 2027)].iloc[0]
    assert farms.active.sum() == nl.farms_total
    assert farms.farm_id.is_unique and len(farms) > nl.farms_total
    assert farms[farms.active].dairy_cows.sum() == nl.dairy_cows
    assert farms.nh3_emission_kg.sum() / 1e6 == pytest.approx(nl.nh3_emission_kt)
    assert (farms.n2000_contribution_mol_yr >= 0).all()
    assert (farms[~farms.active].nh3_emission_kg == 0).all()
    assert set(farms.province) == {f"PV{n}" for n in range(20, 32)}


def test_maps_are_geotiffs_in_rd_new(run_dir):
    with rasterio.open(run_dir / "maps" / "land_use.tif") as src:
        assert src.crs.to_epsg() == 28992
        assert src.res == (1000.0, 1000.0)
        assert set(np.unique(src.read(1))) <= {0, 1, 2, 3, 4}


def _bad(argv, tmp_path, capsys):
    out = tmp_path / "out"
    code = main([*argv, "--out", str(out)] if argv[0] == "run" else argv)
    err = capsys.readouterr().err
    assert code == 2
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name != "bad.toml"]
    assert err.startswith("ruimte: error: ") and err.count("\n") == 1
    return err


def test_unknown_scenario(tmp_path, capsys):
    err = _bad(["run", "nope"], tmp_path, capsys)
    assert "field 'scenario'" in err and "baseline" in err


def test_unknown_province(tmp_path, capsys):
    err = _bad(["run", "--region", "Atlantis", "--resolution", "1000"], tmp_path, capsys)
    assert "--region" in err and "PV26 (Utrecht)" in err


def test_end_before_start(tmp_path, capsys):
    err = _bad(["run", "--start", "2030", "--end", "2025"], tmp_path, capsys)
    assert "--end" in err and "end_year" in err


@pytest.mark.parametrize(
    "text, field",
    [
        ('name = "b"\n[[instruments]]\nid = "NOPE-1"\n', "instruments[0].id"),
        ('name = "b"\nseed = "one"\n', "seed"),
        ('name = "b"\n[[instruments]]\nid = "WBS-13"\nparameters = { storage_share = -1.0 }\n',
         "instruments[0].parameters.storage_share"),
        ('name = "b"\nresolution_m = 10\n', "resolution_m"),
    ],
)
def test_bad_scenario_file(tmp_path, capsys, text, field):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    err = _bad(["run", str(path)], tmp_path, capsys)
    assert str(path) in err and f"field '{field}'" in err and "Allowed:" in err


def test_missing_bundle(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RUIMTE_BUNDLE_DIR", str(tmp_path / "bundles"))
    (tmp_path / "bundles" / "nl_1000m").mkdir(parents=True)
    (tmp_path / "bundles" / "nl_1000m" / "manifest.json").write_text("{}")
    out = tmp_path / "out"
    code = main(["run", "--resolution", "1000", "--end", "2024", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "landscape bundle is missing" in err and "ruimte data build" in err


def test_region_run_drops_cut_corop_regions(tmp_path):
    out = tmp_path / "utrecht"
    assert main(["run", "--region", "Utrecht", "--resolution", "1000", "--end", "2024",
                 "--out", str(out), "--quiet", "--no-figures"]) == 0
    frame = pd.read_parquet(out / "indicators.parquet")
    assert set(frame.level) == {"provincie", "corop"}
    assert set(frame[frame.level == "corop"].region_code) == {"CR17"}  # CR30 is cut


@pytest.mark.parametrize(
    "argv, words",
    [
        (["run", "--seed", "abc"], ["--seed", "'abc'", "integer"]),
        (["run", "--resolution", "500"], ["--resolution", "1000, 250, 100"]),
        (["run", "--region"], ["--region"]),
        (["run", "--start", "x"], ["--start", "a year"]),
        (["data", "build", "--resolution", "500"], ["--resolution", "1000, 250, 100"]),
        (["bogus"], ["COMMAND", "run"]),
    ],
)
def test_option_errors_are_one_paragraph(capsys, argv, words):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("ruimte: error: command line: ") and err.count("\n") == 1
    assert all(w in err for w in words)


def test_unwritable_output_folder(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["run", "--resolution", "1000", "--end", "2024", "--out", str(blocker / "run")])
    err = capsys.readouterr().err
    assert code == 2 and "--out" in err and "writable" in err
    assert blocker.read_text() == "not a folder"


def test_existing_output_folder_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code = main(["run", "--resolution", "1000", "--end", "2024", "--out", str(out)])
    assert code == 2 and "not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_scenario_check(tmp_path, capsys):
    assert main(["scenario", "check", "baseline"]) == 0
    assert "valid scenario 'baseline'" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nend_year = 1999\n')
    assert main(["scenario", "check", str(bad)]) == 2
    assert "end_year" in capsys.readouterr().err


def test_listings(capsys):
    assert main(["scenarios"]) == 0
    assert "baseline" in capsys.readouterr().out
    assert main(["indicators"]) == 0
    out = capsys.readouterr().out
    assert all(ind.name in out for ind in INDICATORS)
    assert main(["instruments", "--implemented"]) == 0
    assert "WBS-13" in capsys.readouterr().out
    assert main(["data", "info", "--resolution", "1000"]) == 0
    assert "province_id" in capsys.readouterr().out
    assert main(["data", "info", "--resolution", "100"]) == 0
    assert "no 100 m bundle is built yet" in capsys.readouterr().out


def test_data_build_refuses_a_non_empty_out_folder(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    assert main(["data", "build", "--resolution", "1000", "--source", str(tmp_path),
                 "--out", str(out)]) == 2
    assert (out / "notes.txt").read_text() == "keep"
    assert "ruimte: error:" in capsys.readouterr().err


def test_python_dash_m_abm_behaves_like_ruimte():
    result = subprocess.run([sys.executable, "-m", "abm", "scenario", "check", "nope"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("ruimte: error: nope: field 'scenario'")
    assert "Traceback" not in result.stderr


def test_instruments_lists_the_lines_each_rests_on(capsys):
    assert main(["instruments", "--implemented", "--sources"]) == 0
    out = capsys.readouterr().out
    assert "LN-15" in out and "004_9972baf923c41044.txt:L1419-1425" in out
    assert out.count("source: ") == out.count(" yes ")


def test_a_bad_instrument_parameter_names_the_instrument(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nend_year = 2026\n[[instruments]]\nid = "LN-18"\n'
                   "parameters = { subsidy_share_of_value = 5.0 }\n")
    err = _bad(["run", str(bad)], tmp_path, capsys)
    assert "instruments[0].parameters.subsidy_share_of_value" in err and "LN-18:" in err


def test_farms_table_follows_the_runs_parameters(tmp_path):
    out = tmp_path / "set"
    assert main(["run", "baseline", "--resolution", "1000", "--region", "Utrecht", "--end",
                 "2024", "--set", "farmers.economics.INCOME_SHARE=0.5", "--out", str(out),
                 "--quiet", "--no-figures"]) == 0
    farms = pd.read_parquet(out / "farms.parquet")
    frame = pd.read_parquet(out / "indicators.parquet")
    income = frame[(frame.level == "provincie") & (frame.year == 2024)].farm_income_meur.sum()
    assert farms[farms.active].income_keur.sum() / 1000 == pytest.approx(income)
