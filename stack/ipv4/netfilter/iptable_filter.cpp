// The filter table: the packets a host receives, forwards and sends (net/ipv4/netfilter/iptable_filter.c).
#include "stack/ipv4/netfilter/ip_tables.hpp"

namespace wirepath {

namespace {

unsigned iptable_filter_hook(void *priv, sk_buff *skb, const nf_hook_state &state) {
  return ipt_do_table(*state.n, skb, state, static_cast<xt_table *>(priv));
}

nf_hook_ops filter_ops(unsigned hook) {
  return nf_hook_ops{iptable_filter_hook, nullptr, NFPROTO_IPV4, hook, NF_IP_PRI_FILTER, "filter"};
}

void iptable_filter_init() {
  static xt_table_template t;
  t.name = "filter";
  t.valid_hooks = (1u << NF_INET_LOCAL_IN) | (1u << NF_INET_FORWARD) | (1u << NF_INET_LOCAL_OUT);
  t.priority = NF_IP_PRI_FILTER;
  t.hook_ops = filter_ops;
  xt_register_template(&t);
}
module_init(iptable_filter_init);

}  // namespace

}  // namespace wirepath
