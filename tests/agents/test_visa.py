"""The four VISA strategies of the Voorontwerp Nota Ruimte (004) on the housing programme: each
moves its indicator in its COROP regions in the documented direction against baseline, the
national programme stays the same, and neutral parameters give the baseline
(docs/households.md, "VISA strategies (004)")."""

from __future__ import annotations

import numpy as np
import pytest

from abm.model import RegionModel
from abm.policy.instruments.wonen import VISA_REGIONS, VisaInitieren, corop_cells, visa_codes
from abm.scenario import load_scenario, scenario_from_dict
from experiments.library import scenario_path

END = 2028
STRATEGIES = ("VISA-ACCOMMODEREN", "VISA-INITIEREN", "VISA-STIMULEREN", "VISA-VITALISEREN")
_RUNS: dict[str, tuple[RegionModel, np.ndarray]] = {}


def _run(nl1000, name: str, instruments: list[dict]) -> tuple[RegionModel, np.ndarray]:
    """National 1000 m run 2024-END (cached per session) and its greenfield homes per cell,
    summed over the years."""
    if name not in _RUNS:
        data = {"name": name.lower(), "start_year": 2024, "end_year": END, "resolution_m": 1000,
                "instruments": instruments}
        model = RegionModel(scenario_from_dict(data), nl1000)
        green = np.zeros(model.landscape.grid.shape).ravel()
        for _ in range(2024, END + 1):
            model.step()
            green += model.housing_year.greenfield
        _RUNS[name] = (model, green)
    return _RUNS[name]


@pytest.fixture(scope="module")
def baseline(nl1000):
    return _run(nl1000, "baseline", [])


@pytest.fixture(scope="module")
def runs(nl1000):
    return {sid: _run(nl1000, sid, [{"id": sid}]) for sid in STRATEGIES}


def _corop(model: RegionModel, column: str, strategy: str) -> float:
    """Sum over the years and the strategy's COROP regions of an indicator."""
    frame = model.indicators()
    rows = frame[(frame.level == "corop") & frame.region_code.isin(visa_codes(strategy))]
    assert rows.region_code.nunique() == len(visa_codes(strategy))
    return float(rows[column].sum())


def _nl(model: RegionModel):
    frame = model.indicators()
    return frame[frame.level == "nl"].set_index("year")


def test_visa_scenario_file_holds_the_four_strategies_and_cites_the_seed():
    scenario = load_scenario("visa")
    assert sorted(spec.id for spec in scenario.instruments) == sorted(STRATEGIES)
    text = scenario_path("visa").read_text(encoding="utf-8")
    for lines in ("L3610-3645", "L3647-3656", "L3704-3738", "L3747-3778"):
        assert f"004_9972baf923c41044.txt:{lines}" in text


def test_visa_regions_are_corop_regions_and_no_region_has_two_strategies(nl1000):
    table = nl1000.codes("corop")
    codes = [c for strategy in VISA_REGIONS for c in visa_codes(strategy)]
    assert set(codes) <= set(table)
    assert len(codes) == len(set(codes))
    # Zuid-Limburg joins Initieren only from the instrument's zuid_limburg_from_year
    model, _ = _run(nl1000, "baseline", [])
    inst = VisaInitieren("VISA-INITIEREN", VisaInitieren.Parameters(), 2024, 2050,
                         nl1000["land_mask"], owner=None)
    limburg = corop_cells(model, ("CR39",))
    assert not (inst.regions(model, 2030) & limburg).any()
    assert (inst.regions(model, 2035) & limburg).sum() == (limburg & nl1000["land_mask"]).sum()


def test_accommoderen_builds_more_inside_the_built_area_and_less_on_peat(baseline, runs):
    base, _ = baseline
    visa, green = runs["VISA-ACCOMMODEREN"]

    def inside(model):
        return (_corop(model, "homes_built_inbreiding", "accommoderen")
                / _corop(model, "homes_built", "accommoderen"))

    assert inside(visa) > inside(base) + 0.15  # baseline 0.36, VISA 0.69
    cells = corop_cells(visa, visa_codes("accommoderen")).ravel()
    soft = cells & ((visa.peat_ha.ravel() > 0) | visa.landscape["deep_polder"].ravel())
    base_green = baseline[1]
    assert green[soft].sum() / green[cells].sum() < base_green[soft].sum() / base_green[
        cells].sum()
    # elsewhere the programme is as without VISA (Initieren's regions lie in other provinces)
    assert _corop(visa, "homes_built", "initieren") == pytest.approx(
        _corop(base, "homes_built", "initieren"), rel=1e-9)


def test_initieren_gives_its_regions_a_larger_share(baseline, runs):
    base, _ = baseline
    visa, _ = runs["VISA-INITIEREN"]
    assert _corop(visa, "homes_built", "initieren") > 1.15 * _corop(
        base, "homes_built", "initieren")
    # the rest of the country builds less: the national programme is the same
    assert _corop(visa, "homes_built", "accommoderen") < _corop(base, "homes_built",
                                                                "accommoderen")


def test_stimuleren_builds_greenfield_nearer_stations(baseline, runs):
    def station_distance_m(run):
        model, green = run
        cells = corop_cells(model, visa_codes("stimuleren")).ravel()
        dist = model.landscape["dist_station_m"].ravel()
        return (green[cells] * dist[cells]).sum() / green[cells].sum()

    assert station_distance_m(runs["VISA-STIMULEREN"]) < station_distance_m(baseline) - 300.0
    # a reordering inside the regions, not a move to other regions
    assert _corop(runs["VISA-STIMULEREN"][0], "homes_built", "stimuleren") == pytest.approx(
        _corop(baseline[0], "homes_built", "stimuleren"), rel=0.1)


def test_vitaliseren_builds_less_greenfield_and_caps_it_in_zeeland(baseline, runs):
    base, _ = baseline
    visa, _ = runs["VISA-VITALISEREN"]
    assert _corop(visa, "homes_built_greenfield", "vitaliseren") < 0.7 * _corop(
        base, "homes_built_greenfield", "vitaliseren")
    # at 1000 m a partly built greenfield cell still converts the cell's farmland
    assert _corop(visa, "farmland_converted_ha", "vitaliseren") <= _corop(
        base, "farmland_converted_ha", "vitaliseren") + 1e-6
    frame = visa.indicators()
    zeeland = frame[(frame.level == "provincie") & (frame.region_code == "PV29")]
    assert (zeeland.homes_built_greenfield <= 0.3 * zeeland.homes_built + 1e-6).all()
    assert (zeeland.homes_built_greenfield > 0).any()


def test_vitaliseren_converts_less_farmland_at_250m():
    def converted(instruments):
        data = {"name": "t", "start_year": 2024, "end_year": END, "resolution_m": 250,
                "region": ["Zeeland"], "instruments": instruments}
        model = RegionModel(scenario_from_dict(data))
        model.run_until(END)
        return _nl_or_total(model)

    base, visa = converted([]), converted([{"id": "VISA-VITALISEREN"}])
    assert visa["homes_built_greenfield"] < 0.5 * base["homes_built_greenfield"]
    assert visa["farmland_converted_ha"] < 0.8 * base["farmland_converted_ha"]
    # a province wholly in Vitaliseren builds less: no other province in the run takes it over
    assert visa["homes_built"] < base["homes_built"]


def _nl_or_total(model: RegionModel) -> dict[str, float]:
    frame = model.indicators()
    rows = frame[frame.level == "provincie"]
    return rows[["homes_built", "homes_built_greenfield", "farmland_converted_ha"]].sum()


def test_visa_changes_the_split_not_the_national_programme(nl1000, baseline, runs):
    base = _nl(baseline[0]).homes_built
    everything = _run(nl1000, "visa", [{"id": sid} for sid in STRATEGIES])
    for model, _ in [*runs.values(), everything]:
        built = _nl(model).homes_built
        assert (built <= base + 1e-6).all()  # never more than the programme
        assert built.sum() == pytest.approx(base.sum(), rel=1e-3)  # the need cap did not bind


def test_neutral_visa_parameters_give_the_baseline(nl1000, baseline):
    neutral = [
        {"id": "VISA-ACCOMMODEREN", "parameters": {"infill_factor": 1.0,
                                                   "greenfield_penalty": 0.0}},
        {"id": "VISA-INITIEREN", "parameters": {"share_uplift": 1.0}},
        {"id": "VISA-STIMULEREN", "parameters": {"far_from_station_penalty": 0.0}},
        {"id": "VISA-VITALISEREN", "parameters": {"greenfield_cap_share": 1.0}},
    ]
    model, green = _run(nl1000, "neutral", neutral)
    cols = ["homes_built", "homes_built_inbreiding", "homes_built_greenfield",
            "farmland_converted_ha", "households"]
    a, b = model.indicators(), baseline[0].indicators()
    assert np.allclose(a[cols].to_numpy(), b[cols].to_numpy(), rtol=1e-9, atol=1e-6)
    assert np.allclose(green, baseline[1], rtol=1e-9, atol=1e-6)
