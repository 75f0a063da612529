// Pluggable congestion control (net/ipv4/tcp_cong.c): Reno, and the lookup
// by name (net.ipv4.tcp_congestion_control).
#include <algorithm>
#include <cstring>

#include "stack/ipv4/tcp.hpp"

namespace wirepath {

// tcp_reno_ssthresh: halve, at least 2.
static uint32_t tcp_reno_ssthresh(tcp_sock *tp) { return std::max(tp->snd_cwnd >> 1, 2u); }

// tcp_reno_cong_avoid: slow start below ssthresh, then one segment per RTT.
static void tcp_reno_cong_avoid(tcp_sock *tp, uint32_t ack, uint32_t acked) {
  if (!tcp_is_cwnd_limited(tp)) return;
  if (tcp_in_slow_start(tp)) {
    acked = tcp_slow_start(tp, acked);
    if (!acked) return;
  }
  tcp_cong_avoid_ai(tp, tp->snd_cwnd, acked);
}

static uint32_t tcp_reno_undo_cwnd(tcp_sock *tp) { return std::max(tp->snd_cwnd, tp->prior_cwnd); }

const tcp_congestion_ops tcp_reno = {
    "reno", tcp_reno_ssthresh, tcp_reno_cong_avoid, nullptr, nullptr, nullptr, tcp_reno_undo_cwnd,
};

const tcp_congestion_ops *tcp_ca_find(const char *name) {
  if (name && std::strcmp(name, "cubic") == 0) return &cubictcp;
  return &tcp_reno;
}

uint32_t tcp_slow_start(tcp_sock *tp, uint32_t acked) {
  const uint32_t cwnd = std::min(tp->snd_cwnd + acked, tp->snd_ssthresh);
  acked -= cwnd - tp->snd_cwnd;
  tp->snd_cwnd = cwnd;
  return acked;
}

void tcp_cong_avoid_ai(tcp_sock *tp, uint32_t w, uint32_t acked) {
  if (tp->snd_cwnd_cnt >= w) {
    tp->snd_cwnd_cnt = 0;
    tp->snd_cwnd++;
  }
  tp->snd_cwnd_cnt += acked;
  if (tp->snd_cwnd_cnt >= w) {
    const uint32_t delta = tp->snd_cwnd_cnt / w;
    tp->snd_cwnd_cnt -= delta * w;
    tp->snd_cwnd += delta;
  }
}

}  // namespace wirepath
