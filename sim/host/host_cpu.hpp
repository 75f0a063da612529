// The CPU's side of BAR0: the driver's writel/readl become TLM transactions
// on the PCIe link. writel is posted (no stall); readl stalls the calling
// SC_THREAD for the full round trip, as a real uncached load does.
#pragma once

#include <cstdint>
#include <functional>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "driver/mmio.hpp"

namespace wirepath {

class HostCpu : public sc_core::sc_module, public Mmio {
public:
  tlm_utils::simple_initiator_socket<HostCpu> mmio_socket;

  explicit HostCpu(sc_core::sc_module_name name);
  void writel(uint32_t value, uint32_t reg) override;
  uint32_t readl(uint32_t reg) override;  // call only from an SC_THREAD
  // Write-combined: one MWr TLP with a len-byte payload (posted, no stall).
  void iowrite64_copy(uint32_t reg, const void *src, uint32_t len) override;

  // Runs before each access: the host waits out the software's CPU time
  // in front of it (Host::cpu_sync), so the access happens after it.
  std::function<void()> before_access;

  uint64_t writes() const { return writes_; }
  uint64_t reads() const { return reads_; }

private:
  sc_core::sc_time access(tlm::tlm_command cmd, uint32_t reg, void *value, uint32_t len = 4);
  uint64_t writes_ = 0, reads_ = 0;
};

}  // namespace wirepath
