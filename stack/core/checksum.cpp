// Checksum sums (lib/checksum.c, arch/x86/include/asm/checksum_64.h).
#include "stack/core/checksum.hpp"

namespace wirepath {

namespace {
uint32_t fold32(uint64_t s) {
  while (s >> 32) s = (s & 0xffffffffu) + (s >> 32);
  return static_cast<uint32_t>(s);
}
}  // namespace

uint32_t csum_partial(const void *buf, size_t len, uint32_t sum) {
  const auto *p = static_cast<const uint8_t *>(buf);
  uint64_t s = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) s += (uint32_t{p[i]} << 8) | p[i + 1];
  if (i < len) s += uint32_t{p[i]} << 8;
  return fold32(s);
}

uint16_t csum_fold(uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

uint16_t ip_fast_csum(const void *iph, unsigned ihl) { return csum_fold(csum_partial(iph, ihl * 4u, 0)); }

uint32_t csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint32_t len, uint8_t proto, uint32_t sum) {
  uint64_t s = sum;
  s += (saddr >> 16) + (saddr & 0xffff);
  s += (daddr >> 16) + (daddr & 0xffff);
  s += proto;
  s += (len >> 16) + (len & 0xffff);
  return fold32(s);
}

uint16_t csum_tcpudp_magic(uint32_t saddr, uint32_t daddr, uint32_t len, uint8_t proto, uint32_t sum) {
  return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

}  // namespace wirepath
