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
  TxRing r(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  const unsigned lens[] = {10, 61, 123, 124, 251, 252, 507, 508, 1019, 1020, 1518, 1519};
  const uint8_t das[] = {0x02, 0xFF, 0x01, 0x02, 0x01, 0xFF, 0x02, 0x02, 0x03, 0x02, 0xFF, 0x02};
  std::vector<std::vector<Segment>> pkts;
  for (size_t i = 0; i < 12; ++i) {
    const Bytes d = frame_with_da(das[i], lens[i], uint8_t(i));
    pkts.push_back({{r.buffer(d), uint16_t(d.size())}});
  }
  send_packets(b, r, pkts, E1000_TXD_CMD_IFCS, 12);
  b.run(50);
  ASSERT_EQ(b.frames.size(), 12u);
  EXPECT_EQ(b.read32(E1000_PTC64), 1u);
  EXPECT_EQ(b.read32(E1000_PTC127), 2u);
  EXPECT_EQ(b.read32(E1000_PTC255), 2u);
  EXPECT_EQ(b.read32(E1000_PTC511), 2u);
  EXPECT_EQ(b.read32(E1000_PTC1023), 2u);
  EXPECT_EQ(b.read32(E1000_PTC1522), 2u);
  EXPECT_EQ(b.read32(E1000_BPTC), 3u);
  EXPECT_EQ(b.read32(E1000_MPTC), 3u);  // 01 and 03 first octets
  EXPECT_EQ(b.read32(E1000_GPTC), 12u);
  for (uint32_t a : {E1000_PTC64, E1000_PTC127, E1000_PTC255, E1000_PTC511, E1000_PTC1023, E1000_PTC1522, E1000_BPTC,
                     E1000_MPTC, E1000_GPTC})
    EXPECT_EQ(b.read32(a), 0u) << std::hex << a;
}

// TIDV delays TXDW of an IDE descriptor by TIDV x 1.024 us (160 cycles);
// without IDE it is immediate.
TEST(NicIrq, TidvDelaysTxdwOfIdeDescriptorsByItsUnits) {
  NicBench b;
  TxRing r(b, 16, E1000_TCTL_EN | E1000_TCTL_PSP);
  b.write32(E1000_IMS, E1000_ICR_TXDW);
  b.write32(E1000_TIDV, 0x12345);
  EXPECT_EQ(b.read32(E1000_TIDV), 0x2345u);  // 16 bits
  b.write32(E1000_TIDV, 2);
  const Bytes d(100, 0x33);
  r.post(r.buffer(d), 100, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.kick();
  b.run_until([&] { return !b.irq_rises.empty(); }, 5000);
  ASSERT_EQ(b.writes.size(), 1u);
  const uint64_t immediate = b.irq_rises.at(0) - b.writes[0].cycle;
  b.read32(E1000_ICR);
  r.post(r.buffer(d), 100, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS | E1000_TXD_CMD_IDE);
  r.kick();
  b.run_until([&] { return b.irq_rises.size() >= 2; }, 5000);
  ASSERT_EQ(b.writes.size(), 2u);
  EXPECT_EQ(b.irq_rises.at(1) - b.writes[1].cycle, immediate + 2 * 160);
}

// TADV bounds the delay: DD events every ~130 cycles keep restarting TIDV
// (320 cycles), the interrupt still comes TADV x 160 cycles after the first.
TEST(NicIrq, TadvBoundsTheDelayOfAStreamOfIdeCompletions) {
  NicBench b;
  TxRing r(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  b.write32(E1000_IMS, E1000_ICR_TXDW);
  const Bytes d(100, 0x33);
  r.post(r.buffer(d), 100, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.kick();
  b.run_until([&] { return !b.irq_rises.empty(); }, 5000);
  const uint64_t immediate = b.irq_rises.at(0) - b.writes.at(0).cycle;
  b.read32(E1000_ICR);
  b.write32(E1000_TIDV, 2);
  b.write32(E1000_TADV, 3);
  EXPECT_EQ(b.read32(E1000_TADV), 3u);
  const Bytes big(1000, 0x44);
  for (int i = 0; i < 12; ++i)
    r.post(r.buffer(big), 1000, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS | E1000_TXD_CMD_IDE);
  const size_t first = b.writes.size();
  r.kick();
  b.run_until([&] { return b.irq_rises.size() >= 2; }, 20000);
  ASSERT_GE(b.writes.size(), first + 4);
  EXPECT_EQ(b.irq_rises.at(1) - b.writes.at(first).cycle, immediate + 3 * 160);
}

// ITR: two interrupt rises are at least ITR x 256 ns (40 cycles) apart.
TEST(NicIrq, ItrSpacesInterruptsByItsUnits) {
  NicBench b;
  b.write32(E1000_ITR, 100);
  EXPECT_EQ(b.read32(E1000_ITR), 100u);
  b.write32(E1000_IMS, 0x4);
  b.write32(E1000_ICS, 0x4);
  b.run(2);
  ASSERT_EQ(b.irq_rises.size(), 1u);
  EXPECT_EQ(b.read32(E1000_ICR), 0x4u);
  b.run(100);
  b.write32(E1000_ICS, 0x4);
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
  TxRing r(b, 16, E1000_TCTL_EN);
  b.write32(E1000_IMS, E1000_ICR_DMA_ERR);
  Bytes good(120, 0x5A);
  r.post_packet({{0x10, 100}});
  r.post_packet({{r.buffer(good), 120}});
  r.kick();
  b.run_until([&] { return b.frames.size() >= 1; }, 20000);
  b.run(300);
  EXPECT_TRUE(b.top().irq_o);
  EXPECT_EQ(b.read32(E1000_ICR) & E1000_ICR_DMA_ERR, E1000_ICR_DMA_ERR);
  EXPECT_EQ(b.read32(E1000_TDEC), 1u);
  EXPECT_EQ(b.read32(E1000_TDH), 2u);

  // Ring at an unmapped address.
  b.write32(E1000_TCTL, 0);
  b.write32(E1000_TDBAL, 0x40000000);
  b.write32(E1000_TDBAH, 0x7);
  b.write32(E1000_TDH, 0);
  b.write32(E1000_TDT, 0);
  b.write32(E1000_TCTL, E1000_TCTL_EN);
  b.write32(E1000_TDT, 5);
  b.run_until([&] { return b.read32(E1000_TDH) == 5; }, 20000);
  EXPECT_EQ(b.read32(E1000_TDH), 5u);
  EXPECT_EQ(b.read32(E1000_TDEC), 5u);
  EXPECT_EQ(b.frames.size(), 1u);
}

// A DD write-back answered with an error (DECERR) is counted (TWEC) and
// raises ICR bit 5; the descriptors still complete, TDH reaches TDT.
TEST(NicErr, WriteBackErrorResponsesAreCountedAndRaiseTheCause) {
  NicBench b;
  TxRing r(b, 16, E1000_TCTL_EN);
  Bytes good(80, 0x11);
  r.post_packet({{r.buffer(good), 80}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.kick();
  b.run_until([&] { return b.read32(E1000_TDH) == 1; }, 20000);
  EXPECT_EQ(b.read32(E1000_TWEC), 0u);
  EXPECT_EQ(b.read32(E1000_ICR) & E1000_ICR_DMA_ERR, 0u);
  b.write_fails = [](uint64_t) { return true; };
  r.post_packet({{r.buffer(good), 80}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.post_packet({{r.buffer(good), 80}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.kick();
  b.run_until([&] { return b.read32(E1000_TDH) == 3; }, 20000);
  EXPECT_EQ(b.frames.size(), 3u);
  EXPECT_EQ(b.read32(E1000_TWEC), 2u);
  EXPECT_EQ(b.read32(E1000_ICR) & E1000_ICR_DMA_ERR, E1000_ICR_DMA_ERR);
}

// Posts n distinct packets (packet i: byte 0 = i) of `len` bytes.
std::vector<Bytes> post_numbered(NicBench &b, TxRing &r, unsigned from, unsigned to, unsigned len) {
  std::vector<Bytes> out;
  for (unsigned i = from; i < to; ++i) {
    Bytes d(len, uint8_t(0xA0 + i));
    d[0] = uint8_t(i);
    r.post(r.buffer(d, i % 8), uint16_t(len), E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
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
  TxRing r(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  post_numbered(b, r, 0, 40, 1500);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 3; }, 20000);
  b.run(37);
  ASSERT_FALSE(b.bus_idle());  // reads outstanding
  b.write32(E1000_CTRL, E1000_CTRL_RST);
  b.run(2000);
  EXPECT_TRUE(b.bus_idle());
  EXPECT_EQ(b.read32(E1000_TCTL), 0u);
  EXPECT_EQ(b.read32(E1000_TDBAL), 0u);
  EXPECT_EQ(b.read32(E1000_TDH), 0u);
  // The frame on the wire at the reset was cut short: the receiver sees it
  // end at the next /S/, with a bad FCS (not counted as sent).
  const size_t before = b.frames.size() + 1;
  TxRing r2(b, 16, E1000_TCTL_EN | E1000_TCTL_PSP);
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
  TxRing r(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  auto want = post_numbered(b, r, 0, 40, 700);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 5; }, 20000);
  b.write32(E1000_CTRL, E1000_CTRL_GIO_MASTER_DISABLE);
  unsigned polls = 0;
  while ((b.read32(E1000_STATUS) & E1000_STATUS_GIO_MASTER_ENABLE) && polls < 1000) ++polls, b.run(20);
  ASSERT_LT(polls, 1000u);
  EXPECT_TRUE(b.bus_idle());
  const unsigned h = b.read32(E1000_TDH);
  ASSERT_GT(h, 5u);
  ASSERT_LT(h, 40u);
  b.run(3000);
  EXPECT_EQ(b.frames.size(), h);  // nothing after the boundary went out
  b.write32(E1000_CTRL, E1000_CTRL_RST);
  b.run(10);
  TxRing r2(b, 64, E1000_TCTL_EN | E1000_TCTL_PSP);
  for (unsigned i = h; i < 40; ++i)
    r2.post(r2.buffer(want[i]), uint16_t(want[i].size()), E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
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
