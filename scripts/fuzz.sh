#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset: Clang 14, ASan+UBSan, leak checks on) and runs each for a while,
# starting from its seed corpus (fuzz/corpus/<target>/). New inputs go to build/fuzz/work/<target>/, never into
# the repository; --update-corpus merges what a run found into the seed corpus, minimized to the fewest inputs
# that reach the same code edges.
#   bash scripts/fuzz.sh                 60 s per target
#   bash scripts/fuzz.sh 600             ten minutes per target
#   bash scripts/fuzz.sh 600 --update-corpus
# A crash, a leak or a sanitizer report fails the run; the input that caused it is left in build/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
update="${2:-}"
bash scripts/deps.sh libclang-rt-14-dev
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
summary=()
for target in codec query store batch; do
  work="build/fuzz/work/${target}"
  mkdir -p "$work"
  log="build/fuzz/${target}.log"
  echo "fuzz: ${target} for ${seconds} s"
  (cd build/fuzz && "./fuzz/decider_fuzz_${target}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "work/${target}" "../../fuzz/corpus/${target}") >"$log" 2>&1 || {
    tail -60 "$log" >&2
    echo "fuzz: ${target} failed; its log is $log" >&2
    exit 1
  }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  corpus=$(find "$work" "fuzz/corpus/${target}" -type f | wc -l)
  summary+=("${target}: ${runs} inputs in ${seconds} s (${rate}/s), coverage ${cov} edges, corpus ${corpus} inputs, no crash, no leak, no sanitizer report")
  if [ "$update" = "--update-corpus" ]; then
    merged="build/fuzz/merged/${target}"
    rm -rf "$merged" && mkdir -p "$merged"
    # The fewest inputs that reach every edge the corpus and the run reached (a greedy set cover over edges; hit
    # counts left out, which a run finds again in seconds).
    "build/fuzz/fuzz/decider_fuzz_${target}" -set_cover_merge=1 -use_counters=0 "$merged" "fuzz/corpus/${target}" \
      "$work" >/dev/null 2>&1
    # Named inputs (the ones a failure left, renamed for what they found) stay, whatever their coverage.
    find "fuzz/corpus/${target}" -regextype posix-extended -type f ! -regex '.*/[0-9a-f]{40}' -exec cp {} "$merged"/ \;
    rm -rf "fuzz/corpus/${target}" && mv "$merged" "fuzz/corpus/${target}"
    echo "fuzz: fuzz/corpus/${target} now holds $(find "fuzz/corpus/${target}" -type f | wc -l) inputs"
  fi
done
printf 'fuzz: %s\n' "${summary[@]}"
