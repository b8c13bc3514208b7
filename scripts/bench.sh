#!/usr/bin/env bash
# Builds the benchmarks in Release and runs the core suite: 5 repetitions, medians reported.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset bench
cmake --build --preset bench
build/bench/bench/decider_bench_core --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "$@"
build/bench/bench/decider_bench_store --benchmark_repetitions=3 --benchmark_report_aggregates_only=true "$@"
