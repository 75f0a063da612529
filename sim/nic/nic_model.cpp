// Verilator's headers first: included after <systemc> they take SystemC's
// clock for theirs, and this model keeps its own cycle time.
#include <verilated.h>
#include <verilated_vcd_c.h>

#include "Vnic_top.h"

#include "sim/nic/nic_model.hpp"
#include "sim/nic/wave_file.hpp"

#include "sim/nic/axi_dma_slave.hpp"
#include "sim/nic/axil_master.hpp"
#include "sim/nic/msi_endpoint.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include "driver/e1000_hw.hpp"
#include "sim/pcie/pcie_link.hpp"
#include "sim/sc_time_util.hpp"

namespace wirepath {

struct NicModel::Bridges {
  AxiLiteMaster<Vnic_top> axil;
  AxiDmaSlave<Vnic_top> dma;
  MsiEndpoint<Vnic_top> msi;
};

namespace {
using Dma = AxiDmaSlave<Vnic_top>;
constexpr unsigned kBeatBytes = Dma::kBeatBytes;
static_assert(kBeatBytes == 16, "the simulator's NIC runs at the RTL's default AxiDataWidth=128");
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
  if (!cfg_.vcd_path.empty()) {
    ctx_->traceEverOn(true);
    wave_file_ = std::make_unique<WaveFile>(WaveFile::format_of(cfg_.vcd_path));
    vcd_ = std::make_unique<VerilatedVcdC>(wave_file_.get());
    // Depth and scope as $dumpvars(depth, scope) (trace()'s own levels
    // argument is ignored by Verilator 5).
    // Level 0 there means everything, whatever the scope; "" matches nothing.
    if (cfg_.wave_depth > 0 || !cfg_.wave_scope.empty())
      vcd_->dumpvars(cfg_.wave_depth > 0 ? cfg_.wave_depth : 99, cfg_.wave_scope.empty() ? "nic" : cfg_.wave_scope);
    top_->trace(vcd_.get(), 99);
    // Opened now, whatever the window: a path that cannot be written fails
    // before the run. The first dump() in the window writes every value.
    vcd_->open(cfg_.vcd_path.c_str());
    if (!vcd_->isOpen())
      throw std::runtime_error(!wave_file_->error().empty()
                                   ? wave_file_->error()
                                   : fmt::format("nic: cannot open VCD file '{}'", cfg_.vcd_path));
  }
  bus_ = std::make_unique<Bridges>();
  bus_->axil.on_done = [this](const AxiLiteMaster<Vnic_top>::Request &r, uint64_t t) {
    if (r.write) {
      stats_.mmio_writes++;
      if (r.wide_len) {
        stats_.mmio_wide_writes++;
        // A push block's header carries the doorbell (TDT): report it as one.
        if (on_mmio_write && r.addr == E1000_TXPUSH && r.wide_len >= 8)
          on_mmio_write(E1000_TDT, uint32_t(r.bytes[0] | r.bytes[1] << 8), t);
        return;
      }
      if (on_mmio_write) on_mmio_write(r.addr, r.data, t);
      return;
    }
    stats_.mmio_reads++;
    const std::shared_ptr<MmioRead> rd = mmio_reads_.front();
    mmio_reads_.pop_front();
    rd->data = r.data;
    rd->done.notify(ps_time(t - now_ps()));
  };
  bus_->dma.read = [this](const Dma::ReadReq &r, uint64_t t) { dma_read(r.id, r.addr, r.beats, t); };
  bus_->dma.write = [this](Dma::WriteReq r, uint64_t t) { dma_write(r.id, r.addr, r.data, r.enable, t); };
  bus_->dma.on_read_beat = [this](const Dma::RBeat &b, uint64_t t) {
    if (on_read_beat) on_read_beat(b.addr, kBeatBytes, t);
  };
  bus_->msi.on_msi = [this](uint64_t t) { send_msi(t); };
  bar0.register_b_transport(this, &NicModel::b_transport_bar0);
  rx_.on_frame = [this](const WireFrame &f) {
    if (on_frame) on_frame(f, edge_time(f.start_cycle));
  };
  SC_HAS_PROCESS(NicModel);
  SC_THREAD(run);
}

NicModel::~NicModel() {
  close_waves();
  if (top_) top_->final();
}

bool NicModel::irq() const { return top_->irq_o; }

std::string NicModel::close_waves() {
  if (!vcd_) return {};
  vcd_->close();
  std::string err = wave_file_->error();
  vcd_.reset();
  return err;
}

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
  const unsigned len = trans.get_data_length();
  // A register access is 4 bytes; a write-combined write (one MWr TLP) may
  // carry up to 64, and goes to the NIC's wide write port whole.
  const bool wide = trans.is_write() && len != 4;
  if ((wide ? (len == 0 || len > 64) : len != 4) || (trans.get_address() & 3) ||
      trans.get_address() + len > (1u << 17)) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  AxiLiteMaster<Vnic_top>::Request req;
  req.write = trans.is_write();
  req.addr = static_cast<uint32_t>(trans.get_address());
  req.arrive = now_ps() + to_ps(delay);
  if (wide) {
    req.wide_len = len;
    std::memcpy(req.bytes.data(), trans.get_data_ptr(), len);
  } else if (req.write) {
    std::memcpy(&req.data, trans.get_data_ptr(), 4);
  }
  // Causality: a request may not arrive at a cycle the RTL has already run
  // (asleep: idle cycles up to the current quantum's start count as run).
  const ps_t nic_at = sleeping_ ? std::max(edge_time(cycle_), wake_grid(now_ps()) - quantum_ * cfg_.clock_period)
                                : edge_time(cycle_);
  if (req.arrive < nic_at)
    throw std::logic_error(fmt::format("nic: MMIO arriving at {} ps but the NIC is already at {} ps: quantum {} "
                                       "cycles exceeds the lookahead",
                                       req.arrive, nic_at, quantum_));
  bus_->axil.push(req);
  std::shared_ptr<MmioRead> rd;
  if (!req.write) {
    rd = std::make_shared<MmioRead>();
    mmio_reads_.push_back(rd);
  }
  if (sleeping_) wake_ev_.notify();
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  if (req.write) return;  // posted
  sc_core::wait(rd->done);
  std::memcpy(trans.get_data_ptr(), &rd->data, 4);
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
  return cfg_.idle_skip && !dumping(edge_time(cycle_)) && cycle_ >= cfg_.reset_cycles && top_->idle_o && bus_->axil.idle() &&
         bus_->dma.idle() && bus_->msi.settled(*top_);
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

// The DMA backend: AR and AW/W become TLM transactions on the link, their
// completions R beats and B responses with the times they arrive.
void NicModel::dma_read(uint32_t id, uint64_t addr, unsigned beats, ps_t t) {
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
  const uint8_t resp = ok ? kAxiRespOkay
                          : (trans.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE ? kAxiRespDecerr
                                                                                             : kAxiRespSlverr);
  const ps_t done = now_ps() + to_ps(delay);
  size_t c = 0;
  for (unsigned b = 0; b < beats; b++) {
    Dma::RBeat beat{};
    // A beat is ready when every completion covering its bytes has arrived.
    ps_t ready = ext.completions.empty() ? done : 0;
    const uint32_t beat_end = (b + 1) * kBeatBytes;
    while (c < ext.completions.size() && ext.completions[c].offset < beat_end) {
      ready = std::max(ready, ext.completions[c].arrive);
      if (ext.completions[c].offset + ext.completions[c].len > beat_end) break;
      c++;
    }
    beat.ready = std::max(ready, t + cfg_.clock_period);
    beat.id = id;
    beat.resp = resp;
    beat.last = b + 1 == beats;
    beat.addr = base + b * kBeatBytes;
    std::memcpy(beat.data, buf.data() + b * kBeatBytes, kBeatBytes);
    bus_->dma.push_r(beat);
  }
}

void NicModel::dma_write(uint32_t id, uint64_t addr, std::vector<uint8_t> &data, std::vector<uint8_t> &enable,
                         ps_t t) {
  tlm::tlm_generic_payload trans;
  trans.set_write();
  trans.set_address(addr & ~uint64_t(kBeatBytes - 1));
  trans.set_data_ptr(data.data());
  trans.set_data_length(static_cast<unsigned>(data.size()));
  trans.set_streaming_width(static_cast<unsigned>(data.size()));
  trans.set_byte_enable_ptr(enable.data());
  trans.set_byte_enable_length(static_cast<unsigned>(enable.size()));
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = ps_time(t - now_ps());
  dma->b_transport(trans, delay);
  stats_.dma_writes++;
  const bool ok = trans.is_response_ok();
  if (!ok) stats_.dma_errors++;
  bus_->dma.push_b(std::max(now_ps() + to_ps(delay), t + cfg_.clock_period), id, ok ? kAxiRespOkay : kAxiRespDecerr);
}

// MSI: a posted write of the configured message to the configured address.
void NicModel::send_msi(ps_t t) {
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

// One clock: every bridge drives its inputs, the falling edge settles them,
// the bridges sample the handshakes, the rising edge, then their effects in
// a fixed order (the link reserves its slots in call order, so this order
// is part of the result): MMIO completion, DMA (writes before reads), wire,
// MSI.
void NicModel::cycle() {
  const ps_t t = edge_time(cycle_);
  Vnic_top &n = *top_;
  const bool in_reset = cycle_ < cfg_.reset_cycles;
  n.rst_ni = !in_reset;
  bus_->axil.drive(n, t, !in_reset);
  bus_->dma.drive(n, t);

  n.clk_i = 0;
  n.eval();
  if (dumping(t)) vcd_->dump(t - cfg_.clock_period / 2);
  bus_->axil.sample(n);
  bus_->dma.sample(n);

  n.clk_i = 1;
  n.eval();
  if (dumping(t)) vcd_->dump(t);
  if (ctx_->gotError())
    throw std::runtime_error(fmt::format("nic: RTL assertion failed at cycle {} ({} ps)", cycle_, t));

  bus_->axil.effects(t);
  bus_->dma.effects(t);
  rx_.cycle(n.xgmii_txd_o, n.xgmii_txc_o, cycle_);
  bus_->msi.effects(n, t);
  stats_.cycles++;
  cycle_++;
}

}  // namespace wirepath
