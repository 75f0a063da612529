// Frame builders and independent checksum checks for the stack tests: what
// the link partner would send (ARP, UDP, ICMP), and RFC 1071 sums computed
// here from the bytes, not with the stack's own helpers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stack/ethernet/eth.hpp"

namespace wirepath::test {

inline void put16(std::vector<uint8_t> &v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
inline void put32(std::vector<uint8_t> &v, uint32_t x) {
  put16(v, static_cast<uint16_t>(x >> 16));
  put16(v, static_cast<uint16_t>(x));
}
inline void putmac(std::vector<uint8_t> &v, const mac_addr &m) { v.insert(v.end(), m.begin(), m.end()); }

// The one's complement sum of 16-bit big-endian words, folded (not complemented).
inline uint32_t ref_sum(const uint8_t *p, size_t len, uint32_t s = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) s += (uint32_t{p[i]} << 8) | p[i + 1];
  if (len & 1) s += uint32_t{p[len - 1]} << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}
// True when the IPv4 header at off has a valid checksum.
inline bool ref_ip_ok(const std::vector<uint8_t> &f, size_t off = 14) {
  return ref_sum(f.data() + off, (f.at(off) & 0xf) * 4u) == 0xffff;
}
// True when the UDP/TCP checksum of the IPv4 packet at off is valid.
inline bool ref_l4_ok(const std::vector<uint8_t> &f, size_t off = 14) {
  const size_t ihl = (f.at(off) & 0xf) * 4u;
  const uint32_t tot = (uint32_t{f.at(off + 2)} << 8) | f.at(off + 3);
  const uint32_t l4len = tot - static_cast<uint32_t>(ihl);
  std::vector<uint8_t> pseudo;
  pseudo.insert(pseudo.end(), f.begin() + off + 12, f.begin() + off + 20);
  pseudo.push_back(0);
  pseudo.push_back(f.at(off + 9));
  put16(pseudo, static_cast<uint16_t>(l4len));
  const uint32_t s = ref_sum(pseudo.data(), pseudo.size());
  return ref_sum(f.data() + off + ihl, l4len, s) == 0xffff;
}

inline std::vector<uint8_t> arp_frame(const mac_addr &eth_dst, uint16_t op, const mac_addr &sha, uint32_t sip,
                                      const mac_addr &tha, uint32_t tip) {
  std::vector<uint8_t> f;
  putmac(f, eth_dst);
  putmac(f, sha);
  put16(f, 0x0806);
  put16(f, 1);
  put16(f, 0x0800);
  f.push_back(6);
  f.push_back(4);
  put16(f, op);
  putmac(f, sha);
  put32(f, sip);
  putmac(f, tha);
  put32(f, tip);
  return f;
}

// An Ethernet + IPv4 + UDP frame with valid checksums.
inline std::vector<uint8_t> udp_frame(const mac_addr &dst, const mac_addr &src, uint32_t saddr, uint32_t daddr,
                                      uint16_t sport, uint16_t dport, const std::string &payload) {
  std::vector<uint8_t> f;
  putmac(f, dst);
  putmac(f, src);
  put16(f, 0x0800);
  const uint16_t ulen = static_cast<uint16_t>(8 + payload.size());
  f.push_back(0x45);
  f.push_back(0);
  put16(f, static_cast<uint16_t>(20 + ulen));
  put16(f, 0x1234);
  put16(f, 0x4000);
  f.push_back(64);
  f.push_back(17);
  put16(f, 0);
  put32(f, saddr);
  put32(f, daddr);
  const uint16_t ic = static_cast<uint16_t>(~ref_sum(f.data() + 14, 20));
  f[24] = static_cast<uint8_t>(ic >> 8);
  f[25] = static_cast<uint8_t>(ic);
  put16(f, sport);
  put16(f, dport);
  put16(f, ulen);
  put16(f, 0);
  f.insert(f.end(), payload.begin(), payload.end());
  std::vector<uint8_t> pseudo;
  put32(pseudo, saddr);
  put32(pseudo, daddr);
  put16(pseudo, 17);
  put16(pseudo, ulen);
  uint16_t uc = static_cast<uint16_t>(~ref_sum(f.data() + 34, ulen, ref_sum(pseudo.data(), pseudo.size())));
  if (uc == 0) uc = 0xffff;
  f[40] = static_cast<uint8_t>(uc >> 8);
  f[41] = static_cast<uint8_t>(uc);
  return f;
}

inline std::string payload_of(const std::vector<uint8_t> &f) { return std::string(f.begin() + 42, f.end()); }

}  // namespace wirepath::test
