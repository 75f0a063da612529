// The TX path with a 512-bit DMA data width (4 descriptors per beat).
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <vector>

#include "Vnic_top_w512.h"
#include "nic_bench.hpp"

namespace wirepath::rtltest {
namespace {

using WideBench = NicBenchT<Vnic_top_w512, 64>;
using WideRing = TxRingT<WideBench>;
using Bytes = std::vector<uint8_t>;

Bytes random_bytes(std::mt19937 &rng, size_t n) {
  Bytes b(n);
  for (auto &x : b) x = uint8_t(rng());
  return b;
}

// At 512 bits, unaligned buffers over 1..3 descriptors and a ring base that is
// not beat aligned still give the exact bytes and a valid FCS.
TEST(NicTxWide, SendsUnalignedMultiDescriptorFramesFromAnUnalignedRing) {
  WideBench b(25, 3);
  b.r_stall_prob = 0.2;
  b.ready_stall_prob = 0.2;
  const uint64_t ring_base = b.mem.alloc(64 * 16 + 128, 128) + 48;  // 16-byte aligned only
  WideRing r(b, 64, kTctlEn, ring_base);
  std::mt19937 rng(23);
  std::vector<Bytes> data;
  std::vector<std::vector<Segment>> pkts;
  for (unsigned i = 0; i < 150; ++i) {
    Bytes all;
    std::vector<Segment> p;
    const unsigned nseg = 1 + i % 3;
    for (unsigned s = 0; s < nseg; ++s) {
      const unsigned len = 1 + rng() % 600;
      Bytes seg = random_bytes(rng, len);
      p.push_back({r.buffer(seg, rng() % 64), uint16_t(len)});
      all.insert(all.end(), seg.begin(), seg.end());
    }
    data.push_back(all);
    pkts.push_back(p);
  }
  send_packets(b, r, pkts, kCmdIfcs | kCmdRs, data.size());
  ASSERT_EQ(b.frames.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    Bytes got(b.frames[i].bytes.begin(), b.frames[i].bytes.end() - 4);
    EXPECT_EQ(got, data[i]) << "frame " << i;
    EXPECT_TRUE(b.frames[i].fcs_ok) << "frame " << i;
  }
  b.run(300);
  EXPECT_EQ(b.read32(kTdh), r.tail());
  // Every descriptor had RS: each STA byte written with a single-byte strobe.
  for (const auto &w : b.writes) EXPECT_EQ(__builtin_popcountll(w.strb), 1);
}

}  // namespace
}  // namespace wirepath::rtltest
