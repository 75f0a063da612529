// User-space tc (iproute2's tc/): units, the command parser with its errors
// (line numbers, iproute2's wording, nothing applied), and the printers
// compared with the real kernel's `tc -s qdisc/class show`.
#include <gtest/gtest.h>

#include "sim/app/tc/tc.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_generic.hpp"

using namespace wirepath;
using namespace wirepath::tc;

namespace {

std::string batch_err(net_device *dev, const std::string &cmds) {
  std::string err;
  EXPECT_FALSE(tc_batch(dev, cmds, &err));
  return err;
}

}  // namespace

// iproute2's units: rates in bit/s (or Bps) with SI prefixes, sizes in 1024s, times in us.
TEST(TcUtil, UnitsAsIproute2) {
  uint64_t r;
  ASSERT_EQ(get_rate64(&r, "3gbit"), 0);
  EXPECT_EQ(r, 375'000'000u);
  ASSERT_EQ(get_rate64(&r, "300Mbit"), 0);
  EXPECT_EQ(r, 37'500'000u);
  ASSERT_EQ(get_rate64(&r, "100kbit"), 0);
  EXPECT_EQ(r, 12'500u);
  ASSERT_EQ(get_rate64(&r, "1000bit"), 0);
  EXPECT_EQ(r, 125u);
  ASSERT_EQ(get_rate64(&r, "2mbps"), 0);  // MBps: bytes
  EXPECT_EQ(r, 2'000'000u);
  ASSERT_EQ(get_rate64(&r, "1tbit"), 0);
  EXPECT_EQ(r, 125'000'000'000u);
  EXPECT_EQ(get_rate64(&r, "1foo"), -1);
  unsigned s;
  ASSERT_EQ(get_size(&s, "10kb"), 0);
  EXPECT_EQ(s, 10240u);
  ASSERT_EQ(get_size(&s, "2m"), 0);
  EXPECT_EQ(s, 2u * 1024 * 1024);
  ASSERT_EQ(get_size(&s, "1500b"), 0);
  EXPECT_EQ(s, 1500u);
  ASSERT_EQ(get_size(&s, "1500"), 0);
  EXPECT_EQ(s, 1500u);
  ASSERT_EQ(get_size(&s, "1.5"), 0);  // iproute2 truncates
  EXPECT_EQ(s, 1u);
  EXPECT_EQ(get_size(&s, "10kbyte"), -1);
  unsigned t;
  ASSERT_EQ(get_time(&t, "50ms"), 0);
  EXPECT_EQ(t, 50'000u);
  ASSERT_EQ(get_time(&t, "1s"), 0);
  EXPECT_EQ(t, 1'000'000u);
  ASSERT_EQ(get_time(&t, "70us"), 0);
  EXPECT_EQ(t, 70u);
  uint32_t h;
  ASSERT_EQ(get_tc_classid(&h, "1:10"), 0);
  EXPECT_EQ(h, 0x10010u);
  ASSERT_EQ(get_tc_classid(&h, "root"), 0);
  EXPECT_EQ(h, TC_H_ROOT);
  EXPECT_EQ(sprint_tc_classid(0x10010), "1:10");
  EXPECT_EQ(sprint_tc_classid(0x80010000), "8001:");
  EXPECT_EQ(sprint_rate(375'000'000), "3Gbit");
  EXPECT_EQ(sprint_rate(12'500), "100Kbit");
  EXPECT_EQ(sprint_size(10240), "10Kb");
  EXPECT_EQ(sprint_size(1514000), "1514000b");
  EXPECT_EQ(sprint_time(78'125), "78.1ms");
}

// A bad option is refused with iproute2's message and its line; nothing is applied.
TEST(TcParse, BadLineNamesItsLineAndNothingIsApplied) {
  net_device dev;
  EXPECT_EQ(batch_err(&dev,
                      "# shaping\n"
                      "qdisc add dev eth0 root handle 1: htb default 20\n"
                      "\n"
                      "class add dev eth0 parent 1: classid 1:1 htb rate 1foo\n"),
            "line 4: Illegal \"rate\"");
  EXPECT_STREQ(dev.qdisc->id(), "pfifo_fast") << "line 2 must not have been applied";
  EXPECT_EQ(batch_err(&dev, "class add dev eth0 parent 1: classid 1:3 htb\n"), "line 1: \"rate\" is required.");
  EXPECT_EQ(batch_err(&dev, "qdisc add dev eth0 root tbf rate 1mbit\n"),
            "line 1: tbf: the \"burst\" parameter is mandatory.\n"
            "tbf: either \"limit\" or \"latency\" is required.");
  EXPECT_EQ(batch_err(&dev, "filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dport 5001 flowid 1:10"),
            "line 1: Illegal \"match\"");
  EXPECT_EQ(batch_err(&dev, "qdisc add dev eth0 root handle 1: htb defualt 20"), "line 1: What is \"defualt\"?");
  EXPECT_EQ(batch_err(&dev, "qdisc add dev eth1 root pfifo"), "line 1: Cannot find device \"eth1\"");
  EXPECT_EQ(batch_err(&dev, "qdisc add dev eth0 root handle 10000: pfifo"),
            "line 1: Error: argument \"10000:\" is wrong: invalid qdisc ID");
  EXPECT_EQ(batch_err(&dev, "qdisc add dev eth0 root handle 1: pfifo limit"),
            "line 1: Command line is not complete. Try option \"help\"");
}

// Errors the kernel model returns read as the real tc prints them (extack "Error: ...", or errno).
TEST(TcParse, KernelErrorsAsTheRealTcPrintsThem) {
  net_device dev;
  EXPECT_EQ(batch_err(&dev, "qdisc add dev eth0 root blah"), "line 1: Error: Specified qdisc kind is unknown.");
  EXPECT_EQ(batch_err(&dev,
                      "qdisc add dev eth0 root handle 1: htb\n"
                      "qdisc add dev eth0 parent 1:9 pfifo\n"),
            "line 2: Error: Specified class not found.");
  EXPECT_EQ(batch_err(&dev,
                      "qdisc add dev eth0 root handle 1: htb\n"
                      "qdisc add dev eth0 root handle 2: htb\n"),
            "line 2: Error: NLM_F_REPLACE needed to override.");
  EXPECT_EQ(batch_err(&dev,
                      "qdisc add dev eth0 root handle 1: htb\n"
                      "qdisc add dev eth0 root handle 1: bfifo limit 1k\n"),
            "line 2: Error: Exclusivity flag on, cannot modify.");
  EXPECT_EQ(batch_err(&dev,
                      "qdisc add dev eth0 root handle 1: htb\n"
                      "class add dev eth0 parent 1: classid 1:1 htb rate 1mbit\n"
                      "class add dev eth0 parent 1: classid 1:1 htb rate 1mbit\n"),
            "line 3: RTNETLINK answers: File exists");
  EXPECT_STREQ(dev.qdisc->id(), "pfifo_fast");
}

// The format reference: the real kernel's tc (iproute2 6.1, Linux 6.x) on a
// veth in a private namespace, with no traffic yet, for
//   tc qdisc add dev v0 root handle 1: htb default 20
//   tc class add dev v0 parent 1: classid 1:1 htb rate 10gbit
//   tc class add dev v0 parent 1:1 classid 1:10 htb rate 3gbit ceil 10gbit prio 1
//   tc class add dev v0 parent 1:1 classid 1:20 htb rate 7gbit ceil 10gbit
// printed (the veth has 2 TX queues, so its root shows refcnt 3; our one-queue eth0 shows 2):
static const char *kRealHtbQdisc =
    "qdisc htb 1: root refcnt 3 r2q 10 default 0x20 direct_packets_stat 0 direct_qlen 1000\n"
    " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
    " backlog 0b 0p requeues 0\n";
static const char *kRealHtbClasses =
    "class htb 1:10 parent 1:1 prio 1 rate 3Gbit ceil 10Gbit burst 1125b cburst 0b \n"
    " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
    " backlog 0b 0p requeues 0\n"
    " lended: 0 borrowed: 0 giants: 0\n"
    " tokens: 62 ctokens: 15\n"
    "\n"
    "class htb 1:1 root rate 10Gbit ceil 10Gbit burst 0b cburst 0b \n"
    " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
    " backlog 0b 0p requeues 0\n"
    " lended: 0 borrowed: 0 giants: 0\n"
    " tokens: 15 ctokens: 15\n"
    "\n"
    "class htb 1:20 parent 1:1 prio 0 rate 7Gbit ceil 10Gbit burst 0b cburst 0b \n"
    " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
    " backlog 0b 0p requeues 0\n"
    " lended: 0 borrowed: 0 giants: 0\n"
    " tokens: 15 ctokens: 15\n"
    "\n";

TEST(TcShow, HtbMatchesTheRealTc) {
  net_device dev;
  std::string err, warn;
  ASSERT_TRUE(tc_batch(&dev,
                       "qdisc add dev eth0 root handle 1: htb default 20\n"
                       "class add dev eth0 parent 1: classid 1:1 htb rate 10gbit\n"
                       "class add dev eth0 parent 1:1 classid 1:10 htb rate 3gbit ceil 10gbit prio 1\n"
                       "class add dev eth0 parent 1:1 classid 1:20 htb rate 7gbit ceil 10gbit\n",
                       &err, &warn))
      << err;
  std::string want_q = kRealHtbQdisc;
  want_q.replace(want_q.find("refcnt 3"), 8, "refcnt 2");
  EXPECT_EQ(tc_qdisc_show(&dev, true), want_q);
  EXPECT_EQ(tc_class_show(&dev, true), kRealHtbClasses);
  // The kernel's warnings, as tc prints them.
  EXPECT_EQ(warn,
            "Warning: sch_htb: quantum of class 10001 is big. Consider r2q change.\n"
            "Warning: sch_htb: quantum of class 10010 is big. Consider r2q change.\n"
            "Warning: sch_htb: quantum of class 10020 is big. Consider r2q change.\n");
}

// More of the real tc's lines (same namespace): tbf with latency, with peakrate,
// with a limit that leaves no latency; pfifo; bfifo; pfifo_fast; an htb class with
// burst/cburst/quantum and a bfifo leaf 10:.
TEST(TcShow, TbfFifoAndLeafLinesMatchTheRealTc) {
  net_device dev;
  auto show = [&](const std::string &cmd) {
    std::string err;
    EXPECT_TRUE(tc_batch(&dev, cmd, &err)) << err;
    return tc_qdisc_show(&dev, false);
  };
  EXPECT_EQ(show("qdisc add dev eth0 root handle 1: tbf rate 1mbit burst 10kb latency 50ms"),
            "qdisc tbf 1: root refcnt 2 rate 1Mbit burst 10Kb lat 50ms \n");
  EXPECT_EQ(show("qdisc replace dev eth0 root handle 1: tbf rate 1mbit burst 10kb limit 20000 peakrate 2mbit mtu 1500"),
            "qdisc tbf 1: root refcnt 2 rate 1Mbit burst 10Kb peakrate 2Mbit minburst 1500b lat 78.1ms \n");
  EXPECT_EQ(show("qdisc replace dev eth0 root handle 1: tbf rate 1mbit burst 5kb limit 3000"),
            "qdisc tbf 1: root refcnt 2 rate 1Mbit burst 5Kb limit 3000b \n");
  EXPECT_EQ(show("qdisc del dev eth0 root\nqdisc replace dev eth0 root pfifo limit 100"),
            "qdisc pfifo 8001: root refcnt 2 limit 100p\n");
  EXPECT_EQ(show("qdisc replace dev eth0 root bfifo"), "qdisc bfifo 8002: root refcnt 2 limit 1514000b\n");
  EXPECT_EQ(show("qdisc replace dev eth0 root handle 1: pfifo_fast"),
            "qdisc pfifo_fast 1: root refcnt 2 bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1\n");
  EXPECT_EQ(show("qdisc del dev eth0 root\n"
                 "qdisc add dev eth0 root handle 1: htb\n"
                 "class add dev eth0 parent 1: classid 1:1 htb rate 100kbit ceil 1mbit burst 2k cburst 3k quantum 1500\n"
                 "qdisc add dev eth0 parent 1:1 handle 10: bfifo limit 30000\n"),
            "qdisc htb 1: root refcnt 2 r2q 10 default 0 direct_packets_stat 0 direct_qlen 1000\n"
            "qdisc bfifo 10: parent 1:1 limit 30000b\n");
  EXPECT_EQ(tc_class_show(&dev, true),
            "class htb 1:1 root leaf 10: prio 0 rate 100Kbit ceil 1Mbit burst 2Kb cburst 3Kb \n"
            " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
            " backlog 0b 0p requeues 0\n"
            " lended: 0 borrowed: 0 giants: 0\n"
            " tokens: 2560000 ctokens: 384000\n"
            "\n");
  // The real kernel's bursts for a 3mbit/7mbit/10mbit tree (raw ticks 0x10460, 0x6f92, 0x4e20).
  std::string err;
  ASSERT_TRUE(tc_batch(&dev,
                       "qdisc replace dev eth0 root handle 2: htb default 20\n"
                       "class add dev eth0 parent 2: classid 2:1 htb rate 10mbit\n"
                       "class add dev eth0 parent 2:1 classid 2:10 htb rate 3mbit ceil 10mbit prio 1\n"
                       "class add dev eth0 parent 2:1 classid 2:20 htb rate 7mbit ceil 10mbit\n",
                       &err))
      << err;
  const std::string cls = tc_class_show(&dev, false);
  EXPECT_NE(cls.find("class htb 2:10 parent 2:1 prio 1 rate 3Mbit ceil 10Mbit burst 1599b cburst 1600b \n"),
            std::string::npos)
      << cls;
  EXPECT_NE(cls.find("class htb 2:20 parent 2:1 prio 0 rate 7Mbit ceil 10Mbit burst 1598b cburst 1600b \n"),
            std::string::npos)
      << cls;
  EXPECT_NE(cls.find("class htb 2:1 root rate 10Mbit ceil 10Mbit burst 1600b cburst 1600b \n"), std::string::npos)
      << cls;
}

// A class a filter points to cannot be deleted (-EBUSY, sch_htb's "HTB class in use");
// once the filter is gone it can, and the class list shrinks.
TEST(TcParse, HtbClassInUseByAFilterCannotBeDeleted) {
  net_device dev;
  std::string err;
  ASSERT_TRUE(tc_batch(&dev,
                       "qdisc add dev eth0 root handle 1: htb\n"
                       "class add dev eth0 parent 1: classid 1:10 htb rate 1mbit\n"
                       "filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dport 1 0xffff flowid 1:10\n",
                       &err))
      << err;
  EXPECT_EQ(batch_err(&dev, "class del dev eth0 classid 1:10"), "line 1: Error: HTB class in use.");
  EXPECT_EQ(tc_filter_show(&dev, 0x10000),
            "filter parent 1: protocol ip pref 1 u32 chain 0 fh 800::800 order 2048 key ht 800 bkt 0 *flowid 1:10 "
            "not_in_hw \n  match 00000001/0000ffff at 20\n");
  ASSERT_TRUE(tc_batch(&dev, "filter del dev eth0 parent 1: prio 1\nclass del dev eth0 classid 1:10\n", &err)) << err;
  EXPECT_EQ(tc_class_show(&dev, false), "");
}
