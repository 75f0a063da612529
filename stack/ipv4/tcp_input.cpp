// TCP input for a sender (net/ipv4/tcp_input.c): the SYN-ACK and its
// options, ACK processing (tcp_ack: window update, SACK scoreboard
// tcp_sacktag_write_queue, tcp_clean_rtx_queue, RTT estimator from the
// skb's send time or TSecr), loss detection and recovery (with SACK:
// tcp_mark_head_lost over the scoreboard, RFC 6675's DupThresh rule, as
// Linux without RACK; without: Reno duplicate ACK counting and NewReno
// partial ACKs; PRR in both), congestion avoidance through the socket's
// tcp_congestion_ops, the FIN handshake. Data from the peer is acknowledged
// and dropped (we only model sending).
#include <algorithm>
#include <cerrno>

#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/inet_connection_sock.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

namespace {
enum : int {
  FLAG_DATA = 0x01,
  FLAG_WIN_UPDATE = 0x02,
  FLAG_DATA_ACKED = 0x04,
  FLAG_RETRANS_DATA_ACKED = 0x08,
  FLAG_SYN_ACKED = 0x10,
  FLAG_DATA_SACKED = 0x20,
  FLAG_SLOWPATH = 0x100,
  FLAG_SND_UNA_ADVANCED = 0x400,
  FLAG_DSACKING_ACK = 0x800,
  FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED,
  FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED,
  FLAG_CA_ALERT = FLAG_DATA_SACKED,
  FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED,
};

struct seg_info {
  const tcphdr *th;
  uint32_t seq, end_seq, ack_seq, len;
};

// tcp_reset: the peer refused or aborted.
void tcp_reset(sock *sk) {
  switch (sk->sk_state) {
    case TCP_SYN_SENT: sk->sk_err = ECONNREFUSED; break;
    case TCP_CLOSE_WAIT: sk->sk_err = EPIPE; break;
    case TCP_CLOSE: return;
    default: sk->sk_err = ECONNRESET;
  }
  tcp_done(sk);
}

// tcp_add_reno_sack: a duplicate ACK means one more segment left the network.
void tcp_add_reno_sack(tcp_sock *tp, uint32_t num_dupack, uint64_t *delivered) {
  if (!num_dupack) return;
  const uint32_t prior = tp->sacked_out;
  tp->sacked_out += num_dupack;
  // tcp_limit_reno_sacked: never more than what is in flight.
  const uint32_t holes = std::max(tp->lost_out, 1u);
  if (tp->sacked_out + holes > tp->packets_out)
    tp->sacked_out = tp->packets_out > holes ? tp->packets_out - holes : 0;
  if (tp->sacked_out > prior) *delivered += tp->sacked_out - prior;
}

// tcp_remove_reno_sacks: the ACK covered segments counted by dupacks.
void tcp_remove_reno_sacks(tcp_sock *tp, uint32_t acked, uint64_t *delivered) {
  if (!acked) return;
  *delivered += std::max<int64_t>(int64_t{acked} - tp->sacked_out, 1);
  if (acked - 1 >= tp->sacked_out)
    tp->sacked_out = 0;
  else
    tp->sacked_out -= acked - 1;
}

// tcp_mark_head_lost for Reno: the first unacknowledged segment is lost.
void tcp_mark_head_lost(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (tp->tcp_rtx_queue.empty()) return;
  tcp_wqe &head = tp->tcp_rtx_queue.front();
  if (head.cb.sacked & TCPCB_LOST) return;
  const uint32_t mss = tcp_current_mss(sk);
  if (head.cb.pcount > 1 && head.len() > mss) tcp_fragment(sk, tp->tcp_rtx_queue, 0, mss, mss);
  tcp_wqe &h = tp->tcp_rtx_queue.front();
  if (h.cb.sacked & TCPCB_RETRANS) {  // its retransmission is lost too
    h.cb.sacked &= static_cast<uint8_t>(~TCPCB_RETRANS);
    tp->retrans_out -= h.cb.pcount;
  }
  h.cb.sacked |= TCPCB_LOST;
  tp->lost_out += h.cb.pcount;
}

// tcp_mark_skb_lost: an un-SACKed segment is lost (RETRANS already cleared
// by the caller's rules).
void tcp_mark_skb_lost(tcp_sock *tp, tcp_wqe &w) {
  if (w.cb.sacked & (TCPCB_SACKED_ACKED | TCPCB_LOST)) return;
  w.cb.sacked |= TCPCB_LOST;
  tp->lost_out += w.cb.pcount;
}

// tcp_mark_head_lost with SACK: from the head, mark un-SACKed skbs lost
// until more than `packets` SACKed segments lie behind us, i.e. a hole is
// lost once at least `reordering` SACKed segments are above it (RFC 6675
// IsLost with DupThresh = reordering). mark_head: only the head.
void tcp_sack_mark_head_lost(tcp_sock *tp, int packets, bool mark_head) {
  const uint32_t loss_high = tp->snd_nxt;
  int cnt = 0;
  for (tcp_wqe &w : tp->tcp_rtx_queue) {
    if (after(w.cb.end_seq, loss_high)) break;
    if (w.cb.sacked & TCPCB_SACKED_ACKED) cnt += static_cast<int>(w.cb.pcount);
    if (cnt > packets) break;
    tcp_mark_skb_lost(tp, w);
    if (mark_head) break;
  }
}

// tcp_update_scoreboard (SACK): sacked_out - reordering segments are
// known to have left the network above the holes that are lost.
void tcp_update_scoreboard(tcp_sock *tp, bool fast_rexmit) {
  const int sacked_upto = static_cast<int>(tp->sacked_out) - static_cast<int>(tp->reordering);
  if (sacked_upto >= 0)
    tcp_sack_mark_head_lost(tp, sacked_upto, false);
  else if (fast_rexmit)
    tcp_sack_mark_head_lost(tp, 1, true);
}

// tcp_force_fast_retransmit: SACKed data lies more than `reordering`
// segments above snd_una.
bool tcp_force_fast_retransmit(const tcp_sock *tp) {
  return after(tp->highest_sack_seq, tp->snd_una + tp->reordering * tp->mss_cache);
}

void tcp_end_cwnd_reduction(tcp_sock *tp) {
  if (tp->snd_ssthresh < TCP_INFINITE_SSTHRESH && (tp->icsk_ca_state == TCP_CA_CWR || tp->undo_marker))
    tp->snd_cwnd = tp->snd_ssthresh;
}

void tcp_try_keep_open(tcp_sock *tp) {
  uint8_t state = TCP_CA_Open;
  if (tp->sacked_out + tp->lost_out || tp->retrans_out) state = TCP_CA_Disorder;
  if (tp->icsk_ca_state != state) {
    tcp_set_ca_state(tp, state);
    tp->high_seq = tp->snd_nxt;
  }
}

void tcp_try_to_open(tcp_sock *tp) {
  if (!tp->retrans_out) tp->retrans_stamp = 0;
  if (tp->icsk_ca_state != TCP_CA_CWR) tcp_try_keep_open(tp);
}

void tcp_enter_recovery(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (tcp_is_reno(tp))
    ++sk->sk_net->tcp.mib.TCPRenoRecovery;
  else
    ++sk->sk_net->tcp.mib.TCPSackRecovery;
  ++sk->sk_net->tcp.mib.TCPFastRetrans;
  ++tp->fast_retrans_events;
  tp->prior_ssthresh = 0;
  tp->undo_marker = tp->snd_una;
  if (!tcp_in_cwnd_reduction(tp)) {
    tp->prior_ssthresh = tcp_current_ssthresh(tp);
    // tcp_init_cwnd_reduction
    tp->high_seq = tp->snd_nxt;
    tp->snd_cwnd_cnt = 0;
    tp->prior_cwnd = tp->snd_cwnd;
    tp->prr_delivered = 0;
    tp->prr_out = 0;
    tp->snd_ssthresh = tp->icsk_ca_ops->ssthresh(tp);
  }
  tcp_set_ca_state(tp, TCP_CA_Recovery);
}

// tcp_cwnd_reduction: Proportional Rate Reduction (RFC 6937).
void tcp_cwnd_reduction(tcp_sock *tp, uint32_t newly_acked_sacked, int flag) {
  if (!newly_acked_sacked || !tp->prior_cwnd) return;
  int64_t sndcnt = 0;
  const int64_t delta = int64_t{tp->snd_ssthresh} - tcp_packets_in_flight(tp);
  tp->prr_delivered += newly_acked_sacked;
  if (delta < 0) {
    const uint64_t dividend = uint64_t{tp->snd_ssthresh} * tp->prr_delivered + tp->prior_cwnd - 1;
    sndcnt = static_cast<int64_t>(dividend / tp->prior_cwnd) - tp->prr_out;
  } else {
    sndcnt = std::max<int64_t>(int64_t{tp->prr_delivered} - tp->prr_out, newly_acked_sacked);
    if (flag & FLAG_SND_UNA_ADVANCED) sndcnt = std::min(delta, sndcnt);
  }
  sndcnt = std::max<int64_t>(sndcnt, tp->prr_out ? 0 : 1);  // force the fast retransmit
  tp->snd_cwnd = static_cast<uint32_t>(std::max<int64_t>(tcp_packets_in_flight(tp) + sndcnt, 1));
}

// tcp_fastretrans_alert: duplicate ACKs or SACKs, recovery, loss. With
// SACK the scoreboard says what is lost (tcp_update_scoreboard); without,
// Reno counts duplicate ACKs and NewReno takes each partial ACK as the
// next hole.
void tcp_fastretrans_alert(sock *sk, uint32_t prior_snd_una, uint32_t num_dupack, int *flag, bool *rexmit,
                           uint64_t *delivered) {
  tcp_sock *tp = tcp_sk(sk);
  const bool reno = tcp_is_reno(tp);
  bool do_lost = num_dupack || ((*flag & FLAG_DATA_SACKED) && tcp_force_fast_retransmit(tp));
  bool fast_rexmit = false;
  bool reno_newreno_lost = false;
  if (!tp->packets_out && tp->sacked_out) tp->sacked_out = 0;

  // The end of a recovery episode: everything sent before it is acknowledged.
  if (tp->icsk_ca_state != TCP_CA_Open && !after(tp->high_seq, tp->snd_una)) {
    switch (tp->icsk_ca_state) {
      case TCP_CA_CWR:
        if (tp->snd_una != tp->high_seq) {
          tcp_end_cwnd_reduction(tp);
          tcp_set_ca_state(tp, TCP_CA_Open);
        }
        break;
      case TCP_CA_Recovery:
        if (reno) tp->sacked_out = 0;  // tcp_reset_reno_sack
        tcp_end_cwnd_reduction(tp);
        tcp_set_ca_state(tp, TCP_CA_Open);
        tp->undo_marker = 0;
        break;
      default: break;
    }
  }

  switch (tp->icsk_ca_state) {
    case TCP_CA_Recovery:
      if (!(*flag & FLAG_SND_UNA_ADVANCED)) {
        if (reno) tcp_add_reno_sack(tp, num_dupack, delivered);
      } else if (reno) {
        // NewReno partial ACK (RFC 6582): the next hole is lost too.
        reno_newreno_lost = true;
      }
      break;
    case TCP_CA_Loss:
      // tcp_process_loss: done once everything sent before the RTO is acked.
      if (!(*flag & FLAG_SND_UNA_ADVANCED) && reno) tcp_add_reno_sack(tp, num_dupack, delivered);
      if (!after(tp->high_seq, tp->snd_una)) {
        if (reno) tp->sacked_out = 0;
        tcp_set_ca_state(tp, TCP_CA_Open);
        tp->undo_marker = 0;
        tcp_try_to_open(tp);
        return;
      }
      *rexmit = true;
      return;
    default:
      if (reno && !(*flag & FLAG_SND_UNA_ADVANCED)) tcp_add_reno_sack(tp, num_dupack, delivered);
      // tcp_time_to_recover: lost_out, or more dupacks / SACKed segments than reordering.
      if (!tp->lost_out && tp->sacked_out + 1 <= tp->reordering) {
        tcp_try_to_open(tp);
        return;
      }
      tcp_enter_recovery(sk);
      fast_rexmit = true;
      reno_newreno_lost = true;
  }
  if (reno) {
    if (reno_newreno_lost) tcp_mark_head_lost(sk);
  } else if (do_lost || fast_rexmit) {
    tcp_update_scoreboard(tp, fast_rexmit);
  }
  *rexmit = true;
}

bool tcp_may_update_window(const tcp_sock *tp, uint32_t ack, uint32_t ack_seq, uint32_t nwin) {
  return after(ack, tp->snd_una) || after(ack_seq, tp->snd_wl1) || (ack_seq == tp->snd_wl1 && (nwin > tp->snd_wnd || !nwin));
}

int tcp_ack_update_window(sock *sk, const seg_info &s, uint32_t ack) {
  tcp_sock *tp = tcp_sk(sk);
  int flag = 0;
  uint32_t nwin = be16_to_cpu(s.th->window);
  if (!(s.th->flags & TCPHDR_SYN)) nwin <<= tp->snd_wscale;
  if (tcp_may_update_window(tp, ack, s.seq, nwin)) {
    flag |= FLAG_WIN_UPDATE;
    tp->snd_wl1 = s.seq;
    if (tp->snd_wnd != nwin) {
      tp->snd_wnd = nwin;
      if (nwin > tp->max_window) {
        tp->max_window = nwin;
        tcp_sync_mss(sk, tp->icsk_pmtu_cookie);
      }
    }
  }
  if (after(ack, tp->snd_una)) tp->bytes_acked += ack - tp->snd_una;
  tp->snd_una = ack;
  return flag;
}

// tcp_skb_mss: the segment size an in-flight skb was cut for.
uint32_t tcp_skb_mss(const tcp_wqe &w) { return (w.len() + w.cb.pcount - 1) / w.cb.pcount; }

// tcp_match_skb_to_sack: the SACK block covers only part of a TSO skb:
// split it at a segment boundary so that the SACKed part is an skb of its
// own. Returns whether queue[i] (after the split) lies inside the block.
bool tcp_match_skb_to_sack(sock *sk, size_t i, uint32_t start_seq, uint32_t end_seq) {
  tcp_sock *tp = tcp_sk(sk);
  tcp_wqe &w = tp->tcp_rtx_queue[i];
  bool in_sack = !after(start_seq, w.cb.seq) && !before(end_seq, w.cb.end_seq);
  if (in_sack || w.cb.pcount <= 1 || !w.len()) return in_sack;
  const uint32_t mss = tcp_skb_mss(w);
  in_sack = !after(start_seq, w.cb.seq);
  uint32_t pkt_len;
  if (!in_sack) {
    pkt_len = start_seq - w.cb.seq;
    if (pkt_len < mss) pkt_len = mss;
  } else {
    pkt_len = end_seq - w.cb.seq;
    if (pkt_len < mss) return false;  // less than a segment: not SACKable
  }
  // Whole segments only (the tail may be short).
  if (pkt_len > mss) {
    uint32_t new_len = pkt_len / mss * mss;
    if (!in_sack && new_len < pkt_len) new_len += mss;
    pkt_len = new_len;
  }
  if (pkt_len >= w.len() && !in_sack) return false;
  if (pkt_len >= w.len()) return true;
  if (tcp_fragment(sk, tp->tcp_rtx_queue, i, pkt_len, mss)) return false;
  return in_sack;
}

// tcp_sacktag_one: the peer holds this skb. It leaves the lost and
// retransmitted counts and joins sacked_out.
int tcp_sacktag_one(tcp_sock *tp, tcp_wqe &w, uint64_t *delivered) {
  uint8_t &sacked = w.cb.sacked;
  if (sacked & TCPCB_SACKED_ACKED) return 0;
  if (sacked & TCPCB_RETRANS) {
    sacked &= static_cast<uint8_t>(~TCPCB_RETRANS);
    tp->retrans_out -= std::min(tp->retrans_out, w.cb.pcount);
  }
  if (sacked & TCPCB_LOST) {
    sacked &= static_cast<uint8_t>(~TCPCB_LOST);
    tp->lost_out -= std::min(tp->lost_out, w.cb.pcount);
  }
  sacked |= TCPCB_SACKED_ACKED;
  if (!tp->sacked_out || after(w.cb.end_seq, tp->highest_sack_seq)) tp->highest_sack_seq = w.cb.end_seq;
  tp->sacked_out += w.cb.pcount;
  *delivered += w.cb.pcount;
  return FLAG_DATA_SACKED;
}

// tcp_check_dsack (RFC 2883): a first block below the cumulative ACK, or
// inside the second block, reports a duplicate, not a hole.
bool tcp_check_dsack(const tcp_options_received &rx, uint32_t ack) {
  if (!rx.num_sacks) return false;
  const tcp_sack_block &b0 = rx.sacks[0];
  if (before(b0.start_seq, ack)) return true;
  if (rx.num_sacks > 1) {
    const tcp_sack_block &b1 = rx.sacks[1];
    if (!after(b0.end_seq, b1.end_seq) && !before(b0.start_seq, b1.start_seq)) return true;
  }
  return false;
}

// tcp_sacktag_write_queue: mark what the ACK's SACK blocks cover. Blocks
// beyond snd_nxt, empty or below snd_una are discarded (TCPSACKDiscard).
int tcp_sacktag_write_queue(sock *sk, uint32_t ack, uint64_t *delivered) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  const tcp_options_received &rx = tp->rx_opt;
  int flag = 0;
  const bool dup_sack = tcp_check_dsack(rx, ack);
  if (dup_sack) {
    ++n.tcp.mib.TCPDSACKRecv;
    flag |= FLAG_DSACKING_ACK;
  }
  if (!tp->packets_out) return flag;
  for (int b = dup_sack ? 1 : 0; b < rx.num_sacks; ++b) {
    const uint32_t start = rx.sacks[b].start_seq, end = rx.sacks[b].end_seq;
    // tcp_is_sackblock_valid
    if (!before(start, end) || after(end, tp->snd_nxt) || before(start, tp->snd_una)) {
      ++n.tcp.mib.TCPSACKDiscard;
      continue;
    }
    ++n.tcp.mib.TCPSackBlocks;
    for (size_t i = 0; i < tp->tcp_rtx_queue.size(); ++i) {
      tcp_wqe &w = tp->tcp_rtx_queue[i];
      if (!after(w.cb.end_seq, start)) continue;  // wholly below the block
      if (!before(w.cb.seq, end)) break;          // wholly above it
      if (w.cb.sacked & TCPCB_SACKED_ACKED) continue;
      if (tcp_match_skb_to_sack(sk, i, start, end)) flag |= tcp_sacktag_one(tp, tp->tcp_rtx_queue[i], delivered);
    }
  }
  return flag;
}

// tcp_clean_rtx_queue: free what the ACK covers; the RTT sample (Karn).
// Segments SACKed before leave sacked_out; the others count as delivered.
int tcp_clean_rtx_queue(sock *sk, uint32_t *pkts_acked, int64_t *seq_rtt_us, uint64_t *delivered) {
  tcp_sock *tp = tcp_sk(sk);
  const uint64_t now = sk->sk_net->kernel.timers.now();
  uint64_t first_ackt = 0;
  bool have_ackt = false;
  int flag = 0;
  *pkts_acked = 0;
  while (!tp->tcp_rtx_queue.empty()) {
    tcp_wqe &w = tp->tcp_rtx_queue.front();
    uint32_t acked_pcount;
    bool fully_acked = true;
    if (after(w.cb.end_seq, tp->snd_una)) {
      // tcp_tso_acked: whole segments of a TSO skb.
      if (w.cb.pcount == 1 || !after(tp->snd_una, w.cb.seq)) break;
      const uint32_t mss = (w.len() + w.cb.pcount - 1) / w.cb.pcount;
      const uint32_t bytes = (tp->snd_una - w.cb.seq) / mss * mss;
      if (!bytes) break;
      w.skb->pull(bytes);
      w.cb.seq += bytes;
      const uint32_t old = w.cb.pcount;
      tcp_set_skb_tso_segs(w, mss);
      acked_pcount = old - w.cb.pcount;
      fully_acked = false;
    } else {
      acked_pcount = w.cb.pcount;
    }
    if (w.cb.sacked & TCPCB_EVER_RETRANS) {
      if (w.cb.sacked & TCPCB_RETRANS) tp->retrans_out -= std::min(tp->retrans_out, acked_pcount);
      flag |= FLAG_RETRANS_DATA_ACKED;
    } else if (!have_ackt && !(w.cb.sacked & TCPCB_SACKED_ACKED)) {
      first_ackt = w.cb.skb_mstamp_ns;
      have_ackt = true;
    }
    if (w.cb.sacked & TCPCB_LOST) tp->lost_out -= std::min(tp->lost_out, acked_pcount);
    if (w.cb.sacked & TCPCB_SACKED_ACKED)
      tp->sacked_out -= std::min(tp->sacked_out, acked_pcount);
    else if (tcp_is_sack(tp))
      *delivered += acked_pcount;
    tp->packets_out -= std::min(tp->packets_out, acked_pcount);
    *pkts_acked += acked_pcount;
    flag |= (w.cb.tcp_flags & TCPHDR_SYN) ? FLAG_SYN_ACKED : FLAG_DATA_ACKED;
    if (!fully_acked) break;
    tp->sk_wmem_queued -= std::min<uint64_t>(tp->sk_wmem_queued, w.cb.truesize);
    consume_skb(w.skb);
    tp->tcp_rtx_queue.pop_front();
  }
  *seq_rtt_us = -1;
  if (have_ackt && !(flag & FLAG_RETRANS_DATA_ACKED)) *seq_rtt_us = static_cast<int64_t>((now - first_ackt) / 1000);
  return flag;
}

}  // namespace

void tcp_parse_options(const net &n, const tcphdr *th, tcp_options_received *opt_rx, bool estab) {
  const auto *p = reinterpret_cast<const uint8_t *>(th) + sizeof(tcphdr);
  int length = static_cast<int>(th->doff() * 4 - sizeof(tcphdr));
  opt_rx->saw_tstamp = false;
  opt_rx->num_sacks = 0;
  const bool syn = th->flags & TCPHDR_SYN;
  auto rd32 = [](const uint8_t *q) {
    return uint32_t{q[0]} << 24 | uint32_t{q[1]} << 16 | uint32_t{q[2]} << 8 | q[3];
  };
  while (length > 0) {
    const uint8_t opcode = *p++;
    if (opcode == TCPOPT_EOL) return;
    if (opcode == TCPOPT_NOP) {
      length--;
      continue;
    }
    if (length < 2) return;
    const uint8_t opsize = *p++;
    if (opsize < 2 || opsize > length) return;  // partial or silly option
    switch (opcode) {
      case TCPOPT_MSS:
        if (opsize == TCPOLEN_MSS && syn && !estab) {
          const uint16_t in_mss = static_cast<uint16_t>(p[0] << 8 | p[1]);
          if (in_mss) opt_rx->mss_clamp = in_mss;
        }
        break;
      case TCPOPT_WINDOW:
        if (opsize == TCPOLEN_WINDOW && syn && !estab && n.tcp.sysctl.tcp_window_scaling) {
          opt_rx->wscale_ok = true;
          opt_rx->snd_wscale = static_cast<uint8_t>(std::min<uint32_t>(p[0], TCP_MAX_WSCALE));
        }
        break;
      case TCPOPT_SACK_PERM:
        if (opsize == TCPOLEN_SACK_PERM && syn && !estab && n.tcp.sysctl.tcp_sack) opt_rx->sack_ok = true;
        break;
      case TCPOPT_TIMESTAMP:
        if (opsize == TCPOLEN_TIMESTAMP &&
            ((estab && opt_rx->tstamp_ok) || (!estab && n.tcp.sysctl.tcp_timestamps))) {
          opt_rx->saw_tstamp = true;
          opt_rx->rcv_tsval = rd32(p);
          opt_rx->rcv_tsecr = rd32(p + 4);
        }
        break;
      case TCPOPT_SACK:
        if (opsize >= TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK &&
            (opsize - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK == 0 && opt_rx->sack_ok) {
          const int blocks = std::min((opsize - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK, TCP_NUM_SACKS);
          for (int b = 0; b < blocks; ++b)
            opt_rx->sacks[b] = {rd32(p + 8 * b), rd32(p + 8 * b + 4)};
          opt_rx->num_sacks = static_cast<uint8_t>(blocks);
        }
        break;
      default: break;
    }
    p += opsize - 2;
    length -= opsize;
  }
}

void tcp_rtt_estimator(sock *sk, int64_t mrtt_us) {
  // Van Jacobson's estimator as the kernel has it (RFC 6298 plus the
  // mdev_max refinement): srtt_us is 8x, mdev_us 4x.
  tcp_sock *tp = tcp_sk(sk);
  const uint32_t rto_min_us = static_cast<uint32_t>(TCP_RTO_MIN / 1000);
  int64_t m = mrtt_us;
  uint32_t srtt = tp->srtt_us;
  if (srtt != 0) {
    m -= (srtt >> 3);
    srtt = static_cast<uint32_t>(srtt + m);
    if (m < 0) {
      m = -m;
      m -= (tp->mdev_us >> 2);
      if (m > 0) m >>= 3;
    } else {
      m -= (tp->mdev_us >> 2);
    }
    tp->mdev_us = static_cast<uint32_t>(tp->mdev_us + m);
    if (tp->mdev_us > tp->mdev_max_us) {
      tp->mdev_max_us = tp->mdev_us;
      if (tp->mdev_max_us > tp->rttvar_us) tp->rttvar_us = tp->mdev_max_us;
    }
    if (after(tp->snd_una, tp->rtt_seq)) {
      if (tp->mdev_max_us < tp->rttvar_us) tp->rttvar_us -= (tp->rttvar_us - tp->mdev_max_us) >> 2;
      tp->rtt_seq = tp->snd_nxt;
      tp->mdev_max_us = rto_min_us;
    }
  } else {
    srtt = static_cast<uint32_t>(m << 3);
    tp->mdev_us = static_cast<uint32_t>(m << 1);
    tp->rttvar_us = std::max(tp->mdev_us, rto_min_us);
    tp->mdev_max_us = tp->rttvar_us;
    tp->rtt_seq = tp->snd_nxt;
  }
  tp->srtt_us = std::max(1u, srtt);
}

void tcp_set_rto(sock *sk) {
  // RTO = srtt + 4 * rttvar, where rttvar is at least TCP_RTO_MIN / 4 ...
  // as the kernel computes it: srtt + rttvar_us (rttvar_us >= rto_min).
  tcp_sock *tp = tcp_sk(sk);
  const uint64_t rto_us = (tp->srtt_us >> 3) + tp->rttvar_us;
  tp->icsk_rto = std::min(rto_us * 1000, TCP_RTO_MAX);
}

void tcp_enter_loss(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (tp->icsk_ca_state <= TCP_CA_Disorder || !after(tp->high_seq, tp->snd_una) ||
      (tp->icsk_ca_state == TCP_CA_Loss && !tp->icsk_retransmits)) {
    tp->prior_ssthresh = tcp_current_ssthresh(tp);
    tp->prior_cwnd = tp->snd_cwnd;
    tp->snd_ssthresh = tp->icsk_ca_ops->ssthresh(tp);
    tp->undo_marker = tp->snd_una;
  }
  // tcp_timeout_mark_lost: everything in flight and not SACKed is lost. A
  // SACKed head means the peer reneged: forget all SACK marks.
  const bool is_reneg = !tp->tcp_rtx_queue.empty() && (tp->tcp_rtx_queue.front().cb.sacked & TCPCB_SACKED_ACKED);
  if (is_reneg) ++sk->sk_net->tcp.mib.TCPSACKReneging;
  if (is_reneg || tcp_is_reno(tp)) tp->sacked_out = 0;
  for (tcp_wqe &w : tp->tcp_rtx_queue) {
    if (is_reneg) w.cb.sacked &= static_cast<uint8_t>(~TCPCB_SACKED_ACKED);
    if (w.cb.sacked & TCPCB_SACKED_ACKED) continue;
    if (w.cb.sacked & TCPCB_RETRANS) {
      w.cb.sacked &= static_cast<uint8_t>(~TCPCB_RETRANS);
      tp->retrans_out -= std::min(tp->retrans_out, w.cb.pcount);
    }
    if (!(w.cb.sacked & TCPCB_LOST)) {
      w.cb.sacked |= TCPCB_LOST;
      tp->lost_out += w.cb.pcount;
    }
  }
  tp->snd_cwnd = tcp_packets_in_flight(tp) + 1;
  tp->snd_cwnd_cnt = 0;
  tcp_set_ca_state(tp, TCP_CA_Loss);
  tp->high_seq = tp->snd_nxt;
}

int tcp_ack(sock *sk, sk_buff *skb, int flag) {
  tcp_sock *tp = tcp_sk(sk);
  const auto *th = reinterpret_cast<const tcphdr *>(skb->transport_hdr());
  seg_info s{th, be32_to_cpu(th->seq), 0, be32_to_cpu(th->ack_seq), 0};
  const uint32_t ack = s.ack_seq;
  const uint32_t prior_snd_una = tp->snd_una;
  const uint32_t prior_packets = tp->packets_out;
  uint64_t delivered = 0;

  if (before(ack, prior_snd_una)) return 0;  // an old ACK
  if (after(ack, tp->snd_nxt)) return -1;    // acknowledges what we never sent

  if (after(ack, prior_snd_una)) {
    flag |= FLAG_SND_UNA_ADVANCED;
    tp->icsk_retransmits = 0;
  }
  flag |= tcp_ack_update_window(sk, s, ack);
  if (tcp_is_sack(tp) && tp->rx_opt.num_sacks) flag |= tcp_sacktag_write_queue(sk, ack, &delivered);
  if (!prior_packets) return 1;  // nothing in flight: a window update at most

  uint32_t pkts_acked = 0;
  int64_t seq_rtt_us = -1;
  flag |= tcp_clean_rtx_queue(sk, &pkts_acked, &seq_rtt_us, &delivered);
  if ((flag & FLAG_ACKED) && tcp_is_reno(tp)) tcp_remove_reno_sacks(tp, pkts_acked, &delivered);
  // tcp_ack_update_rtt: the skb's own send time is preferred; where Karn
  // forbids it (retransmitted data acked), the echoed TSval gives the RTT
  // (RFC 7323 section 4; ms resolution, at least 1 ms as tcp_rtt_tsopt_us).
  if (seq_rtt_us < 0 && tp->rx_opt.saw_tstamp && tp->rx_opt.rcv_tsecr && (flag & FLAG_ACKED)) {
    const uint32_t delta = tcp_time_stamp_ms(sk->sk_net->kernel.timers.now()) - tp->rx_opt.rcv_tsecr;
    if (delta < INT32_MAX / 1000) {
      seq_rtt_us = int64_t{delta ? delta : 1} * 1000;
      ++tp->ts_rtt_samples;
    }
  }
  if (seq_rtt_us >= 0) {
    // tcp_ack_update_rtt: a valid sample resets the backoff (RFC 6298).
    tcp_rtt_estimator(sk, std::max<int64_t>(seq_rtt_us, 1));
    tcp_set_rto(sk);
    tp->icsk_backoff = 0;
  }
  if (tp->icsk_ca_ops->pkts_acked && pkts_acked) tp->icsk_ca_ops->pkts_acked(tp, pkts_acked, seq_rtt_us);
  if (flag & FLAG_ACKED) tcp_rearm_rto(sk);

  const bool is_dupack = !(flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DSACKING_ACK));
  if (is_dupack) ++sk->sk_net->tcp.mib.TCPDupAcks;
  bool rexmit = false;
  // tcp_ack_is_dubious
  if (!(flag & FLAG_NOT_DUP) || (flag & FLAG_CA_ALERT) || tp->icsk_ca_state != TCP_CA_Open)
    tcp_fastretrans_alert(sk, prior_snd_una, is_dupack ? 1 : 0, &flag, &rexmit, &delivered);

  // tcp_cong_control
  if (tcp_in_cwnd_reduction(tp)) {
    tcp_cwnd_reduction(tp, static_cast<uint32_t>(delivered), flag);
  } else if (flag & FLAG_DATA_ACKED) {  // tcp_may_raise_cwnd
    if (tcp_is_cwnd_limited(tp)) tp->icsk_ca_ops->cong_avoid(tp, ack, static_cast<uint32_t>(delivered));
  }
  tcp_sndbuf_expand(sk);  // tcp_new_space: the send buffer follows cwnd
  if (rexmit && sk->sk_state != TCP_SYN_SENT) tcp_xmit_retransmit_queue(sk);
  return 1;
}

// tcp_rcv_synsent_state_process: the answer to our SYN.
static int tcp_rcv_synsent_state_process(sock *sk, sk_buff *skb, const seg_info &s) {
  tcp_sock *tp = tcp_sk(sk);
  const tcphdr *th = s.th;
  if (th->flags & TCPHDR_ACK) {
    // Our SYN must be what it acknowledges; otherwise reset it.
    if (!after(s.ack_seq, tp->snd_una) || after(s.ack_seq, tp->snd_nxt)) return 1;
    if (th->flags & TCPHDR_RST) {
      tcp_reset(sk);
      return 0;
    }
    if (!(th->flags & TCPHDR_SYN)) return 0;
    // SYN-ACK.
    tcp_parse_options(*sk->sk_net, th, &tp->rx_opt, false);
    if (tp->rx_opt.saw_tstamp && tp->rx_opt.rcv_tsecr) tp->rx_opt.rcv_tsecr -= tp->tsoffset;
    tp->snd_wl1 = s.seq;  // tcp_init_wl
    tcp_ack(sk, skb, FLAG_SLOWPATH);
    tp->rcv_nxt = s.seq + 1;
    tp->rcv_wup = tp->rcv_nxt;
    tp->snd_wnd = be16_to_cpu(th->window);  // not scaled in a SYN
    const tcp_options_received &rx = tp->rx_opt;  // parsed above
    if (rx.mss_clamp) tp->mss_clamp = std::min<uint32_t>(tp->mss_clamp, rx.mss_clamp);
    tp->wscale_ok = rx.wscale_ok;
    // Timestamps on every segment from now on only if both sides said so;
    // TS.Recent starts at the SYN-ACK's TSval.
    if (rx.saw_tstamp) {
      tp->rx_opt.tstamp_ok = true;
      tp->tcp_header_len = sizeof(tcphdr) + TCPOLEN_TSTAMP_ALIGNED;
      tp->advmss -= TCPOLEN_TSTAMP_ALIGNED;
      tp->rx_opt.ts_recent = rx.rcv_tsval;
      tp->rx_opt.ts_recent_stamp = sk->sk_net->kernel.timers.now();
    } else {
      tp->tcp_header_len = sizeof(tcphdr);
    }
    if (tp->wscale_ok) {
      tp->snd_wscale = rx.snd_wscale;
    } else {
      tp->snd_wscale = tp->rcv_wscale = 0;
      tp->window_clamp = std::min<uint32_t>(tp->window_clamp, 65535);
      tp->rcv_wnd = std::min<uint32_t>(tp->rcv_wnd, 65535);
    }
    tp->max_window = tp->snd_wnd;
    tcp_sync_mss(sk, tp->icsk_pmtu_cookie);
    // tcp_finish_connect -> tcp_init_transfer
    tcp_set_state(sk, TCP_ESTABLISHED);
    if (tp->icsk_ca_ops->init) tp->icsk_ca_ops->init(tp);
    tp->snd_cwnd = (tp->total_retrans > 1 && tp->undo_marker) ? 1 : TCP_INIT_CWND;
    tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
    tcp_set_ca_state(tp, TCP_CA_Open);
    tp->retrans_stamp = 0;
    tcp_sndbuf_expand(sk);
    // sk_state_change: wake the connect() (or send()) waiting for this.
    net &n = *sk->sk_net;
    if (!tp->orphan && n.kernel.sched.sk_state_change) n.kernel.sched.sk_state_change(sk);
    tcp_send_ack(sk);
    // Anything queued before the handshake ended goes now.
    __tcp_push_pending_frames(sk, tcp_current_mss(sk), tp->nonagle);
    return 0;
  }
  if (th->flags & TCPHDR_RST) return 0;
  return 0;  // a simultaneous open (SYN without ACK) is not modelled
}

int tcp_rcv_state_process(sock *sk, sk_buff *skb) {
  tcp_sock *tp = tcp_sk(sk);
  const auto *th = reinterpret_cast<const tcphdr *>(skb->transport_hdr());
  seg_info s;
  s.th = th;
  s.seq = be32_to_cpu(th->seq);
  s.ack_seq = be32_to_cpu(th->ack_seq);
  s.len = skb->len - th->doff() * 4;
  s.end_seq = s.seq + s.len + ((th->flags & TCPHDR_SYN) ? 1 : 0) + ((th->flags & TCPHDR_FIN) ? 1 : 0);
  ++tp->segs_in;

  switch (sk->sk_state) {
    case TCP_CLOSE: return 1;
    case TCP_LISTEN: return 1;
    case TCP_SYN_SENT: return tcp_rcv_synsent_state_process(sk, skb, s);
    case TCP_TIME_WAIT:
      // tcp_timewait_state_process: a retransmitted FIN is acknowledged again.
      if (th->flags & TCPHDR_RST) {
        tcp_done(sk);
      } else if (th->flags & TCPHDR_FIN) {
        tcp_send_ack(sk);
      }
      return 0;
    default: break;
  }

  // tcp_fast_parse_options: timestamps and SACK blocks of this segment;
  // TSecr is kept in our clock (less the offset we added).
  tcp_parse_options(*sk->sk_net, th, &tp->rx_opt, true);
  if (tp->rx_opt.saw_tstamp && tp->rx_opt.rcv_tsecr) tp->rx_opt.rcv_tsecr -= tp->tsoffset;

  // tcp_validate_incoming: in the window?
  const uint32_t rwnd = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
  if (before(s.end_seq, tp->rcv_wup) || after(s.seq, tp->rcv_nxt + rwnd)) {
    if (!(th->flags & TCPHDR_RST)) tcp_send_ack(sk);  // tcp_send_dupack
    return 0;
  }
  if (th->flags & TCPHDR_RST) {
    if (s.seq == tp->rcv_nxt) tcp_reset(sk);
    else tcp_send_ack(sk);  // challenge ACK (RFC 5961)
    return 0;
  }
  if (th->flags & TCPHDR_SYN) {
    tcp_send_ack(sk);  // challenge ACK
    return 0;
  }
  if (!(th->flags & TCPHDR_ACK)) return 0;
  // tcp_replace_ts_recent (RFC 7323 section 4.3): echo the TSval of the
  // segment that reaches our last ACK point, unless it goes back in time.
  if (tp->rx_opt.saw_tstamp && !after(s.seq, tp->rcv_wup) &&
      static_cast<int32_t>(tp->rx_opt.rcv_tsval - tp->rx_opt.ts_recent) >= 0) {
    tp->rx_opt.ts_recent = tp->rx_opt.rcv_tsval;
    tp->rx_opt.ts_recent_stamp = sk->sk_net->kernel.timers.now();
  }
  if (tcp_ack(sk, skb, FLAG_SLOWPATH | (s.len ? FLAG_DATA : 0)) < 0) {
    tcp_send_ack(sk);
    return 0;
  }
  const bool fin_acked = tp->snd_una == tp->write_seq;
  switch (sk->sk_state) {
    case TCP_FIN_WAIT1:
      if (fin_acked) {
        tcp_set_state(sk, TCP_FIN_WAIT2);
        sk->sk_shutdown |= SEND_SHUTDOWN;
        inet_csk_clear_xmit_timer(sk);
        if (!(th->flags & TCPHDR_FIN))
          tcp_time_wait(sk, TCP_FIN_WAIT2, uint64_t(sk->sk_net->tcp.sysctl.tcp_fin_timeout_s) * 1'000'000'000);
      }
      break;
    case TCP_CLOSING:
      if (fin_acked) {
        tcp_time_wait(sk, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN);
        return 0;
      }
      break;
    case TCP_LAST_ACK:
      if (fin_acked) {
        tcp_done(sk);
        return 0;
      }
      break;
    default: break;
  }

  // tcp_data_queue: in-order data and FIN advance rcv_nxt (the bytes are
  // dropped: we model the sender); anything else gets a duplicate ACK.
  const bool fin = th->flags & TCPHDR_FIN;
  if (s.len || fin) {
    if (s.seq == tp->rcv_nxt && !((1u << sk->sk_state) & ((1u << TCP_CLOSE_WAIT) | (1u << TCP_CLOSING) |
                                                           (1u << TCP_LAST_ACK) | (1u << TCP_TIME_WAIT)))) {
      tp->rcv_nxt += s.len;
      if (fin) {
        // tcp_fin
        tp->rcv_nxt += 1;
        switch (sk->sk_state) {
          case TCP_ESTABLISHED: tcp_set_state(sk, TCP_CLOSE_WAIT); break;
          case TCP_FIN_WAIT1: tcp_set_state(sk, TCP_CLOSING); break;
          case TCP_FIN_WAIT2:
            tcp_send_ack(sk);
            tcp_time_wait(sk, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN);
            return 0;
          default: break;
        }
      }
    }
    tcp_send_ack(sk);
  }
  // tcp_data_snd_check: the ACK may have opened cwnd or the window.
  if ((1u << sk->sk_state) & ((1u << TCP_ESTABLISHED) | (1u << TCP_CLOSE_WAIT) | (1u << TCP_FIN_WAIT1) |
                              (1u << TCP_CLOSING) | (1u << TCP_LAST_ACK))) {
    __tcp_push_pending_frames(sk, tcp_current_mss(sk), tp->nonagle);
    tcp_check_space(sk);
  }
  return 0;
}

void tcp_check_space(sock *sk) {
  // Only when a sender found the queue full (SOCK_NOSPACE); tcp_new_space
  // then calls sk->sk_write_space, sk_stream_write_space for TCP (its
  // tcp_sndbuf_expand is done in tcp_ack here).
  if (sk->sock_nospace) sk_stream_write_space(sk);
}

void tcp_sndbuf_expand(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  // Room for two windows of segments at their true size.
  uint32_t per_mss = std::max(tp->mss_clamp == 0xffff ? tp->mss_cache : tp->mss_clamp, tp->mss_cache) +
                     MAX_TCP_HEADER + 320;  // + SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
  uint32_t p2 = 1;
  while (p2 < per_mss) p2 <<= 1;
  per_mss = p2 + 256;  // roundup_pow_of_two + SKB_DATA_ALIGN(sizeof(struct sk_buff))
  uint32_t nr_segs = std::max(TCP_INIT_CWND, tp->snd_cwnd);
  nr_segs = std::max(nr_segs, tp->reordering + 1);
  const uint64_t sndmem = uint64_t{2} * nr_segs * per_mss;
  // tcp_should_expand_sndbuf: not when the application set SO_SNDBUF.
  if (sk->sk_userlocks & SOCK_SNDBUF_LOCK) return;
  if (sk->sk_sndbuf < sndmem)
    sk->sk_sndbuf = static_cast<uint32_t>(std::min<uint64_t>(sndmem, sk->sk_net->tcp.sysctl.tcp_wmem[2]));
}

void tcp_rearm_rto(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (!tp->packets_out)
    inet_csk_clear_xmit_timer(sk);
  else
    inet_csk_reset_xmit_timer(sk, tp->icsk_rto);
}

}  // namespace wirepath
