// UDP send path (net/ipv4/udp.c).
#include "stack/udp.hpp"

#include <cerrno>

#include "stack/af_inet.hpp"
#include "stack/checksum.hpp"
#include "stack/ip.hpp"
#include "stack/net_namespace.hpp"
#include "stack/netdevice.hpp"
#include "stack/skbuff.hpp"
#include "stack/sock.hpp"

namespace wirepath {

const proto udp_prot = {
    "UDP",
    /*connect=*/ip4_datagram_connect,
    /*disconnect=*/udp_disconnect,
    /*sendmsg=*/udp_sendmsg,
    /*get_port=*/udp_v4_get_port,
    /*unhash=*/udp_lib_unhash,
    /*destroy=*/udp_destroy_sock,
    /*close=*/nullptr,
    /*setsockopt=*/nullptr,
    /*sk_alloc=*/nullptr,
    /*init=*/nullptr,
    /*no_autobind=*/false,
};

int udp_v4_get_port(sock *sk, uint16_t snum) {
  net &n = *sk->sk_net;
  if (snum == 0) {
    // udp_lib_get_port: start at a random port of the ephemeral range and
    // take the first free one.
    const uint32_t low = n.sysctl.ip_local_port_range[0], high = n.sysctl.ip_local_port_range[1];
    const uint32_t remaining = high - low + 1;
    const uint32_t first = n.get_random_u32_below(remaining);
    for (uint32_t i = 0; i < remaining; ++i) {
      const auto port = static_cast<uint16_t>(low + (first + i) % remaining);
      if (!n.udp_table.count(port)) {
        snum = port;
        break;
      }
    }
    if (snum == 0) return -EADDRINUSE;
  } else if (n.udp_table.count(snum)) {
    return -EADDRINUSE;  // no SO_REUSEADDR / per-address sharing yet
  }
  n.udp_table[snum] = sk;
  sk->inet_num = snum;
  return 0;
}

void udp_lib_unhash(sock *sk) {
  if (!sk->inet_num) return;
  auto &t = sk->sk_net->udp_table;
  auto it = t.find(sk->inet_num);
  if (it != t.end() && it->second == sk) t.erase(it);
  sk->inet_num = 0;
  sk->inet_sport = 0;
}

int udp_disconnect(sock *sk, int flags) {
  sk->sk_state = TCP_CLOSE;
  sk->inet_daddr = 0;
  sk->inet_dport = 0;
  sk->dst_cached = false;
  if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) sk->inet_saddr = sk->inet_rcv_saddr = 0;
  if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK)) udp_lib_unhash(sk);
  return 0;
}

void udp_destroy_sock(sock *sk) {}

int udp_send_skb(sk_buff *skb, const flowi4 &fl4) {
  sock *sk = skb->sk;
  net &n = *sk->sk_net;
  const uint32_t offset = skb->transport_header - static_cast<uint32_t>(skb->data - skb->head);
  const uint32_t len = skb->len - offset;
  auto *uh = reinterpret_cast<udphdr *>(skb->transport_hdr());
  uh->source = cpu_to_be16(sk->inet_sport);
  uh->dest = cpu_to_be16(fl4.fl4_dport);
  uh->len = cpu_to_be16(static_cast<uint16_t>(len));
  uh->check = 0;

  if (skb->ip_summed == CHECKSUM_PARTIAL) {
    // udp4_hwcsum: the NIC finishes the sum from csum_start and stores it at
    // csum_start + csum_offset; we seed the field with the pseudo-header sum.
    skb->csum_start = skb->transport_header;
    skb->csum_offset = 6;  // offsetof(udphdr, check)
    uh->check = cpu_to_be16(static_cast<uint16_t>(~csum_tcpudp_magic(fl4.saddr, fl4.daddr, len, IPPROTO_UDP, 0)));
  } else {
    // Software checksum over header + payload and the pseudo-header.
    const uint32_t csum = csum_partial(uh, len, 0);
    uint16_t check = csum_tcpudp_magic(fl4.saddr, fl4.daddr, len, IPPROTO_UDP, csum);
    if (check == 0) check = CSUM_MANGLED_0;
    uh->check = cpu_to_be16(check);
    skb->ip_summed = CHECKSUM_NONE;
  }

  int err = ip_send_skb(n, skb);
  if (err) {
    // Without IP_RECVERR a local drop (qdisc full) is not the sender's error.
    if (err == -ENOBUFS && !sk->recverr) {
      ++n.udp_stats.SndbufErrors;
      err = 0;
    }
  } else {
    ++n.udp_stats.OutDatagrams;
  }
  return err;
}

int udp_sendmsg(sock *sk, kmsghdr *msg, size_t len) {
  net &n = *sk->sk_net;
  if (len > 0xffff) return -EMSGSIZE;
  if (msg->msg_flags & MSG_OOB) return -EOPNOTSUPP;  // no OOB data on datagram sockets

  uint32_t daddr;
  uint16_t dport;
  bool connected = false;
  if (msg->msg_name) {
    const sockaddr_in_host *usin = msg->msg_name;
    if (msg->msg_namelen < SOCKADDR_IN_LEN) return -EINVAL;
    if (usin->sin_family != AF_INET && usin->sin_family != AF_UNSPEC) return -EAFNOSUPPORT;
    daddr = usin->sin_addr;
    dport = usin->sin_port;
    if (dport == 0) return -EINVAL;
  } else {
    if (sk->sk_state != TCP_ESTABLISHED) return -EDESTADDRREQ;
    daddr = sk->inet_daddr;
    dport = sk->inet_dport;
    connected = true;
  }

  flowi4 fl4;
  fl4.flowi4_oif = sk->sk_bound_dev_if;
  fl4.flowi4_mark = sk->sk_mark;
  fl4.flowi4_tos = sk->tos;
  fl4.flowi4_proto = IPPROTO_UDP;
  fl4.daddr = daddr;
  fl4.saddr = sk->inet_saddr;
  fl4.fl4_dport = dport;
  fl4.fl4_sport = sk->inet_sport;

  rtable rt;
  // sk_dst_check: a connected socket reuses its route while nothing changed.
  if (connected && sk->dst_cached && sk->sk_dst_cache.rt_genid == n.rt_genid && sk->sk_dst_cache.dev->up) {
    rt = sk->sk_dst_cache;
    if (!fl4.saddr) fl4.saddr = rt.rt_src;
  } else {
    const int err = ip_route_output_key(n, &fl4, &rt);
    if (err) {
      if (err == -ENETUNREACH) ++n.ip_stats.OutNoRoutes;
      return err;
    }
    if (connected) {
      sk->sk_dst_cache = rt;
      sk->dst_cached = true;
    }
  }

  int err = 0;
  sk_buff *skb = ip_make_skb(sk, fl4, &rt, msg->data, len, sizeof(udphdr), msg->msg_flags, &err);
  if (skb) err = udp_send_skb(skb, fl4);
  if (!err) return static_cast<int>(len);
  if (err == -ENOBUFS) ++n.udp_stats.SndbufErrors;
  return err;
}

}  // namespace wirepath
