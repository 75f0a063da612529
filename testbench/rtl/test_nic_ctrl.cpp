// Statistics, interrupt moderation, DMA errors, CTRL.RST in the middle of
// traffic and the quiesce-then-reset recovery (GIO master disable).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vnic_top.h"
#include "nic_bench.hpp"

namespace wirepath::rtltest {
namespace {

using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;
using Bytes = std::vector<uint8_t>;

Bytes frame_with_da(const uint8_t da0, size_t len, uint8_t fill) {
  Bytes b(len, fill);
  for (int i = 0; i < 6; ++i) b[i] = da0 == 0xFF ? 0xFF : uint8_t(i ? 0x11 * i : da0);
  return b;
}

// PTC64..PTC1522 count sent frames by octets (DA..FCS), MPTC/BPTC by DA;
// all clear on read; a 1523-octet frame is in GPTC but in no PTC class.
TEST(NicStats, CountsPacketsBySizeClassAndDestinationKind) {
  NicBench b;
  TxRing r(b, 64, kTctlEn | kTctlPsp);
  const unsigned lens[] = {10, 61, 123, 124, 251, 252, 507, 508, 1019, 1020, 1518, 1519};
  const uint8_t das[] = {0x02, 0xFF, 0x01, 0x02, 0x01, 0xFF, 0x02, 0x02, 0x03, 0x02, 0xFF, 0x02};
  std::vector<std::vector<Segment>> pkts;
  for (size_t i = 0; i < 12; ++i) {
    const Bytes d = frame_with_da(das[i], lens[i], uint8_t(i));
    pkts.push_back({{r.buffer(d), uint16_t(d.size())}});
  }
  send_packets(b, r, pkts, kCmdIfcs, 12);
  b.run(50);
  ASSERT_EQ(b.frames.size(), 12u);
  EXPECT_EQ(b.read32(kPtc64), 1u);
  EXPECT_EQ(b.read32(kPtc127), 2u);
  EXPECT_EQ(b.read32(kPtc255), 2u);
  EXPECT_EQ(b.read32(kPtc511), 2u);
  EXPECT_EQ(b.read32(kPtc1023), 2u);
  EXPECT_EQ(b.read32(kPtc1522), 2u);
  EXPECT_EQ(b.read32(kBptc), 3u);
  EXPECT_EQ(b.read32(kMptc), 3u);  // 01 and 03 first octets
  EXPECT_EQ(b.read32(kGptc), 12u);
  for (uint32_t a : {kPtc64, kPtc127, kPtc255, kPtc511, kPtc1023, kPtc1522, kBptc, kMptc, kGptc})
    EXPECT_EQ(b.read32(a), 0u) << std::hex << a;
}

// TIDV delays TXDW of an IDE descriptor by TIDV x 1.024 us (160 cycles);
// without IDE it is immediate.
TEST(NicIrq, TidvDelaysTxdwOfIdeDescriptorsByItsUnits) {
  NicBench b;
  TxRing r(b, 16, kTctlEn | kTctlPsp);
  b.write32(kIms, kIcrTxdw);
  b.write32(kTidv, 0x12345);
  EXPECT_EQ(b.read32(kTidv), 0x2345u);  // 16 bits
  b.write32(kTidv, 2);
  const Bytes d(100, 0x33);
  r.post(r.buffer(d), 100, kCmdEop | kCmdIfcs | kCmdRs);
  r.kick();
  b.run_until([&] { return !b.irq_rises.empty(); }, 5000);
  ASSERT_EQ(b.writes.size(), 1u);
  const uint64_t immediate = b.irq_rises.at(0) - b.writes[0].cycle;
  b.read32(kIcr);
  r.post(r.buffer(d), 100, kCmdEop | kCmdIfcs | kCmdRs | kCmdIde);
  r.kick();
  b.run_until([&] { return b.irq_rises.size() >= 2; }, 5000);
  ASSERT_EQ(b.writes.size(), 2u);
  EXPECT_EQ(b.irq_rises.at(1) - b.writes[1].cycle, immediate + 2 * 160);
}

// TADV bounds the delay: DD events every ~130 cycles keep restarting TIDV
// (320 cycles), the interrupt still comes TADV x 160 cycles after the first.
TEST(NicIrq, TadvBoundsTheDelayOfAStreamOfIdeCompletions) {
  NicBench b;
  TxRing r(b, 64, kTctlEn | kTctlPsp);
  b.write32(kIms, kIcrTxdw);
  const Bytes d(100, 0x33);
  r.post(r.buffer(d), 100, kCmdEop | kCmdIfcs | kCmdRs);
  r.kick();
  b.run_until([&] { return !b.irq_rises.empty(); }, 5000);
  const uint64_t immediate = b.irq_rises.at(0) - b.writes.at(0).cycle;
  b.read32(kIcr);
  b.write32(kTidv, 2);
  b.write32(kTadv, 3);
  EXPECT_EQ(b.read32(kTadv), 3u);
  const Bytes big(1000, 0x44);
  for (int i = 0; i < 12; ++i) r.post(r.buffer(big), 1000, kCmdEop | kCmdIfcs | kCmdRs | kCmdIde);
  const size_t first = b.writes.size();
  r.kick();
  b.run_until([&] { return b.irq_rises.size() >= 2; }, 20000);
  ASSERT_GE(b.writes.size(), first + 4);
  EXPECT_EQ(b.irq_rises.at(1) - b.writes.at(first).cycle, immediate + 3 * 160);
}

// ITR: two interrupt rises are at least ITR x 256 ns (40 cycles) apart.
TEST(NicIrq, ItrSpacesInterruptsByItsUnits) {
  NicBench b;
  b.write32(kItr, 100);
  EXPECT_EQ(b.read32(kItr), 100u);
  b.write32(kIms, 0x4);
  b.write32(kIcs, 0x4);
  b.run(2);
  ASSERT_EQ(b.irq_rises.size(), 1u);
  EXPECT_EQ(b.read32(kIcr), 0x4u);
  b.run(100);
  b.write32(kIcs, 0x4);
  b.run(2000);
  EXPECT_EQ(b.irq_rises.size(), 1u);  // held back
  EXPECT_FALSE(b.top().irq_o);
  b.run_until([&] { return b.irq_rises.size() >= 2; }, 5000);
  EXPECT_EQ(b.irq_rises.at(1) - b.irq_rises.at(0), 100u * 40u);
}

// A data read error drops the frame, counts TDEC and raises ICR bit 5; a
// ring in unmapped memory: every descriptor read fails, each completes.
TEST(NicErr, DmaReadErrorsDropCountAndInterrupt) {
  NicBench b;
  TxRing r(b, 16, kTctlEn);
  b.write32(kIms, kIcrDmaErr);
  Bytes good(120, 0x5A);
  r.post_packet({{0x10, 100}});
  r.post_packet({{r.buffer(good), 120}});
  r.kick();
  b.run_until([&] { return b.frames.size() >= 1; }, 20000);
  b.run(300);
  EXPECT_TRUE(b.top().irq_o);
  EXPECT_EQ(b.read32(kIcr) & kIcrDmaErr, kIcrDmaErr);
  EXPECT_EQ(b.read32(kTdec), 1u);
  EXPECT_EQ(b.read32(kTdh), 2u);

  // Ring at an unmapped address.
  b.write32(kTctl, 0);
  b.write32(kTdbal, 0x40000000);
  b.write32(kTdbah, 0x7);
  b.write32(kTdh, 0);
  b.write32(kTdt, 0);
  b.write32(kTctl, kTctlEn);
  b.write32(kTdt, 5);
  b.run_until([&] { return b.read32(kTdh) == 5; }, 20000);
  EXPECT_EQ(b.read32(kTdh), 5u);
  EXPECT_EQ(b.read32(kTdec), 5u);
  EXPECT_EQ(b.frames.size(), 1u);
}

// A DD write-back answered with an error (DECERR) is counted (TWEC) and
// raises ICR bit 5; the descriptors still complete, TDH reaches TDT.
TEST(NicErr, WriteBackErrorResponsesAreCountedAndRaiseTheCause) {
  NicBench b;
  TxRing r(b, 16, kTctlEn);
  Bytes good(80, 0x11);
  r.post_packet({{r.buffer(good), 80}}, kCmdIfcs | kCmdRs);
  r.kick();
  b.run_until([&] { return b.read32(kTdh) == 1; }, 20000);
  EXPECT_EQ(b.read32(kTwec), 0u);
  EXPECT_EQ(b.read32(kIcr) & kIcrDmaErr, 0u);
  b.write_fails = [](uint64_t) { return true; };
  r.post_packet({{r.buffer(good), 80}}, kCmdIfcs | kCmdRs);
  r.post_packet({{r.buffer(good), 80}}, kCmdIfcs | kCmdRs);
  r.kick();
  b.run_until([&] { return b.read32(kTdh) == 3; }, 20000);
  EXPECT_EQ(b.frames.size(), 3u);
  EXPECT_EQ(b.read32(kTwec), 2u);
  EXPECT_EQ(b.read32(kIcr) & kIcrDmaErr, kIcrDmaErr);
}

// Posts n distinct packets (packet i: byte 0 = i) of `len` bytes.
std::vector<Bytes> post_numbered(NicBench &b, TxRing &r, unsigned from, unsigned to, unsigned len) {
  std::vector<Bytes> out;
  for (unsigned i = from; i < to; ++i) {
    Bytes d(len, uint8_t(0xA0 + i));
    d[0] = uint8_t(i);
    r.post(r.buffer(d, i % 8), uint16_t(len), kCmdEop | kCmdIfcs | kCmdRs);
    out.push_back(d);
  }
  (void)b;
  return out;
}

// CTRL.RST with reads and writes in flight: the NIC drains their responses
// (the bus is idle afterwards, no stray response reaches the new state),
// registers are back at reset values, and a new ring works.
TEST(NicReset, CtrlRstMidTrafficDrainsTheBusAndRestarts) {
  NicBench b(157);
  TxRing r(b, 64, kTctlEn | kTctlPsp);
  post_numbered(b, r, 0, 40, 1500);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 3; }, 20000);
  b.run(37);
  ASSERT_FALSE(b.bus_idle());  // reads outstanding
  b.write32(kCtrl, kCtrlRst);
  b.run(2000);
  EXPECT_TRUE(b.bus_idle());
  EXPECT_EQ(b.read32(kTctl), 0u);
  EXPECT_EQ(b.read32(kTdbal), 0u);
  EXPECT_EQ(b.read32(kTdh), 0u);
  // The frame on the wire at the reset was cut short: the receiver sees it
  // end at the next /S/, with a bad FCS (not counted as sent).
  const size_t before = b.frames.size() + 1;
  TxRing r2(b, 16, kTctlEn | kTctlPsp);
  auto want = post_numbered(b, r2, 0, 5, 200);
  r2.kick();
  b.run_until([&] { return b.frames.size() >= before + 5; }, 20000);
  ASSERT_EQ(b.frames.size(), before + 5);
  EXPECT_FALSE(b.frames[before - 1].fcs_ok);
  for (size_t i = 0; i < 5; ++i) {
    const auto &f = b.frames[before + i];
    EXPECT_TRUE(f.fcs_ok);
    EXPECT_EQ(Bytes(f.bytes.begin(), f.bytes.end() - 4), want[i]);
  }
}

// Quiesce then reset: with CTRL.GIO_MASTER_DISABLE the NIC starts no new
// packet, finishes those it took, and clears STATUS.GIO_MASTER_EN; then TDH
// is exactly the boundary of what was sent. After CTRL.RST the driver posts
// the rest again: every packet is on the wire exactly once, in order.
TEST(NicReset, GioMasterDisableThenResetResendsEachPacketExactlyOnce) {
  NicBench b(157);
  TxRing r(b, 64, kTctlEn | kTctlPsp);
  auto want = post_numbered(b, r, 0, 40, 700);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 5; }, 20000);
  b.write32(kCtrl, kCtrlGioDis);
  unsigned polls = 0;
  while ((b.read32(kStatus) & kStatusGioEn) && polls < 1000) ++polls, b.run(20);
  ASSERT_LT(polls, 1000u);
  EXPECT_TRUE(b.bus_idle());
  const unsigned h = b.read32(kTdh);
  ASSERT_GT(h, 5u);
  ASSERT_LT(h, 40u);
  b.run(3000);
  EXPECT_EQ(b.frames.size(), h);  // nothing after the boundary went out
  b.write32(kCtrl, kCtrlRst);
  b.run(10);
  TxRing r2(b, 64, kTctlEn | kTctlPsp);
  for (unsigned i = h; i < 40; ++i) r2.post(r2.buffer(want[i]), uint16_t(want[i].size()), kCmdEop | kCmdIfcs | kCmdRs);
  r2.kick();
  b.run_until([&] { return b.frames.size() >= 40; }, 100000);
  b.run(2000);
  ASSERT_EQ(b.frames.size(), 40u);
  for (unsigned i = 0; i < 40; ++i) {
    EXPECT_TRUE(b.frames[i].fcs_ok);
    EXPECT_EQ(Bytes(b.frames[i].bytes.begin(), b.frames[i].bytes.end() - 4), want[i]) << i;
  }
}

}  // namespace
}  // namespace wirepath::rtltest
