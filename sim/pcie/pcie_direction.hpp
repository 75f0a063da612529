// One direction of the PCIe link: when each TLP occupies the wire. A TLP goes
// out as soon as the wire is idle at or after its ready time, so a small MMIO
// write slips into a gap between completions that are scheduled later (a plain
// "busy until" would queue it behind them). TLPs of one stream (the CPU's
// requests, the NIC's requests, the completions of one side) keep their order:
// PCIe ordering forbids a read passing a posted write, or a write another.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "sim/pcie/pcie_config.hpp"

namespace wirepath {

class PcieDirection {
public:
  enum Stream { kRequests = 0, kCompletions = 1, kStreams = 2 };

  explicit PcieDirection(double ps_per_byte) : ps_per_byte_(ps_per_byte) {}
  // Schedules a TLP of wire_bytes ready at `ready`; returns when its last
  // byte has left.
  ps_t send(Stream s, ps_t ready, uint32_t wire_bytes);
  ps_t last_end(Stream s) const { return stream_end_[s]; }
  uint64_t tlps() const { return tlps_; }
  uint64_t bytes() const { return bytes_; }
  // Sees every TLP as it is scheduled (the --trace timeline).
  std::function<void(Stream s, ps_t start, ps_t end, uint32_t wire_bytes)> on_tlp;

private:
  double ps_per_byte_;
  std::map<ps_t, ps_t> busy_;  // start -> end, disjoint
  ps_t stream_end_[kStreams] = {0, 0};
  ps_t newest_ready_ = 0;
  uint64_t tlps_ = 0, bytes_ = 0;
};

}  // namespace wirepath
