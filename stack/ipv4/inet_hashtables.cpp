// The TCP socket table (net/ipv4/inet_hashtables.c): hash and unhash, the
// ephemeral port for connect() and the lookup of an incoming segment's socket.
#include "stack/ipv4/inet_hashtables.hpp"

#include <algorithm>
#include <cerrno>

#include "stack/core/net_namespace.hpp"
#include "stack/core/sock.hpp"

namespace wirepath {

bool tcp_port_in_use(const net &n, uint16_t port, const sock *self) {
  return std::any_of(n.tcp.hash.begin(), n.tcp.hash.end(),
                     [&](const sock *s) { return s != self && s->inet_num == port; });
}

void tcp_hash(sock *sk) {
  auto &h = sk->sk_net->tcp.hash;
  if (std::find(h.begin(), h.end(), sk) == h.end()) h.push_back(sk);
}

void tcp_unhash(sock *sk) {
  auto &h = sk->sk_net->tcp.hash;
  h.erase(std::remove(h.begin(), h.end(), sk), h.end());
  if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK)) {
    sk->inet_num = 0;
    sk->inet_sport = 0;
  }
}

// __inet_hash_connect: an ephemeral port for connect(), even ones first.
int inet_hash_connect(sock *sk) {
  net &n = *sk->sk_net;
  if (sk->inet_num) {
    tcp_hash(sk);
    return 0;
  }
  const uint32_t low = n.sysctl.ip_local_port_range[0], high = n.sysctl.ip_local_port_range[1];
  const uint32_t remaining = high - low + 1;
  const uint32_t offset = n.get_random_u32_below(remaining) & ~1u;
  for (uint32_t parity = 0; parity < 2; ++parity) {
    for (uint32_t i = parity; i < remaining; i += 2) {
      const auto port = static_cast<uint16_t>(low + (offset + i) % remaining);
      if (tcp_port_in_use(n, port, sk)) continue;
      sk->inet_num = port;
      sk->inet_sport = port;
      tcp_hash(sk);
      return 0;
    }
  }
  return -EADDRNOTAVAIL;
}

sock *__inet_lookup(net &n, uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport) {
  for (sock *sk : n.tcp.hash)
    if (sk->inet_num == dport && sk->inet_dport == sport && sk->inet_daddr == saddr &&
        (!sk->inet_rcv_saddr || sk->inet_rcv_saddr == daddr))
      return sk;
  return nullptr;
}

}  // namespace wirepath
