// Netfilter hook points (include/linux/netfilter.h). No tables yet: every
// hook accepts. iptables-like rules slot in behind nf_hook later.
#pragma once

namespace wirepath {

struct net;
struct sock;
struct sk_buff;
struct net_device;

enum nf_inet_hooks { NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN, NF_INET_FORWARD, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING };
constexpr int NFPROTO_IPV4 = 2;

// Returns 1 when okfn should be called (accept), 0 when the hook took the
// skb (stolen/queued), or a negative errno after a drop
// (kfree_skb_reason NETFILTER_DROP, -EPERM).
int nf_hook(int pf, nf_inet_hooks hook, net &n, sock *sk, sk_buff *skb, net_device *in, net_device *out);

}  // namespace wirepath
