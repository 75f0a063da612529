// Cut-through on the Verilated NIC (TXCT): a frame of one data descriptor with
// EOP and IFCS and no checksum/TSO offload starts once TXCT's threshold of its
// bytes is stored; every other frame stays store-and-forward. An underrun ends
// the frame with the complement of its FCS, is counted in TDURC, and the
// packet still completes (DD), so nothing hangs.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "Vnic_top.h"
#include "nic_bench.hpp"
#include "pkt_ref.hpp"

namespace wirepath::rtltest {
namespace {

using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;

constexpr unsigned kLatency = 157;  // DMA read latency ~1 us at 156.25 MHz, as on the host model
constexpr uint32_t kThresh = 128;   // E1000Config::cut_through_bytes' default

uint32_t txct(uint32_t thresh) { return E1000_TXCT_EN | thresh << E1000_TXCT_THRESH_SHIFT; }

uint32_t fcs_of(const WireFrame &f) {
  const size_t n = f.bytes.size() - 4;
  return uint32_t(f.bytes[n]) | uint32_t(f.bytes[n + 1]) << 8 | uint32_t(f.bytes[n + 2]) << 16 |
         uint32_t(f.bytes[n + 3]) << 24;
}
uint32_t zlib_crc(const WireFrame &f) {
  return uint32_t(crc32(0, f.bytes.data(), uInt(f.bytes.size() - 4)));
}

Ctx udp_csum_ctx() {
  Ctx c;
  c.ipcss = kEth;
  c.ipcso = kEth + 10;
  c.ipcse = kEth + kIp - 1;
  c.tucss = kEth + kIp;
  c.tucso = kEth + kIp + 6;
  c.tucmd = E1000_TXD_CMD_IP;
  return c;
}

// What a packet is and what the wire must carry for it.
enum class Kind { plain, tagged, csum, split };
struct Sent {
  Bytes want;  // DA..data as on the wire, without FCS
  unsigned last_desc;
};

class CutThrough : public testing::Test {
 protected:
  NicBench b{kLatency};
  std::mt19937 rng{7};
  std::vector<Sent> sent;

  void enable(uint32_t thresh = kThresh) {
    b.write32(E1000_CTRL, E1000_CTRL_VME);
    b.write32(E1000_TXCT, txct(thresh));
  }
  // Posts one packet of `len` bytes (DA..data) of the given kind at an
  // unaligned address.
  void post(TxRing &r, Kind k, size_t len) {
    const uint8_t eop = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
    Bytes p = make_packet(rng, kProtoUdp, len - kEth - kIp - kUdp);
    Bytes want = p;
    unsigned last = 0;
    switch (k) {
      case Kind::plain:
        last = r.post_desc(data_desc(r.buffer(p, rng() % 64), uint32_t(len), eop));
        break;
      case Kind::tagged:
        want = tagged(p, 0x2abc);
        last = r.post_desc(data_desc(r.buffer(p, rng() % 64), uint32_t(len), eop | E1000_TXD_CMD_VLE, 0, 0x2abc));
        break;
      case Kind::csum:  // IXSM + TXSM: written by the MAC, so never cut through
        want = with_checksums(p);
        r.post_desc(context_desc(udp_csum_ctx()));
        last = r.post_desc(data_desc(r.buffer(as_checksum_partial(p), rng() % 64), uint32_t(len), eop,
                                     E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM));
        break;
      case Kind::split: {  // two buffers: the length is not known at the first read
        const size_t cut = 1 + rng() % (len - 1);
        r.post_desc(data_desc(r.buffer(Bytes(p.begin(), p.begin() + long(cut)), rng() % 64), uint32_t(cut),
                              E1000_TXD_CMD_IFCS));
        last = r.post_desc(data_desc(r.buffer(Bytes(p.begin() + long(cut), p.end()), rng() % 64),
                                     uint32_t(len - cut), eop));
        break;
      }
    }
    want.resize(std::max<size_t>(want.size(), 60), 0);
    sent.push_back({want, last});
  }
  // Frames in order, byte-exact, FCS checked against zlib's CRC-32, DD of
  // every packet set and written back in ring order, TDH at the tail.
  void check_all(TxRing &r) {
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() >= sent.size() && b.read32(E1000_TDH) == r.tail(); },
                            2'000'000))
        << b.frames.size() << " of " << sent.size() << " frames";
    ASSERT_EQ(b.frames.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      const WireFrame &f = b.frames[i];
      ASSERT_EQ(f.bytes.size(), sent[i].want.size() + 4) << "frame " << i;
      ASSERT_TRUE(std::equal(sent[i].want.begin(), sent[i].want.end(), f.bytes.begin())) << "frame " << i;
      ASSERT_EQ(fcs_of(f), zlib_crc(f)) << "frame " << i;
      ASSERT_TRUE(f.fcs_ok && f.preamble_ok) << "frame " << i;
    }
    // One DD write-back per packet, to its last descriptor, in ring order
    // (the ring wraps, so the log is checked, not the slots' current bytes).
    std::vector<unsigned> slots;
    for (const auto &w : b.writes)
      if (w.addr >= r.base() && w.addr < r.base() + 16ull * r.size()) {
        slots.push_back(unsigned((w.addr - r.base()) / 16));
        EXPECT_EQ(w.data[(w.addr % 16) + 12] & E1000_TXD_STAT_DD, E1000_TXD_STAT_DD);
      }
    ASSERT_EQ(slots.size(), sent.size());
    for (size_t i = 0; i < slots.size(); ++i) EXPECT_EQ(slots[i], sent[i].last_desc) << "write-back " << i;
  }
};

// CutThrough.FramesAreByteExactFrom60To9018WithAndWithoutTag: one frame at
// a time, 60..1514 bytes and a 9000-byte jumbo, tagged and untagged, from
// unaligned buffers: byte-exact, FCS = zlib crc32, no underrun.
TEST_F(CutThrough, FramesAreByteExactFrom60To9018WithAndWithoutTag) {
  TxRing r(b, 64);
  enable();
  for (size_t len : {60, 61, 64, 100, 127, 128, 129, 136, 255, 511, 512, 513, 1000, 1514, 9000})
    for (Kind k : {Kind::plain, Kind::tagged}) {
      post(r, k, len);
      r.kick();
      ASSERT_TRUE(b.run_until([&] { return b.frames.size() == sent.size(); }, 20000)) << len;
    }
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDURC), 0u);
  EXPECT_EQ(b.read32(E1000_GPTC), sent.size());
}

// CutThrough.StartsBeforeTheLastByteIsStored: the same 1514-byte frame with
// TXCT off (reset value) and on: with it on, /S/ comes at least the time of
// (1514 - threshold - 1514/16) bytes at 8 bytes per cycle earlier. TXCAP reports the
// capability; TXCT keeps only its defined bits.
TEST_F(CutThrough, StartsBeforeTheLastByteIsStored) {
  EXPECT_EQ(b.read32(E1000_TXCAP) & E1000_TXCAP_CT, E1000_TXCAP_CT);
  EXPECT_EQ(b.read32(E1000_TXCT), 0u);
  b.write32(E1000_TXCT, 0xFFFF'FFFFu);
  EXPECT_EQ(b.read32(E1000_TXCT), 0xFFF1u);
  b.write32(E1000_TXCT, 0);
  // (One model per process: a second Verilated model in the same process
  // deadlocks in Verilator 5.006's scope teardown.)
  TxRing r(b, 16);
  const Bytes p = make_packet(rng, kProtoUdp, 1514 - kEth - kIp - kUdp);
  const uint64_t buf = r.buffer(p, 2);
  uint64_t start[2];
  for (int on = 0; on < 2; ++on) {
    if (on) b.write32(E1000_TXCT, txct(kThresh));
    r.post_desc(data_desc(buf, 1514, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS));
    b.run(2000);  // idle, the previous frame's gap long paid
    const uint64_t kick = b.cycle;
    r.kick();
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() == size_t(on + 1); }, 20000));
    ASSERT_TRUE(b.frames[size_t(on)].fcs_ok);
    ASSERT_TRUE(std::equal(p.begin(), p.end(), b.frames[size_t(on)].bytes.begin()));
    start[on] = b.frames[size_t(on)].start_cycle - kick;
  }
  std::printf("  TDT -> /S/: store-and-forward %llu cycles, cut-through %llu cycles\n",
              (unsigned long long)start[0], (unsigned long long)start[1]);
  // The MAC starts at threshold + len/16 bytes stored.
  EXPECT_GE(start[0], start[1] + (1514 - kThresh - 1514 / 16) / 8);
}

// CutThrough.MixesEligibleAndOffloadedFramesInOrder: a full ring, back to
// back: plain and tagged frames (cut through), checksum-offloaded and
// two-buffer frames (store-and-forward): all in order, byte-exact, DD in
// order, no underrun.
TEST_F(CutThrough, MixesEligibleAndOffloadedFramesInOrder) {
  TxRing r(b, 64);
  enable();
  for (int i = 0; i < 160; ++i) {
    while (r.free_slots() < 2) b.run(64);
    const Kind k = Kind(rng() % 4);
    post(r, k, 60 + rng() % (1514 - 60 + 1));
    if (i % 4 == 3) r.kick();
  }
  r.kick();
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDURC), 0u);
}

// CutThrough.StarvedReadsUnderrunWithBadFcsAndAreCounted: R beats held back
// 95% of the time deliver far below 8 bytes a cycle: each cut-through frame
// runs dry, ends with the complement of the FCS of the bytes sent, is counted
// in TDURC (not in GPTC) and still completes (DD, TDH). A store-and-forward
// frame under the same stall is fine, and so is everything once the stall
// ends.
TEST_F(CutThrough, StarvedReadsUnderrunWithBadFcsAndAreCounted) {
  TxRing r(b, 64);
  enable();
  b.r_stall_prob = 0.95;
  for (int i = 0; i < 3; ++i) post(r, i == 1 ? Kind::tagged : Kind::plain, 1514);
  post(r, Kind::csum, 1000);
  r.kick();
  ASSERT_TRUE(b.run_until([&] { return b.frames.size() == 4 && b.read32(E1000_TDH) == r.tail(); }, 400000));
  for (int i = 0; i < 3; ++i) {
    const WireFrame &f = b.frames[size_t(i)];
    EXPECT_FALSE(f.fcs_ok) << i;
    ASSERT_LT(f.bytes.size(), sent[size_t(i)].want.size()) << i;
    EXPECT_TRUE(std::equal(f.bytes.begin(), f.bytes.end() - 4, sent[size_t(i)].want.begin())) << i;
    EXPECT_EQ(fcs_of(f), ~zlib_crc(f)) << i;  // the FCS, complemented
  }
  EXPECT_TRUE(b.frames[3].fcs_ok);
  EXPECT_EQ(b.read32(E1000_TDURC), 3u);
  EXPECT_EQ(b.read32(E1000_TDURC), 0u);  // clear on read
  EXPECT_EQ(b.read32(E1000_GPTC), 1u);
  // Every packet completed: DD on all four.
  for (const Sent &s : sent) {
    uint8_t sta = 0;
    b.ram.read(r.desc_addr(s.last_desc) + 12, &sta, 1);
    EXPECT_EQ(sta & E1000_TXD_STAT_DD, E1000_TXD_STAT_DD);
  }
  b.r_stall_prob = 0;
  b.frames.clear();
  b.writes.clear();
  sent.clear();
  for (int i = 0; i < 4; ++i) post(r, Kind::plain, 1514);
  r.kick();
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDURC), 0u);
}

// Scenario for the threshold: back to back frames of random sizes up to
// 9000 bytes, half tagged, some offloaded, a 64-slot ring kept full; returns
// TDURC.
uint32_t underruns_under_load(NicBench &b, uint32_t thresh, double r_stall, unsigned frames, uint64_t seed) {
  std::mt19937 rng{uint32_t(seed)};
  TxRing r(b, 64);
  b.write32(E1000_CTRL, E1000_CTRL_VME);
  b.write32(E1000_TXCT, txct(thresh));
  b.r_stall_prob = r_stall;
  const uint8_t eop = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
  for (unsigned i = 0; i < frames; ++i) {
    while (r.free_slots() < 2) b.run(32);
    const size_t len = rng() % 8 == 0 ? 9000 : 60 + rng() % 1455;
    Bytes p(len, uint8_t(i));
    if (rng() % 6 == 0) {  // a checksum-offloaded frame in between
      r.post_desc(context_desc(udp_csum_ctx()));
      r.post_desc(data_desc(r.buffer(p, rng() % 64), uint32_t(len), eop, E1000_TXD_POPTS_TXSM));
    } else {
      const bool vle = rng() % 2;
      r.post_desc(data_desc(r.buffer(p, rng() % 64), uint32_t(len), uint8_t(eop | (vle ? E1000_TXD_CMD_VLE : 0)),
                            0, 7));
    }
    r.kick();
  }
  b.run_until([&] { return b.frames.size() == frames; }, 4'000'000);
  EXPECT_EQ(b.frames.size(), frames);
  return b.read32(E1000_TDURC);
}

// CutThrough.NoUnderrunAtTheDefaultThresholdUnderLoad: the scenario above at
// the default threshold, R beats as fast as the bus gives them (16 bytes a
// cycle, twice the line rate; the PCIe model's completions come faster
// still): never an underrun.
TEST_F(CutThrough, NoUnderrunAtTheDefaultThresholdUnderLoad) {
  EXPECT_EQ(underruns_under_load(b, kThresh, 0.0, 150, 3), 0u);
}

// Measurement, not a check (one model per process, so one point per run:
// CT_SCAN="threshold stall seed" build/testbench/rtl/nic_rtl_tests
// --gtest_also_run_disabled_tests --gtest_filter='*Scan*'): TDURC against
// the threshold under the load scenario.
TEST_F(CutThrough, DISABLED_ScanUnderrunsAgainstThreshold) {
  unsigned t = kThresh, seed = 5;
  double stall = 0;
  if (const char *e = std::getenv("CT_SCAN")) std::sscanf(e, "%u %lf %u", &t, &stall, &seed);
  const uint32_t n = underruns_under_load(b, t, stall, 300, seed);
  std::string sizes;
  for (const WireFrame &f : b.frames)
    if (!f.fcs_ok) sizes += " " + std::to_string(f.bytes.size());
  std::printf("threshold %4u B, R stall %.2f, seed %u: %u underruns in 300 frames (bytes sent of those:%s)\n", t,
              stall, seed, n, sizes.c_str());
}

}  // namespace
}  // namespace wirepath::rtltest
