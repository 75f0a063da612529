// A private network namespace with one TAP device in it: the far end of the
// wire when the peer is the machine's real Linux kernel (--peer kernel).
//
// A helper thread unshare(CLONE_NEWNET)s itself (the process and its other
// threads stay in their namespace), disables IPv6 there (so the kernel sends
// no router solicitations or DAD probes of its own), creates the TAP with
// the partner's MAC and IPv4 address, brings it and lo up, and opens the
// sockets and /proc files the peer needs. The file descriptors keep the
// namespace alive after the thread has ended; they work from any thread.
// Nothing outside the namespace is touched.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wirepath {

struct NetnsTapConfig {
  std::string ifname = "wp0";
  std::array<uint8_t, 6> mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  uint32_t ip = 0x0A000002;  // 10.0.0.2
  unsigned prefix_len = 24;
  unsigned mtu = 1500;
  std::vector<uint16_t> tcp_listen;  // TCP ports with a listener
  std::vector<uint16_t> udp_bind;    // UDP ports with a bound socket
  // sysctls set inside the namespace before the device comes up (name under
  // /proc/sys, value), e.g. {"net/ipv4/tcp_sack", "0"}.
  std::vector<std::pair<std::string, std::string>> sysctls;
};

// What open_netns_tap created. Every descriptor is non-blocking and close-on-exec.
struct NetnsTap {
  int tap = -1;
  std::vector<std::pair<uint16_t, int>> tcp_listeners;  // port, fd
  std::vector<std::pair<uint16_t, int>> udp_sockets;    // port, fd
  int snmp = -1, netstat = -1;  // the namespace's /proc/net/snmp and /proc/net/netstat

  NetnsTap() = default;
  NetnsTap(const NetnsTap &) = delete;
  NetnsTap &operator=(const NetnsTap &) = delete;
  NetnsTap(NetnsTap &&o) noexcept;
  NetnsTap &operator=(NetnsTap &&o) noexcept;
  ~NetnsTap();
  void close_all();
};

// Creates the namespace, the device and the sockets. Throws std::runtime_error
// naming the step and errno when the machine does not permit it (no
// CAP_SYS_ADMIN for unshare, no /dev/net/tun, ...).
NetnsTap open_netns_tap(const NetnsTapConfig &cfg);

// /proc/net/snmp or /proc/net/netstat, parsed: "Tcp" -> "InSegs" -> value.
using ProcNetCounters = std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>>;
ProcNetCounters read_proc_net_counters(int fd);
// One counter, or 0 if absent.
int64_t proc_net_counter(const ProcNetCounters &c, const std::string &group, const std::string &name);

}  // namespace wirepath
