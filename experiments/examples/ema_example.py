"""Exploratory modelling of ruimte with the EMA Workbench: a small example (docs/batch_analysis.md).

The buy-out scenario on Utrecht at 1000 m over two years, as an ``ema_workbench.Model``
(:func:`experiments.batch.ema.ruimte_model`): four model parameters as uncertainties, the
number parameters of the scenario's instruments as levers, four indicators as outcomes.
Latin hypercube samples of 4 scenarios (uncertainties) x 3 policies (levers) = 12 runs on two
processes, in about half a minute; the results go to results/ema-example.tar.gz::

    .venv/bin/python experiments/examples/ema_example.py

Read them back with ``ema_workbench.load_results("results/ema-example.tar.gz")``.
"""

from __future__ import annotations

from pathlib import Path

N_SCENARIOS = 4
N_POLICIES = 3
OUT = Path("results") / "ema-example.tar.gz"


def main() -> Path:
    from experiments.batch.ema import ruimte_model  # imports ema_workbench quietly

    from ema_workbench import MultiprocessingEvaluator, ema_logging, perform_experiments, \
        save_results

    ema_logging.log_to_stderr(ema_logging.INFO)
    model = ruimte_model("stikstof-buyout", resolution_m=1000, region=("Utrecht",),
                         start_year=2024, end_year=2025, seed=1)
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        results = perform_experiments(model, scenarios=N_SCENARIOS, policies=N_POLICIES,
                                      evaluator=evaluator)
    experiments, outcomes = results
    print(experiments.iloc[:, :-3].round(3).to_string())
    for name, values in outcomes.items():
        print(f"{name}: {values.round(3)}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_results(results, str(OUT))
    return OUT


if __name__ == "__main__":
    main()
