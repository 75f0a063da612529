// tc's fq_codel and sfq: iproute2's option syntax and errors, and `tc -s qdisc show`
// in iproute2's format (tc/q_fq_codel.c: the option line, then maxpacket /
// drop_overlimit / new_flow_count / ecn_mark and new_flows_len / old_flows_len).
#include <gtest/gtest.h>

#include "sim/app/tc/tc.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_generic.hpp"

using namespace wirepath;
using namespace wirepath::tc;

// The kernel's defaults, as `tc -s qdisc show` prints them on Linux.
TEST(TcFqCodel, DefaultsPrintAsIproute2) {
  net_device dev;
  std::string err;
  ASSERT_TRUE(tc_batch(&dev, "qdisc add dev eth0 root handle 1: fq_codel\n", &err)) << err;
  EXPECT_EQ(tc_qdisc_show(&dev, true),
            "qdisc fq_codel 1: root refcnt 2 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms "
            "memory_limit 32Mb ecn drop_batch 64 \n"
            " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
            " backlog 0b 0p requeues 0\n"
            "  maxpacket 0 drop_overlimit 0 new_flow_count 0 ecn_mark 0\n"
            "  new_flows_len 0 old_flows_len 0\n");
}

// Every option reaches the kernel and comes back in the dump. Times travel
// in CoDel's 1024-ns units: 1 ms is 976 units, dumped as 999 us (as Linux).
TEST(TcFqCodel, OptionsRoundTrip) {
  net_device dev;
  std::string err;
  ASSERT_TRUE(tc_batch(&dev,
                       "qdisc add dev eth0 root fq_codel limit 500 flows 64 quantum 300 target 2ms interval 30ms "
                       "memory_limit 4mb noecn drop_batch 16 ce_threshold 1ms\n",
                       &err))
      << err;
  EXPECT_EQ(tc_qdisc_show(&dev, false),
            "qdisc fq_codel 8001: root refcnt 2 limit 500p flows 64 quantum 300 target 2ms ce_threshold 999us "
            "interval 30ms memory_limit 4Mb drop_batch 16 \n");
}

// iproute2's wording for a bad option, with the line number; nothing applied.
TEST(TcFqCodel, BadOptionIsRefused) {
  net_device dev;
  std::string err;
  EXPECT_FALSE(tc_batch(&dev, "qdisc add dev eth0 root fq_codel limit 100\nqdisc replace dev eth0 root fq_codel bogus 1\n",
                        &err));
  EXPECT_EQ(err.substr(0, err.find('\n')), "line 2: What is \"bogus\"?");
  EXPECT_STREQ(dev.qdisc->id(), "pfifo_fast");
  EXPECT_FALSE(tc_batch(&dev, "qdisc add dev eth0 root fq_codel target soon\n", &err));
  EXPECT_EQ(err, "line 1: Illegal \"target\"");
}

// SFQ's defaults (limit 127, quantum MTU + 14, depth 127, divisor 1024) as `tc qdisc show` prints them.
TEST(TcSfq, DefaultsAndOptionsPrintAsIproute2) {
  net_device dev;
  std::string err;
  ASSERT_TRUE(tc_batch(&dev, "qdisc add dev eth0 root sfq\n", &err)) << err;
  EXPECT_EQ(tc_qdisc_show(&dev, false), "qdisc sfq 8001: root refcnt 2 limit 127p quantum 1514b depth 127 divisor 1024 \n");
  ASSERT_TRUE(tc_batch(&dev, "qdisc replace dev eth0 root handle 2: sfq perturb 10 limit 64 depth 16 headdrop\n", &err))
      << err;
  EXPECT_EQ(tc_qdisc_show(&dev, false),
            "qdisc sfq 2: root refcnt 2 limit 64p quantum 1514b depth 16 headdrop divisor 1024 perturb 10sec \n");
  EXPECT_FALSE(tc_batch(&dev, "qdisc add dev eth0 root sfq flows x\n", &err));
  EXPECT_EQ(err, "line 1: Illegal \"flows\"");
}
