// The BSD socket layer (include/linux/net.h, net/socket.c): struct socket,
// the family's proto_ops, and the syscall bodies (exposed as net::socket,
// net::sendto, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "stack/core/sock.hpp"

namespace wirepath {

struct net;

struct proto_ops {
  int family;
  int (*release)(socket *sock);
  int (*bind)(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len);
  int (*connect)(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len, int flags);
  int (*getname)(socket *sock, sockaddr_in_host *uaddr, int peer);
  int (*sendmsg)(socket *sock, kmsghdr *msg, size_t len);
};

enum socket_state { SS_FREE = 0, SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED, SS_DISCONNECTING };

struct socket {
  socket_state state = SS_UNCONNECTED;
  int type = 0;
  int f_flags = 0;  // file->f_flags: O_NONBLOCK from SOCK_NONBLOCK
  const proto_ops *ops = nullptr;
  std::unique_ptr<sock> sk;
};

// sock_sendmsg: through sock->ops->sendmsg (inet_sendmsg for AF_INET).
int sock_sendmsg(socket *sock, kmsghdr *msg);

}  // namespace wirepath
