// connect() for datagram sockets (net/ipv4/datagram.c).
#include <cerrno>

#include "stack/ipv4/af_inet.hpp"
#include "stack/core/net_namespace.hpp"

namespace wirepath {

int ip4_datagram_connect(sock *sk, const sockaddr_in_host *usin, uint32_t addr_len) {
  net &n = *sk->sk_net;
  if (addr_len < SOCKADDR_IN_LEN) return -EINVAL;
  if (usin->sin_family != AF_INET) return -EAFNOSUPPORT;
  sk->dst_cached = false;  // sk_dst_reset

  flowi4 fl4 = inet_sk_flowi4(sk, usin->sin_addr, usin->sin_port);
  rtable rt;
  const int err = ip_route_output_key(n, &fl4, &rt);
  if (err) {
    if (err == -ENETUNREACH) ++n.ip_stats.OutNoRoutes;
    return err;
  }
  if (!sk->inet_saddr) sk->inet_saddr = fl4.saddr;
  if (!sk->inet_rcv_saddr) sk->inet_rcv_saddr = fl4.saddr;
  sk->inet_daddr = fl4.daddr;
  sk->inet_dport = usin->sin_port;
  sk->sk_state = TCP_ESTABLISHED;
  sk->inet_id = n.get_random_u16();
  sk->sk_dst_cache = rt;
  sk->dst_cached = true;
  return 0;
}

}  // namespace wirepath
