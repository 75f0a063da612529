// IPv4 output (net/ipv4/ip_output.c).
#include "stack/ipv4/ip.hpp"
#include "stack/kernel/cpu_cost.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>

#include "stack/core/checksum.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/ipv4/arp.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/netfilter/netfilter.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/core/sock.hpp"

namespace wirepath {

void ip_send_check(iphdr *iph) {
  iph->check = 0;
  iph->check = cpu_to_be16(ip_fast_csum(iph, iph->ihl()));
}

static uint8_t ip_select_ttl(const net &n, const sock *sk) {
  return static_cast<uint8_t>(sk->uc_ttl >= 0 ? sk->uc_ttl : n.sysctl.ip_default_ttl);
}

sk_buff *ip_make_skb(sock *sk, const flowi4 &fl4, const rtable *rt, const uint8_t *payload, size_t length,
                     uint32_t transhdrlen, int flags, int *err) {
  KFUNC_SCOPE("ip_make_skb");
  net &n = *sk->sk_net;
  net_device *dev = rt->dev;
  const uint32_t mtu = rt->mtu();
  const uint32_t fragheaderlen = sizeof(iphdr);
  // __ip_append_data: the size limit. PMTUDISC_DO/PROBE may not exceed the
  // MTU; otherwise an IP datagram is at most 64 KiB.
  const uint32_t maxnonfragsize = ip_sk_ignore_df(sk) ? IPV4_MAX_TOT_LEN : mtu;
  if (length + transhdrlen > maxnonfragsize - fragheaderlen) {
    *err = -EMSGSIZE;
    return nullptr;
  }
  const uint32_t hh_len = LL_RESERVED_SPACE(dev);
  const uint32_t datalen = static_cast<uint32_t>(length) + transhdrlen + fragheaderlen;
  // sock_alloc_send_skb: waits for (or, non-blocking, fails with -EAGAIN
  // without) send-buffer space; reports a pending socket error first.
  sk_buff *skb = sock_alloc_send_skb(sk, hh_len + datalen, (flags & MSG_DONTWAIT) != 0, err);
  if (!skb) return nullptr;
  skb->reserve(hh_len + fragheaderlen + transhdrlen);
  if (length) {
    KFUNC_SCOPE_BYTES("skb_copy_from_user", length);
    std::memcpy(skb->put(static_cast<uint32_t>(length)), payload, length);
  }
  skb->push(transhdrlen);
  skb->reset_transport_header();
  skb->push(fragheaderlen);
  skb->reset_network_header();

  // CHECKSUM_PARTIAL when the device offloads and no fragmenting is needed.
  if (transhdrlen && datalen <= mtu && (dev->features & NETIF_F_IP_CSUM) && !(flags & MSG_MORE))
    skb->ip_summed = CHECKSUM_PARTIAL;

  skb->sk = sk;
  skb->dev = dev;
  skb->dst = rt;
  skb->priority = sk->sk_priority;
  skb->mark = sk->sk_mark;
  skb->protocol = ETH_P_IP;

  // __ip_make_skb: the IP header.
  skb->ignore_df = ip_sk_ignore_df(sk);
  uint16_t df = 0;
  if (sk->pmtudisc == IP_PMTUDISC_DO || sk->pmtudisc == IP_PMTUDISC_PROBE ||
      (skb->len <= mtu && ip_dont_fragment(sk)))
    df = IP_DF;
  iphdr *iph = ip_hdr(skb);
  iph->ihl_version = 0x45;
  iph->tos = sk->tos;
  iph->tot_len = 0;  // __ip_local_out
  iph->frag_off = cpu_to_be16(df);
  iph->ttl = ip_select_ttl(n, sk);
  iph->protocol = static_cast<uint8_t>(sk->sk_protocol);
  iph->check = 0;
  iph->saddr = cpu_to_be32(fl4.saddr);
  iph->daddr = cpu_to_be32(fl4.daddr);
  ip_select_ident(n, skb, sk);
  *err = 0;
  return skb;
}

int ip_queue_xmit(sock *sk, sk_buff *skb, uint32_t segs) {
  net &n = *sk->sk_net;
  // __sk_dst_check: the route cached on the socket while nothing changed.
  if (!sk->dst_cached || sk->sk_dst_cache.rt_genid != n.rt_genid || !sk->sk_dst_cache.dev ||
      !sk->sk_dst_cache.dev->up) {
    flowi4 fl4 = inet_sk_flowi4(sk, sk->inet_daddr, sk->inet_dport);
    rtable rt;
    const int err = ip_route_output_key(n, &fl4, &rt);
    if (err) {
      ++n.ip_stats.OutNoRoutes;
      kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
      return -EHOSTUNREACH;
    }
    sk->sk_dst_cache = rt;
    sk->dst_cached = true;
  }
  const rtable *rt = &sk->sk_dst_cache;
  skb->dst = rt;
  skb->dev = rt->dev;
  skb->sk = sk;
  // The transport header is in place at skb->data: push the IP header.
  iphdr *iph = reinterpret_cast<iphdr *>(skb->push(sizeof(iphdr)));
  skb->reset_network_header();
  iph->ihl_version = 0x45;
  iph->tos = sk->tos;
  iph->tot_len = 0;
  iph->frag_off = (ip_dont_fragment(sk) && !skb->ignore_df) ? cpu_to_be16(IP_DF) : 0;
  iph->ttl = ip_select_ttl(n, sk);
  iph->protocol = static_cast<uint8_t>(sk->sk_protocol);
  iph->check = 0;
  iph->saddr = cpu_to_be32(sk->inet_saddr);
  iph->daddr = cpu_to_be32(sk->inet_daddr);
  ip_select_ident_segs(n, skb, sk, segs ? segs : 1);
  skb->priority = sk->sk_priority;
  skb->mark = sk->sk_mark;
  skb->protocol = ETH_P_IP;
  return ip_local_out(n, sk, skb);
}

int ip_send_skb(net &n, sk_buff *skb) {
  int err = ip_local_out(n, skb->sk, skb);
  if (err) {
    if (err > 0) err = net_xmit_errno(err);
    if (err) ++n.ip_stats.OutDiscards;
  }
  return err;
}

int __ip_local_out(net &n, sock *sk, sk_buff *skb) {
  iphdr *iph = ip_hdr(skb);
  ++n.ip_stats.OutRequests;
  iph->tot_len = cpu_to_be16(static_cast<uint16_t>(skb->len));
  ip_send_check(iph);
  skb->protocol = ETH_P_IP;
  return nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_OUT, n, sk, skb, nullptr, skb->dev);
}

int ip_local_out(net &n, sock *sk, sk_buff *skb) {
  KFUNC_SCOPE("ip_local_out");
  int err = __ip_local_out(n, sk, skb);
  if (err == 1) err = dst_output(n, sk, skb);
  return err;
}

// skb_dst(skb)->output: ip_output for every unicast route we have.
int dst_output(net &n, sock *sk, sk_buff *skb) { return ip_output(n, sk, skb); }

int ip_output(net &n, sock *sk, sk_buff *skb) {
  KFUNC_SCOPE("ip_output");
  skb->dev = skb->dst->dev;
  skb->protocol = ETH_P_IP;
  const int v = nf_hook(NFPROTO_IPV4, NF_INET_POST_ROUTING, n, sk, skb, nullptr, skb->dev);
  if (v != 1) return v;
  return ip_finish_output(n, sk, skb);
}

int ip_finish_output(net &n, sock *sk, sk_buff *skb) {
  const uint32_t mtu = skb->dst->mtu();  // ip_skb_dst_mtu
  // ip_finish_output_gso: a TSO super-packet is cut into segments by the
  // NIC (TCP builds one only when the device has NETIF_F_TSO).
  if (skb->gso_size) return ip_finish_output2(n, sk, skb);
  if (skb->len > mtu) return ip_fragment(n, sk, skb, mtu, ip_finish_output2);
  return ip_finish_output2(n, sk, skb);
}

int ip_finish_output2(net &n, sock *sk, sk_buff *skb) {
  KFUNC_SCOPE("ip_finish_output2");
  const rtable *rt = skb->dst;
  net_device *dev = rt->dev;
  if (skb->headroom() < LL_RESERVED_SPACE(dev))
    throw std::logic_error("ip_finish_output2: skb without link-layer headroom");
  const uint32_t nexthop = rt_nexthop(rt, be32_to_cpu(ip_hdr(skb)->daddr));
  // ip_neigh_gw4: the entry, created (NUD_NONE, arp_constructor) when missing.
  neighbour *neigh = __ipv4_neigh_lookup_noref(n, dev, nexthop);
  if (!neigh) neigh = __neigh_create(n, dev, nexthop);
  ++n.ip_stats.OutTransmits;
  return neigh_output(neigh, skb);
}

int ip_fragment(net &n, sock *sk, sk_buff *skb, uint32_t mtu, ip_output_fn output) {
  KFUNC_SCOPE_BYTES("ip_fragment", skb->len);
  const iphdr *iph = ip_hdr(skb);
  if ((iph->frag_off & cpu_to_be16(IP_DF)) == 0) return ip_do_fragment(n, sk, skb, output, mtu);
  if (!skb->ignore_df) {
    // Linux also sends itself ICMP_FRAG_NEEDED here (learned PMTU).
    ++n.ip_stats.FragFails;
    kfree_skb_reason(skb, skb_drop_reason::PKT_TOO_BIG);
    return -EMSGSIZE;
  }
  return ip_do_fragment(n, sk, skb, output, mtu);
}

int ip_do_fragment(net &n, sock *sk, sk_buff *skb, ip_output_fn output, uint32_t mtu) {
  const iphdr *iph = ip_hdr(skb);
  const uint32_t hlen = iph->ihl() * 4u;
  const uint32_t ll_rs = LL_RESERVED_SPACE(skb->dst->dev);
  mtu -= hlen;  // room for data in each fragment
  // skb->data is at the network header here (the transport header follows).
  const uint8_t *src = skb->data;
  uint32_t left = skb->len - hlen;
  uint32_t ptr = hlen;
  uint32_t offset = (be16_to_cpu(iph->frag_off) & IP_OFFSET) << 3;
  const bool not_last_frag = (iph->frag_off & cpu_to_be16(IP_MF)) != 0;
  int err = 0;

  while (left > 0) {
    // ip_frag_next
    uint32_t len = std::min(left, mtu);
    if (len < left) len &= ~7u;  // all but the last fragment: 8-byte multiples
    sk_buff *skb2 = nullptr;
    try {
      skb2 = alloc_skb(n.mem, len + hlen + ll_rs);
    } catch (const std::bad_alloc &) {
      err = -ENOMEM;
      goto fail;
    }
    // ip_copy_metadata
    skb2->priority = skb->priority;
    skb2->protocol = skb->protocol;
    skb2->mark = skb->mark;
    skb2->dev = skb->dev;
    skb2->dst = skb->dst;
    if (skb->sk && skb->destructor == sock_wfree)
      skb_set_owner_w(skb2, skb->sk);  // ip_frag_next: each fragment charged to the socket
    else
      skb2->sk = skb->sk;
    skb2->trace_id = skb->trace_id;

    skb2->reserve(ll_rs);
    skb2->put(len + hlen);
    skb2->reset_network_header();
    skb2->transport_header = static_cast<uint16_t>(skb2->network_header + hlen);
    std::memcpy(skb2->data, src, hlen);
    std::memcpy(skb2->data + hlen, src + ptr, len);
    left -= len;

    iphdr *iph2 = ip_hdr(skb2);
    uint16_t frag = static_cast<uint16_t>(offset >> 3);
    if (left > 0 || not_last_frag) frag |= IP_MF;
    iph2->frag_off = cpu_to_be16(frag);
    iph2->tot_len = cpu_to_be16(static_cast<uint16_t>(len + hlen));
    ip_send_check(iph2);
    ptr += len;
    offset += len;

    err = output(n, sk, skb2);
    if (err) goto fail;
    ++n.ip_stats.FragCreates;
  }
  consume_skb(skb);
  ++n.ip_stats.FragOKs;
  return err;

fail:
  kfree_skb_reason(skb, err == -ENOMEM ? skb_drop_reason::NOMEM : skb_drop_reason::NOT_SPECIFIED);
  ++n.ip_stats.FragFails;
  return err;
}

}  // namespace wirepath
