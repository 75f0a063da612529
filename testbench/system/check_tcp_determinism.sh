#!/usr/bin/env bash
# A lossy, reordered TCP run twice with the same seed: byte-identical pcap
# (the stack's ISN, ports and IDs, the partner's loss and reordering are all
# seeded); a different seed changes it.
set -euo pipefail
BIN="$1"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"
for r in a b; do
  "$BIN" --tcp 300000 --loss 0.01 --reorder 0.01 --seed 4 --pcap $r.pcap > $r.txt
done
cmp a.pcap b.pcap
diff <(grep -v '^pcap' a.txt) <(grep -v '^pcap' b.txt)
"$BIN" --tcp 300000 --loss 0.01 --reorder 0.01 --seed 7 --pcap c.pcap > c.txt
! cmp -s a.pcap c.pcap
echo "identical: pcap $(stat -c %s a.pcap) B"
