#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <random>
#include <vector>

#include "Vnic_top.h"
#include "nic_bench.hpp"

namespace wirepath::rtltest {
namespace {

using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;
using Bytes = std::vector<uint8_t>;
using Packet = std::vector<Segment>;

Bytes random_bytes(std::mt19937 &rng, size_t n) {
  Bytes b(n);
  for (auto &x : b) x = uint8_t(rng());
  return b;
}

uint32_t zlib_crc(const Bytes &b, size_t n) {
  return static_cast<uint32_t>(crc32(0L, b.data(), static_cast<uInt>(n)));
}

uint32_t le32(const Bytes &b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}

// Every frame length 1..1514 leaves with an FCS equal to zlib's crc32 (PSP off).
TEST(NicTx, FcsEqualsZlibCrc32ForEveryLengthUpTo1514) {
  NicBench b;
  TxRing r(b, 256, E1000_TCTL_EN);
  std::mt19937 rng(7);
  std::vector<Bytes> data;
  std::vector<Packet> pkts;
  for (unsigned len = 1; len <= 1514; ++len) {
    data.push_back(random_bytes(rng, len));
    pkts.push_back({{r.buffer(data.back(), len % 61), uint16_t(len)}});
  }
  send_packets(b, r, pkts, E1000_TXD_CMD_IFCS, data.size());
  ASSERT_EQ(b.frames.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const auto &f = b.frames[i].bytes;
    ASSERT_EQ(f.size(), data[i].size() + 4) << "frame " << i;
    ASSERT_TRUE(std::equal(data[i].begin(), data[i].end(), f.begin())) << "frame " << i;
    ASSERT_EQ(le32(f, data[i].size()), zlib_crc(data[i], data[i].size())) << "frame " << i;
    ASSERT_TRUE(b.frames[i].fcs_ok && b.frames[i].preamble_ok);
    ASSERT_TRUE(b.frames[i].start_lane == 0 || b.frames[i].start_lane == 4);
  }
  EXPECT_EQ(b.rx.coding_errors(), 0u);
}

// With TCTL.PSP, frames shorter than 60 bytes are zero-padded to 60 (+FCS = 64).
TEST(NicTx, PadsShortFramesTo60BytesWhenPspIsSet) {
  NicBench b;
  TxRing r(b, 128, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::mt19937 rng(3);
  std::vector<Bytes> data;
  std::vector<Packet> pkts;
  for (unsigned len = 1; len <= 70; ++len) {
    data.push_back(random_bytes(rng, len));
    pkts.push_back({{r.buffer(data.back(), len % 16), uint16_t(len)}});
  }
  send_packets(b, r, pkts, E1000_TXD_CMD_IFCS, data.size());
  ASSERT_EQ(b.frames.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const auto &f = b.frames[i].bytes;
    Bytes want = data[i];
    want.resize(std::max<size_t>(want.size(), 60), 0);
    ASSERT_EQ(f.size(), want.size() + 4) << "len " << data[i].size();
    EXPECT_TRUE(std::equal(want.begin(), want.end(), f.begin())) << "len " << data[i].size();
    EXPECT_TRUE(b.frames[i].fcs_ok) << "len " << data[i].size();
  }
}

// Without CMD.IFCS no FCS is appended: the wire carries exactly the buffer bytes.
TEST(NicTx, AppendsNoFcsWhenIfcsIsClear) {
  NicBench b;
  TxRing r(b, 16, E1000_TCTL_EN);
  std::mt19937 rng(5);
  Bytes d = random_bytes(rng, 100);
  send_packets(b, r, {{{r.buffer(d, 5), 100}}}, 0, 1);
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(b.frames[0].bytes, d);
}

// Back to back, /S/ is on lane 0 or 4 and the gap follows the deficit idle
// count: the largest gap <= max(12, IPGT) ending on lane 0/4 while the running
// deficit stays within 0..3 bytes, else 4 bytes more (IEEE 802.3 46.3.1.4).
void check_ifg(uint32_t tipg) {
  NicBench b(10);
  b.write32(E1000_TIPG, tipg);
  TxRing r(b, 64, E1000_TCTL_EN);
  std::mt19937 rng(tipg);
  std::vector<Packet> pkts;
  for (unsigned i = 0; i < 48; ++i) {
    const unsigned len = 300 + (i * 5) % 16;  // every end lane, in varying order
    pkts.push_back({{r.buffer(random_bytes(rng, len)), uint16_t(len)}});
  }
  // Let the TX FIFO fill before the first frame would go: post with EN off.
  b.write32(E1000_TCTL, 0);
  for (auto &p : pkts) r.post_packet(p, E1000_TXD_CMD_IFCS);
  r.kick();
  b.write32(E1000_TCTL, E1000_TCTL_EN);
  b.run_until([&] { return b.frames.size() >= pkts.size(); }, 200000);
  ASSERT_EQ(b.frames.size(), pkts.size());
  const uint32_t gap = std::max<uint32_t>(12, tipg & 0x3FF);
  uint32_t dic = 0;
  int64_t total_gap = 0;
  for (size_t i = 1; i < b.frames.size(); ++i) {
    const uint32_t t = uint32_t(b.frames[i - 1].bytes.size());
    uint32_t want = gap, rnd = (gap + t) % 4;
    want -= rnd;
    if (dic + rnd > 3) {
      want += 4;
      dic = dic + rnd - 4;
    } else {
      dic += rnd;
    }
    EXPECT_EQ(b.frames[i].ifg_bytes, want) << "frame " << i << " tipg " << tipg;
    EXPECT_GE(b.frames[i].ifg_bytes, gap - 3);
    EXPECT_TRUE(b.frames[i].start_lane == 0 || b.frames[i].start_lane == 4);
    total_gap += b.frames[i].ifg_bytes;
  }
  // The average gap is the configured one within the 3-byte deficit.
  const int64_t n = int64_t(b.frames.size() - 1);
  EXPECT_LE(n * gap - total_gap, 3);
  EXPECT_GE(n * gap - total_gap, 0);
}
TEST(NicTx, GapFollowsDeficitIdleCountForTipg12) { check_ifg(12); }
TEST(NicTx, GapFollowsDeficitIdleCountForTipg20) { check_ifg(20); }
TEST(NicTx, GapIsAtLeast12WhenTipgIsSmaller) { check_ifg(4); }
TEST(NicTx, GapFollowsDeficitIdleCountForTipg37) { check_ifg(37); }

// A small ring wraps many times; frames stay in order and TDH follows TDT.
TEST(NicTx, RingWrapsAndTdhFollowsCompletions) {
  NicBench b;
  TxRing r(b, 8, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::mt19937 rng(11);
  std::vector<Bytes> data;
  std::vector<Packet> pkts;
  for (unsigned i = 0; i < 60; ++i) {
    data.push_back(random_bytes(rng, 60 + rng() % 200));
    if (i % 3 == 0) {
      const uint16_t h = uint16_t(data.back().size() / 2);
      Bytes a(data.back().begin(), data.back().begin() + h), c(data.back().begin() + h, data.back().end());
      pkts.push_back({{r.buffer(a, 3), h}, {r.buffer(c, 9), uint16_t(c.size())}});
    } else {
      pkts.push_back({{r.buffer(data.back(), i % 32), uint16_t(data.back().size())}});
    }
  }
  send_packets(b, r, pkts, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS, data.size());
  ASSERT_EQ(b.frames.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    Bytes got(b.frames[i].bytes.begin(), b.frames[i].bytes.end() - 4);
    EXPECT_EQ(got, data[i]) << "frame " << i;
    EXPECT_TRUE(b.frames[i].fcs_ok);
  }
  b.run(200);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
  EXPECT_EQ(b.read32(E1000_TDT), r.tail());
}

// A packet spread over 3 descriptors at unaligned addresses is sent as their concatenation.
TEST(NicTx, ConcatenatesThreeUnalignedDescriptorsIntoOneFrame) {
  NicBench b(30, 9);
  b.r_stall_prob = 0.3;
  b.ready_stall_prob = 0.3;
  TxRing r(b, 64, E1000_TCTL_EN);
  std::mt19937 rng(13);
  std::vector<Bytes> data;
  std::vector<Packet> pkts;
  for (unsigned i = 0; i < 40; ++i) {
    Bytes all;
    Packet p;
    for (int s = 0; s < 3; ++s) {
      const unsigned len = 1 + rng() % (s == 1 ? 5 : 500);
      Bytes seg = random_bytes(rng, len);
      p.push_back({r.buffer(seg, rng() % 64), uint16_t(len)});
      all.insert(all.end(), seg.begin(), seg.end());
    }
    data.push_back(all);
    pkts.push_back(p);
  }
  send_packets(b, r, pkts, E1000_TXD_CMD_IFCS, data.size());
  ASSERT_EQ(b.frames.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    Bytes got(b.frames[i].bytes.begin(), b.frames[i].bytes.end() - 4);
    EXPECT_EQ(got, data[i]) << "frame " << i;
    EXPECT_TRUE(b.frames[i].fcs_ok);
  }
}

// A buffer that crosses a 4 KiB boundary is read in bursts that do not cross it.
TEST(NicTx, SplitsReadsAtFourKibBoundaries) {
  NicBench b;
  TxRing r(b, 16, E1000_TCTL_EN);
  std::mt19937 rng(17);
  const uint64_t page = (b.mem.kmalloc(3 * 4096, 4096) + 4096);
  Bytes d = random_bytes(rng, 1500);
  b.ram.write(page - 700, d.data(), d.size());
  send_packets(b, r, {{{page - 700, 1500}}}, E1000_TXD_CMD_IFCS, 1);  // the bench throws on a crossing
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(Bytes(b.frames[0].bytes.begin(), b.frames[0].bytes.end() - 4), d);
}

// STA.DD is written (single byte, WSTRB for byte 12 only) for RS descriptors only,
// and only after the frame has left on XGMII.
TEST(NicTx, WritesDdOnlyForRsDescriptorsAfterTheFrameLeft) {
  NicBench b;
  TxRing r(b, 32, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::mt19937 rng(19);
  std::vector<unsigned> rs_idx, no_rs_idx;
  for (unsigned i = 0; i < 10; ++i) {
    Bytes a = random_bytes(rng, 40 + i), c = random_bytes(rng, 30);
    const uint8_t cmd = E1000_TXD_CMD_IFCS | (i % 2 ? E1000_TXD_CMD_RS : 0);
    const unsigned i0 = r.post(r.buffer(a, 1), uint16_t(a.size()), cmd);
    const unsigned i1 = r.post(r.buffer(c, 2), uint16_t(c.size()), uint8_t(cmd | E1000_TXD_CMD_EOP));
    for (unsigned idx : {i0, i1}) (i % 2 ? rs_idx : no_rs_idx).push_back(idx);
  }
  r.kick();
  b.run_until([&] { return b.frames.size() >= 10; }, 100000);
  b.run(500);
  ASSERT_EQ(b.frames.size(), 10u);
  for (unsigned idx : rs_idx) EXPECT_EQ(*b.ram.ptr(r.desc_addr(idx) + 12), 0x01) << idx;
  for (unsigned idx : no_rs_idx) EXPECT_EQ(*b.ram.ptr(r.desc_addr(idx) + 12), 0x00) << idx;
  ASSERT_EQ(b.writes.size(), rs_idx.size());
  for (size_t k = 0; k < b.writes.size(); ++k) {
    const auto &w = b.writes[k];
    const unsigned idx = rs_idx[k];
    const uint64_t sta = r.desc_addr(idx) + 12;
    EXPECT_EQ(w.addr, sta & ~uint64_t(15));
    EXPECT_EQ(w.strb, 1u << (sta & 15));
    EXPECT_EQ(w.data[sta & 15], 0x01);
    // Descriptor idx belongs to frame idx / 2.
    EXPECT_GT(w.cycle, b.frames[idx / 2].end_cycle) << "DD before frame left, desc " << idx;
  }
  EXPECT_EQ(b.read32(E1000_TDH), 20u);
}

// ICR reads return and clear causes; ICS sets, IMS/IMC mask; irq_o = |(ICR & IMS).
TEST(NicTx, IcrClearsOnReadAndIrqFollowsTheMask) {
  NicBench b;
  b.write32(E1000_ICS, 0x5);
  b.run(2);
  EXPECT_FALSE(b.top().irq_o);
  b.write32(E1000_IMS, 0x4);
  EXPECT_EQ(b.read32(E1000_IMS), 0x4u);
  b.run(1);
  EXPECT_TRUE(b.top().irq_o);
  b.write32(E1000_IMC, 0x4);
  b.run(1);
  EXPECT_FALSE(b.top().irq_o);
  EXPECT_EQ(b.read32(E1000_IMS), 0u);
  b.write32(E1000_IMS, 0x1);
  b.run(1);
  EXPECT_TRUE(b.top().irq_o);
  b.write32(E1000_ICR, 0x1);  // write 1 clears
  b.run(1);
  EXPECT_FALSE(b.top().irq_o);
  EXPECT_EQ(b.read32(E1000_ICR), 0x4u);
  EXPECT_EQ(b.read32(E1000_ICR), 0u);  // cleared by the read

  // TXDW and TXQE from a real transmission.
  b.write32(E1000_IMS, E1000_ICR_TXDW | E1000_ICR_TXQE);
  TxRing r(b, 16, E1000_TCTL_EN);
  Bytes d(80, 0x42);
  send_packets(b, r, {{{r.buffer(d), 80}}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS, 1);
  b.run_until([&] { return b.top().irq_o; }, 2000);
  b.run(50);
  EXPECT_TRUE(b.top().irq_o);
  EXPECT_EQ(b.read32(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);
  b.run(1);
  EXPECT_FALSE(b.top().irq_o);
}

// Registers come out of reset (and of CTRL.RST) with their documented values.
TEST(NicTx, RegistersHaveResetValuesAlsoAfterCtrlRst) {
  NicBench b;
  auto check = [&] {
    EXPECT_EQ(b.read32(E1000_CTRL), 0u);
    EXPECT_EQ(b.read32(E1000_STATUS), 0x80083u);  // FD, LU, 10G, GIO master enabled
    EXPECT_EQ(b.read32(E1000_ICR), 0u);
    EXPECT_EQ(b.read32(E1000_IMS), 0u);
    EXPECT_EQ(b.read32(E1000_TCTL), 0u);
    EXPECT_EQ(b.read32(E1000_TIPG), 0xCu);
    for (uint32_t a : {E1000_TDBAL, E1000_TDBAH, E1000_TDLEN, E1000_TDH, E1000_TDT, E1000_GPTC, E1000_GOTCL,
                       E1000_GOTCH, E1000_TPT, E1000_TOTL, E1000_TOTH})
      EXPECT_EQ(b.read32(a), 0u) << std::hex << a;
    EXPECT_EQ(b.read32(0x1234), 0u);
  };
  check();
  b.write32(E1000_CTRL, 1u << 30);
  EXPECT_EQ(b.read32(E1000_CTRL), 1u << 30);
  b.write32(E1000_TDBAL, 0x1234567F);
  EXPECT_EQ(b.read32(E1000_TDBAL), 0x12345670u);
  b.write32(E1000_TDLEN, 0x1280);
  b.write32(E1000_TDLEN, 0x12FF);  // not a multiple of 128: refused and counted
  EXPECT_EQ(b.read32(E1000_TDLEN), 0x1280u);
  EXPECT_EQ(b.read32(E1000_TRJC), 1u);
  EXPECT_EQ(b.read32(E1000_TRJC), 0u);
  b.write32(E1000_TIPG, 0x00602008);
  b.write32(E1000_IMS, 3);
  b.write32(E1000_ICS, 3);
  b.write32(E1000_TDT, 5);
  b.write32(E1000_TDH, 4);
  EXPECT_EQ(b.read32(E1000_TDH), 4u);
  b.write32(E1000_TCTL, 0x0004010A);
  b.write32(0x1234, 0xFFFFFFFF);  // unknown: ignored
  EXPECT_EQ(b.read32(E1000_TDT), 5u);
  b.write32(E1000_CTRL, E1000_CTRL_RST | (1u << 30));  // the B response still arrives
  b.run(4);
  check();
}

// A DMA read error (DECERR) drops that frame; the next one is sent, both complete.
TEST(NicTx, DropsFrameWithDmaErrorAndSendsTheNext) {
  NicBench b;
  TxRing r(b, 16, E1000_TCTL_EN);
  Bytes good(120, 0x5A);
  r.post_packet({{0x10, 100}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);  // unmapped host address
  r.post_packet({{r.buffer(good, 7), 120}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 1; }, 20000);
  b.run(500);
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(Bytes(b.frames[0].bytes.begin(), b.frames[0].bytes.end() - 4), good);
  EXPECT_EQ(b.read32(E1000_TDH), 2u);
  EXPECT_EQ(*b.ram.ptr(r.desc_addr(0) + 12), 0x01);
  EXPECT_EQ(*b.ram.ptr(r.desc_addr(1) + 12), 0x01);
  EXPECT_EQ(b.read32(E1000_GPTC), 1u);
}

// A frame whose descriptors carry 0 bytes in total is discarded, never a hang.
TEST(NicTx, DiscardsZeroLengthFrameWithoutHanging) {
  NicBench b;
  TxRing r(b, 16, E1000_TCTL_EN);
  Bytes good(64, 0x11);
  r.post_packet({{r.buffer(Bytes{}), 0}, {r.buffer(Bytes{}), 0}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.post_packet({{r.buffer(good), 64}}, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
  r.kick();
  b.run_until([&] { return b.frames.size() >= 1; }, 20000);
  b.run(300);
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(b.frames[0].bytes.size(), 68u);
  EXPECT_EQ(b.read32(E1000_TDH), 3u);
}

// TDT writes with a value >= ring size are ignored (TDT keeps its old value).
TEST(NicTx, IgnoresTdtAtOrBeyondRingSize) {
  NicBench b;
  TxRing r(b, 8, E1000_TCTL_EN);
  b.write32(E1000_TDT, 3);
  EXPECT_EQ(b.read32(E1000_TDT), 3u);
  b.write32(E1000_TDT, 8);
  EXPECT_EQ(b.read32(E1000_TDT), 3u);
  b.write32(E1000_TDT, 0xFFFF);
  EXPECT_EQ(b.read32(E1000_TDT), 3u);
  b.write32(E1000_TDT, 7);
  EXPECT_EQ(b.read32(E1000_TDT), 7u);
  EXPECT_EQ(b.read32(E1000_TRJC), 2u);
  // TDH: only inside the ring and only while TCTL.EN is clear.
  b.write32(E1000_TCTL, 0);
  b.write32(E1000_TDH, 8);
  EXPECT_EQ(b.read32(E1000_TDH), 0u);
  b.write32(E1000_TDH, 5);
  EXPECT_EQ(b.read32(E1000_TDH), 5u);
  b.write32(E1000_TCTL, E1000_TCTL_EN);
  b.write32(E1000_TDH, 6);
  EXPECT_EQ(b.read32(E1000_TDH), 5u);
  EXPECT_EQ(b.read32(E1000_TRJC), 2u);
}

// GPTC/TPT count frames and GOTC/TOT octets (DA..FCS incl. padding); all clear on read.
TEST(NicTx, CountsPacketsAndOctetsAndClearsOnRead) {
  NicBench b;
  TxRing r(b, 16, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::vector<Packet> pkts = {{{r.buffer(Bytes(10, 1)), 10}}, {{r.buffer(Bytes(100, 2)), 100}},
                              {{r.buffer(Bytes(1514, 3)), 1514}}};
  send_packets(b, r, pkts, E1000_TXD_CMD_IFCS, 3);
  b.run(50);
  const uint32_t octets = 64 + 104 + 1518;
  EXPECT_EQ(b.read32(E1000_GPTC), 3u);
  EXPECT_EQ(b.read32(E1000_GPTC), 0u);
  EXPECT_EQ(b.read32(E1000_TPT), 3u);
  EXPECT_EQ(b.read32(E1000_GOTCL), octets);
  EXPECT_EQ(b.read32(E1000_GOTCL), octets);  // the low half alone does not clear
  EXPECT_EQ(b.read32(E1000_GOTCH), 0u);
  EXPECT_EQ(b.read32(E1000_GOTCL), 0u);
  EXPECT_EQ(b.read32(E1000_TOTL), octets);
  EXPECT_EQ(b.read32(E1000_TOTH), 0u);
  EXPECT_EQ(b.read32(E1000_TOTL), 0u);
}

}  // namespace
}  // namespace wirepath::rtltest
