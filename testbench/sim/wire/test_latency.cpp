// LatencyTracker: percentiles (nearest rank), the per-frame CSV, and doorbell
// matching. A TDT write is matched to its doorbell by value,
// so ring setup's writel(0, TDT), still posted when the driver comes up, is
// not taken for the first doorbell (the MMIO stage would read too short).
#include <gtest/gtest.h>

#include <sstream>
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

// Nearest rank (pN = the ceil(N/100 * n)-th smallest) on 1..1000: p90 is the
// 900th value, p99 the 990th, p99.9 the 999th; the median of an even count
// is the mean of the middle two.
TEST(LatencySummary, PercentilesOfOneToAThousandAreTheNearestRanks) {
  std::vector<ps_t> v;
  for (ps_t i = 1000; i >= 1; i--) v.push_back(i);  // unsorted on purpose
  const LatencySummary s = LatencyTracker::summarize(v);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_EQ(s.min, 1u);
  EXPECT_EQ(s.median, 500u);  // (500 + 501) / 2 in integer ps
  EXPECT_EQ(s.p90, 900u);
  EXPECT_EQ(s.p99, 990u);
  EXPECT_EQ(s.p999, 999u);
  EXPECT_EQ(s.max, 1000u);
}

// With few samples the high percentiles are the largest value; one sample is every percentile.
TEST(LatencySummary, SmallSetsTakeTheNearestRankAbove) {
  const LatencySummary s = LatencyTracker::summarize({10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110});
  EXPECT_EQ(s.median, 60u);
  EXPECT_EQ(s.p90, 100u);  // ceil(0.9 * 11) = 10th
  EXPECT_EQ(s.p99, 110u);
  EXPECT_EQ(s.p999, 110u);
  const LatencySummary one = LatencyTracker::summarize({7});
  EXPECT_EQ(one.min, 7u);
  EXPECT_EQ(one.p90, 7u);
  EXPECT_EQ(one.p999, 7u);
  EXPECT_EQ(LatencyTracker::summarize({}).count, 0u);
}

// Each frame on the wire is one CSV row; a frame that matches its doorbell
// has every stage, a TSO packet's second segment repeats its stages with
// segment 1, an unexpected frame has empty stage fields.
TEST(LatencyTracker, CsvHasOneRowPerWireFrame) {
  LatencyTracker lat;
  lat.set_ring(0x1000);
  TxPacketRecord a;
  a.trace_id = 11;
  a.last_desc = 0;
  a.last_buf_end = 0x2000 + 100;
  a.len = 100;
  TxPacketRecord b;  // TSO: two frames, linear buffer
  b.trace_id = 12;
  b.last_desc = 1;
  b.len = 3000;
  b.last_buf_end = 0x3000 + 3000;
  b.segs = 2;
  b.first_frame_len = 1514;
  lat.tag = [](const std::vector<uint8_t> &f, ps_t) { return FrameTag{f.size() > 200 ? 1 : 0, 5}; };
  lat.doorbell({a, b}, 2, 1000);
  lat.tdt_arrived(2, 2000);
  lat.read_beat(0x1000, 16, 3000);        // a's descriptor
  lat.read_beat(0x1010, 16, 3100);        // b's descriptor
  lat.read_beat(0x2000 + 96, 16, 4000);   // a's last byte (0x2063, beat 0x2060)
  lat.read_beat(0x3000 + 1504, 16, 5000);  // b's first segment's last byte (0x35e9, beat 0x35e0)
  lat.wire_start(std::vector<uint8_t>(104), 6000);
  lat.wire_start(std::vector<uint8_t>(1518), 7000);
  lat.wire_start(std::vector<uint8_t>(1500), 8000);
  lat.wire_start(std::vector<uint8_t>(64), 9000);  // nobody's
  ASSERT_EQ(lat.done().size(), 2u);
  EXPECT_EQ(lat.done()[1].data, 5000u);
  EXPECT_EQ(lat.done()[1].flow, 1);
  std::ostringstream out;
  lat.write_csv(out);
  EXPECT_EQ(out.str(),
            "trace_id,flow,frame_len,segment,send_ps,doorbell_ps,mmio_ps,desc_ps,data_ps,wire_ps\n"
            "11,0,100,0,5,1000,2000,3000,4000,6000\n"
            "12,1,1514,0,5,1000,2000,3100,5000,7000\n"
            "12,1,1496,1,5,1000,2000,3100,5000,8000\n"
            "0,0,60,0,5,,,,,9000\n");
}
