// How the driver reaches BAR0. The SystemC host implements it over the PCIe
// model: writel is posted (returns at once), readl stalls the CPU for the
// round trip. Argument order follows the kernel's writel(value, addr).
#pragma once

#include <cstdint>

namespace wirepath {

struct Mmio {
  virtual ~Mmio() = default;
  virtual void writel(uint32_t value, uint32_t reg) = 0;
  virtual uint32_t readl(uint32_t reg) = 0;
  // __iowrite64_copy to a write-combined mapping followed by a flush (sfence):
  // len bytes (a multiple of 8, at most 64) leave as one posted MWr TLP.
  virtual void iowrite64_copy(uint32_t reg, const void *src, uint32_t len) = 0;
};

}  // namespace wirepath
