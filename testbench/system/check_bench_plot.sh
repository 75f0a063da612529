#!/usr/bin/env bash
# The benches' --csv and --plot: the CSV has the documented header and one row
# per size (latency_sweep: per mode and size, all modes merged from the
# children of --mode all), gnuplot drew an SVG, and a missing gnuplot or an
# unwritable file is refused (exit 2) before the run.
# Usage: check_bench_plot.sh NIC_LINERATE LATENCY_SWEEP
set -uo pipefail
LR="$1"; LS="$2"; fails=0
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check_csv() {  # FILE HEADER ROWS
  [ -f "$1" ] || { fail "$1 not written"; return; }
  [ "$(head -n 1 "$1")" = "$2" ] || fail "$1 header: '$(head -n 1 "$1")', want '$2'"
  local rows; rows=$(($(wc -l < "$1") - 1))
  [ "$rows" -eq "$3" ] || fail "$1 has $rows rows, want $3"
}
check_svg() {
  [ -s "$1" ] && grep -q "<svg" "$1" || fail "$1 is not an SVG"
  [ -s "$1.gp" ] || fail "$1.gp (the gnuplot script) not written"
}

"$LR" --frames 20 --sizes 64,1518 --csv "$dir/lr.csv" --plot "$dir/lr.svg" || fail "nic_linerate exit $?"
check_csv "$dir/lr.csv" "size,frames_per_s,theoretical_frames_per_s,ratio" 2
check_svg "$dir/lr.svg"
# 64 B at 10GbE: 10e9 / (84 * 8) = 14880952 frames/s, measured and theoretical.
grep -qx "64,14880952,14880952,1.0000" "$dir/lr.csv" || fail "64 B row: $(grep '^64,' "$dir/lr.csv")"

# One mode in this process, then every mode in children merged by the parent.
hdr="mode,frame,mmio_ns,desc_ns,data_ns,mac_ns,total_ns"
"$LS" --per-size 2 --mode ring --csv "$dir/ring.csv" --plot "$dir/ring.svg" > /dev/null || fail "latency_sweep ring exit $?"
check_csv "$dir/ring.csv" "$hdr" 7
check_svg "$dir/ring.svg"
"$LS" --per-size 2 --csv "$dir/all.csv" --plot "$dir/all.svg" > /dev/null || fail "latency_sweep all exit $?"
check_csv "$dir/all.csv" "$hdr" 35
check_svg "$dir/all.svg"
for m in ring push inline ring-ct push-ct; do
  n=$(grep -c "^$m," "$dir/all.csv"); [ "$n" -eq 7 ] || fail "all.csv has $n $m rows, want 7"
done
# Each row's stages add up to its total (to the printed 0.1 ns, +-0.2 for rounding).
awk -F, 'NR > 1 { d = $3 + $4 + $5 + $6 - $7; if (d > 0.2 || d < -0.2) { print "FAIL: row " NR " stages sum " $3+$4+$5+$6 " != " $7; bad = 1 } }
         END { exit bad }' "$dir/all.csv" || fails=$((fails + 1))

# Refused before running: no gnuplot on PATH, a file that cannot be written.
out=$(PATH=/nonexistent "$LR" --frames 2 --sizes 64 --plot "$dir/x.svg" 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "gnuplot" <<< "$out" || fail "no gnuplot: exit $rc, '$out'"
out=$(PATH=/nonexistent "$LS" --per-size 1 --plot "$dir/x.svg" 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "gnuplot" <<< "$out" && ! grep -q "median ns" <<< "$out" || fail "no gnuplot (sweep): exit $rc, '$out'"
out=$("$LS" --per-size 1 --mode ring --csv /proc/x/y.csv 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "cannot write /proc/x/y.csv" <<< "$out" || fail "bad csv path: exit $rc, '$out'"
[ "$fails" -eq 0 ] && echo PASS || exit 1
