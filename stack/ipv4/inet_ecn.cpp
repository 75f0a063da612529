#include "stack/ipv4/inet_ecn.hpp"

#include "stack/core/byteorder.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"

namespace wirepath {

bool INET_ECN_set_ce(sk_buff *skb) {
  if (skb->protocol != ETH_P_IP || skb->network_header == 0xffff) return false;
  auto *iph = reinterpret_cast<iphdr *>(skb->network_hdr());
  // (tos + 1) & 3: Not-ECT 01, ECT(1) 10, ECT(0) 11, CE 00.
  const uint32_t ecn = (iph->tos + 1u) & INET_ECN_MASK;
  if (!(ecn & 2)) return !ecn;
  // RFC 1624 incremental update: the 16-bit word holding TOS grows by
  // CE - old ECN = 3 - (ecn - 1); ~HC' = ~HC + m' - m in one's complement.
  uint32_t sum = static_cast<uint16_t>(~be16_to_cpu(iph->check));
  sum += 4u - ecn;  // TOS is the low byte of the first header word
  sum = (sum & 0xffff) + (sum >> 16);
  iph->check = cpu_to_be16(static_cast<uint16_t>(~sum));
  iph->tos |= INET_ECN_CE;
  return true;
}

}  // namespace wirepath
