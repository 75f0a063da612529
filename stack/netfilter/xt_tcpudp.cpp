// The tcp and udp matches: --sport / --dport ranges (net/netfilter/xt_tcpudp.c).
// Never a non-first fragment (it has no ports), nor a packet too short to
// hold them.
#include "stack/netfilter/xt_tcpudp.hpp"

#include "stack/core/skbuff.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/netfilter/x_tables.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {

bool port_match(uint16_t min, uint16_t max, uint16_t port, bool invert) { return (port >= min && port <= max) ^ invert; }

bool tcpudp_mt(const sk_buff *skb, xt_action_param &par) {
  const auto &info = xt_info<xt_tcpudp>(par.matchinfo);
  if (par.fragoff) return false;
  const uint8_t *l4 = skb->network_hdr() + ip_hdr(skb)->ihl() * 4u;
  if (skb->tail - l4 < 4) return false;
  const uint16_t sp = static_cast<uint16_t>((l4[0] << 8) | l4[1]), dp = static_cast<uint16_t>((l4[2] << 8) | l4[3]);
  return port_match(info.spts[0], info.spts[1], sp, info.invflags & XT_TCPUDP_INV_SRCPT) &&
         port_match(info.dpts[0], info.dpts[1], dp, info.invflags & XT_TCPUDP_INV_DSTPT);
}

void tcpudp_mt_init() {
  static xt_match tcp = xt_match::of<xt_tcpudp>("tcp", tcpudp_mt), udp = xt_match::of<xt_tcpudp>("udp", tcpudp_mt);
  tcp.proto = IPPROTO_TCP;
  udp.proto = IPPROTO_UDP;
  xt_register_match(&tcp);
  xt_register_match(&udp);
}
module_init(tcpudp_mt_init);

}  // namespace

}  // namespace wirepath
