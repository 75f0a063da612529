// nic_dma_packer alone (with its nic_fifo command queue and nic_tx_csum):
// commands and R beats arrive as nic_data_dma issues them (one command per
// read of at most 512 bytes that never crosses 4 KiB, pushed when its AR
// goes out, beats in order afterwards); the TX FIFO words and the metadata
// must give each frame's bytes exactly, realigned from any buffer offset,
// with the 802.1Q tag at byte 12.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "Vnic_dma_packer.h"
#include "abi_structs.hpp"
#include "pkt_ref.hpp"
#include "verilated.h"

namespace wirepath::rtltest {
namespace {

constexpr unsigned kBeat = 16;  // AxiDataWidth 128 (the default)
constexpr unsigned kMaxRead = 512, kPage = 4096;

struct Buf {
  uint64_t addr;
  size_t len;
};

// What the packer must produce for a frame.
struct Expect {
  Bytes stored;  // DA.. with the tag, as written into the TX FIFO
  bool err = false, dma_err = false, ifcs = false, pkt_end = true, check_bytes = true;
};

// What it did produce.
struct Out {
  std::vector<uint64_t> words;
  TxMeta meta;
  bool dma_err;
  uint64_t first_push_cycle, meta_cycle;
};

struct Read {
  DmaCmd cmd;
  uint64_t base = 0;     // beat-aligned address
  unsigned beats = 0;
  int bad_beat = -1;     // this beat answers SLVERR
};

class DmaPacker : public ::testing::Test {
 protected:
  DmaPacker() : top_(std::make_unique<Vnic_dma_packer>(ctx_.get())) {
    ctx_->fatalOnError(false);
    std::mt19937_64 fill(1);
    for (size_t i = 0; i < mem_.size(); i += 8) {
      const uint64_t v = fill();
      std::memcpy(&mem_[i], &v, 8);
    }
    auto &t = *top_;
    t.rst_ni = 0;
    tick();
    t.rst_ni = 1;
    tick();
  }
  ~DmaPacker() override {
    top_->final();
    EXPECT_FALSE(ctx_->gotError()) << "an RTL assertion failed";
  }

  // A fresh buffer of `len` bytes at a random byte offset (bump allocated,
  // so later frames never overwrite earlier ones).
  Buf alloc(size_t len) {
    next_ += rng_() % 200;
    if (next_ + len > mem_.size()) throw std::length_error("bench memory too small");
    Buf b{next_, len};
    next_ += len;
    return b;
  }
  Buf alloc_with(const Bytes &data, size_t from, size_t len) {
    Buf b = alloc(len);
    std::copy(data.begin() + from, data.begin() + from + len, mem_.begin() + b.addr);
    return b;
  }
  // Splits `data` into 1..max_bufs buffers of random lengths at random offsets.
  std::vector<Buf> scatter(const Bytes &data, unsigned max_bufs) {
    std::vector<size_t> cuts = {0, data.size()};
    const unsigned n = 1 + rng_() % max_bufs;
    for (unsigned i = 1; i < n && data.size() > 1; ++i) cuts.push_back(1 + rng_() % (data.size() - 1));
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<Buf> bufs;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) bufs.push_back(alloc_with(data, cuts[i], cuts[i + 1] - cuts[i]));
    return bufs;
  }

  // Queues a frame's commands as nic_data_dma issues them: reads of at most
  // 512 bytes that never cross 4 KiB; the packet's end on its last read or
  // (`eop_alone`) on a command without data. `bad_read`: that read's middle
  // beat answers SLVERR.
  void add_frame(const std::vector<Buf> &bufs, TxOffload ol, bool ifcs, bool eop_alone = false,
                 int bad_read = -1) {
    Expect e;
    for (const Buf &b : bufs) e.stored.insert(e.stored.end(), mem_.begin() + b.addr, mem_.begin() + b.addr + b.len);
    // Nothing read: no tag (nic_data_dma clears VLE then).
    if (e.stored.empty()) ol.vle = false;
    if (ol.vle) {
      const uint8_t tag[4] = {0x81, 0x00, uint8_t(ol.vlan >> 8), uint8_t(ol.vlan)};
      e.stored.insert(e.stored.begin() + std::min<size_t>(12, e.stored.size()), tag, tag + 4);
    }
    e.ifcs = ifcs;
    e.pkt_end = ol.seg_last;
    const size_t first = reads_.size();
    for (const Buf &b : bufs) {
      for (size_t done = 0; done < b.len;) {
        const uint64_t a = b.addr + done;
        const size_t n = std::min<size_t>({kMaxRead, kPage - a % kPage, b.len - done});
        Read r;
        r.cmd.ol = ol;
        r.cmd.has_data = true;
        r.cmd.ifcs = ifcs;
        r.cmd.off = uint8_t(a % kBeat);
        r.cmd.nbytes = uint16_t(n);
        r.base = a - a % kBeat;
        r.beats = unsigned((a % kBeat + n + kBeat - 1) / kBeat);
        if (int(reads_.size() - first) == bad_read) r.bad_beat = int(r.beats / 2);
        reads_.push_back(r);
        done += n;
      }
    }
    if (bad_read >= 0) e.err = e.dma_err = true, e.check_bytes = false;
    if (eop_alone || reads_.size() == first) {
      Read r;
      r.cmd.ol = ol;
      r.cmd.ifcs = ifcs;
      r.cmd.eop = true;
      reads_.push_back(r);
    } else {
      reads_.back().cmd.eop = true;
    }
    expect_.push_back(e);
  }
  // A packet end that only marks the frame bad (a dropped packet):
  // `derr` = because a descriptor read failed.
  void add_dropped(bool derr) {
    Read r;
    r.cmd.err = true;
    r.cmd.derr = derr;
    r.cmd.eop = true;
    reads_.push_back(r);
    Expect e;
    e.err = true;
    e.dma_err = derr;
    expect_.push_back(e);
  }

  // Pushes commands and serves beats (each stalled with probability
  // `stall`) until every expected frame's metadata is out.
  void run(double stall = 0.3) {
    auto &t = *top_;
    std::bernoulli_distribution hold(stall);
    size_t next_cmd = 0, pushed = 0, ri = 0;
    unsigned beat = 0;
    bool presenting = false;
    std::vector<uint64_t> words;
    uint64_t first_push = 0;
    const uint64_t limit = cycle_ + 2000000;
    while (out_.size() < expect_.size() && cycle_ < limit && !ctx_->gotError()) {
      // Command side: the push lands at this edge (cmd_full_o is a flop).
      t.cmd_push_i = next_cmd < reads_.size() && !t.cmd_full_o && !hold(rng_);
      if (t.cmd_push_i) reads_[next_cmd].cmd.pack(t.cmd_i);
      // R side: the next beat of a read whose command was pushed at an
      // earlier edge; once valid, held until ready.
      while (ri < pushed && !reads_[ri].cmd.has_data) ++ri;
      if (!presenting && ri < pushed && !hold(rng_)) presenting = true;
      t.r_valid_i = presenting;
      t.r_last_i = presenting && beat + 1 == reads_[ri].beats;
      t.r_resp_i = presenting && int(beat) == reads_[ri].bad_beat ? 2 : 0;
      for (unsigned i = 0; i < kBeat / 4; ++i) {
        uint32_t w = uint32_t(rng_());  // idle or SLVERR beats carry junk
        if (presenting && t.r_resp_i == 0)
          std::memcpy(&w, &mem_[reads_[ri].base + beat * kBeat + 4 * i], 4);
        t.r_data_i[i] = w;
      }
      t.clk_i = 0;
      t.eval();
      if (t.tx_push_o) {
        if (words.empty()) first_push = cycle_;
        words.push_back(t.tx_data_o);
      }
      if (t.meta_push_o) {
        out_.push_back({words, TxMeta::unpack(t.meta_o), bool(t.dma_err_o), first_push, cycle_});
        words.clear();
      }
      if (presenting && t.r_ready_o) {
        presenting = false;
        if (++beat == reads_[ri].beats) beat = 0, ++ri;
      }
      if (t.cmd_push_i) ++next_cmd;
      t.clk_i = 1;
      t.eval();
      ++cycle_;
      pushed = next_cmd;
    }
    t.cmd_push_i = 0;
    t.r_valid_i = 0;
    EXPECT_TRUE(words.empty()) << "words pushed after the last frame's metadata";
    ASSERT_EQ(out_.size(), expect_.size()) << "frames missing after " << cycle_ << " cycles";
  }

  // Every frame's words are its bytes from word 0, zero past the end (the
  // checksum sums whole words), and its metadata matches.
  void check() {
    for (size_t f = 0; f < expect_.size(); ++f) {
      const Expect &e = expect_[f];
      const Out &o = out_[f];
      EXPECT_EQ(o.meta.err, e.err) << "frame " << f;
      EXPECT_EQ(o.dma_err, e.dma_err) << "frame " << f;
      if (!e.err) {
        EXPECT_EQ(o.meta.ifcs, e.ifcs) << "frame " << f;
        EXPECT_EQ(o.meta.pkt_end, e.pkt_end) << "frame " << f;
      }
      ASSERT_EQ(o.meta.len, e.stored.size()) << "frame " << f;
      if (!e.check_bytes) {
        ASSERT_EQ(o.words.size(), (e.stored.size() + 7) / 8) << "frame " << f;
        continue;
      }
      Bytes got(o.words.size() * 8);
      if (!got.empty()) std::memcpy(got.data(), o.words.data(), got.size());  // (no null to memcpy)
      Bytes want = e.stored;
      want.resize((want.size() + 7) / 8 * 8, 0);
      ASSERT_EQ(got, want) << "frame " << f;
    }
  }

  void tick() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
    ++cycle_;
  }

  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vnic_dma_packer> top_;
  std::mt19937 rng_{77};
  std::vector<uint8_t> mem_ = std::vector<uint8_t>(1u << 20);
  uint64_t next_ = 0, cycle_ = 0;
  std::vector<Read> reads_;
  std::vector<Expect> expect_;
  std::vector<Out> out_;
};

// DmaPacker.RealignsUnalignedBuffersByteExact: frames of 1..4 buffers, each
// 1..1600 bytes at any byte offset (reads split at 512 bytes and at 4 KiB),
// with stalls on both sides, come out as their bytes packed from word 0 of
// the frame, back to back; IFCS and the packet end ride in the metadata.
TEST_F(DmaPacker, RealignsUnalignedBuffersByteExact) {
  for (int f = 0; f < 200; ++f) {
    std::vector<Buf> bufs;
    const unsigned n = 1 + rng_() % 4;
    for (unsigned i = 0; i < n; ++i) bufs.push_back(alloc(1 + rng_() % 1600));
    TxOffload ol;
    ol.seg_last = rng_() % 4 != 0;
    add_frame(bufs, ol, rng_() % 2, rng_() % 4 == 0);
  }
  run();
  check();
  EXPECT_TRUE(top_->idle_o);
}

// DmaPacker.InsertsTheVlanTagAtByte12: with VLE the four bytes 81 00 TCI go
// in after the MAC addresses (frames of 13 bytes or more), however the
// buffers split around byte 12.
TEST_F(DmaPacker, InsertsTheVlanTagAtByte12) {
  for (int f = 0; f < 300; ++f) {
    const size_t len = f < 40 ? 13 + f % 20 : 13 + rng_() % 200;
    Bytes data(len);
    for (auto &x : data) x = uint8_t(rng_());
    TxOffload ol;
    ol.vle = true;
    ol.vlan = uint16_t(rng_());
    add_frame(scatter(data, 5), ol, true, rng_() % 4 == 0);
  }
  run();
  check();
}

// DmaPacker.TagsFramesOf12BytesOrLessAtTheirEnd: a VLE frame too short to
// hold the MAC addresses gets the tag after its last byte, so it grows by
// exactly the 4 bytes nic_data_dma reserved. (It failed before the flush
// cycle that inserts the tag stopped pushing a partial word: the tag went
// into a word of its own after zeros, and the words pushed disagreed with
// meta.len, putting the TX FIFO a word out of step with the MAC.)
TEST_F(DmaPacker, TagsFramesOf12BytesOrLessAtTheirEnd) {
  for (size_t len = 1; len <= 12; ++len) {
    TxOffload ol;
    ol.vle = true;
    ol.vlan = 0xE005;
    add_frame({alloc(len)}, ol, true);
  }
  run();
  check();
}

// DmaPacker.MarksFramesWithReadErrorsBad: a beat answered with SLVERR makes
// its frame bad and raises dma_err_o with the metadata; a packet end that
// only drops the frame is bad, with dma_err_o only for a descriptor read
// error; the frames after them are clean.
TEST_F(DmaPacker, MarksFramesWithReadErrorsBad) {
  for (int f = 0; f < 60; ++f) {
    TxOffload ol;
    switch (f % 4) {
      case 0: add_frame({alloc(1 + rng_() % 1500)}, ol, true, false, 0); break;
      case 1: add_dropped(f % 8 == 1); break;
      default: add_frame({alloc(1 + rng_() % 1500), alloc(1 + rng_() % 100)}, ol, true); break;
    }
  }
  run();
  check();
}

// DmaPacker.ZeroByteFrameGivesEmptyMetadata: a packet end with nothing read
// pushes metadata of length 0 and no word (the MAC drops it).
TEST_F(DmaPacker, ZeroByteFrameGivesEmptyMetadata) {
  TxOffload ol;
  add_frame({alloc(100)}, ol, true);
  add_frame({}, ol, true);
  add_frame({alloc(9)}, ol, true);
  run();
  check();
  EXPECT_EQ(out_[1].meta.len, 0);
  EXPECT_TRUE(out_[1].words.empty());
}

// DmaPacker.KeepsLineRateWithoutStalls: with beats always ready, the packer
// takes up to 8 bytes a cycle (the 10G line rate at 156.25 MHz): a frame's
// words leave in one cycle each, plus at most one cycle for a partial beat
// at each end of a read and one for the tag.
TEST_F(DmaPacker, KeepsLineRateWithoutStalls) {
  std::vector<size_t> reads;
  for (int f = 0; f < 20; ++f) {
    TxOffload ol;
    ol.vle = f % 2;
    const size_t before = reads_.size();
    add_frame({alloc(1000 + rng_() % 500)}, ol, true);
    reads.push_back(reads_.size() - before);
  }
  run(0.0);
  check();
  for (size_t f = 0; f < out_.size(); ++f)
    EXPECT_LE(out_[f].meta_cycle - out_[f].first_push_cycle + 1, out_[f].words.size() + 2 * reads[f] + f % 2)
        << "frame " << f;
}

// DmaPacker.ChecksumsOfScatteredPacketsRideInTheMetadata: TCP and UDP packets
// (CHECKSUM_PARTIAL, some tagged) scattered over buffers get, written over
// their stored bytes, the checksums pkt_ref computes.
TEST_F(DmaPacker, ChecksumsOfScatteredPacketsRideInTheMetadata) {
  std::vector<Bytes> want;
  for (int f = 0; f < 100; ++f) {
    const uint8_t proto = f % 2 ? kProtoTcp : kProtoUdp;
    const Bytes p = make_packet(rng_, proto, rng_() % 1200, uint16_t(rng_()), uint32_t(rng_()));
    TxOffload ol;
    ol.ixsm = ol.txsm = true;
    ol.tcp = proto == kProtoTcp;
    ol.ipcss = kEth;
    ol.ipcso = kEth + 10;
    ol.ipcse = kEth + kIp - 1;
    ol.tucss = kEth + kIp;
    ol.tucso = uint8_t(kEth + kIp + (ol.tcp ? 16 : 6));
    ol.vle = f % 3 == 0;
    ol.vlan = uint16_t(rng_());
    add_frame(scatter(as_checksum_partial(p), 4), ol, true);
    want.push_back(ol.vle ? tagged(with_checksums(p), ol.vlan) : with_checksums(p));
  }
  run();
  check();
  for (size_t f = 0; f < out_.size(); ++f)
    ASSERT_EQ(overwrite_fields(expect_[f].stored, out_[f].meta), want[f]) << "packet " << f;
}

}  // namespace
}  // namespace wirepath::rtltest
