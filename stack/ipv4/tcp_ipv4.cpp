// TCP over IPv4 (net/ipv4/tcp_ipv4.c): connect, tcp_v4_rcv, ICMP errors,
// resets and the checksum. The socket table and port choice are in
// inet_hashtables.cpp and inet_connection_sock.cpp.
#include <cerrno>
#include <cstring>
#include <new>

#include "stack/core/checksum.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/inet_hashtables.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/inet_connection_sock.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

tcp_sock::~tcp_sock() {
  tcp_write_queue_purge(this);
  if (sk_net) {
    sk_net->kernel.timers.del_timer(&icsk_retransmit_timer);
    sk_net->kernel.timers.del_timer(&tw_timer);
    tcp_unhash(this);
  }
}

void tcp_v4_destroy_sock(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  inet_csk_clear_xmit_timer(sk);
  tcp_write_queue_purge(tp);
}

int tcp_v4_connect(sock *sk, const sockaddr_in_host *usin, uint32_t addr_len) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  if (addr_len < SOCKADDR_IN_LEN) return -EINVAL;
  if (usin->sin_family != AF_INET) return -EAFNOSUPPORT;

  // ip_route_connect
  flowi4 fl4 = inet_sk_flowi4(sk, usin->sin_addr, usin->sin_port);
  rtable rt;
  int err = ip_route_output_key(n, &fl4, &rt);
  if (err) {
    if (err == -ENETUNREACH) ++n.ip_stats.OutNoRoutes;
    return err;
  }
  if (!sk->inet_saddr) sk->inet_saddr = fl4.saddr;
  if (!sk->inet_rcv_saddr) sk->inet_rcv_saddr = fl4.saddr;
  sk->inet_dport = usin->sin_port;
  sk->inet_daddr = fl4.daddr;

  tcp_set_state(sk, TCP_SYN_SENT);
  err = inet_hash_connect(sk);
  if (err) {
    tcp_set_state(sk, TCP_CLOSE);
    sk->inet_dport = 0;
    sk->inet_daddr = 0;
    return err;
  }
  // sk_setup_caps: the route stays cached on the socket.
  sk->sk_dst_cache = rt;
  sk->dst_cached = true;
  // secure_tcp_seq and the IP ID counter: random per connection here.
  tp->write_seq = n.get_random_u32();
  sk->inet_id = n.get_random_u16();
  // secure_tcp_ts_off: TSval starts at a random point per connection (only
  // with tcp_timestamps 1), drawn from the seeded source: runs repeat.
  tp->tsoffset = n.tcp.sysctl.tcp_timestamps == 1 ? n.get_random_u32() : 0;
  err = tcp_connect(sk);
  if (err) {
    tcp_set_state(sk, TCP_CLOSE);
    sk->inet_dport = 0;
    sk->inet_daddr = 0;
    sk->dst_cached = false;
  }
  return err;
}

void tcp_v4_send_reset(net &n, sk_buff *in) {
  // tcp_v4_send_reset: answer a segment nobody wants with a RST.
  const iphdr *iph = ip_hdr(in);
  const auto *th = reinterpret_cast<const tcphdr *>(in->transport_hdr());
  if (th->flags & TCPHDR_RST) return;
  const uint32_t saddr = be32_to_cpu(iph->daddr), daddr = be32_to_cpu(iph->saddr);
  rtable rt;
  if (ip_route_output(n, daddr, saddr, 0, 0, &rt)) return;
  const uint32_t len = in->len - th->doff() * 4;
  sk_buff *skb = nullptr;
  try {
    skb = alloc_skb(n.mem, MAX_TCP_HEADER);
  } catch (const std::bad_alloc &) {
    return;
  }
  skb->reserve(MAX_TCP_HEADER);
  auto *rth = reinterpret_cast<tcphdr *>(skb->push(sizeof(tcphdr)));
  skb->reset_transport_header();
  std::memset(rth, 0, sizeof *rth);
  rth->source = th->dest;
  rth->dest = th->source;
  rth->doff_res = 5 << 4;
  if (th->flags & TCPHDR_ACK) {
    rth->seq = th->ack_seq;
    rth->flags = TCPHDR_RST;
  } else {
    const uint32_t ack = be32_to_cpu(th->seq) + len + ((th->flags & TCPHDR_SYN) ? 1 : 0) +
                         ((th->flags & TCPHDR_FIN) ? 1 : 0);
    rth->ack_seq = cpu_to_be32(ack);
    rth->flags = TCPHDR_RST | TCPHDR_ACK;
  }
  rth->check = cpu_to_be16(csum_tcpudp_magic(saddr, daddr, sizeof(tcphdr), IPPROTO_TCP,
                                             csum_partial(rth, sizeof(tcphdr), 0)));
  auto *riph = reinterpret_cast<iphdr *>(skb->push(sizeof(iphdr)));
  skb->reset_network_header();
  riph->ihl_version = 0x45;
  riph->tos = 0;
  riph->tot_len = 0;
  riph->frag_off = cpu_to_be16(IP_DF);
  riph->ttl = static_cast<uint8_t>(n.sysctl.ip_default_ttl);
  riph->protocol = IPPROTO_TCP;
  riph->saddr = cpu_to_be32(saddr);
  riph->daddr = cpu_to_be32(daddr);
  riph->id = 0;
  skb->dst = &rt;
  skb->dev = rt.dev;
  skb->protocol = ETH_P_IP;
  ++n.tcp.mib.OutRsts;
  ++n.tcp.mib.OutSegs;
  ip_local_out(n, nullptr, skb);
}

int tcp_v4_rcv(net &n, sk_buff *skb) {
  // skb->data is at the TCP header (ip_local_deliver_finish pulled the IP header).
  if (skb->len < sizeof(tcphdr)) goto bad;
  {
    const auto *th = reinterpret_cast<const tcphdr *>(skb->data);
    if (th->doff() * 4u < sizeof(tcphdr) || th->doff() * 4u > skb->len) goto bad;
    const iphdr *iph = ip_hdr(skb);
    const uint32_t saddr = be32_to_cpu(iph->saddr), daddr = be32_to_cpu(iph->daddr);
    // tcp_v4_checksum_init / tcp_checksum_complete: software verify.
    if (skb->ip_summed != CHECKSUM_UNNECESSARY &&
        csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_TCP, csum_partial(skb->data, skb->len, 0)) != 0) {
      ++n.tcp.mib.InCsumErrors;
      goto bad;
    }
    ++n.tcp.mib.InSegs;
    sock *sk = __inet_lookup(n, saddr, be16_to_cpu(th->source), daddr, be16_to_cpu(th->dest));
    if (!sk) {
      tcp_v4_send_reset(n, skb);
      kfree_skb_reason(skb, skb_drop_reason::NO_SOCKET);
      return NET_RX_DROP;
    }
    if (tcp_rcv_state_process(sk, skb)) tcp_v4_send_reset(n, skb);
    consume_skb(skb);
    tcp_reap(sk);
    return NET_RX_SUCCESS;
  }
bad:
  ++n.tcp.mib.InErrs;
  kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
  return NET_RX_DROP;
}

int tcp_v4_err(net &n, sk_buff *skb, uint32_t /*info*/) {
  // skb->data at the IP header of our segment; the ICMP header is at
  // skb->transport_hdr(). The quote holds the first 8 bytes of our TCP header.
  const iphdr *iph = reinterpret_cast<const iphdr *>(skb->data);
  const auto *th = reinterpret_cast<const tcphdr *>(skb->data + iph->ihl() * 4u);
  const auto *icmph = reinterpret_cast<const icmphdr *>(skb->transport_hdr());
  // Our segment went saddr:source -> daddr:dest.
  sock *sk = __inet_lookup(n, be32_to_cpu(iph->daddr), be16_to_cpu(th->dest), be32_to_cpu(iph->saddr),
                           be16_to_cpu(th->source));
  if (!sk) return -ENOENT;  // __ICMP_INC_STATS(ICMP_MIB_INERRORS) in Linux
  tcp_sock *tp = tcp_sk(sk);
  const uint32_t seq = be32_to_cpu(th->seq);
  // Only about something in flight (snd_una <= seq < snd_nxt), or the SYN.
  if (sk->sk_state != TCP_SYN_SENT && (before(seq, tp->snd_una) || !before(seq, tp->snd_nxt))) return 0;
  int err;
  switch (icmph->type) {
    case ICMP_DEST_UNREACH:
      if (icmph->code > NR_ICMP_UNREACH) return 0;
      // Path MTU discovery for TCP (tcp_v4_mtu_reduced) is not modelled.
      if (icmph->code == ICMP_FRAG_NEEDED) return 0;
      err = icmp_err_convert[icmph->code].errno_;
      break;
    case ICMP_PARAMETERPROB: err = EPROTO; break;
    case ICMP_TIME_EXCEEDED: err = EHOSTUNREACH; break;
    default: return 0;  // source quench, redirect
  }
  switch (sk->sk_state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RECV:
      // The handshake fails with it (sk_error_report, tcp_done).
      sk->sk_err = err;
      tcp_done(sk);
      return 0;
    default: break;
  }
  // Established: a hard error only with IP_RECVERR (else sk_err_soft).
  if (sk->recverr) sk->sk_err = err;
  return 0;
}

void tcp_v4_send_check(sock *sk, sk_buff *skb) {
  // __tcp_v4_send_check: skb->data is at the TCP header.
  auto *th = reinterpret_cast<tcphdr *>(skb->transport_hdr());
  const uint32_t len = skb->len;
  th->check = 0;
  if (skb->ip_summed == CHECKSUM_PARTIAL) {
    // The NIC sums from csum_start and stores at csum_start + csum_offset.
    th->check = cpu_to_be16(static_cast<uint16_t>(~csum_tcpudp_magic(sk->inet_saddr, sk->inet_daddr, len,
                                                                       IPPROTO_TCP, 0)));
    skb->csum_start = skb->transport_header;
    skb->csum_offset = 16;  // offsetof(struct tcphdr, check)
  } else {
    th->check = cpu_to_be16(csum_tcpudp_magic(sk->inet_saddr, sk->inet_daddr, len, IPPROTO_TCP,
                                              csum_partial(th, len, 0)));
  }
}

}  // namespace wirepath
