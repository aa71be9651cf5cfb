"""Model parameters from a scenario: registry, validation, application at call time, CLI, docs."""

import ast
import importlib
import json
from pathlib import Path

import numpy as np
import pytest

from abm import parameters as mp
from abm.cli import main
from abm.errors import InputError
from abm.model import RegionModel
from abm.scenario import load_scenario, scenario_from_dict
from agents.farmers import economics, options, relocation

REPO = Path(__file__).resolve().parents[2]
REG = mp.registry()
ALL = load_scenario("landbouw-natuur-all")
BASE_INSTRUMENTS = [i.model_dump(exclude_defaults=True) for i in ALL.instruments]
VALID = {"name": "t", "start_year": 2024, "end_year": 2026, "resolution_m": 1000}


# -- which short run each parameter acts in ----------------------------------------------------

KDW_REGION = {"hz": "Gelderland", "ri": "Gelderland", "du": "Noord-Holland", "lv": "Utrecht",
              "zk": "Zeeland", "hl": "Limburg", "ni": "Zeeland"}
SOIL_REGION = {"zand": "Gelderland", "klei": "Gelderland", "veen": "Utrecht",
               "loess": "Limburg"}
GREENHOUSE = {"RELOCATION_INERTIA", "GREENHOUSE_RELOCATION_COST_KEUR_HA",
              "EXIT_OLD_NO_SUCCESSOR", "RELOCATION_ATTITUDE_WEIGHT"}
#: Parameters that act only in set-up on state no indicator of a short run shows (the ages of
#: the few heads at the clip bounds): their set-up state is compared instead.
SETUP_STATE = {"farmers.population.AGE_MIN_YR", "farmers.population.AGE_MAX_YR"}


#: Parameters that act on few farms or cells: a short regional run may not show them, so they
#: get the long run (the nation, 2024-2030, with every instrument).
LONG = {
    "farmers.decisions.NEW_ENTRANT_AGE_YR", "farmers.decisions.SUCCESSOR_AGE_YR",
    "farmers.decisions.SUCCESSOR_SIZE_ODDS",
    "farmers.economics.CAPACITY_VALUE_KEUR_PER_HEAD.goats",
    "farmers.economics.CAPACITY_VALUE_KEUR_PER_HEAD.sheep",
    "farmers.economics.RIGHTS_VALUE_KEUR_PER_HEAD.chickens",
    "farmers.economics.RIGHTS_VALUE_KEUR_PER_HEAD.goats",
    "farmers.economics.RIGHTS_VALUE_KEUR_PER_HEAD.sheep",
    "farmers.land_prices.ELASTICITY", "farmers.land_prices.NEW_YEAR_WEIGHT",
    "farmers.land_prices.DESIGNATED_PRICE_RATIO",
    "farmers.placement.N2000_BUFFER_PREFERENCE", "farmers.relocation.RELOCATION_ATTITUDE_WEIGHT",
    "nitrogen.KDW_DEFAULT_BY_FGR.du", "nitrogen.KDW_DEFAULT_BY_FGR.hl",
    "nitrogen.KDW_DEFAULT_BY_FGR.ni", "nitrogen.KDW_DEFAULT_BY_FGR.ri",
    "nitrogen.KDW_DEFAULT_BY_FGR.zk", "households.housing.FRINGE_DISTANCE_M",
}
LONG_RUN = ("", ("LN-15", "LN-18"), "none", 2030)
#: Runs of their own: ploughing on peat without WBS-27 (which keeps that grassland), and the
#: weight of the livestock relocation subsidy at a subsidy other than half the value (where
#: its term is zero).
OWN_RUN = {
    "farmers.land_market.PEAT_PLOUGH_FACTOR": ("", (), "none", 2030, False),
    "farmers.relocation.LIVESTOCK_PER_SHARE": (
        "", (("LN-18", (("subsidy_share_of_value", 1.0),)),), "none", 2030),
}
#: Parameters that act only together with another set away from its default, in both runs: the
#: shares of a land use held by each type are normalised, so the greenhouse type's share of
#: glass matters only when another type holds glass too.
TOGETHER = {"farmers.population.USE_SHARES.greenhouse.greenhouse":
            {"farmers.population.USE_SHARES.mixed.greenhouse": 0.1}}


def _config(p: mp.Parameter) -> tuple:
    """(region, extra instruments, salinity driver, end year) of the run where ``p`` acts."""
    region, extra, driver, end = "Gelderland", (), "none", 2026
    if p.name in LONG:
        return LONG_RUN
    if p.name in OWN_RUN:
        return OWN_RUN[p.name]
    label = p.name.rsplit(".", 1)[-1]
    if p.attr == "KDW_DEFAULT_BY_FGR":
        region = KDW_REGION[label]
    elif p.attr == "SOIL_PREFERENCE":
        region = SOIL_REGION[label]
    elif p.attr == "SOIL_MARGIN_FACTOR":  # name ...SOIL_MARGIN_FACTOR.<soil>.<land use>
        region = SOIL_REGION[p.name.split(".")[-2]]
    elif p.module == "environment.salinity" or p.attr.startswith("SALT_LOSS"):
        region, driver = "Zeeland", (label if p.attr == "DRIVERS" else "strong")
    elif p.attr in GREENHOUSE or p.attr.startswith("CLUSTER_"):
        region, extra = "Zuid-Holland", ("LN-15",)
    elif p.attr.startswith("LIVESTOCK_"):
        extra = ("LN-18",)
    elif p.module == "agents.farmers.gbd":
        extra = ("NPLG-GBD-10PCT",)
    elif p.attr == "PEAT_PLOUGH_FACTOR":
        region, end = "Zuid-Holland", 2028
    elif p.attr == "NOVEX_INFILL_FACTOR":
        extra = ("NOVEX-17-SITES",)
    elif p.attr in ("SOLAR_TWH_PER_HA", "ENERGY_EMISSION_KG_N_HA_YR"):
        extra = ("RES-35TWH",)  # the solar fields exist only with the RES
    elif p.attr == "DEFENCE_EMISSION_KG_N_HA_YR":
        extra = ("DEFENSIE-NPRD",)
    elif p.attr == "PROJECT_HA":
        extra = ("STIKSTOF-RUIMTE",)  # only permits read it
    return region, extra, driver, end


def _scenario(config: tuple, parameters: dict | None = None):
    region, extra, driver, end, *base = config
    extra = [{"id": i[0], "parameters": dict(i[1])} if isinstance(i, tuple) else {"id": i}
             for i in extra]  # an instrument is an id, or (id, ((parameter, value), ...))
    added = {i["id"] for i in extra}
    instruments = ([i for i in BASE_INSTRUMENTS
                    if i["id"] not in added and i.get("start_year", 0) <= end]
                   if base != [False] else [])
    data = {**VALID, "region": [region] if region else [], "end_year": end,
            "salinity_driver": driver, "instruments": instruments + extra}
    if parameters:
        data["parameters"] = parameters
    return scenario_from_dict(data)


def _run(nl1000, config: tuple, parameters: dict | None = None):
    scenario = _scenario(config, parameters)
    model = RegionModel(scenario, nl1000)
    setup = {k: np.copy(v) for k, v in vars(model.farms).items() if isinstance(v, np.ndarray)}
    model.run_until(scenario.end_year)
    return _fingerprint(model), setup


def _fingerprint(model: RegionModel) -> np.ndarray:
    """The indicators, the end state of the farms and the market, and the farms' income change
    of every option at the end (deterministic): an effect need not reach an indicator, nor flip
    a draw, in a short run."""
    values = model.indicators().drop(columns=["run_id"]).select_dtypes("number").to_numpy()
    farms, policy = model.farms, model.policy
    with mp.applied(model.scenario_spec.parameters):
        income = options.income_changes_keur(
            farms, model.groundwater_depth_cm, policy.payments_eur_ha_yr,
            policy.masks.get("no_intensification"), model.salinity,
            policy.cell_targets.get("crop_margin_factor"))
    state = [farms.age_yr, farms.successor, farms.active, farms.area_ha, farms.animals,
             farms.farmstead_cell, farms.parcel_farm, model.land_price_eur_ha,
             model.land_price_cell_eur_ha, np.where(np.isfinite(income), income, 0.0)]
    return np.concatenate([values.ravel(), *[np.ravel(a).astype(float) for a in state]])


_BASELINES: dict = {}


def _baseline(nl1000, config):
    if config not in _BASELINES:
        _BASELINES[config] = _run(nl1000, config)
    return _BASELINES[config]


def _far_value(p: mp.Parameter):
    """The allowed bound farthest from the default (the largest in-range change); for critical
    deposition values the low bound, where deposition exceeds them."""
    value = p.high if p.high - p.default >= p.default - p.low else p.low
    if p.attr == "KDW_DEFAULT_BY_FGR" or p.name == "nature_organisations.MAX_DISTANCE_M":
        value = p.low  # the nature organisations' budget binds on the nearest land first
    return int(value) if p.kind == "int" else float(value)


# -- registry ---------------------------------------------------------------------------------

def test_defaults_equal_the_module_values_and_lie_in_range():
    assert len(REG) >= 140
    for p in REG:
        value = getattr(importlib.import_module(p.module), p.attr)
        if p.vector is not None:
            vec = REG.vectors[p.vector]
            value = vec.encode(value)[list(vec.elements).index(p)]
        assert value == p.default, p.name
        assert p.low <= p.default <= p.high, p.name
        if p.explore is not None:
            assert p.low <= min(p.explore) and max(p.explore) <= p.high, p.name
        assert p.unit and p.definition and p.source, p.name


def test_no_registered_constant_is_frozen_in_a_default_argument_or_numba():
    names = {p.attr for p in REG}
    for _, path in mp._module_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            defaults = [*node.args.defaults, *[d for d in node.args.kw_defaults if d]]
            used = {n.id for d in defaults for n in ast.walk(d) if isinstance(n, ast.Name)}
            assert not used & names, f"{path}:{node.lineno} {node.name} freezes {used & names}"
            decorators = {ast.unparse(d) for d in node.decorator_list}
            if any("njit" in d or "jit" in d for d in decorators):
                body = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                assert not body & names, f"{path}:{node.lineno} numba reads {body & names}"


@pytest.mark.parametrize("name", sorted(REG.parameters))
def test_every_parameter_acts_in_a_short_run(nl1000, name):
    p = REG.parameters[name]
    config = _config(p)
    if name in TOGETHER:
        base_values, base_setup = _run(nl1000, config, TOGETHER[name])
        values, setup = _run(nl1000, config, {**TOGETHER[name], name: _far_value(p)})
    else:
        base_values, base_setup = _baseline(nl1000, config)
        values, setup = _run(nl1000, config, {name: _far_value(p)})
    if name in SETUP_STATE:
        assert any(not np.array_equal(setup[k], base_setup[k]) for k in setup), name
    else:
        assert values.shape != base_values.shape or not np.array_equal(
            values, base_values, equal_nan=True), f"{name} changed no indicator"


# -- application --------------------------------------------------------------------------------

def test_values_are_restored_after_a_run_and_after_an_exception(nl1000):
    overrides = {"farmers.options.INERTIA": 8.5, "farmers.options.ANNUITY": 0.1,
                 "farmers.economics.MARGIN_KEUR_PER_HEAD.pigs": 0.1}
    model = RegionModel(_scenario(("Utrecht", (), "none", 2025), overrides), nl1000)
    model.run_until(2025)
    assert options.INERTIA == 6.0 and options.ANNUITY == relocation.ANNUITY == 0.07
    assert economics.MARGIN_KEUR_PER_HEAD[2] == 0.08
    assert options.MARGIN_KEUR_PER_HEAD is economics.MARGIN_KEUR_PER_HEAD
    with pytest.raises(RuntimeError), mp.applied(overrides):
        assert options.INERTIA == 8.5 and relocation.ANNUITY == options.ANNUITY == 0.1
        assert options.MARGIN_KEUR_PER_HEAD[2] == economics.MARGIN_KEUR_PER_HEAD[2] == 0.1
        raise RuntimeError("boom")
    assert options.INERTIA == 6.0 and relocation.ANNUITY == 0.07
    assert economics.MARGIN_KEUR_PER_HEAD.tolist() == [2.0, 0.3, 0.08, 0.004, 0.1, 0.4]


def test_two_interleaved_models_keep_their_own_values(nl1000):
    config = ("Utrecht", (), "none", 2027)
    low, high = {"farmers.options.INERTIA": 4.5}, {"farmers.options.INERTIA": 8.5}
    a = RegionModel(_scenario(config, low), nl1000)
    b = RegionModel(_scenario(config, high), nl1000)
    for year in range(2024, 2028):
        a.run_until(year)
        assert options.INERTIA == 6.0
        b.run_until(year)
    alone_a, _ = _run(nl1000, config, low)
    alone_b, _ = _run(nl1000, config, high)
    assert np.array_equal(_fingerprint(a), alone_a, equal_nan=True)
    assert np.array_equal(_fingerprint(b), alone_b, equal_nan=True)
    assert not np.array_equal(alone_a, alone_b, equal_nan=True)
    assert a.run_id != b.run_id


def test_hash_changes_with_the_parameters_and_empty_keeps_it():
    plain = scenario_from_dict(VALID)
    assert scenario_from_dict({**VALID, "parameters": {}}).sha256() == plain.sha256()
    one = scenario_from_dict({**VALID, "parameters": {"farmers.options.INERTIA": 7}})
    assert one.sha256() != plain.sha256()
    assert one.parameters == {"farmers.options.INERTIA": 7.0}
    assert one.sha256() == scenario_from_dict(
        {**VALID, "parameters": {"farmers.options.INERTIA": 7.0}}).sha256()


def test_a_whole_list_and_elements_set_the_same_array():
    whole = [2.0, 0.3, 0.1, 0.004, 0.1, 0.4]
    name = "farmers.economics.MARGIN_KEUR_PER_HEAD"
    a = mp.resolve(mp.validate({name: whole}))
    b = mp.resolve(mp.validate({f"{name}.pigs": 0.1}))
    key = ("agents.farmers.economics", "MARGIN_KEUR_PER_HEAD")
    assert a[key].tolist() == b[key].tolist() == whole
    assert mp.merge({name: whole}, {f"{name}.goats": 0.5})[name][-1] == 0.5


# -- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "parameters, field, allowed",
    [
        ({"farmers.options.INERTIAL": 7.0}, "parameters.farmers.options.INERTIAL",
         "farmers.options.INERTIA"),
        ({"nope.X": 1.0}, "parameters.nope.X", "farmers.options.*"),
        ({"farmers.options.INERTIA": 20.0}, "parameters.farmers.options.INERTIA",
         "a number from 4.25 to 8.75 utility"),
        ({"farmers.options.INERTIA": "high"}, "parameters.farmers.options.INERTIA",
         "a number from 4.25 to 8.75"),
        ({"farmers.options.INERTIA": True}, "parameters.farmers.options.INERTIA",
         "a number from 4.25 to 8.75"),
        ({"farmers.decisions.RETIREMENT_AGE_YR": 66.5},
         "parameters.farmers.decisions.RETIREMENT_AGE_YR", "an integer from 60 to 72 yr"),
        ({"farmers.economics.MARGIN_KEUR_PER_HA": [1.0, 2.0]},
         "parameters.farmers.economics.MARGIN_KEUR_PER_HA",
         "a list of 4 numbers (arable, horticulture_open, greenhouse, grassland)"),
        ({"farmers.economics.MARGIN_KEUR_PER_HA": [1.5, 6.0, 600.0, 0.3]},
         "parameters.farmers.economics.MARGIN_KEUR_PER_HA[2]", "a number from 33 to 87"),
        ({"farmers.economics.MARGIN_KEUR_PER_HA": [1.5, 6.0, 60.0, 0.3],
          "farmers.economics.MARGIN_KEUR_PER_HA.arable": 1.0},
         "parameters.farmers.economics.MARGIN_KEUR_PER_HA.arable", "not both"),
        ({"salinity.DRIVERS.none": 0.1}, "parameters.salinity.DRIVERS.none",
         "salinity.DRIVERS.moderate"),
    ],
)
def test_bad_parameters_name_file_field_and_allowed_values(parameters, field, allowed):
    with pytest.raises(InputError) as err:
        scenario_from_dict({**VALID, "parameters": parameters}, "s.toml")
    assert err.value.source == "s.toml"
    assert err.value.field == field
    assert allowed in str(err.value)
    assert str(err.value).startswith(f"s.toml: field '{field}': ")


def test_set_errors_name_the_option():
    with pytest.raises(InputError) as err:
        load_scenario("baseline", parameters={"farmers.options.INERTIA": 99.0})
    assert err.value.source == "command-line option --set"
    assert err.value.field == "parameters.farmers.options.INERTIA"


# -- command line and docs ----------------------------------------------------------------------

def test_run_with_set_writes_the_overrides(tmp_path):
    out = tmp_path / "run"
    code = main(["run", "baseline", "--resolution", "1000", "--region", "Utrecht", "--end",
                 "2025", "--out", str(out), "--quiet", "--no-figures",
                 "--set", "farmers.options.INERTIA=7.5",
                 "--set", "farmers.decisions.RETIREMENT_AGE_YR=66",
                 "--set", "farmers.economics.MARGIN_KEUR_PER_HA=1.5,6,60,0.4"])
    assert code == 0
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["parameters"] == {
        "farmers.options.INERTIA": 7.5, "farmers.decisions.RETIREMENT_AGE_YR": 66,
        "farmers.economics.MARGIN_KEUR_PER_HA": [1.5, 6.0, 60.0, 0.4]}
    assert manifest["scenario"]["parameters"] == manifest["parameters"]
    assert options.INERTIA == 6.0


def test_bad_set_exits_2_with_nothing_written(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", "baseline", "--resolution", "1000", "--region", "Utrecht", "--out",
                 str(out), "--set", "farmers.options.INERTIA=99"])
    err = capsys.readouterr().err
    assert code == 2
    assert not out.exists() and not list(tmp_path.iterdir())
    assert err.startswith("ruimte: error: command-line option --set: field "
                          "'parameters.farmers.options.INERTIA'") and err.count("\n") == 1
    assert "4.25 to 8.75" in err


def test_parameters_listing(capsys):
    assert main(["parameters"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in REG.parameters)
    assert f"{len(REG)} parameters" in out


def test_docs_list_every_parameter():
    text = (REPO / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert f"registers the {len(REG)} that a run may change" in text  # the count is current
    missing = [name for name in REG.parameters if f"`{name}`" not in text]
    assert not missing, f"docs/parameters.md lacks {missing[:5]} (abm.parameters.markdown_table)"
