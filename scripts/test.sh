#!/usr/bin/env bash
# Builds and runs every test (unit, property, example, package) in one configuration.
#   bash scripts/test.sh               GCC 12, C++23, std::expected (the default)
#   bash scripts/test.sh clang-cxx20   Clang 14, C++20, tl::expected
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-gcc-cxx23}"
bash scripts/deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"
