// CUBIC (net/ipv4/tcp_cubic.c, RFC 9438): cwnd follows a cubic function of
// the time since the last reduction, with fast convergence and the
// TCP-friendly region. Time in jiffies at HZ=1000 from timer_base::now().
// HyStart (delay-based slow start exit) is not modelled.
#include <algorithm>
#include <cstring>
#include <new>

#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

namespace {
constexpr uint32_t BICTCP_BETA_SCALE = 1024;
constexpr uint32_t BICTCP_HZ = 10;  // BIC HZ 2^10 = 1024
constexpr uint32_t HZ = 1000;
constexpr bool fast_convergence = true;
constexpr uint32_t beta = 717;  // 717/1024 = 0.7
constexpr uint32_t bic_scale = 41;
constexpr bool tcp_friendliness = true;
constexpr uint32_t beta_scale = 8 * (BICTCP_BETA_SCALE + beta) / 3 / (BICTCP_BETA_SCALE - beta);
constexpr uint32_t cube_rtt_scale = bic_scale * 10;  // 1024 * c / rtt
constexpr uint64_t cube_factor = (uint64_t{1} << (10 + 3 * BICTCP_HZ)) / (bic_scale * 10);

struct bictcp {
  uint32_t cnt;             // increase cwnd by 1 after this many ACKs
  uint32_t last_max_cwnd;   // W_max
  uint32_t last_cwnd;
  uint32_t last_time;
  uint32_t bic_origin_point;
  uint32_t bic_K;           // time to reach W_max, in BICTCP_HZ units
  uint32_t delay_min;       // us
  uint32_t epoch_start;     // jiffies, 0: no epoch
  uint32_t ack_cnt;
  uint32_t tcp_cwnd;        // what Reno would have
};
static_assert(sizeof(bictcp) <= sizeof(tcp_sock::icsk_ca_priv));

bictcp *ca_of(tcp_sock *tp) { return reinterpret_cast<bictcp *>(tp->icsk_ca_priv); }
uint32_t tcp_jiffies32(const tcp_sock *tp) { return static_cast<uint32_t>(tp->sk_net->kernel.timers.now() / 1'000'000); }

void bictcp_reset(bictcp *ca) { std::memset(ca, 0, sizeof *ca); }

// cubic_root: floor(cbrt(a)) (the kernel's table + Newton step is within 0.2%).
uint32_t cubic_root(uint64_t a) {
  uint64_t lo = 0, hi = 2642245;  // cbrt(2^64)
  while (lo < hi) {
    const uint64_t mid = (lo + hi + 1) / 2;
    if (mid * mid * mid <= a) lo = mid; else hi = mid - 1;
  }
  return static_cast<uint32_t>(lo);
}

void bictcp_update(tcp_sock *tp, bictcp *ca, uint32_t cwnd, uint32_t acked) {
  const uint32_t now = tcp_jiffies32(tp);
  ca->ack_cnt += acked;
  if (ca->last_cwnd == cwnd && static_cast<int32_t>(now - ca->last_time) <= static_cast<int32_t>(HZ / 32)) return;
  if (!(ca->epoch_start && now == ca->last_time)) {
    ca->last_cwnd = cwnd;
    ca->last_time = now;
    if (ca->epoch_start == 0) {
      ca->epoch_start = now ? now : 1;
      ca->ack_cnt = acked;
      ca->tcp_cwnd = cwnd;
      if (ca->last_max_cwnd <= cwnd) {
        ca->bic_K = 0;
        ca->bic_origin_point = cwnd;
      } else {
        ca->bic_K = cubic_root(cube_factor * (ca->last_max_cwnd - cwnd));
        ca->bic_origin_point = ca->last_max_cwnd;
      }
    }
    uint64_t t = static_cast<uint32_t>(static_cast<int32_t>(now - ca->epoch_start));
    t += ca->delay_min / 1000;  // usecs_to_jiffies
    t <<= BICTCP_HZ;
    t /= HZ;
    const uint64_t offs = t < ca->bic_K ? ca->bic_K - t : t - ca->bic_K;
    const uint32_t delta = static_cast<uint32_t>((cube_rtt_scale * offs * offs * offs) >> (10 + 3 * BICTCP_HZ));
    const uint32_t bic_target = t < ca->bic_K ? ca->bic_origin_point - delta : ca->bic_origin_point + delta;
    if (bic_target > cwnd)
      ca->cnt = cwnd / (bic_target - cwnd);
    else
      ca->cnt = 100 * cwnd;
    if (ca->last_max_cwnd == 0 && ca->cnt > 20) ca->cnt = 20;
  }
  if (tcp_friendliness) {
    const uint32_t d = (cwnd * beta_scale) >> 3;
    while (d && ca->ack_cnt > d) {
      ca->ack_cnt -= d;
      ca->tcp_cwnd++;
    }
    if (ca->tcp_cwnd > cwnd) {
      const uint32_t max_cnt = cwnd / (ca->tcp_cwnd - cwnd);
      if (ca->cnt > max_cnt) ca->cnt = max_cnt;
    }
  }
  ca->cnt = std::max(ca->cnt, 2u);
}

void cubictcp_init(tcp_sock *tp) { bictcp_reset(ca_of(tp)); }

void cubictcp_cong_avoid(tcp_sock *tp, uint32_t ack, uint32_t acked) {
  if (!tcp_is_cwnd_limited(tp)) return;
  if (tcp_in_slow_start(tp)) {
    acked = tcp_slow_start(tp, acked);
    if (!acked) return;
  }
  bictcp *ca = ca_of(tp);
  bictcp_update(tp, ca, tp->snd_cwnd, acked);
  tcp_cong_avoid_ai(tp, ca->cnt, acked);
}

uint32_t cubictcp_recalc_ssthresh(tcp_sock *tp) {
  bictcp *ca = ca_of(tp);
  ca->epoch_start = 0;
  if (tp->snd_cwnd < ca->last_max_cwnd && fast_convergence)
    ca->last_max_cwnd = (tp->snd_cwnd * (BICTCP_BETA_SCALE + beta)) / (2 * BICTCP_BETA_SCALE);
  else
    ca->last_max_cwnd = tp->snd_cwnd;
  return std::max((tp->snd_cwnd * beta) / BICTCP_BETA_SCALE, 2u);
}

void cubictcp_state(tcp_sock *tp, uint8_t new_state) {
  if (new_state == TCP_CA_Loss) bictcp_reset(ca_of(tp));
}

void cubictcp_acked(tcp_sock *tp, uint32_t acked, int64_t rtt_us) {
  bictcp *ca = ca_of(tp);
  if (rtt_us < 0) return;
  // Discard delay samples right after fast recovery.
  if (ca->epoch_start && static_cast<int32_t>(tcp_jiffies32(tp) - ca->epoch_start) < static_cast<int32_t>(HZ))
    return;
  const uint32_t delay = rtt_us ? static_cast<uint32_t>(rtt_us) : 1;
  if (ca->delay_min == 0 || ca->delay_min > delay) ca->delay_min = delay;
}

uint32_t cubictcp_undo_cwnd(tcp_sock *tp) { return std::max(tp->snd_cwnd, tp->prior_cwnd); }
}  // namespace

const tcp_congestion_ops cubictcp = {
    "cubic", cubictcp_recalc_ssthresh, cubictcp_cong_avoid, cubictcp_init, cubictcp_state, cubictcp_acked,
    cubictcp_undo_cwnd,
};

}  // namespace wirepath
