// IPv4 receive (net/ipv4/ip_input.c).
#include <cerrno>

#include "stack/core/checksum.hpp"
#include "stack/ipv4/devinet.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/ipv4/protocol.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/netfilter/netfilter.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/udp.hpp"

namespace wirepath {

int ip_rcv(sk_buff *skb, net_device *dev) {
  net &n = *dev->nd_net;
  // ip_rcv_core: sanity checks.
  if (skb->pkt_type == PACKET_OTHERHOST) {
    kfree_skb_reason(skb, skb_drop_reason::OTHERHOST);
    return NET_RX_DROP;
  }
  ++n.ip_stats.InReceives;
  skb_drop_reason why = skb_drop_reason::IP_INHDR;
  const iphdr *iph = ip_hdr(skb);
  uint32_t len;
  if (skb->len < sizeof(iphdr) || iph->ihl() < 5 || iph->version() != 4 || skb->len < iph->ihl() * 4u) goto inhdr_error;
  if (ip_fast_csum(iph, iph->ihl()) != 0) {
    ++n.ip_stats.InCsumErrors;
    why = skb_drop_reason::IP_CSUM;
    goto inhdr_error;
  }
  len = be16_to_cpu(iph->tot_len);
  if (skb->len < len) {
    ++n.ip_stats.InTruncatedPkts;
    kfree_skb_reason(skb, skb_drop_reason::PKT_LEN);
    return NET_RX_DROP;
  }
  if (len < iph->ihl() * 4u) goto inhdr_error;
  // pskb_trim_rcsum: drop Ethernet padding.
  if (skb->len > len) {
    skb->tail -= skb->len - len;
    skb->len = len;
  }
  skb->transport_header = static_cast<uint16_t>(skb->network_header + iph->ihl() * 4u);
  if (nf_hook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, n, nullptr, skb, dev, nullptr) != 1) return NET_RX_DROP;
  return ip_rcv_finish(n, skb);

inhdr_error:
  ++n.ip_stats.InHdrErrors;
  kfree_skb_reason(skb, why);
  return NET_RX_DROP;
}

int ip_rcv_finish(net &n, sk_buff *skb) {
  // ip_route_input_noref: local, broadcast, or (no forwarding) an error.
  const uint32_t daddr = be32_to_cpu(ip_hdr(skb)->daddr);
  bool local = inet_addr_is_local(n, daddr) || daddr == 0xffffffffu;
  if (!local)
    for (const auto &a : n.ifaddrs)
      if (a.ifa_dev == skb->dev && a.ifa_prefixlen < 31 && daddr == (a.ifa_local | ~a.ifa_mask())) local = true;
  if (!local) {
    ++n.ip_stats.InAddrErrors;
    kfree_skb_reason(skb, skb_drop_reason::IP_INADDRERRORS);
    return NET_RX_DROP;
  }
  return ip_local_deliver(n, skb);
}

int ip_local_deliver(net &n, sk_buff *skb) {
  const iphdr *iph = ip_hdr(skb);
  if (iph->frag_off & cpu_to_be16(IP_MF | IP_OFFSET)) {
    // ip_defrag: reassembly on receive is not modelled.
    ++n.ip_stats.InDiscards;
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return NET_RX_DROP;
  }
  if (nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_IN, n, nullptr, skb, skb->dev, nullptr) != 1) return NET_RX_DROP;
  return ip_local_deliver_finish(n, skb);
}

int ip_local_deliver_finish(net &n, sk_buff *skb) {
  const iphdr *iph = ip_hdr(skb);
  skb->pull(iph->ihl() * 4u);  // __skb_pull to the transport header
  const net_protocol *ipprot = inet_protocol(iph->protocol);
  if (!ipprot) {
    // Linux also answers ICMP protocol unreachable to the sender.
    ++n.ip_stats.InUnknownProtos;
    kfree_skb_reason(skb, skb_drop_reason::IP_NOPROTO);
    return NET_RX_DROP;
  }
  ++n.ip_stats.InDelivers;
  return ipprot->handler(n, skb);
}

}  // namespace wirepath
