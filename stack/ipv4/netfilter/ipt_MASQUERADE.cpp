// The MASQUERADE target (net/ipv4/netfilter/ipt_MASQUERADE.c): SNAT to the
// out device's address for the next hop (nf_nat_masquerade_ipv4), with
// optional --to-ports. Only in the nat table's POSTROUTING.
#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

namespace {

unsigned masquerade_tg(sk_buff *skb, const xt_action_param &par) {
  return nf_nat_masquerade_ipv4(*par.n, skb, xt_info<nf_nat_range2>(par.targinfo), par.state->out);
}

void masquerade_tg_init() {
  static xt_target tg = xt_target::of<nf_nat_range2>("MASQUERADE", masquerade_tg);
  tg.table = "nat";
  tg.hooks = 1u << NF_INET_POST_ROUTING;
  xt_register_target(&tg);
}
module_init(masquerade_tg_init);

}  // namespace

}  // namespace wirepath
