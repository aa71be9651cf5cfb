#!/usr/bin/env bash
# Run every benchmark case and keep the figures: benchmarks/results/<date>-<host>.json.
# Run it on an otherwise idle machine (the cases time whole runs); extra arguments go to
# `ruimte bench` (e.g. --repeats 1, or case names). See benchmarks/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out="benchmarks/results/$(date +%Y-%m-%d)-$(hostname -s).json"
python -m abm bench --no-check --json "$out" "$@"
echo "kept in $out"
