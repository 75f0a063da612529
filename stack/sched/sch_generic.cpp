// Generic qdisc machinery (net/sched/sch_generic.c): the qdisc_restart loop
// that feeds the driver and the requeue on NETDEV_TX_BUSY.
#include "stack/sched/sch_generic.hpp"
#include "stack/kernel/cpu_cost.hpp"

#include "stack/core/netdevice.hpp"

namespace wirepath {

Qdisc::~Qdisc() {
  // A qdisc destroyed with packets inside (device unregistered): drop them.
  for (sk_buff *skb : gso_skb_) kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
  gso_skb_.clear();
}

void Qdisc::requeue(sk_buff *skb) {
  gso_skb_.push_front(skb);
  ++stats_.requeues;
}

void Qdisc::reset() {
  while (!gso_skb_.empty()) {
    sk_buff *skb = gso_skb_.front();
    gso_skb_.pop_front();
    qdisc_drop(skb, skb_drop_reason::DEV_READY);
  }
  band_reset(skb_drop_reason::DEV_READY);
}

int Qdisc::qdisc_drop(sk_buff *skb, skb_drop_reason reason) {
  ++stats_.drops;
  ++stats_.drops_by_reason[static_cast<int>(reason)];
  kfree_skb_reason(skb, reason);
  return NET_XMIT_DROP;
}

void dev_requeue_skb(sk_buff *skb, Qdisc *q) {
  q->requeue(skb);
  // Linux calls __netif_schedule(q) here; the retry happens when the driver
  // wakes the queue (netif_wake_queue runs the qdisc) or on the next xmit.
}

sk_buff *dequeue_skb(Qdisc *q) {
  net_device *dev = q->dev();
  // Single TX queue (TCQ_F_ONETXQUEUE): nothing leaves while it is stopped.
  if (netif_queue_stopped(dev)) return nullptr;
  if (!q->gso_skb_.empty()) {
    sk_buff *skb = q->gso_skb_.front();
    q->gso_skb_.pop_front();
    return skb;
  }
  return q->dequeue();
}

bool sch_direct_xmit(sk_buff *skb, Qdisc *q, net_device *dev) {
  netdev_tx_t ret = NETDEV_TX_BUSY;
  const uint32_t len = skb->len;
  if (!netif_queue_stopped(dev)) ret = dev_hard_start_xmit(skb, dev);
  if (ret == NETDEV_TX_OK) {
    ++q->stats().packets;
    q->stats().bytes += len;
    return !netif_queue_stopped(dev);
  }
  // NETDEV_TX_BUSY: the skb is still ours. Put it back at the head; it is
  // the first to go when the driver wakes the queue.
  ++dev->stats.tx_busy;
  dev_requeue_skb(skb, q);
  return false;
}

bool qdisc_restart(Qdisc *q) {
  sk_buff *skb = dequeue_skb(q);
  if (!skb) return false;
  return sch_direct_xmit(skb, q, q->dev());
}

// __qdisc_run: until empty, stopped or the driver refused. No quota: the
// model has no other softirq work to yield to.
static void __qdisc_run(Qdisc *q) {
  while (qdisc_restart(q)) {
  }
}

void __netif_schedule(Qdisc *q) {
  if (q->dev()->up) qdisc_run(q);
}

void qdisc_run(Qdisc *q) {
  KFUNC_SCOPE("qdisc_run");
  if (q->running) {
    // Someone (e.g. the driver from inside ndo_start_xmit) asked while we
    // run: note it so the running loop goes round once more.
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

}  // namespace wirepath
