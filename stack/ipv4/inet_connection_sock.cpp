// Connection-oriented socket helpers (net/ipv4/inet_connection_sock.c): the
// local port for bind().
#include "stack/ipv4/inet_connection_sock.hpp"

#include <cerrno>

#include "stack/core/net_namespace.hpp"
#include "stack/core/sock.hpp"
#include "stack/ipv4/inet_hashtables.hpp"

namespace wirepath {

int inet_csk_get_port(sock *sk, uint16_t snum) {
  net &n = *sk->sk_net;
  if (snum == 0) {
    // inet_csk_find_open_port: bind() prefers odd ports (connect() takes the even ones).
    const uint32_t low = n.sysctl.ip_local_port_range[0], high = n.sysctl.ip_local_port_range[1];
    const uint32_t remaining = high - low + 1;
    const uint32_t offset = n.get_random_u32_below(remaining) | 1;
    for (uint32_t i = 0; i < remaining; ++i) {
      const auto port = static_cast<uint16_t>(low + (offset + i) % remaining);
      if (!tcp_port_in_use(n, port, sk)) {
        snum = port;
        break;
      }
    }
    if (!snum) return -EADDRINUSE;
  } else if (tcp_port_in_use(n, snum, sk)) {
    return -EADDRINUSE;  // no SO_REUSEADDR yet
  }
  sk->inet_num = snum;
  tcp_hash(sk);  // inet_bind_hash
  return 0;
}

}  // namespace wirepath
