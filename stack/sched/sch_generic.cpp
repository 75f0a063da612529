// Generic qdisc machinery (net/sched/sch_generic.c): the qdisc_restart loop
// that feeds the driver, the requeue on NETDEV_TX_BUSY, the helpers every
// kind uses (enqueue_tail, dequeue_head, drops with a reason).
#include "stack/sched/sch_generic.hpp"

#include <cstring>

#include "stack/core/netdevice.hpp"

namespace wirepath {

static_assert(sizeof(qdisc_skb_cb) <= sizeof(sk_buff::cb), "qdisc_skb_cb must fit in skb->cb");

qdisc_skb_cb *qdisc_skb_cb_of(sk_buff *skb) { return reinterpret_cast<qdisc_skb_cb *>(skb->cb); }

void qdisc_pkt_len_init(sk_buff *skb) {
  // qdisc_pkt_len_init: a GSO skb counts every segment's headers, as the
  // wire will carry them (hdr_len = up to the end of the TCP header).
  qdisc_skb_cb *cb = qdisc_skb_cb_of(skb);
  cb->pkt_len = skb->len;
  cb->gso_segs = 1;
  if (skb->gso_size && skb->transport_header != 0xffff && skb->mac_header != 0xffff) {
    const uint8_t *th = skb->transport_hdr();
    const uint32_t hdr_len = static_cast<uint32_t>(skb->transport_header - skb->mac_header) + ((th[12] >> 4) * 4u);
    if (skb->len > hdr_len) {
      const uint32_t payload = skb->len - hdr_len;
      const uint32_t segs = (payload + skb->gso_size - 1) / skb->gso_size;
      cb->gso_segs = static_cast<uint16_t>(segs);
      cb->pkt_len += (segs - 1) * hdr_len;
    }
  }
}

Qdisc::~Qdisc() {
  // qdisc_destroy: what it still holds is dropped (the device went away or
  // the qdisc was replaced).
  if (ops && ops->reset) ops->reset(this);
  for (sk_buff *skb : gso_skb) kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
  gso_skb.clear();
  if (ops && ops->destroy) ops->destroy(this);
}

int qdisc_drop_reason(sk_buff *skb, Qdisc *sch, to_free_list *to_free, skb_drop_reason reason) {
  ++sch->qstats.drops;
  ++sch->drops_by_reason[static_cast<int>(reason)];
  to_free->skbs.emplace_back(skb, reason);
  return NET_XMIT_DROP;
}

void kfree_to_free(to_free_list *to_free) {
  for (auto &[skb, reason] : to_free->skbs) kfree_skb_reason(skb, reason);
  to_free->skbs.clear();
}

int qdisc_enqueue_tail(sk_buff *skb, Qdisc *sch) {
  sch->q.list.push_back(skb);
  ++sch->q.qlen;
  qdisc_qstats_backlog_inc(sch, skb);
  return NET_XMIT_SUCCESS;
}

sk_buff *qdisc_dequeue_head(Qdisc *sch) {
  if (sch->q.list.empty()) return nullptr;
  sk_buff *skb = sch->q.list.front();
  sch->q.list.pop_front();
  --sch->q.qlen;
  qdisc_qstats_backlog_dec(sch, skb);
  qdisc_bstats_update(sch, skb);
  return skb;
}

sk_buff *qdisc_peek_head(Qdisc *sch) { return sch->q.list.empty() ? nullptr : sch->q.list.front(); }

sk_buff *qdisc_peek_dequeued(Qdisc *sch) {
  if (sch->gso_skb.empty()) {
    sk_buff *skb = sch->ops->dequeue(sch);
    if (!skb) return nullptr;
    // Still ours: counted as held until dequeued for real.
    sch->gso_skb.push_back(skb);
    qdisc_qstats_backlog_inc(sch, skb);
    ++sch->q.qlen;
  }
  return sch->gso_skb.front();
}

sk_buff *qdisc_dequeue_peeked(Qdisc *sch) {
  if (!sch->gso_skb.empty()) {
    sk_buff *skb = sch->gso_skb.front();
    sch->gso_skb.pop_front();
    qdisc_qstats_backlog_dec(sch, skb);
    --sch->q.qlen;
    return skb;
  }
  return sch->ops->dequeue(sch);
}

void qdisc_reset_queue(Qdisc *sch) {
  to_free_list to_free;
  while (!sch->q.list.empty()) {
    sk_buff *skb = sch->q.list.front();
    sch->q.list.pop_front();
    to_free.skbs.emplace_back(skb, skb_drop_reason::DEV_READY);
  }
  sch->q.qlen = 0;
  sch->qstats.backlog = 0;
  kfree_to_free(&to_free);
}

void qdisc_reset(Qdisc *q) {
  if (q->ops->reset) q->ops->reset(q);
  for (sk_buff *skb : q->gso_skb) kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
  q->gso_skb.clear();
  q->q.qlen = 0;
  q->qstats.backlog = 0;
}

// --- the run loop ------------------------------------------------------------------------

void dev_requeue_skb(sk_buff *skb, Qdisc *q) {
  q->gso_skb.push_front(skb);
  qdisc_qstats_backlog_inc(q, skb);
  ++q->q.qlen;
  ++q->qstats.requeues;
  // Linux calls __netif_schedule(q) here; the retry happens when the driver
  // wakes the queue (netif_wake_queue runs the qdisc) or on the next xmit.
}

sk_buff *dequeue_skb(Qdisc *q) {
  net_device *dev = qdisc_dev(q);
  // Single TX queue (TCQ_F_ONETXQUEUE): nothing leaves while it is stopped
  // (by the driver or by BQL: netif_xmit_frozen_or_stopped).
  if (netif_xmit_stopped(dev)) return nullptr;
  if (!q->gso_skb.empty()) {
    sk_buff *skb = q->gso_skb.front();
    q->gso_skb.pop_front();
    qdisc_qstats_backlog_dec(q, skb);
    --q->q.qlen;
    return skb;
  }
  return q->ops->dequeue(q);
}

bool sch_direct_xmit(sk_buff *skb, Qdisc *q, net_device *dev) {
  netdev_tx_t ret = NETDEV_TX_BUSY;
  if (!netif_xmit_stopped(dev)) ret = dev_hard_start_xmit(skb, dev);
  if (ret == NETDEV_TX_OK) return !netif_xmit_stopped(dev);
  // NETDEV_TX_BUSY: the skb is still ours. Put it back at the head; it is
  // the first to go when the driver wakes the queue.
  ++dev->stats.tx_busy;
  dev_requeue_skb(skb, q);
  return false;
}

bool qdisc_restart(Qdisc *q) {
  sk_buff *skb = dequeue_skb(q);
  if (!skb) return false;
  return sch_direct_xmit(skb, q, qdisc_dev(q));
}

// __qdisc_run: until empty, waiting, stopped or the driver refused. No
// quota: the model has no other softirq work to yield to.
static void __qdisc_run(Qdisc *q) {
  while (qdisc_restart(q)) {
  }
}

void qdisc_run(Qdisc *q) {
  if (q->running) {
    // Someone (the driver from inside ndo_start_xmit, a watchdog) asked
    // while we run: note it so the running loop goes round once more.
    q->missed = true;
    return;
  }
  q->running = true;
  do {
    q->missed = false;
    __qdisc_run(q);
  } while (q->missed);
  q->running = false;
}

void __netif_schedule(Qdisc *q) {
  // net_tx_action runs the root qdisc of the device: the caller is already
  // in softirq context (a timer) or process context with BHs off, so run it here.
  net_device *dev = qdisc_dev(q);
  if (!dev->up || !dev->qdisc) return;
  qdisc_run(dev->qdisc.get());
}

int qdisc_enqueue_root(sk_buff *skb, Qdisc *sch) {
  to_free_list to_free;
  const int rc = sch->ops->enqueue(skb, sch, &to_free);
  kfree_to_free(&to_free);
  return rc;
}

}  // namespace wirepath
