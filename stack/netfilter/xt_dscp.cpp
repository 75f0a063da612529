// The tos match (net/netfilter/xt_dscp.c, which keeps dscp and tos).
#include "stack/netfilter/xt_dscp.hpp"

#include "stack/core/skbuff.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

namespace {

bool tos_mt(const sk_buff *skb, xt_action_param &par) {
  const auto &info = xt_info<xt_tos_match_info>(par.matchinfo);
  return ((ip_hdr(skb)->tos & info.tos_mask) == info.tos_value) ^ info.invert;
}

void tos_mt_init() {
  static xt_match mt = xt_match::of<xt_tos_match_info>("tos", tos_mt);
  mt.revision = 1;
  xt_register_match(&mt);
}
module_init(tos_mt_init);

}  // namespace

}  // namespace wirepath
