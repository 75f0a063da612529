// Netfilter hooks: no rules yet, so every verdict is NF_ACCEPT.
#include "stack/netfilter.hpp"

namespace wirepath {

int nf_hook(int pf, nf_inet_hooks hook, net &n, sock *sk, sk_buff *skb, net_device *in, net_device *out) {
  return 1;
}

}  // namespace wirepath
