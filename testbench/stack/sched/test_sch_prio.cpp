// prio (net/sched/sch_prio.c) and the fifos: strict band order, priomap,
// classes named by skb->priority, the pfifo/bfifo limits and defaults.
#include "sched_fixture.hpp"

using namespace wirepath;
using wirepath::test::SchedTest;

class Prio : public SchedTest {};

// Band 0 empties before band 1 before band 2; within a band FIFO. The default
// priomap sends TC_PRIO_INTERACTIVE (6) to band 0, BESTEFFORT (0) to 1, BULK (2) to 2.
TEST_F(Prio, BandsLeaveInStrictOrder) {
  tc("qdisc add dev eth0 root handle 1: prio");
  netif_stop_queue(&nd.dev);
  dev_queue_xmit(udp(1, 2, 100, 0, 2));  // band 2
  dev_queue_xmit(udp(1, 1, 100, 0, 0));  // band 1
  dev_queue_xmit(udp(1, 0, 100, 0, 6));  // band 0
  dev_queue_xmit(udp(1, 3, 100, 0, 2));  // band 2
  dev_queue_xmit(udp(1, 4, 100, 0, 7));  // band 0
  EXPECT_EQ(nd.dev.qdisc->qlen(), 5u);
  EXPECT_EQ(nd.dev.qdisc->qstats.backlog, 500u);
  netif_wake_queue(&nd.dev);
  ASSERT_EQ(nd.frames.size(), 5u);
  const uint16_t want[] = {0, 4, 1, 2, 3};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(dport_of(i), want[i]) << i;
}

// A priomap of the user's and more bands; skb->priority 1:N names band N directly.
TEST_F(Prio, PriomapAndPriorityNamingAClass) {
  tc("qdisc add dev eth0 root handle 1: prio bands 4 priomap 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3");
  netif_stop_queue(&nd.dev);
  dev_queue_xmit(udp(1, 30, 100, 0, 6));        // priomap: band 3 (last)
  dev_queue_xmit(udp(1, 20, 100, 0, 0x10002));  // 1:2: band 1
  dev_queue_xmit(udp(1, 10, 100, 0, 0x10001));  // 1:1: band 0
  netif_wake_queue(&nd.dev);
  ASSERT_EQ(nd.frames.size(), 3u);
  EXPECT_EQ(dport_of(0), 10);
  EXPECT_EQ(dport_of(1), 20);
  EXPECT_EQ(dport_of(2), 30);
}

// pfifo's limit is packets (default txqueuelen), bfifo's bytes (default txqueuelen * (mtu + 14)).
TEST_F(Prio, FifoLimitsAndDefaults) {
  nd.dev.tx_queue_len = 3;
  tc("qdisc add dev eth0 root pfifo");
  EXPECT_EQ(wirepath::tc::tc_qdisc_show(&nd.dev, false), "qdisc pfifo 8001: root refcnt 2 limit 3p\n");
  netif_stop_queue(&nd.dev);
  for (int i = 0; i < 5; ++i) dev_queue_xmit(udp(1, 1, 100));
  EXPECT_EQ(nd.dev.qdisc->qstats.drops, 2u);
  netif_wake_queue(&nd.dev);
  tc("qdisc replace dev eth0 root bfifo");
  EXPECT_EQ(wirepath::tc::tc_qdisc_show(&nd.dev, false), "qdisc bfifo 8002: root refcnt 2 limit 4542b\n");
  tc("qdisc replace dev eth0 root bfifo limit 250");
  netif_stop_queue(&nd.dev);
  EXPECT_EQ(dev_queue_xmit(udp(1, 1, 100)), NET_XMIT_SUCCESS);
  EXPECT_EQ(dev_queue_xmit(udp(1, 1, 100)), NET_XMIT_SUCCESS);
  EXPECT_EQ(dev_queue_xmit(udp(1, 1, 100)), NET_XMIT_DROP);
  EXPECT_EQ(nd.dev.qdisc->qstats.backlog, 200u);
}

// Deleting the root brings pfifo_fast (handle 0:) back; the old qdisc's packets are dropped.
TEST_F(Prio, DeletingTheRootRestoresPfifoFast) {
  tc("qdisc add dev eth0 root handle 1: prio");
  netif_stop_queue(&nd.dev);
  dev_queue_xmit(udp(1, 1, 100));
  tc("qdisc del dev eth0 root");
  EXPECT_EQ(wirepath::tc::tc_qdisc_show(&nd.dev, false),
            "qdisc pfifo_fast 0: root refcnt 2 bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1\n");
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::DEV_READY)], 1u);
}
