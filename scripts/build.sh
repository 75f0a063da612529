#!/usr/bin/env bash
# Install missing dependencies, then configure and build wirepath in Release.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/deps.sh"
BUILD="${WIREPATH_BUILD:-$ROOT/build}"
mkdir -p "$BUILD"
echo "wirepath: building in $BUILD (log: $BUILD/build.log)"
if ! { cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release && cmake --build "$BUILD" -j"$(nproc)"; } \
    > "$BUILD/build.log" 2>&1; then
  tail -n 60 "$BUILD/build.log"
  echo "wirepath: build failed (full log: $BUILD/build.log)" >&2
  exit 1
fi
