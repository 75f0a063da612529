// The root complex as the NIC's DMA target: memory reads are served at once,
// memory writes land in host memory at their arrival time (so software never
// sees a write-back before it has crossed the link), and a write to the MSI
// window becomes an interrupt for the CPU after the interrupt-entry latency.
// With an IOMMU domain attached, every memory read and write is checked
// against the driver's live DMA mappings (stack/kernel/dma_mapping.hpp) when
// the NIC issues it (a posted write is checked then, and lands later); one
// outside them completes with an error, as one outside DRAM does.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "stack/kernel/dma_mapping.hpp"
#include "stack/kernel/phys_mem.hpp"
#include "sim/pcie/pcie_config.hpp"

namespace wirepath {

class HostBridge : public sc_core::sc_module {
public:
  static constexpr uint64_t kMsiBase = 0xFEE0'0000, kMsiSize = 0x10'0000;  // x86 MSI window

  tlm_utils::simple_target_socket<HostBridge> pcie;

  // iommu: the NIC's domain (its struct device's); nullptr is a root complex
  // without an IOMMU, where any DRAM address goes.
  HostBridge(sc_core::sc_module_name name, PhysMem &ram, const iommu_domain *iommu, ps_t irq_entry_latency);

  // Interrupts delivered and not yet taken by the CPU's interrupt thread.
  unsigned take_interrupts();
  const sc_core::sc_event &interrupt_event() const { return irq_ev_; }
  uint64_t msis() const { return msis_; }
  // Requests answered with an error: outside DRAM, or refused by the IOMMU.
  uint64_t dma_errors() const { return dma_errors_; }
  // Of those, the ones the IOMMU refused (DRAM, but no live mapping).
  uint64_t iommu_faults() const { return iommu_faults_; }

private:
  void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
  void apply_writes();
  void deliver_irq();

  struct PendingWrite {
    uint64_t addr;
    std::vector<uint8_t> data, byte_enable;
  };

  PhysMem &ram_;
  const iommu_domain *iommu_;
  ps_t irq_entry_latency_;
  std::multimap<ps_t, PendingWrite> writes_;  // arrival time -> write, in order
  sc_core::sc_event_queue write_due_, irq_due_;
  sc_core::sc_event irq_ev_;
  unsigned irq_pending_ = 0;
  uint64_t msis_ = 0, dma_errors_ = 0, iommu_faults_ = 0;
};

}  // namespace wirepath
