#!/usr/bin/env bash
# Builds the scenario examples and runs each one; every example prints its scenario and the
# invariants it checked, and exits non-zero if one of them does not hold.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset examples
cmake --build --preset examples
status=0
for example in build/examples/examples/*/decider_example_*; do
  [ -f "$example" ] && [ -x "$example" ] || continue
  echo
  echo "=== $(basename "$example")"
  "$example" || status=1
done
exit $status
