#include "sim/host/host_cpu.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

HostCpu::HostCpu(sc_core::sc_module_name name) : sc_core::sc_module(name), mmio_socket("mmio_socket") {}

sc_core::sc_time HostCpu::access(tlm::tlm_command cmd, uint32_t reg, void *value, uint32_t len) {
  if (before_access) before_access();
  tlm::tlm_generic_payload trans;
  trans.set_command(cmd);
  trans.set_address(reg);
  trans.set_data_ptr(reinterpret_cast<unsigned char *>(value));
  trans.set_data_length(len);
  trans.set_streaming_width(len);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  mmio_socket->b_transport(trans, delay);
  if (!trans.is_response_ok())
    throw std::runtime_error(fmt::format("mmio: {} BAR0+0x{:x} failed", cmd == tlm::TLM_WRITE_COMMAND ? "write to" : "read of", reg));
  return delay;
}

void HostCpu::writel(uint32_t value, uint32_t reg) {
  access(tlm::TLM_WRITE_COMMAND, reg, &value);  // posted: no stall
  writes_++;
}

void HostCpu::iowrite64_copy(uint32_t reg, const void *src, uint32_t len) {
  if (len == 0 || len > 64 || len % 8)
    throw std::invalid_argument(fmt::format("mmio: write-combined write of {} bytes (8..64, multiple of 8)", len));
  uint8_t buf[64];
  std::memcpy(buf, src, len);
  access(tlm::TLM_WRITE_COMMAND, reg, buf, len);  // posted: no stall
  writes_++;
}

uint32_t HostCpu::readl(uint32_t reg) {
  uint32_t value = 0;
  // Non-posted: the load retires when the completion is back.
  sc_core::wait(access(tlm::TLM_READ_COMMAND, reg, &value));
  reads_++;
  return value;
}

}  // namespace wirepath
