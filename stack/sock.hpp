// struct sock with the inet_sock part folded in (include/net/sock.h,
// include/net/inet_sock.h), and struct proto: the per-protocol operations
// (udp_prot now, tcp_prot later). Addresses and ports in HOST order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "stack/route.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

struct net;
struct socket;
struct sock;

// Socket states (include/net/tcp_states.h); UDP uses ESTABLISHED and CLOSE.
enum : uint8_t { TCP_ESTABLISHED = 1, TCP_CLOSE = 7 };

enum : uint8_t { SOCK_BINDADDR_LOCK = 4, SOCK_BINDPORT_LOCK = 8 };

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
};

// rt_tos2priority: the TOS byte's priority for pfifo_fast (ip_tos2prio).
uint32_t rt_tos2priority(uint8_t tos);

}  // namespace wirepath
