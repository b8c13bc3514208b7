#!/usr/bin/env bash
# Builds and runs every test (unit, property, example, package) in one configuration.
#   bash scripts/test.sh               GCC 12, C++23, std::expected (the default)
#   bash scripts/test.sh clang-cxx20   Clang 14, C++20, tl::expected
#   bash scripts/test.sh asan          the same under AddressSanitizer + UndefinedBehaviorSanitizer (leaks checked)
#   bash scripts/test.sh tsan          the same under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-gcc-cxx23}"
case "$preset" in
  asan | tsan) bash scripts/deps.sh libclang-rt-14-dev ;;  # the sanitizers' runtimes
  *) bash scripts/deps.sh ;;
esac
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"
