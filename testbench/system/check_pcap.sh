#!/usr/bin/env bash
# Runs the default scenario and has tshark validate every frame of its pcap:
# Ethernet FCS, IPv4 header checksum, UDP checksum must all be "Good" (1).
set -euo pipefail
BIN="$1"; DIR="$2"
mkdir -p "$DIR"; cd "$DIR"
"$BIN" --pcap run.pcap > run.txt
cat run.txt
sent=$(awk '/^sent/ {print $2}' run.txt)
tshark -r run.pcap -o eth.fcs:TRUE -o eth.check_fcs:TRUE \
  -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
  -T fields -e eth.fcs.status -e ip.checksum.status -e udp.checksum.status > status.txt 2> tshark.err || {
  cat tshark.err; exit 1; }
frames=$(wc -l < status.txt)
good=$(awk -F'\t' '$1 == 1 && $2 == 1 && $3 == 1' status.txt | wc -l)
echo "tshark: $frames frames, $good with good FCS, IPv4 and UDP checksums (sent $sent)"
[ "$frames" -eq "$sent" ] && [ "$good" -eq "$frames" ]
