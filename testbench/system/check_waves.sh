#!/usr/bin/env bash
# Waves of any size: FST (by --fst or the .fst extension) is deterministic and
# much smaller than the VCD; a window dumps only its time span and leaves the
# run (pcap) unchanged, with idle skip working outside it; depth and scope cut
# the signals; a large dump is announced before it starts.
# Usage: check_waves.sh WIREPATH DIR
set -uo pipefail
BIN="$(realpath "$1")"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"; fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
"$BIN" -n 20 --pcap full.pcap --vcd full.vcd > full.txt || fail "full VCD run"
for r in a b; do "$BIN" -n 20 --pcap '' --fst $r.fst > $r.txt || fail "FST run $r"; done
cmp -s a.fst b.fst || fail "two FST runs differ"
fst2vcd -f a.fst > a.vcd 2> /dev/null || fail "fst2vcd cannot read the FST"
[ "$(grep -c '\$var' a.vcd)" -eq "$(grep -c '\$var' full.vcd)" ] || fail "FST has other signals than the VCD"
# The same last time stamp in both.
[ "$(grep '^#' a.vcd | tail -1)" = "$(grep '^#' full.vcd | tail -1)" ] || fail "FST ends at another time"
vcd=$(stat -c %s full.vcd); fst=$(stat -c %s a.fst)
[ $((fst * 5)) -lt "$vcd" ] || fail "FST $fst B not 5x smaller than VCD $vcd B"
"$BIN" -n 20 --pcap '' --vcd x.fst > x.txt && grep -q "^fst " x.txt && cmp -s x.fst a.fst || fail "--vcd x.fst is not the FST"
# Window 5..8 us: time stamps inside it only, the same pcap, idle skip outside.
"$BIN" -n 20 --pcap win.pcap --vcd win.vcd --wave-from-us 5 --wave-to-us 8 > win.txt || fail "window run"
first=$(grep '^#' win.vcd | head -1 | tr -d '#'); last=$(grep '^#' win.vcd | tail -1 | tr -d '#')
[ "$first" -ge 5000000 ] && [ "$last" -le 8000000 ] || fail "window time stamps $first..$last ps"
cmp -s win.pcap full.pcap || fail "the window changed the pcap"
grep -q "^idle skip" win.txt || fail "no idle skip outside the window"
grep -q "^idle skip" full.txt && fail "idle skip during a full dump"
# Depth and scope: fewer signals.
"$BIN" -n 20 --pcap '' --vcd d.vcd --wave-scope nic.nic_top --wave-depth 1 > /dev/null || fail "depth run"
vars=$(grep -c '\$var' d.vcd); all=$(grep -c '\$var' full.vcd)
[ "$vars" -gt 0 ] && [ "$vars" -lt $((all / 4)) ] || fail "depth 1: $vars of $all signals"
# A large dump is announced (and ended early here by the time limit).
"$BIN" -n 3000 --pcap '' --vcd big.vcd --time-limit 0.000002 > big.txt 2> big.err
grep -q "waves: about [0-9]* MB expected in big.vcd" big.err || fail "no size estimate for 3000 datagrams"
"$BIN" -n 20 --pcap '' --vcd small.vcd > small.txt 2> small.err
grep -q "MB expected" small.err && fail "estimate printed for a small dump"
echo "VCD $vcd B, FST $fst B; window $(stat -c %s win.vcd) B; depth-1 $(stat -c %s d.vcd) B"
[ "$fails" -eq 0 ] && echo PASS || exit 1
