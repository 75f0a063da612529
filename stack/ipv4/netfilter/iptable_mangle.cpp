// The mangle table: packet alteration (MARK), at every hook (net/ipv4/netfilter/iptable_mangle.c).
#include "stack/ipv4/netfilter/ip_tables.hpp"

namespace wirepath {

namespace {

unsigned iptable_mangle_hook(void *priv, sk_buff *skb, const nf_hook_state &state) {
  return ipt_do_table(*state.n, skb, state, static_cast<xt_table *>(priv));
}

nf_hook_ops mangle_ops(unsigned hook) {
  return nf_hook_ops{iptable_mangle_hook, nullptr, NFPROTO_IPV4, hook, NF_IP_PRI_MANGLE, "mangle"};
}

void iptable_mangle_init() {
  static xt_table_template t;
  t.name = "mangle";
  t.valid_hooks = (1u << NF_INET_PRE_ROUTING) | (1u << NF_INET_LOCAL_IN) | (1u << NF_INET_FORWARD) | (1u << NF_INET_LOCAL_OUT) | (1u << NF_INET_POST_ROUTING);
  t.priority = NF_IP_PRI_MANGLE;
  t.hook_ops = mangle_ops;
  xt_register_template(&t);
}
module_init(iptable_mangle_init);

}  // namespace

}  // namespace wirepath
