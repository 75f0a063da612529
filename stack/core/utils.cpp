// Transport checksum updates (net/core/utils.c).
#include "stack/core/byteorder.hpp"
#include "stack/core/checksum.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/core/utils.hpp"

#include <fmt/format.h>

namespace wirepath {

std::string ip4_str(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

void inet_proto_csum_replace4(uint16_t *sum, const sk_buff *skb, uint32_t from, uint32_t to, bool pseudohdr) {
  if (skb->ip_summed != CHECKSUM_PARTIAL) {
    csum_replace4(sum, from, to);
  } else if (pseudohdr) {
    // The field is the (uncomplemented) pseudo-header sum the NIC adds to.
    uint32_t s = be16_to_cpu(*sum);
    s += (~from >> 16) + (~from & 0xffff);
    s += (to >> 16) + (to & 0xffff);
    *sum = cpu_to_be16(static_cast<uint16_t>(~csum_fold(s)));
  }
}

void inet_proto_csum_replace2(uint16_t *sum, const sk_buff *skb, uint16_t from, uint16_t to, bool pseudohdr) {
  inet_proto_csum_replace4(sum, skb, from, to, pseudohdr);
}

}  // namespace wirepath
