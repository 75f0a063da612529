#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/) for SECONDS each (default 60), built with
# clang, libFuzzer, ASan and UBSan in build-fuzz. Each target's corpus grows in
# build-fuzz/corpus/<target> (seeded from fuzz/corpus/<target>); a crash or
# leak is written to build-fuzz/crashes/<target>/ and stops the script with
# the reproducer's path (rerun: build-fuzz/fuzz/fuzz_<target> FILE).
#   scripts/fuzz.sh [SECONDS] [iptables_restore|netif_rx ...]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(iptables_restore netif_rx)
B="${WIREPATH_FUZZ_BUILD:-build-fuzz}"
CC=clang CXX=clang++ cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWIREPATH_FUZZ=ON > /dev/null
cmake --build "$B" -j"${JOBS:-2}" --target "${TARGETS[@]/#/fuzz_}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for t in "${TARGETS[@]}"; do
  mkdir -p "$B/corpus/$t" "$B/crashes/$t"
  echo "fuzz_$t: ${SECONDS_EACH}s"
  "$B/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$B/crashes/$t/" "$B/corpus/$t" "fuzz/corpus/$t" 2>&1 | grep -E "^#|^stat::|ERROR|SUMMARY|Test unit|==" | tail -15
done
