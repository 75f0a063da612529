// The LOG target (net/netfilter/xt_LOG.c): one line per packet in the net's
// kernel log ring (netns_nf::log, the last 1000), and the packet goes on.
#include "stack/netfilter/xt_LOG.hpp"
#include "stack/core/utils.hpp"

#include <fmt/format.h>

#include "stack/core/byteorder.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/netfilter/x_tables.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {

unsigned log_tg(sk_buff *skb, const xt_action_param &par) {
  const auto &info = xt_info<xt_log_info>(par.targinfo);
  netns_nf &nf = nf_net(*par.n);
  nf.log.push_back(nf_log_packet_line(skb, *par.state, info.prefix));
  if (nf.log.size() > 1000) nf.log.erase(nf.log.begin());
  return XT_CONTINUE;
}

void log_tg_init() {
  static xt_target tg = xt_target::of<xt_log_info>("LOG", log_tg);
  xt_register_target(&tg);
}
module_init(log_tg_init);

}  // namespace

std::string nf_log_packet_line(const sk_buff *skb, const nf_hook_state &state, const std::string &prefix) {
  const iphdr *iph = ip_hdr(skb);
  std::string s = fmt::format("{}IN={} OUT={} ", prefix, state.in ? state.in->name : "", state.out ? state.out->name : "");
  const uint16_t frag = be16_to_cpu(iph->frag_off);
  s += fmt::format("SRC={} DST={} LEN={} TOS=0x{:02X} PREC=0x{:02X} TTL={} ID={} ", ip4_str(be32_to_cpu(iph->saddr)),
                   ip4_str(be32_to_cpu(iph->daddr)), be16_to_cpu(iph->tot_len), iph->tos & 0x1e, iph->tos & 0xe0,
                   iph->ttl, be16_to_cpu(iph->id));
  if (frag & 0x8000) s += "CE ";
  if (frag & IP_DF) s += "DF ";
  if (frag & IP_MF) s += "MF ";
  if (frag & IP_OFFSET) {
    s += fmt::format("FRAG:{} ", frag & IP_OFFSET);
  }
  const uint8_t *l4 = skb->network_hdr() + iph->ihl() * 4u;
  const bool first = !(frag & IP_OFFSET);
  auto rd16 = [&](int o) { return static_cast<uint16_t>((l4[o] << 8) | l4[o + 1]); };
  if (iph->protocol == IPPROTO_UDP && first && skb->tail - l4 >= 8) {
    s += fmt::format("PROTO=UDP SPT={} DPT={} LEN={} ", rd16(0), rd16(2), rd16(4));
  } else if (iph->protocol == IPPROTO_TCP && first && skb->tail - l4 >= 20) {
    const uint32_t seq = (uint32_t{rd16(4)} << 16) | rd16(6), ack = (uint32_t{rd16(8)} << 16) | rd16(10);
    s += fmt::format("PROTO=TCP SPT={} DPT={} SEQ={} ACK={} WINDOW={} RES=0x{:02x} ", rd16(0), rd16(2), seq, ack,
                     rd16(14), l4[12] & 0x0f);
    const uint8_t f = l4[13];
    if (f & 0x20) s += "URG ";
    if (f & 0x10) s += "ACK ";
    if (f & 0x08) s += "PSH ";
    if (f & 0x04) s += "RST ";
    if (f & 0x02) s += "SYN ";
    if (f & 0x01) s += "FIN ";
    s += fmt::format("URGP={} ", rd16(18));
  } else if (iph->protocol == IPPROTO_ICMP && first && skb->tail - l4 >= 8) {
    s += fmt::format("PROTO=ICMP TYPE={} CODE={} ", l4[0], l4[1]);
    if (l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY) s += fmt::format("ID={} SEQ={} ", rd16(4), rd16(6));
  } else {
    s += fmt::format("PROTO={} ", iph->protocol);
  }
  if (skb->mark) s += fmt::format("MARK=0x{:x} ", skb->mark);
  return s;
}

}  // namespace wirepath
