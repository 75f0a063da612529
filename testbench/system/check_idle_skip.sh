#!/usr/bin/env bash
# Idle skipping is exact: the same run with and without it gives the same
# pcap (bytes and timestamps) and the same summary counters. UDP default run,
# and a lossy TCP run whose seed hits a 200 ms retransmission timeout.
set -euo pipefail
BIN="$1"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"
compare() {  # name, arguments...
  local name="$1"; shift
  local t0 t1 t2
  t0=$(date +%s.%N)
  "$BIN" "$@" --pcap "$name-skip.pcap" > "$name-skip.txt"
  t1=$(date +%s.%N)
  "$BIN" "$@" --no-idle-skip --pcap "$name-clock.pcap" > "$name-clock.txt"
  t2=$(date +%s.%N)
  cmp "$name-skip.pcap" "$name-clock.pcap"
  diff <(grep -v -e '^pcap' -e '^idle skip' "$name-skip.txt") <(grep -v -e '^pcap' "$name-clock.txt")
  ! grep -q '^idle skip' "$name-clock.txt"
  printf '%s: identical (pcap %s B); wall %.2f s skipping, %.2f s clocking; %s\n' "$name" \
    "$(stat -c %s "$name-skip.pcap")" "$(awk "BEGIN {print $t1 - $t0}")" "$(awk "BEGIN {print $t2 - $t1}")" \
    "$(grep '^idle skip' "$name-skip.txt" | awk '{print $3 " cycles skipped"}')"
}
compare udp
compare tcp --tcp 2000000 --loss 0.01 --seed 10  # with SACK, seed 10 loses a retransmission: one RTO
# The TCP run must really have waited for an RTO, and skipped most of it.
grep -q ', [1-9][0-9]* timeouts)' tcp-clock.txt
skipped=$(awk '/^idle skip/ {print $3}' tcp-skip.txt)
[ "$skipped" -gt 30000000 ]
