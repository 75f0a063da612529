// Several applications at once (`--flow SPEC`, repeatable): each flow is a
// process-context thread of the host (Host::apps, sc_spawn) with its own
// socket to the link partner:
//   tcp  a bulk transfer (bytes=, write=) to port 5001+i
//   udp  a sparse flow: a datagram of size= bytes every every-us= us
//        (prio= SO_PRIORITY, tos= IP_TOS) to port 6000+i
//   rr   request/response: a UDP request of size= bytes to the partner's
//        echo service (port 7), the next one when the reply arrived
// Every flow binds its own source port (40001 + its index), so each frame
// on the wire names its flow. Each flow's send()-to-wire latency is taken
// on the wire: UDP and rr datagrams carry their sequence number in their
// first 8 payload bytes; TCP segments are mapped back to the write() that
// gave their first new byte through the sequence numbers (ISN from the SYN).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/system.hpp"

namespace wirepath {

enum class FlowKind { tcp, udp, rr };
const char *flow_kind_name(FlowKind k);

struct FlowSpec {
  FlowKind kind = FlowKind::tcp;
  uint64_t bytes = 1'000'000;   // tcp: bytes to transfer
  uint32_t write_size = 65536;  // tcp: bytes per write()
  bool nodelay = false;         // tcp: TCP_NODELAY
  uint32_t size = 64;           // udp, rr: payload bytes (8..1472: one frame, room for the sequence number)
  uint64_t every_ns = 50'000;   // udp: interval between datagrams
  uint64_t count = 0;           // udp, rr: datagrams; 0: until every tcp flow has finished
  uint64_t start_ns = 0;        // delay before the first send()
  int prio = -1;                // SO_PRIORITY (-1: not set)
  int tos = -1;                 // IP_TOS (-1: not set)
  uint16_t port = 0;            // destination port (0: the kind's default)
};

// "tcp,bytes=10M,write=64k", "udp,size=64,every-us=50,prio=6", "rr,size=32,count=100".
// Numbers take k/M/G (10^3, 10^6, 10^9) or Ki/Mi/Gi; tos takes 0x.. hex.
// Throws std::invalid_argument naming the bad key or value.
FlowSpec parse_flow_spec(const std::string &spec);
std::string to_string(const FlowSpec &s);

struct FlowResult {
  int id = 0;
  FlowSpec spec;
  uint16_t sport = 0, dport = 0;
  int error = 0;             // first errno from socket calls, 0 if none
  bool finished = false;     // tcp: connection closed cleanly; udp/rr: every datagram sent (rr: answered)
  uint64_t sends = 0;        // send() calls that took data (udp/rr: datagrams)
  uint64_t bytes = 0;        // bytes send() accepted
  uint64_t wire_frames = 0, wire_bytes = 0;  // its frames on the wire, DA..FCS
  uint64_t wire_payload = 0;  // payload bytes on the wire, first transmissions only
  ps_t start = 0, end = 0;   // first send() call; last byte of its last frame on the wire
  std::vector<ps_t> latency;  // send() (write()) to the first byte of the frame on XGMII, one per frame
  // rr: request send() to reply received; replies received
  std::vector<ps_t> rtt;
  uint64_t replies = 0;
  // tcp: tcp_info at close, and whether the partner got exactly the bytes written
  uint32_t srtt_us = 0, cwnd = 0;
  uint64_t retrans = 0;
  uint64_t delivered = 0;
  bool intact = false;
  double goodput_gbps() const;  // wire_payload over start..end
};

// The flows of one run. The constructor installs them in the system (host
// apps, the latency tracker's tag); run the system, then read results().
class FlowSet {
public:
  FlowSet(System &sys, std::vector<FlowSpec> specs, ps_t send_cost);
  const std::vector<FlowResult> &results() const { return res_; }
  // Every flow finished, TCP streams intact, and every datagram sent is
  // on the wire exactly once.
  bool ok() const;
  ps_t finished() const { return finished_; }

private:
  struct Writes {  // tcp: stream offset one past each write(), and its call time
    std::vector<uint64_t> end;
    std::vector<ps_t> at;
    uint32_t isn = 0;
    bool have_isn = false;
    uint64_t highest = 0;  // stream bytes seen on the wire
  };
  void run_tcp(size_t i);
  void run_udp(size_t i);
  void run_rr(size_t i);
  void send_pause(size_t i, ps_t call);
  FrameTag tag(const std::vector<uint8_t> &frame, ps_t start);
  bool keep_going(const FlowResult &r, uint64_t n) const;

  System &sys_;
  ps_t send_cost_;
  std::vector<FlowResult> res_;
  std::vector<Writes> writes_;
  std::vector<std::vector<ps_t>> send_at_;  // udp/rr: send() call time by sequence number
  int bulk_active_ = 0;                     // tcp flows not yet finished
  ps_t finished_ = 0;
};

// The per-flow block of the summary.
std::string format_flows_summary(const System &sys, const FlowSet &flows);

struct RunOutputs;
// The wirepath executable's --flow run: builds the system, setup(sys)
// (iptables, sysctls), runs the flows, prints the summary, after(sys),
// writes --json/--latency-csv. The exit status: 0 when every flow finished
// and every packet is on the wire once (FlowSet::ok, no drops), else 1.
int run_flows(const SystemConfig &cfg, const std::vector<std::string> &specs, ps_t send_cost,
              const RunOutputs &outputs, const std::function<void(System &)> &setup,
              const std::function<void(System &)> &after);

}  // namespace wirepath
