#!/usr/bin/env bash
# Measures the cost of including the umbrella header: best of 5 compiles at -O0 of a translation unit that
# includes only <decider/decider.hpp>, beside an empty one, with both supported compilers.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '#include <decider/decider.hpp>' > "$work/umbrella.cpp"
: > "$work/empty.cpp"
best_of_5() {
  local best=""
  for _ in 1 2 3 4 5; do
    local start end ms
    start=$(date +%s%N)
    "$@"
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}
for compiler in "g++ -std=c++23" "clang++-14 -std=c++20"; do
  read -r -a cxx <<< "$compiler"
  umbrella=$(best_of_5 "${cxx[@]}" -O0 -Iinclude -c "$work/umbrella.cpp" -o "$work/u.o")
  empty=$(best_of_5 "${cxx[@]}" -O0 -c "$work/empty.cpp" -o "$work/e.o")
  echo "$compiler -O0: umbrella header ${umbrella} ms, empty translation unit ${empty} ms"
done
