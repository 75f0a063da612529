// HTB (net/sched/sch_htb.c): guaranteed rates under contention, borrowing
// up to ceil, DRR quantum shares among borrowers, the default class, the
// direct queue. Frames of 1000 bytes; the fake device sends at once, so the
// qdisc alone sets the times (its watchdog on the stack's clock).
#include "sched_fixture.hpp"

using namespace wirepath;
using wirepath::test::SchedTest;

class Htb : public SchedTest {
protected:
  void tree(const std::string &c10, const std::string &c20) {
    tc("qdisc add dev eth0 root handle 1: htb default 20\n"
       "class add dev eth0 parent 1: classid 1:1 htb rate 10mbit\n"
       "class add dev eth0 parent 1:1 classid 1:10 htb " + c10 + "\n"
       "class add dev eth0 parent 1:1 classid 1:20 htb " + c20 + "\n"
       "filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dport 5001 0xffff flowid 1:10\n"
       "qdisc add dev eth0 parent 1:10 handle 10: pfifo limit 100000\n"
       "qdisc add dev eth0 parent 1:20 handle 20: pfifo limit 100000\n");
  }
  void backlog(uint16_t dport, int n) {
    for (int i = 0; i < n; ++i) ASSERT_EQ(dev_queue_xmit(udp(1000, dport, 1000)), NET_XMIT_SUCCESS);
  }
  // Bytes/s to dport over [0.5 s, 1.5 s).
  double rate_of(uint16_t dport) const { return static_cast<double>(bytes_to(dport, 500'000'000, 1'500'000'000)); }
};

// Both classes backlogged under a 10 Mbit/s parent: each gets its rate, 3 and 7 Mbit/s (within 2%).
TEST_F(Htb, GuaranteedRatesUnderContention) {
  tree("rate 3mbit ceil 10mbit", "rate 7mbit ceil 10mbit");
  backlog(5001, 1000);
  backlog(5002, 2000);  // unclassified: the default class 1:20
  run_until(1'600'000'000);
  EXPECT_NEAR(rate_of(5001), 375'000.0, 375'000.0 * 0.02);
  EXPECT_NEAR(rate_of(5002), 875'000.0, 875'000.0 * 0.02);
}

// Alone, a class borrows from its parent up to its ceil: 10 Mbit/s, then with ceil 5mbit 5 Mbit/s.
TEST_F(Htb, BorrowsUpToCeil) {
  tree("rate 3mbit ceil 10mbit", "rate 7mbit ceil 10mbit");
  backlog(5001, 2000);
  run_until(1'600'000'000);
  EXPECT_NEAR(rate_of(5001), 1'250'000.0, 1'250'000.0 * 0.02);
  std::string out = wirepath::tc::tc_class_show(&nd.dev, true);
  EXPECT_NE(out.find("class htb 1:10 parent 1:1 leaf 10: prio 0 rate 3Mbit ceil 10Mbit"), std::string::npos) << out;
}

TEST_F(Htb, CeilCapsABorrowingClass) {
  tree("rate 3mbit ceil 5mbit", "rate 7mbit ceil 10mbit");
  backlog(5001, 2000);
  run_until(1'600'000'000);
  EXPECT_NEAR(rate_of(5001), 625'000.0, 625'000.0 * 0.02);
}

// Two borrowers with quantum 1000 and 3000 share what their parent lends 1:3 (DRR
// at the parent's level), on top of their own 100 kbit/s each.
TEST_F(Htb, BorrowedBandwidthIsSharedByQuantum) {
  tree("rate 100kbit ceil 10mbit quantum 1000", "rate 100kbit ceil 10mbit quantum 3000");
  backlog(5001, 2000);
  backlog(5002, 2000);
  run_until(1'600'000'000);
  const double lent = 1'250'000.0 - 2 * 12'500.0;
  EXPECT_NEAR(rate_of(5001), 12'500.0 + lent / 4, 318'750.0 * 0.02);
  EXPECT_NEAR(rate_of(5002), 12'500.0 + 3 * lent / 4, 931'250.0 * 0.02);
}

// Unclassified packets with no default class go to the direct queue, unshaped, and are counted.
TEST_F(Htb, NoDefaultClassSendsUnclassifiedDirect) {
  tc("qdisc add dev eth0 root handle 1: htb\n"
     "class add dev eth0 parent 1: classid 1:10 htb rate 1mbit\n");
  backlog(5002, 50);
  EXPECT_EQ(nd.frames.size(), 50u);
  const std::string out = wirepath::tc::tc_qdisc_show(&nd.dev, false);
  EXPECT_EQ(out, "qdisc htb 1: root refcnt 2 r2q 10 default 0 direct_packets_stat 50 direct_qlen 1000\n");
}

// The per-class counters: Sent per class, the parent counts its children's
// packets, lended/borrowed add up to the packets, the qdisc's Sent is the total.
TEST_F(Htb, ClassStatisticsAddUp) {
  tree("rate 3mbit ceil 10mbit", "rate 7mbit ceil 10mbit");
  backlog(5001, 100);
  backlog(5002, 100);
  run_until(1'000'000'000);
  ASSERT_EQ(nd.frames.size(), 200u);
  std::vector<tc_dump_msg> cls = tc_dump_tclass(&nd.dev);
  ASSERT_EQ(cls.size(), 3u);
  uint64_t leaf_pkts = 0, lends = 0, borrows = 0;
  for (const auto &m : cls) {
    tc_htb_xstats x;
    std::memcpy(&x, m.stats.xstats.data(), sizeof x);
    if (m.t.tcm_handle == 0x10001) {
      EXPECT_EQ(m.stats.bstats.packets, 200u);
      EXPECT_EQ(m.stats.bstats.bytes, 200'000u);
    } else {
      EXPECT_EQ(m.stats.bstats.packets, 100u);
      leaf_pkts += m.stats.bstats.packets;
      lends += x.lends;
      borrows += x.borrows;
    }
  }
  EXPECT_EQ(leaf_pkts, 200u);
  EXPECT_EQ(lends + borrows, 200u) << "every leaf packet was sent on its own tokens or borrowed";
  EXPECT_EQ(nd.dev.qdisc->bstats.packets, 200u);
}
