#!/usr/bin/env bash
# Builds the benchmarks in Release and runs the whole set: the Google Benchmark suites (medians of repetitions) and
# the benchmark driver's workload matrix (one JSON line per run, in build/bench/results.jsonl), then draws the plots
# of docs/performance.md into docs/images/. About 5 minutes on 2 cores.
#   bash scripts/bench.sh            everything
#   bash scripts/bench.sh --quick    the driver matrix only, smaller sizes (about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset bench
cmake --build --preset bench
driver=build/bench/bench/decider-bench
results=build/bench/results.jsonl
: > "$results"
run() { "$driver" "$@" | tee -a "$results"; }

quick=false
[ "${1:-}" = "--quick" ] && quick=true
if ! $quick; then
  build/bench/bench/decider_bench_core --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
  build/bench/bench/decider_bench_store --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
fi

big=10000000
$quick && big=1000000
run --workload fold-combined --n "$big"
run --workload fold-handwritten --n "$big"
for n in 10000 100000 1000000; do
  for c in 1 4; do run --workload append --n "$n" --concurrency "$c"; done
done
for n in 10000 1000000 "$big"; do run --workload read-tag --n "$n"; done
for c in 1 4; do
  run --workload course --n 200000 --concurrency "$c"
  run --workload membership --n 100000 --concurrency "$c"
done
run --workload billing --n 20000
for c in 1 4 16 100; do
  for design in dcb reservation two-locks; do run --workload "transfer-$design" --n 2000 --concurrency "$c"; done
done
python3 scripts/plot-bench.py "$results" docs/images
