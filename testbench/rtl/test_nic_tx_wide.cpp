// The TX path with a 512-bit DMA data width (4 descriptors per beat).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "Vnic_top_w512.h"
#include "nic_bench.hpp"
#include "pkt_ref.hpp"

namespace wirepath::rtltest {
namespace {

using WideBench = NicBenchT<Vnic_top_w512, 64>;
using WideRing = TxRingT<WideBench>;

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
  const uint64_t ring_base = b.mem.kmalloc(64 * 16 + 128, 128) + 48;  // 16-byte aligned only
  WideRing r(b, 64, E1000_TCTL_EN, ring_base);
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
  send_packets(b, r, pkts, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS, data.size());
  ASSERT_EQ(b.frames.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    Bytes got(b.frames[i].bytes.begin(), b.frames[i].bytes.end() - 4);
    EXPECT_EQ(got, data[i]) << "frame " << i;
    EXPECT_TRUE(b.frames[i].fcs_ok) << "frame " << i;
  }
  b.run(300);
  EXPECT_EQ(b.read32(E1000_TDH), r.tail());
  // Every descriptor had RS: each STA byte written with a single-byte strobe.
  for (const auto &w : b.writes) EXPECT_EQ(__builtin_popcountll(w.strb), 1);
}

// At 512 bits: checksum offload, TSO and VLAN insertion give the bytes
// software checksums and segmentation give, under back-pressure.
TEST(NicTxWide, OffloadsMatchSoftwareAt512Bits) {
  WideBench b(25, 5);
  b.r_stall_prob = 0.2;
  b.ready_stall_prob = 0.2;
  WideRing r(b, 128, E1000_TCTL_EN | E1000_TCTL_PSP);
  b.write32(E1000_CTRL, E1000_CTRL_VME);
  std::mt19937 rng(52);
  std::vector<Bytes> want;
  Ctx c;
  c.ipcss = kEth;
  c.ipcso = kEth + 10;
  c.ipcse = kEth + kIp - 1;
  c.tucss = kEth + kIp;
  c.tucso = kEth + kIp + 16;
  c.tucmd = E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP;
  for (int i = 0; i < 6; ++i) {
    const bool tso = i % 2;
    const uint16_t vlan = i % 3 == 0 ? uint16_t(0x100 + i) : 0;
    const Bytes good = with_checksums(make_packet(rng, kProtoTcp, tso ? 2000 + rng() % 3000 : 1 + rng() % 1400,
                                                  uint16_t(rng()), uint32_t(rng()), 0x19));
    Ctx k = c;
    if (tso) {
      k.tucmd |= E1000_TXD_CMD_TSE;
      k.hdrlen = 54;
      k.mss = uint16_t(300 + rng() % 1100);
      k.paylen = uint32_t(good.size() - 54);
    }
    r.post_desc(context_desc(k));
    const Bytes in = tso ? as_tso(good) : as_checksum_partial(good);
    const size_t cut = tso ? 54 : 1 + rng() % (in.size() - 1);
    const uint8_t dcmd = uint8_t(E1000_TXD_CMD_IFCS | (tso ? E1000_TXD_CMD_TSE : 0) | (vlan ? E1000_TXD_CMD_VLE : 0));
    const Bytes p1(in.begin(), in.begin() + cut), p2(in.begin() + cut, in.end());
    r.post_desc(data_desc(r.buffer(p1, rng() % 64), uint32_t(p1.size()), dcmd,
                          E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM, vlan));
    r.post_desc(data_desc(r.buffer(p2, rng() % 64), uint32_t(p2.size()),
                          uint8_t(dcmd | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS),
                          E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM, vlan));
    for (auto &s : tso ? segment(good, k.mss) : std::vector<Bytes>{good}) {
      Bytes w = vlan ? tagged(s, vlan) : s;
      w.resize(std::max<size_t>(w.size(), 60), 0);
      want.push_back(w);
    }
  }
  r.kick();
  b.run_until([&] { return b.frames.size() >= want.size(); }, 400000);
  ASSERT_EQ(b.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(Bytes(b.frames[i].bytes.begin(), b.frames[i].bytes.end() - 4), want[i]) << i;
    EXPECT_TRUE(b.frames[i].fcs_ok);
  }
}

// Inline frames at 512 bits (64-byte beats from the inline buffer): frames
// of 14..256 bytes, each written as blocks before its push block, leave
// byte-exact with a valid FCS and no DMA read.
TEST(NicTxWide, SendsInlineFramesWithoutAnyRead) {
  WideBench b(25, 3);
  WideRing r(b, 16, E1000_TCTL_EN);
  std::mt19937 rng(29);
  for (unsigned i = 0; i < 24; ++i) {
    const size_t len = 14 + rng() % 243;
    const Bytes d = random_bytes(rng, len);
    const unsigned first = r.tail();
    r.post(r.buffer(d, rng() % 64), uint16_t(len), E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS | E1000_TXD_CMD_EOP);
    for (size_t off = 0; off < len; off += 64) {
      uint8_t line[64] = {};
      std::memcpy(line, d.data() + off, std::min<size_t>(64, len - off));
      b.write_wide(E1000_TXINLINE + uint32_t(off), line, 64);
    }
    e1000_tx_push blk{};
    blk.tdt = uint16_t(r.tail());
    blk.first = uint16_t(first);
    blk.count = 1;
    blk.inl_len = uint16_t(len);
    b.ram.read(r.desc_addr(first), blk.desc[0], 16);
    b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() == i + 1; }, 20000));
    Bytes got(b.frames[i].bytes.begin(), b.frames[i].bytes.end() - 4);
    EXPECT_EQ(got, d) << "frame " << i;
    EXPECT_TRUE(b.frames[i].fcs_ok) << "frame " << i;
  }
  EXPECT_TRUE(b.ar_log.empty());
  EXPECT_EQ(b.read32(E1000_TDILC), 24u);
}

}  // namespace
}  // namespace wirepath::rtltest
