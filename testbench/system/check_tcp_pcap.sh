#!/usr/bin/env bash
# A TCP transfer with 1% loss end to end, then Wireshark's dissectors
# validate every frame: Ethernet FCS, IPv4 header checksum and TCP checksum
# must all be "Good" (1), and every frame on the wire is in the pcap.
set -euo pipefail
BIN="$1"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"
"$BIN" --tcp 1000000 --loss 0.01 --seed 3 --pcap run.pcap > run.txt
cat run.txt
frames=$(awk '/^wire / {print $2}' run.txt)
tshark -r run.pcap -o eth.fcs:TRUE -o eth.check_fcs:TRUE \
  -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
  -T fields -e eth.fcs.status -e ip.checksum.status -e tcp.checksum.status > status.txt 2> tshark.err || {
  cat tshark.err; exit 1; }
n=$(wc -l < status.txt)
good=$(awk -F'\t' '$1 == 1 && $2 == 1 && $3 == 1' status.txt | wc -l)
retrans=$(tshark -r run.pcap -o eth.fcs:TRUE -Y tcp.analysis.retransmission 2>/dev/null | wc -l)
echo "tshark: $n frames, $good with good FCS, IPv4 and TCP checksums (wire $frames); $retrans retransmissions seen"
[ "$n" -eq "$frames" ] && [ "$good" -eq "$n" ] && [ "$retrans" -gt 0 ]
