"""Experiment batches: designs, runner and backends, the result store, ensemble figures,
sensitivity analysis and the EMA Workbench adapter (docs/batch.md, docs/clusters.md)."""
