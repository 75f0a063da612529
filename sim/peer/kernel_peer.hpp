// The machine's real Linux kernel as the far end of the wire (--peer kernel).
//
// Every frame our NIC puts on XGMII (FCS checked, then stripped) is written
// to a TAP device in a private network namespace (netns_tap.hpp) when the
// simulation reaches its arrival time; the kernel's own frames (ARP replies
// and requests, SYN-ACKs, ACKs with SACK blocks and timestamps, FINs, ICMP
// errors) are read from the TAP and handed to our stack, as the link
// partner's replies are. In the namespace real sockets receive: a TCP
// listener that accepts and reads the stream, UDP sockets for datagrams.
//
// Time. The kernel runs on wall-clock time, the simulation on its own.
// They are coupled so: (1) a frame read from the TAP enters our stack at the
// simulated time it was read plus reply_delay_ns (the wire and the far NIC,
// --rtt-us); (2) while the peer is live, simulated time is paced to run no
// faster than wall time (measured from the first look at the TAP), and the
// TAP is looked at every poll_ns of simulated time. The co-simulation runs
// slower than real time while frames move (about 1/100), so pacing only
// holds it back while it idles, waiting for the kernel. What it does to
// timers: the kernel's timers (delayed ACK, its RTO) see our segments
// arrive at the simulation's wall-clock pace, so its RTT estimates are wall
// times; our timers see the kernel's answers within reply_delay_ns + its
// processing time scaled down by the simulation's slowness.
//
// Plain C++ with no SystemC: the host's softirq thread drives it through
// run(now) and next_event_ns(), as it drives the link partner.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/peer/netns_tap.hpp"

namespace wirepath {

struct KernelPeerConfig {
  NetnsTapConfig ns;                 // device, address, listening ports, sysctls
  uint64_t reply_delay_ns = 20'000;  // added to every frame the kernel sends (the model's rtt_ns)
  uint64_t poll_ns = 1'000;          // simulated time between looks at the TAP while live
  bool pace = true;                  // simulated time no faster than wall time
  void validate() const;
};

struct KernelPeerStats {
  uint64_t frames = 0, fcs_errors = 0;          // from the wire
  uint64_t tap_writes = 0, tap_write_errors = 0;
  uint64_t tap_reads = 0;                        // frames the kernel sent
  uint64_t tcp_accepted = 0, tcp_closed = 0, tcp_bytes = 0;
  uint64_t udp_datagrams = 0, udp_bytes = 0;
  uint64_t paced_ns = 0;                         // wall time spent waiting for the kernel
};

class KernelPeer {
public:
  explicit KernelPeer(const KernelPeerConfig &cfg);  // throws when the namespace cannot be made
  ~KernelPeer();

  // The same interface as LinkPartner's.
  void on_frame(const std::vector<uint8_t> &frame, uint64_t arrive_ns);
  uint64_t next_event_ns() const;
  void run(uint64_t now_ns);
  std::function<void(std::vector<uint8_t> frame, uint64_t arrive_ns)> transmit;

  // After the simulation: read what the kernel still holds for the sockets,
  // until nothing more arrives for quiet_ms (at most max_ms).
  void finish(unsigned quiet_ms = 50, unsigned max_ms = 2000);

  const KernelPeerConfig &config() const { return cfg_; }
  const KernelPeerStats &stats() const { return stats_; }
  // The first accepted connection's bytes, and every datagram in order of arrival.
  const std::vector<uint8_t> &stream() const { return stream_; }
  const std::vector<std::vector<uint8_t>> &udp_datagrams() const { return udp_; }
  // The namespace's /proc/net/snmp and /proc/net/netstat now.
  ProcNetCounters snmp() const;
  ProcNetCounters netstat() const;
  // What the kernel negotiated on the first connection (TCP_INFO's tcpi_options).
  bool negotiated_sack() const { return tcpi_sack_; }
  bool negotiated_timestamps() const { return tcpi_ts_; }
  // Summary lines: what the kernel's sockets got and its own counters.
  std::string summary() const;

private:
  struct Held {
    uint64_t at;
    std::vector<uint8_t> frame;  // without FCS
  };
  void pace(uint64_t now_ns);
  void service_sockets();

  KernelPeerConfig cfg_;
  NetnsTap tap_;
  KernelPeerStats stats_;
  std::deque<Held> held_;
  std::vector<int> conns_;  // accepted sockets still open
  bool first_conn_ = true;
  int stream_fd_ = -1;      // the connection stream_ records
  std::vector<uint8_t> stream_;
  std::vector<std::vector<uint8_t>> udp_;
  bool tcpi_sack_ = false, tcpi_ts_ = false, tcpi_wscale_ = false;
  unsigned tcpi_snd_wscale_ = 0, tcpi_rcv_mss_ = 0;
  bool started_ = false;
  uint64_t sim0_ns_ = 0, last_run_ns_ = 0;
  std::chrono::steady_clock::time_point wall0_;
};

}  // namespace wirepath
