// Doorbell-to-wire latency: a TDT write is matched to its doorbell by value,
// so ring setup's writel(0, TDT), still posted when the driver comes up, is
// not taken for the first doorbell (the MMIO stage would read too short).
#include <gtest/gtest.h>

#include "sim/wire/latency.hpp"

using namespace wirepath;

namespace {

constexpr uint64_t kRing = 0x10000, kBuf = 0x20000;

TxPacketRecord packet(uint32_t desc, uint32_t len) {
  TxPacketRecord r;
  r.trace_id = desc + 1;
  r.first_desc = r.last_desc = desc;
  r.last_buf_end = kBuf + 0x1000 * desc + len;
  r.len = len;
  return r;
}

// Every stage of one packet at known times; returns its FrameLatency.
TEST(LatencyTracker, SetupTdtWriteInFlightIsNotTheFirstDoorbell) {
  LatencyTracker lat;
  lat.set_ring(kRing);
  lat.doorbell({packet(0, 100)}, 1, 1'000'000);  // TDT <- 1 at 1 us
  lat.tdt_arrived(0, 1'129'000);                 // the setup write lands 129 ns later
  lat.tdt_arrived(1, 1'250'000);                 // the doorbell: 250 ns
  lat.read_beat(kRing, 16, 1'800'000);           // descriptor 0
  lat.read_beat((kBuf + 99) & ~uint64_t{15}, 16, 2'400'000);  // its last data beat
  lat.wire_start(100, 2'500'000);
  ASSERT_EQ(lat.done().size(), 1u);
  const FrameLatency &f = lat.done()[0];
  EXPECT_EQ(f.mmio - f.doorbell, 250'000u);
  EXPECT_EQ(f.desc - f.mmio, 550'000u);
  EXPECT_EQ(f.total(), 1'500'000u);
  EXPECT_EQ(lat.unmatched(), 0u);
}

// Two doorbells in flight arrive in order, each with its own value.
TEST(LatencyTracker, DoorbellsMatchTheirOwnTdtValues) {
  LatencyTracker lat;
  lat.set_ring(kRing);
  lat.doorbell({packet(0, 100)}, 1, 1'000'000);
  lat.doorbell({packet(1, 200), packet(2, 300)}, 3, 1'100'000);
  lat.tdt_arrived(1, 1'300'000);
  lat.tdt_arrived(3, 1'400'000);
  for (uint32_t d = 0; d < 3; d++) {
    lat.read_beat(kRing + 16 * d, 16, 2'000'000 + d);
  }
  lat.read_beat((kBuf + 99) & ~uint64_t{15}, 16, 3'000'000);
  lat.read_beat((kBuf + 0x1000 + 199) & ~uint64_t{15}, 16, 3'000'001);
  lat.read_beat((kBuf + 0x2000 + 299) & ~uint64_t{15}, 16, 3'000'002);
  lat.wire_start(100, 4'000'000);
  lat.wire_start(200, 5'000'000);
  lat.wire_start(300, 6'000'000);
  ASSERT_EQ(lat.done().size(), 3u);
  EXPECT_EQ(lat.done()[0].mmio - lat.done()[0].doorbell, 300'000u);
  EXPECT_EQ(lat.done()[1].mmio - lat.done()[1].doorbell, 300'000u);
  EXPECT_EQ(lat.done()[2].mmio - lat.done()[2].doorbell, 300'000u);
}

}  // namespace
