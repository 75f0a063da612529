// NicBenchT: owns a Verilated nic_top (any AxiDataWidth; include the model
// header first) and clocks it through the simulator's bridges (sim/nic/):
// AXI-Lite register accesses, its AXI4 master served from a PhysMem with a
// fixed latency (unmapped -> DECERR), interrupt edges, and the XGMII wire
// into an XgmiiRx.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "driver/e1000_hw.hpp"
#include "sim/nic/axi_dma_slave.hpp"
#include "sim/nic/axil_master.hpp"
#include "sim/nic/msi_endpoint.hpp"
#include "sim/wire/xgmii_rx.hpp"
#include "stack/kernel/kmalloc.hpp"
#include "verilated.h"
#ifdef WIREPATH_COVERAGE
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "verilated_cov.h"
#endif

namespace wirepath::rtltest {

// 8254x descriptor images (16 bytes, little endian), laid out by
// driver/e1000_hw.hpp's structs.
using Desc = std::array<uint8_t, 16>;
template <class D>
Desc desc_image(const D &d) {
  static_assert(sizeof(D) == sizeof(Desc), "a descriptor is 16 bytes");
  Desc img;
  std::memcpy(img.data(), &d, sizeof(d));
  return img;
}
inline Desc legacy_desc(uint64_t addr, uint16_t len, uint8_t cmd, uint8_t cso = 0, uint8_t css = 0,
                        uint16_t special = 0) {
  e1000_tx_desc d{};
  d.buffer_addr = addr;
  d.length = len;
  d.cso = cso;
  d.cmd = cmd;
  d.css = css;
  d.special = special;
  return desc_image(d);
}
// Context descriptor (DEXT=1, DTYP=0).
struct Ctx {
  uint8_t ipcss = 0, ipcso = 0;
  uint16_t ipcse = 0;
  uint8_t tucss = 0, tucso = 0;
  uint16_t tucse = 0;
  uint32_t paylen = 0;
  uint8_t tucmd = 0, hdrlen = 0;
  uint16_t mss = 0;
};
inline Desc context_desc(const Ctx &c) {
  e1000_context_desc d{};
  d.ipcss = c.ipcss;
  d.ipcso = c.ipcso;
  d.ipcse = c.ipcse;
  d.tucss = c.tucss;
  d.tucso = c.tucso;
  d.tucse = c.tucse;
  d.paylen[0] = uint8_t(c.paylen);
  d.paylen[1] = uint8_t(c.paylen >> 8);
  d.paylen[2] = uint8_t(E1000_TXD_DTYP_C | ((c.paylen >> 16) & 0xF));
  d.tucmd = uint8_t(c.tucmd | E1000_TXD_CMD_DEXT);
  d.hdr_len = c.hdrlen;
  d.mss = c.mss;
  return desc_image(d);
}
// Data descriptor (DEXT=1, DTYP=1).
inline Desc data_desc(uint64_t addr, uint32_t len, uint8_t dcmd, uint8_t popts = 0,
                      uint16_t vlan = 0) {
  e1000_data_desc d{};
  d.buffer_addr = addr;
  d.dtalen[0] = uint8_t(len);
  d.dtalen[1] = uint8_t(len >> 8);
  d.dtalen[2] = uint8_t(E1000_TXD_DTYP_D | ((len >> 16) & 0xF));
  d.dcmd = uint8_t(dcmd | E1000_TXD_CMD_DEXT);
  d.popts = popts;
  d.special = vlan;
  return desc_image(d);
}

template <class Model, unsigned BeatBytes>
class NicBenchT {
 public:
  static constexpr unsigned kBeatBytes = BeatBytes;  // AxiDataWidth / 8
  static constexpr unsigned kSize = BeatBytes == 16 ? 4 : BeatBytes == 32 ? 5 : 6;
  static_assert(AxiDmaSlave<Model>::kBeatBytes == BeatBytes, "BeatBytes must be the model's AxiDataWidth / 8");

  explicit NicBenchT(unsigned latency = 20, uint64_t seed = 1)
      : ctx_(std::make_unique<VerilatedContext>()), rng_(seed), latency_(latency) {
    top_ = std::make_unique<Model>(ctx_.get());
    rx.on_frame = [this](const WireFrame &f) { frames.push_back(f); };
    lite_.on_done = [this](const typename Lite::Request &r, uint64_t) {
      lite_rdata_ = r.data;
      lite_done_ = true;
    };
    dma_.read = [this](const typename Dma::ReadReq &r, uint64_t now) { serve_read(r, now); };
    dma_.write = [this](const typename Dma::WriteReq &w, uint64_t now) { serve_write(w, now); };
    dma_.stall_ready = [this] { return chance(ready_stall_prob); };
    dma_.hold_r = [this] { return chance(r_stall_prob); };
    msi_.on_msi = [this](uint64_t now) { irq_rises.push_back(now); };
    reset();
  }
  ~NicBenchT() {
    top_->final();
#ifdef WIREPATH_COVERAGE
    // One file per bench (scripts/coverage.sh merges them).
    if (const char *dir = std::getenv("WIREPATH_COV_DIR")) {
      static unsigned n = 0;
      const std::string f = std::string(dir) + "/cov-" + std::to_string(getpid()) + "-" +
                            std::to_string(n++) + ".dat";
      ctx_->coveragep()->write(f.c_str());
    }
#endif
  }

  PhysMem ram{8u << 20};  // host DRAM
  KernelHeap mem{ram};    // buffers and rings for the tests
  XgmiiRx rx;
  std::vector<WireFrame> frames;
  struct WriteLog {
    uint64_t addr, cycle;  // cycle: when WLAST was accepted
    std::vector<uint8_t> data;
    uint64_t strb;
  };
  std::vector<WriteLog> writes;
  uint64_t cycle = 0;
  // Probability that a ready R beat is held back one cycle (stresses the DMA).
  double r_stall_prob = 0.0;
  // Probability that AR/AW/W ready is low in a cycle (checks valid/payload hold).
  double ready_stall_prob = 0.0;
  // Writes for which this returns true are not done and answered with
  // DECERR (by default writes to unmapped addresses are dropped with OKAY).
  std::function<bool(uint64_t addr)> write_fails;
  // Read beats for which this returns true are answered with DECERR, as
  // those outside DRAM are (an IOMMU's refusal, in the driver tests).
  std::function<bool(uint64_t addr)> read_fails;

  Model &top() { return *top_; }
  // No AXI read or write of the NIC is waiting for the host.
  bool bus_idle() const { return dma_.idle(); }
  // Cycles at which irq_o rose.
  std::vector<uint64_t> irq_rises;

  void reset() {
    top_->rst_ni = 0;
    for (int i = 0; i < 4; ++i) tick();
    top_->rst_ni = 1;
    tick();
  }

  // One clock. Requests and responses are timed in `cycle` as it stands
  // before the edge; frames and irq_rises with the count after it.
  void tick() {
    auto &t = *top_;
    const uint64_t now = cycle;
    lite_.drive(t, now, true);
    dma_.drive(t, now);
    t.clk_i = 0;
    t.eval();
    // Handshakes are sampled before the rising edge.
    lite_.sample(t);
    dma_.sample(t);
    t.clk_i = 1;
    t.eval();
    ++cycle;
    lite_.effects(now);
    dma_.effects(now);
    rx.cycle(t.xgmii_txd_o, t.xgmii_txc_o, cycle);
    if (t.irq_o) irq_seen = true;
    msi_.effects(t, cycle);
  }

  void run(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) tick();
  }
  // Ticks until pred() holds; false on timeout.
  bool run_until(const std::function<bool()> &pred, uint64_t max_cycles) {
    for (uint64_t i = 0; i < max_cycles; ++i) {
      if (pred()) return true;
      tick();
    }
    return pred();
  }

  void write32(uint32_t addr, uint32_t value) {
    lite_done_ = false;
    lite_.push({true, addr, value, cycle});
    if (!run_until([&] { return lite_done_; }, 1000)) throw std::runtime_error("AXI-Lite write hang");
  }
  // A write-combined write: one beat on the wide port, in order with the
  // register accesses. post_wide only queues it (to arrive at cycle `at`).
  void post_wide(uint32_t addr, const void *p, unsigned len, uint64_t at) {
    typename Lite::Request r;
    r.write = true;
    r.addr = addr;
    r.arrive = at;
    r.wide_len = len;
    std::memcpy(r.bytes.data(), p, len);
    lite_.push(r);
  }
  void write_wide(uint32_t addr, const void *p, unsigned len) {
    lite_done_ = false;
    post_wide(addr, p, len, cycle);
    if (!run_until([&] { return lite_done_; }, 1000)) throw std::runtime_error("wide write hang");
  }
  uint32_t read32(uint32_t addr) {
    lite_done_ = false;
    lite_.push({false, addr, 0, cycle});
    if (!run_until([&] { return lite_done_; }, 1000)) throw std::runtime_error("AXI-Lite read hang");
    return lite_rdata_;
  }

  struct ReadBurst {
    unsigned id;
    uint64_t addr;
    unsigned beats, beat;
    uint64_t ready_at;
  };
  std::vector<ReadBurst> ar_log;
  bool irq_seen = false;

 private:
  using Lite = AxiLiteMaster<Model>;
  using Dma = AxiDmaSlave<Model>;

  bool chance(double p) { return p > 0 && std::uniform_real_distribution<>(0, 1)(rng_) < p; }

  // The memory: every beat of a burst is read when the AR is taken and is
  // valid `latency_` cycles later.
  void serve_read(const typename Dma::ReadReq &r, uint64_t now) {
    const ReadBurst rb{r.id, r.addr, r.beats, 0, now + latency_};
    if (r.size != kSize || r.burst != 1) throw std::runtime_error("bad AR");
    if (rb.addr % kBeatBytes) throw std::runtime_error("unaligned AR");
    if ((rb.addr & 0xFFF) + rb.beats * kBeatBytes > 0x1000) throw std::runtime_error("AR crosses 4 KiB");
    ar_log.push_back(rb);
    for (unsigned i = 0; i < rb.beats; ++i) {
      typename Dma::RBeat beat{};
      beat.ready = rb.ready_at;
      beat.id = rb.id;
      beat.addr = rb.addr + uint64_t(i) * kBeatBytes;
      const bool ok = ram.contains(beat.addr, kBeatBytes) && !(read_fails && read_fails(beat.addr));
      if (ok) ram.read(beat.addr, beat.data, kBeatBytes);
      beat.resp = ok ? kAxiRespOkay : kAxiRespDecerr;
      beat.last = i + 1 == rb.beats;
      dma_.push_r(beat);
    }
  }
  // Single-beat writes only (the NIC writes one descriptor status at a time);
  // B is valid `latency_` cycles after the edge that completed the write.
  void serve_write(const typename Dma::WriteReq &w, uint64_t now) {
    if (w.len != 0 || w.size != kSize || w.data.size() != kBeatBytes) throw std::runtime_error("bad AW");
    WriteLog wl{w.addr, w.w_last_at, w.data, 0};
    for (unsigned i = 0; i < kBeatBytes; ++i)
      if (w.enable[i]) wl.strb |= uint64_t(1) << i;
    const bool err = write_fails && write_fails(w.addr);
    for (unsigned i = 0; i < kBeatBytes && !err; ++i)
      if (w.enable[i] && ram.contains(w.addr + i, 1)) ram.write(w.addr + i, &wl.data[i], 1);
    writes.push_back(wl);
    dma_.push_b(now + 1 + latency_, w.id, err ? kAxiRespDecerr : kAxiRespOkay);
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::mt19937_64 rng_;
  unsigned latency_;
  Lite lite_;
  Dma dma_;
  MsiEndpoint<Model> msi_;
  uint32_t lite_rdata_ = 0;
  bool lite_done_ = false;
};

// A minimal driver: a descriptor ring in host memory plus packet posting.
struct Segment {
  uint64_t addr;
  uint16_t len;
};

template <class Bench>
class TxRingT {
 public:
  using Segment = rtltest::Segment;

  TxRingT(Bench &b, unsigned n, uint32_t tctl = E1000_TCTL_EN | E1000_TCTL_PSP, uint64_t base = 0)
      : b_(b), n_(n) {
    base_ = base ? base : b.mem.kmalloc(n * 16, 128);
    std::vector<uint8_t> zero(n * 16, 0);
    b.ram.write(base_, zero.data(), zero.size());
    b.write32(E1000_TDBAL, uint32_t(base_));
    b.write32(E1000_TDBAH, uint32_t(base_ >> 32));
    b.write32(E1000_TDLEN, n * 16);
    b.write32(E1000_TDH, 0);
    b.write32(E1000_TDT, 0);
    b.write32(E1000_TCTL, tctl);
  }

  uint64_t desc_addr(unsigned idx) const { return base_ + uint64_t(idx) * 16; }
  uint64_t base() const { return base_; }
  unsigned size() const { return n_; }

  // Writes a prepared descriptor at the tail (not yet visible to the NIC).
  unsigned post_desc(const Desc &d) {
    b_.ram.write(desc_addr(tail_), d.data(), 16);
    const unsigned idx = tail_;
    tail_ = (tail_ + 1) % n_;
    return idx;
  }
  unsigned tail() const { return tail_; }
  unsigned free_slots() { return (b_.read32(E1000_TDH) + n_ - tail_ - 1) % n_; }

  // Writes one descriptor at the tail (not yet visible to the NIC).
  unsigned post(uint64_t addr, uint16_t len, uint8_t cmd) { return post_desc(legacy_desc(addr, len, cmd)); }
  void kick() { b_.write32(E1000_TDT, tail_); }

  // Copies data into a fresh buffer starting offset bytes past a 64-byte boundary.
  uint64_t buffer(const std::vector<uint8_t> &data, unsigned offset = 0) {
    const uint64_t a = b_.mem.kmalloc(data.size() + offset + 64, 64) + offset;
    if (!data.empty()) b_.ram.write(a, data.data(), data.size());
    return a;
  }

  // Posts one packet split into segments; cmd flags go on every descriptor
  // (EOP only on the last). Returns the ring index of the last descriptor.
  unsigned post_packet(const std::vector<Segment> &segs, uint8_t cmd = E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS) {
    unsigned idx = 0;
    for (size_t i = 0; i < segs.size(); ++i)
      idx = post(segs[i].addr, segs[i].len, uint8_t(cmd | (i + 1 == segs.size() ? E1000_TXD_CMD_EOP : 0)));
    return idx;
  }

 private:
  Bench &b_;
  unsigned n_;
  uint64_t base_;
  unsigned tail_ = 0;
};

// Posts packets as ring space allows, then runs until `expect` frames are on
// the wire (or `max_cycles` pass).
template <class Bench, class Ring>
void send_packets(Bench &b, Ring &r, const std::vector<std::vector<Segment>> &pkts, uint8_t cmd,
                  size_t expect, uint64_t max_cycles = 2'000'000) {
  const uint64_t limit = b.cycle + max_cycles;
  size_t i = 0;
  while (i < pkts.size() && b.cycle < limit) {
    unsigned free = r.free_slots();
    bool posted = false;
    while (i < pkts.size() && pkts[i].size() <= free) {
      r.post_packet(pkts[i], cmd);
      free -= unsigned(pkts[i].size());
      ++i;
      posted = true;
    }
    if (posted) r.kick();
    else b.run(64);
  }
  b.run_until([&] { return b.frames.size() >= expect; }, limit > b.cycle ? limit - b.cycle : 0);
}

}  // namespace wirepath::rtltest
