// pfifo and bfifo (net/sched/sch_fifo.c): one FIFO with a limit in packets
// or bytes; the default limit is the device's txqueuelen (bfifo: times the
// MTU). pfifo is also the child every new class gets (qdisc_create_dflt).
#include "stack/sched/sch_fifo.hpp"

#include "stack/core/netdevice.hpp"

namespace wirepath {

namespace {

int bfifo_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  if (sch->qstats.backlog + qdisc_pkt_len(skb) <= sch->limit) return qdisc_enqueue_tail(skb, sch);
  return qdisc_drop(skb, sch, to_free);
}

int pfifo_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  if (sch->q.qlen < sch->limit) return qdisc_enqueue_tail(skb, sch);
  return qdisc_drop(skb, sch, to_free);
}

int fifo_init(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *) {
  const bool is_bfifo = sch->ops == &bfifo_qdisc_ops;
  if (!opt) {
    uint32_t limit = qdisc_dev(sch)->tx_queue_len;
    if (is_bfifo) limit *= qdisc_dev(sch)->mtu + qdisc_dev(sch)->hard_header_len;  // psched_mtu
    sch->limit = limit;
  } else {
    tc_fifo_qopt ctl;
    if (!opt->nla_get(TCA_OPTIONS_RAW, &ctl)) return -EINVAL;
    sch->limit = ctl.limit;
  }
  return 0;
}

int fifo_dump(Qdisc *sch, nlattrs *opts) {
  tc_fifo_qopt opt;
  opt.limit = sch->limit;
  opts->nla_put(TCA_OPTIONS_RAW, opt);
  return 0;
}

Qdisc_ops make_fifo(const char *id, int (*enqueue)(sk_buff *, Qdisc *, to_free_list *)) {
  Qdisc_ops o;
  o.id = id;
  o.enqueue = enqueue;
  o.dequeue = qdisc_dequeue_head;
  o.peek = qdisc_peek_head;
  o.init = fifo_init;
  o.reset = qdisc_reset_queue;
  o.change = fifo_init;
  o.dump = fifo_dump;
  return o;
}

}  // namespace

const Qdisc_ops pfifo_qdisc_ops = make_fifo("pfifo", pfifo_enqueue);
const Qdisc_ops bfifo_qdisc_ops = make_fifo("bfifo", bfifo_enqueue);
static const qdisc_module pfifo_module(&pfifo_qdisc_ops);
static const qdisc_module bfifo_module(&bfifo_qdisc_ops);

int fifo_set_limit(Qdisc *q, uint32_t limit) {
  // Only pfifo and bfifo (and their kin) take a plain limit.
  if (q->ops != &pfifo_qdisc_ops && q->ops != &bfifo_qdisc_ops) return 0;
  nlattrs opt;
  tc_fifo_qopt ctl;
  ctl.limit = limit;
  opt.nla_put(TCA_OPTIONS_RAW, ctl);
  return q->ops->change(q, &opt, nullptr);
}

Qdisc *fifo_create_dflt(Qdisc *sch, const Qdisc_ops *ops, uint32_t limit, netlink_ext_ack *extack) {
  Qdisc *q = qdisc_create_dflt(qdisc_dev(sch), ops, TC_H_MAKE(sch->handle, 1), extack);
  if (q) fifo_set_limit(q, limit);
  return q;
}

}  // namespace wirepath
