// The SNAT target (net/netfilter/xt_nat.c): the connection's source becomes
// one of --to-source's addresses and ports (nf_nat_setup_info). Only in the
// nat table, whose hook calls it for a connection's first packet.
#include "stack/core/skbuff.hpp"
#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

namespace {

unsigned xt_snat_target_v2(sk_buff *skb, const xt_action_param &par) {
  nf_conn *ct = skb->nfct.get();
  if (!ct) return NF_ACCEPT;
  return nf_nat_setup_info(*par.n, ct, xt_info<nf_nat_range2>(par.targinfo), NF_NAT_MANIP_SRC);
}

void xt_nat_init() {
  static xt_target tg = xt_target::of<nf_nat_range2>("SNAT", xt_snat_target_v2);
  tg.revision = 2;
  tg.table = "nat";
  tg.hooks = (1u << NF_INET_POST_ROUTING) | (1u << NF_INET_LOCAL_IN);
  xt_register_target(&tg);
}
module_init(xt_nat_init);

}  // namespace

}  // namespace wirepath
