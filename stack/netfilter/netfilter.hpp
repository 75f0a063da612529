// Netfilter hooks (include/linux/netfilter.h, net/netfilter/core.c). Each
// hook point holds a list of nf_hook_ops sorted by priority; nf_hook runs
// them in that order (the kernel's numbers: raw -300, conntrack -200,
// mangle -150, nat dst -100, filter 0, nat src 100, conntrack confirm
// INT_MAX). Tables register their ops when ipt_do_replace loads them
// (ip_tables.hpp), conntrack when the nat table or a state match needs it.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wirepath {

struct net;
struct sock;
struct sk_buff;
struct net_device;
struct xt_table;
struct nf_conntrack_net;

enum nf_inet_hooks { NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN, NF_INET_FORWARD, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING };
constexpr int NF_INET_NUMHOOKS = 5;
constexpr int NFPROTO_IPV4 = 2;

// Verdicts (include/uapi/linux/netfilter.h).
enum : unsigned { NF_DROP = 0, NF_ACCEPT = 1, NF_STOLEN = 2, NF_QUEUE = 3, NF_REPEAT = 4, NF_STOP = 5 };
// The queue number travels in the verdict's upper 16 bits (NF_VERDICT_QBITS).
constexpr unsigned NF_VERDICT_MASK = 0xff, NF_VERDICT_QBITS = 16;
constexpr unsigned NF_QUEUE_NR(unsigned x) { return ((x << NF_VERDICT_QBITS) & 0xffff0000u) | NF_QUEUE; }
// With NF_QUEUE: accept the packet when no one listens on the queue.
constexpr unsigned NF_VERDICT_FLAG_QUEUE_BYPASS = 0x8000;

// enum nf_ip_hook_priorities.
enum nf_ip_hook_priorities : int {
  NF_IP_PRI_FIRST = INT_MIN,
  NF_IP_PRI_RAW = -300,
  NF_IP_PRI_CONNTRACK = -200,
  NF_IP_PRI_MANGLE = -150,
  NF_IP_PRI_NAT_DST = -100,
  NF_IP_PRI_FILTER = 0,
  NF_IP_PRI_SECURITY = 50,
  NF_IP_PRI_NAT_SRC = 100,
  NF_IP_PRI_CONNTRACK_CONFIRM = INT_MAX,
};

struct nf_hook_state {
  unsigned hook;
  int pf;
  net_device *in, *out;
  sock *sk;
  net *n;
};

struct nf_hook_ops {
  unsigned (*hook)(void *priv, sk_buff *skb, const nf_hook_state &state);
  void *priv;
  int pf;
  unsigned hooknum;
  int priority;
  const char *name;  // for hook dumps
};

// What an NF_QUEUE verdict's packet is handed to (nfnetlink_queue's user
// space, synchronously): return NF_ACCEPT (traversal continues with the next
// hook), NF_DROP, or NF_REPEAT (run this hook again). The callback may change
// skb->mark. With no handler the packet is dropped, as Linux does when no
// program listens on the queue. A queued packet's fate is not the sender's
// error: send() succeeds even if the verdict is DROP.
using nf_queue_handler = std::function<unsigned(sk_buff *skb, const nf_hook_state &state, uint16_t queuenum)>;

// Per-net netfilter state (struct netns_nf + netns_xt + netns_ct).
struct netns_nf {
  netns_nf();
  ~netns_nf();
  std::vector<const nf_hook_ops *> hooks[NF_INET_NUMHOOKS];  // sorted by priority
  nf_queue_handler queue_handler;
  std::vector<std::unique_ptr<xt_table>> tables;  // ip_tables.hpp
  std::unique_ptr<nf_conntrack_net> ct;          // nf_conntrack.hpp
  uint64_t queued = 0;  // packets handed to queue_handler
  std::vector<std::string> log;  // the LOG target's lines (a kernel log ring, last 1000)
};

// netns_nf of n, created on first use.
netns_nf &nf_net(net &n);

int nf_register_net_hook(net &n, const nf_hook_ops *ops);
void nf_unregister_net_hook(net &n, const nf_hook_ops *ops);

// nf_hook: 1 when okfn should be called (every hook accepted), 0 when a hook
// took the skb (stolen, queued, or dropped after NF_QUEUE), or -EPERM after a
// DROP verdict (skb freed with NETFILTER_DROP).
int nf_hook(int pf, nf_inet_hooks hook, net &n, sock *sk, sk_buff *skb, net_device *in, net_device *out);

// The order of the ops at one hook ("priority name" per line), for tests and docs.
std::string nf_hook_dump(net &n, nf_inet_hooks hook);

}  // namespace wirepath
