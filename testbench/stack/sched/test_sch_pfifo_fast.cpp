// The device layer and pfifo_fast: band order, the txqueuelen limit,
// NETDEV_TX_BUSY requeue and netif_wake_queue, device down.
#include <gtest/gtest.h>

#include <cerrno>

#include "fake_netdev.hpp"
#include "stack/kernel/kmalloc.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_pfifo_fast.hpp"

using namespace wirepath;
using wirepath::test::FakeNetdev;

class Sch : public ::testing::Test {
protected:
  void SetUp() override { skb_counters_reset(); }
  void TearDown() override { EXPECT_EQ(skb_counters().live(), 0u) << "an skb leaked"; }

  // A 60-byte frame whose first byte is tag, at the given priority.
  sk_buff *frame(uint8_t tag, uint32_t priority = 0) {
    sk_buff *skb = alloc_skb(mem, 128);
    skb->reserve(16);
    uint8_t *p = skb->put(60);
    std::fill(p, p + 60, 0);
    p[0] = tag;
    skb->priority = priority;
    skb->dev = &nd.dev;
    return skb;
  }
  std::vector<uint8_t> tags() const {
    std::vector<uint8_t> t;
    for (const auto &f : nd.frames) t.push_back(f.bytes[0]);
    return t;
  }

  PhysMem ram{1u << 20};
  KernelHeap mem{ram};
  FakeNetdev nd;
};

// The default qdisc is pfifo_fast; with the queue running, dev_queue_xmit reaches the driver at once.
TEST_F(Sch, DevQueueXmitReachesTheDriverThroughPfifoFast) {
  EXPECT_STREQ(nd.dev.qdisc->id(), "pfifo_fast");
  EXPECT_EQ(dev_queue_xmit(frame(1)), NET_XMIT_SUCCESS);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(nd.dev.qdisc->qlen(), 0u);
  EXPECT_EQ(nd.dev.qdisc->bstats.packets, 1u);
  EXPECT_EQ(nd.dev.qdisc->bstats.bytes, 60u);
}

// prio2band is Linux's {1,2,2,2,1,2,0,0,1,1,1,1,1,1,1,1}.
TEST_F(Sch, Prio2bandIsLinuxTable) {
  const uint8_t want[16] = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(prio2band[i], want[i]) << i;
}

// While the queue is stopped skbs wait; on wake band 0 leaves first, then 1, then 2, FIFO within a band.
TEST_F(Sch, StoppedQueueHoldsPacketsAndWakeSendsThemInBandOrder) {
  netif_stop_queue(&nd.dev);
  EXPECT_EQ(dev_queue_xmit(frame(10, 1)), NET_XMIT_SUCCESS);   // band 2
  EXPECT_EQ(dev_queue_xmit(frame(20, 0)), NET_XMIT_SUCCESS);   // band 1
  EXPECT_EQ(dev_queue_xmit(frame(30, 6)), NET_XMIT_SUCCESS);   // band 0
  EXPECT_EQ(dev_queue_xmit(frame(11, 2)), NET_XMIT_SUCCESS);   // band 2
  EXPECT_EQ(dev_queue_xmit(frame(31, 7)), NET_XMIT_SUCCESS);   // band 0
  EXPECT_EQ(dev_queue_xmit(frame(21, 16 + 4)), NET_XMIT_SUCCESS);  // priority & 15 = 4: band 1
  EXPECT_TRUE(nd.frames.empty());
  Qdisc *pf = nd.dev.qdisc.get();
  EXPECT_EQ(pfifo_fast_band_len(pf, 0), 2u);
  EXPECT_EQ(pfifo_fast_band_len(pf, 1), 2u);
  EXPECT_EQ(pfifo_fast_band_len(pf, 2), 2u);
  EXPECT_EQ(pf->qlen(), 6u);
  EXPECT_EQ(pf->qstats.backlog, 360u);
  EXPECT_EQ(pf->ops->peek(pf)->data[0], 30);
  netif_wake_queue(&nd.dev);
  EXPECT_EQ(tags(), (std::vector<uint8_t>{30, 31, 20, 21, 10, 11}));
  EXPECT_EQ(pf->qlen(), 0u);
}

// Over dev->tx_queue_len the qdisc drops: kfree_skb_reason(QDISC_DROP), NET_XMIT_DROP.
TEST_F(Sch, OverTxQueueLenDropsWithQdiscDropReason) {
  nd.dev.tx_queue_len = 3;
  netif_stop_queue(&nd.dev);
  for (uint8_t i = 0; i < 3; ++i) EXPECT_EQ(dev_queue_xmit(frame(i)), NET_XMIT_SUCCESS);
  EXPECT_EQ(dev_queue_xmit(frame(3)), NET_XMIT_DROP);
  EXPECT_EQ(dev_queue_xmit(frame(4, 6)), NET_XMIT_DROP);  // the limit is for the whole qdisc
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::QDISC_DROP)], 2u);
  EXPECT_EQ(nd.dev.qdisc->qstats.drops, 2u);
  EXPECT_EQ(nd.dev.qdisc->drops_by_reason[static_cast<int>(skb_drop_reason::QDISC_DROP)], 2u);
  netif_wake_queue(&nd.dev);
  EXPECT_EQ(tags(), (std::vector<uint8_t>{0, 1, 2}));
}

// NETDEV_TX_BUSY: the skb goes back to the head (dev_requeue_skb), tx_busy counts it, the run stops;
// netif_wake_queue sends it first, then the rest, in order, nothing lost.
TEST_F(Sch, TxBusyRequeuesAtTheHeadAndWakeSendsInOrder) {
  EXPECT_EQ(dev_queue_xmit(frame(1)), NET_XMIT_SUCCESS);
  nd.busy_next = 1;
  EXPECT_EQ(dev_queue_xmit(frame(2)), NET_XMIT_SUCCESS);  // enqueued, then refused by the driver
  EXPECT_EQ(nd.dev.stats.tx_busy, 1u);
  EXPECT_TRUE(netif_queue_stopped(&nd.dev));
  EXPECT_EQ(dev_queue_xmit(frame(3)), NET_XMIT_SUCCESS);
  EXPECT_EQ(dev_queue_xmit(frame(4, 6)), NET_XMIT_SUCCESS);  // band 0, but the requeued skb still goes first
  EXPECT_EQ(nd.dev.qdisc->qlen(), 3u);
  EXPECT_EQ(nd.dev.qdisc->qstats.requeues, 1u);
  EXPECT_EQ(nd.dev.qdisc->gso_skb.front()->data[0], 2);  // the head of the line
  EXPECT_EQ(nd.xmit_calls, 2u);  // nothing offered while stopped
  netif_wake_queue(&nd.dev);
  EXPECT_EQ(tags(), (std::vector<uint8_t>{1, 2, 4, 3}));
  EXPECT_EQ(skb_counters().total_dropped(), 0u);
}

// A driver that stops its queue after accepting (ring full) gets nothing more until it wakes the queue.
TEST_F(Sch, DriverStoppingAfterAcceptLeavesTheRestQueued) {
  nd.stop_after = 2;
  netif_stop_queue(&nd.dev);
  for (uint8_t i = 0; i < 5; ++i) dev_queue_xmit(frame(i));
  netif_wake_queue(&nd.dev);
  EXPECT_EQ(tags(), (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(nd.dev.qdisc->qlen(), 3u);
  nd.stop_after = -1;
  netif_wake_queue(&nd.dev);
  EXPECT_EQ(tags(), (std::vector<uint8_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(nd.dev.stats.tx_busy, 0u);
}

// A driver waking its queue from inside ndo_start_xmit does not recurse; the running loop goes on.
TEST_F(Sch, WakeFromInsideStartXmitIsPickedUpByTheRunningLoop) {
  int depth = 0, max_depth = 0;
  nd.dev.ops.ndo_start_xmit = [&](sk_buff *skb, net_device *d) {
    ++depth;
    max_depth = std::max(max_depth, depth);
    netdev_tx_t r = nd.xmit(skb, d);
    netif_stop_queue(d);
    netif_wake_queue(d);  // e.g. TX completion processed synchronously
    --depth;
    return r;
  };
  netif_stop_queue(&nd.dev);
  for (uint8_t i = 0; i < 4; ++i) dev_queue_xmit(frame(i));
  netif_wake_queue(&nd.dev);
  EXPECT_EQ(tags(), (std::vector<uint8_t>{0, 1, 2, 3}));
  EXPECT_EQ(max_depth, 1);
}

// A device that is down drops with DEV_READY and -ENETDOWN; dev_close drops what waits in the qdisc.
TEST_F(Sch, DeviceDownDropsWithDevReady) {
  netif_stop_queue(&nd.dev);
  dev_queue_xmit(frame(1));
  dev_queue_xmit(frame(2));
  dev_close(&nd.dev);
  EXPECT_EQ(nd.dev.qdisc->qlen(), 0u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::DEV_READY)], 2u);
  EXPECT_EQ(dev_queue_xmit(frame(3)), -ENETDOWN);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::DEV_READY)], 3u);
  EXPECT_EQ(nd.dev.stats.tx_dropped, 1u);
  dev_open(&nd.dev);
  netif_wake_queue(&nd.dev);
  EXPECT_EQ(dev_queue_xmit(frame(4)), NET_XMIT_SUCCESS);
  EXPECT_EQ(tags(), (std::vector<uint8_t>{4}));
}
