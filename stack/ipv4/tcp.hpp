// TCP over IPv4, the sender (include/net/tcp.h, include/linux/tcp.h).
//
//   send -> inet_sendmsg -> tcp_sendmsg (write queue) -> tcp_push
//   -> __tcp_push_pending_frames -> tcp_write_xmit (cwnd, rwnd, Nagle, TSO)
//   -> tcp_transmit_skb (header, options, checksum) -> ip_queue_xmit
//   ACKs: netif_receive_skb -> ip_rcv -> ip_local_deliver -> inet_protos[TCP]
//   -> tcp_v4_rcv -> tcp_rcv_state_process -> tcp_ack
//   (tcp_clean_rtx_queue, RTT, tcp_fastretrans_alert, cong_avoid)
//   RTO: tcp_retransmit_timer -> tcp_enter_loss -> tcp_retransmit_skb
//
// Sequence numbers, windows and ports in host order; time in ns from
// the host's timer base (net::kernel.timers, kernel/timer.hpp). The send buffer is
// struct sock's (sk_sndbuf, sk_wmem_queued, sk_err, sk_shutdown); blocking
// calls sleep in sched_hooks::sk_wait (core/stream.cpp). Timestamps (RFC 7323)
// and SACK (RFC 2018, recovery as Linux without RACK) as negotiated in the
// handshake (net.ipv4.tcp_timestamps, tcp_sack); no TLP, RACK, F-RTO,
// autocorking or TSQ.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>

#include "stack/core/sock.hpp"
#include "stack/kernel/timer.hpp"

namespace wirepath {

struct sk_buff;
struct kmsghdr;

#ifndef SOL_TCP
constexpr int SOL_TCP = 6;
#endif
#ifndef TCP_NODELAY
constexpr int TCP_NODELAY = 1;
#endif
#ifndef TCP_MAXSEG
constexpr int TCP_MAXSEG = 2;
#endif
#ifndef TCP_CORK
constexpr int TCP_CORK = 3;
#endif

// The socket states (TCP_SYN_SENT, ...) are in sock.hpp, as tcp_states.h.
const char *tcp_state_name(uint8_t state);

// Header flags (TCPHDR_*).
enum : uint8_t {
  TCPHDR_FIN = 0x01, TCPHDR_SYN = 0x02, TCPHDR_RST = 0x04, TCPHDR_PSH = 0x08,
  TCPHDR_ACK = 0x10, TCPHDR_URG = 0x20, TCPHDR_ECE = 0x40, TCPHDR_CWR = 0x80,
};

// Options (TCPOPT_*).
enum : uint8_t { TCPOPT_EOL = 0, TCPOPT_NOP = 1, TCPOPT_MSS = 2, TCPOPT_WINDOW = 3, TCPOPT_SACK_PERM = 4,
                 TCPOPT_SACK = 5, TCPOPT_TIMESTAMP = 8 };
// Option lengths (TCPOLEN_*).
enum : uint8_t { TCPOLEN_MSS = 4, TCPOLEN_WINDOW = 3, TCPOLEN_SACK_PERM = 2, TCPOLEN_TIMESTAMP = 10,
                 TCPOLEN_TSTAMP_ALIGNED = 12, TCPOLEN_SACK_BASE = 2, TCPOLEN_SACK_BASE_ALIGNED = 4,
                 TCPOLEN_SACK_PERBLOCK = 8, MAX_TCP_OPTION_SPACE = 40 };
constexpr int TCP_NUM_SACKS = 4;  // SACK blocks an option can carry

// The header as on the wire (big-endian fields).
struct tcphdr {
  uint16_t source;
  uint16_t dest;
  uint32_t seq;
  uint32_t ack_seq;
  uint8_t doff_res;  // data offset (32-bit words) << 4
  uint8_t flags;     // TCPHDR_*
  uint16_t window;
  uint16_t check;
  uint16_t urg_ptr;
  unsigned doff() const { return doff_res >> 4; }
} __attribute__((packed));
static_assert(sizeof(tcphdr) == 20);

// Constants (include/net/tcp.h), times in ns.
constexpr uint32_t TCP_INIT_CWND = 10;
constexpr uint32_t TCP_INFINITE_SSTHRESH = 0x7fffffff;
constexpr uint32_t TCP_MSS_DEFAULT = 536;
constexpr uint32_t TCP_MAX_WSCALE = 14;
constexpr uint64_t TCP_TIMEOUT_INIT = 1'000'000'000;  // 1 s (RFC 6298)
constexpr uint64_t TCP_RTO_MIN = 200'000'000;         // 200 ms
constexpr uint64_t TCP_RTO_MAX = 120'000'000'000;     // 120 s
constexpr uint64_t TCP_TIMEWAIT_LEN = 60'000'000'000; // 60 s
constexpr uint32_t MAX_TCP_HEADER = 320;              // L1_CACHE_ALIGN(128 + MAX_HEADER)
constexpr uint32_t GSO_LEGACY_MAX_SIZE = 65536;

// Nagle modes (tp->nonagle).
enum : uint8_t { TCP_NAGLE_OFF = 1, TCP_NAGLE_CORK = 2, TCP_NAGLE_PUSH = 4 };

// Congestion control states (icsk_ca_state).
enum tcp_ca_state : uint8_t { TCP_CA_Open = 0, TCP_CA_Disorder = 1, TCP_CA_CWR = 2, TCP_CA_Recovery = 3, TCP_CA_Loss = 4 };

// Sequence arithmetic (before/after).
inline bool before(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
inline bool after(uint32_t a, uint32_t b) { return before(b, a); }

// TCP_SKB_CB: what TCP keeps per queued skb. The scoreboard: SACKED_ACKED
// (the peer SACKed it), RETRANS (TCPCB_SACKED_RETRANS: a retransmission is
// in flight), LOST (marked lost, to be retransmitted).
enum : uint8_t { TCPCB_SACKED_ACKED = 0x01, TCPCB_RETRANS = 0x02, TCPCB_LOST = 0x04, TCPCB_EVER_RETRANS = 0x80 };
struct tcp_skb_cb {
  uint32_t seq = 0, end_seq = 0;  // end_seq = seq + len (+1 for SYN, FIN)
  uint8_t tcp_flags = 0;
  uint8_t sacked = 0;             // TCPCB_SACKED_ACKED / RETRANS / LOST / EVER_RETRANS
  uint32_t pcount = 1;            // tcp_skb_pcount: segments on the wire
  uint64_t skb_mstamp_ns = 0;     // last (re)transmission
  uint32_t truesize = 0;          // charged to sk_wmem_queued
};
// A write/retransmit queue entry: the skb holds the payload only (no
// headroom); each transmission copies it behind fresh headers, as the
// kernel transmits a clone.
struct tcp_wqe {
  sk_buff *skb = nullptr;
  tcp_skb_cb cb;
  uint32_t len() const;
};

struct tcp_sock;

struct tcp_sack_block {
  uint32_t start_seq = 0, end_seq = 0;
};

// struct tcp_options_received: what the handshake negotiated and what the
// last segment carried.
struct tcp_options_received {
  bool saw_tstamp = false;  // the last segment had a timestamp option
  bool tstamp_ok = false;   // negotiated: TSval/TSecr on every segment
  bool sack_ok = false;     // negotiated: the peer sends SACK blocks
  bool wscale_ok = false;   // the SYN(-ACK) had a window scale
  uint8_t snd_wscale = 0;   // from the peer's SYN(-ACK)
  uint16_t mss_clamp = 0;   // the peer's MSS option (0: none seen)
  uint32_t rcv_tsval = 0, rcv_tsecr = 0;  // of the last segment (tsecr less our tsoffset)
  uint32_t ts_recent = 0;                 // the peer's TSval we echo (RFC 7323 TS.Recent)
  uint64_t ts_recent_stamp = 0;           // when it was stored, ns
  // SACK blocks of the last segment (Linux keeps an offset into the header).
  uint8_t num_sacks = 0;
  tcp_sack_block sacks[TCP_NUM_SACKS];
};

// struct tcp_congestion_ops.
struct tcp_congestion_ops {
  const char *name;
  uint32_t (*ssthresh)(tcp_sock *tp);
  void (*cong_avoid)(tcp_sock *tp, uint32_t ack, uint32_t acked);
  void (*init)(tcp_sock *tp);
  void (*set_state)(tcp_sock *tp, uint8_t new_state);
  void (*pkts_acked)(tcp_sock *tp, uint32_t acked, int64_t rtt_us);
  uint32_t (*undo_cwnd)(tcp_sock *tp);
};
extern const tcp_congestion_ops tcp_reno;
extern const tcp_congestion_ops cubictcp;
const tcp_congestion_ops *tcp_ca_find(const char *name);

// struct tcp_sock with inet_connection_sock folded in.
struct tcp_sock : sock {
  ~tcp_sock() override;

  // Send sequence space.
  uint32_t write_seq = 0;  // tail of data queued by the application
  uint32_t snd_una = 0, snd_nxt = 0, snd_sml = 0, pushed_seq = 0;
  uint32_t snd_wnd = 0, max_window = 0, snd_wl1 = 0;
  // Receive side (the peer's data is ACKed and discarded: we only send).
  uint32_t rcv_nxt = 0, rcv_wup = 0, rcv_wnd = 0, window_clamp = 0;
  // MSS: mss_cache is what a segment carries; advmss what we announce.
  uint32_t mss_cache = TCP_MSS_DEFAULT, advmss = 0, mss_clamp = 0xffff, user_mss = 0;
  uint32_t icsk_pmtu_cookie = 0;
  uint8_t snd_wscale = 0, rcv_wscale = 0;
  bool wscale_ok = false;
  uint8_t nonagle = 0;  // TCP_NAGLE_OFF (TCP_NODELAY), TCP_NAGLE_CORK (TCP_CORK)
  uint16_t gso_segs = 0;

  // Congestion control.
  uint32_t snd_cwnd = TCP_INIT_CWND, snd_ssthresh = TCP_INFINITE_SSTHRESH, snd_cwnd_cnt = 0;
  uint32_t prior_cwnd = 0, prior_ssthresh = 0;
  // sacked_out: segments SACKed, or without SACK the duplicate ACKs (Reno).
  uint32_t packets_out = 0, retrans_out = 0, lost_out = 0, sacked_out = 0;
  uint32_t highest_sack_seq = 0;  // end of the highest SACKed segment (tcp_highest_sack_seq)
  uint32_t max_packets_out = 0, cwnd_usage_seq = 0;
  bool is_cwnd_limited = false;
  uint32_t high_seq = 0, undo_marker = 0;
  uint32_t prr_delivered = 0, prr_out = 0;
  uint32_t reordering = 3;
  uint8_t icsk_ca_state = TCP_CA_Open;
  const tcp_congestion_ops *icsk_ca_ops = nullptr;
  uint64_t icsk_ca_priv[16] = {};

  // RTT estimator (us, as the kernel: srtt_us is 8x, mdev_us 4x) and RTO (ns).
  uint32_t srtt_us = 0, mdev_us = 0, mdev_max_us = 0, rttvar_us = 0, rtt_seq = 0;
  uint64_t icsk_rto = TCP_TIMEOUT_INIT;
  uint8_t icsk_backoff = 0, icsk_retransmits = 0;
  uint64_t retrans_stamp = 0;  // first retransmission of the head, ns (0: none)
  timer_list icsk_retransmit_timer;
  timer_list tw_timer;  // TIME_WAIT / FIN_WAIT2 lifetime of an orphan

  // Queues: sk_write_queue holds what is not yet sent, tcp_rtx_queue what
  // is in flight (sent, not yet acknowledged), both in sequence order.
  std::deque<tcp_wqe> sk_write_queue, tcp_rtx_queue;
  bool orphan = false;

  // Options: what was negotiated, TS.Recent, the timestamp offset
  // (secure_tcp_ts_off: random per connection), the header length with
  // the options every segment carries (20, or 32 with timestamps).
  tcp_options_received rx_opt;
  uint32_t tsoffset = 0;
  uint16_t tcp_header_len = 20;

  // Counters (tcp_info).
  uint64_t segs_out = 0, data_segs_out = 0, total_retrans = 0, bytes_acked = 0, bytes_sent = 0, segs_in = 0;
  uint64_t rto_events = 0, fast_retrans_events = 0;
  uint64_t ts_rtt_samples = 0;  // RTT samples taken from TSecr (Karn forbade the skb's own time)
};
inline bool tcp_is_sack(const tcp_sock *tp) { return tp->rx_opt.sack_ok; }
inline bool tcp_is_reno(const tcp_sock *tp) { return !tcp_is_sack(tp); }
// tcp_time_stamp_ts: our TSval clock in ms (Linux's tcp_time_stamp; TCP_TS_HZ 1000), without tsoffset.
inline uint32_t tcp_time_stamp_ms(uint64_t now_ns) { return static_cast<uint32_t>(now_ns / 1'000'000); }
inline tcp_sock *tcp_sk(sock *sk) { return static_cast<tcp_sock *>(sk); }

extern const proto tcp_prot;

// tcp.c
int tcp_v4_init_sock(sock *sk);
int tcp_sendmsg(sock *sk, kmsghdr *msg, size_t size);
void tcp_push(sock *sk, int flags, uint32_t mss_now, int nonagle, uint32_t size_goal);
void tcp_close(sock *sk, long timeout);
int tcp_setsockopt(sock *sk, int level, int optname, int val);
int tcp_disconnect(sock *sk, int flags);
void tcp_set_state(sock *sk, uint8_t state);
void tcp_done(sock *sk);  // to CLOSE; an orphan is then freed by tcp_reap
// Free an orphan that reached CLOSE. Call only where nothing of sk is used afterwards.
void tcp_reap(sock *sk);
// Free what waits to be sent or acknowledged (a socket's end).
void tcp_write_queue_purge(tcp_sock *tp);
bool sk_can_gso(const sock *sk);
uint32_t tcp_send_mss(sock *sk, uint32_t *size_goal, int flags);

// tcp_output.c
// tcp_options_write: the options of a segment in Linux's order and layout:
// SYN: MSS, SACK_PERM+TS (or NOP NOP TS, or NOP NOP SACK_PERM), NOP WS;
// later: NOP NOP TS. Returns the bytes written (a multiple of 4).
uint32_t tcp_syn_options(const tcp_sock *tp, const net &n, uint32_t tsval, uint8_t *opt);
uint32_t tcp_established_options(const tcp_sock *tp, uint32_t tsval, uint8_t *opt);
int tcp_connect(sock *sk);
void tcp_connect_init(sock *sk);
bool tcp_write_xmit(sock *sk, uint32_t mss_now, int nonagle, int push_one);
void __tcp_push_pending_frames(sock *sk, uint32_t cur_mss, int nonagle);
void tcp_push_one(sock *sk, uint32_t mss_now);
int tcp_transmit_skb(sock *sk, tcp_wqe &wqe);
void tcp_send_fin(sock *sk);
void tcp_send_ack(sock *sk);
void tcp_send_probe0(sock *sk);
int tcp_retransmit_skb(sock *sk, size_t rtx_index);
void tcp_xmit_retransmit_queue(sock *sk);
uint32_t tcp_mtu_to_mss(const tcp_sock *tp, uint32_t pmtu);
uint32_t tcp_sync_mss(sock *sk, uint32_t pmtu);
uint32_t tcp_current_mss(sock *sk);
bool tcp_nagle_test(const tcp_sock *tp, const tcp_wqe &wqe, uint32_t cur_mss, int nonagle);
bool tcp_nagle_check(bool partial, const tcp_sock *tp, int nonagle);
// Split queue[index] so that it carries len bytes; the rest follows it.
int tcp_fragment(sock *sk, std::deque<tcp_wqe> &queue, size_t index, uint32_t len, uint32_t mss_now);
void tcp_set_skb_tso_segs(tcp_wqe &wqe, uint32_t mss_now);

// tcp_input.c
// tcp_parse_options: MSS, window scale, SACK_PERM (SYN only, estab false),
// timestamps (in a SYN if net.ipv4.tcp_timestamps, later only when
// negotiated) and SACK blocks (when negotiated) into opt_rx.
void tcp_parse_options(const net &n, const tcphdr *th, tcp_options_received *opt_rx, bool estab);
int tcp_rcv_state_process(sock *sk, sk_buff *skb);
int tcp_ack(sock *sk, sk_buff *skb, int flag);
void tcp_enter_loss(sock *sk);
void tcp_rtt_estimator(sock *sk, int64_t mrtt_us);
void tcp_set_rto(sock *sk);
void tcp_rearm_rto(sock *sk);
void tcp_sndbuf_expand(sock *sk);
// tcp_check_space: a sender found the write queue full (SOCK_NOSPACE):
// sk_stream_write_space may wake it (once a third of the buffer is free).
void tcp_check_space(sock *sk);

// tcp_cong.c
void tcp_cong_avoid_ai(tcp_sock *tp, uint32_t w, uint32_t acked);
uint32_t tcp_slow_start(tcp_sock *tp, uint32_t acked);

// include/net/tcp.h inlines
inline bool tcp_in_slow_start(const tcp_sock *tp) { return tp->snd_cwnd < tp->snd_ssthresh; }
inline uint32_t tcp_packets_in_flight(const tcp_sock *tp) {
  return tp->packets_out - (tp->sacked_out + tp->lost_out) + tp->retrans_out;
}
inline bool tcp_is_cwnd_limited(const tcp_sock *tp) {
  if (tcp_in_slow_start(tp)) return tp->snd_cwnd < 2 * tp->max_packets_out;
  return tp->is_cwnd_limited;
}
inline bool tcp_in_cwnd_reduction(const tcp_sock *tp) {
  return (1u << tp->icsk_ca_state) & ((1u << TCP_CA_CWR) | (1u << TCP_CA_Recovery));
}
// tcp_current_ssthresh: the last ssthresh, or 3/4 of cwnd if that is larger.
inline uint32_t tcp_current_ssthresh(const tcp_sock *tp) {
  if (tcp_in_cwnd_reduction(tp)) return tp->snd_ssthresh;
  return std::max(tp->snd_ssthresh, ((tp->snd_cwnd >> 1) + (tp->snd_cwnd >> 2)));
}
inline void tcp_set_ca_state(tcp_sock *tp, uint8_t state) {
  if (tp->icsk_ca_ops && tp->icsk_ca_ops->set_state) tp->icsk_ca_ops->set_state(tp, state);
  tp->icsk_ca_state = state;
}

// tcp_timer.c
void tcp_init_xmit_timers(sock *sk);
void tcp_retransmit_timer(sock *sk);
void tcp_write_timer(sock *sk);

// tcp_minisocks.c
void tcp_time_wait(sock *sk, uint8_t state, uint64_t timeo_ns);

// tcp_ipv4.c
int tcp_v4_connect(sock *sk, const sockaddr_in_host *uaddr, uint32_t addr_len);
// inet_protos[IPPROTO_TCP] (registered by inet_init, af_inet.cpp): skb->data
// at the TCP header, consumed.
int tcp_v4_rcv(net &n, sk_buff *skb);
// The ICMP error handler: skb->data at the IP header of our segment that the
// error quotes. A connection still in its handshake fails with the error
// (connect() returns it, e.g. EHOSTUNREACH when ARP gave up); an established
// one records it only with IP_RECVERR (soft errors are not modelled).
int tcp_v4_err(net &n, sk_buff *skb, uint32_t info);
void tcp_v4_send_check(sock *sk, sk_buff *skb);
void tcp_v4_send_reset(net &n, sk_buff *skb);
void tcp_v4_destroy_sock(sock *sk);

// tcp_offload.c: software GSO, what a NIC's TSO does (tests, drivers without TSO).
// Splits a TSO skb (gso_size set) into MSS segments with their own headers,
// IP IDs counting up, sequence numbers, flags (FIN/PSH on the last only) and
// checksums. Returns the frames' bytes from the Ethernet header.
std::deque<sk_buff *> tcp_gso_segment(sk_buff *skb);

}  // namespace wirepath
