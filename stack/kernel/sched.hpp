// Sleeping and waking (include/linux/wait.h, kernel/sched): what the
// simulator supplies so that a blocking socket call can sleep until the
// stack wakes it. Linux parks the task on sk->sk_wq and schedule()s; the
// stack's wake-ups (sk_write_space, sk_state_change) wake that queue. Here
// the host's scheduler is whoever runs the stack: the SystemC sim waits on
// an event, a unit test counts or refuses.
#pragma once

#include <functional>

namespace wirepath {

struct sock;

struct sched_hooks {
  // sk_wait: a blocking call has to sleep: the send buffer is full
  // (sock_alloc_send_skb, TCP's sk_stream_wait_memory) or a TCP handshake is
  // under way (inet_wait_for_connect, sk_stream_wait_connect). Return true
  // after waiting (woken by sk_write_space or sk_state_change) to check
  // again, false to give up (-EAGAIN, or -EINPROGRESS for connect, as an
  // expired SO_SNDTIMEO). Not set: blocking calls behave as non-blocking ones.
  std::function<bool(sock *sk)> sk_wait;
  // sk_write_space: send-buffer space was freed: TX completion (sock_wfree)
  // for UDP, acknowledged data leaving TCP's queues (sk_stream_write_space).
  std::function<void(sock *sk)> sk_write_space;
  // sk_state_change: a socket changed state (TCP connected, reset, closed).
  std::function<void(sock *sk)> sk_state_change;
  // sk_data_ready: a datagram was queued on the socket's receive queue.
  std::function<void(sock *sk)> sk_data_ready;
};

}  // namespace wirepath
