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

// TCP bulk transfer: connect to the link partner, send `bytes` (seeded
// random payload) in writes of write_size, close, and wait until the
// connection is finished (the partner has everything and our FIN is acked).
struct TcpScenarioConfig {
  uint64_t bytes = 1u << 20;
  uint32_t write_size = 65536;
  uint16_t dst_port = 5001;
  bool nodelay = false;
  ps_t send_cost = 1000 * kNs;  // CPU time per send() call (as the UDP scenario)
  ps_t timeout = 2'000'000'000 * kNs;  // give up after 2 s of simulated time
  void validate() const;
};

struct TcpScenarioResult {
  std::vector<uint8_t> payload;  // what the application wrote
  uint64_t sent = 0;             // bytes accepted by send()
  int error = 0;                 // first errno from connect/send, 0 if none
  bool finished = false;         // connection closed cleanly in time
  ps_t connected = 0, closed = 0, done = 0;
  // tcp_info of the socket at close()
  uint64_t retrans = 0, fast_retrans = 0, timeouts = 0, segs_out = 0;
  uint32_t srtt_us = 0, cwnd = 0, ssthresh = 0, mss = 0;
  bool sack = false, timestamps = false;  // negotiated in the handshake
};

TcpScenarioResult run_tcp_scenario(System &sys, const TcpScenarioConfig &cfg);
// The NIC's counters ("nic" line; "idle skip" when cycles were skipped).
std::string format_nic_summary(const NicStats &n);
std::string format_tcp_summary(const System &sys, const TcpScenarioResult &r);
// True when the partner received exactly the bytes written, in order.
bool tcp_stream_intact(const System &sys, const TcpScenarioResult &r);

// The human-readable summary printed by the wirepath executable.
std::string format_summary(const System &sys, const UdpScenarioResult &r);

}  // namespace wirepath
