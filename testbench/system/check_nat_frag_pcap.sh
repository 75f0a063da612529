#!/usr/bin/env bash
# Fragments and NAT on the wire, validated by Wireshark's dissectors:
# UDP datagrams up to 3000 B (IP fragments) through MASQUERADE to ports
# 30000-30100, and a TCP transfer through SNAT to ports 40000-40010. Every
# frame's FCS and IPv4 checksum must be good, every UDP datagram's checksum
# good after reassembly, every TCP checksum good, every port rewritten.
set -euo pipefail
BIN="$1"; DIR="$2"; RULES="$3"
mkdir -p "$DIR"; cd "$DIR"
tsk() { tshark -2 -o eth.fcs:TRUE -o eth.check_fcs:TRUE -o ip.check_checksum:TRUE \
          -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE "$@" 2>/dev/null; }

"$BIN" -n 50 --max-size 3000 --iptables "$RULES" --pcap udp.pcap > udp.txt
tsk -r udp.pcap -T fields -e eth.fcs.status -e ip.checksum.status -e udp.checksum.status -e udp.srcport > udp.status
frames=$(wc -l < udp.status)
badl2l3=$(awk -F'\t' '!($1 == 1 && $2 == 1)' udp.status | wc -l)
udp_good=$(awk -F'\t' '$3 == 1 && $4 >= 30000 && $4 <= 30100' udp.status | wc -l)
frags=$(tsk -r udp.pcap -Y "ip.flags.mf == 1 || ip.frag_offset > 0" | wc -l)
echo "udp: $frames frames ($frags fragments), $badl2l3 bad FCS/IPv4, $udp_good of 50 datagrams with a good UDP checksum from ports 30000-30100"
[ "$badl2l3" -eq 0 ] && [ "$udp_good" -eq 50 ] && [ "$frags" -gt 0 ]

"$BIN" --tcp 500000 --iptables "$RULES" --pcap tcp.pcap > tcp.txt
tsk -r tcp.pcap -T fields -e eth.fcs.status -e ip.checksum.status -e tcp.checksum.status -e tcp.srcport > tcp.status
frames=$(wc -l < tcp.status)
good=$(awk -F'\t' '$1 == 1 && $2 == 1 && $3 == 1 && $4 >= 40000 && $4 <= 40010' tcp.status | wc -l)
echo "tcp: $frames frames, $good with good FCS, IPv4 and TCP checksums from ports 40000-40010"
[ "$frames" -gt 300 ] && [ "$good" -eq "$frames" ]
grep -q "byte-identical and in order" tcp.txt
