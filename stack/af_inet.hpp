// PF_INET (net/ipv4/af_inet.c): socket creation through the inetsw table
// (one protosw per type/protocol: UDP now, TCP and raw register later) and the
// proto_ops that dispatch to sk->sk_prot.
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

// inetsw[]: the registered protocols (udp at start-up).
const std::vector<inet_protosw> &inetsw();
void inet_register_protosw(const inet_protosw &p);

// inet_create: -ESOCKTNOSUPPORT / -EPROTONOSUPPORT / -EINVAL as Linux.
int inet_create(net &n, socket *sock, int protocol);
int inet_release(socket *sock);
int inet_bind(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len);
int inet_dgram_connect(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len, int flags);
// inet_stream_connect: EISCONN / EALREADY / EINPROGRESS as Linux; blocks in
// net::tcp.sk_wait_event until the handshake ends when it can.
int inet_stream_connect(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len, int flags);
int inet_getname(socket *sock, sockaddr_in_host *uaddr, int peer);
int inet_sendmsg(socket *sock, kmsghdr *msg, size_t size);
int inet_autobind(sock *sk);

// __ip4_datagram_connect (net/ipv4/datagram.c): route, source address, peer.
int ip4_datagram_connect(sock *sk, const sockaddr_in_host *uaddr, uint32_t addr_len);

}  // namespace wirepath
