#!/usr/bin/env bash
# Builds the benchmarks in Release and runs the whole set: the Google Benchmark suites (medians of repetitions,
# in build/bench/core.txt and build/bench/store.txt) and the benchmark driver's workload matrix (one JSON line per
# run, in build/bench/results.jsonl), then draws the plots and tables of docs/performance.md into docs/images/.
# About 6 minutes on 2 cores (the budget is 10).
#   bash scripts/bench.sh            everything
#   bash scripts/bench.sh --quick    the driver matrix only, at smaller sizes (well under a minute)
#   bash scripts/bench.sh --durable  the durable stores only (SQLite and a throwaway PostgreSQL 15; about 2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh python3
cmake --preset bench
cmake --build --preset bench
bin=build/bench/bench
results=build/bench/results.jsonl
: > "$results"
quick=false
durable_only=false
[ "${1:-}" = "--quick" ] && quick=true
[ "${1:-}" = "--durable" ] && durable_only=true
# Each driver configuration runs 3 times (once with --quick); the tables and plots take the median run.
repetitions=3
$quick && repetitions=1
run() { for _ in $(seq "$repetitions"); do "$bin/decider-bench" "$@" | tee -a "$results"; done; }
start=$(date +%s)
if ! $durable_only; then
if ! $quick; then
  "$bin/decider_bench_core" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true | tee build/bench/core.txt
  "$bin/decider_bench_store" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true | tee build/bench/store.txt
fi

# Sizes: the full run goes to 10M events; --quick stops at 1M.
big=10000000
$quick && big=1000000
run --workload fold-combined --n "$big"
run --workload fold-handwritten --n "$big"
for n in 10000 100000 1000000 "$big"; do run --workload append --n "$n"; done
for n in 10000 100000 1000000; do run --workload append --n "$n" --concurrency 4; done
for n in 10000 100000 1000000 "$big"; do run --workload read-tag --n "$n"; done
for n in 20000 200000; do run --workload course --n "$n"; done
$quick || run --workload course --n 2000000
run --workload course --n 200000 --concurrency 4
for c in 1 4; do run --workload membership --n 100000 --concurrency "$c"; done
for n in 20000 200000; do run --workload billing --n "$n"; done
# Bank transfers: the scenario's two loads for each design, then throughput against concurrency (the plot): the
# two-lock design times out under contention (20 ms per lock), so it runs a tenth of the transfers.
for design in dcb reservation two-locks; do
  run --workload "transfer-$design" --n 50 --concurrency 4
  run --workload "transfer-$design" --n 800 --concurrency 100
done
transfers=200000
$quick && transfers=20000
for c in 1 4 16 100; do
  run --workload transfer-dcb --n "$transfers" --concurrency "$c"
  run --workload transfer-reservation --n "$transfers" --concurrency "$c"
  run --workload transfer-two-locks --n $((transfers / 10)) --concurrency "$c"
done
fi

# The durable stores: conditional appends (alone, and each after a read of the head) against raw insert
# transactions (one event row and one tag row each) at the same concurrency, alternating, on a throwaway PostgreSQL 15 server (fsync on) and on an SQLite file in the
# build tree (synchronous=FULL, then NORMAL). Then one scenario workload on each, to show the same code running.
durable=20000
$quick && durable=4000
pg_dir=$(mktemp -d /tmp/decider-bench-pg.XXXXXX)
trap 'bash scripts/pg-test-server.sh stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
bash scripts/pg-test-server.sh start "$pg_dir"
pg="host=$pg_dir dbname=postgres user=postgres"
sqlite_file="$PWD/build/bench/bench-sqlite.db"
for _ in $(seq "$repetitions"); do
  for c in 1 4 16; do
    for w in raw-insert conditional-append append; do
      repetitions=1 run --workload "$w" --store postgres --pg "$pg" --n "$durable" --concurrency "$c"
    done
  done
  for sync in full normal; do
    for w in raw-insert conditional-append append; do
      repetitions=1 run --workload "$w" --store sqlite --sqlite "$sqlite_file" --sync "$sync" --n "$durable" --concurrency 4
    done
  done
done
run --workload course --store postgres --pg "$pg" --n 5000 --concurrency 4
run --workload course --store sqlite --sqlite "$sqlite_file" --n 5000 --concurrency 4
bash scripts/pg-test-server.sh stop "$pg_dir"
python3 scripts/plot-bench.py "$results" docs/images
echo "bench: done in $(( $(date +%s) - start )) s; results in $results"
