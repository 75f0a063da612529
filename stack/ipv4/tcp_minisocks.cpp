// TIME-WAIT (net/ipv4/tcp_minisocks.c): what is left of a connection after
// its FIN handshake until the TIME-WAIT (or FIN-WAIT-2) timer ends it.
#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/inet_connection_sock.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

void tcp_time_wait(sock *sk, uint8_t state, uint64_t timeo_ns) {
  // The kernel swaps in a small inet_timewait_sock; we keep the sock, with
  // its queues emptied, until the timer ends it.
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  sk->sk_state = state;
  inet_csk_clear_xmit_timer(sk);
  tcp_v4_destroy_sock(sk);
  n.kernel.timers.mod_timer(&tp->tw_timer, n.kernel.timers.now() + timeo_ns);
}

}  // namespace wirepath
