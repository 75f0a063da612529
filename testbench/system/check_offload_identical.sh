#!/usr/bin/env bash
# The NIC's checksum/TSO offloads and the stack's software path (--no-offload)
# must give the same wire. UDP: every frame byte-identical (timestamps aside).
# TCP: the segments' boundaries depend on ACK timing, which the two paths
# change (a TSO super-packet leaves the NIC later than its first software
# segment would), so compare the TCP byte stream the frames carry, every
# frame's checksums being valid on both (tshark), instead of frame by frame.
set -euo pipefail
BIN="$1"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"
run() { "$BIN" "$@" > /dev/null; }
run -n 200 --pcap udp_hw.pcap
run -n 200 --pcap udp_sw.pcap --no-offload
tshark -r udp_hw.pcap -x 2>/dev/null > udp_hw.hex
tshark -r udp_sw.pcap -x 2>/dev/null > udp_sw.hex
[ "$(grep -c '^0000' udp_hw.hex)" -eq 200 ] || { echo "expected 200 UDP frames"; exit 1; }
cmp udp_hw.hex udp_sw.hex || { diff udp_hw.hex udp_sw.hex | head -20; exit 1; }
echo "udp: 200 frames byte-identical with and without offloads"

run --tcp 2000000 --pcap tcp_hw.pcap
run --tcp 2000000 --pcap tcp_sw.pcap --no-offload
for p in tcp_hw tcp_sw; do
  tshark -r $p.pcap -o eth.fcs:TRUE -o eth.check_fcs:TRUE -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -T fields -e eth.fcs.status -e ip.checksum.status -e tcp.checksum.status 2>/dev/null > $p.status
  bad=$(awk -F'\t' '!($1 == 1 && $2 == 1 && $3 == 1)' $p.status | wc -l)
  [ "$bad" -eq 0 ] || { echo "$p: $bad frames with a bad checksum"; exit 1; }
  # The stream: data segments by raw sequence number, payload concatenated.
  tshark -r $p.pcap -o tcp.analyze_sequence_numbers:FALSE -Y "tcp.len > 0" -T fields -e tcp.seq_raw -e tcp.payload \
    2>/dev/null | sort -n -k1,1 -u | awk -F'\t' '{printf "%s", $2}' > $p.stream
  echo "$p: $(wc -l < $p.status) frames, all checksums good, $(( $(wc -c < $p.stream) / 2 )) payload bytes"
done
[ "$(( $(wc -c < tcp_hw.stream) / 2 ))" -eq 2000000 ] || { echo "tcp: stream is not 2000000 bytes"; exit 1; }
cmp tcp_hw.stream tcp_sw.stream
echo "tcp: the same 2000000-byte stream with and without offloads"
