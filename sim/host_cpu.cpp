#include "sim/host_cpu.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

HostCpu::HostCpu(sc_core::sc_module_name name) : sc_core::sc_module(name), mmio_socket("mmio_socket") {}

void HostCpu::writel(uint32_t value, uint32_t reg) {
  tlm::tlm_generic_payload trans;
  trans.set_write();
  trans.set_address(reg);
  trans.set_data_ptr(reinterpret_cast<unsigned char *>(&value));
  trans.set_data_length(4);
  trans.set_streaming_width(4);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  mmio_socket->b_transport(trans, delay);
  if (!trans.is_response_ok()) throw std::runtime_error(fmt::format("mmio: write to BAR0+0x{:x} failed", reg));
  writes_++;
}

uint32_t HostCpu::readl(uint32_t reg) {
  uint32_t value = 0;
  tlm::tlm_generic_payload trans;
  trans.set_read();
  trans.set_address(reg);
  trans.set_data_ptr(reinterpret_cast<unsigned char *>(&value));
  trans.set_data_length(4);
  trans.set_streaming_width(4);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  mmio_socket->b_transport(trans, delay);
  if (!trans.is_response_ok()) throw std::runtime_error(fmt::format("mmio: read of BAR0+0x{:x} failed", reg));
  sc_core::wait(delay);  // non-posted: the load retires when the completion is back
  reads_++;
  return value;
}

}  // namespace wirepath
