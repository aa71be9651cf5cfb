"""Scenario validation: every bad input names the file, the field and the allowed values."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.errors import InputError
from abm.scenario import load_scenario, scenario_from_dict
from experiments.library import scenario_names

VALID = {"name": "t", "start_year": 2024, "end_year": 2026, "resolution_m": 1000}


def _error(data, source="s.toml"):
    with pytest.raises(InputError) as err:
        scenario_from_dict(data, source)
    return err.value


@pytest.mark.parametrize("name", scenario_names())
def test_library_scenarios_are_valid(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.description


def test_baseline_is_current_policy_without_instruments():
    assert load_scenario("baseline").instruments == []


@pytest.mark.parametrize(
    "change, field, allowed",
    [
        ({"resolution_m": 500}, "resolution_m", "1000, 250, 100"),
        ({"start_year": "2024"}, "start_year", "a year 2000-2100"),
        ({"start_year": 1900}, "start_year", "a year 2000-2100"),
        ({"end_year": 2020}, "end_year", ">= 2024"),
        ({"seed": -1}, "seed", "0 <= seed"),
        ({"region": ["Atlantis"]}, "region[0]", "PV26 (Utrecht)"),
        ({"name": "Bad Name"}, "name", "lower-case letters"),
        ({"colour": "red"}, "colour", "start_year"),
        ({"instruments": [{"id": "XX-99"}]}, "instruments[0].id", "WBS-13"),
        ({"instruments": [{"id": "GOV-DOORWERKING"}]}, "instruments[0].id", "WBS-13"),
        ({"instruments": [{"id": "WBS-13", "parameters": {"storage_share": 2.0}}]},
         "instruments[0].parameters.storage_share", "0.05-0.10"),
        ({"instruments": [{"id": "WBS-13", "parameters": {"storage_share": "lots"}}]},
         "instruments[0].parameters.storage_share", "Share of deep-polder"),
        ({"instruments": [{"id": "WBS-13", "parameters": {"share": 0.1}}]},
         "instruments[0].parameters.share", "storage_share"),
        ({"instruments": [{"id": "WBS-13", "owner": "koning"}]}, "instruments[0].owner",
         "waterschap"),
        ({"instruments": [{"id": "WBS-13", "scope": {"layer": "moon"}}]},
         "instruments[0].scope.layer", "deep_polder"),
        ({"instruments": [{"id": "WBS-13", "scope": {"provinces": ["Mars"]}}]},
         "instruments[0].scope.provinces[0]", "PV20 (Groningen)"),
        ({"region": ["Utrecht"], "instruments": [{"id": "WBS-13",
                                                  "scope": {"provinces": ["Zeeland"]}}]},
         "instruments[0].scope.provinces[0]", "Utrecht"),
        ({"instruments": [{"id": "WBS-13", "start_year": 2040}]}, "instruments[0].start_year",
         "years overlapping 2024-2026"),
        ({"instruments": [{"id": "WBS-13", "end_year": 2000, "start_year": 1995}]},
         "instruments[0].end_year", "years overlapping 2024-2026"),
        ({"instruments": [{"id": "WBS-13", "start_year": 2025, "end_year": 2024}]},
         "instruments[0].end_year", ">= 2025"),
    ],
)
def test_bad_values_name_file_field_and_allowed_values(change, field, allowed):
    err = _error({**VALID, **change})
    assert err.source == "s.toml"
    assert err.field == field
    assert allowed in str(err)
    assert str(err).startswith("s.toml: field ")


def test_unknown_scenario_lists_the_library():
    with pytest.raises(InputError) as err:
        load_scenario("no-such-scenario")
    assert "baseline" in str(err.value) and err.value.field == "scenario"


def test_non_utf8_file_names_the_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'\xff\xfe name = "x"')
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert str(path) in str(err.value) and "UTF-8" in str(err.value)


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("name = 'x'\nstart_year = \n")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert str(path) in str(err.value) and "TOML" in str(err.value)


@pytest.mark.parametrize(
    "overrides, option",
    [({"end_year": 2000}, "--end"), ({"start_year": 2060}, "--start"),
     ({"start_year": 2030, "end_year": 2025}, "--start and --end"),
     ({"region": ["Mars"]}, "--region"), ({"seed": -5}, "--seed")],
)
def test_override_errors_name_the_option(overrides, option):
    with pytest.raises(InputError) as err:
        load_scenario("baseline", **overrides)
    assert err.value.source == f"command-line option {option}"


def test_region_accepts_names_and_codes():
    assert scenario_from_dict({**VALID, "region": ["utrecht", "PV21", "Fryslân"]}).provinces == [
        "PV26", "PV21", "PV21"]


def test_hash_changes_with_content():
    a = scenario_from_dict(VALID)
    assert a.sha256() == scenario_from_dict(dict(VALID)).sha256()
    assert a.sha256() != scenario_from_dict({**VALID, "seed": 2}).sha256()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["name", "start_year", "end_year", "resolution_m", "seed", "region",
                     "instruments", "extra", "review_interval_yr"]),
    st.one_of(st.integers(-10, 5000), st.text(max_size=5), st.lists(st.text(max_size=3)),
              st.booleans(), st.floats(allow_nan=False)),
))
def test_any_mapping_is_either_valid_or_an_input_error(data):
    try:
        scenario_from_dict(data, "fuzz.toml")
    except InputError as err:
        assert str(err).startswith("fuzz.toml: field '")


_values = st.one_of(st.integers(-10, 5000), st.text(max_size=5), st.booleans(),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.lists(st.text(max_size=3), max_size=2))
_instrument = st.dictionaries(
    st.sampled_from(["id", "owner", "start_year", "end_year", "scope", "parameters", "adaptive",
                     "colour"]),
    st.one_of(_values, st.just("WBS-13"),
              st.dictionaries(st.sampled_from(["provinces", "layer", "storage_share", "x"]),
                              _values, max_size=2)),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(data=st.fixed_dictionaries({"name": st.just("f")}, optional={
    "start_year": _values, "end_year": _values, "region": _values,
    "instruments": st.lists(_instrument, max_size=2)}))
def test_any_instrument_table_is_either_valid_or_an_input_error(data):
    try:
        scenario_from_dict(data, "fuzz.toml")
    except InputError as err:
        assert str(err).startswith("fuzz.toml: field '")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=60))
def test_any_file_bytes_are_either_valid_or_an_input_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_bytes(raw)
    try:
        load_scenario(path)
    except InputError as err:
        assert str(err).startswith(str(path))


def test_an_instrument_never_in_force_in_the_files_years_is_an_error(tmp_path):
    path = tmp_path / "late.toml"
    path.write_text('name = "late"\nstart_year = 2024\nend_year = 2030\n'
                    '[[instruments]]\nid = "WBS-25"\nstart_year = 2040\n')
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == "instruments[0].start_year"
    assert "never in force" in err.value.problem and "2024-2030" in err.value.allowed


def test_a_shorter_run_of_a_scenario_leaves_its_later_instruments_out():
    # landbouw-natuur-all starts WBS-32 in 2027: a run to 2026 is valid, and WBS-32 never acts
    scenario = load_scenario("landbouw-natuur-all", end_year=2026, resolution_m=1000,
                             region=["Utrecht"])
    from abm.model import RegionModel

    model = RegionModel(scenario)
    model.run_until(2026)
    late = [i for i in model.instruments if i.id == "WBS-32"]
    assert late and not any(i.active(y) for i in late for y in range(2024, 2027))
    assert "beekdal_buffer" not in model.policy.zones
