"""One scenario per policy document (and wbs-soft): each runs nationally at 1000 m over a short
horizon and moves the indicators it targets in the documented direction against baseline
(docs/scenarios.md)."""

from __future__ import annotations

import pytest

from abm.cli import main
from abm.model import RegionModel
from abm.scenario import load_scenario
from experiments.library import scenario_path

END = 2027
DOCUMENTS = {"novi-2017": "000", "regiodeals-2017": "001", "rev-2025": "002",
             "startpakket-2022": "003", "nota-ruimte-2024": "004"}
_RUNS: dict[str, object] = {}


def _nl(name: str):
    """National rows by year of a shipped scenario, run once per session."""
    if name not in _RUNS:
        model = RegionModel.from_scenario(name, resolution=1000, end=END)
        model.run_until(END)
        frame = model.indicators()
        _RUNS[name] = frame[frame.level == "nl"].set_index("year")
    return _RUNS[name]


@pytest.mark.parametrize("name", [*DOCUMENTS, "wbs-soft"])
def test_every_instrument_line_cites_its_seed_lines(name):
    scenario = load_scenario(name)
    text = scenario_path(name).read_text(encoding="utf-8")
    blocks = text.split("[[instruments]]")[1:]
    assert len(blocks) == len(scenario.instruments) > 0
    for before, spec in zip(text.split("[[instruments]]")[:-1], scenario.instruments,
                            strict=True):
        comment = before.strip().splitlines()[-1]  # the line just above the block
        assert comment.startswith("#") and ".txt:L" in comment, spec.id
    if name in DOCUMENTS:  # each document's own lines are cited
        assert f"{DOCUMENTS[name]}_" in text


def test_scenario_show_prints_the_sources(capsys):
    assert main(["scenario", "show", "startpakket-2022"]) == 0
    out = capsys.readouterr().out
    assert "WBS-13" in out and "003_96b59ff8675cf4bb.txt:L188-190" in out
    assert out.count("source: ") == len(load_scenario("startpakket-2022").instruments)


def test_coverage_lists_every_id_and_fails_while_a_core_id_is_missing(capsys):
    from abm.policy.catalogue import catalogue
    from abm.policy.registry import implemented

    code = main(["instruments", "--coverage"])
    out, err = capsys.readouterr()
    for entry in catalogue().values():
        assert entry.id in out
    missing = [e.id for e in catalogue().values()
               if e.priority == "core" and e.id not in implemented()]
    assert code == (1 if missing else 0)
    assert all(i in err for i in missing)


def test_novi_2017_and_regiodeals_2017_add_jobs_and_transform_business_land():
    base = _nl("baseline")
    for name in ("novi-2017", "regiodeals-2017"):
        nl = _nl(name)
        assert nl.jobs.iloc[-1] > base.jobs.iloc[-1], name
        assert nl.business_land_transformed_ha.sum() > 0, name
        assert nl.homes_built_inbreiding.sum() > base.homes_built_inbreiding.sum(), name


def test_rev_2025_protects_business_land_and_keeps_homes_out_of_the_contours():
    base, rev = _nl("baseline"), _nl("rev-2025")
    assert (rev.no_new_buildings_area_ha > base.no_new_buildings_area_ha).all()
    assert rev.business_land_planned_ha.sum() > base.business_land_planned_ha.sum()
    assert rev.homes_built_masked.sum() < base.homes_built_masked.sum()


def test_startpakket_2022_builds_more_emits_less_and_keeps_the_masks():
    base, start = _nl("baseline"), _nl("startpakket-2022")
    assert start.homes_built.sum() > base.homes_built.sum()
    assert start.nh3_emission_kt.iloc[-1] < base.nh3_emission_kt.iloc[-1]
    assert start.homes_built_masked.sum() < base.homes_built_masked.sum()
    assert start.peat_co2_mt.iloc[-1] < base.peat_co2_mt.iloc[-1]


def test_nota_ruimte_2024_moves_all_three_bewegingen():
    base, nota = _nl("baseline"), _nl("nota-ruimte-2024")
    assert nota.organic_share.iloc[-1] > base.organic_share.iloc[-1]  # landbouw-natuur
    assert nota.nh3_emission_kt.iloc[-1] < base.nh3_emission_kt.iloc[-1]
    assert nota.water_storage_reserved_ha.iloc[-1] > 0  # water en bodem sturend
    share = nota.homes_built_inbreiding.sum() / nota.homes_built.sum()  # VISA: build inside
    assert share > base.homes_built_inbreiding.sum() / base.homes_built.sum()


def test_wbs_soft_lies_between_no_rule_and_the_hard_bans():
    base, soft = _nl("baseline"), _nl("wbs-soft")
    assert soft.homes_built_masked.sum() < base.homes_built_masked.sum()
    assert soft.homes_built_masked.sum() > 0  # costs steer, they do not forbid
    assert (soft.no_new_buildings_area_ha == 0).all()


def test_startpakket_2022_shares_nitrogen_room_and_meets_competing_claims():
    base, start = _nl("baseline"), _nl("startpakket-2022")
    # STIKSTOF-RUIMTE around Schiphol and the port, with working capital: room is handed out
    assert start.nitrogen_room_allocated_mol.sum() > 0
    assert (base.nitrogen_room_allocated_mol == 0).all()
    # the RES fields, the defence programme and the groundwater caps take or change land
    assert start.solar_fields_twh.iloc[-1] > 0 == base.solar_fields_twh.iloc[-1]
    assert start.claim_defence_ha.sum() > 0 == base.claim_defence_ha.sum()
    assert start.farmland_converted_ha.sum() > base.farmland_converted_ha.sum()
    # the NPLG's greenhouse-gas target, adaptive: agriculture emits less
    assert start.agri_ghg_mt_co2eq.iloc[-1] < base.agri_ghg_mt_co2eq.iloc[-1]


def test_nitrogen_room_pools_generic_against_spatially_differentiated():
    base = _nl("baseline")
    area, generic = _nl("stikstofruimte-gebiedsgericht"), _nl("stikstofruimte-generiek")
    for nl in (area, generic):
        assert nl.nitrogen_permits_blocked.sum() > 0
        assert (base.nitrogen_permits_blocked == 0).all()
    # room freed in the farming provinces stays there when the pools are provinces; one
    # national pool lets it reach the projects near Natura 2000 elsewhere
    assert generic.nitrogen_room_allocated_mol.sum() > area.nitrogen_room_allocated_mol.sum()
    assert generic.nitrogen_permits_blocked.sum() < area.nitrogen_permits_blocked.sum()
