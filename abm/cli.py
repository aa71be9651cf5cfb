"""The ``ruimte`` command line (also ``python -m abm``).

Every input error prints one paragraph naming the file, the field and the allowed values, and
exits with status 2 before anything is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from abm import __version__
from abm.errors import InputError
from environment.grid import RESOLUTIONS_M


def _cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from abm.atomic import check_new_folder
    from abm.model import RegionModel
    from abm.output import default_out_dir, write_run
    from abm.scenario import load_scenario
    from environment.landscape import load_landscape

    scenario = load_scenario(
        args.scenario, start_year=args.start, end_year=args.end, resolution_m=args.resolution,
        seed=args.seed, region=args.region, parameters=_set_values(args.set),
    )
    out = Path(args.out) if args.out else default_out_dir(scenario.name)
    check_new_folder(out)
    landscape = load_landscape(scenario.resolution_m)
    began = time.perf_counter()
    model = RegionModel(scenario, landscape, debug=args.debug or None)
    years = range(scenario.start_year, scenario.end_year + 1)
    for year in tqdm(years, desc=f"ruimte {scenario.name}", unit="yr", disable=args.quiet or None):
        model.run_until(year)
    wall = time.perf_counter() - began
    path = write_run(model, out, wall, scenario.source, figures=not args.no_figures)
    region = ", ".join(model.landscape.provinces) or "NL"
    print(f"ruimte: {scenario.name} {scenario.start_year}-{scenario.end_year} at "
          f"{scenario.resolution_m} m ({region}) ran in {wall:.1f} s; results in {path}")
    return 0


def _positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1 (argparse exits 2 otherwise)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _cmd_batch_plan(args: argparse.Namespace) -> int:
    from experiments.batch.design import load_experiment, plan
    from experiments.batch.runner import estimate

    exp, source = load_experiment(args.experiment)
    table = plan(exp, source)
    print(f"experiment {exp.name}: {len(exp.scenarios)} scenario(s) x {len(table.samples)} "
          f"sample(s) ({exp.design.method}) x {len(table.seeds)} seed(s) = {len(table.runs)} "
          f"runs at {exp.resolution_m} m, {', '.join(exp.region) or 'the Netherlands'}")
    names = table.names
    print(f"{'#':>5s} {'run_id':16s} {'scenario':24s} {'sample':>6s} {'rep':>4s} "
          f"{'seed':>20s} " + " ".join(f"{n:>14.14s}" for n in names))
    for run in table.runs[:args.show]:
        print(f"{run.index:5d} {run.run_id:16s} {run.scenario:24.24s} {run.sample:6d} "
              f"{run.replicate:4d} {run.seed:20d} "
              + " ".join(f"{run.values[n]:14.6g}" for n in names))
    if len(table.runs) > args.show:
        print(f"... and {len(table.runs) - args.show} more")
    est = estimate(table, calibrate=not args.no_calibrate)
    if "core_hours" in est:
        print(f"calibration: set-up {est['setup_s']:.1f} s, {est['per_year_s']:.2f} s a year; "
              f"about {est['per_run_s']:.0f} s a run, {est['core_hours']:.2f} core-hours in all")
    return 0


def _cmd_batch_run(args: argparse.Namespace) -> int:
    from experiments.batch.runner import run_batch

    shard = None
    if args.shard is not None:
        k, _, n = args.shard.partition("/")
        if not (k.isdigit() and n.isdigit() and 0 <= int(k) < int(n)):
            raise InputError("--shard", "shard", f"{args.shard!r} is not K/N",
                             allowed="K/N with integers 0 <= K < N, e.g. 3/16")
        shard = (int(k), int(n))
    counts = run_batch(args.experiment, out=args.out, backend=args.backend,
                       workers=args.workers, scheduler=args.scheduler,
                       progress=not args.quiet, shard=shard)
    print("ruimte batch: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v))
    return 0 if counts["failed"] == 0 and counts["pending"] == 0 else 1


def _cmd_batch_collect(args: argparse.Namespace) -> int:
    from abm.atomic import atomic_file
    from experiments.batch.store import collect

    frame = collect(args.folder)
    out = Path(args.out)
    with atomic_file(out) as tmp:
        if out.suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)
    print(f"ruimte batch: {frame['run_id'].nunique() if len(frame) else 0} runs, "
          f"{len(frame)} rows -> {out}")
    return 0


def _cmd_batch_plot(args: argparse.Namespace) -> int:
    from experiments.batch.plots import plot_batch

    paths = plot_batch(args.folder, out=args.out, indicators=args.indicators)
    for path in paths:
        print(path)
    return 0


def _cmd_batch_analyse(args: argparse.Namespace) -> int:
    from experiments.batch.sensitivity import analyse

    table, figure = analyse(args.folder, method=args.method, indicator=args.indicator,
                            year=args.year, out=args.out)
    print(table.to_string())
    print(figure)
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from abm.scenario import load_scenario
    from experiments.library import scenario_names

    for name in scenario_names():
        print(f"{name:24s} {load_scenario(name).description}")
    return 0


def _cmd_scenario_check(args: argparse.Namespace) -> int:
    from abm.scenario import load_scenario

    scenario = load_scenario(args.file)
    print(f"{args.file}: valid scenario '{scenario.name}' ({scenario.start_year}-"
          f"{scenario.end_year}, {scenario.resolution_m} m, {len(scenario.instruments)} "
          "instruments)")
    return 0


def _cmd_scenario_show(args: argparse.Namespace) -> int:
    """Print a scenario with the sources of each instrument (catalogue seed lines)."""
    from abm.policy.catalogue import catalogue
    from abm.scenario import load_scenario
    from experiments.library import scenario_path

    scenario = load_scenario(args.file)
    cat = catalogue()
    path = scenario_path(args.file)
    print(f"{scenario.name}: {scenario.description}")
    print(f"  file: {path}")
    print(f"  years {scenario.start_year}-{scenario.end_year}, {scenario.resolution_m} m, "
          f"seed {scenario.seed}, region {', '.join(scenario.region) or 'the Netherlands'}")
    if scenario.parameters:
        print("  parameters: " + ", ".join(f"{k} = {v}" for k, v in scenario.parameters.items()))
    if not scenario.instruments:
        print("  no instruments (current policy)")
    for spec in scenario.instruments:
        entry = cat[spec.id]
        years = f"{spec.start_year or scenario.start_year}-{spec.end_year or scenario.end_year}"
        print(f"\n  {spec.id} ({entry.mechanism}, {entry.level}; {years}): {entry.name_en}")
        if spec.parameters:
            print("    parameters: " + ", ".join(f"{k} = {v}" for k, v in spec.parameters.items()))
        print("    source: " + entry.source.replace(";", "; "))
    return 0


def _cmd_indicators(args: argparse.Namespace) -> int:
    from abm.indicators import INDICATORS

    print(f"{'indicator':28s} {'unit':12s} definition")
    for ind in INDICATORS:
        print(f"{ind.name:28s} {ind.unit:12s} {ind.definition}")
    return 0


def _cmd_parameters(args: argparse.Namespace) -> int:
    from abm.parameters import table_rows

    rows = table_rows()
    w = max(len(r["name"]) for r in rows)
    print(f"{'parameter':{w}s} {'default':>9s} {'unit':14s} {'allowed':22s} {'explore':18s} source")
    for r in rows:
        source = "ASSUMPTION" if r["source"] == "ASSUMPTION" else "source: " + r["source"]
        print(f"{r['name']:{w}s} {r['default']:>9s} {r['unit']:14s} {r['allowed']:22s} "
              f"{r['explore']:18s} {source}")
    print(f"\n{len(rows)} parameters; set them in a scenario's [parameters] table or with "
          "'ruimte run --set NAME=VALUE' (docs/parameters.md)")
    return 0


def _cmd_odd(args: argparse.Namespace) -> int:
    from abm.odd import ODD_PATH, check_odd, write_odd

    path = Path(args.path) if args.path else ODD_PATH
    if args.check:
        stale = check_odd(path)
        if stale:
            print(f"ruimte odd: {path} is stale ({', '.join(stale)}); run 'ruimte odd'")
            return 1
        print(f"ruimte odd: {path} is up to date")
        return 0
    changed = write_odd(path)
    print(f"ruimte odd: {path}: " + (f"rewrote {', '.join(changed)}" if changed
                                     else "already up to date"))
    return 0


def _set_value(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` of ``--set``: VALUE an integer, a number or numbers separated by commas."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")

    def number(part: str) -> object:
        part = part.strip()
        for kind in (int, float):
            try:
                return kind(part)
            except ValueError:
                pass
        return part  # reported by the validation with the allowed values

    body = value.strip().strip("[]")
    return name.strip(), ([number(v) for v in body.split(",")] if "," in body else number(body))


def _set_values(pairs: list[tuple[str, object]] | None) -> dict | None:
    return dict(pairs) if pairs else None


def _cmd_instruments(args: argparse.Namespace) -> int:
    from abm.policy.catalogue import catalogue
    from abm.policy.registry import implemented

    if args.coverage:
        return _coverage()
    impl = implemented()
    entries = catalogue().values()
    if args.implemented:
        entries = [e for e in entries if e.id in impl]
    print(f"{'id':22s} {'impl':5s} {'mechanism':13s} {'level':10s} {'priority':9s} name")
    for e in entries:
        mark = "yes" if e.id in impl else "-"
        print(f"{e.id:22s} {mark:5s} {e.mechanism:13s} {e.level:10s} {e.priority:9s} {e.name_en}")
        if args.sources:
            print(f"{'':22s} source: {e.source.replace(';', '; ')}")
    print(f"\n{len(impl)} of {len(catalogue())} catalogue instruments implemented")
    return 0


def _coverage() -> int:
    """Per catalogue id: implemented (registered), tested (named in a test file) and documented
    (named in docs/); exit 1 when a core instrument is not implemented."""
    from abm.policy.catalogue import catalogue
    from abm.policy.registry import implemented

    root = Path(__file__).resolve().parent.parent
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (root / "tests").rglob("*.py"))
    tests += "\n".join(p.read_text(encoding="utf-8")
                       for p in (root / "experiments" / "scenarios").glob("*.toml"))
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (root / "docs").glob("*.md"))
    impl = implemented()
    print(f"{'id':26s} {'priority':9s} {'impl':5s} {'tested':7s} {'documented':10s}")
    missing_core, counts = [], {"impl": 0, "tested": 0, "documented": 0}
    for e in catalogue().values():
        flags = {"impl": e.id in impl, "tested": f'"{e.id}"' in tests or f"'{e.id}'" in tests,
                 "documented": e.id in docs}
        for k, v in flags.items():
            counts[k] += v
        if e.priority == "core" and not flags["impl"]:
            missing_core.append(e.id)
        marks = ["yes" if flags[k] else "-" for k in ("impl", "tested", "documented")]
        print(f"{e.id:26s} {e.priority:9s} {marks[0]:5s} {marks[1]:7s} {marks[2]:10s}")
    total = len(catalogue())
    core = sum(e.priority == "core" for e in catalogue().values())
    print(f"\n{counts['impl']} of {total} implemented, {counts['tested']} tested (named in a "
          f"test or a shipped scenario), {counts['documented']} documented; "
          f"{core - len(missing_core)} of {core} core implemented")
    if missing_core:
        print("core instruments not implemented: " + ", ".join(missing_core), file=sys.stderr)
        return 1
    return 0


def _cmd_data_build(args: argparse.Namespace) -> int:
    from environment.builder import build_bundle

    began = time.perf_counter()
    path = build_bundle(args.resolution, source=args.source, out_dir=args.out)
    print(f"ruimte: {args.resolution} m landscape written to {path} "
          f"in {time.perf_counter() - began:.1f} s")
    return 0


def _cmd_data_info(args: argparse.Namespace) -> int:
    from environment.landscape import bundle_candidates, load_landscape
    from environment.sources import find_source_dir

    if not any((c / "manifest.json").is_file() for c in bundle_candidates(args.resolution)):
        try:
            source = f"a run builds it from {find_source_dir()}"
        except InputError:
            source = "no open-data source folder was found to build it from"
        print(f"no {args.resolution} m bundle is built yet ({source}); searched:")
        for cand in bundle_candidates(args.resolution):
            print(f"  {cand}")
        return 0
    land = load_landscape(args.resolution, build_missing=False)
    grid = land.grid
    print(f"bundle     {land.path}\ngrid       {grid.n_rows} x {grid.n_cols} cells of "
          f"{grid.cell_size_m} m, {grid.crs}, bounds {grid.bounds_m}\n"
          f"data       {land.data_version} (format {land.manifest['format']})")
    for key, value in land.manifest.get("summary", {}).items():
        print(f"{key:28s} {value}")
    print("\nlayer                      dtype    units       definition")
    for name, meta in land.manifest["layers"].items():
        print(f"{name:26s} {meta['dtype']:8s} {meta['units']:11s} {meta['description']}")
    return 0


def _cmd_viz(args: argparse.Namespace) -> int:
    """Serve the teaching app (abm.viz.app, docs/teaching.md) with Solara until Ctrl-C."""
    import os
    import subprocess

    from abm.regions import allowed_province_names, province_code
    from abm.viz.session import ENV_REGION, ENV_RESOLUTION

    env = dict(os.environ)
    if args.region:
        if province_code(args.region) is None:
            raise InputError("--region", "region", f"unknown province {args.region!r}",
                             allowed=allowed_province_names())
        env[ENV_REGION] = args.region
    if args.resolution:
        env[ENV_RESOLUTION] = str(args.resolution)
    command = [sys.executable, "-m", "solara", "run", "abm.viz.app", "--host", args.host,
               "--port", str(args.port), "--production", "--no-open"]
    print(f"ruimte viz: the teaching app at http://{args.host}:{args.port}/ (Ctrl-C stops it)",
          flush=True)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from abm.bench import CASES, MICRO, QUICK, available, report, run_case, run_micro, write_json

    known = {case.name: case for case in (*CASES, QUICK)}
    micro_known = {m.name: m for m in MICRO}
    unknown = [name for name in args.cases if name not in known and name not in micro_known]
    if unknown:
        raise InputError("command line", "bench CASE", f"unknown case {unknown[0]!r}",
                         allowed=", ".join([*known, *micro_known]))
    if args.quick:
        cases, micros = [QUICK], []
    elif args.cases:
        cases = [known[n] for n in args.cases if n in known]
        micros = [micro_known[n] for n in args.cases if n in micro_known]
    else:
        cases, micros = list(CASES), list(MICRO)
    skipped = [c.name for c in cases if not available(c)]
    for name in skipped:
        print(f"ruimte bench: {name} skipped: no 100 m bundle is installed and no open-data "
              "source folder is found to build one ('ruimte data build --resolution 100')")
    cases = [c for c in cases if c.name not in skipped]
    if args.json:
        check_json = Path(args.json)
        if not check_json.parent.is_dir():
            raise InputError("command line", "--json",
                             f"folder {check_json.parent} does not exist",
                             allowed="a file in an existing folder")
    results, micro = [], []
    for m in micros:
        print(f"ruimte bench: {m.name} ...", flush=True)
        micro.append(run_micro(m))
    for case in cases:
        print(f"ruimte bench: {case.name} ...", flush=True)
        results.append(run_case(case, args.repeats))
    print(report(results, micro))
    if args.json:
        write_json(results, Path(args.json), micro)
        print(f"ruimte bench: results in {args.json}")
    missed = [r.case for r in (*results, *micro) if not r.met]
    if missed:
        print(f"ruimte bench: target missed by {', '.join(missed)}", file=sys.stderr)
        return 0 if args.no_check else 1
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    """Validation suite (docs/validation.md); exit 0 when the report is written, misses or not."""
    from abm.output import default_out_dir
    from abm.validation import validate

    report = validate(resolution=args.resolution,
                      out=Path(args.out) if args.out else default_out_dir("validation"))
    print(f"ruimte {report.summary()}")
    return 0


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one paragraph and exit 2, like every input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = f" Run '{self.prog} --help' for the options."
        print(f"ruimte: error: command line: {message.rstrip('.')}.{hint}", file=sys.stderr)
        sys.exit(2)


def _integer(what: str) -> type:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None

    parse.__name__ = what
    return parse


_YEAR = _integer("a year (an integer such as 2024)")
_SEED = _integer("a seed (an integer 0 <= seed < 2**63)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ruimte",
        description="ruimte: an agent-based regional development model of the Netherlands.",
    )
    parser.add_argument("--version", action="version", version=f"ruimte {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario and write indicators, maps and figures")
    run.add_argument("scenario", nargs="?", default="baseline",
                     help="library scenario name or path to a TOML file (default: baseline)")
    run.add_argument("--start", type=_YEAR, help="first simulated year (default: the scenario's)")
    run.add_argument("--end", type=_YEAR, help="last simulated year (default: the scenario's)")
    run.add_argument("--resolution", type=int, choices=RESOLUTIONS_M, help="cell size in metres")
    run.add_argument("--seed", type=_SEED, help="random seed (default: the scenario's)")
    run.add_argument("--region", nargs="+", metavar="PROVINCE",
                     help="restrict to provinces (names or CBS codes PV20-PV31)")
    run.add_argument("--out", help="output folder (default: results/<scenario>-<UTC time>)")
    run.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--debug", action="store_true", help="check the invariants after every "
                     "year (abm.invariants; also RUIMTE_DEBUG=1)")
    run.add_argument("--set", action="append", type=_set_value, metavar="NAME=VALUE",
                     help="override a model parameter over the scenario's [parameters] "
                     "(repeatable; 'ruimte parameters' lists them)")
    run.set_defaults(func=_cmd_run)

    sub.add_parser("scenarios", help="list the library scenarios").set_defaults(
        func=_cmd_scenarios)

    scen = sub.add_parser("scenario", help="work with one scenario file")
    scen_sub = scen.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")
    check = scen_sub.add_parser("check", help="validate a scenario file without running it")
    check.add_argument("file", help="scenario TOML file or library name")
    check.set_defaults(func=_cmd_scenario_check)
    show = scen_sub.add_parser("show", help="print a scenario with the sources of each instrument")
    show.add_argument("file", help="scenario TOML file or library name")
    show.set_defaults(func=_cmd_scenario_show)

    sub.add_parser("indicators", help="list every indicator with unit and definition"
                   ).set_defaults(func=_cmd_indicators)

    sub.add_parser("parameters", help="list every tunable model parameter with default, unit, "
                   "range and source").set_defaults(func=_cmd_parameters)

    odd = sub.add_parser("odd", help="write the generated parts of docs/odd.md (ODD+D) from "
                         "the code")
    odd.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 when docs/odd.md is stale")
    odd.add_argument("--path", default=None, help="the ODD file (default docs/odd.md)")
    odd.set_defaults(func=_cmd_odd)

    inst = sub.add_parser("instruments", help="list the instrument catalogue")
    inst.add_argument("--implemented", action="store_true", help="only implemented instruments")
    inst.add_argument("--coverage", action="store_true",
                      help="per id: implemented, tested, documented; exit 1 if a core id is "
                           "not implemented")
    inst.add_argument("--sources", action="store_true",
                      help="also the lines of the policy documents each rests on")
    inst.set_defaults(func=_cmd_instruments)

    bench = sub.add_parser("bench", help="measure speed and memory against their targets")
    bench.add_argument("cases", nargs="*", metavar="CASE",
                       help="cases to run (default: all; see docs/benchmarks.md)")
    bench.add_argument("--quick", action="store_true",
                       help="one small case (1000 m, Utrecht, 3 years) to check the set-up")
    bench.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    bench.add_argument("--repeats", type=_positive_int, metavar="N",
                       help="measured runs per case, each in a fresh process (default: the "
                       "case's, 3; 1 for the 100 m case)")
    bench.add_argument("--no-check", action="store_true",
                       help="exit 0 even when a target is missed")
    bench.set_defaults(func=_cmd_bench)

    batch = sub.add_parser("batch", help="experiment batches: plan, run, collect, plot, "
                           "analyse (docs/batch.md)")
    batch_sub = batch.add_subparsers(dest="batch_command", required=True, metavar="ACTION")
    b_plan = batch_sub.add_parser("plan", help="print the run table and estimated core-hours")
    b_plan.add_argument("experiment", help="experiment TOML file")
    b_plan.add_argument("--no-calibrate", action="store_true",
                        help="skip the short calibration run (no time estimate)")
    b_plan.add_argument("--show", type=int, default=20, metavar="N",
                        help="runs of the table to print (default 20)")
    b_plan.set_defaults(func=_cmd_batch_plan)
    b_run = batch_sub.add_parser("run", help="run or resume an experiment")
    b_run.add_argument("experiment", help="experiment TOML file")
    b_run.add_argument("--backend", choices=("local", "dask"),
                       help="where to run (default: the experiment's [backend], else local)")
    b_run.add_argument("--workers", type=_positive_int,
                       help="worker processes (default: the cores)")
    b_run.add_argument("--scheduler", metavar="ADDRESS",
                       help="a Dask scheduler address (implies --backend dask)")
    b_run.add_argument("--out", help="result folder (default: results/batch-<name>)")
    b_run.add_argument("--quiet", action="store_true", help="no progress bar")
    b_run.add_argument("--shard", metavar="K/N", help="run only the runs whose index is K "
                       "modulo N, into OUT/shard-K (a job array's task K of N)")
    b_run.set_defaults(func=_cmd_batch_run)
    b_collect = batch_sub.add_parser("collect", help="one tidy table of every finished run")
    b_collect.add_argument("folder", help="a batch result folder")
    b_collect.add_argument("--out", required=True, help="the Parquet (or .csv) file to write")
    b_collect.set_defaults(func=_cmd_batch_collect)
    b_plot = batch_sub.add_parser("plot", help="ensemble figures of a batch")
    b_plot.add_argument("folder", help="a batch result folder")
    b_plot.add_argument("--out", help="figure folder (default: FOLDER/figures)")
    b_plot.add_argument("--indicators", nargs="+", metavar="NAME",
                        help="indicators to draw (default: a key set)")
    b_plot.set_defaults(func=_cmd_batch_plot)
    b_an = batch_sub.add_parser("analyse", help="Sobol or Morris indices from a batch")
    b_an.add_argument("folder", help="a batch result folder of a sobol or morris design")
    b_an.add_argument("--method", choices=("sobol", "morris"), required=True)
    b_an.add_argument("--indicator", default="nh3_emission_kt",
                      help="the output (default nh3_emission_kt)")
    b_an.add_argument("--year", type=int, help="the year (default: the last)")
    b_an.add_argument("--out", help="folder for the table and figure (default: FOLDER)")
    b_an.set_defaults(func=_cmd_batch_analyse)

    data = sub.add_parser("data", help="build or inspect landscape bundles")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    build = data_sub.add_parser("build", help="build a landscape bundle from open data")
    build.add_argument("--resolution", type=int, choices=RESOLUTIONS_M, required=True)
    build.add_argument("--source", help="open-data folder (default: ../shared/data/nl)")
    build.add_argument("--out", help="bundle folder (default: the user cache)")
    build.set_defaults(func=_cmd_data_build)
    info = data_sub.add_parser("info", help="describe the bundle a run would use")
    info.add_argument("--resolution", type=int, choices=RESOLUTIONS_M, default=250,
                      help="cell size in metres (default: 250, that of the baseline)")
    info.set_defaults(func=_cmd_data_info)

    viz = sub.add_parser("viz", help="serve the teaching app for a spatial-planning class "
                         "(docs/teaching.md)")
    viz.add_argument("--region", metavar="PROVINCE",
                     help="run every pack on this province (default: each pack's own)")
    viz.add_argument("--resolution", type=int, choices=(1000, 250),
                     help="cell size in metres (default: each pack's, 1000)")
    viz.add_argument("--port", type=_positive_int, default=8765,
                     help="port to serve on (default 8765)")
    viz.add_argument("--host", default="127.0.0.1",
                     help="address to bind (default 127.0.0.1: this machine only)")
    viz.set_defaults(func=_cmd_viz)

    val = sub.add_parser("validate", help="check the baseline against published Dutch facts "
                         "and write a report (docs/validation.md)")
    val.add_argument("--out", help="report folder, new or empty (default: "
                     "results/validation-<timestamp>)")
    val.add_argument("--resolution", type=int, choices=RESOLUTIONS_M, default=1000,
                     help="cell size in metres (default 1000)")
    val.set_defaults(func=_cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ruimte`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"ruimte: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
