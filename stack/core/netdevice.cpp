// The device layer (net/core/dev.c): dev_queue_xmit and TX queue control.
#include "stack/core/netdevice.hpp"

#include <cerrno>

#include "stack/core/net_namespace.hpp"
#include "stack/sched/sch_pfifo_fast.hpp"
#include "stack/core/skbuff.hpp"

namespace wirepath {

// Every device gets the default qdisc at creation (attach_default_qdiscs).
net_device::net_device() : qdisc(std::make_unique<pfifo_fast>(this)) {}

net_device::~net_device() {
  // A device destroyed while registered leaves its namespace first.
  if (nd_net) nd_net->unregister_netdevice(this);
  if (qdisc) qdisc->reset();
}

void netif_stop_queue(net_device *dev) { dev->queue_stopped = true; }

void netif_wake_queue(net_device *dev) {
  // netif_tx_wake_queue: clear __QUEUE_STATE_DRV_XOFF and __netif_schedule;
  // net_tx_action would then run the qdisc. We run it at once.
  const bool was_stopped = dev->queue_stopped;
  dev->queue_stopped = false;
  if (was_stopped && dev->up && dev->qdisc) qdisc_run(dev->qdisc.get());
}

bool netif_queue_stopped(const net_device *dev) { return dev->queue_stopped; }

// __dev_xmit_skb: enqueue, then run the qdisc unless it is already running
// (in which case the running loop picks the new skb up).
static int __dev_xmit_skb(sk_buff *skb, Qdisc *q, net_device *dev) {
  const int rc = q->enqueue(skb);
  qdisc_run(q);
  return rc;
}

int dev_queue_xmit(sk_buff *skb) {
  net_device *dev = skb->dev;
  skb->reset_mac_header();
  skb->dst = nullptr;  // skb_dst_drop: the route does not travel into the qdisc
  if (!dev->up || !dev->qdisc) {
    // __dev_queue_xmit on a device that is not IFF_UP: -ENETDOWN.
    ++dev->stats.tx_dropped;
    kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
    return -ENETDOWN;
  }
  return __dev_xmit_skb(skb, dev->qdisc.get(), dev);
}

void dev_open(net_device *dev) {
  if (dev->up) return;
  dev->up = true;
}

void dev_close(net_device *dev) {
  if (!dev->up) return;
  dev->up = false;
  // dev_deactivate: qdisc_reset drops whatever waits.
  if (dev->qdisc) dev->qdisc->reset();
}

}  // namespace wirepath
