// NicBenchT: owns a Verilated nic_top (any AxiDataWidth; include the model
// header first), clocks it, serves its AXI4 master from a
// PhysMem with a fixed latency (outside DRAM -> DECERR), drives AXI-Lite
// register accesses and feeds the XGMII wire into an XgmiiRx.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "stack/kernel/kmalloc.hpp"
#include "sim/wire/xgmii_rx.hpp"
#include "verilated.h"
#ifdef WIREPATH_COVERAGE
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "verilated_cov.h"
#endif

namespace wirepath::rtltest {

// BAR0 offsets and bits used by the tests.
enum : uint32_t {
  kCtrl = 0x0000, kStatus = 0x0008, kIcr = 0x00C0, kIcs = 0x00C8, kIms = 0x00D0, kImc = 0x00D8,
  kTctl = 0x0400, kTipg = 0x0410, kTdbal = 0x3800, kTdbah = 0x3804, kTdlen = 0x3808,
  kTdh = 0x3810, kTdt = 0x3818, kGptc = 0x4080, kGotcl = 0x4090, kGotch = 0x4094,
  kTotl = 0x40C8, kToth = 0x40CC, kTpt = 0x40D4,
  kItr = 0x00C4, kTidv = 0x3820, kTadv = 0x382C, kPtc64 = 0x40D8, kPtc127 = 0x40DC,
  kPtc255 = 0x40E0, kPtc511 = 0x40E4, kPtc1023 = 0x40E8, kPtc1522 = 0x40EC, kMptc = 0x40F0,
  kBptc = 0x40F4, kTsctc = 0x40F8, kTsctfc = 0x40FC,
  kTdzc = 0x5F00, kTdoc = 0x5F04, kTdec = 0x5F08, kTdbc = 0x5F0C, kTrjc = 0x5F10, kTwec = 0x5F14,
};
constexpr uint32_t kCtrlRst = 1u << 26, kTctlEn = 1u << 1, kTctlPsp = 1u << 3;
constexpr uint32_t kCtrlVme = 1u << 30, kCtrlGioDis = 1u << 2, kStatusGioEn = 1u << 19;
constexpr uint32_t kIcrTxdw = 1u << 0, kIcrTxqe = 1u << 1, kIcrDmaErr = 1u << 5;
constexpr uint8_t kCmdEop = 0x01, kCmdIfcs = 0x02, kCmdIc = 0x04, kCmdRs = 0x08, kCmdTse = 0x04,
                  kCmdDext = 0x20, kCmdVle = 0x40, kCmdIde = 0x80;
constexpr uint8_t kTucmdTcp = 0x01, kTucmdIp = 0x02, kTucmdTse = 0x04;
constexpr uint8_t kPoptsIxsm = 0x01, kPoptsTxsm = 0x02;

// 8254x descriptor images (16 bytes, little endian).
using Desc = std::array<uint8_t, 16>;
inline Desc legacy_desc(uint64_t addr, uint16_t len, uint8_t cmd, uint8_t cso = 0, uint8_t css = 0,
                        uint16_t special = 0) {
  Desc d{};
  std::memcpy(d.data(), &addr, 8);
  std::memcpy(d.data() + 8, &len, 2);
  d[10] = cso;
  d[11] = cmd;
  d[13] = css;
  std::memcpy(d.data() + 14, &special, 2);
  return d;
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
  Desc d{};
  d[0] = c.ipcss;
  d[1] = c.ipcso;
  std::memcpy(d.data() + 2, &c.ipcse, 2);
  d[4] = c.tucss;
  d[5] = c.tucso;
  std::memcpy(d.data() + 6, &c.tucse, 2);
  d[8] = uint8_t(c.paylen);
  d[9] = uint8_t(c.paylen >> 8);
  d[10] = uint8_t((c.paylen >> 16) & 0xF);  // DTYP 0 in bits 7:4
  d[11] = uint8_t(c.tucmd | kCmdDext);
  d[13] = c.hdrlen;
  std::memcpy(d.data() + 14, &c.mss, 2);
  return d;
}
// Data descriptor (DEXT=1, DTYP=1).
inline Desc data_desc(uint64_t addr, uint32_t len, uint8_t dcmd, uint8_t popts = 0,
                      uint16_t vlan = 0) {
  Desc d{};
  std::memcpy(d.data(), &addr, 8);
  d[8] = uint8_t(len);
  d[9] = uint8_t(len >> 8);
  d[10] = uint8_t(0x10 | ((len >> 16) & 0xF));
  d[11] = uint8_t(dcmd | kCmdDext);
  d[13] = popts;
  std::memcpy(d.data() + 14, &vlan, 2);
  return d;
}

template <class Model, unsigned BeatBytes>
class NicBenchT {
 public:
  static constexpr unsigned kBeatBytes = BeatBytes;  // AxiDataWidth / 8
  static constexpr unsigned kSize = BeatBytes == 16 ? 4 : BeatBytes == 32 ? 5 : 6;

  explicit NicBenchT(unsigned latency = 20, uint64_t seed = 1)
      : ctx_(std::make_unique<VerilatedContext>()), rng_(seed), latency_(latency) {
    top_ = std::make_unique<Model>(ctx_.get());
    rx.on_frame = [this](const WireFrame &f) { frames.push_back(f); };
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
    uint64_t addr, cycle;
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
  bool bus_idle() const { return reads_.empty() && bresp_.empty() && aws_.empty() && ws_.empty(); }
  // Cycles at which irq_o rose.
  std::vector<uint64_t> irq_rises;

  void reset() {
    top_->rst_ni = 0;
    for (int i = 0; i < 4; ++i) tick();
    top_->rst_ni = 1;
    tick();
  }

  void tick() {
    auto &t = *top_;
    drive();
    t.clk_i = 0;
    t.eval();
    // Handshakes are sampled before the rising edge.
    const bool ar_fire = t.m_axi_arvalid_o && t.m_axi_arready_i;
    const bool r_fire = t.m_axi_rvalid_i && t.m_axi_rready_o;
    const bool aw_fire = t.m_axi_awvalid_o && t.m_axi_awready_i;
    const bool w_fire = t.m_axi_wvalid_o && t.m_axi_wready_i;
    const bool b_fire = t.m_axi_bvalid_i && t.m_axi_bready_o;
    const bool lw_fire = t.s_axil_awvalid_i && t.s_axil_awready_o;
    const bool lb_fire = t.s_axil_bvalid_o && t.s_axil_bready_i;
    const bool lar_fire = t.s_axil_arvalid_i && t.s_axil_arready_o;
    const bool lr_fire = t.s_axil_rvalid_o && t.s_axil_rready_i;
    if (ar_fire) {
      ReadBurst rb{t.m_axi_arid_o, t.m_axi_araddr_o, unsigned(t.m_axi_arlen_o) + 1, 0,
                   cycle + latency_};
      if (t.m_axi_arsize_o != kSize || t.m_axi_arburst_o != 1) throw std::runtime_error("bad AR");
      if (rb.addr % kBeatBytes) throw std::runtime_error("unaligned AR");
      if ((rb.addr & 0xFFF) + rb.beats * kBeatBytes > 0x1000)
        throw std::runtime_error("AR crosses 4 KiB");
      reads_.push_back(rb);
      ar_log.push_back(rb);
    }
    if (aw_fire) aws_.push_back({t.m_axi_awaddr_o, t.m_axi_awlen_o, t.m_axi_awsize_o});
    if (w_fire) {
      WriteLog wl{0, cycle, std::vector<uint8_t>(kBeatBytes), uint64_t(t.m_axi_wstrb_o)};
      std::memcpy(wl.data.data(), &t.m_axi_wdata_o[0], kBeatBytes);
      if (!t.m_axi_wlast_o) throw std::runtime_error("W without WLAST");
      ws_.push_back(wl);
    }
    t.clk_i = 1;
    t.eval();
    ++cycle;
    rx.cycle(t.xgmii_txd_o, t.xgmii_txc_o, cycle);

    if (r_fire) {
      auto &rb = reads_.front();
      if (++rb.beat == rb.beats) reads_.pop_front();
    }
    while (!aws_.empty() && !ws_.empty()) {
      auto aw = aws_.front();
      auto wl = ws_.front();
      aws_.pop_front();
      ws_.pop_front();
      if (aw.len != 0 || aw.size != kSize) throw std::runtime_error("bad AW");
      wl.addr = aw.addr;
      const bool err = write_fails && write_fails(aw.addr);
      for (unsigned i = 0; i < kBeatBytes && !err; ++i)
        if ((wl.strb >> i) & 1u && ram.contains(aw.addr + i, 1)) ram.write(aw.addr + i, &wl.data[i], 1);
      writes.push_back(wl);
      bresp_.push_back({cycle + latency_, err});
    }
    if (b_fire) bresp_.pop_front();
    if (lw_fire) lite_w_pending_ = false;
    if (lb_fire) lite_b_done_ = true;
    if (lar_fire) lite_ar_pending_ = false;
    if (lr_fire) {
      lite_rdata_ = t.s_axil_rdata_o;
      lite_r_done_ = true;
    }
    if (t.irq_o) irq_seen = true;
    if (t.irq_o && !irq_prev_) irq_rises.push_back(cycle);
    irq_prev_ = t.irq_o;
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
    lite_addr_ = addr;
    lite_wdata_ = value;
    lite_w_pending_ = true;
    lite_b_done_ = false;
    if (!run_until([&] { return lite_b_done_; }, 1000)) throw std::runtime_error("AXI-Lite write hang");
  }
  uint32_t read32(uint32_t addr) {
    lite_raddr_ = addr;
    lite_ar_pending_ = true;
    lite_r_done_ = false;
    if (!run_until([&] { return lite_r_done_; }, 1000)) throw std::runtime_error("AXI-Lite read hang");
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
  void drive() {
    auto &t = *top_;
    t.s_axil_awaddr_i = lite_addr_;
    t.s_axil_awvalid_i = lite_w_pending_;
    t.s_axil_wdata_i = lite_wdata_;
    t.s_axil_wstrb_i = 0xF;
    t.s_axil_wvalid_i = lite_w_pending_;
    t.s_axil_bready_i = 1;
    t.s_axil_araddr_i = lite_raddr_;
    t.s_axil_arvalid_i = lite_ar_pending_;
    t.s_axil_rready_i = 1;

    auto stall = [&] {
      return ready_stall_prob > 0 && std::uniform_real_distribution<>(0, 1)(rng_) < ready_stall_prob;
    };
    t.m_axi_arready_i = !stall();
    t.m_axi_awready_i = !stall();
    t.m_axi_wready_i = !stall();
    t.m_axi_rvalid_i = 0;
    t.m_axi_rlast_i = 0;
    if (!reads_.empty() && reads_.front().ready_at <= cycle &&
        !(r_stall_prob > 0 && std::uniform_real_distribution<>(0, 1)(rng_) < r_stall_prob)) {
      const auto &rb = reads_.front();
      const uint64_t a = rb.addr + uint64_t(rb.beat) * kBeatBytes;
      uint8_t buf[kBeatBytes] = {};
      const bool ok = ram.contains(a, kBeatBytes) && !(read_fails && read_fails(a));
      if (ok) ram.read(a, buf, kBeatBytes);
      t.m_axi_rvalid_i = 1;
      t.m_axi_rid_i = rb.id;
      t.m_axi_rresp_i = ok ? 0 : 3;  // DECERR
      t.m_axi_rlast_i = rb.beat + 1 == rb.beats;
      std::memcpy(&t.m_axi_rdata_i[0], buf, kBeatBytes);
    }
    t.m_axi_bvalid_i = !bresp_.empty() && bresp_.front().at <= cycle;
    t.m_axi_bid_i = 0;
    t.m_axi_bresp_i = !bresp_.empty() && bresp_.front().err ? 3 : 0;
  }

  struct Aw {
    uint64_t addr;
    unsigned len, size;
  };
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::mt19937_64 rng_;
  unsigned latency_;
  std::deque<ReadBurst> reads_;
  std::deque<Aw> aws_;
  std::deque<WriteLog> ws_;
  struct BResp {
    uint64_t at;
    bool err;
  };
  std::deque<BResp> bresp_;
  uint32_t lite_addr_ = 0, lite_wdata_ = 0, lite_raddr_ = 0, lite_rdata_ = 0;
  bool irq_prev_ = false;
  bool lite_w_pending_ = false, lite_b_done_ = false, lite_ar_pending_ = false, lite_r_done_ = false;
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

  TxRingT(Bench &b, unsigned n, uint32_t tctl = kTctlEn | kTctlPsp, uint64_t base = 0)
      : b_(b), n_(n) {
    base_ = base ? base : b.mem.kmalloc(n * 16, 128);
    std::vector<uint8_t> zero(n * 16, 0);
    b.ram.write(base_, zero.data(), zero.size());
    b.write32(kTdbal, uint32_t(base_));
    b.write32(kTdbah, uint32_t(base_ >> 32));
    b.write32(kTdlen, n * 16);
    b.write32(kTdh, 0);
    b.write32(kTdt, 0);
    b.write32(kTctl, tctl);
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
  unsigned free_slots() { return (b_.read32(kTdh) + n_ - tail_ - 1) % n_; }

  // Writes one descriptor at the tail (not yet visible to the NIC).
  unsigned post(uint64_t addr, uint16_t len, uint8_t cmd) {
    uint8_t d[16] = {};
    std::memcpy(d, &addr, 8);
    std::memcpy(d + 8, &len, 2);
    d[11] = cmd;
    b_.ram.write(desc_addr(tail_), d, 16);
    const unsigned idx = tail_;
    tail_ = (tail_ + 1) % n_;
    return idx;
  }
  void kick() { b_.write32(kTdt, tail_); }

  // Copies data into a fresh buffer starting offset bytes past a 64-byte boundary.
  uint64_t buffer(const std::vector<uint8_t> &data, unsigned offset = 0) {
    const uint64_t a = b_.mem.kmalloc(data.size() + offset + 64, 64) + offset;
    if (!data.empty()) b_.ram.write(a, data.data(), data.size());
    return a;
  }

  // Posts one packet split into segments; cmd flags go on every descriptor
  // (EOP only on the last). Returns the ring index of the last descriptor.
  unsigned post_packet(const std::vector<Segment> &segs, uint8_t cmd = kCmdIfcs | kCmdRs) {
    unsigned idx = 0;
    for (size_t i = 0; i < segs.size(); ++i)
      idx = post(segs[i].addr, segs[i].len, uint8_t(cmd | (i + 1 == segs.size() ? kCmdEop : 0)));
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
