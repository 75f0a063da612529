// The NFQUEUE target (net/netfilter/xt_NFQUEUE.c): hand the packet to the
// queue's listener (netns_nf::queue_handler). Plain -j QUEUE is the standard
// target's NF_QUEUE verdict: queue 0.
#include "stack/netfilter/xt_NFQUEUE.hpp"

#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

namespace {

unsigned nfqueue_tg_v3(sk_buff *, const xt_action_param &par) {
  const auto &info = xt_info<xt_NFQ_info_v3>(par.targinfo);
  return NF_QUEUE_NR(info.queuenum) | ((info.flags & NFQ_FLAG_BYPASS) ? NF_VERDICT_FLAG_QUEUE_BYPASS : 0u);
}

void nfqueue_tg_init() {
  static xt_target tg = xt_target::of<xt_NFQ_info_v3>("NFQUEUE", nfqueue_tg_v3);
  tg.revision = 3;
  xt_register_target(&tg);
}
module_init(nfqueue_tg_init);

}  // namespace

}  // namespace wirepath
