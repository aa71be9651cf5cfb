"""The shipped scenarios of the cities issue move their indicators in the documented direction
against baseline (national, 1000 m, 2024-2030; docs/households.md, docs/firms.md,
docs/building_masks.md, docs/regional_policy.md)."""

from __future__ import annotations

import pytest

from abm.model import RegionModel
from abm.scenario import load_scenario
from experiments.library import scenario_path

END = 2030
CITY_SCENARIOS = ("woningbouw-novex", "wbs-hard", "werklocaties-rev", "transformatie-001",
                  "regiodeals", "novi-5a", "novi-5b", "novi-5c")
_RUNS: dict[str, object] = {}


def _nl(name: str):
    """National indicator rows by year of a shipped scenario (cached per session)."""
    if name not in _RUNS:
        model = RegionModel.from_scenario(name, resolution=1000, end=END)
        model.run_until(END)
        frame = model.indicators()
        _RUNS[name] = (frame[frame.level == "nl"].set_index("year"), frame)
    return _RUNS[name][0]


def _late(nl, column: str) -> float:
    """Mean of the last three years (the Theil index wobbles from year to year)."""
    return float(nl[column].iloc[-3:].mean())


@pytest.mark.parametrize("name", CITY_SCENARIOS)
def test_city_scenario_files_are_valid_and_cite_the_documents(name):
    scenario = load_scenario(name)
    assert scenario.name == name and scenario.instruments
    text = scenario_path(name).read_text(encoding="utf-8")
    assert ".txt:L" in text  # the seed lines the scenario rests on


def test_woningbouw_novex_builds_more_and_shortens_the_shortage():
    base, prog = _nl("baseline"), _nl("woningbouw-novex")
    assert prog.homes_built.sum() > 1.3 * base.homes_built.sum()
    assert prog.housing_shortage_households.iloc[-1] < base.housing_shortage_households.iloc[-1]


def test_wbs_hard_builds_nothing_in_a_mask_zone():
    base, hard = _nl("baseline"), _nl("wbs-hard")
    assert base.homes_built_masked.sum() > 0
    assert (hard.homes_built_masked == 0).all()
    assert (hard.no_new_buildings_area_ha > base.no_new_buildings_area_ha).all()


def test_transformation_turns_business_land_into_homes_and_rev_compensates():
    base, rev, trans = _nl("baseline"), _nl("werklocaties-rev"), _nl("transformatie-001")
    assert trans.business_land_ha.iloc[-1] < base.business_land_ha.iloc[-1]
    assert trans.business_land_transformed_ha.sum() > rev.business_land_transformed_ha.sum() > 0
    # what 002 transforms it compensates: its stock stays above 001's
    assert rev.business_land_ha.iloc[-1] > trans.business_land_ha.iloc[-1]
    # transformed land is built on (inbreiding), so less farmland goes
    assert trans.homes_built_inbreiding.sum() > base.homes_built_inbreiding.sum()
    assert trans.farmland_converted_ha.sum() < base.farmland_converted_ha.sum()


def test_regiodeals_add_jobs_and_narrow_the_disparity():
    base, deals = _nl("baseline"), _nl("regiodeals")
    assert deals.jobs.iloc[-1] > base.jobs.iloc[-1]
    assert _late(deals, "regional_disparity_theil") < _late(base, "regional_disparity_theil")


def test_novi_5a_favours_the_leading_regions_more_than_5c():
    base, a, c = _nl("baseline"), _nl("novi-5a"), _nl("novi-5c")
    assert a.jobs.iloc[-1] > base.jobs.iloc[-1] and c.jobs.iloc[-1] > base.jobs.iloc[-1]
    assert _late(a, "regional_disparity_theil") > _late(base, "regional_disparity_theil")
    assert _late(a, "regional_disparity_theil") > _late(c, "regional_disparity_theil")
    frame_a, frame_base = _RUNS["novi-5a"][1], _RUNS["baseline"][1]

    def jobs(frame, codes):
        rows = frame[(frame.level == "corop") & (frame.year == END)]
        return rows[rows.region_code.isin(codes)].jobs.sum()

    leading = ["CR17", "CR20", "CR21", "CR22", "CR23", "CR24", "CR25", "CR26", "CR36"]
    assert jobs(frame_a, leading) > jobs(frame_base, leading)


def test_novi_5b_adds_jobs():
    assert _nl("novi-5b").jobs.iloc[-1] > _nl("baseline").jobs.iloc[-1]
