// TCP timers (net/ipv4/tcp_timer.c): the retransmission timer (RTO with
// exponential backoff, SYN retries, tcp_retries2), the zero-window probe on
// the same timer, and an orphan's FIN_WAIT2 / TIME_WAIT lifetime.
#include <algorithm>
#include <cerrno>

#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/inet_connection_sock.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

void tcp_init_xmit_timers(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  tp->icsk_retransmit_timer.function = [sk](timer_list *) {
    tcp_write_timer(sk);
    tcp_reap(sk);
  };
  tp->tw_timer.function = [sk](timer_list *) {
    tcp_done(sk);
    tcp_reap(sk);
  };
}

// tcp_write_err: give up on the connection.
static void tcp_write_err(sock *sk) {
  sk->sk_err = ETIMEDOUT;
  tcp_done(sk);
}

void tcp_retransmit_timer(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  if (!tp->packets_out) return;
  // tcp_write_timeout: SYN retries, then tcp_retries2 for data.
  const int limit = sk->sk_state == TCP_SYN_SENT ? n.tcp.sysctl.tcp_syn_retries : n.tcp.sysctl.tcp_retries2;
  if (tp->icsk_retransmits >= limit) {
    tcp_write_err(sk);
    return;
  }
  ++n.tcp.mib.TCPTimeouts;
  ++tp->rto_events;
  tcp_enter_loss(sk);
  ++tp->icsk_retransmits;
  if (tcp_retransmit_skb(sk, 0) == 0 && sk->sk_state != TCP_SYN_SENT) ++n.tcp.mib.TCPSlowStartRetrans;
  // Exponential backoff (RFC 6298 5.5), at most TCP_RTO_MAX.
  tp->icsk_backoff++;
  tp->icsk_rto = std::min(tp->icsk_rto * 2, TCP_RTO_MAX);
  inet_csk_reset_xmit_timer(sk, tp->icsk_rto);
}

// tcp_probe_timer: zero-window probes the peer does not answer end the
// connection after tcp_retries2 of them (an answer, even with a zero
// window, resets the count in tcp_ack).
static void tcp_probe_timer(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (tp->packets_out || tp->sk_write_queue.empty()) {
    tp->icsk_probes_out = 0;
    return;
  }
  if (tp->icsk_probes_out >= sk->sk_net->tcp.sysctl.tcp_retries2) {
    tcp_write_err(sk);
    return;
  }
  tcp_send_probe0(sk);
}

void tcp_write_timer(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (sk->sk_state == TCP_CLOSE) return;
  if (tp->packets_out)
    tcp_retransmit_timer(sk);
  else
    tcp_probe_timer(sk);
}

}  // namespace wirepath
