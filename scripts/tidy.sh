#!/usr/bin/env bash
# Static checks, as CI runs them:
#   clang-format: every C++ file is formatted as .clang-format says (fix with: bash scripts/tidy.sh --fix-format);
#   clang-tidy:   the checks of .clang-tidy, as errors, on one translation unit per public header (the header
#                 units the tests build, so every header is checked) and on every example and fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh clang-format-14 clang-tidy-14
mapfile -t sources < <(git ls-files '*.hpp' '*.cpp')
if [ "${1:-}" = "--fix-format" ]; then
  clang-format-14 -i "${sources[@]}"
  echo "tidy: formatted ${#sources[@]} files"
  exit 0
fi
clang-format-14 --dry-run -Werror "${sources[@]}"
echo "tidy: clang-format: ${#sources[@]} files formatted"

# A configuration of the tests' build with a compilation database; only the header units need generating.
build=build/tidy
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_STANDARD=20 -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
mapfile -t units < <(python3 - "$build/compile_commands.json" <<'PY'
import json, sys
for entry in json.load(open(sys.argv[1])):
    f = entry["file"]
    if "/header_units/" in f or "/examples/" in f and f.endswith("main.cpp") or "/fuzz/" in f:
        print(f)
PY
)
printf '%s\n' "${units[@]}" | xargs -P 2 -n 4 clang-tidy-14 -p "$build" --quiet 2>&1 | grep -v "warnings generated" \
  | tee "$build/tidy.log" || true
if grep -q "error:" "$build/tidy.log"; then
  echo "tidy: clang-tidy found problems (above)" >&2
  exit 1
fi
echo "tidy: clang-tidy: ${#units[@]} translation units clean"
