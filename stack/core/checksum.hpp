// Internet checksum (RFC 1071) in the shape of include/net/checksum.h.
// Unlike Linux's native-endian __wsum trick, sums here are plain numbers over
// big-endian 16-bit words, and the folded result is the value to store in the
// header field (big-endian) with cpu_to_be16.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wirepath {

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

}  // namespace wirepath
