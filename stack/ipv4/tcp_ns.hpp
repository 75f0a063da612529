// TCP's per-namespace state (net->ipv4's tcp sysctls, the TCP MIB and the
// inet_hashinfo the kernel keeps globally): kept in one struct so struct net
// needs a single member for it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "stack/core/sock.hpp"

namespace wirepath {

// net.ipv4.tcp_* sysctls we model. Timestamps and SACK are on as in Linux:
// segments carry 1448 bytes at MTU 1500 (12 bytes of timestamp option) and
// recovery uses the peer's SACK blocks; with both off, 1460 and NewReno.
struct netns_tcp_sysctl {
  int tcp_timestamps = 1;
  int tcp_sack = 1;
  int tcp_window_scaling = 1;
  int tcp_syn_retries = 6;
  int tcp_retries2 = 15;
  int tcp_reordering = 3;  // duplicate ACKs before fast retransmit
  int tcp_fin_timeout_s = 60;
  uint32_t tcp_rmem[3] = {4096, 131072, 6291456};
  uint32_t tcp_wmem[3] = {4096, 16384, 4194304};
  const char *tcp_congestion_control = "cubic";
};

// /proc/net/snmp Tcp: and the TcpExt counters we use.
struct tcp_mib {
  uint64_t ActiveOpens = 0, AttemptFails = 0, EstabResets = 0, InSegs = 0, OutSegs = 0, RetransSegs = 0;
  uint64_t InErrs = 0, OutRsts = 0, InCsumErrors = 0;
  // TcpExt
  uint64_t TCPTimeouts = 0, TCPFastRetrans = 0, TCPSlowStartRetrans = 0, TCPRenoRecovery = 0, TCPLossUndo = 0;
  uint64_t TCPPureAcks = 0, TCPHPAcks = 0, TCPDupAcks = 0;  // TCPDupAcks: our count of duplicate ACKs seen
  uint64_t TCPSackRecovery = 0, TCPSACKDiscard = 0, TCPDSACKRecv = 0, TCPSACKReneging = 0;
  uint64_t TCPSackBlocks = 0;  // our count: valid SACK blocks taken by tcp_sacktag_write_queue
};

struct netns_tcp {
  netns_tcp_sysctl sysctl;
  tcp_mib mib;
  // inet_hashinfo: every TCP socket with a local port (bound, connecting,
  // connected or closing), looked up by tcp_v4_rcv.
  std::vector<sock *> hash;
  // Sockets closed by the application that still finish their connection
  // (FIN handshake, TIME_WAIT): owned here (orphans).
  std::vector<std::unique_ptr<sock>> orphans;
};

}  // namespace wirepath
