// TCP segmentation offload in software (net/ipv4/tcp_offload.c
// tcp_gso_segment, with inet_gso_segment's IP part): what a TSO NIC does
// with a super-packet, for devices and tests without it.
#include <cstring>

#include "stack/core/checksum.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

std::deque<sk_buff *> tcp_gso_segment(sk_buff *skb) {
  std::deque<sk_buff *> segs;
  const std::vector<uint8_t> frame = skb->linearize_copy();  // from skb->data (the Ethernet header)
  const uint32_t l2 = skb->network_header - static_cast<uint32_t>(skb->data - skb->head);
  const auto *iph0 = reinterpret_cast<const iphdr *>(frame.data() + l2);
  const uint32_t l3 = iph0->ihl() * 4u;
  const auto *th0 = reinterpret_cast<const tcphdr *>(frame.data() + l2 + l3);
  const uint32_t l4 = th0->doff() * 4u;
  const uint32_t hdr = l2 + l3 + l4;
  const uint32_t payload = static_cast<uint32_t>(frame.size()) - hdr;
  const uint32_t mss = skb->gso_size ? skb->gso_size : payload;
  const uint32_t saddr = be32_to_cpu(iph0->saddr), daddr = be32_to_cpu(iph0->daddr);
  uint32_t off = 0, i = 0;
  do {
    const uint32_t len = std::min(mss, payload - off);
    const bool last = off + len >= payload;
    sk_buff *s = alloc_skb(*skb->mem, hdr + len);
    uint8_t *p = s->put(hdr + len);
    std::memcpy(p, frame.data(), hdr);
    std::memcpy(p + hdr, frame.data() + hdr + off, len);
    s->mac_header = 0;
    s->network_header = static_cast<uint16_t>(l2);
    s->transport_header = static_cast<uint16_t>(l2 + l3);
    s->protocol = skb->protocol;
    s->priority = skb->priority;
    s->dev = skb->dev;
    auto *iph = reinterpret_cast<iphdr *>(p + l2);
    iph->tot_len = cpu_to_be16(static_cast<uint16_t>(l3 + l4 + len));
    iph->id = cpu_to_be16(static_cast<uint16_t>(be16_to_cpu(iph0->id) + i));
    ip_send_check(iph);
    auto *th = reinterpret_cast<tcphdr *>(p + l2 + l3);
    th->seq = cpu_to_be32(be32_to_cpu(th0->seq) + off);
    if (!last) th->flags &= static_cast<uint8_t>(~(TCPHDR_FIN | TCPHDR_PSH));
    if (i) th->flags &= static_cast<uint8_t>(~TCPHDR_CWR);
    th->check = 0;
    th->check = cpu_to_be16(csum_tcpudp_magic(saddr, daddr, l4 + len, IPPROTO_TCP, csum_partial(th, l4 + len, 0)));
    s->ip_summed = CHECKSUM_NONE;
    segs.push_back(s);
    off += len;
    ++i;
  } while (off < payload);
  return segs;
}

}  // namespace wirepath
