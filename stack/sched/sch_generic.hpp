// Queueing disciplines (include/net/sch_generic.h, net/sched/sch_generic.c).
// A Qdisc sits on the device's single TX queue. dev_queue_xmit enqueues and
// runs it; __qdisc_run hands skbs to the driver until the qdisc is empty or
// the driver stops the queue. A skb the driver refused (NETDEV_TX_BUSY) goes
// back to the head (dev_requeue_skb, q->gso_skb in Linux) and leaves first.
#pragma once

#include <cstdint>
#include <deque>

#include "stack/core/skbuff.hpp"

namespace wirepath {

struct net_device;

// struct gnet_stats_queue / gnet_stats_basic plus drops split by reason.
struct qdisc_stats {
  uint64_t packets = 0, bytes = 0;  // handed to the driver (NETDEV_TX_OK)
  uint64_t drops = 0, requeues = 0, overlimits = 0;
  uint64_t drops_by_reason[static_cast<int>(skb_drop_reason::NUM_REASONS)] = {};
};

struct Qdisc {
  explicit Qdisc(net_device *dev) : dev_(dev) {}
  virtual ~Qdisc();
  Qdisc(const Qdisc &) = delete;
  Qdisc &operator=(const Qdisc &) = delete;

  virtual const char *id() const = 0;
  // Take skb: NET_XMIT_SUCCESS, or NET_XMIT_DROP after freeing it with a reason.
  virtual int enqueue(sk_buff *skb) = 0;
  // Next skb in discipline order (requeued skbs are not seen here), or nullptr.
  virtual sk_buff *dequeue() = 0;
  virtual sk_buff *peek() const = 0;
  // dev_requeue_skb: put a refused skb back at the head of the line.
  virtual void requeue(sk_buff *skb);
  // Packets held, requeued ones included (qdisc_qlen).
  virtual uint32_t qlen() const { return static_cast<uint32_t>(gso_skb_.size()) + band_qlen(); }
  // qdisc_reset: free everything held (reason DEV_READY: the device went down).
  virtual void reset();

  net_device *dev() const { return dev_; }
  const qdisc_stats &stats() const { return stats_; }
  qdisc_stats &stats() { return stats_; }

  // The run state (qdisc_run_begin / qdisc_run_end / __QDISC_STATE_MISSED).
  bool running = false;
  bool missed = false;

  // The head of the line: skbs the driver refused, sent before anything else.
  std::deque<sk_buff *> gso_skb_;

protected:
  // Packets held by the discipline itself.
  virtual uint32_t band_qlen() const = 0;
  // Drop everything the discipline holds with reason.
  virtual void band_reset(skb_drop_reason reason) = 0;
  // qdisc_drop: count and free with a reason, return NET_XMIT_DROP.
  int qdisc_drop(sk_buff *skb, skb_drop_reason reason);

  net_device *dev_;
  qdisc_stats stats_;
};

// __netif_schedule + net_tx_action: run q again later; here, at once. For a
// driver that returned NETDEV_TX_BUSY without stopping its queue.
void __netif_schedule(Qdisc *q);
// Runs q until it is empty or the driver stops the queue (qdisc_run).
void qdisc_run(Qdisc *q);
// One dequeue + transmit; false when nothing more can be sent now.
bool qdisc_restart(Qdisc *q);
// Hand one skb to the driver; on NETDEV_TX_BUSY requeue it. True if more may follow.
bool sch_direct_xmit(sk_buff *skb, Qdisc *q, net_device *dev);
void dev_requeue_skb(sk_buff *skb, Qdisc *q);
// The TX_BUSY-aware dequeue: requeued skbs first, nothing while the queue is stopped.
sk_buff *dequeue_skb(Qdisc *q);

}  // namespace wirepath
