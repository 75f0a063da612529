// Classification (net/sched/cls_api.c, cls_u32.c, cls_fw.c, cls_matchall.c)
// on a prio qdisc with 4 bands, sending with the queue stopped and reading
// the order frames leave in: band 0 (1:1) first ... band 3 (1:4) last.
#include "sched_fixture.hpp"

using namespace wirepath;
using wirepath::test::SchedTest;

class Cls : public SchedTest {
protected:
  void SetUp() override {
    SchedTest::SetUp();
    // Everything defaults to band 3 (1:4); a filter moves it up.
    tc("qdisc add dev eth0 root handle 1: prio bands 4 priomap 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3");
    netif_stop_queue(&nd.dev);
  }
  // The dports in the order they left.
  std::vector<uint16_t> order() {
    netif_wake_queue(&nd.dev);
    std::vector<uint16_t> o;
    for (size_t i = 0; i < nd.frames.size(); ++i) o.push_back(dport_of(i));
    return o;
  }
};

// u32: dport with mask, source prefix, TOS with mask, a raw u32 at an offset (the IP protocol byte).
TEST_F(Cls, U32MatchesPortsPrefixesTosAndRawWords) {
  tc("filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dport 5001 0xffff flowid 1:1\n"
     "filter add dev eth0 parent 1: protocol ip prio 2 u32 match ip src 192.168.0.0/16 flowid 1:2\n"
     "filter add dev eth0 parent 1: protocol ip prio 3 u32 match ip tos 0x10 0xfc flowid 1:3\n");
  dev_queue_xmit(udp(1, 7, 100));                                 // nothing matches: 1:4
  dev_queue_xmit(udp(1, 6, 100, 0x12));                           // tos 0x12 & 0xfc = 0x10: 1:3
  dev_queue_xmit(udp(1, 5, 100, 0, 0, 0, 0xc0a80101));            // src 192.168.1.1: 1:2
  dev_queue_xmit(udp(1, 5001, 100, 0x10, 0, 0, 0xc0a80101));      // dport wins (prio 1): 1:1
  dev_queue_xmit(udp(1, 8, 100, 0, 0, 0, 0xc0a90101));            // 192.169.x: 1:4
  EXPECT_EQ(order(), (std::vector<uint16_t>{5001, 5, 6, 7, 8}));
}

TEST_F(Cls, U32RawWordAtOffset) {
  // IP protocol (byte 9) == 17: the word at 8 is TTL, protocol, checksum.
  tc("filter add dev eth0 parent 1: protocol ip prio 1 u32 match u32 0x00110000 0x00ff0000 at 8 flowid 1:2");
  dev_queue_xmit(udp(1, 9, 100));
  EXPECT_EQ(order(), (std::vector<uint16_t>{9}));
  const std::string cls = wirepath::tc::tc_class_show(&nd.dev, true);
  EXPECT_NE(cls.find("class prio 1:2 root \n Sent 100 bytes 1 pkt (dropped 0, overlimits 0 requeues 0) \n"),
            std::string::npos)
      << cls;
}

// fw: skb->mark (iptables -j MARK) picks the filter whose handle is the mark.
TEST_F(Cls, FwClassifiesByMark) {
  tc("filter add dev eth0 parent 1: protocol ip prio 1 handle 6 fw classid 1:1\n"
     "filter add dev eth0 parent 1: protocol ip prio 1 handle 7 fw classid 1:2\n");
  dev_queue_xmit(udp(1, 70, 100, 0, 0, 7));
  dev_queue_xmit(udp(1, 0, 100, 0, 0, 0));
  dev_queue_xmit(udp(1, 60, 100, 0, 0, 6));
  EXPECT_EQ(order(), (std::vector<uint16_t>{60, 70, 0}));
}

// matchall: everything of the protocol to one class; a filter of a lower pref runs first.
TEST_F(Cls, MatchallTakesEverythingAfterEarlierFilters) {
  tc("filter add dev eth0 parent 1: protocol ip prio 2 matchall classid 1:2\n"
     "filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dport 1 0xffff flowid 1:1\n");
  dev_queue_xmit(udp(1, 3, 100));
  dev_queue_xmit(udp(1, 1, 100));
  EXPECT_EQ(order(), (std::vector<uint16_t>{1, 3}));
}

// skb->priority naming a class of the qdisc (SO_PRIORITY 0x10001) bypasses the filters.
TEST_F(Cls, PriorityNamingAClassBypassesFilters) {
  tc("filter add dev eth0 parent 1: protocol ip prio 1 matchall classid 1:3");
  dev_queue_xmit(udp(1, 3, 100));
  dev_queue_xmit(udp(1, 1, 100, 0, 0x10001));
  EXPECT_EQ(order(), (std::vector<uint16_t>{1, 3}));
}

// A filter for another protocol does not see IPv4 packets.
TEST_F(Cls, FilterOfAnotherProtocolIsSkipped) {
  tc("filter add dev eth0 parent 1: protocol arp prio 1 matchall classid 1:1");
  dev_queue_xmit(udp(1, 3, 100));
  dev_queue_xmit(udp(1, 4, 100, 0, 0x10002));
  EXPECT_EQ(order(), (std::vector<uint16_t>{4, 3}));
}

// HTB with fw: iptables-style marks steer into HTB classes (classid via the mark).
TEST_F(Cls, HtbClassesByFwMark) {
  tc("qdisc replace dev eth0 root handle 2: htb\n"
     "class add dev eth0 parent 2: classid 2:1 htb rate 1mbit\n"
     "class add dev eth0 parent 2: classid 2:2 htb rate 1mbit\n"
     "filter add dev eth0 parent 2: protocol ip prio 1 handle 1 fw classid 2:1\n"
     "filter add dev eth0 parent 2: protocol ip prio 1 handle 2 fw classid 2:2\n");
  netif_wake_queue(&nd.dev);
  dev_queue_xmit(udp(1, 1, 100, 0, 0, 1));
  dev_queue_xmit(udp(1, 2, 100, 0, 0, 2));
  dev_queue_xmit(udp(1, 2, 100, 0, 0, 2));
  std::vector<tc_dump_msg> cls = tc_dump_tclass(&nd.dev);
  ASSERT_EQ(cls.size(), 2u);
  for (const auto &m : cls) EXPECT_EQ(m.stats.bstats.packets, m.t.tcm_handle == 0x20001 ? 1u : 2u);
}
