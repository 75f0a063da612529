#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_netif_rx (fuzz/corpus/netif_rx): one file per
kind of frame the receive path handles. Each file: a switch byte (0x0f: fix
the IPv4 and L4 checksums, our MAC and address as destination), then frames
as a 2-byte length and the bytes. Run it again after changing the format."""
import os, struct

OUR = bytes.fromhex('020000000001'); PEER = bytes.fromhex('020000000002'); BC = b'\xff' * 6
LOCAL = bytes([10, 0, 0, 1]); PEER_IP = bytes([10, 0, 0, 2])

def eth(dst, typ, payload): return dst + PEER + struct.pack('!H', typ) + payload
def ip(proto, payload, frag=0, ident=1, src=PEER_IP, tot=None):
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot or 20 + len(payload), ident, frag, 64, proto, 0, src, LOCAL) + payload
def udp(sport, dport, data): return struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
def tcp(sport, dport, seq, ack, flags, opts=b''):
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, (5 + len(opts) // 4) << 4, flags, 8192, 0, 0) + opts
def icmp(typ, code, rest): return struct.pack('!BBH', typ, code, 0) + rest
def arp(op, sha, sip, tha, tip): return struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + sha + sip + tha + tip

def frames(*fs, sw=0x0f): return bytes([sw]) + b''.join(struct.pack('!H', len(f)) + f for f in fs)

seeds = {
    'arp_request': frames(eth(BC, 0x0806, arp(1, PEER, PEER_IP, b'\0' * 6, LOCAL))),
    'arp_reply': frames(eth(OUR, 0x0806, arp(2, PEER, PEER_IP, OUR, LOCAL))),
    'udp_to_9': frames(eth(OUR, 0x0800, ip(17, udp(7, 9, b'hello')))),
    'udp_to_53_and_99': frames(eth(OUR, 0x0800, ip(17, udp(5353, 53, b'q' * 40))), eth(OUR, 0x0800, ip(17, udp(1, 99, b'')))),
    'udp_nat_reply': frames(eth(OUR, 0x0800, ip(17, udp(7, 40000, b'reply')))),
    'udp_fragments': frames(eth(OUR, 0x0800, ip(17, udp(7, 9, b'A' * 40)[:24], frag=0x2000, ident=9, tot=44)),
                            eth(OUR, 0x0800, ip(17, b'A' * 24, frag=3, ident=9)), sw=0x0c),
    'udp_fragment_alone': frames(eth(OUR, 0x0800, ip(17, b'B' * 16, frag=0x2002, ident=5)), sw=0x0d),
    'tcp_synack': frames(eth(OUR, 0x0800, ip(6, tcp(5001, 30000, 0x1000, 1, 0x12, b'\x02\x04\x05\xb4\x01\x03\x03\x07')))),
    'tcp_rst_and_data': frames(eth(OUR, 0x0800, ip(6, tcp(5001, 30000, 5, 0, 0x04))),
                               eth(OUR, 0x0800, ip(6, tcp(80, 1234, 1, 1, 0x18) + b'data'))),
    'icmp_echo': frames(eth(OUR, 0x0800, ip(1, icmp(8, 0, b'\0\1\0\1' + b'ping' * 8)))),
    'icmp_unreach': frames(eth(OUR, 0x0800, ip(1, icmp(3, 3, b'\0' * 4 + bytes.fromhex('4500001c00010000401100000a0000010a000002') + udp(9, 7, b''))))),
    'bad_lengths': frames(eth(OUR, 0x0800, b'\x46' + b'\0' * 10), eth(OUR, 0x0800, ip(17, udp(1, 9, b'x'), tot=9000)), b'\x01', sw=0x01),
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'netif_rx')
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name + '.bin'), 'wb') as f: f.write(data)
print(f'{len(seeds)} seeds in {out}')
