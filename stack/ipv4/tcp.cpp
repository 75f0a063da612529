// TCP socket calls (net/ipv4/tcp.c): sock init, tcp_sendmsg with its write
// queue, tcp_push, setsockopt (TCP_NODELAY, TCP_CORK, TCP_MAXSEG), close.
#include "stack/ipv4/tcp.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/inet_connection_sock.hpp"
#include "stack/ipv4/inet_hashtables.hpp"
#include "stack/socket.hpp"

namespace wirepath {

namespace {
std::unique_ptr<sock> tcp_sk_alloc() { return std::make_unique<tcp_sock>(); }
}  // namespace

const proto tcp_prot = {
    "TCP",
    /*connect=*/tcp_v4_connect,
    /*disconnect=*/tcp_disconnect,
    /*sendmsg=*/tcp_sendmsg,
    /*get_port=*/inet_csk_get_port,
    /*unhash=*/tcp_unhash,
    /*destroy=*/tcp_v4_destroy_sock,
    /*close=*/tcp_close,
    /*setsockopt=*/tcp_setsockopt,
    /*sk_alloc=*/tcp_sk_alloc,
    /*init=*/tcp_v4_init_sock,
    /*no_autobind=*/true,
};

const char *tcp_state_name(uint8_t s) {
  switch (s) {
    case TCP_ESTABLISHED: return "ESTABLISHED";
    case TCP_SYN_SENT: return "SYN_SENT";
    case TCP_SYN_RECV: return "SYN_RECV";
    case TCP_FIN_WAIT1: return "FIN_WAIT1";
    case TCP_FIN_WAIT2: return "FIN_WAIT2";
    case TCP_TIME_WAIT: return "TIME_WAIT";
    case TCP_CLOSE: return "CLOSE";
    case TCP_CLOSE_WAIT: return "CLOSE_WAIT";
    case TCP_LAST_ACK: return "LAST_ACK";
    case TCP_LISTEN: return "LISTEN";
    case TCP_CLOSING: return "CLOSING";
  }
  return "?";
}

uint32_t tcp_wqe::len() const { return skb ? skb->len : 0; }

int tcp_v4_init_sock(sock *sk) {
  // tcp_init_sock
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  tp->icsk_rto = TCP_TIMEOUT_INIT;
  tp->mdev_us = static_cast<uint32_t>(TCP_TIMEOUT_INIT / 1000);
  tp->snd_cwnd = TCP_INIT_CWND;
  tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
  tp->mss_cache = TCP_MSS_DEFAULT;
  tp->reordering = static_cast<uint32_t>(n.tcp.sysctl.tcp_reordering);
  tp->icsk_ca_ops = tcp_ca_find(n.tcp.sysctl.tcp_congestion_control);
  if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK)) sk->sk_sndbuf = n.tcp.sysctl.tcp_wmem[1];
  tcp_init_xmit_timers(sk);
  return 0;
}

void tcp_set_state(sock *sk, uint8_t state) {
  const uint8_t old = sk->sk_state;
  if (state == TCP_CLOSE) {
    if (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT) ++sk->sk_net->tcp.mib.EstabResets;
    tcp_unhash(sk);
  }
  sk->sk_state = state;
}

void tcp_done(sock *sk) {
  // Stop everything; an orphan is freed by tcp_reap at the top of the call.
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) ++n.tcp.mib.AttemptFails;
  tcp_set_state(sk, TCP_CLOSE);
  inet_csk_clear_xmit_timer(sk);
  n.kernel.timers.del_timer(&tp->tw_timer);
  sk->sk_shutdown = SEND_SHUTDOWN;
  // sk_state_change: wake a connect() or send() sleeping on the socket.
  if (!tp->orphan && n.kernel.sched.sk_state_change) n.kernel.sched.sk_state_change(sk);
}

// The kernel's truesize of a queued skb (SKB_TRUESIZE): data + sk_buff +
// skb_shared_info, rounded as kmalloc would.
static uint32_t tcp_skb_truesize(uint32_t size) { return ((size + 63) & ~63u) + 576; }

static bool forced_push(const tcp_sock *tp) { return after(tp->write_seq, tp->pushed_seq + (tp->max_window >> 1)); }

static void tcp_mark_push(tcp_sock *tp, tcp_wqe &wqe) {
  wqe.cb.tcp_flags |= TCPHDR_PSH;
  tp->pushed_seq = tp->write_seq;
}

bool sk_can_gso(const sock *sk) {
  return sk->dst_cached && sk->sk_dst_cache.dev && (sk->sk_dst_cache.dev->features & NETIF_F_TSO);
}

// tcp_xmit_size_goal: one MSS, or as many MSS as a GSO packet may carry.
static uint32_t tcp_xmit_size_goal(sock *sk, uint32_t mss_now, bool large_allowed) {
  tcp_sock *tp = tcp_sk(sk);
  if (!large_allowed || !sk_can_gso(sk)) return mss_now;
  uint32_t new_size_goal = GSO_LEGACY_MAX_SIZE - 1 - MAX_TCP_HEADER;
  // tcp_bound_to_half_wnd
  const uint32_t cutoff = tp->max_window > TCP_MSS_DEFAULT ? tp->max_window >> 1 : tp->max_window;
  if (cutoff && new_size_goal > cutoff) new_size_goal = std::max(cutoff, 68u - 20u);
  uint32_t size_goal = tp->gso_segs * mss_now;
  if (new_size_goal < size_goal || new_size_goal >= size_goal + mss_now) {
    tp->gso_segs = static_cast<uint16_t>(std::min<uint32_t>(new_size_goal / mss_now, 0xffff));
    size_goal = tp->gso_segs * mss_now;
  }
  return std::max(size_goal, mss_now);
}

uint32_t tcp_send_mss(sock *sk, uint32_t *size_goal, int flags) {
  const uint32_t mss_now = tcp_current_mss(sk);
  *size_goal = tcp_xmit_size_goal(sk, mss_now, !(flags & MSG_OOB));
  return mss_now;
}

void tcp_push(sock *sk, int flags, uint32_t mss_now, int nonagle, uint32_t size_goal) {
  tcp_sock *tp = tcp_sk(sk);
  if (tp->sk_write_queue.empty()) return;
  tcp_wqe &tail = tp->sk_write_queue.back();
  if (!(flags & MSG_MORE) || forced_push(tp)) tcp_mark_push(tp, tail);
  // (Autocorking is not modelled: it needs TX completion accounting, TSQ.)
  if (flags & MSG_MORE) nonagle = TCP_NAGLE_CORK;
  __tcp_push_pending_frames(sk, mss_now, nonagle);
}

int tcp_sendmsg(sock *sk, kmsghdr *msg, size_t size) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  const int flags = msg->msg_flags;
  const bool nonblock = flags & MSG_DONTWAIT;
  int err = 0;
  size_t copied = 0;
  uint32_t size_goal = 0, mss_now = 0;

  if (flags & MSG_OOB) return -EOPNOTSUPP;  // urgent data is not modelled

  // Wait for a connection to finish (EPIPE when there is none).
  if (!((1u << sk->sk_state) & ((1u << TCP_ESTABLISHED) | (1u << TCP_CLOSE_WAIT)))) {
    err = sk_stream_wait_connect(sk, nonblock);
    if (err) return err;  // sk_stream_error: EPIPE (SIGPIPE is not modelled)
  }
  if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN)) return -EPIPE;

  mss_now = tcp_send_mss(sk, &size_goal, flags);
  while (copied < size) {
    int64_t copy = 0;
    if (!tp->sk_write_queue.empty()) {
      const tcp_wqe &tail = tp->sk_write_queue.back();
      // tcp_skb_can_collapse_to: not behind a FIN.
      // The size goal can grow after the tail was allocated (cwnd, MSS): Linux
      // adds page frags, our linear skbs only take what their tailroom holds.
      if (!(tail.cb.tcp_flags & TCPHDR_FIN))
        copy = std::min<int64_t>(int64_t{size_goal} - tail.len(), tail.skb->tailroom());
    }
    if (copy <= 0) {
      // new_segment
      if (!sk_stream_memory_free(sk)) goto wait_for_space;
      sk_buff *skb = nullptr;
      try {
        skb = alloc_skb(n.mem, size_goal);
      } catch (const std::bad_alloc &) {
        goto wait_for_space;
      }
      tcp_wqe wqe;
      wqe.skb = skb;
      wqe.cb.seq = wqe.cb.end_seq = tp->write_seq;
      wqe.cb.tcp_flags = TCPHDR_ACK;
      skb->sk = sk;
      // tcp_skb_entail
      wqe.cb.truesize = tcp_skb_truesize(size_goal);
      tp->sk_wmem_queued += wqe.cb.truesize;
      tp->sk_write_queue.push_back(wqe);
      copy = size_goal;
    }
    {
      tcp_wqe &wqe = tp->sk_write_queue.back();
      if (copy > static_cast<int64_t>(size - copied)) copy = static_cast<int64_t>(size - copied);
      std::memcpy(wqe.skb->put(static_cast<uint32_t>(copy)), msg->data + copied, static_cast<size_t>(copy));
      if (!copied) wqe.cb.tcp_flags &= static_cast<uint8_t>(~TCPHDR_PSH);
      tp->write_seq += static_cast<uint32_t>(copy);
      wqe.cb.end_seq += static_cast<uint32_t>(copy);
      copied += static_cast<size_t>(copy);
      if (copied == size) break;
      if (wqe.skb->len < size_goal) continue;
      if (forced_push(tp)) {
        tcp_mark_push(tp, wqe);
        __tcp_push_pending_frames(sk, mss_now, TCP_NAGLE_PUSH);
      } else if (tp->sk_write_queue.size() == 1) {  // skb == tcp_send_head(sk)
        tcp_push_one(sk, mss_now);
      }
    }
    continue;

  wait_for_space:
    if (copied) tcp_push(sk, flags & ~MSG_MORE, mss_now, TCP_NAGLE_PUSH, size_goal);
    err = sk_stream_wait_memory(sk, nonblock);
    if (err) break;
    mss_now = tcp_send_mss(sk, &size_goal, flags);
  }
  if (copied) {
    tcp_push(sk, flags, mss_now, tp->nonagle, size_goal);
    return static_cast<int>(copied);
  }
  return err;
}

int tcp_setsockopt(sock *sk, int level, int optname, int val) {
  tcp_sock *tp = tcp_sk(sk);
  if (level != SOL_TCP) return -ENOPROTOOPT;
  switch (optname) {
    case TCP_NODELAY:
      // __tcp_sock_set_nodelay: pushes what Nagle was holding back.
      if (val) {
        tp->nonagle |= TCP_NAGLE_OFF | TCP_NAGLE_PUSH;
        if (sk->sk_state != TCP_CLOSE) __tcp_push_pending_frames(sk, tcp_current_mss(sk), tp->nonagle);
      } else {
        tp->nonagle &= static_cast<uint8_t>(~TCP_NAGLE_OFF);
      }
      return 0;
    case TCP_CORK:
      // __tcp_sock_set_cork: uncorking sends the partial segment at once.
      if (val) {
        tp->nonagle |= TCP_NAGLE_CORK;
      } else {
        tp->nonagle &= static_cast<uint8_t>(~TCP_NAGLE_CORK);
        if (tp->nonagle & TCP_NAGLE_OFF) tp->nonagle |= TCP_NAGLE_PUSH;
        if (sk->sk_state != TCP_CLOSE) __tcp_push_pending_frames(sk, tcp_current_mss(sk), tp->nonagle);
      }
      return 0;
    case TCP_MAXSEG:
      if (val && (val < 88 || val > 65535 - 40)) return -EINVAL;  // TCP_MIN_MSS .. MAX_TCP_WINDOW
      tp->user_mss = static_cast<uint32_t>(val);
      return 0;
    default: return -ENOPROTOOPT;
  }
}

// tcp_close_state: the state after close() and whether a FIN goes out.
static bool tcp_close_state(sock *sk) {
  switch (sk->sk_state) {
    case TCP_ESTABLISHED: tcp_set_state(sk, TCP_FIN_WAIT1); return true;
    case TCP_CLOSE_WAIT: tcp_set_state(sk, TCP_LAST_ACK); return true;
    case TCP_SYN_SENT:
    case TCP_LISTEN:
    case TCP_CLOSE: tcp_set_state(sk, TCP_CLOSE); return false;
    default: return false;  // FIN already sent
  }
}

void tcp_close(sock *sk, long timeout) {
  tcp_sock *tp = tcp_sk(sk);
  net &n = *sk->sk_net;
  // The orphan lives on in the namespace until its connection is over.
  n.tcp.orphans.emplace_back(sk);
  tp->orphan = true;
  sk->sk_shutdown = SEND_SHUTDOWN;
  if (tcp_close_state(sk)) tcp_send_fin(sk);
  if (sk->sk_state == TCP_CLOSE) tcp_done(sk);
  tcp_reap(sk);
}

int tcp_disconnect(sock *sk, int flags) {
  tcp_sock *tp = tcp_sk(sk);
  if (sk->sk_state != TCP_CLOSE) tcp_set_state(sk, TCP_CLOSE);
  tcp_v4_destroy_sock(sk);
  sk->sk_err = ECONNRESET;
  sk->inet_daddr = 0;
  sk->inet_dport = 0;
  sk->dst_cached = false;
  tp->snd_cwnd = TCP_INIT_CWND;
  tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
  tp->packets_out = tp->retrans_out = tp->lost_out = tp->sacked_out = 0;
  tp->icsk_ca_state = TCP_CA_Open;
  tp->icsk_rto = TCP_TIMEOUT_INIT;
  tp->srtt_us = 0;
  if (sk->sk_socket) sk->sk_socket->state = SS_UNCONNECTED;
  return 0;
}

void tcp_reap(sock *sk) {
  tcp_sock *tp = tcp_sk(sk);
  if (!tp->orphan || sk->sk_state != TCP_CLOSE) return;
  auto &o = sk->sk_net->tcp.orphans;
  auto it = std::find_if(o.begin(), o.end(), [sk](const std::unique_ptr<sock> &p) { return p.get() == sk; });
  if (it == o.end()) return;
  if (sk->sk_wmem_alloc) {
    // Segments still below TCP (TSQ charge): the last tcp_wfree frees it.
    sk->sock_dead = true;
    it->release();
  }
  o.erase(it);  // ~tcp_sock purges the queues and stops the timers
}

void tcp_write_queue_purge(tcp_sock *tp) {
  for (auto *q : {&tp->sk_write_queue, &tp->tcp_rtx_queue}) {
    for (tcp_wqe &w : *q) consume_skb(w.skb);
    q->clear();
  }
  tp->sk_wmem_queued = 0;
  tp->packets_out = tp->retrans_out = tp->lost_out = tp->sacked_out = 0;
}

}  // namespace wirepath
