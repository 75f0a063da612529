// Socket-level helpers (net/core/sock.c).
#include "stack/core/sock.hpp"
#include "stack/kernel/cpu_cost.hpp"

#include <algorithm>
#include <cerrno>
#include <new>

#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

bool sk_dst_check(sock *sk) {
  if (!sk->dst_cached) return false;
  if (sk->sk_dst_cache.rt_genid != sk->sk_net->rt_genid || !sk->sk_dst_cache.dev || !sk->sk_dst_cache.dev->up) {
    sk->dst_cached = false;
    return false;
  }
  return true;
}

void skb_set_owner_w(sk_buff *skb, sock *sk) {
  skb->sk = sk;
  skb->destructor = sock_wfree;
  sk->sk_wmem_alloc += skb->truesize;
}

// sock_def_write_space: wake writers once at least half the buffer is free.
static void sock_def_write_space(sock *sk) {
  if ((sk->sk_wmem_alloc << 1) <= sk->sk_sndbuf) {
    sk->sock_nospace = false;
    net &n = *sk->sk_net;
    if (n.kernel.sched.sk_write_space) n.kernel.sched.sk_write_space(sk);
  }
}

void sock_wfree(sk_buff *skb) {
  sock *sk = skb->sk;
  if (!sk) return;
  sk->sk_wmem_alloc -= std::min<uint64_t>(skb->truesize, sk->sk_wmem_alloc);
  if (sk->sock_dead) {
    // sk_free after close(): the last skb in flight takes the sock with it.
    if (sk->sk_wmem_alloc == 0) delete sk;
    return;
  }
  sock_def_write_space(sk);
}

int sock_error(sock *sk) {
  const int e = sk->sk_err;
  sk->sk_err = 0;
  return -e;
}

sk_buff *sock_alloc_send_skb(sock *sk, uint32_t size, bool noblock, int *err) {
  KFUNC_SCOPE("sock_alloc_send_skb");
  for (;;) {
    if (const int e = sock_error(sk)) {
      *err = e;
      return nullptr;
    }
    if (sk->sk_wmem_alloc < sk->sk_sndbuf) break;
    sk->sock_nospace = true;
    // sock_wait_for_wmem: sleep until sock_wfree frees space, or the
    // timeout (SO_SNDTIMEO; 0 for MSG_DONTWAIT / O_NONBLOCK) runs out.
    net &n = *sk->sk_net;
    if (noblock || !n.kernel.sched.sk_wait || !n.kernel.sched.sk_wait(sk)) {
      *err = -EAGAIN;
      return nullptr;
    }
  }
  sk_buff *skb;
  try {
    skb = alloc_skb(sk->sk_net->mem, size);
  } catch (const std::bad_alloc &) {
    *err = -ENOBUFS;
    return nullptr;
  }
  skb_set_owner_w(skb, sk);
  *err = 0;
  return skb;
}

}  // namespace wirepath
