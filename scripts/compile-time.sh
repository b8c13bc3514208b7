#!/usr/bin/env bash
# Measures what decider costs to compile: the USER CPU time of compiling (-c, to an object file, never linked) three
# translation units at -O0, the best of N runs (N = $COMPILE_TIME_RUNS, default 3):
#   umbrella       a file that includes only <decider/decider.hpp>, beside an empty file as the compiler's floor
#                  (with g++ -std=c++23, std::expected, and clang++-14 -std=c++20, tl::expected);
#   typical test   scripts/compile-time/typical_test.cpp: 20 given/when/then scenarios, 7 check_invariant and
#                  4 check_laws over the combined decider learning::registration (g++ only);
#   on SQLite      scripts/compile-time/on_sqlite.cpp: a main() running learning::registration on the SQLite store
#                  through decider::handle and decider::command_handler (g++ only).
# Why user time, not wall time: builds and tests often run beside this script (the machine may have 2 cores), and
# waiting for a core inflates wall time; the CPU time the compiler itself spends is what a header change moves.
# (User time of `g++` includes its children, cc1plus and as, which it waits for.)
# Flags: those of the gcc-cxx23 preset's Debug build (build/gcc-cxx23/build.ninja): -g and the project's
# warnings, the tests' include directories; no defines are needed (config.hpp picks std::expected for GCC 12 in
# C++23 and tl::expected otherwise). -O0 is spelled out; the Debug build has no -O, which is the same.
set -euo pipefail
shopt -s inherit_errexit  # a failed compile inside $(...) stops the script
cd "$(dirname "$0")/.."

runs=${COMPILE_TIME_RUNS:-3}
flags=(-O0 -g -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -Iinclude -Iexamples -Itests)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '#include <decider/decider.hpp>' > "$work/umbrella.cpp"
: > "$work/empty.cpp"

# best_user_time COMPILER... SOURCE: the least user time, in seconds, of $runs compiles of SOURCE.
best_user_time() {
  local source=${*: -1}
  local times=() i
  for ((i = 0; i < runs; ++i)); do
    /usr/bin/time -f %U -o "$work/time" "${@:1:$#-1}" "${flags[@]}" -c "$source" -o "$work/out.o"
    times+=("$(tail -n 1 "$work/time")")
  done
  printf '%s\n' "${times[@]}" | sort -g | head -n 1
}

echo "best of $runs runs; flags: ${flags[*]}" >&2

gcc=(g++ -std=c++23)
umbrella=$(best_user_time "${gcc[@]}" "$work/umbrella.cpp")
empty=$(best_user_time "${gcc[@]}" "$work/empty.cpp")
typical=$(best_user_time "${gcc[@]}" scripts/compile-time/typical_test.cpp)
sqlite=$(best_user_time "${gcc[@]}" scripts/compile-time/on_sqlite.cpp)
echo "${gcc[*]} -O0 user time: umbrella $umbrella s, empty $empty s, typical test $typical s," \
  "combined decider on SQLite $sqlite s"

clang=(clang++-14 -std=c++20)
umbrella=$(best_user_time "${clang[@]}" "$work/umbrella.cpp")
empty=$(best_user_time "${clang[@]}" "$work/empty.cpp")
echo "${clang[*]} -O0 user time: umbrella $umbrella s, empty $empty s"
