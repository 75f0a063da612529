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
# A retransmission sent soon after its original (SACK recovery with BQL keeps
# the queue short) is labelled "Out-Of-Order" by tshark's timing heuristic;
# count what tshark flags as either.
retrans=$(tshark -r run.pcap -o eth.fcs:TRUE -Y "tcp.analysis.retransmission || tcp.analysis.out_of_order" \
  2>/dev/null | wc -l)
echo "tshark: $n frames, $good with good FCS, IPv4 and TCP checksums (wire $frames); $retrans retransmissions seen"
[ "$n" -eq "$frames" ] && [ "$good" -eq "$n" ] && [ "$retrans" -gt 0 ]

# TCP options (RFC 7323, 2018): the SYN offers MSS, SACK_PERM, TS, WS in
# Linux's order; every segment carries a timestamp; data is 1448 bytes at
# most (1460 less the 12-byte option).
syn_opts=$(tshark -r run.pcap -o eth.fcs:TRUE -Y 'tcp.flags.syn == 1' -T fields -e tcp.option_kind 2>/dev/null | head -1)
echo "tshark: SYN option kinds $syn_opts"
[ "$syn_opts" = "2,4,8,1,3" ]
with_ts=$(tshark -r run.pcap -o eth.fcs:TRUE -Y 'tcp.options.timestamp.tsval' 2>/dev/null | wc -l)
maxlen=$(tshark -r run.pcap -o eth.fcs:TRUE -T fields -e tcp.len 2>/dev/null | sort -n | tail -1)
echo "tshark: $with_ts of $n frames with TSval, largest segment $maxlen bytes"
[ "$with_ts" -eq "$n" ] && [ "$maxlen" -eq 1448 ]
grep -q '^options     SACK on, timestamps on' run.txt

# The same transfer without SACK (NewReno): byte-identical too, and SACK
# recovery needs fewer retransmissions than NewReno for the same losses.
"$BIN" --tcp 1000000 --loss 0.01 --seed 3 --no-tcp-sack --pcap nosack.pcap > nosack.txt
sack_rtx=$(awk '/^tcp / {print $5}' run.txt)
reno_rtx=$(awk '/^tcp / {print $5}' nosack.txt)
sack_lost=$(awk '/^partner / {print $4}' run.txt)
reno_lost=$(awk '/^partner / {print $4}' nosack.txt)
grep -q 'byte-identical and in order' nosack.txt
grep -q '^options     SACK off, timestamps on' nosack.txt
echo "retransmitted segments: SACK $sack_rtx ($sack_lost lost), NewReno $reno_rtx ($reno_lost lost)"
[ "$sack_rtx" -lt "$reno_rtx" ]
