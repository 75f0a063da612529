// The socket syscalls (net/socket.c) as members of struct net. Each returns
// the result or -errno, as the raw syscall does.
#include "stack/socket.hpp"

#include <cerrno>
#include <climits>

#include "stack/af_inet.hpp"
#include "stack/net_namespace.hpp"

namespace wirepath {

int sock_sendmsg(socket *sock, kmsghdr *msg) { return sock->ops->sendmsg(sock, msg, msg->len); }

struct socket *net::sockfd_lookup(int fd) const {
  auto it = fds.find(fd);
  return it == fds.end() ? nullptr : it->second.get();
}

int net::socket(int family, int type, int protocol) {
  const int flags = type & ~WP_SOCK_TYPE_MASK;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  type &= WP_SOCK_TYPE_MASK;
  // __sock_create
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  if (type < 0 || type >= WP_SOCK_MAX) return -EINVAL;
  if (family != AF_INET) return -EAFNOSUPPORT;  // no other net_families[] registered
  auto sock = std::make_unique<struct socket>();
  sock->type = type;
  const int err = inet_create(*this, sock.get(), protocol);
  if (err) return err;
  // The lowest free descriptor; 0-2 are the process's stdio.
  int fd = 3;
  while (fds.count(fd)) ++fd;
  fds[fd] = std::move(sock);
  return fd;
}

int net::bind(int fd, const sockaddr_in_host *addr, uint32_t addrlen) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  return sock->ops->bind(sock, addr, addrlen);
}

int net::connect(int fd, const sockaddr_in_host *addr, uint32_t addrlen) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  return sock->ops->connect(sock, addr, addrlen, 0);
}

long net::sendto(int fd, const void *buf, size_t len, int flags, const sockaddr_in_host *dest_addr,
                 uint32_t addrlen) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  constexpr size_t MAX_RW_COUNT = INT_MAX & ~size_t{4095};
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  if (!buf && len) return -EFAULT;
  kmsghdr msg;
  msg.data = static_cast<const uint8_t *>(buf);
  msg.len = len;
  msg.msg_flags = flags;
  if (dest_addr) {
    // move_addr_to_kernel
    if (addrlen > 128) return -EINVAL;  // > sizeof(struct sockaddr_storage)
    msg.msg_name = dest_addr;
    msg.msg_namelen = addrlen;
  }
  return sock_sendmsg(sock, &msg);
}

long net::send(int fd, const void *buf, size_t len, int flags) { return sendto(fd, buf, len, flags, nullptr, 0); }

int net::setsockopt(int fd, int level, int optname, const void *optval, uint32_t optlen) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!optval) return -EFAULT;
  if (optlen < sizeof(int)) return -EINVAL;
  const int val = *static_cast<const int *>(optval);
  struct sock *sk = sock->sk.get();
  if (level == SOL_SOCKET) {
    switch (optname) {
      case SO_PRIORITY: sk->sk_priority = static_cast<uint32_t>(val); return 0;
      case SO_MARK: sk->sk_mark = static_cast<uint32_t>(val); sk->dst_cached = false; return 0;
      default: return -ENOPROTOOPT;
    }
  }
  if (level != SOL_IP) {
    // sock_common_setsockopt -> sk->sk_prot->setsockopt (tcp_setsockopt).
    if (sk->sk_prot->setsockopt) return sk->sk_prot->setsockopt(sk, level, optname, val);
    return -ENOPROTOOPT;
  }
  switch (optname) {
    case IP_TOS:
      // __ip_sock_set_tos: the whole byte for UDP; the priority follows.
      if (sk->tos != static_cast<uint8_t>(val)) {
        sk->tos = static_cast<uint8_t>(val);
        sk->sk_priority = rt_tos2priority(sk->tos);
        sk->dst_cached = false;
      }
      return 0;
    case IP_TTL:
      if (val != -1 && (val < 1 || val > 255)) return -EINVAL;
      sk->uc_ttl = static_cast<int16_t>(val);
      return 0;
    case IP_MTU_DISCOVER:
      if (val < IP_PMTUDISC_DONT || val > IP_PMTUDISC_OMIT) return -EINVAL;
      sk->pmtudisc = static_cast<uint8_t>(val);
      return 0;
    case IP_RECVERR: sk->recverr = val != 0; return 0;
    default: return -ENOPROTOOPT;
  }
}

int net::getsockname(int fd, sockaddr_in_host *addr) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  const int r = sock->ops->getname(sock, addr, 0);
  return r < 0 ? r : 0;
}

int net::getpeername(int fd, sockaddr_in_host *addr) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  const int r = sock->ops->getname(sock, addr, 1);
  return r < 0 ? r : 0;
}

int net::close(int fd) {
  auto it = fds.find(fd);
  if (it == fds.end()) return -EBADF;
  it->second->ops->release(it->second.get());
  fds.erase(it);
  return 0;
}

}  // namespace wirepath
