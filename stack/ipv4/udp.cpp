// UDP send path (net/ipv4/udp.c).
#include "stack/ipv4/udp.hpp"
#include "stack/kernel/cpu_cost.hpp"

#include <cerrno>

#include "stack/ipv4/af_inet.hpp"
#include "stack/core/checksum.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/core/sock.hpp"

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

void udp_destroy_sock(sock *sk) { udp_flush_pending_frames(sk); }

int udp_send_skb(sk_buff *skb, const flowi4 &fl4) {
  KFUNC_SCOPE("udp_send_skb");
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
    cpu_charge_bytes("csum_partial", len);
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

// ip_append_data for a corked datagram: the size limit (__ip_append_data:
// 64 KiB, or the MTU under PMTUDISC_DO/PROBE) over everything corked so far.
static int udp_append_data(sock *sk, const uint8_t *data, size_t len) {
  inet_cork_full &cork = sk->cork;
  const uint32_t maxnonfragsize = ip_sk_ignore_df(sk) ? IPV4_MAX_TOT_LEN : cork.rt.mtu();
  if (cork.data.size() + sizeof(udphdr) + len > maxnonfragsize - sizeof(iphdr)) return -EMSGSIZE;
  if (len) cork.data.insert(cork.data.end(), data, data + len);
  return 0;
}

void udp_flush_pending_frames(sock *sk) {
  sk->cork.data.clear();
  sk->cork.data.shrink_to_fit();
  sk->up_pending = 0;
}

int udp_push_pending_frames(sock *sk) {
  if (!sk->up_pending) return 0;
  inet_cork_full &cork = sk->cork;
  // ip_finish_skb joins the corked pieces; the first piece had MSG_MORE, so
  // the datagram is checksummed in software (no CHECKSUM_PARTIAL), and its
  // send-buffer space was claimed when it was corked.
  int err = 0;
  sk_buff *skb = ip_make_skb(sk, cork.fl, &cork.rt, cork.data.data(), cork.data.size(), sizeof(udphdr),
                             MSG_MORE | MSG_DONTWAIT, &err);
  if (skb) err = udp_send_skb(skb, cork.fl);
  udp_flush_pending_frames(sk);
  return err;
}

// sock_alloc_send_skb's wait, for the first piece of a corked datagram.
static int udp_cork_wait_wmem(sock *sk, bool noblock) {
  for (;;) {
    if (const int e = sock_error(sk)) return e;
    if (sk->sk_wmem_alloc < sk->sk_sndbuf) return 0;
    sk->sock_nospace = true;
    net &n = *sk->sk_net;
    if (noblock || !n.kernel.sched.sk_wait || !n.kernel.sched.sk_wait(sk)) return -EAGAIN;
  }
}

int udp_sendmsg(sock *sk, kmsghdr *msg, size_t len) {
  KFUNC_SCOPE("udp_sendmsg");
  net &n = *sk->sk_net;
  if (len > 0xffff) return -EMSGSIZE;
  if (msg->msg_flags & MSG_OOB) return -EOPNOTSUPP;  // no OOB data on datagram sockets
  const bool corkreq = sk->udp_corkflag || (msg->msg_flags & MSG_MORE);
  int err = 0;

  if (sk->up_pending) {
    // A datagram is corked: this data joins it, whatever the address says.
    err = udp_append_data(sk, msg->data, len);
  } else {
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

    flowi4 fl4 = inet_sk_flowi4(sk, daddr, dport);

    rtable rt;
    // sk_dst_check: a connected socket reuses its route while nothing changed.
    if (connected && sk_dst_check(sk)) {
      rt = sk->sk_dst_cache;
      if (!fl4.saddr) fl4.saddr = rt.rt_src;
    } else {
      err = ip_route_output_key(n, &fl4, &rt);
      if (err) {
        if (err == -ENETUNREACH) ++n.ip_stats.OutNoRoutes;
        return err;
      }
      if (connected) sk_dst_set(sk, rt);
    }

    if (!corkreq) {
      // The lockless fast path: one skb, sent now.
      sk_buff *skb = ip_make_skb(sk, fl4, &rt, msg->data, len, sizeof(udphdr), msg->msg_flags, &err);
      if (skb) err = udp_send_skb(skb, fl4);
    } else {
      // Cork the socket: the datagram waits for its last piece.
      err = udp_cork_wait_wmem(sk, (msg->msg_flags & MSG_DONTWAIT) != 0);
      if (!err) {
        sk->cork.fl = fl4;
        sk->cork.rt = rt;
        sk->cork.data.clear();
        sk->up_pending = AF_INET;
        err = udp_append_data(sk, msg->data, len);
      }
    }
    if (!corkreq) goto out;
  }
  if (err)
    udp_flush_pending_frames(sk);
  else if (!corkreq)
    err = udp_push_pending_frames(sk);

out:
  if (!err) return static_cast<int>(len);
  if (err == -ENOBUFS || sk->sock_nospace) ++n.udp_stats.SndbufErrors;
  return err;
}

// __udp4_lib_lookup: the socket bound to (daddr, dport) that accepts saddr:sport.
static sock *__udp4_lib_lookup(net &n, uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport) {
  auto it = n.udp_table.find(dport);
  if (it == n.udp_table.end()) return nullptr;
  sock *sk = it->second;
  if (sk->inet_rcv_saddr && sk->inet_rcv_saddr != daddr) return nullptr;
  if (sk->inet_daddr && (sk->inet_daddr != saddr || sk->inet_dport != sport)) return nullptr;
  return sk;
}

int udp_rcv(net &n, sk_buff *skb) {
  // __udp4_lib_rcv: skb->data at the UDP header.
  const iphdr *iph = ip_hdr(skb);
  if (skb->len < sizeof(udphdr)) goto short_packet;
  {
    const auto *uh = reinterpret_cast<const udphdr *>(skb->data);
    const uint32_t ulen = be16_to_cpu(uh->len);
    if (ulen < sizeof(udphdr) || ulen > skb->len) goto short_packet;
    const uint32_t saddr = be32_to_cpu(iph->saddr), daddr = be32_to_cpu(iph->daddr);
    if (uh->check &&
        csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(skb->data, ulen, 0)) != 0) {
      ++n.udp_stats.InCsumErrors;
      ++n.udp_stats.InErrors;
      kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
      return NET_RX_DROP;
    }
    sock *sk = __udp4_lib_lookup(n, saddr, be16_to_cpu(uh->source), daddr, be16_to_cpu(uh->dest));
    if (!sk) {
      // Linux answers ICMP port unreachable to the sender here.
      ++n.udp_stats.NoPorts;
      kfree_skb_reason(skb, skb_drop_reason::NO_SOCKET);
      return NET_RX_DROP;
    }
    // __udp_enqueue_schedule_skb: over the receive buffer it is dropped
    // (UDP_MIB_RCVBUFERRORS), else queued and the reader woken
    // (sk_data_ready). The payload is copied out and the skb freed here.
    const uint32_t plen = ulen - static_cast<uint32_t>(sizeof(udphdr));
    if (sk->sk_rmem_alloc + plen > sk->sk_rcvbuf) {
      ++n.udp_stats.RcvbufErrors;
      ++n.udp_stats.InErrors;
      kfree_skb_reason(skb, skb_drop_reason::SOCKET_RCVBUFF);
      return NET_RX_DROP;
    }
    sock::rx_datagram d;
    const std::vector<uint8_t> bytes = skb->linearize_copy();
    d.data.assign(bytes.begin() + sizeof(udphdr), bytes.begin() + ulen);
    d.saddr = saddr;
    d.sport = be16_to_cpu(uh->source);
    sk->sk_rmem_alloc += plen;
    sk->sk_receive_queue.push_back(std::move(d));
    ++n.udp_stats.InDatagrams;
    consume_skb(skb);
    if (n.kernel.sched.sk_data_ready) n.kernel.sched.sk_data_ready(sk);
    return NET_RX_SUCCESS;
  }
short_packet:
  ++n.udp_stats.InErrors;
  kfree_skb_reason(skb, skb_drop_reason::PKT_LEN);
  return NET_RX_DROP;
}

int udp_err(net &n, sk_buff *skb, uint32_t info) {
  // __udp4_lib_err: skb->data at the IP header our datagram had.
  const iphdr *iph = reinterpret_cast<const iphdr *>(skb->data);
  const auto *uh = reinterpret_cast<const udphdr *>(skb->data + iph->ihl() * 4u);
  const auto *icmph = reinterpret_cast<const icmphdr *>(skb->transport_hdr());
  // Our datagram went saddr:source -> daddr:dest; the socket is the sender.
  sock *sk = __udp4_lib_lookup(n, be32_to_cpu(iph->daddr), be16_to_cpu(uh->dest), be32_to_cpu(iph->saddr),
                               be16_to_cpu(uh->source));
  if (!sk) return -ENOENT;
  int err = EHOSTUNREACH;
  bool harderr = false;
  switch (icmph->type) {
    case ICMP_DEST_UNREACH:
      if (icmph->code == ICMP_FRAG_NEEDED) {
        if (sk->pmtudisc == IP_PMTUDISC_DONT) return 0;
        err = EMSGSIZE;
        harderr = true;
        break;
      }
      if (icmph->code <= NR_ICMP_UNREACH) {
        harderr = icmp_err_convert[icmph->code].fatal;
        err = icmp_err_convert[icmph->code].errno_;
      }
      break;
    case ICMP_PARAMETERPROB: err = EPROTO; harderr = true; break;
    case 4: /* ICMP_SOURCE_QUENCH */
    case 5: /* ICMP_REDIRECT */ return 0;
    default: break;  // ICMP_TIME_EXCEEDED: EHOSTUNREACH, soft
  }
  // RFC 1122 4.1.3.3: without IP_RECVERR only hard errors on connected
  // sockets reach the application (ip_icmp_error's queue is not modelled).
  if (!sk->recverr && (!harderr || sk->sk_state != TCP_ESTABLISHED)) return 0;
  sk->sk_err = err;
  return 0;
}

}  // namespace wirepath
