#include "stack/core/flow_dissector.hpp"

#include <utility>

#include "stack/core/byteorder.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {
uint32_t rol32(uint32_t w, unsigned s) { return (w << s) | (w >> (32 - s)); }
constexpr uint32_t JHASH_INITVAL = 0xdeadbeef;
}  // namespace

uint32_t jhash_3words(uint32_t a, uint32_t b, uint32_t c, uint32_t initval) {
  a += JHASH_INITVAL + (3u << 2) + initval;
  b += JHASH_INITVAL + (3u << 2) + initval;
  c += JHASH_INITVAL + (3u << 2) + initval;
  // __jhash_final
  c ^= b; c -= rol32(b, 14);
  a ^= c; a -= rol32(c, 11);
  b ^= a; b -= rol32(a, 25);
  c ^= b; c -= rol32(b, 16);
  a ^= c; a -= rol32(c, 4);
  b ^= a; b -= rol32(a, 14);
  c ^= b; c -= rol32(b, 24);
  return c;
}

bool skb_flow_dissect_flow_keys(const sk_buff *skb, flow_keys *keys) {
  *keys = flow_keys{};
  keys->n_proto = skb->protocol;
  if (skb->protocol != ETH_P_IP || skb->network_header == 0xffff) return false;
  const uint8_t *nh = skb->network_hdr();
  if (nh < skb->data || nh + sizeof(iphdr) > skb->tail) return false;
  const auto *iph = reinterpret_cast<const iphdr *>(nh);
  if (iph->version() != 4 || iph->ihl() < 5) return false;
  keys->src = be32_to_cpu(iph->saddr);
  keys->dst = be32_to_cpu(iph->daddr);
  keys->ip_proto = iph->protocol;
  // Ports only in the first fragment (FLOW_DIS_IS_FRAGMENT stops there).
  if (be16_to_cpu(iph->frag_off) & 0x1fff) return true;
  const uint8_t *th = nh + iph->ihl() * 4u;
  if ((iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) && th + 4 <= skb->tail) {
    keys->sport = static_cast<uint16_t>(th[0] << 8 | th[1]);
    keys->dport = static_cast<uint16_t>(th[2] << 8 | th[3]);
  }
  return true;
}

uint32_t flow_hash_from_keys(const flow_keys &k, uint32_t seed) {
  // __flow_hash_consistentify: both directions of a flow hash alike.
  uint32_t src = k.src, dst = k.dst;
  uint16_t sport = k.sport, dport = k.dport;
  if (dst < src || (dst == src && dport < sport)) {
    std::swap(src, dst);
    std::swap(sport, dport);
  }
  const uint32_t h = jhash_3words(src, dst, (uint32_t{sport} << 16 | dport) ^ k.ip_proto, seed);
  return h ? h : 1;  // 0 means "no hash" in the kernel
}

uint32_t skb_get_hash_perturb(const sk_buff *skb, uint32_t perturb) {
  flow_keys k;
  skb_flow_dissect_flow_keys(skb, &k);
  return flow_hash_from_keys(k, perturb);
}

uint32_t skb_get_hash(const sk_buff *skb) { return skb_get_hash_perturb(skb, FLOW_HASH_SEED); }

}  // namespace wirepath
