// The smallest system a qdisc test needs: a clock (kernel_ctx timers), a
// namespace, a fake eth0 that records each frame and when it left, and a
// way to configure traffic control as a user would (tc commands, through
// the user-space tc). Packets are UDP/IPv4 frames built by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "fake_netdev.hpp"
#include "sim/app/tc/tc.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/kernel/kernel.hpp"
#include "stack/kernel/kmalloc.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath::test {

class SchedTest : public ::testing::Test {
protected:
  void SetUp() override {
    skb_counters_reset();
    ASSERT_EQ(ns.register_netdevice(&nd.dev), 0);
    nd.dev.ops.ndo_start_xmit = [this](sk_buff *skb, net_device *d) {
      sent_at.push_back(kern.timers.now());
      return nd.xmit(skb, d);
    };
  }
  void TearDown() override {
    nd.dev.qdisc.reset();  // drop what is still queued before the counters are checked
    EXPECT_EQ(skb_counters().live(), 0u) << "an skb was neither transmitted nor dropped";
  }

  void tc(const std::string &cmds) {
    std::string err;
    ASSERT_TRUE(wirepath::tc::tc_batch(&nd.dev, cmds, &err)) << err;
  }

  // An Ethernet + IPv4 + UDP frame of frame_len bytes (>= 42).
  sk_buff *udp(uint16_t sport, uint16_t dport, uint32_t frame_len, uint8_t tos = 0, uint32_t priority = 0,
               uint32_t mark = 0, uint32_t saddr = 0x0a000001, uint32_t daddr = 0x0a000002) {
    sk_buff *skb = alloc_skb(mem, frame_len + 64);
    skb->reserve(32);
    uint8_t *p = skb->put(frame_len);
    std::memset(p, 0, frame_len);
    p[12] = 0x08;  // ETH_P_IP
    uint8_t *ip = p + 14;
    ip[0] = 0x45;
    ip[1] = tos;
    const uint16_t tot = static_cast<uint16_t>(frame_len - 14);
    ip[2] = tot >> 8;
    ip[3] = tot & 0xff;
    ip[8] = 64;
    ip[9] = 17;  // UDP
    for (int i = 0; i < 4; ++i) {
      ip[12 + i] = static_cast<uint8_t>(saddr >> (24 - 8 * i));
      ip[16 + i] = static_cast<uint8_t>(daddr >> (24 - 8 * i));
    }
    uint8_t *uh = ip + 20;
    uh[0] = sport >> 8;
    uh[1] = sport & 0xff;
    uh[2] = dport >> 8;
    uh[3] = dport & 0xff;
    skb->protocol = 0x0800;
    skb->priority = priority;
    skb->mark = mark;
    skb->dev = &nd.dev;
    return skb;
  }
  uint16_t dport_of(size_t i) const { return rd16(nd.frames.at(i).bytes, 36); }
  // Bytes sent so far to UDP port dport (frames as the qdisc counts them).
  uint64_t bytes_to(uint16_t dport, uint64_t from_ns = 0, uint64_t to_ns = UINT64_MAX) const {
    uint64_t n = 0;
    for (size_t i = 0; i < nd.frames.size(); ++i)
      if (dport_of(i) == dport && sent_at[i] >= from_ns && sent_at[i] < to_ns) n += nd.frames[i].bytes.size();
    return n;
  }
  void run_until(uint64_t ns_) { kern.timers.run_timers(ns_); }

  kernel_ctx kern;
  PhysMem ram{1u << 24};
  KernelHeap mem{ram};
  net ns{kern, mem, 1};
  FakeNetdev nd;
  std::vector<uint64_t> sent_at;
};

}  // namespace wirepath::test
