// The mark match and the MARK target (net/netfilter/xt_mark.c).
#include "stack/netfilter/xt_mark.hpp"

#include "stack/core/skbuff.hpp"
#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

namespace {

unsigned mark_tg(sk_buff *skb, const xt_action_param &par) {
  const auto &info = xt_info<xt_mark_tginfo2>(par.targinfo);
  skb->mark = (skb->mark & ~info.mask) ^ info.mark;
  return XT_CONTINUE;
}

bool mark_mt(const sk_buff *skb, xt_action_param &par) {
  const auto &info = xt_info<xt_mark_mtinfo1>(par.matchinfo);
  return ((skb->mark & info.mask) == info.mark) ^ info.invert;
}

void mark_mt_init() {
  static xt_target tg = xt_target::of<xt_mark_tginfo2>("MARK", mark_tg);
  static xt_match mt = xt_match::of<xt_mark_mtinfo1>("mark", mark_mt);
  tg.revision = 2;
  mt.revision = 1;
  xt_register_target(&tg);
  xt_register_match(&mt);
}
module_init(mark_mt_init);

}  // namespace

}  // namespace wirepath
