// Reference packets for the offload tests: Ethernet/IPv4/TCP|UDP built and
// checksummed in software, the way the stack and the driver prepare them
// (CHECKSUM_PARTIAL seeds, e1000_tso header edits), and software TSO.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace wirepath::rtltest {

using Bytes = std::vector<uint8_t>;

inline uint32_t sum16(const Bytes &b, size_t from, size_t to, uint32_t acc = 0) {
  for (size_t i = from; i < to; ++i) acc += (i - from) % 2 ? b[i] : uint32_t(b[i]) << 8;
  return acc;
}
inline uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return uint16_t(s);
}
inline void put16(Bytes &b, size_t at, uint16_t v) {
  b[at] = uint8_t(v >> 8);
  b[at + 1] = uint8_t(v);
}
inline void put32(Bytes &b, size_t at, uint32_t v) {
  put16(b, at, uint16_t(v >> 16));
  put16(b, at + 2, uint16_t(v));
}
inline uint16_t get16(const Bytes &b, size_t at) { return uint16_t(b[at] << 8 | b[at + 1]); }
inline uint32_t get32(const Bytes &b, size_t at) { return uint32_t(get16(b, at)) << 16 | get16(b, at + 2); }

constexpr size_t kEth = 14, kIp = 20, kTcp = 20, kUdp = 8;
constexpr uint8_t kProtoTcp = 6, kProtoUdp = 17;

// Pseudo-header sum (not inverted), with or without the L4 length.
inline uint16_t pseudo_sum(const Bytes &p, size_t ip, uint8_t proto, uint32_t l4len) {
  uint32_t s = sum16(p, ip + 12, ip + 20) + proto + l4len;
  return fold(s);
}

// A frame with correct IPv4 and L4 checksums.
inline Bytes make_packet(std::mt19937 &rng, uint8_t proto, size_t payload, uint16_t id = 0x1234,
                         uint32_t seq = 0x01020304, uint8_t flags = 0x18) {
  const size_t l4 = proto == kProtoTcp ? kTcp : kUdp;
  Bytes p(kEth + kIp + l4 + payload);
  const uint8_t hdr[14] = {0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00};
  std::copy(hdr, hdr + 14, p.begin());
  const size_t ip = kEth;
  p[ip] = 0x45;
  put16(p, ip + 2, uint16_t(kIp + l4 + payload));
  put16(p, ip + 4, id);
  p[ip + 6] = 0x40;
  p[ip + 8] = 64;
  p[ip + 9] = proto;
  put32(p, ip + 12, 0x0a000001);
  put32(p, ip + 16, 0x0a000002);
  const size_t t = ip + kIp;
  put16(p, t, 40000);
  put16(p, t + 2, 9);
  if (proto == kProtoTcp) {
    put32(p, t + 4, seq);
    put32(p, t + 8, 0xa0b0c0d0);
    p[t + 12] = 0x50;
    p[t + 13] = flags;
    put16(p, t + 14, 65535);
  } else {
    put16(p, t + 4, uint16_t(l4 + payload));
  }
  for (size_t i = t + l4; i < p.size(); ++i) p[i] = uint8_t(rng());
  return p;
}

inline void fix_ip_csum(Bytes &p, size_t ip = kEth) {
  put16(p, ip + 10, 0);
  put16(p, ip + 10, uint16_t(~fold(sum16(p, ip, ip + kIp))));
}
inline void fix_l4_csum(Bytes &p, size_t ip = kEth) {
  const uint8_t proto = p[ip + 9];
  const size_t t = ip + kIp, off = proto == kProtoTcp ? 16 : 6;
  put16(p, t + off, 0);
  uint16_t c = uint16_t(~fold(sum16(p, t, p.size(), pseudo_sum(p, ip, proto, uint32_t(p.size() - t)))));
  if (proto == kProtoUdp && c == 0) c = 0xFFFF;
  put16(p, t + off, c);
}
inline Bytes with_checksums(Bytes p) {
  fix_ip_csum(p);
  fix_l4_csum(p);
  return p;
}

// The frame as the driver hands it over for CHECKSUM_PARTIAL: L4 field =
// pseudo-header sum with length; IPv4 field anything (the NIC takes it as 0).
inline Bytes as_checksum_partial(Bytes p, uint16_t ip_field = 0xDEAD) {
  const uint8_t proto = p[kEth + 9];
  const size_t t = kEth + kIp, off = proto == kProtoTcp ? 16 : 6;
  put16(p, kEth + 10, ip_field);
  put16(p, t + off, pseudo_sum(p, kEth, proto, uint32_t(p.size() - t)));
  return p;
}

// The super-packet as e1000_tso leaves it: tot_len = 0, IP check = 0, TCP
// check = pseudo-header sum without length.
inline Bytes as_tso(Bytes p) {
  put16(p, kEth + 2, 0);
  put16(p, kEth + 10, 0);
  put16(p, kEth + kIp + 16, pseudo_sum(p, kEth, kProtoTcp, 0));
  return p;
}

// Software TSO of a correct TCP/IPv4 super-packet (as the NIC must do it).
inline std::vector<Bytes> segment(const Bytes &p, size_t mss) {
  const size_t hdr = kEth + kIp + kTcp, payload = p.size() - hdr;
  std::vector<Bytes> out;
  const uint32_t seq = get32(p, kEth + kIp + 4);
  const uint16_t id = get16(p, kEth + 4);
  for (size_t off = 0, k = 0; off < payload; off += mss, ++k) {
    const size_t n = std::min(mss, payload - off);
    Bytes s(p.begin(), p.begin() + hdr);
    s.insert(s.end(), p.begin() + hdr + off, p.begin() + hdr + off + n);
    put16(s, kEth + 2, uint16_t(kIp + kTcp + n));
    put16(s, kEth + 4, uint16_t(id + k));
    put32(s, kEth + kIp + 4, uint32_t(seq + off));
    if (off + n < payload) s[kEth + kIp + 13] &= uint8_t(~0x09);  // PSH, FIN
    out.push_back(with_checksums(s));
  }
  return out;
}

// Inserts an 802.1Q tag after the MAC addresses.
inline Bytes tagged(const Bytes &p, uint16_t tci) {
  Bytes t(p.begin(), p.begin() + 12);
  t.push_back(0x81);
  t.push_back(0x00);
  t.push_back(uint8_t(tci >> 8));
  t.push_back(uint8_t(tci));
  t.insert(t.end(), p.begin() + 12, p.end());
  return t;
}

}  // namespace wirepath::rtltest
