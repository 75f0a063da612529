// The main job's workload: UDP datagrams of mixed sizes sent through the
// whole system, and the summary a user reads afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/system.hpp"

namespace wirepath {

struct UdpScenarioConfig {
  uint32_t datagrams = 300;
  uint32_t min_payload = 1, max_payload = 1472;  // 1472 = MTU 1500 - IPv4 20 - UDP 8
  ps_t send_cost = 1000 * kNs;  // CPU time per sendto() call (assumed; see docs)
  ps_t drain_timeout = 10'000'000 * kNs;  // give up waiting for the wire after 10 ms
  uint16_t src_port = 5000, dst_port = 9;  // 9 = discard
  void validate() const;
};

struct UdpScenarioResult {
  uint64_t sent = 0, send_errors = 0, payload_bytes = 0;
  std::vector<uint32_t> payload_sizes;
  ps_t finished = 0;
};

// Runs in the system's application thread.
UdpScenarioResult run_udp_scenario(System &sys, const UdpScenarioConfig &cfg);

// The human-readable summary printed by the wirepath executable.
std::string format_summary(const System &sys, const UdpScenarioResult &r);

}  // namespace wirepath
