// PF_INET (net/ipv4/af_inet.c): socket creation through the inetsw table
// (one protosw per type/protocol: TCP and UDP; raw would register later), the
// proto_ops that dispatch to sk->sk_prot, and inet_init.
#pragma once

#include <cstdint>
#include <vector>

#include "stack/socket.hpp"

namespace wirepath {

// struct inet_protosw.
struct inet_protosw {
  int type;
  int protocol;  // IPPROTO_IP here would be a wildcard (raw)
  const proto *prot;
  const proto_ops *ops;
};

extern const proto_ops inet_dgram_ops;
extern const proto_ops inet_stream_ops;

// inet_init: the boot-time registration beyond inetsw[]: TCP joins the IP
// protocol table (inet_add_protocol(&tcp_protocol, IPPROTO_TCP), next to UDP
// and ICMP). inet_protos[] is shared by every net, as in Linux, so this runs
// once per process; struct net's constructor calls it.
void inet_init();

// inetsw[]: the registered protocols (tcp and udp at start-up).
const std::vector<inet_protosw> &inetsw();
void inet_register_protosw(const inet_protosw &p);

// inet_create: -ESOCKTNOSUPPORT / -EPROTONOSUPPORT / -EINVAL as Linux.
int inet_create(net &n, socket *sock, int protocol);
int inet_release(socket *sock);
int inet_bind(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len);
int inet_dgram_connect(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len, int flags);
// inet_stream_connect: EISCONN / EALREADY / EINPROGRESS as Linux; blocks in
// sched_hooks::sk_wait (woken by sk_state_change) until the handshake ends when it
// can; O_NONBLOCK in flags (the file flags) returns EINPROGRESS at once.
int inet_stream_connect(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len, int flags);
int inet_getname(socket *sock, sockaddr_in_host *uaddr, int peer);
int inet_sendmsg(socket *sock, kmsghdr *msg, size_t size);
int inet_autobind(sock *sk);

// __ip4_datagram_connect (net/ipv4/datagram.c): route, source address, peer.
int ip4_datagram_connect(sock *sk, const sockaddr_in_host *uaddr, uint32_t addr_len);

}  // namespace wirepath
