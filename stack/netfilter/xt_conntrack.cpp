// The conntrack match (net/netfilter/xt_conntrack.c): --ctstate.
#include "stack/netfilter/xt_conntrack.hpp"

#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

namespace {

bool conntrack_mt(const sk_buff *skb, xt_action_param &par) {
  const auto &info = xt_info<xt_conntrack_mtinfo>(par.matchinfo);
  if (!(info.match_flags & XT_CONNTRACK_STATE)) return true;
  return ((info.state_mask & xt_state_bit(skb)) != 0) ^ ((info.invert_flags & XT_CONNTRACK_STATE) != 0);
}

void conntrack_mt_init() {
  static xt_match mt = xt_match::of<xt_conntrack_mtinfo>("conntrack", conntrack_mt);
  mt.revision = 3;
  mt.conntrack = true;
  xt_register_match(&mt);
}
module_init(conntrack_mt_init);

}  // namespace

}  // namespace wirepath
