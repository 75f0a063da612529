// Connection-oriented socket helpers (include/net/inet_connection_sock.h).
// Our tcp_sock carries struct inet_connection_sock's fields itself.
#pragma once

#include <algorithm>
#include <cstdint>

#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

// inet_csk_reset_xmit_timer (ICSK_TIME_RETRANS; the zero-window probe shares
// the timer): fire when_ns from now, at most TCP_RTO_MAX (max_when).
inline void inet_csk_reset_xmit_timer(sock *sk, uint64_t when_ns) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  n.kernel.timers.mod_timer(&tp->icsk_retransmit_timer, n.kernel.timers.now() + std::min(when_ns, TCP_RTO_MAX));
}

// inet_csk_clear_xmit_timer: stop the retransmission timer.
inline void inet_csk_clear_xmit_timer(sock *sk) {
  sk->sk_net->kernel.timers.del_timer(&tcp_sk(sk)->icsk_retransmit_timer);
}

// inet_csk_get_port (tcp_prot.get_port): bind snum, or with snum 0 an
// ephemeral port, odd ones first (inet_csk_find_open_port). -EADDRINUSE when
// taken (no SO_REUSEADDR).
int inet_csk_get_port(sock *sk, uint16_t snum);

}  // namespace wirepath
