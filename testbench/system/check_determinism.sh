#!/usr/bin/env bash
# Two runs with the same seed and config must give byte-identical pcap and VCD.
set -euo pipefail
BIN="$1"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"
for r in a b; do
  "$BIN" -n 20 --seed 5 --pcap $r.pcap --vcd $r.vcd > $r.txt
done
cmp a.pcap b.pcap
cmp a.vcd b.vcd
diff <(grep -v -e '^pcap' -e '^vcd' a.txt) <(grep -v -e '^pcap' -e '^vcd' b.txt)
# A different seed must change the traffic (the check above can fail).
"$BIN" -n 20 --seed 6 --pcap c.pcap > c.txt
! cmp -s a.pcap c.pcap
echo "identical: pcap $(stat -c %s a.pcap) B, vcd $(stat -c %s a.vcd) B"
