// The state match (net/netfilter/xt_state.c): the packet's conntrack state.
#include "stack/netfilter/xt_state.hpp"

#include "stack/core/skbuff.hpp"
#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

unsigned xt_state_bit(const sk_buff *skb) {
  if (skb->nfct) return XT_STATE_BIT(skb->nfctinfo);
  return skb->nfctinfo == IP_CT_UNTRACKED ? XT_STATE_UNTRACKED : XT_STATE_INVALID;
}

namespace {

bool state_mt(const sk_buff *skb, xt_action_param &par) {
  const auto &info = xt_info<xt_state_info>(par.matchinfo);
  return ((info.statemask & xt_state_bit(skb)) != 0) ^ info.invert;
}

void state_mt_init() {
  static xt_match mt = xt_match::of<xt_state_info>("state", state_mt);
  mt.conntrack = true;
  xt_register_match(&mt);
}
module_init(state_mt_init);

}  // namespace

}  // namespace wirepath
