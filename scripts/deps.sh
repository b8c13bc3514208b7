#!/usr/bin/env bash
# Installs the Debian 12 packages decider's build, tests and examples need, skipping those already present.
# Run as root (or with sudo available). Extra package names may be passed as arguments.
set -euo pipefail
packages=(cmake ninja-build g++ clang-14 librange-v3-dev libexpected-dev catch2 librapidcheck-dev libbenchmark-dev nlohmann-json3-dev
  libsqlite3-dev postgresql-15 libpq-dev "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
