// ICMP errors for the TX path (net/ipv4/icmp.c).
#include "stack/ipv4/icmp.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "stack/core/checksum.hpp"
#include "stack/ipv4/protocol.hpp"
#include "stack/ipv4/devinet.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

const icmp_err icmp_err_convert[NR_ICMP_UNREACH + 1] = {
    {ENETUNREACH, false},   // ICMP_NET_UNREACH
    {EHOSTUNREACH, false},  // ICMP_HOST_UNREACH
    {ENOPROTOOPT, true},    // ICMP_PROT_UNREACH
    {ECONNREFUSED, true},   // ICMP_PORT_UNREACH
    {EMSGSIZE, false},      // ICMP_FRAG_NEEDED
    {EOPNOTSUPP, false},    // ICMP_SR_FAILED
    {ENETUNREACH, true},    // ICMP_NET_UNKNOWN
    {EHOSTDOWN, true},      // ICMP_HOST_UNKNOWN
    {ENONET, true},         // ICMP_HOST_ISOLATED
    {ENETUNREACH, true},    // ICMP_NET_ANO
    {EHOSTUNREACH, true},   // ICMP_HOST_ANO
    {ENETUNREACH, false},   // ICMP_NET_UNR_TOS
    {EHOSTUNREACH, false},  // ICMP_HOST_UNR_TOS
    {EHOSTUNREACH, true},   // ICMP_PKT_FILTERED
    {EHOSTUNREACH, true},   // ICMP_PREC_VIOLATION
    {EHOSTUNREACH, true},   // ICMP_PREC_CUTOFF
};

namespace {
bool icmp_is_err(uint8_t type) {
  return type == ICMP_DEST_UNREACH || type == 4 /* SOURCE_QUENCH */ || type == 5 /* REDIRECT */ ||
         type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
}
constexpr uint32_t kIcmpMaxQuote = 576 - sizeof(iphdr) - sizeof(icmphdr);  // 548
}  // namespace

void icmp_send(net &n, sk_buff *skb_in, uint8_t type, uint8_t code, uint32_t info) {
  if (skb_in->network_header == 0xffff) return;
  const iphdr *iph = ip_hdr(skb_in);
  if (iph->frag_off & cpu_to_be16(IP_OFFSET)) return;  // only about the first fragment
  const uint32_t ihl = iph->ihl() * 4u;
  const uint8_t *net_start = skb_in->network_hdr();
  const uint32_t avail = static_cast<uint32_t>(skb_in->tail - net_start);
  if (iph->protocol == IPPROTO_ICMP && avail >= ihl + 1 && icmp_is_err(net_start[ihl])) return;
  const uint32_t saddr = be32_to_cpu(iph->saddr);
  // Only errors about our own packets are modelled: they go to ourselves
  // over the local route (the loopback device in Linux).
  if (!inet_addr_is_local(n, saddr)) return;
  const uint32_t quote = std::min(avail, kIcmpMaxQuote);
  const uint32_t total = sizeof(iphdr) + sizeof(icmphdr) + quote;
  sk_buff *skb;
  try {
    skb = alloc_skb(n.mem, total + 64);
  } catch (const std::bad_alloc &) {
    return;
  }
  skb->reserve(64);
  skb->reset_network_header();
  uint8_t *p = skb->put(total);
  auto *ih = reinterpret_cast<iphdr *>(p);
  ih->ihl_version = 0x45;
  ih->tos = static_cast<uint8_t>((iph->tos & 0x1e) | 0xc0);  // IPTOS_PREC_INTERNETCONTROL
  ih->tot_len = cpu_to_be16(static_cast<uint16_t>(total));
  ih->id = 0;
  ih->frag_off = 0;
  ih->ttl = static_cast<uint8_t>(n.sysctl.ip_default_ttl);
  ih->protocol = IPPROTO_ICMP;
  ih->saddr = iph->saddr;
  ih->daddr = iph->saddr;
  ip_send_check(ih);
  auto *icmph = reinterpret_cast<icmphdr *>(p + sizeof(iphdr));
  icmph->type = type;
  icmph->code = code;
  icmph->checksum = 0;
  icmph->un = cpu_to_be32(info);
  std::memcpy(p + sizeof(iphdr) + sizeof(icmphdr), net_start, quote);
  icmph->checksum = cpu_to_be16(csum_fold(csum_partial(icmph, sizeof(icmphdr) + quote, 0)));
  skb->transport_header = static_cast<uint16_t>(skb->network_header + sizeof(iphdr));
  skb->protocol = ETH_P_IP;
  skb->dev = skb_in->dev;
  skb->pkt_type = PACKET_HOST;
  ++n.icmp_stats.OutMsgs;
  if (type == ICMP_DEST_UNREACH) ++n.icmp_stats.OutDestUnreachs;
  // Loopback: straight to local delivery.
  ip_local_deliver(n, skb);
}

int icmp_rcv(net &n, sk_buff *skb) {
  ++n.icmp_stats.InMsgs;
  if (skb->len < sizeof(icmphdr) || csum_fold(csum_partial(skb->data, skb->len, 0)) != 0) {
    ++n.icmp_stats.InErrors;
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return NET_RX_DROP;
  }
  skb->reset_transport_header();
  const auto *icmph = reinterpret_cast<const icmphdr *>(skb->data);
  if (icmph->type == ICMP_DEST_UNREACH) {
    ++n.icmp_stats.InDestUnreachs;
    // icmp_unreach: the quoted header plus 8 bytes must be there.
    skb->pull(sizeof(icmphdr));
    const iphdr *qiph = reinterpret_cast<const iphdr *>(skb->data);
    if (skb->len >= sizeof(iphdr) && qiph->ihl() >= 5 && skb->len >= qiph->ihl() * 4u + 8) {
      if (const net_protocol *ipprot = inet_protocol(qiph->protocol))
        if (ipprot->err_handler) ipprot->err_handler(n, skb, be32_to_cpu(icmph->un));
    } else {
      ++n.icmp_stats.InErrors;
    }
  }
  consume_skb(skb);
  return NET_RX_SUCCESS;
}

}  // namespace wirepath
