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
};

}  // namespace wirepath
