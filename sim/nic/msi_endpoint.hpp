// MsiEndpoint: turns the NIC's level interrupt (irq_o = |(ICR & IMS)) into
// message-signalled interrupts, one per rising edge, as a PCIe function with
// MSI enabled does. Plain C++; call effects() once per clock after the
// rising edge.
#pragma once

#include <cstdint>
#include <functional>

namespace wirepath {

template <class Model>
class MsiEndpoint {
 public:
  std::function<void(uint64_t now)> on_msi;

  void effects(const Model &m, uint64_t now) {
    const bool irq = m.irq_o;
    if (irq && !irq_q_ && on_msi) on_msi(now);
    irq_q_ = irq;
  }
  // No edge is pending: the line is where effects() last saw it.
  bool settled(const Model &m) const { return irq_q_ == static_cast<bool>(m.irq_o); }

 private:
  bool irq_q_ = false;
};

}  // namespace wirepath
