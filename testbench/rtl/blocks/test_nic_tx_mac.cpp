// nic_tx_mac alone (with its nic_crc32_64): the TX FIFO and the metadata
// FIFO are modelled as nic_top wires them (first word fall through, a
// frame's metadata visible only once all of its words are stored, stale data
// while empty); the XGMII output is decoded lane by lane here and checked
// against the stored bytes, the metadata's field overwrites, padding and
// zlib's CRC, with the gap after each frame checked against a model of the
// deficit idle count.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vnic_tx_mac.h"
#include "abi_structs.hpp"
#include "verilated.h"

namespace wirepath::rtltest {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint8_t kIdle = 0x07, kStart = 0xFB, kTerm = 0xFD, kPre = 0x55, kSfd = 0xD5;

// A frame as the TX FIFO holds it: the stored bytes and the metadata.
struct Stored {
  Bytes bytes;
  TxMeta meta;
};

// What a frame must look like on the wire (DA..FCS) and in the events.
Bytes wire_image(const Stored &s, bool psp) {
  Bytes b = overwrite_fields(s.bytes, s.meta);
  if (psp && b.size() < 60) b.resize(60, 0);
  if (s.meta.ifcs) {
    const uint32_t fcs = uint32_t(crc32(0, b.data(), uInt(b.size())));
    for (int i = 0; i < 4; ++i) b.push_back(uint8_t(fcs >> (8 * i)));
  }
  return b;
}

// A frame decoded from the XGMII lanes; indices count lanes from cycle 0.
struct WireFrame {
  Bytes bytes;
  uint64_t start, term;  // lane index of /S/ and of /T/
};

struct Event {
  uint64_t word;  // XGMII words recorded up to and including this edge
  unsigned octets;
  bool pkt_end, bcast, mcast;
};

// The gap the deficit idle count gives after a /T/ at lane `term`: the
// largest gap <= G that puts /S/ on lane 0 or 4 if the deficit stays within
// 3 bytes, else the next one up, paying the deficit back (IEEE 802.3
// 46.3.1.4). Gaps count /T/ and the idles up to /S/.
struct DicModel {
  unsigned gap;  // max(12, IPGT)
  unsigned deficit = 0;
  unsigned next(uint64_t term) {
    const unsigned down = gap - unsigned((term + gap) % 4);
    if (deficit + (gap - down) <= 3) {
      deficit += gap - down;
      return down;
    }
    deficit -= down + 4 - gap;
    return down + 4;
  }
};

class TxMac : public ::testing::Test {
 protected:
  TxMac() : top_(std::make_unique<Vnic_tx_mac>(ctx_.get())) {
    ctx_->fatalOnError(false);
    auto &t = *top_;
    t.rst_ni = 0;
    t.psp_i = 1;
    t.ipgt_i = 12;
    t.tx_empty_i = 1;
    t.meta_empty_i = 1;
    t.ct_empty_i = 1;  // store-and-forward only (cut-through: test_nic_cut_through)
    tick_raw();
    t.rst_ni = 1;
  }
  ~TxMac() override {
    top_->final();
    EXPECT_FALSE(ctx_->gotError()) << "an RTL assertion failed";
  }

  // Stores a frame: its words become visible one a cycle from `at`, its
  // metadata the cycle after the last word (as the packer pushes them).
  void store(const Stored &s, uint64_t at = 0) {
    at = std::max({at, cycle_, last_visible_});
    for (size_t pos = 0; pos < s.bytes.size(); pos += 8) {
      uint64_t w = 0;
      for (size_t i = 0; i < 8 && pos + i < s.bytes.size(); ++i) w |= uint64_t(s.bytes[pos + i]) << (8 * i);
      words_.push_back({at++, w});
    }
    metas_.push_back({++at, s.meta});
    last_visible_ = at;
    stored_.push_back(s);
  }

  // Cut-through: the frame's early entry is visible from `at`, its words one
  // every `word_gap` cycles from `at`, its metadata (ct set) `meta_delay`
  // cycles after the last word.
  void store_ct(Stored s, uint64_t at, unsigned word_gap, unsigned meta_delay) {
    at = std::max({at, cycle_, last_visible_});
    s.meta.ct = true;
    cts_.push_back({at, s.meta.len});
    for (size_t pos = 0; pos < s.bytes.size(); pos += 8, at += word_gap) {
      uint64_t w = 0;
      for (size_t i = 0; i < 8 && pos + i < s.bytes.size(); ++i) w |= uint64_t(s.bytes[pos + i]) << (8 * i);
      words_.push_back({at, w});
    }
    last_word_at_ = at - word_gap;
    metas_.push_back({last_word_at_ + meta_delay, s.meta});
    last_visible_ = last_word_at_ + meta_delay;
    stored_.push_back(s);
  }

  // A frame of `len` random bytes (DA unicast unless given).
  Stored random_frame(size_t len, bool ifcs = true) {
    Stored s;
    s.bytes.resize(len);
    for (auto &x : s.bytes) x = uint8_t(rng_());
    if (len > 0) s.bytes[0] &= 0xFE;
    s.meta.len = uint16_t(len);
    s.meta.ifcs = ifcs;
    s.meta.pkt_end = rng_() % 2;
    return s;
  }

  // Clocks until every stored frame is taken and the MAC is idle again.
  void run() {
    auto &t = *top_;
    const uint64_t limit = cycle_ + 2000000;
    do {
      const bool w_vis = !words_.empty() && words_.front().first <= cycle_;
      const bool m_vis = !metas_.empty() && metas_.front().first <= cycle_;
      t.tx_empty_i = !w_vis;
      t.tx_data_i = w_vis ? words_.front().second : rng64_();  // stale while empty
      t.meta_empty_i = !m_vis;
      const bool c_vis = !cts_.empty() && cts_.front().first <= cycle_;
      t.ct_empty_i = !c_vis;
      t.ct_i = c_vis ? cts_.front().second : uint16_t(rng64_());
      unsigned count = 0;
      for (auto &w : words_) count += w.first <= cycle_;
      t.tx_count_i = uint16_t(std::min(count, 2047u));
      t.thresh_i = thresh_;
      if (m_vis) {
        metas_.front().second.pack(t.meta_i);
      } else {
        for (auto &w : t.meta_i.m_storage) w = uint32_t(rng64_());
      }
      t.clk_i = 0;
      t.eval();
      const bool pop = t.tx_pop_o, mpop = t.meta_pop_o, cpop = t.ct_pop_o;
      t.clk_i = 1;
      t.eval();
      ++cycle_;
      txd_.push_back(t.xgmii_txd_o);
      txc_.push_back(t.xgmii_txc_o);
      // Events numbered as the XGMII words recorded so far (word j is at j + 1).
      if (t.frame_sent_o) sent_.push_back({txd_.size(), t.frame_octets_o, bool(t.frame_pkt_end_o),
                                           bool(t.frame_bcast_o), bool(t.frame_mcast_o)});
      if (t.frame_drop_o) dropped_.push_back({txd_.size(), 0, bool(t.frame_pkt_end_o), false, false});
      if (pop) words_.pop_front();
      if (mpop) metas_.pop_front();
      if (cpop) {
        cts_.pop_front();
        ct_started_.push_back(cycle_);
      }
      underruns_ += t.underrun_o;
    } while ((!metas_.empty() || !cts_.empty() || !top_->idle_o) && cycle_ < limit && !ctx_->gotError());
    ASSERT_TRUE(metas_.empty()) << "frames left after " << cycle_ << " cycles";
    EXPECT_TRUE(words_.empty()) << "words left in the TX FIFO";
    decode();
  }

  // XGMII lane stream -> frames. Checks the coding: idles between frames,
  // /S/ on lane 0 or 4, preamble and SFD, data up to /T/, idles after /T/.
  void decode() {
    enum { kIdleSt, kPreSt, kDataSt, kTailSt } st = kIdleSt;
    WireFrame f{};
    unsigned pre = 0;
    for (uint64_t i = 0; i < txd_.size() * 8; ++i) {
      const uint8_t c = uint8_t(txd_[i / 8] >> (8 * (i % 8)));
      const bool ctrl = txc_[i / 8] >> (i % 8) & 1;
      if (st == kTailSt && i % 8 == 0) st = kIdleSt;
      switch (st) {
        case kIdleSt:
        case kTailSt:
          if (ctrl && c == kStart && st == kIdleSt) {
            ASSERT_TRUE(i % 8 == 0 || i % 8 == 4) << "/S/ on lane " << i % 8;
            f = WireFrame{{}, i, 0};
            pre = 0;
            st = kPreSt;
          } else {
            ASSERT_TRUE(ctrl && c == kIdle) << "lane " << i << ": not /I/ between frames";
          }
          break;
        case kPreSt:
          ASSERT_FALSE(ctrl) << "control character in the preamble at lane " << i;
          ASSERT_EQ(c, pre < 6 ? kPre : kSfd) << "preamble byte " << pre;
          if (++pre == 7) st = kDataSt;
          break;
        case kDataSt:
          if (!ctrl) {
            f.bytes.push_back(c);
          } else {
            ASSERT_EQ(c, kTerm) << "frame ended by a control character other than /T/ at lane " << i;
            f.term = i;
            wire_.push_back(f);
            st = kTailSt;
          }
          break;
      }
    }
    ASSERT_EQ(st, kIdleSt) << "XGMII ends inside a frame";
  }

  // Every good stored frame is on the wire, in order, byte for byte, with
  // /T/ right after its last byte, and its event reports it.
  void check_frames(bool psp) {
    std::vector<const Stored *> good;
    for (auto &s : stored_)
      if (!s.meta.err && s.meta.len != 0) good.push_back(&s);
    ASSERT_EQ(wire_.size(), good.size());
    ASSERT_EQ(sent_.size(), good.size());
    for (size_t k = 0; k < good.size(); ++k) {
      const Bytes want = wire_image(*good[k], psp);
      ASSERT_EQ(wire_[k].bytes, want) << "frame " << k;
      EXPECT_EQ(wire_[k].term, wire_[k].start + 8 + want.size());
      EXPECT_EQ(sent_[k].octets, want.size()) << "frame " << k;
      EXPECT_EQ(sent_[k].pkt_end, good[k]->meta.pkt_end) << "frame " << k;
      const bool bcast = std::all_of(want.begin(), want.begin() + 6, [](uint8_t b) { return b == 0xFF; });
      EXPECT_EQ(sent_[k].bcast, bcast) << "frame " << k;
      EXPECT_EQ(sent_[k].mcast, !bcast && (want[0] & 1)) << "frame " << k;
      // The event comes with the core word carrying /T/: on the XGMII the
      // word carrying /T/, or one cycle before it when the lane-4 shift
      // pushed /T/ into the next word's lower half.
      const bool late_t = wire_[k].start % 8 == 4 && wire_[k].term % 8 < 4;
      EXPECT_EQ(sent_[k].word, wire_[k].term / 8 + 1 - late_t) << "frame " << k;
    }
  }

  // With 300 frames of 60..1518 bytes stored before the first starts (so
  // the MAC never waits), checks every gap against the model and the
  // running deficit; resets the MAC after (a fresh deficit for the next).
  void gaps(unsigned ipgt, int frames = 300, bool short_only = false) {
    top_->ipgt_i = ipgt;
    stored_.clear();
    wire_.clear();
    sent_.clear();
    txd_.clear();
    txc_.clear();
    for (int f = 0; f < frames; ++f)
      store(random_frame(f % 4 == 0 || short_only ? 60 + rng_() % 8 : 60 + rng_() % 1459, f % 7 != 0));
    for (auto &w : words_) w.first = cycle_;
    for (auto &m : metas_) m.first = cycle_;
    run();
    check_frames(true);
    DicModel dic{std::max(12u, ipgt)};
    int64_t owed = 0;
    for (size_t k = 1; k < wire_.size(); ++k) {
      const uint64_t gap = wire_[k].start - wire_[k - 1].term;
      ASSERT_EQ(gap, dic.next(wire_[k - 1].term)) << "gap before frame " << k;
      owed += int64_t(dic.gap) - int64_t(gap);
      ASSERT_GE(owed, 0);
      ASSERT_LE(owed, 3);
    }
    top_->rst_ni = 0;
    tick_raw();
    top_->rst_ni = 1;
    cycle_ += 1;
    last_visible_ = cycle_;
  }

  void tick_raw() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }

  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vnic_tx_mac> top_;
  std::mt19937 rng_{10};
  std::mt19937_64 rng64_{20};
  uint64_t cycle_ = 0, last_visible_ = 0;
  std::deque<std::pair<uint64_t, uint64_t>> words_;  // (visible from cycle, word)
  std::deque<std::pair<uint64_t, TxMeta>> metas_;
  std::deque<std::pair<uint64_t, uint16_t>> cts_;  // cut-through early entries (visible from, len)
  std::vector<uint64_t> ct_started_;               // cycles at which the MAC took one
  uint64_t last_word_at_ = 0;
  unsigned thresh_ = 64, underruns_ = 0;
  std::vector<Stored> stored_;
  std::vector<uint64_t> txd_;
  std::vector<uint8_t> txc_;
  std::vector<Event> sent_, dropped_;
  std::vector<WireFrame> wire_;
};

// TxMac.SendsStoredFramesWithPreambleAndFcs: frames of 60..1518 bytes
// leave as /S/, six 0x55, SFD 0xD5, the stored bytes, the FCS (zlib CRC-32,
// least significant byte first) and /T/ right after it, with /S/ on lane 0
// or lane 4 (both happen).
TEST_F(TxMac, SendsStoredFramesWithPreambleAndFcs) {
  for (int f = 0; f < 200; ++f) store(random_frame(60 + rng_() % 1459));
  run();
  check_frames(true);
  size_t lane4 = 0;
  for (auto &w : wire_) lane4 += w.start % 8 == 4;
  EXPECT_GT(lane4, 0u);
  EXPECT_LT(lane4, wire_.size());
}

// TxMac.PadsShortFramesTo60Bytes: with PSP a frame shorter than 60 bytes is
// padded with zeros to 60 before the FCS (which covers the padding); field
// overwrites aimed past the stored bytes leave the padding zero.
TEST_F(TxMac, PadsShortFramesTo60Bytes) {
  for (size_t len = 1; len <= 64; ++len) {
    Stored s = random_frame(len);
    s.meta.tu_ins = true;
    s.meta.tu_off = uint16_t(len + rng_() % 8);
    s.meta.tu_csum = 0xA5A5;
    store(s);
  }
  run();
  check_frames(true);
  for (size_t k = 0; k < wire_.size(); ++k) EXPECT_EQ(wire_[k].bytes.size(), std::max<size_t>(k + 1, 60) + 4);
}

// TxMac.SendsShortFramesUnpaddedWithoutPsp: without PSP a short frame goes
// out at its stored length (+ FCS).
TEST_F(TxMac, SendsShortFramesUnpaddedWithoutPsp) {
  top_->psp_i = 0;
  for (size_t len = 1; len <= 64; ++len) store(random_frame(len));
  run();
  check_frames(false);
}

// TxMac.OmitsFcsWithoutIfcs: a frame without IFCS ends with its (padded)
// bytes; /T/ follows the last of them.
TEST_F(TxMac, OmitsFcsWithoutIfcs) {
  for (int f = 0; f < 100; ++f) store(random_frame(1 + rng_() % 300, f % 2));
  run();
  check_frames(true);
}

// TxMac.WritesMetadataFieldsOverStoredBytes: the IPv4 checksum, TCP/UDP
// checksum and TSO fields (total length, ID, sequence, flags) in the
// metadata replace the stored bytes at their offsets before the FCS is
// computed; fields past the stored length are not written.
TEST_F(TxMac, WritesMetadataFieldsOverStoredBytes) {
  for (int f = 0; f < 200; ++f) {
    Stored s = random_frame(1 + rng_() % 400);
    TxMeta &m = s.meta;
    m.ip_base = uint16_t(14 + (rng_() % 2) * 4);
    m.tcp_base = uint16_t(m.ip_base + 20 + (rng_() % 3) * 4);
    m.ip_ins = rng_() % 2, m.ip_off = uint16_t(m.ip_base + 10), m.ip_csum = uint16_t(rng_());
    m.tu_ins = rng_() % 2, m.tu_off = uint16_t(m.tcp_base + (rng_() % 2 ? 16 : 6)), m.tu_csum = uint16_t(rng_());
    m.tso = rng_() % 2, m.ip_len = uint16_t(rng_()), m.ip_id = uint16_t(rng_());
    m.tcp_seq = uint32_t(rng_()), m.tcp_flags = uint8_t(rng_());
    store(s);
  }
  run();
  check_frames(true);
}

// TxMac.DropsBadAndEmptyFrames: a frame whose metadata says err, or of
// length 0, is not sent: its words are skipped (the next frame is intact)
// and frame_drop_o pulses with its packet end.
TEST_F(TxMac, DropsBadAndEmptyFrames) {
  std::vector<bool> drop_pkt_end;
  for (int f = 0; f < 150; ++f) {
    Stored s = random_frame(f % 5 == 1 ? 0 : 1 + rng_() % 200);
    s.meta.err = f % 5 == 3;
    if (s.meta.err || s.meta.len == 0) drop_pkt_end.push_back(s.meta.pkt_end);
    store(s);
  }
  run();
  check_frames(true);
  ASSERT_EQ(dropped_.size(), drop_pkt_end.size());
  for (size_t k = 0; k < dropped_.size(); ++k) EXPECT_EQ(dropped_[k].pkt_end, drop_pkt_end[k]);
}

// TxMac.FlagsBroadcastAndMulticastDestinations: frame_bcast_o for DA
// ff:ff:ff:ff:ff:ff, frame_mcast_o for any other DA with the group bit.
TEST_F(TxMac, FlagsBroadcastAndMulticastDestinations) {
  for (int f = 0; f < 60; ++f) {
    Stored s = random_frame(60 + rng_() % 100);
    if (f % 3 == 0) std::fill(s.bytes.begin(), s.bytes.begin() + 6, 0xFF);
    if (f % 3 == 1) s.bytes[0] |= 1;
    store(s);
  }
  run();
  check_frames(true);
}

// TxMac.WaitsForAFrameToBeStoredCompletely: words trickling in with gaps,
// the metadata last, a frame starts only once its metadata is there and
// never runs the FIFO empty.
TEST_F(TxMac, WaitsForAFrameToBeStoredCompletely) {
  for (int f = 0; f < 50; ++f) {
    const Stored s = random_frame(1 + rng_() % 600);
    store(s, cycle_ + rng_() % 300);
    uint64_t at = last_visible_;
    // Spread this frame's words out: visible one every 1..4 cycles.
    for (auto it = words_.end() - std::ptrdiff_t((s.bytes.size() + 7) / 8); it != words_.end(); ++it)
      it->first = at += 1 + rng_() % 4;
    metas_.back().first = last_visible_ = at + 1;
    const uint64_t meta_at = last_visible_;
    run();
    ASSERT_FALSE(wire_.empty());
    // XGMII word j leaves at edge j + 1: /S/ no earlier than the edge
    // after the metadata became visible.
    EXPECT_GE(wire_.back().start / 8, meta_at) << "frame " << f << " started before its metadata";
    wire_.clear();  // decode() goes over the whole recording again
  }
  decode();
  check_frames(true);
}

// TxMac.AveragesTheGapToMax12AndIpgt: with frames always ready, each gap
// (from /T/ to /S/) is the deficit idle count's choice, within 3 bytes of
// max(12, IPGT), and the gaps average exactly that (the running sum is never
// more than 3 bytes short), for IPGT below, at and above 12.
TEST_F(TxMac, AveragesTheGapToMax12AndIpgt) {
  for (const unsigned ipgt : {0u, 5u, 12u, 13u, 14u, 15u, 16u, 17u, 22u, 31u, 100u, 1009u}) {
    SCOPED_TRACE("IPGT " + std::to_string(ipgt));
    gaps(ipgt);
  }
}

// TxMac.AveragesTheGapForTheLargestIpgt: the same for IPGT at the top of its
// 10-bit field (x and gap_dn in p_fsm used to wrap at 10 bits there: ~2 KB
// gaps from 1010 on and ShiftChangeOnIdle firing from ~1018 on).
TEST_F(TxMac, AveragesTheGapForTheLargestIpgt) {
  for (const unsigned ipgt : {1010u, 1016u, 1018u, 1020u, 1023u}) {
    SCOPED_TRACE("IPGT " + std::to_string(ipgt));
    gaps(ipgt);
  }
}

// TxMac.AveragesTheGapOverTheWholeIpgtRange: every IPGT 0..1023 (as --tipg
// accepts), 24 short frames each (all /T/ lanes and deficit states), exact
// gaps and no assertion.
TEST_F(TxMac, AveragesTheGapOverTheWholeIpgtRange) {
  for (unsigned ipgt = 0; ipgt < 1024; ++ipgt) {
    SCOPED_TRACE("IPGT " + std::to_string(ipgt));
    gaps(ipgt, 24, true);
    if (HasFatalFailure()) return;
  }
}

// TxMac.CutThroughStartsBeforeTheLastWordIsStored: frames announced by an
// early entry, each arriving after the previous has left, its words one a
// cycle (the packer's rate): each starts once threshold + len/16 bytes are
// stored, long before its last word, and leaves byte-exact with a good FCS;
// store-and-forward frames in between are unaffected; no underrun.
TEST_F(TxMac, CutThroughStartsBeforeTheLastWordIsStored) {
  std::vector<uint64_t> last_word;
  for (int f = 0; f < 20; ++f) {
    const size_t len = 600 + rng_() % 919;
    if (f % 3 == 2) {
      store(random_frame(len), last_visible_ + 300);
    } else {
      store_ct(random_frame(len), last_visible_ + 300, 1, 0);
      last_word.push_back(last_word_at_);
    }
  }
  run();
  check_frames(true);
  EXPECT_EQ(underruns_, 0u);
  ASSERT_EQ(ct_started_.size(), last_word.size());
  // Started with threshold + len/16 (at most 64 + 95 bytes: 20 words) stored.
  for (size_t k = 0; k < last_word.size(); ++k) EXPECT_LT(ct_started_[k] + 40, last_word[k]) << k;
}

// TxMac.CutThroughWithLateMetadataSpoilsTheFcs: all words stored at once but
// the metadata late: the frame goes out with the complement of its FCS,
// counts one underrun and a drop (not sent) once the metadata is popped.
TEST_F(TxMac, CutThroughWithLateMetadataSpoilsTheFcs) {
  const Stored s = random_frame(200);
  store_ct(s, 0, 0, 200);
  run();
  ASSERT_EQ(wire_.size(), 1u);
  ASSERT_EQ(wire_[0].bytes.size(), 204u);
  EXPECT_TRUE(std::equal(s.bytes.begin(), s.bytes.end(), wire_[0].bytes.begin()));
  const uint32_t crc = uint32_t(crc32(0, s.bytes.data(), 200));
  uint32_t fcs = 0;
  for (int i = 0; i < 4; ++i) fcs |= uint32_t(wire_[0].bytes[200 + size_t(i)]) << (8 * i);
  EXPECT_EQ(fcs, ~crc);
  EXPECT_EQ(underruns_, 1u);
  EXPECT_TRUE(sent_.empty());
  ASSERT_EQ(dropped_.size(), 1u);
  EXPECT_EQ(dropped_[0].pkt_end, s.meta.pkt_end);
}

// TxMac.CutThroughUnderrunEndsTheFrameAtOnce: words at half the line rate:
// the frame ends where the FIFO ran dry with the complement of the FCS of
// the bytes sent and /T/; the rest of its words are discarded, one underrun
// and one drop are reported, and the next frame is sent whole.
TEST_F(TxMac, CutThroughUnderrunEndsTheFrameAtOnce) {
  const Stored s = random_frame(1000);
  store_ct(s, 0, 2, 0);
  store(random_frame(300));
  run();
  ASSERT_EQ(wire_.size(), 2u);
  const Bytes &f = wire_[0].bytes;
  ASSERT_GT(f.size(), 4u + 64 + 62);  // at least threshold + len/16 sent
  ASSERT_LT(f.size(), 1004u);
  const size_t n = f.size() - 4;
  EXPECT_EQ(n % 8, 0u);
  EXPECT_TRUE(std::equal(f.begin(), f.begin() + long(n), s.bytes.begin()));
  uint32_t fcs = 0;
  for (int i = 0; i < 4; ++i) fcs |= uint32_t(f[n + size_t(i)]) << (8 * i);
  EXPECT_EQ(fcs, ~uint32_t(crc32(0, f.data(), uInt(n))));
  EXPECT_EQ(underruns_, 1u);
  EXPECT_EQ(dropped_.size(), 1u);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(wire_[1].bytes, wire_image(stored_[1], true));
}

}  // namespace
}  // namespace wirepath::rtltest
