#!/usr/bin/env bash
# Command 1: install, build, run the default scenario (extra arguments go to wirepath).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/build.sh"
cd "$ROOT"
exec "${WIREPATH_BUILD:-$ROOT/build}/sim/wirepath" "$@"
