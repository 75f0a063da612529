// Inline frames (BlueFlame) on the Verilated NIC: the frame's bytes go to the
// inline window (64-byte blocks at 0x6040) before the push block that carries
// their length and the descriptors; the NIC takes them when the push is taken
// and the push's last descriptor is the frame's only data descriptor, and
// then reads neither descriptors nor data. Anything else is read from the
// host as in ring mode (the ring and buffer stay valid): frames, DD
// write-back and TDH are ring mode's in every case; bad pushes are counted,
// never a hang.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "Vnic_top.h"
#include "nic_bench.hpp"
#include "pkt_ref.hpp"

namespace wirepath::rtltest {
namespace {

using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;
using Bytes = std::vector<uint8_t>;

enum class Mode { ring, push, inl };

struct Sent {
  Bytes want;  // the frame on the wire without FCS (padding included)
  unsigned last_desc;
};

class NicInline : public testing::Test {
 protected:
  NicBench b{157};  // DMA read latency ~ 1 us at 156.25 MHz, as on the host model
  std::mt19937 rng{41};
  std::vector<Sent> sent;

  Bytes random_bytes(size_t n) {
    Bytes d(n);
    for (auto &x : d) x = uint8_t(rng());
    return d;
  }
  // The push block for ring slots first..tail, copied from the ring.
  e1000_tx_push push_block(const TxRing &r, unsigned first) {
    e1000_tx_push blk{};
    blk.tdt = uint16_t(r.tail());
    blk.first = uint16_t(first);
    for (unsigned i = first; i != r.tail(); i = (i + 1) % r.size()) b.ram.read(r.desc_addr(i), blk.desc[blk.count++], 16);
    return blk;
  }
  // The frame's bytes in 64-byte blocks (the last padded), as the driver writes them.
  void write_blocks(const Bytes &data, bool post = false) {
    for (size_t off = 0; off < data.size(); off += 64) {
      uint8_t line[64] = {};
      std::memcpy(line, data.data() + off, std::min<size_t>(64, data.size() - off));
      if (post) b.post_wide(E1000_TXINLINE + uint32_t(off), line, 64, b.cycle);
      else b.write_wide(E1000_TXINLINE + uint32_t(off), line, 64);
    }
  }
  // The doorbell for the packet in slots first..tail, in the given mode.
  void doorbell(TxRing &r, unsigned first, Mode m, const Bytes &data, bool post = false) {
    if (m == Mode::ring) {
      r.kick();
      return;
    }
    e1000_tx_push blk = push_block(r, first);
    if (m == Mode::inl) {
      write_blocks(data, post);
      blk.inl_len = uint16_t(data.size());
    }
    if (post) b.post_wide(E1000_TXPUSH, &blk, sizeof blk, b.cycle);
    else b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
  }
  // One packet of one legacy descriptor (random bytes, unaligned buffer).
  Bytes post_legacy(TxRing &r, size_t len) {
    Bytes d = random_bytes(len);
    const unsigned last = r.post(r.buffer(d, unsigned(rng() % 64)), uint16_t(len),
                                 E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS | E1000_TXD_CMD_EOP);
    Bytes want = d;
    want.resize(std::max<size_t>(want.size(), 60), 0);
    sent.push_back({want, last});
    return d;
  }
  size_t ring_reads(const TxRing &r) const {
    return size_t(std::count_if(b.ar_log.begin(), b.ar_log.end(), [&](const auto &rb) {
      return rb.addr >= r.base() && rb.addr < r.base() + 16ull * r.size();
    }));
  }
  size_t data_reads(const TxRing &r) const { return b.ar_log.size() - ring_reads(r); }
  // Every frame byte-exact with its FCS (zlib's crc32), in ring order; every
  // packet's DD written back; TDH at the tail.
  void check_all(TxRing &r) {
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() >= sent.size() && b.read32(E1000_TDH) == r.tail(); },
                            400000))
        << b.frames.size() << " of " << sent.size() << " frames";
    ASSERT_EQ(b.frames.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      const Bytes &f = b.frames[i].bytes;
      const Bytes &want = sent[i].want;
      ASSERT_EQ(f.size(), want.size() + 4) << "frame " << i;
      ASSERT_TRUE(std::equal(want.begin(), want.end(), f.begin())) << "frame " << i;
      const uint32_t crc = uint32_t(crc32(0, want.data(), uInt(want.size())));
      const uint32_t fcs = uint32_t(f[want.size()]) | uint32_t(f[want.size() + 1]) << 8 |
                           uint32_t(f[want.size() + 2]) << 16 | uint32_t(f[want.size() + 3]) << 24;
      ASSERT_EQ(fcs, crc) << "FCS of frame " << i;
      uint8_t sta = 0;
      b.ram.read(r.desc_addr(sent[i].last_desc) + 12, &sta, 1);
      EXPECT_EQ(sta & E1000_TXD_STAT_DD, E1000_TXD_STAT_DD) << "DD of packet " << i;
    }
    EXPECT_EQ(b.read32(E1000_TDT), r.tail());
  }
};

// NicInline.FramesOf14To256BytesLeaveWithoutAnyRead: each frame alone on an
// idle ring (wrapping it twice), inline: byte-exact with its FCS, DD written
// back, TDH moved, and not one DMA read (neither ring nor buffer).
TEST_F(NicInline, FramesOf14To256BytesLeaveWithoutAnyRead) {
  TxRing r(b, 16);
  const size_t lens[] = {14, 15, 33, 59, 60, 61, 63, 64, 65, 100, 127, 128, 129, 160, 191, 192,
                         193, 200, 224, 250, 255, 256, 64, 17, 129, 256, 60, 60, 95, 96, 97, 240};
  for (size_t len : lens) {
    const unsigned first = r.tail();
    const Bytes d = post_legacy(r, len);
    doorbell(r, first, Mode::inl, d);
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() == sent.size() && b.read32(E1000_TDH) == r.tail(); },
                            20000)) << "len " << len;
  }
  check_all(r);
  EXPECT_EQ(b.ar_log.size(), 0u);
  const uint32_t n = uint32_t(std::size(lens));
  EXPECT_EQ(b.read32(E1000_TDILC), n);
  EXPECT_EQ(b.read32(E1000_TDILC), 0u);  // clear on read
  EXPECT_EQ(b.read32(E1000_TDPAC), n);
  EXPECT_EQ(b.read32(E1000_TDPFC), 0u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
  EXPECT_EQ(b.read32(E1000_TXCAP), E1000_TXCAP_PUSH | E1000_TXCAP_INLINE | E1000_TXCAP_CT);
  EXPECT_EQ(b.read32(E1000_TXINLMAX), E1000_INLINE_MAX);
}

// NicInline.OffloadsAndVlanApplyToInlineBytes: context + data descriptor with
// IXSM/TXSM (TCP and UDP, CHECKSUM_PARTIAL bytes) and VLE with CTRL.VME: the
// NIC inserts the checksums and the 802.1Q tag into the inline bytes exactly
// as into fetched ones, with no read.
TEST_F(NicInline, OffloadsAndVlanApplyToInlineBytes) {
  TxRing r(b, 32);
  b.write32(E1000_CTRL, E1000_CTRL_VME);
  for (int k = 0; k < 12; ++k) {
    const uint8_t proto = k % 2 ? kProtoUdp : kProtoTcp;
    const size_t l4 = proto == kProtoTcp ? kTcp : kUdp;
    const size_t payload = size_t(rng() % (256 - kEth - kIp - l4 + 1));
    const Bytes good = with_checksums(make_packet(rng, proto, payload));
    const Bytes in = as_checksum_partial(good);
    const uint16_t vlan = k % 3 ? uint16_t(0x1000 + k) : 0;
    Ctx c;
    c.ipcss = kEth;
    c.ipcso = kEth + 10;
    c.ipcse = kEth + kIp - 1;
    c.tucss = kEth + kIp;
    c.tucso = uint8_t(kEth + kIp + (proto == kProtoTcp ? 16 : 6));
    c.tucmd = uint8_t(E1000_TXD_CMD_IP | (proto == kProtoTcp ? E1000_TXD_CMD_TCP : 0));
    const unsigned first = r.tail();
    r.post_desc(context_desc(c));
    const unsigned last = r.post_desc(data_desc(
        r.buffer(in, unsigned(rng() % 64)), uint32_t(in.size()),
        uint8_t(E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS | (vlan ? E1000_TXD_CMD_VLE : 0)),
        E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM, vlan));
    Bytes want = vlan ? tagged(good, vlan) : good;
    want.resize(std::max<size_t>(want.size(), 60), 0);
    sent.push_back({want, last});
    doorbell(r, first, Mode::inl, in);
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() == sent.size(); }, 20000));
  }
  check_all(r);
  EXPECT_EQ(b.ar_log.size(), 0u);
  EXPECT_EQ(b.read32(E1000_TDILC), 12u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
}

// NicInline.MixesRingPushAndInlineInOneRing: back to back, with bus stalls,
// each packet rung by TDT, a push or inline (frames of more than one buffer
// or over 256 bytes push, as the driver does); pushes that land while the
// ring is fetched, or while another inline frame is armed, fall back to
// reads: frames in ring order, byte-exact; every push counted once.
TEST_F(NicInline, MixesRingPushAndInlineInOneRing) {
  b.r_stall_prob = 0.2;
  b.ready_stall_prob = 0.1;
  TxRing r(b, 32);
  unsigned pushes = 0, inlines = 0;
  for (int k = 0; k < 90; ++k) {
    while (r.free_slots() < 4) b.run(16);
    const unsigned first = r.tail();
    Mode m = Mode(rng() % 3);
    const size_t len = 1 + rng() % (m == Mode::inl ? 256 : 700);
    const unsigned nseg = m == Mode::inl ? 1 : 1 + rng() % 3;
    Bytes d = random_bytes(len);
    size_t off = 0;
    unsigned last = 0;
    for (unsigned s = 0; s < nseg; ++s) {
      const size_t n = s + 1 == nseg ? len - off : len / nseg;
      Bytes part(d.begin() + long(off), d.begin() + long(off + n));
      last = r.post(r.buffer(part, unsigned(rng() % 16)), uint16_t(n),
                    uint8_t(E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS | (s + 1 == nseg ? E1000_TXD_CMD_EOP : 0)));
      off += n;
    }
    Bytes want = d;
    want.resize(std::max<size_t>(want.size(), 60), 0);
    sent.push_back({want, last});
    doorbell(r, first, m, d, true);
    pushes += m != Mode::ring;
    inlines += m == Mode::inl;
    b.run(rng() % 250);
  }
  check_all(r);
  const uint32_t taken = b.read32(E1000_TDPAC), fell_back = b.read32(E1000_TDPFC);
  const uint32_t inl = b.read32(E1000_TDILC);
  EXPECT_EQ(taken + fell_back, pushes);
  EXPECT_GT(inl, 0u);
  EXPECT_LE(inl, inlines);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
}

// NicInline.InlinePushWhileTheRingIsFetchedFallsBack: an inline push right
// after a TDT doorbell, while that fetch is in flight, is not taken: its
// descriptor and bytes are read from the ring and the buffer, in order, and
// the next inline push on a quiet ring is taken again.
TEST_F(NicInline, InlinePushWhileTheRingIsFetchedFallsBack) {
  TxRing r(b, 64);
  for (int k = 0; k < 5; ++k) post_legacy(r, 200 + k);
  r.kick();
  b.run(4);  // the fetch is requested, its data ~1 us away
  unsigned first = r.tail();
  Bytes d = post_legacy(r, 180);
  doorbell(r, first, Mode::inl, d);
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPAC), 0u);
  EXPECT_EQ(b.read32(E1000_TDPFC), 1u);
  EXPECT_EQ(b.read32(E1000_TDILC), 0u);
  EXPECT_EQ(data_reads(r), 6u);
  first = r.tail();
  d = post_legacy(r, 90);
  doorbell(r, first, Mode::inl, d);
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDILC), 1u);
  EXPECT_EQ(data_reads(r), 6u);
}

// NicInline.SecondInlineWhileOneIsArmedIsRead: with the data DMA held
// (CTRL.GIO_MASTER_DISABLE), inline push A is taken and armed; inline push
// B is taken too (its descriptor), but its bytes cannot be armed while A
// is, so B's buffer is read from the host. Both leave byte-exact, in order.
TEST_F(NicInline, SecondInlineWhileOneIsArmedIsRead) {
  TxRing r(b, 16);
  b.write32(E1000_CTRL, E1000_CTRL_GIO_MASTER_DISABLE);
  for (size_t len : {64u, 200u}) {
    const unsigned first = r.tail();
    const Bytes d = post_legacy(r, len);
    doorbell(r, first, Mode::inl, d);
  }
  b.run(200);
  EXPECT_TRUE(b.frames.empty());
  b.write32(E1000_CTRL, 0);
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPAC), 2u);
  EXPECT_EQ(b.read32(E1000_TDILC), 1u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
  EXPECT_EQ(data_reads(r), 1u);
  EXPECT_EQ(ring_reads(r), 0u);
}

// NicInline.BadInlinePushesAreCountedAndNeverHang: an inline length over the
// limit, blocks missing, a length that is not the descriptor's, blocks with
// no inline push after them, a block written twice, a block of the wrong
// size or outside the window: each counted once in TDPBC, and every packet
// still leaves byte-exact (read from the host where the bytes cannot be
// trusted); good inline pushes after them are taken.
TEST_F(NicInline, BadInlinePushesAreCountedAndNeverHang) {
  TxRing r(b, 32);
  auto inline_push = [&](size_t len, auto mutate, size_t blocks_len) {
    const unsigned first = r.tail();
    const Bytes d = post_legacy(r, len);
    e1000_tx_push blk = push_block(r, first);
    Bytes blocks = d;
    blocks.resize(blocks_len);
    write_blocks(blocks);
    blk.inl_len = uint16_t(len);
    mutate(blk);
    b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() == sent.size(); }, 20000));
  };
  auto keep = [](e1000_tx_push &) {};
  inline_push(300, keep, 256);                                     // over the limit
  inline_push(128, keep, 64);                                      // block 1 missing
  inline_push(120, [](e1000_tx_push &p) { p.inl_len = 100; }, 120);  // not the descriptor's length
  inline_push(100, [](e1000_tx_push &p) { p.inl_len = 0; }, 100);    // blocks, then a plain push
  EXPECT_EQ(b.read32(E1000_TDPBC), 4u);
  EXPECT_EQ(b.read32(E1000_TDILC), 0u);
  EXPECT_EQ(b.read32(E1000_TDPAC), 4u);  // the descriptors were pushed all the same
  EXPECT_EQ(data_reads(r), 4u);

  // A block written twice before its push: the second write is counted,
  // the frame goes inline with the bytes written last.
  {
    const unsigned first = r.tail();
    const Bytes d = post_legacy(r, 70);
    write_blocks(random_bytes(64));
    write_blocks(d);
    e1000_tx_push blk = push_block(r, first);
    blk.inl_len = 70;
    b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
  }
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPBC), 1u);
  EXPECT_EQ(b.read32(E1000_TDILC), 1u);

  // A block of 32 bytes, and a block past the window: ignored, counted; the
  // next inline push (all of its blocks written) is taken.
  const Bytes junk = random_bytes(64);
  b.write_wide(E1000_TXINLINE, junk.data(), 32);
  b.write_wide(E1000_TXINLINE + E1000_INLINE_MAX, junk.data(), 64);
  b.write_wide(E1000_TXINLINE + 8, junk.data(), 64);
  EXPECT_EQ(b.read32(E1000_TDPBC), 3u);
  const unsigned first = r.tail();
  const Bytes d = post_legacy(r, 256);
  doorbell(r, first, Mode::inl, d);
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDILC), 1u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
  EXPECT_EQ(data_reads(r), 4u);
  EXPECT_EQ(ring_reads(r), 0u);
}

}  // namespace
}  // namespace wirepath::rtltest
