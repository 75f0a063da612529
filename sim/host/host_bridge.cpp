#include "sim/host/host_bridge.hpp"

#include "sim/sc_time_util.hpp"

namespace wirepath {

HostBridge::HostBridge(sc_core::sc_module_name name, PhysMem &ram, const iommu_domain *iommu,
                       ps_t irq_entry_latency)
    : sc_core::sc_module(name), pcie("pcie"), ram_(ram), iommu_(iommu), irq_entry_latency_(irq_entry_latency),
      write_due_("write_due"), irq_due_("irq_due") {
  pcie.register_b_transport(this, &HostBridge::b_transport);
  SC_HAS_PROCESS(HostBridge);
  SC_METHOD(apply_writes);
  sensitive << write_due_;
  dont_initialize();
  SC_METHOD(deliver_irq);
  sensitive << irq_due_;
  dont_initialize();
}

void HostBridge::b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
  const uint64_t addr = trans.get_address();
  const uint32_t len = trans.get_data_length();
  // The MSI window is not memory: an interrupt, never looked up in the IOMMU.
  if (trans.is_write() && addr >= kMsiBase && addr < kMsiBase + kMsiSize) {
    msis_++;
    irq_due_.notify(delay + ps_time(irq_entry_latency_));
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  // Memory: it must be DRAM and, behind an IOMMU, on pages mapped for this direction.
  const bool dram = ram_.contains(addr, len);
  const bool fault = dram && iommu_ && !iommu_->allows(addr, len, trans.is_write());
  if (!dram || fault) {
    // An Unsupported Request completion: the NIC sees an error response.
    dma_errors_++;
    iommu_faults_ += fault;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (trans.is_read()) {
    ram_.read(addr, trans.get_data_ptr(), len);
  } else {
    PendingWrite w{addr, std::vector<uint8_t>(trans.get_data_ptr(), trans.get_data_ptr() + len), {}};
    if (trans.get_byte_enable_ptr()) {
      const unsigned be_len = trans.get_byte_enable_length();
      w.byte_enable.resize(len);
      for (uint32_t i = 0; i < len; i++) w.byte_enable[i] = trans.get_byte_enable_ptr()[i % be_len];
    }
    writes_.emplace(now_ps() + to_ps(delay), std::move(w));
    write_due_.notify(delay);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void HostBridge::apply_writes() {
  const ps_t now = now_ps();
  while (!writes_.empty() && writes_.begin()->first <= now) {
    const PendingWrite &w = writes_.begin()->second;
    uint8_t *dst = ram_.ptr(w.addr, w.data.size());
    for (size_t i = 0; i < w.data.size(); i++)
      if (w.byte_enable.empty() || w.byte_enable[i] == TLM_BYTE_ENABLED) dst[i] = w.data[i];
    writes_.erase(writes_.begin());
  }
}

void HostBridge::deliver_irq() {
  irq_pending_++;
  irq_ev_.notify(sc_core::SC_ZERO_TIME);
}

unsigned HostBridge::take_interrupts() {
  const unsigned n = irq_pending_;
  irq_pending_ = 0;
  return n;
}

}  // namespace wirepath
