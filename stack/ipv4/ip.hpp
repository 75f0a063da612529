// IPv4 output path (include/net/ip.h, net/ipv4/ip_output.c).
//
//   ip_make_skb -> [transport header] -> ip_send_skb -> ip_local_out
//   -> __ip_local_out (nf_hook LOCAL_OUT) -> dst_output -> ip_output
//   (nf_hook POST_ROUTING) -> ip_finish_output [-> ip_fragment/ip_do_fragment]
//   -> ip_finish_output2 -> neigh_output -> dev_queue_xmit
//
// Return values follow the kernel: 0 or NET_XMIT_* (positive) from the
// device layer, or a negative errno.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stack/core/byteorder.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/core/sock.hpp"

namespace wirepath {

struct net;
struct sock;
struct sk_buff;
struct net_device;
struct rtable;
struct flowi4;

#ifndef IP_DF
constexpr uint16_t IP_DF = 0x4000;  // don't fragment
#endif
#ifndef IP_MF
constexpr uint16_t IP_MF = 0x2000;  // more fragments
#endif
constexpr uint16_t IP_OFFSET = 0x1fff;  // fragment offset, in 8-byte units
constexpr uint32_t IPV4_MAX_TOT_LEN = 0xffff;

// The header as on the wire: multi-byte fields big-endian.
struct iphdr {
  uint8_t ihl_version;  // version << 4 | ihl (32-bit words)
  uint8_t tos;
  uint16_t tot_len;
  uint16_t id;
  uint16_t frag_off;  // flags (DF, MF) | offset
  uint8_t ttl;
  uint8_t protocol;
  uint16_t check;
  uint32_t saddr;
  uint32_t daddr;

  uint8_t version() const { return ihl_version >> 4; }
  uint8_t ihl() const { return ihl_version & 0xf; }
} __attribute__((packed));
static_assert(sizeof(iphdr) == 20);

inline iphdr *ip_hdr(const sk_buff *skb) { return reinterpret_cast<iphdr *>(skb->network_hdr()); }

// ip_send_check: recompute the header checksum.
void ip_send_check(iphdr *iph);

// Build the datagram for a socket: headroom LL_RESERVED_SPACE + IP header +
// transhdrlen, then payload copied in. The IP header is filled (all but
// tot_len and check), the transport header is left for the caller at
// skb->transport_hdr(). On error returns nullptr with *err set (EMSGSIZE
// over the size limit, ENOBUFS out of host memory).
sk_buff *ip_make_skb(sock *sk, const flowi4 &fl4, const rtable *rt, const uint8_t *payload, size_t length,
                     uint32_t transhdrlen, int flags, int *err);
int ip_send_skb(net &n, sk_buff *skb);
// ip_queue_xmit (__ip_queue_xmit): for a connected socket (TCP) whose
// transport header is at skb->data: route from the socket's cache (looked
// up again after any route change), IP header pushed with DF as
// IP_MTU_DISCOVER says, the ID from the socket's counter advanced by segs
// (the segments of a TSO skb), then ip_local_out. -EHOSTUNREACH (skb freed)
// without a route.
int ip_queue_xmit(sock *sk, sk_buff *skb, uint32_t segs);
int ip_local_out(net &n, sock *sk, sk_buff *skb);
int __ip_local_out(net &n, sock *sk, sk_buff *skb);
int dst_output(net &n, sock *sk, sk_buff *skb);
int ip_output(net &n, sock *sk, sk_buff *skb);
int ip_finish_output(net &n, sock *sk, sk_buff *skb);
int ip_finish_output2(net &n, sock *sk, sk_buff *skb);

using ip_output_fn = int (*)(net &n, sock *sk, sk_buff *skb);
// DF check then ip_do_fragment (EMSGSIZE when DF and fragmenting is not allowed).
int ip_fragment(net &n, sock *sk, sk_buff *skb, uint32_t mtu, ip_output_fn output);
// Split into fragments of at most mtu bytes, payloads in 8-byte multiples
// except the last, each passed to output. Consumes skb.
int ip_do_fragment(net &n, sock *sk, sk_buff *skb, ip_output_fn output, uint32_t mtu);

// IPv4 receive (net/ipv4/ip_input.c). skb->data at the IP header;
// ip_local_deliver_finish hands it to inet_protos[] (protocol.hpp).
int ip_rcv(sk_buff *skb, net_device *dev);
int ip_rcv_finish(net &n, sk_buff *skb);
int ip_local_deliver(net &n, sk_buff *skb);
int ip_local_deliver_finish(net &n, sk_buff *skb);

// The IP ID rules. __ip_select_ident (route.cpp): one counter per destination.
void __ip_select_ident(net &n, iphdr *iph, uint32_t segs);
// ip_select_ident_segs: the IDs of segs datagrams (a TSO skb's segments).
inline void ip_select_ident_segs(net &n, sk_buff *skb, sock *sk, uint32_t segs) {
  iphdr *iph = ip_hdr(skb);
  // A connected socket uses its private generator (atomic_add_return: the
  // first ID is the seed + segs).
  if (sk && sk->inet_daddr) {
    if (sk->sk_protocol == IPPROTO_TCP) {
      // TCP (socket lock held): the current value, then advance by segs.
      iph->id = cpu_to_be16(sk->inet_id);
      sk->inet_id = static_cast<uint16_t>(sk->inet_id + segs);
      return;
    }
    sk->inet_id = static_cast<uint16_t>(sk->inet_id + segs);
    iph->id = cpu_to_be16(sk->inet_id);
    return;
  }
  if ((iph->frag_off & cpu_to_be16(IP_DF)) && !skb->ignore_df)
    iph->id = 0;  // DF and never fragmented locally: the ID is meaningless (RFC 6864)
  else
    __ip_select_ident(n, iph, segs);
}
inline void ip_select_ident(net &n, sk_buff *skb, sock *sk) { ip_select_ident_segs(n, skb, sk, 1); }

// ip_sk_ignore_df: local fragmentation allowed despite DF.
inline bool ip_sk_ignore_df(const sock *sk) {
  return sk->pmtudisc < IP_PMTUDISC_DO || sk->pmtudisc == IP_PMTUDISC_OMIT;
}
// ip_dont_fragment: DF wanted on outgoing frames (no locked MTU metrics here).
inline bool ip_dont_fragment(const sock *sk) {
  return sk->pmtudisc == IP_PMTUDISC_DO || sk->pmtudisc == IP_PMTUDISC_WANT;
}

}  // namespace wirepath
