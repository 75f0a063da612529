// Internet checksum (RFC 1071) in the shape of include/net/checksum.h; the
// sums are in checksum.cpp (lib/checksum.c), inet_proto_csum_* in utils.cpp.
// Unlike Linux's native-endian __wsum trick, sums here are plain numbers over
// big-endian 16-bit words, and the folded result is the value to store in the
// header field (big-endian) with cpu_to_be16.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stack/core/byteorder.hpp"

namespace wirepath {

struct sk_buff;

// Add buf (big-endian 16-bit words; an odd last byte is the high byte of a
// word) to the running 32-bit sum. Split a buffer only at even offsets.
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);
// Fold a 32-bit sum to 16 bits and complement it: the checksum field value.
uint16_t csum_fold(uint32_t sum);
// IPv4 header checksum over ihl 32-bit words (check field included: zero it first).
uint16_t ip_fast_csum(const void *iph, unsigned ihl);
// Pseudo-header sum for TCP/UDP (addresses in host order), added to sum.
uint32_t csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint32_t len, uint8_t proto, uint32_t sum);
// csum_fold(csum_tcpudp_nofold(...)).
uint16_t csum_tcpudp_magic(uint32_t saddr, uint32_t daddr, uint32_t len, uint8_t proto, uint32_t sum);

// Incremental updates (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')). The field
// is the big-endian value as stored in the header; from/to are host order.
inline void csum_replace4(uint16_t *sum, uint32_t from, uint32_t to) {
  uint32_t s = ~be16_to_cpu(*sum) & 0xffff;
  s += (~from >> 16) + (~from & 0xffff);
  s += (to >> 16) + (to & 0xffff);
  *sum = cpu_to_be16(csum_fold(s));
}
inline void csum_replace2(uint16_t *sum, uint16_t from, uint16_t to) {
  uint32_t s = ~be16_to_cpu(*sum) & 0xffff;
  s += static_cast<uint16_t>(~from);
  s += to;
  *sum = cpu_to_be16(csum_fold(s));
}

// inet_proto_csum_replace4/2 (net/core/utils.c, here core/utils.cpp): a
// transport checksum. With CHECKSUM_PARTIAL the field holds the
// pseudo-header seed, updated only for pseudo-header fields (pseudohdr true).
void inet_proto_csum_replace4(uint16_t *sum, const sk_buff *skb, uint32_t from, uint32_t to, bool pseudohdr);
void inet_proto_csum_replace2(uint16_t *sum, const sk_buff *skb, uint16_t from, uint16_t to, bool pseudohdr);

}  // namespace wirepath
