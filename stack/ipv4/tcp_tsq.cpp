// TCP small queues (net/ipv4/tcp_output.c: tcp_small_queue_check, tcp_wfree,
// tcp_tasklet_func / tcp_tsq_handler / tcp_tsq_write; tcp_update_pacing_rate
// from tcp_input.c). One bulk flow may keep about 1 ms of its pacing rate,
// at most tcp_limit_output_bytes, in the qdisc and the driver's ring; the
// rest waits in its write queue until TX completions give the space back.
// Kept apart from tcp_output.cpp so the output path shows only the hooks.
#include <algorithm>

#include "stack/core/net_namespace.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

void tcp_update_pacing_rate(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  const auto &sysctl = sk->sk_net->tcp.sysctl;
  // rate = mss * (USEC_PER_SEC / 100 << 3) * ratio * cwnd / srtt_us (8x)
  uint64_t rate = uint64_t{tp->mss_cache} * ((1'000'000 / 100) << 3);
  rate *= tp->snd_cwnd < tp->snd_ssthresh / 2 ? sysctl.tcp_pacing_ss_ratio : sysctl.tcp_pacing_ca_ratio;
  rate *= std::max(tp->snd_cwnd, tp->packets_out);
  if (tp->srtt_us) rate /= tp->srtt_us;
  tp->sk_pacing_rate = std::min(rate, tp->sk_max_pacing_rate);
}

// tcp_rtx_queue_empty_or_single_skb
static bool rtx_queue_empty_or_single_skb(const tcp_sock *tp) { return tp->tcp_rtx_queue.size() <= 1; }

bool tcp_small_queue_check(sock *sk, uint32_t skb_truesize, unsigned factor) {
  tcp_sock *tp = tcp_sk(sk);
  // sk_pacing_status is SK_PACING_NONE (no fq qdisc asks for pacing), so
  // the sysctl caps the limit.
  uint64_t limit = std::max<uint64_t>(2ull * skb_truesize, tp->sk_pacing_rate >> tp->sk_pacing_shift);
  limit = std::min<uint64_t>(limit, sk->sk_net->tcp.sysctl.tcp_limit_output_bytes);
  limit <<= factor;
  if (sk->sk_wmem_alloc > limit) {
    // Always send if the retransmit queue is empty or holds one skb: with
    // nothing else in flight no completion would come to wake us.
    if (rtx_queue_empty_or_single_skb(tp)) return false;
    tp->sk_tsq_flags |= TSQF_THROTTLED;
    ++tp->tsq_throttled;
    return true;
  }
  return false;
}

void tcp_skb_set_owner_w(sk_buff *skb, sock *sk) {
  skb->sk = sk;
  skb->destructor = tcp_wfree;
  sk->sk_wmem_alloc += skb->truesize;
  tcp_sock *tp = tcp_sk(sk);
  tp->wmem_alloc_max = std::max(tp->wmem_alloc_max, sk->sk_wmem_alloc);
}

void tcp_wfree(sk_buff *skb) {
  sock *sk = skb->sk;
  if (!sk) return;
  tcp_sock *tp = tcp_sk(sk);
  sk->sk_wmem_alloc -= std::min<uint64_t>(skb->truesize, sk->sk_wmem_alloc);
  if (sk->sock_dead) {
    // Reaped while its segments were below TCP: the last one frees it.
    if (sk->sk_wmem_alloc == 0) delete tp;
    return;
  }
  if (!(tp->sk_tsq_flags & TSQF_THROTTLED) || (tp->sk_tsq_flags & TSQF_QUEUED)) return;
  tp->sk_tsq_flags = (tp->sk_tsq_flags & ~TSQF_THROTTLED) | TSQF_QUEUED;
  sk->sk_net->tcp.tsq_list.push_back(sk);  // list_add + tasklet_schedule
}

// tcp_tsq_write: resume output in the states that send data.
static void tcp_tsq_write(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  constexpr unsigned sending = (1u << TCP_ESTABLISHED) | (1u << TCP_FIN_WAIT1) | (1u << TCP_CLOSING) |
                               (1u << TCP_CLOSE_WAIT) | (1u << TCP_LAST_ACK);
  if (!((1u << sk->sk_state) & sending)) return;
  if (tp->lost_out > tp->retrans_out && tp->snd_cwnd > tcp_packets_in_flight(tp)) tcp_xmit_retransmit_queue(sk);
  tcp_write_xmit(sk, tcp_current_mss(sk), tp->nonagle, 0);
}

void tcp_tasklet_func(net &n) {
  // list_splice_init: sockets queued while we run wait for the next round.
  std::vector<sock *> list;
  list.swap(n.tcp.tsq_list);
  for (sock *sk : list) {
    tcp_sk(sk)->sk_tsq_flags &= ~TSQF_QUEUED;
    // tcp_tsq_handler: the socket is never owned by a user context here
    // (calls into the stack do not interleave), so no TCP_TSQ_DEFERRED.
    tcp_tsq_write(sk);
  }
}

void tcp_tsq_forget(sock *sk) {
  auto &l = sk->sk_net->tcp.tsq_list;
  l.erase(std::remove(l.begin(), l.end(), sk), l.end());
}

}  // namespace wirepath
