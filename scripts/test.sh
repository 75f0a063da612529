#!/usr/bin/env bash
# Command 2: install, build, run the whole test suite through ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/build.sh"
cd "${WIREPATH_BUILD:-$ROOT/build}"
ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
