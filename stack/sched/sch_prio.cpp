// prio (net/sched/sch_prio.c): bands strictly in order, each a child qdisc
// (pfifo by default). A packet's band: skb->priority naming a class of this
// qdisc (major = handle), else the filters, else priomap[skb->priority & 15].
#include <cstring>

#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_fifo.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

struct prio_sched_data {
  int bands = 0;
  tcf_block block;
  uint8_t prio2band[TC_PRIO_MAX + 1] = {};
  Qdisc *queues[TCQ_PRIO_BANDS] = {};
};

Qdisc *prio_classify(sk_buff *skb, Qdisc *sch) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  uint32_t band = skb->priority;
  if (TC_H_MAJ(skb->priority) != sch->handle) {
    tcf_result res;
    const int err = tcf_classify(skb, &q->block, &res);
    if (q->block.chain.empty() || err < 0) {
      if (TC_H_MAJ(band)) band = 0;
      return q->queues[q->prio2band[band & TC_PRIO_MAX]];
    }
    band = res.classid;
  }
  band = TC_H_MIN(band) - 1;
  if (band >= static_cast<uint32_t>(q->bands)) return q->queues[q->prio2band[0]];
  return q->queues[band];
}

int prio_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  const uint32_t len = qdisc_pkt_len(skb);
  Qdisc *qdisc = prio_classify(skb, sch);
  const int ret = qdisc_enqueue(skb, qdisc, to_free);
  if (ret == NET_XMIT_SUCCESS) {
    sch->qstats.backlog += len;
    ++sch->q.qlen;
    return NET_XMIT_SUCCESS;
  }
  if (ret == NET_XMIT_DROP) qdisc_qstats_drop(sch);
  return ret;
}

sk_buff *prio_peek(Qdisc *sch) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  for (int prio = 0; prio < q->bands; ++prio) {
    Qdisc *qdisc = q->queues[prio];
    if (sk_buff *skb = qdisc->ops->peek(qdisc)) return skb;
  }
  return nullptr;
}

sk_buff *prio_dequeue(Qdisc *sch) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  for (int prio = 0; prio < q->bands; ++prio) {
    sk_buff *skb = qdisc_dequeue_peeked(q->queues[prio]);
    if (skb) {
      qdisc_bstats_update(sch, skb);
      qdisc_qstats_backlog_dec(sch, skb);
      --sch->q.qlen;
      return skb;
    }
  }
  return nullptr;
}

void prio_reset(Qdisc *sch) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  for (int prio = 0; prio < q->bands; ++prio) qdisc_reset(q->queues[prio]);
}

void prio_destroy(Qdisc *sch) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  if (!q) return;
  q->block.chain.clear();
  for (int prio = 0; prio < q->bands; ++prio) qdisc_put(q->queues[prio]);
  q->bands = 0;
}

int prio_tune(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  tc_prio_qopt qopt;
  if (!opt || !opt->nla_get(TCA_OPTIONS_RAW, &qopt)) return -EINVAL;
  if (qopt.bands > TCQ_PRIO_BANDS || qopt.bands < TCQ_MIN_PRIO_BANDS) return -EINVAL;
  for (uint32_t i = 0; i <= TC_PRIO_MAX; ++i)
    if (qopt.priomap[i] >= qopt.bands) return -EINVAL;
  const int oldbands = q->bands;
  Qdisc *queues[TCQ_PRIO_BANDS] = {};
  for (int i = oldbands; i < qopt.bands; ++i) {
    queues[i] = qdisc_create_dflt(qdisc_dev(sch), &pfifo_qdisc_ops, TC_H_MAKE(sch->handle, i + 1), extack);
    if (!queues[i]) {
      while (--i >= oldbands) qdisc_put(queues[i]);
      return -ENOMEM;
    }
  }
  q->bands = qopt.bands;
  std::memcpy(q->prio2band, qopt.priomap, TC_PRIO_MAX + 1);
  for (int i = q->bands; i < oldbands; ++i) qdisc_tree_flush_backlog(q->queues[i]);
  for (int i = oldbands; i < q->bands; ++i) {
    q->queues[i] = queues[i];
    qdisc_hash_add(q->queues[i], true);
  }
  for (int i = q->bands; i < oldbands; ++i) {
    qdisc_put(q->queues[i]);
    q->queues[i] = nullptr;
  }
  return 0;
}

int prio_init(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  if (!opt) return -EINVAL;
  return prio_tune(sch, opt, extack);
}

int prio_dump(Qdisc *sch, nlattrs *opts) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  tc_prio_qopt opt;
  opt.bands = q->bands;
  std::memcpy(opt.priomap, q->prio2band, TC_PRIO_MAX + 1);
  opts->nla_put(TCA_OPTIONS_RAW, opt);
  return 0;
}

// --- classes: band N is class handle:N ----------------------------------------------

int prio_graft(Qdisc *sch, unsigned long arg, Qdisc *new_q, Qdisc **old, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  const unsigned long band = arg - 1;
  if (!new_q) {
    new_q = qdisc_create_dflt(qdisc_dev(sch), &pfifo_qdisc_ops, TC_H_MAKE(sch->handle, arg), extack);
    if (!new_q) return -ENOMEM;
    qdisc_hash_add(new_q, true);
  }
  *old = qdisc_replace(sch, new_q, &q->queues[band]);
  return 0;
}

Qdisc *prio_leaf(Qdisc *sch, unsigned long arg) { return qdisc_priv<prio_sched_data>(sch)->queues[arg - 1]; }

unsigned long prio_find(Qdisc *sch, uint32_t classid) {
  const unsigned long band = TC_H_MIN(classid);
  if (band - 1 >= static_cast<unsigned long>(qdisc_priv<prio_sched_data>(sch)->bands)) return 0;
  return band;
}

unsigned long prio_bind(Qdisc *sch, unsigned long, uint32_t classid) { return prio_find(sch, classid); }

int prio_dump_class(Qdisc *sch, unsigned long cl, tc_dump_msg *m) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  m->t.tcm_parent = TC_H_ROOT;
  m->t.tcm_handle |= TC_H_MIN(cl);
  m->t.tcm_info = q->queues[cl - 1]->handle;
  return 0;
}

int prio_dump_class_stats(Qdisc *sch, unsigned long cl, gnet_dump *d) {
  Qdisc *cl_q = qdisc_priv<prio_sched_data>(sch)->queues[cl - 1];
  d->bstats = cl_q->bstats;
  d->qstats = cl_q->qstats;
  d->qstats.qlen = cl_q->q.qlen;
  return 0;
}

void prio_walk(Qdisc *sch, qdisc_walker *arg) {
  auto *q = qdisc_priv<prio_sched_data>(sch);
  for (int prio = 0; prio < q->bands; ++prio) {
    if (arg->count < arg->skip) {
      ++arg->count;
      continue;
    }
    if (arg->fn(sch, prio + 1, arg) < 0) {
      arg->stop = 1;
      break;
    }
    ++arg->count;
  }
}

tcf_block *prio_tcf_block(Qdisc *sch, unsigned long cl, netlink_ext_ack *) {
  if (cl) return nullptr;
  return &qdisc_priv<prio_sched_data>(sch)->block;
}

const Qdisc_class_ops prio_class_ops = [] {
  Qdisc_class_ops c;
  c.graft = prio_graft;
  c.leaf = prio_leaf;
  c.find = prio_find;
  c.walk = prio_walk;
  c.tcf_block = prio_tcf_block;
  c.bind_tcf = prio_bind;
  c.dump = prio_dump_class;
  c.dump_stats = prio_dump_class_stats;
  return c;
}();

const Qdisc_ops prio_qdisc_ops = [] {
  Qdisc_ops o;
  o.id = "prio";
  o.cl_ops = &prio_class_ops;
  o.enqueue = prio_enqueue;
  o.dequeue = prio_dequeue;
  o.peek = prio_peek;
  o.init = prio_init;
  o.reset = prio_reset;
  o.destroy = prio_destroy;
  o.change = prio_tune;
  o.dump = prio_dump;
  o.priv_alloc = qdisc_priv_alloc<prio_sched_data>;
  return o;
}();
const qdisc_module prio_module(&prio_qdisc_ops);

}  // namespace

}  // namespace wirepath
