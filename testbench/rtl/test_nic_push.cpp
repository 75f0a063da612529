// Descriptor push on the Verilated NIC: the doorbell is a 64-byte
// write-combined write to the push window carrying the new TDT and the
// packet's descriptors; the NIC takes them when they continue the ring where
// its fetch stands and skips the descriptor fetch, else fetches them from the
// ring (which holds the same descriptors). Frames, DD write-back and TDH are
// those of ring mode in every case; bad pushes are counted, never a hang.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
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

// The push block for ring slots first..tdt-1, copied from the ring.
e1000_tx_push push_block(NicBench &b, const TxRing &r, unsigned first, unsigned tdt) {
  e1000_tx_push blk{};
  blk.tdt = uint16_t(tdt);
  blk.first = uint16_t(first);
  for (unsigned i = first; i != tdt; i = (i + 1) % r.size()) {
    if (blk.count < E1000_PUSH_MAX_DESCS) b.ram.read(r.desc_addr(i), blk.desc[blk.count], 16);
    blk.count++;
  }
  return blk;
}

struct Sent {
  Bytes data;
  unsigned last_desc;
};

class NicPush : public testing::Test {
 protected:
  NicBench b{157};  // DMA read latency ~ 1 us at 156.25 MHz, as on the host model
  std::mt19937 rng{11};
  std::vector<Sent> sent;

  // One packet of len bytes in nseg buffers at the ring's tail.
  unsigned post(TxRing &r, size_t len, unsigned nseg) {
    Bytes d = random_bytes(rng, len);
    Packet p;
    size_t off = 0;
    for (unsigned s = 0; s < nseg; ++s) {
      const size_t n = s + 1 == nseg ? len - off : len / nseg;
      Bytes part(d.begin() + long(off), d.begin() + long(off + n));
      p.push_back({r.buffer(part, unsigned(rng() % 16)), uint16_t(n)});
      off += n;
    }
    const unsigned last = r.post_packet(p);
    sent.push_back({d, last});
    return last;
  }
  // Every frame byte-exact (FCS checked by the wire monitor), in order, and
  // every packet's DD written back, TDH at the tail.
  void check_all(TxRing &r) {
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() >= sent.size() && b.read32(E1000_TDH) == r.tail(); },
                            400000))
        << b.frames.size() << " of " << sent.size() << " frames";
    ASSERT_EQ(b.frames.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      Bytes want = sent[i].data;
      want.resize(std::max<size_t>(want.size(), 60), 0);
      const Bytes &f = b.frames[i].bytes;
      ASSERT_EQ(f.size(), want.size() + 4) << "frame " << i;
      ASSERT_TRUE(std::equal(want.begin(), want.end(), f.begin())) << "frame " << i;
      ASSERT_TRUE(b.frames[i].fcs_ok) << "frame " << i;
      uint8_t sta = 0;
      b.ram.read(r.desc_addr(sent[i].last_desc) + 12, &sta, 1);
      EXPECT_EQ(sta & E1000_TXD_STAT_DD, E1000_TXD_STAT_DD) << "DD of packet " << i;
    }
  }
  // Descriptor-fetch bursts: reads of the ring's address range.
  size_t ring_reads(const TxRing &r) const {
    return size_t(std::count_if(b.ar_log.begin(), b.ar_log.end(), [&](const auto &rb) {
      return rb.addr >= r.base() && rb.addr < r.base() + 16ull * r.size();
    }));
  }
};

// NicPush.PushedPacketsSkipTheDescriptorFetch: packets of 1-3 descriptors,
// each pushed on an idle ring (ring end wrap included): byte-exact frames, DD
// written back, no read of the ring at all, every push counted as taken.
TEST_F(NicPush, PushedPacketsSkipTheDescriptorFetch) {
  TxRing r(b, 32);
  for (int k = 0; k < 40; ++k) {
    const unsigned first = r.tail();
    post(r, 1 + rng() % 1514, 1 + k % 3);
    const e1000_tx_push blk = push_block(b, r, first, r.tail());
    b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
    ASSERT_TRUE(b.run_until([&] { return b.frames.size() == sent.size() && b.read32(E1000_TDH) == r.tail(); },
                            20000));
  }
  check_all(r);
  EXPECT_EQ(ring_reads(r), 0u);
  EXPECT_EQ(b.read32(E1000_TDPAC), 40u);
  EXPECT_EQ(b.read32(E1000_TDPFC), 0u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
  EXPECT_EQ(b.read32(E1000_TDT), r.tail());
}

// NicPush.MixesRingAndPushInOneRing: back to back, packets alternate between
// a TDT doorbell and a push (a push that lands while the ring is being
// fetched falls back to the fetch): frames in ring order and byte-exact,
// every push counted once as taken or fallen back.
TEST_F(NicPush, MixesRingAndPushInOneRing) {
  TxRing r(b, 64);
  unsigned pushes = 0;
  for (int k = 0; k < 60; ++k) {
    while (r.free_slots() < 4) b.run(32);
    const unsigned first = r.tail();
    post(r, 1 + rng() % 600, 1 + rng() % 3);
    if (k % 2) {
      const e1000_tx_push blk = push_block(b, r, first, r.tail());
      b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
      pushes++;
    } else {
      r.kick();
    }
    b.run(rng() % 200);
  }
  check_all(r);
  const uint32_t taken = b.read32(E1000_TDPAC), fell_back = b.read32(E1000_TDPFC);
  EXPECT_EQ(taken + fell_back, pushes);
  EXPECT_GT(taken, 0u);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
}

// NicPush.PushWhileTheRingIsFetchedFallsBack: a push arriving right after a
// TDT doorbell, while that fetch is in flight, is not taken (it would pass
// the fetched descriptors); the NIC fetches it from the ring, in order.
TEST_F(NicPush, PushWhileTheRingIsFetchedFallsBack) {
  TxRing r(b, 64);
  for (int k = 0; k < 5; ++k) post(r, 200 + k, 1);
  r.kick();
  b.run(4);  // the fetch is requested, its data ~1 us away
  const unsigned first = r.tail();
  post(r, 300, 2);
  const e1000_tx_push blk = push_block(b, r, first, r.tail());
  b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPAC), 0u);
  EXPECT_EQ(b.read32(E1000_TDPFC), 1u);
  EXPECT_EQ(ring_reads(r), 2u);
}

// NicPush.BadPushesAreCountedAndNeverHang: a push of the wrong length (its
// header still rings the doorbell), a 64-byte write outside the window
// (ignored), pushes that do not continue the ring (wrong first slot, a count
// of 0 or 4, a TDT that does not follow its descriptors, a TDT outside the
// ring): each counted, the packets still leave through the ring fetch.
TEST_F(NicPush, BadPushesAreCountedAndNeverHang) {
  TxRing r(b, 32);
  auto send_bad = [&](auto mutate, unsigned len, uint32_t addr) {
    const unsigned first = r.tail();
    post(r, 100 + sent.size(), 1 + sent.size() % 2);
    e1000_tx_push blk = push_block(b, r, first, r.tail());
    mutate(blk);
    b.write_wide(addr, &blk, len);
  };
  auto keep = [](e1000_tx_push &) {};
  send_bad(keep, 32, E1000_TXPUSH);                  // wrong length: bad, TDT taken
  send_bad(keep, 8, E1000_TXPUSH);                   // header only: bad, TDT taken
  send_bad([](e1000_tx_push &p) { p.first++; }, 64, E1000_TXPUSH);    // wrong first slot
  send_bad([](e1000_tx_push &p) { p.count = 0; }, 64, E1000_TXPUSH);  // no descriptors
  send_bad([](e1000_tx_push &p) { p.count = 4; }, 64, E1000_TXPUSH);  // more than the window holds
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPBC), 2u);
  EXPECT_EQ(b.read32(E1000_TDPFC), 3u);
  EXPECT_EQ(b.read32(E1000_TDPAC), 0u);

  // Outside the window: ignored and counted; the packet waits for its TDT.
  send_bad(keep, 64, E1000_TXINLINE + E1000_INLINE_MAX);  // past the inline blocks
  send_bad(keep, 64, E1000_TDT);
  b.run(2000);
  EXPECT_EQ(b.frames.size(), sent.size() - 2);
  EXPECT_EQ(b.read32(E1000_TDPBC), 2u);
  r.kick();
  // A TDT outside the ring: refused (TRJC) and not taken; TDT stays.
  {
    e1000_tx_push blk = push_block(b, r, r.tail(), r.tail());
    blk.tdt = uint16_t(r.size() + 3);
    blk.count = 1;
    b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
  }
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPFC), 1u);
  EXPECT_EQ(b.read32(E1000_TRJC), 1u);
  EXPECT_EQ(b.read32(E1000_TDT), r.tail());
  // A push whose TDT does not follow its descriptors (one slot short).
  const unsigned first = r.tail();
  post(r, 90, 2);
  e1000_tx_push blk = push_block(b, r, first, r.tail());
  blk.count = 1;
  b.write_wide(E1000_TXPUSH, &blk, sizeof blk);
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPFC), 1u);
  EXPECT_EQ(b.read32(E1000_TDPAC), 0u);
}

// NicPush.PushesAtRandomAgainstTheRing: random mix of idle pushes, pushes
// queued behind TDT writes and plain doorbells, random segment counts,
// sizes and bus stalls; the wire carries exactly the ring's packets.
TEST_F(NicPush, PushesAtRandomAgainstTheRing) {
  b.r_stall_prob = 0.2;
  b.ready_stall_prob = 0.1;
  TxRing r(b, 16);
  unsigned pushes = 0;
  for (int k = 0; k < 80; ++k) {
    while (r.free_slots() < 4) b.run(16);
    const unsigned first = r.tail();
    post(r, 1 + rng() % 1514, 1 + rng() % 3);
    if (rng() % 3) {
      const e1000_tx_push blk = push_block(b, r, first, r.tail());
      b.post_wide(E1000_TXPUSH, &blk, sizeof blk, b.cycle);
      pushes++;
    } else {
      r.kick();
    }
    b.run(rng() % 300);
  }
  check_all(r);
  EXPECT_EQ(b.read32(E1000_TDPAC) + b.read32(E1000_TDPFC), pushes);
  EXPECT_EQ(b.read32(E1000_TDPBC), 0u);
}

}  // namespace
}  // namespace wirepath::rtltest
