// The BSD socket layer (include/linux/net.h, net/socket.c): struct socket,
// the family's proto_ops, and the socket syscalls over a process's fd table
// (files_struct, include/linux/fdtable.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
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

// struct files_struct: one process's descriptor table, and the socket
// syscalls that take its descriptors. Sockets are created in the process's
// network namespace (current->nsproxy->net_ns), net_ns here. Each call
// returns the value or -errno as the raw syscall does (no libc errno). The
// table closes what is still open when it goes (exit_files), so it must go
// before its net.
struct files_struct {
  explicit files_struct(net &ns) : net_ns(ns) {}
  ~files_struct();
  files_struct(const files_struct &) = delete;
  files_struct &operator=(const files_struct &) = delete;

  net &net_ns;
  std::map<int, std::unique_ptr<struct socket>> fdt;  // fd -> socket; the lowest free from 3

  int socket(int family, int type, int protocol);
  int bind(int fd, const sockaddr_in_host *addr, uint32_t addrlen = SOCKADDR_IN_LEN);
  int connect(int fd, const sockaddr_in_host *addr, uint32_t addrlen = SOCKADDR_IN_LEN);
  long sendto(int fd, const void *buf, size_t len, int flags, const sockaddr_in_host *dest_addr,
              uint32_t addrlen = SOCKADDR_IN_LEN);
  long send(int fd, const void *buf, size_t len, int flags = 0);
  // recvfrom(2)/recv(2) on a UDP socket: one datagram from the receive
  // queue, blocking (sk_wait) unless MSG_DONTWAIT or O_NONBLOCK; MSG_PEEK,
  // MSG_TRUNC. -EOPNOTSUPP for other sockets (no TCP receive is modelled).
  long recvfrom(int fd, void *buf, size_t len, int flags, sockaddr_in_host *src_addr);
  long recv(int fd, void *buf, size_t len, int flags = 0) { return recvfrom(fd, buf, len, flags, nullptr); }
  // write(2) on a socket: sock_write_iter -> sock_sendmsg with no flags.
  long write(int fd, const void *buf, size_t len);
  // sendmsg(2) with an iovec array (msghdr_host in uapi.hpp).
  long sendmsg(int fd, const msghdr_host *msg, int flags);
  // sendmmsg(2): datagrams sent (msg_len filled in), or -errno if the first failed.
  int sendmmsg(int fd, mmsghdr_host *msgvec, unsigned int vlen, int flags);
  // getsockopt for the int options setsockopt takes (and SO_SNDBUF, SO_ERROR).
  int getsockopt(int fd, int level, int optname, int *optval);
  int setsockopt(int fd, int level, int optname, const void *optval, uint32_t optlen);
  int setsockopt(int fd, int level, int optname, int value) {
    return setsockopt(fd, level, optname, &value, sizeof value);
  }
  int getsockname(int fd, sockaddr_in_host *addr);
  int getpeername(int fd, sockaddr_in_host *addr);
  int close(int fd);
  // sockfd_lookup: the socket behind fd, or nullptr.
  struct socket *sockfd_lookup(int fd) const;
};

}  // namespace wirepath
