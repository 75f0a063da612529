#!/usr/bin/env bash
# The benches' command lines: --help exits 0 and runs nothing, bad values exit
# 2 with a message, a tiny run gives a rate that is not 0.
# Usage: check_bench_cli.sh NIC_LINERATE LATENCY_SWEEP
set -uo pipefail
LR="$1"; LS="$2"; fails=0
expect() {  # STATUS REGEX -- CMD ARGS...
  local want="$1" re="$2"; shift 3
  local out; out=$(timeout 120 "$@" 2>&1); local rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -Eq -- "$re" <<< "$out"; then
    echo "FAIL: $* -> exit $rc (want $want), must match /$re/:"; tail -n 5 <<< "$out"; fails=$((fails + 1))
  else echo "ok: $(basename "$1") ${*:2} -> exit $rc"; fi
}
expect 0 "Usage:" -- "$LR" --help
expect 0 "Usage:" -- "$LS" --help
expect 2 "frames: Value 1 not in range" -- "$LR" --frames 1
expect 2 "frames" -- "$LR" --frames -5
expect 2 "latency-ns: 'nan' is not a finite number" -- "$LR" --latency-ns nan
expect 2 "not expected: --bogus" -- "$LR" --bogus
expect 2 "gap-us: Value 0 not in range" -- "$LS" --gap-us 0
expect 2 "per-size" -- "$LS" --per-size -1
# --help must not have run the sweep (no table printed).
if "$LS" --help | grep -q "median ns"; then echo "FAIL: latency_sweep --help ran the sweep"; fails=$((fails + 1)); fi
# Two frames of 64 bytes at line rate: a real rate, ratio 1.
out=$("$LR" --frames 2 2>&1); echo "$out" | head -4
rate=$(awk '$1 == 64 {print $2}' <<< "$out")
[ -n "$rate" ] && [ "$rate" -gt 0 ] || { echo "FAIL: --frames 2 gave rate '$rate'"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo PASS || exit 1
