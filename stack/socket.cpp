// The socket syscalls (net/socket.c) over a process's fd table. Each returns
// the result or -errno, as the raw syscall does.
#include "stack/socket.hpp"
#include "stack/kernel/cpu_cost.hpp"

#include <cerrno>
#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>

#include "stack/ipv4/af_inet.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/udp.hpp"

namespace wirepath {

int sock_sendmsg(socket *sock, kmsghdr *msg) {
  KFUNC_SCOPE("sock_sendmsg");
  return sock->ops->sendmsg(sock, msg, msg->len);
}

files_struct::~files_struct() {
  // exit_files -> close_files: every descriptor still open, lowest first.
  while (!fdt.empty()) close(fdt.begin()->first);
}

struct socket *files_struct::sockfd_lookup(int fd) const {
  auto it = fdt.find(fd);
  return it == fdt.end() ? nullptr : it->second.get();
}

int files_struct::socket(int family, int type, int protocol) {
  const int flags = type & ~WP_SOCK_TYPE_MASK;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  type &= WP_SOCK_TYPE_MASK;
  // __sock_create
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  if (type < 0 || type >= WP_SOCK_MAX) return -EINVAL;
  if (family != AF_INET) return -EAFNOSUPPORT;  // no other net_families[] registered
  auto sock = std::make_unique<struct socket>();
  sock->type = type;
  if (flags & SOCK_NONBLOCK) sock->f_flags |= O_NONBLOCK;
  const int err = inet_create(net_ns, sock.get(), protocol);
  if (err) return err;
  // The lowest free descriptor; 0-2 are the process's stdio.
  int fd = 3;
  while (fdt.count(fd)) ++fd;
  fdt[fd] = std::move(sock);
  return fd;
}

int files_struct::bind(int fd, const sockaddr_in_host *addr, uint32_t addrlen) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  return sock->ops->bind(sock, addr, addrlen);
}

int files_struct::connect(int fd, const sockaddr_in_host *addr, uint32_t addrlen) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  return sock->ops->connect(sock, addr, addrlen, sock->f_flags);  // O_NONBLOCK: don't wait
}

long files_struct::sendto(int fd, const void *buf, size_t len, int flags, const sockaddr_in_host *dest_addr,
                 uint32_t addrlen) {
  KFUNC_SCOPE("__sys_sendto");
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  constexpr size_t MAX_RW_COUNT = INT_MAX & ~size_t{4095};
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  if (!buf && len) return -EFAULT;
  if (sock->f_flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
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

long files_struct::send(int fd, const void *buf, size_t len, int flags) { return sendto(fd, buf, len, flags, nullptr, 0); }

long files_struct::recvfrom(int fd, void *buf, size_t len, int flags, sockaddr_in_host *src_addr) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!buf && len) return -EFAULT;
  struct sock *sk = sock->sk.get();
  // Only UDP has a receive queue here (our TCP peers send no data).
  if (sk->sk_protocol != IPPROTO_UDP) return -EOPNOTSUPP;
  if (sock->f_flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
  // __skb_recv_udp: wait for a datagram unless MSG_DONTWAIT; a pending error first.
  while (sk->sk_receive_queue.empty()) {
    if (const int err = sock_error(sk)) return err;
    const sched_hooks &sched = net_ns.kernel.sched;
    if ((flags & MSG_DONTWAIT) || !sched.sk_wait || !sched.sk_wait(sk)) return -EAGAIN;
  }
  sock::rx_datagram &d = sk->sk_receive_queue.front();
  // udp_recvmsg: a datagram longer than the buffer is truncated (MSG_TRUNC
  // would return its full length).
  const size_t copied = std::min(len, d.data.size());
  std::copy(d.data.begin(), d.data.begin() + static_cast<long>(copied), static_cast<uint8_t *>(buf));
  const long ret = (flags & MSG_TRUNC) ? static_cast<long>(d.data.size()) : static_cast<long>(copied);
  if (src_addr) *src_addr = sockaddr_in_host{AF_INET, d.sport, d.saddr};
  if (!(flags & MSG_PEEK)) {
    sk->sk_rmem_alloc -= d.data.size();
    sk->sk_receive_queue.pop_front();
  }
  return ret;
}

long files_struct::write(int fd, const void *buf, size_t len) {
  KFUNC_SCOPE("ksys_write");
  // sock_write_iter: no flags but O_NONBLOCK's; zero bytes is a no-op (SYSV).
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!buf && len) return -EFAULT;
  if (len == 0) return 0;
  return sendto(fd, buf, len, 0, nullptr, 0);
}

// ____sys_sendmsg: copy the msghdr, gather the iovecs, sock_sendmsg.
static long sys_sendmsg_one(struct socket *sock, const msghdr_host *m, int flags) {
  if (!m) return -EFAULT;
  if (m->msg_iovlen > UIO_MAXIOV) return -EMSGSIZE;
  if (m->msg_iovlen && !m->msg_iov) return -EFAULT;
  constexpr size_t MAX_RW_COUNT = INT_MAX & ~size_t{4095};
  size_t total = 0;
  for (size_t i = 0; i < m->msg_iovlen; ++i) {
    const iovec_host &v = m->msg_iov[i];
    if (v.iov_len > static_cast<size_t>(LONG_MAX)) return -EINVAL;
    if (v.iov_len && !v.iov_base) return -EFAULT;
    total += std::min(v.iov_len, MAX_RW_COUNT - total);
  }
  // The protocol copies from the iov_iter into its skb; we gather once here
  // (same bytes), so kmsghdr stays one contiguous buffer.
  std::vector<uint8_t> gathered;
  const uint8_t *data = nullptr;
  if (m->msg_iovlen == 1) {
    data = static_cast<const uint8_t *>(m->msg_iov[0].iov_base);
  } else if (total) {
    gathered.reserve(total);
    size_t left = total;
    for (size_t i = 0; i < m->msg_iovlen && left; ++i) {
      const size_t n = std::min(m->msg_iov[i].iov_len, left);
      const auto *p = static_cast<const uint8_t *>(m->msg_iov[i].iov_base);
      gathered.insert(gathered.end(), p, p + n);
      left -= n;
    }
    data = gathered.data();
  }
  kmsghdr msg;
  msg.data = data;
  msg.len = total;
  msg.msg_flags = flags;
  if (sock->f_flags & O_NONBLOCK) msg.msg_flags |= MSG_DONTWAIT;
  if (m->msg_name) {
    msg.msg_name = m->msg_name;
    msg.msg_namelen = std::min<uint32_t>(m->msg_namelen, 128);  // clamped to sockaddr_storage
  }
  return sock_sendmsg(sock, &msg);
}

long files_struct::sendmsg(int fd, const msghdr_host *msg, int flags) {
  if (flags & MSG_CMSG_COMPAT) return -EINVAL;
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  return sys_sendmsg_one(sock, msg, flags);
}

int files_struct::sendmmsg(int fd, mmsghdr_host *msgvec, unsigned int vlen, int flags) {
  if (flags & MSG_CMSG_COMPAT) return -EINVAL;
  if (vlen > UIO_MAXIOV) vlen = UIO_MAXIOV;
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (vlen && !msgvec) return -EFAULT;
  unsigned datagrams = 0;
  long err = 0;
  while (datagrams < vlen) {
    err = sys_sendmsg_one(sock, &msgvec[datagrams].msg_hdr, flags);
    if (err < 0) break;
    msgvec[datagrams].msg_len = static_cast<unsigned>(err);
    ++datagrams;
  }
  // An error is returned only if no datagram was sent.
  return datagrams ? static_cast<int>(datagrams) : static_cast<int>(err);
}

int files_struct::getsockopt(int fd, int level, int optname, int *optval) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!optval) return -EFAULT;
  struct sock *sk = sock->sk.get();
  if (level == SOL_SOCKET) {
    switch (optname) {
      case SO_SNDBUF: *optval = static_cast<int>(sk->sk_sndbuf); return 0;
      case SO_PRIORITY: *optval = static_cast<int>(sk->sk_priority); return 0;
      case SO_MARK: *optval = static_cast<int>(sk->sk_mark); return 0;
      case SO_ERROR: *optval = -sock_error(sk); return 0;
      default: return -ENOPROTOOPT;
    }
  }
  if (level == SOL_UDP && sk->sk_protocol == IPPROTO_UDP) {
    if (optname != UDP_CORK) return -ENOPROTOOPT;
    *optval = sk->udp_corkflag;
    return 0;
  }
  if (level != SOL_IP) return -ENOPROTOOPT;
  switch (optname) {
    case IP_TOS: *optval = sk->tos; return 0;
    case IP_TTL: *optval = sk->uc_ttl >= 0 ? sk->uc_ttl : net_ns.sysctl.ip_default_ttl; return 0;
    case IP_MTU_DISCOVER: *optval = sk->pmtudisc; return 0;
    case IP_RECVERR: *optval = sk->recverr; return 0;
    default: return -ENOPROTOOPT;
  }
}

int files_struct::setsockopt(int fd, int level, int optname, const void *optval, uint32_t optlen) {
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
      case SO_SNDBUF: {
        // sk_setsockopt: a hint capped at wmem_max, doubled for overhead.
        uint32_t v = std::min(static_cast<uint32_t>(val), net_ns.sysctl.wmem_max);
        v = std::min<uint32_t>(v, INT_MAX / 2);
        sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
        sk->sk_sndbuf = std::max<uint32_t>(v * 2, SOCK_MIN_SNDBUF);
        const sched_hooks &sched = net_ns.kernel.sched;
        if (sched.sk_write_space && (sk->sk_wmem_alloc << 1) <= sk->sk_sndbuf) sched.sk_write_space(sk);
        return 0;
      }
      default: return -ENOPROTOOPT;
    }
  }
  if (level == SOL_UDP && sk->sk_protocol == IPPROTO_UDP) {
    // udp_lib_setsockopt: clearing UDP_CORK sends what is corked.
    if (optname != UDP_CORK) return -ENOPROTOOPT;
    if (val) {
      sk->udp_corkflag = true;
      return 0;
    }
    sk->udp_corkflag = false;
    udp_push_pending_frames(sk);
    return 0;
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

int files_struct::getsockname(int fd, sockaddr_in_host *addr) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  const int r = sock->ops->getname(sock, addr, 0);
  return r < 0 ? r : 0;
}

int files_struct::getpeername(int fd, sockaddr_in_host *addr) {
  struct socket *sock = sockfd_lookup(fd);
  if (!sock) return -EBADF;
  if (!addr) return -EFAULT;
  const int r = sock->ops->getname(sock, addr, 1);
  return r < 0 ? r : 0;
}

int files_struct::close(int fd) {
  auto it = fdt.find(fd);
  if (it == fdt.end()) return -EBADF;
  it->second->ops->release(it->second.get());
  fdt.erase(it);
  return 0;
}

}  // namespace wirepath
