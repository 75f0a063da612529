// The raw table: before connection tracking (net/ipv4/netfilter/iptable_raw.c).
#include "stack/ipv4/netfilter/ip_tables.hpp"

namespace wirepath {

namespace {

unsigned iptable_raw_hook(void *priv, sk_buff *skb, const nf_hook_state &state) {
  return ipt_do_table(*state.n, skb, state, static_cast<xt_table *>(priv));
}

nf_hook_ops raw_ops(unsigned hook) {
  return nf_hook_ops{iptable_raw_hook, nullptr, NFPROTO_IPV4, hook, NF_IP_PRI_RAW, "raw"};
}

void iptable_raw_init() {
  static xt_table_template t;
  t.name = "raw";
  t.valid_hooks = (1u << NF_INET_PRE_ROUTING) | (1u << NF_INET_LOCAL_OUT);
  t.priority = NF_IP_PRI_RAW;
  t.hook_ops = raw_ops;
  xt_register_template(&t);
}
module_init(iptable_raw_init);

}  // namespace

}  // namespace wirepath
