#include <cmath>

#include <gtest/gtest.h>

#include "sim/pcie/pcie_model.hpp"

using namespace wirepath;

namespace {
ps_t read_latency(uint32_t len) {
  PcieModel m(PcieConfig{});
  const auto c = m.dma_read(0, 0x1'0000'0000ull, len);
  return c.back().arrive;
}
}  // namespace

// pcie-bench (Xeon E5, Gen3 x8) median 64-B DMA read latency: 550-600 ns.
TEST(PcieModel, SixtyFourByteReadTakesPcieBenchMedian) {
  const ps_t t = read_latency(64);
  EXPECT_GE(t, 550 * kNs);
  EXPECT_LE(t, 600 * kNs);
}

// pcie-bench median 1520-B DMA read latency: about 1.0 us (we accept +-3%).
TEST(PcieModel, FifteenTwentyByteReadTakesAboutOneMicrosecond) {
  const ps_t t = read_latency(1520);
  EXPECT_GE(t, 970 * kNs);
  EXPECT_LE(t, 1030 * kNs);
}

// Reads split at MRRS into requests and at RCB into completions, in address order.
TEST(PcieModel, ReadSplitsAtMrrsAndCompletesPerCacheLine) {
  PcieModel m(PcieConfig{});
  const auto c = m.dma_read(0, 0x1'0000'0010ull, 1200);  // unaligned start
  ASSERT_EQ(c.size(), 19u);                             // 48 + 18*64 = 1200: lines 0x10.., then 64-B lines
  EXPECT_EQ(c.front().offset, 0u);
  EXPECT_EQ(c.front().len, 48u);
  uint32_t next = 0;
  for (size_t i = 0; i < c.size(); i++) {
    EXPECT_EQ(c[i].offset, next);
    next += c[i].len;
    if (i) {
      EXPECT_GT(c[i].arrive, c[i - 1].arrive);
    }
  }
  EXPECT_EQ(next, 1200u);
  // Three MRd requests upstream (MRRS 512 boundaries: 0x10-0x200, -0x400, -0x4c0).
  EXPECT_EQ(m.stats().up_tlps, 3u);
  EXPECT_EQ(m.stats().down_tlps, 19u);
  EXPECT_EQ(m.stats().down_bytes, 1200u + 19u * 20u);
}

// Each TLP occupies the link for (payload + overhead) bytes at 8 GT/s x8 128b/130b.
TEST(PcieModel, PostedWriteChargesHeaderAgainstBandwidth) {
  PcieConfig cfg;
  PcieModel m(cfg);
  const ps_t arrive = m.mmio_write(0, 4);
  const double ps_per_byte = 1000.0 / (8.0 * 8 * 128 / 130 / 8);  // 126.95 ps
  EXPECT_EQ(arrive, cfg.cpu_mmio_latency + static_cast<ps_t>(std::llround(28 * ps_per_byte)) + cfg.link_latency);
  // A second write queues behind the first on the same direction.
  const ps_t arrive2 = m.mmio_write(0, 4);
  EXPECT_EQ(arrive2 - arrive, static_cast<ps_t>(std::llround(28 * ps_per_byte)));
}

// A write-combined 64-byte MMIO write (descriptor push) is one MWr TLP: 64
// payload bytes + 24 overhead on the link, not sixteen 4-byte TLPs.
TEST(PcieModel, WriteCombinedWriteIsOneTlpWithItsPayload) {
  PcieConfig cfg;
  PcieModel m(cfg);
  const double ps_per_byte = 1000.0 / (8.0 * 8 * 128 / 130 / 8);
  const ps_t arrive = m.mmio_write(0, 64);
  EXPECT_EQ(arrive, cfg.cpu_mmio_latency + static_cast<ps_t>(std::llround(88 * ps_per_byte)) + cfg.link_latency);
  EXPECT_EQ(m.stats().down_tlps, 1u);
  EXPECT_EQ(m.stats().down_bytes, 88u);
}

// Bad parameters are refused with a message naming the field.
TEST(PcieModel, RejectsBadConfig) {
  PcieConfig cfg;
  cfg.max_read_request = 100;
  EXPECT_THROW({ PcieModel m(cfg); }, std::invalid_argument);
  cfg = PcieConfig{};
  cfg.lanes = 3;
  EXPECT_THROW({ PcieModel m(cfg); }, std::invalid_argument);
  cfg = PcieConfig{};
  cfg.link_latency = 0;
  EXPECT_THROW({ PcieModel m(cfg); }, std::invalid_argument);
}

// A posted MMIO write goes out in a gap between DMA completions already
// scheduled for later, instead of queueing behind all of them.
TEST(PcieModel, MmioWriteUsesGapBetweenScheduledCompletions) {
  PcieConfig cfg;
  PcieModel idle(cfg);
  const ps_t alone = idle.mmio_write(0, 4);
  PcieModel busy(cfg);
  busy.dma_read(0, 0x1'0000'0000ull, 4096);  // 64 completions paced 18.5 ns apart
  EXPECT_EQ(busy.mmio_write(0, 4), alone);
}

// Within one stream order holds: a read request never passes an earlier write,
// even where a gap would let the smaller request go first.
TEST(PcieModel, ReadRequestDoesNotPassEarlierPostedWrite) {
  PcieModel m(PcieConfig{});
  const ps_t w = m.mmio_write(0, 4);
  const ps_t r = m.mmio_read_request(0);
  EXPECT_GT(r, w);
}

// Two TLPs never overlap on one direction of the link.
TEST(PcieDirection, TlpsNeverOverlap) {
  PcieDirection lane(1000.0);  // 1 ns per byte
  EXPECT_EQ(lane.send(PcieDirection::kCompletions, 100'000, 10), 110'000u);   // [100, 110) ns
  EXPECT_EQ(lane.send(PcieDirection::kCompletions, 200'000, 10), 210'000u);   // [200, 210)
  EXPECT_EQ(lane.send(PcieDirection::kRequests, 95'000, 10), 120'000u);       // gap before 100 too small
  EXPECT_EQ(lane.send(PcieDirection::kRequests, 0, 50), 170'000u);            // fits [120, 170) after its stream
  EXPECT_EQ(lane.send(PcieDirection::kRequests, 0, 40), 250'000u);            // [170,200) too small: after 210
  EXPECT_EQ(lane.tlps(), 5u);
}
