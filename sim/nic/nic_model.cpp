// Verilator's headers first: included after <systemc> they take SystemC's
// clock for theirs, and this model keeps its own cycle time.
#include <verilated.h>
#include <verilated_vcd_c.h>

#include "Vnic_top.h"

#include "sim/nic/nic_model.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include "sim/pcie/pcie_link.hpp"
#include "sim/pcie/sc_time_util.hpp"

namespace wirepath {

namespace {
constexpr unsigned kBeatBytes = 16;  // the sim adapter serves the RTL's default 128-bit AXI
constexpr uint8_t kRespOkay = 0, kRespSlverr = 2, kRespDecerr = 3;

template <typename W>
void wide_from_bytes(W &w, const uint8_t *b) {
  for (unsigned i = 0; i < kBeatBytes / 4; i++) {
    uint32_t v;
    std::memcpy(&v, b + 4 * i, 4);
    w[i] = v;
  }
}
template <typename W>
void wide_to_bytes(const W &w, uint8_t *b) {
  for (unsigned i = 0; i < kBeatBytes / 4; i++) {
    const uint32_t v = w[i];
    std::memcpy(b + 4 * i, &v, 4);
  }
}
}  // namespace

void NicConfig::validate() const {
  if (clock_period == 0 || clock_period % 2)
    throw std::invalid_argument(fmt::format("nic: clock_period={} ps must be even and > 0", clock_period));
  if (quantum_cycles == 0) throw std::invalid_argument("nic: quantum_cycles must be >= 1");
  if (reset_cycles == 0) throw std::invalid_argument("nic: reset_cycles must be >= 1");
}

NicModel::NicModel(sc_core::sc_module_name name, const NicConfig &cfg, ps_t lookahead)
    : sc_core::sc_module(name), bar0("bar0"), dma("dma"), cfg_(cfg) {
  cfg_.validate();
  // Exactness needs every quantum to end before anything the host does in it
  // can arrive: quantum <= lookahead.
  const ps_t max_q = lookahead / cfg_.clock_period;
  if (max_q == 0)
    throw std::invalid_argument(fmt::format("nic: lookahead {} ps is shorter than a clock cycle", lookahead));
  quantum_ = static_cast<unsigned>(std::min<ps_t>(cfg_.quantum_cycles, max_q));

  ctx_ = std::make_unique<VerilatedContext>();
  ctx_->fatalOnError(false);  // an assertion failure becomes an exception, not abort()
  top_ = std::make_unique<Vnic_top>(ctx_.get(), "nic");
  static_assert(sizeof(top_->m_axi_rdata_i) == kBeatBytes, "sim adapter expects AxiDataWidth=128");
  if (!cfg_.vcd_path.empty()) {
    ctx_->traceEverOn(true);
    vcd_ = std::make_unique<VerilatedVcdC>();
    top_->trace(vcd_.get(), 99);
    vcd_->open(cfg_.vcd_path.c_str());
    if (!vcd_->isOpen()) throw std::runtime_error(fmt::format("nic: cannot open VCD file '{}'", cfg_.vcd_path));
  }
  bar0.register_b_transport(this, &NicModel::b_transport_bar0);
  rx_.on_frame = [this](const WireFrame &f) {
    if (on_frame) on_frame(f, edge_time(f.start_cycle));
  };
  SC_HAS_PROCESS(NicModel);
  SC_THREAD(run);
}

NicModel::~NicModel() {
  if (vcd_) vcd_->close();
  if (top_) top_->final();
}

bool NicModel::irq() const { return top_->irq_o; }

NicStats NicModel::stats() const {
  NicStats s = stats_;
  if (sleeping_) {
    // Clocking would have run the quantum that contains now (section "idle
    // sleep" in run()).
    const uint64_t to = wake_grid(now_ps()) / cfg_.clock_period - 1;
    if (to > cycle_) {
      s.cycles += to - cycle_;
      s.skipped_cycles += to - cycle_;
    }
  }
  return s;
}

void NicModel::b_transport_bar0(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
  if (trans.get_data_length() != 4 || (trans.get_address() & 3) || trans.get_address() >= (1u << 17)) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  auto req = std::make_shared<MmioReq>();
  req->write = trans.is_write();
  req->addr = static_cast<uint32_t>(trans.get_address());
  req->arrive = now_ps() + to_ps(delay);
  if (req->write) std::memcpy(&req->data, trans.get_data_ptr(), 4);
  // Causality: a request may not arrive at a cycle the RTL has already run
  // (asleep: idle cycles up to the current quantum's start count as run).
  const ps_t nic_at = sleeping_ ? std::max(edge_time(cycle_), wake_grid(now_ps()) - quantum_ * cfg_.clock_period)
                                : edge_time(cycle_);
  if (req->arrive < nic_at)
    throw std::logic_error(fmt::format("nic: MMIO arriving at {} ps but the NIC is already at {} ps: quantum {} "
                                       "cycles exceeds the lookahead",
                                       req->arrive, nic_at, quantum_));
  if (!mmio_q_.empty() && req->arrive < mmio_q_.back()->arrive)
    throw std::logic_error("nic: MMIO requests arrived out of order (link must be FIFO)");
  mmio_q_.push_back(req);
  if (sleeping_) wake_ev_.notify();
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  if (req->write) return;  // posted
  sc_core::wait(req->done);
  std::memcpy(trans.get_data_ptr(), &req->data, 4);
  delay = sc_core::SC_ZERO_TIME;  // answered now (the NIC notified at its cycle)
}

// Idle sleep. Clocking runs quantum after quantum: at each boundary G (a
// multiple of the quantum, which is a multiple of the clock period) the
// cycles with edges in [G, G + quantum) are run, then the thread waits until
// G + quantum. When the RTL reports idle_o (the next edge changes nothing
// while its inputs stay idle) and nothing is queued for it (no MMIO request,
// R beat, B response, write data; the interrupt line settled), the only
// thing that can give it a non-idle input is a new MMIO request: DMA
// responses only answer requests, and there are none. So the thread sleeps
// on wake_ev_, which b_transport_bar0 notifies. A request queued at time T,
// with T in [G, G + quantum), arrives at or after T + lookahead >= G + quantum
// (causality, as for every quantum). Clocking would have run idle cycles up
// to G + quantum; they change no state, so the sleeper moves cycle_ (and the
// wire monitor's idle count) there, waits until G + quantum, and goes on
// exactly as clocking would: every later quantum starts at the same SystemC
// time, so DMA and MSI calls reach the bus model at the same times in the
// same order. Never with a VCD open (it would need the clock in the gap).
bool NicModel::may_sleep() const {
  return cfg_.idle_skip && !vcd_ && cycle_ >= cfg_.reset_cycles && top_->idle_o && mmio_q_.empty() &&
         r_q_.empty() && b_q_.empty() && aw_q_.empty() && w_data_.empty() && !axil_aw_done_ && !axil_w_done_ &&
         !axil_ar_done_ && irq_q_ == static_cast<bool>(top_->irq_o);
}

// The first quantum boundary after t.
ps_t NicModel::wake_grid(ps_t t) const {
  const ps_t q = quantum_ * cfg_.clock_period;
  return (t / q + 1) * q;
}

// Move the NIC to the cycle whose edge is `grid`, as if every cycle before
// it had been clocked with idle inputs.
void NicModel::skip_to(ps_t grid) {
  const uint64_t to = grid / cfg_.clock_period - 1;
  if (to <= cycle_) return;
  const uint64_t n = to - cycle_;
  rx_.idle(n, cycle_);
  stats_.cycles += n;
  stats_.skipped_cycles += n;
  cycle_ = to;
}

void NicModel::run() {
  const ps_t q = quantum_ * cfg_.clock_period;
  for (;;) {
    const ps_t now = now_ps();
    const ps_t limit = now + q;
    while (edge_time(cycle_) < limit) cycle();
    if (limit % q == 0 && may_sleep()) {
      sleeping_ = true;
      sc_core::wait(wake_ev_);
      sleeping_ = false;
      const ps_t t = now_ps();
      const ps_t grid = std::max(limit, wake_grid(t));
      skip_to(grid);
      sc_core::wait(ps_time(grid - t));
      continue;
    }
    sc_core::wait(ps_time(limit - now));
  }
}

void NicModel::issue_read(uint32_t id, uint64_t addr, unsigned beats, ps_t t) {
  const uint64_t base = addr & ~uint64_t(kBeatBytes - 1);
  const unsigned len = beats * kBeatBytes;
  std::vector<uint8_t> buf(len, 0);
  tlm::tlm_generic_payload trans;
  DmaCompletionExt ext;
  trans.set_read();
  trans.set_address(base);
  trans.set_data_ptr(buf.data());
  trans.set_data_length(len);
  trans.set_streaming_width(len);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  trans.set_extension(&ext);
  sc_core::sc_time delay = ps_time(t - now_ps());
  dma->b_transport(trans, delay);
  trans.clear_extension(&ext);
  stats_.dma_reads++;
  stats_.dma_read_bytes += len;
  const bool ok = trans.is_response_ok();
  if (!ok) stats_.dma_errors++;
  const uint8_t resp = ok ? kRespOkay
                          : (trans.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE ? kRespDecerr
                                                                                             : kRespSlverr);
  const ps_t done = now_ps() + to_ps(delay);
  size_t c = 0;
  for (unsigned b = 0; b < beats; b++) {
    RBeat beat{};
    // A beat is ready when every completion covering its bytes has arrived.
    ps_t ready = ext.completions.empty() ? done : 0;
    const uint32_t beat_end = (b + 1) * kBeatBytes;
    while (c < ext.completions.size() && ext.completions[c].offset < beat_end) {
      ready = std::max(ready, ext.completions[c].arrive);
      if (ext.completions[c].offset + ext.completions[c].len > beat_end) break;
      c++;
    }
    beat.ready = std::max(ready, t + cfg_.clock_period);
    if (!r_q_.empty()) beat.ready = std::max(beat.ready, r_q_.back().ready);  // one R channel, in order
    beat.id = id;
    beat.resp = resp;
    beat.last = b + 1 == beats;
    beat.addr = base + b * kBeatBytes;
    std::memcpy(beat.data, buf.data() + b * kBeatBytes, kBeatBytes);
    r_q_.push_back(beat);
  }
}

void NicModel::issue_write(const AwReq &aw, ps_t t) {
  tlm::tlm_generic_payload trans;
  trans.set_write();
  trans.set_address(aw.addr & ~uint64_t(kBeatBytes - 1));
  trans.set_data_ptr(w_data_.data());
  trans.set_data_length(static_cast<unsigned>(w_data_.size()));
  trans.set_streaming_width(static_cast<unsigned>(w_data_.size()));
  trans.set_byte_enable_ptr(w_be_.data());
  trans.set_byte_enable_length(static_cast<unsigned>(w_be_.size()));
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = ps_time(t - now_ps());
  dma->b_transport(trans, delay);
  stats_.dma_writes++;
  const bool ok = trans.is_response_ok();
  if (!ok) stats_.dma_errors++;
  b_q_.push_back({std::max(now_ps() + to_ps(delay), t + cfg_.clock_period), aw.id, ok ? kRespOkay : kRespDecerr});
  w_data_.clear();
  w_be_.clear();
}

void NicModel::cycle() {
  const ps_t t = edge_time(cycle_);
  Vnic_top &n = *top_;
  const bool in_reset = cycle_ < cfg_.reset_cycles;
  n.rst_ni = !in_reset;

  // --- inputs for this rising edge ---
  MmioReq *m = (!in_reset && !mmio_q_.empty() && mmio_q_.front()->arrive <= t) ? mmio_q_.front().get() : nullptr;
  n.s_axil_awvalid_i = m && m->write && !axil_aw_done_;
  n.s_axil_wvalid_i = m && m->write && !axil_w_done_;
  n.s_axil_awaddr_i = m ? m->addr : 0;
  n.s_axil_araddr_i = m ? m->addr : 0;
  n.s_axil_wdata_i = m ? m->data : 0;
  n.s_axil_wstrb_i = 0xF;
  n.s_axil_arvalid_i = m && !m->write && !axil_ar_done_;
  n.s_axil_bready_i = 1;
  n.s_axil_rready_i = 1;

  const bool r_valid = !r_q_.empty() && r_q_.front().ready <= t;
  n.m_axi_rvalid_i = r_valid;
  if (r_valid) {
    const RBeat &b = r_q_.front();
    wide_from_bytes(n.m_axi_rdata_i, b.data);
    n.m_axi_rid_i = b.id;
    n.m_axi_rresp_i = b.resp;
    n.m_axi_rlast_i = b.last;
  }
  const bool b_valid = !b_q_.empty() && b_q_.front().ready <= t;
  n.m_axi_bvalid_i = b_valid;
  n.m_axi_bid_i = b_valid ? b_q_.front().id : 0;
  n.m_axi_bresp_i = b_valid ? b_q_.front().resp : 0;
  n.m_axi_arready_i = 1;
  n.m_axi_awready_i = 1;
  n.m_axi_wready_i = 1;

  n.clk_i = 0;
  n.eval();
  if (vcd_) vcd_->dump(t - cfg_.clock_period / 2);

  // --- handshakes as they stand just before the edge ---
  const bool axil_aw = n.s_axil_awvalid_i && n.s_axil_awready_o;
  const bool axil_w = n.s_axil_wvalid_i && n.s_axil_wready_o;
  const bool axil_b = n.s_axil_bvalid_o;
  const bool axil_ar = n.s_axil_arvalid_i && n.s_axil_arready_o;
  const bool axil_r = n.s_axil_rvalid_o;
  const uint32_t axil_rdata = n.s_axil_rdata_o;
  const bool ar = n.m_axi_arvalid_o;
  const uint32_t ar_id = n.m_axi_arid_o;
  const uint64_t ar_addr = n.m_axi_araddr_o;
  const unsigned ar_beats = n.m_axi_arlen_o + 1u;
  const bool r_fire = r_valid && n.m_axi_rready_o;
  const bool aw = n.m_axi_awvalid_o;
  const AwReq aw_req{n.m_axi_awid_o, n.m_axi_awaddr_o};
  const bool w = n.m_axi_wvalid_o;
  const bool w_last = n.m_axi_wlast_o;
  uint8_t w_beat[kBeatBytes];
  if (w) wide_to_bytes(n.m_axi_wdata_o, w_beat);
  const uint32_t w_strb = n.m_axi_wstrb_o;
  const bool b_fire = b_valid && n.m_axi_bready_o;

  n.clk_i = 1;
  n.eval();
  if (vcd_) vcd_->dump(t);
  if (ctx_->gotError())
    throw std::runtime_error(fmt::format("nic: RTL assertion failed at cycle {} ({} ps)", cycle_, t));

  // --- effects of the edge ---
  if (axil_aw) axil_aw_done_ = true;
  if (axil_w) axil_w_done_ = true;
  if (axil_ar) axil_ar_done_ = true;
  if (m && m->write && axil_aw_done_ && axil_w_done_ && axil_b) {
    stats_.mmio_writes++;
    if (on_mmio_write) on_mmio_write(m->addr, m->data, t);
    axil_aw_done_ = axil_w_done_ = false;
    mmio_q_.pop_front();
  } else if (m && !m->write && axil_ar_done_ && axil_r) {
    stats_.mmio_reads++;
    m->data = axil_rdata;
    m->done.notify(ps_time(t - now_ps()));
    axil_ar_done_ = false;
    mmio_q_.pop_front();
  }
  if (r_fire) {
    if (on_read_beat) on_read_beat(r_q_.front().addr, kBeatBytes, t);
    r_q_.pop_front();
  }
  if (b_fire) b_q_.pop_front();
  if (aw) aw_q_.push_back(aw_req);
  if (w) {
    w_data_.insert(w_data_.end(), w_beat, w_beat + kBeatBytes);
    for (unsigned i = 0; i < kBeatBytes; i++) w_be_.push_back((w_strb >> i) & 1 ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED);
    if (w_last) {
      if (aw_q_.empty()) throw std::logic_error("nic: AXI W data with WLAST before its AW (adapter assumes AW first)");
      issue_write(aw_q_.front(), t);
      aw_q_.pop_front();
    }
  }
  if (ar) issue_read(ar_id, ar_addr, ar_beats, t);

  rx_.cycle(n.xgmii_txd_o, n.xgmii_txc_o, cycle_);

  // MSI on each rising edge of the interrupt line (ICR & IMS became non-zero).
  if (n.irq_o && !irq_q_) {
    tlm::tlm_generic_payload trans;
    uint32_t data = cfg_.msi_data;
    trans.set_write();
    trans.set_address(cfg_.msi_address);
    trans.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
    trans.set_data_length(4);
    trans.set_streaming_width(4);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = ps_time(t - now_ps());
    dma->b_transport(trans, delay);
    stats_.msis++;
  }
  irq_q_ = n.irq_o;
  stats_.cycles++;
  cycle_++;
}

}  // namespace wirepath
