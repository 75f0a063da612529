#!/usr/bin/env bash
# Every low-latency TX mode puts the same frames on the wire as ring mode:
# the default UDP run frame by frame byte-identical (only timestamps differ),
# a TCP transfer the same byte stream with valid checksums; the push run
# really pushed (the NIC saw write-combined doorbells), the inline run sent
# frames of up to 256 bytes without a data fetch, and nothing was lost.
set -euo pipefail
BIN="$1"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"
"$BIN" --pcap udp_ring.pcap > udp_ring.txt
tshark -r udp_ring.pcap -x 2>/dev/null > udp_ring.hex
[ "$(grep -c '^0000' udp_ring.hex)" -eq 300 ] || { echo "ring: expected 300 UDP frames"; exit 1; }
for mode in push inline; do
  "$BIN" --pcap "udp_$mode.pcap" --tx-mode $mode > "udp_$mode.txt"
  tshark -r "udp_$mode.pcap" -x 2>/dev/null > "udp_$mode.hex"
  cmp udp_ring.hex "udp_$mode.hex" || { diff udp_ring.hex "udp_$mode.hex" | head -20; exit 1; }
  grep -q "drops       0 (none), skbs still live 0" "udp_$mode.txt" || { cat "udp_$mode.txt"; exit 1; }
  # Pushed doorbells skip the descriptor fetch: its stage reads 0.
  grep -Eq "descriptor fetch +0\.0 +0\.0" "udp_$mode.txt" || { cat "udp_$mode.txt"; exit 1; }
  # Inline frames skip the data fetch too: its shortest stage reads 0; and
  # tshark finds every FCS and UDP checksum of the inline run good.
  if [ $mode = inline ]; then
    grep -Eq "data fetch +0\.0 " "udp_$mode.txt" || { cat "udp_$mode.txt"; exit 1; }
    bad=$(tshark -r udp_inline.pcap -o eth.fcs:TRUE -o eth.check_fcs:TRUE -o udp.check_checksum:TRUE \
      -T fields -e eth.fcs.status -e udp.checksum.status 2>/dev/null | awk -F'\t' '!($1 == 1 && ($2 == 1 || $2 == ""))' | wc -l)
    [ "$bad" -eq 0 ] || { echo "udp inline: $bad frames with a bad FCS or checksum"; exit 1; }
  fi
  echo "udp $mode: 300 frames byte-identical to ring mode"

  "$BIN" --tcp 300000 --pcap tcp_ring.pcap > /dev/null
  "$BIN" --tcp 300000 --pcap "tcp_$mode.pcap" --tx-mode $mode > /dev/null
  for p in tcp_ring "tcp_$mode"; do
    tshark -r $p.pcap -o eth.fcs:TRUE -o eth.check_fcs:TRUE -o tcp.check_checksum:TRUE \
      -T fields -e eth.fcs.status -e tcp.checksum.status 2>/dev/null > $p.status
    bad=$(awk -F'\t' '!($1 == 1 && ($2 == 1 || $2 == ""))' $p.status | wc -l)
    [ "$bad" -eq 0 ] || { echo "$p: $bad frames with a bad checksum"; exit 1; }
    tshark -r $p.pcap -o tcp.analyze_sequence_numbers:FALSE -Y "tcp.len > 0" -T fields -e tcp.seq_raw -e tcp.payload \
      2>/dev/null | sort -n -k1,1 -u | awk -F'\t' '{printf "%s", $2}' > $p.stream
  done
  [ "$(( $(wc -c < tcp_ring.stream) / 2 ))" -eq 300000 ] || { echo "tcp: stream is not 300000 bytes"; exit 1; }
  cmp tcp_ring.stream "tcp_$mode.stream"
  echo "tcp $mode: the same 300000-byte stream as ring mode"
done
