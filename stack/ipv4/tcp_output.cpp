// TCP output (net/ipv4/tcp_output.c): MSS, the SYN, tcp_write_xmit with its
// cwnd / receive window / Nagle tests, tcp_transmit_skb, FIN, ACK,
// retransmission and tcp_fragment.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "stack/core/checksum.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/inet_connection_sock.hpp"
#include "stack/ipv4/tcp.hpp"

namespace wirepath {

namespace {
constexpr uint32_t TCP_MIN_SND_MSS = 48;
constexpr uint32_t IPV4_HLEN = 20;

uint32_t tcp_wnd_end(const tcp_sock *tp) { return tp->snd_una + tp->snd_wnd; }

uint32_t dst_mtu(const sock *sk) { return sk->dst_cached ? sk->sk_dst_cache.mtu() : 576; }

uint32_t tcp_skb_truesize(uint32_t size) { return ((size + 63) & ~63u) + 576; }

sk_buff *alloc_payload_skb(net &n, uint32_t size) { return alloc_skb(n.mem, size ? size : 1); }
}  // namespace

// __tcp_mtu_to_mss / tcp_mtu_to_mss: payload per segment for this path MTU.
uint32_t tcp_mtu_to_mss(const tcp_sock *tp, uint32_t pmtu) {
  int64_t mss_now = int64_t{pmtu} - IPV4_HLEN - sizeof(tcphdr);
  if (mss_now > tp->mss_clamp) mss_now = tp->mss_clamp;
  if (mss_now < TCP_MIN_SND_MSS) mss_now = TCP_MIN_SND_MSS;
  // Options on every segment (timestamps: 12 bytes) come off: 1448 at MTU 1500.
  mss_now -= tp->tcp_header_len - sizeof(tcphdr);
  return static_cast<uint32_t>(mss_now);
}

uint32_t tcp_sync_mss(sock *sk, uint32_t pmtu) {
  tcp_sock *tp = tcp_sk(sk);
  uint32_t mss_now = tcp_mtu_to_mss(tp, pmtu);
  // tcp_bound_to_half_wnd
  const uint32_t cutoff = tp->max_window > TCP_MSS_DEFAULT ? tp->max_window >> 1 : tp->max_window;
  if (cutoff && mss_now > cutoff) mss_now = std::max(cutoff, 68u - 20u);
  tp->icsk_pmtu_cookie = pmtu;
  tp->mss_cache = mss_now;
  return mss_now;
}

uint32_t tcp_current_mss(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  uint32_t mss_now = tp->mss_cache;
  if (sk->dst_cached) {
    const uint32_t mtu = dst_mtu(sk);
    if (mtu != tp->icsk_pmtu_cookie) mss_now = tcp_sync_mss(sk, mtu);
  }
  return mss_now;
}

void tcp_set_skb_tso_segs(tcp_wqe &wqe, uint32_t mss_now) {
  const uint32_t len = wqe.len();
  wqe.cb.pcount = len <= mss_now ? 1 : (len + mss_now - 1) / mss_now;
}

// tcp_select_initial_window: the SYN's window and our window scale.
static void tcp_select_initial_window(const net &n, uint32_t space, uint32_t mss, uint32_t *rcv_wnd,
                                      uint32_t *window_clamp, bool wscale_ok, uint8_t *rcv_wscale) {
  if (*window_clamp == 0) *window_clamp = 65535u << TCP_MAX_WSCALE;
  space = std::min(*window_clamp, space);
  if (space > mss) space = space / mss * mss;
  *rcv_wnd = std::min<uint32_t>(space, 65535);
  *rcv_wscale = 0;
  if (wscale_ok) {
    space = std::max(space, n.tcp.sysctl.tcp_rmem[2]);
    space = std::min(space, *window_clamp);
    int ilog2 = 31 - __builtin_clz(space);
    *rcv_wscale = static_cast<uint8_t>(std::clamp(ilog2 - 15, 0, static_cast<int>(TCP_MAX_WSCALE)));
  }
  *window_clamp = std::min<uint32_t>(65535u << *rcv_wscale, *window_clamp);
}

void tcp_connect_init(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  if (tp->user_mss) tp->mss_clamp = tp->user_mss;
  // Timestamps are offered: count them in the header until the SYN-ACK says.
  tp->tcp_header_len = sizeof(tcphdr) + (n.tcp.sysctl.tcp_timestamps ? TCPOLEN_TSTAMP_ALIGNED : 0);
  tp->rx_opt = tcp_options_received{};
  tp->max_window = 0;
  tcp_sync_mss(sk, dst_mtu(sk));
  // dst_metric_advmss: the route MTU less the headers, capped by TCP_MAXSEG.
  tp->advmss = dst_mtu(sk) - IPV4_HLEN - sizeof(tcphdr);
  if (tp->user_mss && tp->user_mss < tp->advmss) tp->advmss = tp->user_mss;
  // tcp_full_space: half of tcp_rmem[1] is window (tcp_adv_win_scale 1).
  const uint32_t full_space = n.tcp.sysctl.tcp_rmem[1] / 2;
  tp->window_clamp = 0;
  tcp_select_initial_window(n, full_space, tp->advmss, &tp->rcv_wnd, &tp->window_clamp,
                            n.tcp.sysctl.tcp_window_scaling != 0, &tp->rcv_wscale);
  sk->sk_err = 0;
  tp->snd_wnd = 0;
  tp->snd_wl1 = 0;
  tp->snd_una = tp->write_seq;
  tp->snd_sml = tp->write_seq;
  tp->snd_nxt = tp->write_seq;
  tp->pushed_seq = tp->write_seq;
  tp->rcv_nxt = 0;
  tp->rcv_wup = 0;
  tp->icsk_rto = TCP_TIMEOUT_INIT;
  tp->icsk_retransmits = 0;
  tp->retrans_out = tp->lost_out = tp->sacked_out = 0;
  tp->highest_sack_seq = tp->write_seq;
}

// tcp_syn_options + tcp_options_write: MSS; timestamps, with SACK_PERM in
// the two bytes that would otherwise be NOPs; SACK_PERM alone behind two
// NOPs; NOP and window scale. Checked against Linux 6.18's SYNs.
uint32_t tcp_syn_options(const tcp_sock *tp, const net &n, uint32_t tsval, uint8_t *opt) {
  uint32_t len = 0;
  auto put32 = [&](uint32_t v) {
    for (int sh = 24; sh >= 0; sh -= 8) opt[len++] = static_cast<uint8_t>(v >> sh);
  };
  opt[len++] = TCPOPT_MSS;
  opt[len++] = TCPOLEN_MSS;
  opt[len++] = static_cast<uint8_t>(tp->advmss >> 8);
  opt[len++] = static_cast<uint8_t>(tp->advmss);
  const bool ts = n.tcp.sysctl.tcp_timestamps, sack = n.tcp.sysctl.tcp_sack;
  if (ts) {
    opt[len++] = sack ? uint8_t{TCPOPT_SACK_PERM} : uint8_t{TCPOPT_NOP};
    opt[len++] = sack ? uint8_t{TCPOLEN_SACK_PERM} : uint8_t{TCPOPT_NOP};
    opt[len++] = TCPOPT_TIMESTAMP;
    opt[len++] = TCPOLEN_TIMESTAMP;
    put32(tsval);
    put32(tp->rx_opt.ts_recent);  // 0 in a SYN
  } else if (sack) {
    opt[len++] = TCPOPT_NOP;
    opt[len++] = TCPOPT_NOP;
    opt[len++] = TCPOPT_SACK_PERM;
    opt[len++] = TCPOLEN_SACK_PERM;
  }
  if (n.tcp.sysctl.tcp_window_scaling) {
    opt[len++] = TCPOPT_NOP;
    opt[len++] = TCPOPT_WINDOW;
    opt[len++] = TCPOLEN_WINDOW;
    opt[len++] = tp->rcv_wscale;
  }
  return len;
}

// tcp_established_options: NOP NOP TS TSval TSecr once timestamps are
// negotiated (we send no SACK blocks: data from the peer is not queued).
uint32_t tcp_established_options(const tcp_sock *tp, uint32_t tsval, uint8_t *opt) {
  if (!tp->rx_opt.tstamp_ok) return 0;
  uint32_t len = 0;
  auto put32 = [&](uint32_t v) {
    for (int sh = 24; sh >= 0; sh -= 8) opt[len++] = static_cast<uint8_t>(v >> sh);
  };
  opt[len++] = TCPOPT_NOP;
  opt[len++] = TCPOPT_NOP;
  opt[len++] = TCPOPT_TIMESTAMP;
  opt[len++] = TCPOLEN_TIMESTAMP;
  put32(tsval);
  put32(tp->rx_opt.ts_recent);
  return len;
}

// tcp_select_window: what we advertise (we consume nothing, so rcv_wnd).
static uint16_t tcp_select_window(tcp_sock *tp) {
  uint32_t win = tp->rcv_wnd;
  if (!tp->wscale_ok) win = std::min<uint32_t>(win, 65535);
  tp->rcv_wup = tp->rcv_nxt;
  return static_cast<uint16_t>(std::min<uint32_t>(win >> tp->rcv_wscale, 65535));
}

// __tcp_transmit_skb: a fresh skb with the segment's headers in front of a
// copy of the payload (the kernel sends a clone; our driver frees what it
// sent, so the queued skb must stay ours). Returns 0 or -errno / NET_XMIT_*.
static int __tcp_transmit_skb(sock *sk, const uint8_t *payload, uint32_t len, const tcp_skb_cb &cb,
                              uint32_t gso_mss) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  uint8_t opts[40];
  uint32_t opts_len = 0;
  const bool syn = cb.tcp_flags & TCPHDR_SYN;
  // TSval: the ms clock plus the connection's random offset (tcp_skb_timestamp_ts + tsoffset).
  const uint32_t tsval = tcp_time_stamp_ms(n.kernel.timers.now()) + tp->tsoffset;
  opts_len = syn ? tcp_syn_options(tp, n, tsval, opts) : tcp_established_options(tp, tsval, opts);
  const uint32_t tcp_header_size = sizeof(tcphdr) + opts_len;

  sk_buff *skb = nullptr;
  try {
    skb = alloc_skb(n.mem, MAX_TCP_HEADER + len);
  } catch (const std::bad_alloc &) {
    return -ENOBUFS;
  }
  skb->reserve(MAX_TCP_HEADER);
  if (len) std::memcpy(skb->put(len), payload, len);
  skb->push(tcp_header_size);
  skb->reset_transport_header();
  skb->sk = sk;
  auto *th = reinterpret_cast<tcphdr *>(skb->data);
  th->source = cpu_to_be16(sk->inet_sport);
  th->dest = cpu_to_be16(sk->inet_dport);
  th->seq = cpu_to_be32(cb.seq);
  th->ack_seq = cpu_to_be32(cb.tcp_flags & TCPHDR_ACK ? tp->rcv_nxt : 0);
  th->doff_res = static_cast<uint8_t>((tcp_header_size / 4) << 4);
  th->flags = cb.tcp_flags;
  th->window = cpu_to_be16(syn ? static_cast<uint16_t>(std::min<uint32_t>(tp->rcv_wnd, 65535))
                               : tcp_select_window(tp));
  th->check = 0;
  th->urg_ptr = 0;
  std::memcpy(skb->data + sizeof(tcphdr), opts, opts_len);

  const uint32_t segs = gso_mss && len > gso_mss ? (len + gso_mss - 1) / gso_mss : 1;
  if (segs > 1) skb->gso_size = static_cast<uint16_t>(gso_mss);
  const net_device *dev = sk->dst_cached ? sk->sk_dst_cache.dev : nullptr;
  skb->ip_summed = dev && (dev->features & NETIF_F_IP_CSUM) ? CHECKSUM_PARTIAL : CHECKSUM_NONE;
  tcp_v4_send_check(sk, skb);

  tp->segs_out += segs;
  if (len) {
    tp->data_segs_out += segs;
    tp->bytes_sent += len;
  }
  n.tcp.mib.OutSegs += segs;
  int err = ip_queue_xmit(sk, skb, segs);
  if (err > 0) err = err == NET_XMIT_CN ? 0 : err;  // net_xmit_eval
  return err;
}

int tcp_transmit_skb(sock *sk, tcp_wqe &wqe) {
  const uint32_t len = wqe.len();
  const uint32_t mss = tcp_current_mss(sk);
  wqe.cb.skb_mstamp_ns = sk->sk_net->kernel.timers.now();
  return __tcp_transmit_skb(sk, len ? wqe.skb->data : nullptr, len, wqe.cb, wqe.cb.pcount > 1 ? mss : 0);
}

void tcp_send_ack(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (sk->sk_state == TCP_CLOSE) return;
  tcp_skb_cb cb;
  cb.seq = cb.end_seq = tp->snd_nxt;  // tcp_acceptable_seq
  cb.tcp_flags = TCPHDR_ACK;
  __tcp_transmit_skb(sk, nullptr, 0, cb, 0);
}

// tcp_xmit_probe_skb: a zero window probe, seq snd_una - 1 and no data.
static void tcp_xmit_probe_skb(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  tcp_skb_cb cb;
  cb.seq = cb.end_seq = tp->snd_una - 1;
  cb.tcp_flags = TCPHDR_ACK;
  __tcp_transmit_skb(sk, nullptr, 0, cb, 0);
}

int tcp_connect(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  tcp_connect_init(sk);
  tcp_wqe syn;
  try {
    syn.skb = alloc_payload_skb(n, 0);
  } catch (const std::bad_alloc &) {
    return -ENOBUFS;
  }
  syn.skb->sk = sk;
  syn.cb.seq = tp->write_seq;
  syn.cb.end_seq = tp->write_seq + 1;
  syn.cb.tcp_flags = TCPHDR_SYN;
  // tcp_connect_queue_skb
  tp->write_seq = syn.cb.end_seq;
  syn.cb.truesize = tcp_skb_truesize(0);
  tp->sk_wmem_queued += syn.cb.truesize;
  tp->packets_out += 1;
  tp->tcp_rtx_queue.push_back(syn);
  tp->retrans_stamp = 0;
  const int err = tcp_transmit_skb(sk, tp->tcp_rtx_queue.back());
  if (err == -ECONNREFUSED) return err;
  tp->snd_nxt = tp->write_seq;
  tp->pushed_seq = tp->write_seq;
  ++n.tcp.mib.ActiveOpens;
  inet_csk_reset_xmit_timer(sk, tp->icsk_rto);
  return 0;
}

bool tcp_nagle_check(bool partial, const tcp_sock *tp, int nonagle) {
  // tcp_minshall_check: a small segment is still unacknowledged.
  const bool minshall = after(tp->snd_sml, tp->snd_una) && !after(tp->snd_sml, tp->snd_nxt);
  return partial && ((nonagle & TCP_NAGLE_CORK) || (!nonagle && tp->packets_out && minshall));
}

bool tcp_nagle_test(const tcp_sock *tp, const tcp_wqe &wqe, uint32_t cur_mss, int nonagle) {
  if (nonagle & TCP_NAGLE_PUSH) return true;
  // Don't use the Nagle rule for the final FIN.
  if (wqe.cb.tcp_flags & TCPHDR_FIN) return true;
  return !tcp_nagle_check(wqe.len() < cur_mss, tp, nonagle);
}

// tcp_cwnd_test: segments cwnd allows now, at most half a window per burst.
static uint32_t tcp_cwnd_test(const tcp_sock *tp) {
  const uint32_t in_flight = tcp_packets_in_flight(tp);
  const uint32_t cwnd = tp->snd_cwnd;
  if (in_flight >= cwnd) return 0;
  const uint32_t halfcwnd = std::max(cwnd >> 1, 1u);
  return std::min(halfcwnd, cwnd - in_flight);
}

// tcp_snd_wnd_test: the first segment of the skb fits in the peer's window.
static bool tcp_snd_wnd_test(const tcp_sock *tp, const tcp_wqe &wqe, uint32_t cur_mss) {
  uint32_t end_seq = wqe.cb.end_seq;
  if (wqe.len() > cur_mss) end_seq = wqe.cb.seq + cur_mss;
  return !after(end_seq, tcp_wnd_end(tp));
}

// tcp_mss_split_point: how much of a TSO skb to send now.
static uint32_t tcp_mss_split_point(const tcp_sock *tp, const tcp_wqe &wqe, bool is_tail, uint32_t mss_now,
                                    uint32_t max_segs, int nonagle) {
  const uint32_t window = tcp_wnd_end(tp) - wqe.cb.seq;
  const uint32_t max_len = mss_now * max_segs;
  if (max_len <= window && !is_tail) return max_len;
  const uint32_t needed = std::min(wqe.len(), window);
  if (max_len <= needed) return max_len;
  const uint32_t partial = needed % mss_now;
  if (tcp_nagle_check(partial != 0, tp, nonagle)) return needed - partial;
  return needed;
}

int tcp_fragment(sock *sk, std::deque<tcp_wqe> &queue, size_t index, uint32_t len, uint32_t mss_now) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  tcp_wqe &old = queue[index];
  const uint32_t total = old.len();
  if (len == 0 || len >= total) return -EINVAL;
  const uint32_t nsize = total - len;
  tcp_wqe buff;
  try {
    buff.skb = alloc_payload_skb(n, nsize);
  } catch (const std::bad_alloc &) {
    return -ENOMEM;
  }
  buff.skb->sk = sk;
  std::memcpy(buff.skb->put(nsize), old.skb->data + len, nsize);
  // Trim the original (skb_trim on a linear skb).
  old.skb->len = len;
  old.skb->tail = old.skb->data + len;
  buff.cb = old.cb;
  buff.cb.truesize = tcp_skb_truesize(nsize);
  tp->sk_wmem_queued += buff.cb.truesize;

  buff.cb.seq = old.cb.seq + len;
  old.cb.end_seq = buff.cb.seq;
  // PSH and FIN stay with the last part.
  old.cb.tcp_flags &= static_cast<uint8_t>(~(TCPHDR_FIN | TCPHDR_PSH));
  const uint32_t old_pcount = old.cb.pcount;
  tcp_set_skb_tso_segs(old, mss_now);
  tcp_set_skb_tso_segs(buff, mss_now);
  // tcp_adjust_pcount: an in-flight skb changes the in-flight counts.
  if (&queue == &tp->tcp_rtx_queue) {
    const int32_t diff = static_cast<int32_t>(old.cb.pcount + buff.cb.pcount) - static_cast<int32_t>(old_pcount);
    tp->packets_out += diff;
    if (old.cb.sacked & TCPCB_LOST) tp->lost_out += diff;
    if (old.cb.sacked & TCPCB_RETRANS) tp->retrans_out += diff;
    if (old.cb.sacked & TCPCB_SACKED_ACKED) tp->sacked_out += diff;
  }
  queue.insert(queue.begin() + static_cast<std::ptrdiff_t>(index) + 1, buff);
  return 0;
}

// tcp_event_new_data_sent: the head of the write queue is now in flight.
static void tcp_event_new_data_sent(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  tcp_wqe wqe = tp->sk_write_queue.front();
  tp->sk_write_queue.pop_front();
  const uint32_t prior_packets = tp->packets_out;
  tp->snd_nxt = wqe.cb.end_seq;
  tp->packets_out += wqe.cb.pcount;
  tp->tcp_rtx_queue.push_back(wqe);
  if (!prior_packets) tcp_rearm_rto(sk);
}

// tcp_cwnd_validate: remember whether cwnd, not the application, limited us.
static void tcp_cwnd_validate(tcp_sock *tp, bool is_cwnd_limited) {
  if (!before(tp->snd_una, tp->cwnd_usage_seq) || is_cwnd_limited ||
      (!tp->is_cwnd_limited && tp->packets_out > tp->max_packets_out)) {
    tp->is_cwnd_limited = is_cwnd_limited;
    tp->max_packets_out = tp->packets_out;
    tp->cwnd_usage_seq = tp->snd_nxt;
  }
}

bool tcp_write_xmit(sock *sk, uint32_t mss_now, int nonagle, int push_one) {
  tcp_sock *tp = tcp_sk(sk);
  uint32_t sent_pkts = 0;
  bool is_cwnd_limited = false;
  const bool can_gso = sk_can_gso(sk);

  while (!tp->sk_write_queue.empty()) {
    tcp_wqe &wqe = tp->sk_write_queue.front();
    tcp_set_skb_tso_segs(wqe, mss_now);  // tcp_init_tso_segs
    const uint32_t cwnd_quota = tcp_cwnd_test(tp);
    if (!cwnd_quota) {
      is_cwnd_limited = true;
      break;
    }
    if (!tcp_snd_wnd_test(tp, wqe, mss_now)) break;
    const bool is_tail = tp->sk_write_queue.size() == 1;
    if (wqe.cb.pcount == 1) {
      if (!tcp_nagle_test(tp, wqe, mss_now, is_tail ? nonagle : TCP_NAGLE_PUSH)) break;
    }
    // (tcp_tso_should_defer and TSQ are not modelled.)
    uint32_t limit = mss_now;
    if (wqe.cb.pcount > 1 && can_gso)
      limit = tcp_mss_split_point(tp, wqe, is_tail, mss_now, cwnd_quota,
                                  is_tail ? nonagle : TCP_NAGLE_PUSH);
    if (wqe.len() > limit && tcp_fragment(sk, tp->sk_write_queue, 0, limit, mss_now)) break;
    tcp_wqe &head = tp->sk_write_queue.front();
    if (!can_gso) head.cb.pcount = 1;
    if (tcp_transmit_skb(sk, head)) break;
    // tcp_minshall_update
    if (head.len() < head.cb.pcount * mss_now) tp->snd_sml = head.cb.end_seq;
    sent_pkts += head.cb.pcount;
    tcp_event_new_data_sent(sk);
    if (push_one) break;
  }
  is_cwnd_limited |= tcp_packets_in_flight(tp) >= tp->snd_cwnd;
  if (sent_pkts || is_cwnd_limited) {
    if ((1u << tp->icsk_ca_state) & ((1u << TCP_CA_CWR) | (1u << TCP_CA_Recovery))) tp->prr_out += sent_pkts;
    tcp_cwnd_validate(tp, is_cwnd_limited);
    if (sent_pkts) return false;
  }
  return !tp->packets_out && !tp->sk_write_queue.empty();
}

// tcp_check_probe_timer: nothing in flight but data waits (zero window, or a
// local drop): probe later so the connection cannot stall.
static void tcp_check_probe_timer(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (!tp->packets_out && !tp->icsk_retransmit_timer.pending)
    inet_csk_reset_xmit_timer(sk, std::max(tp->icsk_rto, TCP_RTO_MIN));
}

void __tcp_push_pending_frames(sock *sk, uint32_t cur_mss, int nonagle) {
  if (sk->sk_state == TCP_CLOSE) return;
  if (tcp_write_xmit(sk, cur_mss, nonagle, 0)) tcp_check_probe_timer(sk);
}

void tcp_push_one(sock *sk, uint32_t mss_now) { tcp_write_xmit(sk, mss_now, TCP_NAGLE_PUSH, 1); }

// tcp_send_probe0 / tcp_write_wakeup: what the probe timer sends.
void tcp_send_probe0(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (tp->packets_out || tp->sk_write_queue.empty()) return;
  const uint32_t mss = tcp_current_mss(sk);
  if (!tcp_write_xmit(sk, mss, TCP_NAGLE_PUSH, 1)) return;  // the window opened
  tcp_xmit_probe_skb(sk);
  tp->icsk_backoff++;
  inet_csk_reset_xmit_timer(sk, std::min(tp->icsk_rto << tp->icsk_backoff, TCP_RTO_MAX));
}

void tcp_send_fin(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  if (!tp->sk_write_queue.empty()) {
    // Piggyback on the last unsent segment.
    tcp_wqe &tail = tp->sk_write_queue.back();
    tail.cb.tcp_flags |= TCPHDR_FIN;
    tail.cb.end_seq++;
    tp->write_seq++;
  } else {
    tcp_wqe fin;
    try {
      fin.skb = alloc_payload_skb(n, 0);
    } catch (const std::bad_alloc &) {
      return;
    }
    fin.skb->sk = sk;
    fin.cb.seq = tp->write_seq;
    fin.cb.end_seq = tp->write_seq + 1;
    fin.cb.tcp_flags = TCPHDR_ACK | TCPHDR_FIN;
    tp->write_seq++;
    fin.cb.truesize = tcp_skb_truesize(0);
    tp->sk_wmem_queued += fin.cb.truesize;
    tp->sk_write_queue.push_back(fin);
  }
  __tcp_push_pending_frames(sk, tcp_current_mss(sk), TCP_NAGLE_OFF);
}

int tcp_retransmit_skb(sock *sk, size_t idx) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  if (idx >= tp->tcp_rtx_queue.size()) return -EINVAL;
  const uint32_t cur_mss = tcp_current_mss(sk);
  tcp_wqe &w = tp->tcp_rtx_queue[idx];
  // Part of it may already be acknowledged (tcp_trim_head).
  if (before(w.cb.seq, tp->snd_una) && w.len()) {
    const uint32_t trim = std::min(tp->snd_una - w.cb.seq, w.len());
    w.skb->pull(trim);
    w.cb.seq += trim;
  }
  // The window may have shrunk under it (only the head may go beyond).
  if (!before(w.cb.seq, tcp_wnd_end(tp)) && w.cb.seq != tp->snd_una) return -EAGAIN;
  const int64_t segs = int64_t{tp->snd_cwnd} - tcp_packets_in_flight(tp);
  if (segs <= 0 && !(w.cb.sacked & TCPCB_LOST)) return -EAGAIN;
  const uint32_t len = cur_mss * static_cast<uint32_t>(std::max<int64_t>(segs, 1));
  if (w.len() > len || (!sk_can_gso(sk) && w.len() > cur_mss)) {
    const uint32_t cut = sk_can_gso(sk) ? len : cur_mss;
    if (tcp_fragment(sk, tp->tcp_rtx_queue, idx, cut, cur_mss)) return -ENOMEM;
  }
  tcp_wqe &r = tp->tcp_rtx_queue[idx];
  const uint32_t old_pcount = r.cb.pcount;
  tcp_set_skb_tso_segs(r, cur_mss);
  if (!sk_can_gso(sk)) r.cb.pcount = 1;
  if (r.cb.pcount != old_pcount) {
    const int32_t diff = static_cast<int32_t>(r.cb.pcount) - static_cast<int32_t>(old_pcount);
    tp->packets_out += diff;
    if (r.cb.sacked & TCPCB_LOST) tp->lost_out += diff;
  }
  const int err = tcp_transmit_skb(sk, r);
  if (err) return err;
  // RETRANS: a retransmission is in flight; EVER_RETRANS: no RTT sample (Karn).
  if (!(r.cb.sacked & TCPCB_RETRANS)) tp->retrans_out += r.cb.pcount;
  r.cb.sacked |= TCPCB_RETRANS | TCPCB_EVER_RETRANS;
  tp->total_retrans += r.cb.pcount;
  n.tcp.mib.RetransSegs += r.cb.pcount;
  if (!tp->retrans_stamp) tp->retrans_stamp = r.cb.skb_mstamp_ns;
  return 0;
}

void tcp_xmit_retransmit_queue(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (!tp->packets_out) return;
  for (size_t i = 0; i < tp->tcp_rtx_queue.size(); ++i) {
    if (tp->retrans_out >= tp->lost_out) break;
    const uint8_t sacked = tp->tcp_rtx_queue[i].cb.sacked;
    // Holes only: lost, not yet retransmitted, not SACKed.
    if (!(sacked & TCPCB_LOST) || (sacked & (TCPCB_RETRANS | TCPCB_SACKED_ACKED))) continue;
    if (tcp_packets_in_flight(tp) >= tp->snd_cwnd) break;
    if (tcp_retransmit_skb(sk, i)) break;
    if ((1u << tp->icsk_ca_state) & ((1u << TCP_CA_CWR) | (1u << TCP_CA_Recovery)))
      tp->prr_out += tp->tcp_rtx_queue[i].cb.pcount;
    if (i == 0) inet_csk_reset_xmit_timer(sk, tp->icsk_rto);
  }
}

}  // namespace wirepath
