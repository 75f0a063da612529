// The nat table (net/ipv4/netfilter/iptable_nat.c). Its hooks are
// nf_nat_ipv4's: nf_nat_inet_fn consults the table only for a connection's
// first packet in each direction, DNAT side before routing (-100), SNAT side
// after (100).
#include "stack/ipv4/netfilter/ip_tables.hpp"
#include "stack/netfilter/nf_conntrack.hpp"

namespace wirepath {

namespace {

unsigned nf_nat_ipv4_hook(void *, sk_buff *skb, const nf_hook_state &state) {
  return nf_nat_inet_fn(*state.n, skb, state);
}

nf_hook_ops nat_ops(unsigned hook) {
  const bool src = hook == NF_INET_POST_ROUTING || hook == NF_INET_LOCAL_IN;
  return nf_hook_ops{nf_nat_ipv4_hook, nullptr, NFPROTO_IPV4, hook, src ? NF_IP_PRI_NAT_SRC : NF_IP_PRI_NAT_DST,
                     src ? "nat src" : "nat dst"};
}

void iptable_nat_init() {
  static xt_table_template t;
  t.name = "nat";
  t.valid_hooks =
      (1u << NF_INET_PRE_ROUTING) | (1u << NF_INET_LOCAL_IN) | (1u << NF_INET_LOCAL_OUT) | (1u << NF_INET_POST_ROUTING);
  t.priority = NF_IP_PRI_NAT_DST;
  t.conntrack = true;
  t.hook_ops = nat_ops;
  xt_register_template(&t);
}
module_init(iptable_nat_init);

}  // namespace

}  // namespace wirepath
