// Netfilter hook lists and traversal (net/netfilter/core.c, nf_queue.c).
#include "stack/netfilter/netfilter.hpp"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>

#include "stack/ipv4/netfilter/ip_tables.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

netns_nf::netns_nf() = default;
netns_nf::~netns_nf() = default;

netns_nf &nf_net(net &n) {
  if (!n.nf) n.nf = std::make_unique<netns_nf>();
  return *n.nf;
}

int nf_register_net_hook(net &n, const nf_hook_ops *ops) {
  if (ops->hooknum >= NF_INET_NUMHOOKS) return -EINVAL;
  auto &v = nf_net(n).hooks[ops->hooknum];
  // After every op of the same or lower priority (nf_hook_entries_grow).
  auto it = std::upper_bound(v.begin(), v.end(), ops->priority,
                             [](int prio, const nf_hook_ops *o) { return prio < o->priority; });
  v.insert(it, ops);
  return 0;
}

void nf_unregister_net_hook(net &n, const nf_hook_ops *ops) {
  if (!n.nf || ops->hooknum >= NF_INET_NUMHOOKS) return;
  auto &v = n.nf->hooks[ops->hooknum];
  v.erase(std::remove(v.begin(), v.end(), ops), v.end());
}

int nf_hook(int pf, nf_inet_hooks hook, net &n, sock *sk, sk_buff *skb, net_device *in, net_device *out) {
  if (!n.nf || n.nf->hooks[hook].empty()) return 1;
  const std::vector<const nf_hook_ops *> hooks = n.nf->hooks[hook];  // a table swap may happen in a callback
  nf_hook_state state{static_cast<unsigned>(hook), pf, in, out, sk, &n};
  // nf_hook_slow
  for (size_t i = 0; i < hooks.size(); ++i) {
    const unsigned verdict = hooks[i]->hook(hooks[i]->priv, skb, state);
    switch (verdict & NF_VERDICT_MASK) {
      case NF_ACCEPT: break;
      case NF_DROP:
        kfree_skb_reason(skb, skb_drop_reason::NETFILTER_DROP);
        return -EPERM;  // NF_DROP_GETERR: no errno in the verdict -> EPERM
      case NF_QUEUE: {
        // nf_queue: to the user-space handler, which decides at once.
        const uint16_t qnum = static_cast<uint16_t>(verdict >> NF_VERDICT_QBITS);
        netns_nf &nf = *n.nf;
        if (!nf.queue_handler) {
          if (verdict & NF_VERDICT_FLAG_QUEUE_BYPASS) break;  // --queue-bypass: as if accepted
          kfree_skb_reason(skb, skb_drop_reason::NETFILTER_DROP);
          return 0;
        }
        ++nf.queued;
        const unsigned v = nf.queue_handler(skb, state, qnum) & NF_VERDICT_MASK;
        if (v == NF_REPEAT) {
          --i;
          break;
        }
        if (v != NF_ACCEPT && v != NF_STOP) {
          kfree_skb_reason(skb, skb_drop_reason::NETFILTER_DROP);
          return 0;  // the sender's send() already succeeded in Linux
        }
        if (v == NF_STOP) return 1;
        break;
      }
      case NF_STOLEN: return 0;
      case NF_STOP: return 1;
      default:
        kfree_skb_reason(skb, skb_drop_reason::NETFILTER_DROP);
        return -EPERM;
    }
  }
  return 1;
}

std::string nf_hook_dump(net &n, nf_inet_hooks hook) {
  std::string s;
  if (!n.nf) return s;
  for (const nf_hook_ops *o : n.nf->hooks[hook]) s += fmt::format("{} {}\n", o->priority, o->name ? o->name : "?");
  return s;
}

}  // namespace wirepath
