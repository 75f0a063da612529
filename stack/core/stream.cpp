// Stream sockets' waits and wake-ups (net/core/stream.c), used by TCP: wait
// for a connection, wait for write-queue room, wake a waiting sender.
#include <cerrno>

#include "stack/core/net_namespace.hpp"
#include "stack/core/sock.hpp"

namespace wirepath {

void sk_stream_write_space(sock *sk) {
  // __sk_stream_is_writeable: free space of at least half what is queued and
  // room for a new skb.
  if (sk_stream_wspace(sk) < sk_stream_min_wspace(sk) || !sk_stream_memory_free(sk)) return;
  sk->sock_nospace = false;
  net &n = *sk->sk_net;
  if (n.kernel.sched.sk_write_space) n.kernel.sched.sk_write_space(sk);
}

int sk_stream_wait_connect(sock *sk, bool nonblock) {
  net &n = *sk->sk_net;
  for (;;) {
    if (const int e = sock_error(sk)) return e;
    if (!((1u << sk->sk_state) & ((1u << TCP_SYN_SENT) | (1u << TCP_SYN_RECV)))) return -EPIPE;
    if (nonblock || !n.kernel.sched.sk_wait || !n.kernel.sched.sk_wait(sk)) return -EAGAIN;
    if ((1u << sk->sk_state) & ((1u << TCP_ESTABLISHED) | (1u << TCP_CLOSE_WAIT))) return 0;
  }
}

int sk_stream_wait_memory(sock *sk, bool nonblock) {
  net &n = *sk->sk_net;
  for (;;) {
    if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN)) return -EPIPE;
    if (sk_stream_memory_free(sk)) return 0;
    sk->sock_nospace = true;  // SOCK_NOSPACE: tcp_check_space wakes us
    if (nonblock || !n.kernel.sched.sk_wait || !n.kernel.sched.sk_wait(sk)) return -EAGAIN;
  }
}

}  // namespace wirepath
