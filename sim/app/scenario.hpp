// The main job's workload: UDP datagrams of mixed sizes sent through the
// whole system, and the summary a user reads afterwards.
#pragma once

#include <cstdint>
#include <random>
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
// The same, filling r as it goes (a run stopped early shows how far it got).
void run_udp_scenario(System &sys, const UdpScenarioConfig &cfg, UdpScenarioResult &r);

// TCP bulk transfer: connect to the link partner, send `bytes` (seeded
// random payload, generated as it is written: no transfer is held in
// memory) in writes of write_size, close, and wait until the connection is
// finished (the partner has everything and our FIN is acked). There is no
// deadline of its own: the run's time limit (wirepath --time-limit) ends it.
struct TcpScenarioConfig {
  static constexpr uint64_t kMaxBytes = uint64_t{1} << 40;  // 1 TiB: far beyond any run's time
  uint64_t bytes = 1u << 20;
  uint32_t write_size = 65536;
  uint16_t dst_port = 5001;
  bool nodelay = false;
  ps_t send_cost = 1000 * kNs;  // CPU time per send() call (as the UDP scenario)
  void validate() const;
};

// The transfer's bytes: byte i of the stream is the i-th draw of
// mt19937_64(seed), truncated to 8 bits. The application and the integrity
// check each generate it in order, in chunks.
class TcpPayload {
public:
  explicit TcpPayload(uint64_t seed) : rng_(seed) {}
  void fill(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = static_cast<uint8_t>(rng_());
  }

private:
  std::mt19937_64 rng_;
};

struct TcpScenarioResult {
  uint64_t seed = 0;             // of the payload (TcpPayload)
  uint64_t sent = 0;             // bytes accepted by send()
  int error = 0;                 // first errno from connect/send, 0 if none
  bool finished = false;         // connection closed cleanly in time
  ps_t connected = 0, closed = 0, done = 0;
  // tcp_info of the socket at close()
  uint64_t retrans = 0, fast_retrans = 0, timeouts = 0, segs_out = 0;
  uint32_t srtt_us = 0, cwnd = 0, ssthresh = 0, mss = 0;
  bool sack = false, timestamps = false;  // negotiated in the handshake
  // TSQ: times the socket was throttled, most bytes it had below TCP at once,
  // its pacing rate (bytes/s) at the end.
  uint64_t tsq_throttled = 0, wmem_alloc_max = 0, pacing_rate = 0;
};

TcpScenarioResult run_tcp_scenario(System &sys, const TcpScenarioConfig &cfg);
// The same, filling r as it goes, so a run stopped early (time limit, signal)
// still shows how far it got.
void run_tcp_scenario(System &sys, const TcpScenarioConfig &cfg, TcpScenarioResult &r);
// The NIC's counters ("nic" line; "idle skip" when cycles were skipped).
std::string format_nic_summary(const NicStats &n);
// BQL: the dynamic limit now, queue stops by BQL (STACK_XOFF) vs by a full
// ring (DRV_XOFF), or that BQL is off.
std::string format_bql_summary(const System &sys);
std::string format_tcp_summary(const System &sys, const TcpScenarioResult &r);
// What the partner's stream is compared with what was written.
enum class TcpStreamCheck {
  intact,      // exactly the bytes written, in order
  incomplete,  // a correct prefix, the rest not (yet) received
  mismatch,    // a byte differs, or more arrived than was written
};
TcpStreamCheck tcp_stream_check(const System &sys, const TcpScenarioResult &r);
// True when the partner received exactly the bytes written, in order.
bool tcp_stream_intact(const System &sys, const TcpScenarioResult &r);
// Packets not yet on the wire or in a drop counter: qdisc, neighbours'
// arp_queues, TX ring, live skbs ("in flight" line of an early end).
std::string format_in_flight(System &sys);

// The human-readable summary printed by the wirepath executable.
std::string format_summary(const System &sys, const UdpScenarioResult &r);
// Its lines about the system (wire, throughput, latency by stage, drops,
// driver, nic), shared with the flows' summary.
std::string format_system_summary(const System &sys);

}  // namespace wirepath
