// The Verilated NIC inside SystemC. One SC_THREAD clocks the RTL in a tight
// loop for a quantum of cycles, then syncs with SystemC time. The quantum
// never exceeds the shortest host->NIC latency (the lookahead), so no MMIO can
// arrive inside a quantum already simulated: the result is cycle-exact, not
// approximate. AXI-Lite, AXI4 and MSI are adapted to TLM here, in C++, by the
// bridges in this folder, not through per-port sc_signals (10x faster;
// toolchain notes).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "sim/pcie/pcie_config.hpp"
#include "sim/wire/xgmii_rx.hpp"

class Vnic_top;
class VerilatedContext;
class VerilatedVcdC;
namespace wirepath { class WaveFile; }

namespace wirepath {

struct NicConfig {
  ps_t clock_period = 6400;      // 156.25 MHz: 64 bits x 156.25 MHz = 10 Gb/s
  unsigned quantum_cycles = 32;  // clamped to the lookahead given to the model
  unsigned reset_cycles = 8;
  std::string vcd_path;          // empty: no waveform; ".fst": FST (through vcd2fst), else VCD
  // Waves are dumped for clock edges in [wave_from, wave_to] only; outside
  // that window idle skip works as without waves.
  ps_t wave_from = 0, wave_to = ~ps_t{0};
  int wave_depth = 0;            // scope levels traced (as $dumpvars); 0: all
  std::string wave_scope;        // only this scope and below, e.g. "nic.u_mac" (as $dumpvars); "": all
  uint64_t msi_address = 0xFEE0'0000;
  uint32_t msi_data = 0x0041;
  // Stop clocking the RTL while it reports idle_o and nothing is queued for
  // it; exact (see run()). Never while a VCD is written.
  bool idle_skip = true;
  void validate() const;
};

struct NicStats {
  uint64_t cycles = 0, mmio_writes = 0, mmio_reads = 0, dma_reads = 0, dma_read_bytes = 0;
  uint64_t dma_writes = 0, dma_errors = 0, msis = 0;
  uint64_t mmio_wide_writes = 0;  // of mmio_writes, write-combined (descriptor push) ones
  uint64_t skipped_cycles = 0;  // of `cycles`, idle ones not clocked (idle_skip)
};

class NicModel : public sc_core::sc_module {
public:
  tlm_utils::simple_target_socket<NicModel> bar0;
  tlm_utils::simple_initiator_socket<NicModel> dma;

  // lookahead: the shortest time from a host action to its arrival at the NIC.
  NicModel(sc_core::sc_module_name name, const NicConfig &cfg, ps_t lookahead);
  ~NicModel() override;

  // Called for every frame the wire monitor decodes; time is its /S/ edge.
  std::function<void(const WireFrame &, ps_t start)> on_frame;
  // Observers for latency accounting (address-based, so no RTL internals).
  std::function<void(uint32_t reg, uint32_t value, ps_t t)> on_mmio_write;
  std::function<void(uint64_t addr, unsigned len, ps_t t)> on_read_beat;

  // Cycles the NIC has run by now; while it sleeps idle, those clocking
  // would have run are counted as skipped.
  NicStats stats() const;
  const XgmiiRx &wire_rx() const { return rx_; }
  ps_t edge_time(uint64_t cycle) const { return (cycle + 1) * cfg_.clock_period; }
  unsigned quantum_cycles() const { return quantum_; }
  bool irq() const;
  // Flushes and closes the waves (idempotent; the destructor does it too).
  // Returns the first write error, "" if none.
  std::string close_waves();

private:
  // The bus bridges around the RTL (axil_master.hpp, axi_dma_slave.hpp,
  // msi_endpoint.hpp), over the model type, which only the .cpp sees.
  struct Bridges;
  // An MMIO read waiting in b_transport_bar0 for its completion.
  struct MmioRead {
    uint32_t data = 0;
    sc_core::sc_event done;
  };

  void run();
  bool may_sleep() const;
  ps_t wake_grid(ps_t t) const;
  void skip_to(ps_t grid);
  void cycle();
  void b_transport_bar0(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
  void dma_read(uint32_t id, uint64_t addr, unsigned beats, ps_t t);
  void dma_write(uint32_t id, uint64_t addr, std::vector<uint8_t> &data, std::vector<uint8_t> &enable, ps_t t);
  void send_msi(ps_t t);

  NicConfig cfg_;
  unsigned quantum_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vnic_top> top_;
  std::unique_ptr<WaveFile> wave_file_;  // declared before vcd_: outlives it
  std::unique_ptr<VerilatedVcdC> vcd_;
  bool dumping(ps_t t) const { return vcd_ && t >= cfg_.wave_from && t <= cfg_.wave_to; }
  uint64_t cycle_ = 0;
  XgmiiRx rx_;
  NicStats stats_;

  std::unique_ptr<Bridges> bus_;
  std::deque<std::shared_ptr<MmioRead>> mmio_reads_;  // in order, as the AXI-Lite master serves them
  // Idle sleep (run()): a queued MMIO request notifies wake_ev_.
  bool sleeping_ = false;
  sc_core::sc_event wake_ev_;
};

}  // namespace wirepath
