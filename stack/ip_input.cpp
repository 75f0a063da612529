// IPv4 receive, minimal (net/ipv4/ip_input.c): enough for the replies of
// the link partner to reach TCP. ip_rcv checks the header, ip_local_deliver
// hands the payload to the protocol. No forwarding, no reassembly, no
// netfilter hooks yet (the generic receive path replaces this file).
#include <cerrno>

#include "stack/checksum.hpp"
#include "stack/devinet.hpp"
#include "stack/ip.hpp"
#include "stack/net_namespace.hpp"
#include "stack/netdevice.hpp"
#include "stack/skbuff.hpp"
#include "stack/tcp.hpp"

namespace wirepath {

// ip_local_deliver_finish: the inet_protos[] handler for the protocol.
static int ip_local_deliver(sk_buff *skb) {
  const iphdr *iph = ip_hdr(skb);
  if (be16_to_cpu(iph->frag_off) & (IP_MF | IP_OFFSET)) {
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);  // ip_defrag is not modelled on receive
    return NET_RX_DROP;
  }
  skb->pull(iph->ihl() * 4u);
  skb->reset_transport_header();
  switch (iph->protocol) {
    case IPPROTO_TCP: return tcp_v4_rcv(skb);
    default: kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED); return NET_RX_DROP;
  }
}

int ip_rcv(sk_buff *skb, net_device *dev) {
  skb->dev = dev;
  net &n = *dev->nd_net;
  skb->reset_network_header();
  const iphdr *iph = ip_hdr(skb);
  uint32_t tot_len = 0;
  if (skb->headlen() < sizeof(iphdr) || iph->version() != 4 || iph->ihl() < 5) goto drop;
  if (skb->headlen() < iph->ihl() * 4u || ip_fast_csum(iph, iph->ihl()) != 0) goto drop;
  tot_len = be16_to_cpu(iph->tot_len);
  if (tot_len > skb->len || tot_len < iph->ihl() * 4u) goto drop;
  // pskb_trim_rcsum: drop the Ethernet padding.
  skb->len = tot_len;
  skb->tail = skb->data + tot_len;
  skb->ip_summed = CHECKSUM_NONE;
  // ip_rcv_finish -> ip_route_input: only our own addresses are delivered.
  if (!inet_addr_is_local(n, be32_to_cpu(iph->daddr))) goto drop;
  return ip_local_deliver(skb);
drop:
  kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
  return NET_RX_DROP;
}

}  // namespace wirepath
