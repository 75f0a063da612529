// struct sock with the inet_sock part folded in (include/net/sock.h,
// include/net/inet_sock.h), and struct proto: the per-protocol operations
// (udp_prot, tcp_prot). Addresses and ports in HOST order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "stack/ipv4/route.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

struct net;
struct socket;
struct sock;
struct sk_buff;

// Socket states (include/net/tcp_states.h, which include/net/sock.h
// includes); UDP uses ESTABLISHED and CLOSE.
enum : uint8_t {
  TCP_ESTABLISHED = 1,
  TCP_SYN_SENT = 2,
  TCP_SYN_RECV = 3,
  TCP_FIN_WAIT1 = 4,
  TCP_FIN_WAIT2 = 5,
  TCP_TIME_WAIT = 6,
  TCP_CLOSE = 7,
  TCP_CLOSE_WAIT = 8,
  TCP_LAST_ACK = 9,
  TCP_LISTEN = 10,
  TCP_CLOSING = 11,
};

// sk_shutdown bits.
constexpr uint8_t SEND_SHUTDOWN = 2;

enum : uint8_t { SOCK_SNDBUF_LOCK = 1, SOCK_RCVBUF_LOCK = 2, SOCK_BINDADDR_LOCK = 4, SOCK_BINDPORT_LOCK = 8 };

// Send-buffer sizes (include/net/sock.h): SK_WMEM_MAX = SKB_TRUESIZE(256) * 256
// is net.core.wmem_max and wmem_default; SOCK_MIN_SNDBUF = 2 * (2048 + 256).
constexpr uint32_t SK_WMEM_MAX = 212992;
constexpr uint32_t SOCK_MIN_SNDBUF = 4608;

// inet_cork_full: a corked UDP datagram (UDP_CORK / MSG_MORE) waiting for its
// last piece. Linux keeps the pieces as skbs on sk_write_queue (ip_append_data)
// and joins them at push time; we keep the bytes, which gives the same frames.
struct inet_cork_full {
  flowi4 fl;
  rtable rt;
  std::vector<uint8_t> data;  // UDP payload so far
};

// Our struct msghdr: one contiguous payload (a single iovec).
struct kmsghdr {
  const sockaddr_in_host *msg_name = nullptr;
  uint32_t msg_namelen = 0;
  const uint8_t *data = nullptr;
  size_t len = 0;
  int msg_flags = 0;
};

struct proto {
  const char *name;
  int (*connect)(sock *sk, const sockaddr_in_host *uaddr, uint32_t addr_len);
  int (*disconnect)(sock *sk, int flags);
  int (*sendmsg)(sock *sk, kmsghdr *msg, size_t len);
  int (*get_port)(sock *sk, uint16_t snum);  // 0 = pick an ephemeral port
  void (*unhash)(sock *sk);
  void (*destroy)(sock *sk);
  // Optional (nullptr for UDP):
  // close: inet_release hands the sock over (the protocol now owns it; TCP
  // keeps it until its connection is finished).
  void (*close)(sock *sk, long timeout);
  // setsockopt for levels other than SOL_SOCKET/SOL_IP (SOL_TCP).
  int (*setsockopt)(sock *sk, int level, int optname, int val);
  // The protocol's sock object (proto->obj_size): a tcp_sock for TCP.
  std::unique_ptr<sock> (*sk_alloc)();
  // init: tcp_v4_init_sock after creation.
  int (*init)(sock *sk);
  bool no_autobind;  // TCP binds a port at connect(), not at the first send
};

struct sock {
  virtual ~sock() = default;  // a tcp_sock is destroyed through a sock pointer

  net *sk_net = nullptr;
  const proto *sk_prot = nullptr;
  socket *sk_socket = nullptr;
  uint16_t sk_family = AF_INET;
  uint16_t sk_type = 0;
  uint16_t sk_protocol = 0;
  uint8_t sk_state = TCP_CLOSE;
  uint32_t sk_priority = 0;  // SO_PRIORITY, or from IP_TOS (rt_tos2priority)
  uint32_t sk_mark = 0;
  int sk_bound_dev_if = 0;
  uint8_t sk_userlocks = 0;  // SOCK_BINDADDR_LOCK / SOCK_BINDPORT_LOCK: set by an explicit bind

  // inet_sock
  uint32_t inet_saddr = 0;      // source address used for sending
  uint32_t inet_rcv_saddr = 0;  // bound address
  uint32_t inet_daddr = 0;      // connected peer
  uint16_t inet_num = 0;        // local port (0: not bound)
  uint16_t inet_sport = 0;
  uint16_t inet_dport = 0;
  uint16_t inet_id = 0;  // IP ID counter for a connected socket
  uint8_t tos = 0;
  int16_t uc_ttl = -1;  // -1: net.ipv4.ip_default_ttl
  uint8_t pmtudisc = IP_PMTUDISC_WANT;
  bool recverr = false;  // IP_RECVERR: report ENOBUFS instead of swallowing it

  // sk_dst_cache for a connected socket, valid while rt_genid matches.
  bool dst_cached = false;
  rtable sk_dst_cache;

  // Send buffer (net/core/sock.c). sk_wmem_alloc counts the truesize of every
  // skb the socket owns until its destructor (sock_wfree) runs at TX
  // completion; Linux's refcount bias of 1 is left out. sk_wmem_queued is
  // TCP's write-queue charge.
  uint32_t sk_sndbuf = SK_WMEM_MAX;
  uint64_t sk_wmem_alloc = 0;
  uint64_t sk_wmem_queued = 0;
  int sk_err = 0;        // pending error (positive errno), reported once by sock_error
  uint8_t sk_shutdown = 0;  // SEND_SHUTDOWN: TCP after close() or the connection's end
  bool sock_dead = false;  // SOCK_DEAD: closed, freed when its last skb is
  bool sock_nospace = false;  // SOCK_NOSPACE: a sender found the buffer full

  // Receive queue (sk_receive_queue) of a UDP socket: the datagrams' payloads
  // and their source, charged to sk_rmem_alloc by payload size against
  // sk_rcvbuf (Linux charges the skb's truesize; sysctl rmem_default).
  struct rx_datagram {
    std::vector<uint8_t> data;
    uint32_t saddr = 0;
    uint16_t sport = 0;
  };
  std::deque<rx_datagram> sk_receive_queue;
  uint32_t sk_rcvbuf = 212992;
  uint64_t sk_rmem_alloc = 0;

  // UDP (struct udp_sock): UDP_CORK and the pending corked datagram.
  bool udp_corkflag = false;
  int up_pending = 0;  // AF_INET while a datagram is corked
  inet_cork_full cork;
};

// The flow of this socket's packets to daddr:dport, as flowi4_init_output
// fills it for ip_route_connect and udp_sendmsg: bound device, mark, TOS,
// protocol and the socket's own address and port.
inline flowi4 inet_sk_flowi4(const sock *sk, uint32_t daddr, uint16_t dport) {
  flowi4 fl4;
  fl4.flowi4_oif = sk->sk_bound_dev_if;
  fl4.flowi4_mark = sk->sk_mark;
  fl4.flowi4_tos = sk->tos;
  fl4.flowi4_proto = static_cast<uint8_t>(sk->sk_protocol);
  fl4.daddr = daddr;
  fl4.saddr = sk->inet_saddr;
  fl4.fl4_dport = dport;
  fl4.fl4_sport = sk->inet_sport;
  return fl4;
}

// __sk_dst_check: the cached route while still valid (same rt_genid, device
// up), else forget it. sk_dst_set caches one.
bool sk_dst_check(sock *sk);
inline void sk_dst_set(sock *sk, const rtable &rt) {
  sk->sk_dst_cache = rt;
  sk->dst_cached = true;
}

// skb_set_owner_w: charge skb->truesize to sk and make sock_wfree its destructor.
void skb_set_owner_w(sk_buff *skb, sock *sk);
// sock_wfree: give the space back; wakes writers (sk_write_space) and frees a
// closed socket with its last skb.
void sock_wfree(sk_buff *skb);
// sock_error: the pending error as -errno, cleared (0 if none).
int sock_error(sock *sk);
// sock_writeable: at least half the send buffer free.
inline bool sock_writeable(const sock *sk) { return sk->sk_wmem_alloc < (sk->sk_sndbuf >> 1); }
// sock_alloc_send_skb: wait for send-buffer space (noblock: -EAGAIN; blocking:
// sched_hooks::sk_wait, see kernel/sched.hpp), then alloc_skb owned by sk. nullptr
// with *err = -EAGAIN, a pending sk_err, or -ENOBUFS (host memory full).
sk_buff *sock_alloc_send_skb(sock *sk, uint32_t size, bool noblock, int *err);

// Stream sockets (TCP): the write queue's charge sk_wmem_queued against
// sk_sndbuf. sk_stream_memory_free: the write queue may grow.
inline bool sk_stream_memory_free(const sock *sk) { return sk->sk_wmem_queued < sk->sk_sndbuf; }
// sk_stream_wspace: free space; sk_stream_min_wspace: what must be free
// before a sleeping sender is woken (half of what is queued).
inline int64_t sk_stream_wspace(const sock *sk) {
  return int64_t{sk->sk_sndbuf} - static_cast<int64_t>(sk->sk_wmem_queued);
}
inline int64_t sk_stream_min_wspace(const sock *sk) { return static_cast<int64_t>(sk->sk_wmem_queued >> 1); }

// net/core/stream.c. sk_stream_write_space: wake a sender (sched_hooks::sk_write_space)
// once sk_stream_min_wspace is free and the queue may grow; clears SOCK_NOSPACE.
void sk_stream_write_space(sock *sk);
// sk_stream_wait_connect: 0 once the handshake is over; -EPIPE unless it is
// under way; sleeps (sched_hooks::sk_wait, woken by sk_state_change) until it
// ends, -EAGAIN when it cannot (nonblock), or the pending sk_err.
int sk_stream_wait_connect(sock *sk, bool nonblock);
// sk_stream_wait_memory: sleep (sched_hooks::sk_wait, woken by sk_write_space
// when ACKs free the queue, or by sk_state_change) until the write queue has
// room. -EPIPE after an error or SEND_SHUTDOWN, -EAGAIN when it cannot sleep.
int sk_stream_wait_memory(sock *sk, bool nonblock);

}  // namespace wirepath
