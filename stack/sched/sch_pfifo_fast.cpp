// pfifo_fast (net/sched/sch_generic.c).
#include "stack/sched/sch_pfifo_fast.hpp"

#include <cstring>

#include "stack/core/netdevice.hpp"

namespace wirepath {

const std::array<uint8_t, TC_PRIO_MAX + 1> prio2band = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};

namespace {

struct pfifo_fast_priv {
  std::array<std::deque<sk_buff *>, PFIFO_FAST_BANDS> bands;
};

int pfifo_fast_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  if (sch->q.qlen >= qdisc_dev(sch)->tx_queue_len) return qdisc_drop(skb, sch, to_free);
  qdisc_priv<pfifo_fast_priv>(sch)->bands[prio2band[skb->priority & TC_PRIO_MAX]].push_back(skb);
  ++sch->q.qlen;
  qdisc_qstats_backlog_inc(sch, skb);
  return NET_XMIT_SUCCESS;
}

sk_buff *pfifo_fast_dequeue(Qdisc *sch) {
  for (auto &band : qdisc_priv<pfifo_fast_priv>(sch)->bands) {
    if (band.empty()) continue;
    sk_buff *skb = band.front();
    band.pop_front();
    --sch->q.qlen;
    qdisc_qstats_backlog_dec(sch, skb);
    qdisc_bstats_update(sch, skb);
    return skb;
  }
  return nullptr;
}

sk_buff *pfifo_fast_peek(Qdisc *sch) {
  for (auto &band : qdisc_priv<pfifo_fast_priv>(sch)->bands)
    if (!band.empty()) return band.front();
  return nullptr;
}

void pfifo_fast_reset(Qdisc *sch) {
  for (auto &band : qdisc_priv<pfifo_fast_priv>(sch)->bands) {
    while (!band.empty()) {
      sk_buff *skb = band.front();
      band.pop_front();
      --sch->q.qlen;
      qdisc_qstats_backlog_dec(sch, skb);
      kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
    }
  }
}

int pfifo_fast_dump(Qdisc *, nlattrs *opts) {
  tc_prio_qopt opt;
  opt.bands = PFIFO_FAST_BANDS;
  std::memcpy(opt.priomap, prio2band.data(), TC_PRIO_MAX + 1);
  opts->nla_put(TCA_OPTIONS_RAW, opt);
  return 0;
}

Qdisc_ops make_ops() {
  Qdisc_ops o;
  o.id = "pfifo_fast";
  o.enqueue = pfifo_fast_enqueue;
  o.dequeue = pfifo_fast_dequeue;
  o.peek = pfifo_fast_peek;
  o.reset = pfifo_fast_reset;
  o.dump = pfifo_fast_dump;
  o.priv_alloc = qdisc_priv_alloc<pfifo_fast_priv>;
  return o;
}

}  // namespace

const Qdisc_ops pfifo_fast_ops = make_ops();
static const qdisc_module pfifo_fast_module(&pfifo_fast_ops);

uint32_t pfifo_fast_band_len(Qdisc *sch, int band) {
  return static_cast<uint32_t>(qdisc_priv<pfifo_fast_priv>(sch)->bands[band].size());
}

}  // namespace wirepath
