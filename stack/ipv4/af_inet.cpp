// PF_INET sockets (net/ipv4/af_inet.c).
#include "stack/ipv4/af_inet.hpp"

#include <cerrno>

#include "stack/ipv4/protocol.hpp"
#include "stack/ipv4/devinet.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/tcp.hpp"
#include "stack/ipv4/udp.hpp"

namespace wirepath {

const proto_ops inet_dgram_ops = {
    AF_INET, inet_release, inet_bind, inet_dgram_connect, inet_getname, inet_sendmsg,
};

const proto_ops inet_stream_ops = {
    AF_INET, inet_release, inet_bind, inet_stream_connect, inet_getname, inet_sendmsg,
};

// tcp_protocol (af_inet.c): what ip_local_deliver_finish calls for IPPROTO_TCP.
static const net_protocol tcp_protocol = {tcp_v4_rcv, tcp_v4_err};

void inet_init() {
  static const int once = inet_add_protocol(&tcp_protocol, IPPROTO_TCP);
  (void)once;
}

static std::vector<inet_protosw> &inetsw_mut() {
  // inetsw_array: what inet_init registers at boot.
  static std::vector<inet_protosw> table = {
      {SOCK_STREAM, IPPROTO_TCP, &tcp_prot, &inet_stream_ops},
      {SOCK_DGRAM, IPPROTO_UDP, &udp_prot, &inet_dgram_ops},
  };
  return table;
}

const std::vector<inet_protosw> &inetsw() { return inetsw_mut(); }
void inet_register_protosw(const inet_protosw &p) { inetsw_mut().push_back(p); }

int inet_create(net &n, socket *sock, int protocol) {
  if (protocol < 0 || protocol >= WP_IPPROTO_MAX) return -EINVAL;
  sock->state = SS_UNCONNECTED;

  // lookup_protocol: the first protosw of this type whose protocol matches,
  // with IPPROTO_IP as a wildcard on either side.
  const inet_protosw *answer = nullptr;
  int err = -ESOCKTNOSUPPORT;
  for (const auto &a : inetsw()) {
    if (a.type != sock->type) continue;
    err = 0;
    if (protocol == a.protocol) {
      if (protocol != IPPROTO_IP) {
        answer = &a;
        break;
      }
    } else {
      if (protocol == IPPROTO_IP) {
        protocol = a.protocol;
        answer = &a;
        break;
      }
      if (a.protocol == IPPROTO_IP) {
        answer = &a;
        break;
      }
    }
    err = -EPROTONOSUPPORT;
  }
  if (!answer) return err ? err : -EPROTONOSUPPORT;

  sock->ops = answer->ops;
  std::unique_ptr<struct sock> sk = answer->prot->sk_alloc ? answer->prot->sk_alloc() : std::make_unique<struct sock>();
  sk->sk_net = &n;
  sk->sk_prot = answer->prot;
  sk->sk_socket = sock;
  sk->sk_family = AF_INET;
  sk->sk_type = static_cast<uint16_t>(sock->type);
  sk->sk_protocol = static_cast<uint16_t>(protocol);
  sk->pmtudisc = IP_PMTUDISC_WANT;  // net.ipv4.ip_no_pmtu_disc = 0
  sk->uc_ttl = -1;
  sock->sk = std::move(sk);
  if (answer->prot->init) return answer->prot->init(sock->sk.get());
  return 0;
}

int inet_release(socket *sock) {
  if (!sock->sk) return 0;
  struct sock *sk = sock->sk.get();
  if (sk->sk_prot->close) {
    // The protocol takes the sock over (tcp_close: FIN, orphan).
    sk->sk_socket = nullptr;
    sk->sk_prot->close(sock->sk.release(), 0);
    return 0;
  }
  if (sk->sk_prot->unhash) sk->sk_prot->unhash(sk);
  if (sk->sk_prot->destroy) sk->sk_prot->destroy(sk);
  if (sk->sk_wmem_alloc) {
    // sk_free with skbs still in flight: the last sock_wfree frees it.
    sk->sock_dead = true;
    sk->sk_socket = nullptr;
    sock->sk.release();
    return 0;
  }
  sock->sk.reset();
  return 0;
}

int inet_autobind(sock *sk) {
  if (!sk->inet_num) {
    if (sk->sk_prot->get_port(sk, 0)) return -EAGAIN;
    sk->inet_sport = sk->inet_num;
  }
  return 0;
}

int inet_bind(socket *sock, const sockaddr_in_host *addr, uint32_t addr_len) {
  struct sock *sk = sock->sk.get();
  net &n = *sk->sk_net;
  if (addr_len < SOCKADDR_IN_LEN) return -EINVAL;
  if (addr->sin_family != AF_INET) {
    // Compatibility games: AF_UNSPEC with INADDR_ANY is accepted.
    if (addr->sin_family != AF_UNSPEC || addr->sin_addr != 0) return -EAFNOSUPPORT;
  }
  const uint32_t a = addr->sin_addr;
  const bool multicast = (a >> 28) == 0xe;
  if (a != 0 && a != 0xffffffffu && !multicast && !inet_addr_is_local(n, a)) return -EADDRNOTAVAIL;
  if (sk->sk_state != TCP_CLOSE || sk->inet_num) return -EINVAL;

  sk->inet_rcv_saddr = sk->inet_saddr = a;
  if (multicast || a == 0xffffffffu) sk->inet_saddr = 0;  // use the device address when sending
  const int err = sk->sk_prot->get_port(sk, addr->sin_port);
  if (err) {
    sk->inet_saddr = sk->inet_rcv_saddr = 0;
    return -EADDRINUSE;
  }
  if (sk->inet_rcv_saddr) sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
  if (addr->sin_port) sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
  sk->inet_sport = sk->inet_num;
  sk->inet_daddr = 0;
  sk->inet_dport = 0;
  sk->dst_cached = false;
  return 0;
}

int inet_dgram_connect(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len, int flags) {
  struct sock *sk = sock->sk.get();
  if (addr_len < sizeof(uaddr->sin_family)) return -EINVAL;
  if (uaddr->sin_family == AF_UNSPEC) return sk->sk_prot->disconnect(sk, flags);
  if (!sk->inet_num && inet_autobind(sk)) return -EAGAIN;
  return sk->sk_prot->connect(sk, uaddr, addr_len);
}

int inet_stream_connect(socket *sock, const sockaddr_in_host *uaddr, uint32_t addr_len, int flags) {
  struct sock *sk = sock->sk.get();
  if (addr_len < sizeof(uaddr->sin_family)) return -EINVAL;
  if (uaddr->sin_family == AF_UNSPEC) return sk->sk_prot->disconnect(sk, flags);
  int err;
  switch (sock->state) {
    case SS_CONNECTED: return -EISCONN;
    case SS_CONNECTING: err = -EALREADY; break;
    case SS_UNCONNECTED:
      if (sk->sk_state != TCP_CLOSE) return -EISCONN;
      err = sk->sk_prot->connect(sk, uaddr, addr_len);
      if (err < 0) return err;
      sock->state = SS_CONNECTING;
      err = -EINPROGRESS;
      break;
    default: return -EINVAL;
  }
  // inet_wait_for_connect: a blocking connect sleeps (sched_hooks::sk_wait, woken
  // by sk_state_change) until the handshake is over; non-blocking, or with
  // no way to sleep, it says EINPROGRESS.
  while ((1u << sk->sk_state) & ((1u << TCP_SYN_SENT) | (1u << TCP_SYN_RECV))) {
    net &n = *sk->sk_net;
    if ((flags & O_NONBLOCK) || !n.kernel.sched.sk_wait || !n.kernel.sched.sk_wait(sk)) return err;
  }
  if (sk->sk_state == TCP_CLOSE) {
    // sock_error: the handshake failed (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH).
    const int e = sock_error(sk);
    sock->state = SS_UNCONNECTED;
    return e ? e : -ECONNABORTED;
  }
  sock->state = SS_CONNECTED;
  return 0;
}

int inet_getname(socket *sock, sockaddr_in_host *uaddr, int peer) {
  const struct sock *sk = sock->sk.get();
  uaddr->sin_family = AF_INET;
  if (peer) {
    if (!sk->inet_dport) return -ENOTCONN;
    uaddr->sin_port = sk->inet_dport;
    uaddr->sin_addr = sk->inet_daddr;
  } else {
    uaddr->sin_port = sk->inet_sport;
    uaddr->sin_addr = sk->inet_rcv_saddr ? sk->inet_rcv_saddr : sk->inet_saddr;
  }
  return SOCKADDR_IN_LEN;
}

int inet_sendmsg(socket *sock, kmsghdr *msg, size_t size) {
  struct sock *sk = sock->sk.get();
  // inet_send_prepare: bind an ephemeral port before the first send.
  if (!sk->sk_prot->no_autobind && inet_autobind(sk)) return -EAGAIN;
  return sk->sk_prot->sendmsg(sk, msg, size);
}

}  // namespace wirepath
