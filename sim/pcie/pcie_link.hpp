// The PCIe link as a TLM-2.0 interconnect between the host (CPU MMIO in,
// host memory out) and the NIC (BAR0 out, DMA/MSI in). Loosely timed:
// b_transport's delay argument carries the caller's local time offset in and
// the arrival (posted) or completion (non-posted) offset out; PcieModel says
// how long each TLP takes.
#pragma once

#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "sim/pcie/pcie_model.hpp"

namespace wirepath {

// Attached to a DMA read: when each completion of it reaches the NIC.
struct DmaCompletionExt : tlm::tlm_extension<DmaCompletionExt> {
  std::vector<ReadCompletion> completions;
  tlm::tlm_extension_base *clone() const override { return new DmaCompletionExt(*this); }
  void copy_from(const tlm::tlm_extension_base &ext) override {
    completions = static_cast<const DmaCompletionExt &>(ext).completions;
  }
};

class PcieLink : public sc_core::sc_module {
public:
  tlm_utils::simple_target_socket<PcieLink> cpu_side;      // MMIO from the CPU
  tlm_utils::simple_initiator_socket<PcieLink> nic_bar0;   // to the NIC's BAR0
  tlm_utils::simple_target_socket<PcieLink> nic_side;      // DMA and MSI from the NIC
  tlm_utils::simple_initiator_socket<PcieLink> host_side;  // to the root complex / memory

  PcieLink(sc_core::sc_module_name name, const PcieConfig &cfg);
  PcieModel &model() { return model_; }

private:
  void b_transport_cpu(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
  void b_transport_nic(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);

  PcieModel model_;
};

}  // namespace wirepath
