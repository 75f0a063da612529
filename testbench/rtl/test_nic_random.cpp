// Thousands of random descriptors (legacy, context, data, reserved types;
// random lengths, commands, offsets, MSS, VLAN; addresses in mapped buffers
// or anywhere), random TDT writes beyond the ring, AXI back-pressure. The NIC
// never hangs (TDH reaches TDT within a bound), every frame on the wire has a
// valid FCS, and every DMA read stays inside the ring or a buffer a descriptor
// names. The RTL's assertions are on throughout.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vnic_top.h"
#include "nic_bench.hpp"

namespace wirepath::rtltest {
namespace {

using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;

struct Span {
  uint64_t lo, hi;  // [lo, hi)
};

void run_random(uint64_t seed, unsigned batches, unsigned per_batch) {
  NicBench b(40, seed);
  b.r_stall_prob = 0.1;
  b.ready_stall_prob = 0.1;
  const unsigned ring_n = 256;
  TxRing r(b, ring_n, E1000_TCTL_EN | E1000_TCTL_PSP);
  b.write32(E1000_CTRL, E1000_CTRL_VME);
  std::mt19937_64 rng(seed);
  const uint64_t pool = b.mem.kmalloc(1 << 20, 4096);
  for (uint64_t a = 0; a < (1 << 20); a += 8) {
    const uint64_t v = rng();
    b.ram.write(pool + a, &v, 8);
  }
  std::vector<Span> named;
  auto rnd = [&](uint64_t n) { return rng() % n; };
  auto addr_for = [&](uint32_t len) -> uint64_t {
    if (rnd(10) < 8) return pool + rnd((1 << 20) - std::min<uint32_t>(len, 1 << 19) + 1);
    return rng();  // anywhere: mostly unmapped (DECERR)
  };
  auto length = [&]() -> uint32_t {
    const unsigned k = unsigned(rnd(20));
    if (k == 0) return 0;
    if (k == 1) return uint32_t(rnd(1 << 20));  // DTALEN up to 1 MiB
    if (k < 5) return uint32_t(rnd(9300));
    return uint32_t(1 + rnd(1600));
  };
  unsigned rejected = 0;
  uint32_t tso = 0, gptc = 0;
  for (unsigned batch = 0; batch < batches; ++batch) {
    for (unsigned i = 0; i < per_batch; ++i) {
      Desc d{};
      const unsigned kind = unsigned(rnd(10));
      if (kind < 2) {
        Ctx c;
        c.ipcss = uint8_t(rnd(2) ? 14 : rnd(256));
        c.ipcso = uint8_t(c.ipcss + 10);
        c.ipcse = uint16_t(rnd(3) ? c.ipcss + 19 : rnd(70000));
        c.tucss = uint8_t(rnd(2) ? 34 : rnd(256));
        c.tucso = uint8_t(rnd(2) ? c.tucss + 16 : rnd(256));
        c.tucse = uint16_t(rnd(3) ? 0 : rnd(70000));
        c.paylen = uint32_t(rnd(1 << 20));
        c.tucmd =
            uint8_t(rnd(2) ? E1000_TXD_CMD_TCP | E1000_TXD_CMD_IP | E1000_TXD_CMD_TSE : rnd(256) & ~E1000_TXD_CMD_DEXT);
        c.hdrlen = uint8_t(rnd(2) ? 54 : rnd(256));
        c.mss = uint16_t(rnd(2) ? 64 + rnd(1500) : rnd(65536));
        d = context_desc(c);
      } else {
        const uint32_t len = length();
        const uint64_t a = addr_for(len);
        uint8_t cmd = uint8_t(rnd(256));
        if (rnd(3)) cmd |= E1000_TXD_CMD_EOP;
        cmd |= E1000_TXD_CMD_IFCS;  // without IFCS software supplies the FCS: random bytes
        if (kind < 6) {
          d = data_desc(a, len, cmd, uint8_t(rnd(4)), uint16_t(rng()));
          if (rnd(30) == 0) d[10] = uint8_t(d[10] | 0x70);  // reserved DTYP
        } else {
          d = legacy_desc(a, uint16_t(len), uint8_t(cmd & ~E1000_TXD_CMD_DEXT), uint8_t(rnd(256)),
                          uint8_t(rnd(256)), uint16_t(rng()));
        }
        const bool ext = d[11] & E1000_TXD_CMD_DEXT;
        const uint32_t dl = ext ? (d[8] | d[9] << 8 | (d[10] & 0xF) << 16) : (d[8] | d[9] << 8);
        named.push_back({a, a + dl});
      }
      r.post_desc(d);
    }
    // Every batch ends with a packet end so the ring can drain completely.
    const uint64_t a = pool + rnd(4096);
    r.post_desc(legacy_desc(a, 64, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS));
    named.push_back({a, a + 64});
    if (rnd(2)) {
      b.write32(E1000_TDT, ring_n + unsigned(rnd(1000)));  // refused
      ++rejected;
    }
    r.kick();
    const bool done = b.run_until([&] { return b.read32(E1000_TDH) == r.tail(); }, 3'000'000);
    ASSERT_TRUE(done) << "TDH " << b.read32(E1000_TDH) << " TDT " << r.tail() << " batch " << batch;
    tso += b.read32(E1000_TSCTC);
    gptc += b.read32(E1000_GPTC);
  }
  b.run(3000);
  EXPECT_TRUE(b.bus_idle());
  EXPECT_EQ(b.read32(E1000_TRJC), rejected);
  EXPECT_EQ(b.rx.fcs_errors(), 0u);
  EXPECT_EQ(b.rx.coding_errors(), 0u);
  for (const auto &f : b.frames) ASSERT_TRUE(f.fcs_ok && f.preamble_ok);
  EXPECT_GT(b.frames.size(), batches);
  EXPECT_EQ(gptc + b.read32(E1000_GPTC), b.frames.size());
  EXPECT_GT(tso, 0u);  // some random packets were segmented
  // Every read: descriptors inside the ring, data inside a named buffer
  // (widened to whole 16-byte beats).
  const uint64_t rb = r.base(), re = rb + ring_n * 16ull;
  for (const auto &ar : b.ar_log) {
    const uint64_t lo = ar.addr, hi = ar.addr + uint64_t(ar.beats) * 16;
    if (ar.id == 0) {
      ASSERT_TRUE(lo >= rb && hi <= re) << std::hex << lo;
      continue;
    }
    bool inside = false;
    for (const auto &s : named) {
      if (lo >= (s.lo & ~15ull) && hi <= ((s.hi + 15) & ~15ull) && s.hi > s.lo) {
        inside = true;
        break;
      }
    }
    ASSERT_TRUE(inside) << "read 0x" << std::hex << lo << "..0x" << hi;
  }
}

TEST(NicRandom, ThousandsOfRandomDescriptorsNeverHangAndStayInBounds) { run_random(101, 60, 60); }
// Longer batches: runs over 64 descriptors without a packet end are split.
TEST(NicRandom, LongBatchesSecondSeed) { run_random(202, 30, 150); }

}  // namespace
}  // namespace wirepath::rtltest
