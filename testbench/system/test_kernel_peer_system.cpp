// The whole system against the machine's real Linux kernel (--peer kernel):
// stack -> driver -> PCIe -> Verilated NIC -> wire -> TAP in a private
// namespace -> the kernel's sockets; its answers return through our
// software receive path. Needs root (CI runs as root); skipped otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include "sim/app/scenario.hpp"
#include "sim/system.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/ipv4/arp.hpp"

using namespace wirepath;

namespace {

bool can_run() { return ::geteuid() == 0 && ::access("/dev/net/tun", R_OK | W_OK) == 0; }
uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

SystemConfig kernel_config() {
  SystemConfig cfg;
  cfg.peer = SystemConfig::Peer::kernel;
  cfg.kpeer.ns.ifname = "wpsys0";
  cfg.kpeer.ns.udp_bind = {UdpScenarioConfig{}.dst_port};
  cfg.kpeer.ns.tcp_listen = {TcpScenarioConfig{}.dst_port};
  return cfg;
}

TcpScenarioResult run_tcp(System &sys, uint64_t bytes) {
  TcpScenarioResult r;
  TcpScenarioConfig tc;
  tc.bytes = bytes;
  sys.app = [&](System &s) { r = run_tcp_scenario(s, tc); };
  sys.run(5'000'000'000'000ull);
  sys.kernel_peer()->finish();
  return r;
}

void expect_clean_tcp(System &sys, const TcpScenarioResult &r, uint64_t bytes) {
  ASSERT_TRUE(sys.app_done());
  EXPECT_TRUE(r.finished) << "the connection did not close cleanly on our side";
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.sent, bytes);
  EXPECT_EQ(sys.peer_stream().size(), bytes);
  EXPECT_TRUE(tcp_stream_intact(sys, r)) << "the kernel's socket read other bytes than we wrote";
  const KernelPeer &kp = *sys.kernel_peer();
  EXPECT_EQ(kp.stats().tcp_accepted, 1u);
  EXPECT_EQ(kp.stats().tcp_closed, 1u) << "the kernel's socket did not see our FIN";
  EXPECT_EQ(kp.stats().fcs_errors, 0u);
  const ProcNetCounters snmp = kp.snmp();
  EXPECT_EQ(proc_net_counter(snmp, "Tcp", "InCsumErrors"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Tcp", "InErrs"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Tcp", "OutRsts"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Ip", "InHdrErrors"), 0);
  EXPECT_EQ(skb_counters().live(), 0u);
}

}  // namespace

// The default UDP run: every datagram reaches the kernel's socket, in order,
// byte-identical to the UDP payloads our NIC put on the wire.
TEST(KernelPeerSystem, DefaultRunsDatagramsAllReachTheKernelsSocket) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  SystemConfig cfg = kernel_config();
  cfg.keep_frames = true;
  System sys("sys", cfg);
  UdpScenarioResult r;
  sys.app = [&](System &s) { r = run_udp_scenario(s, UdpScenarioConfig{}); };
  sys.run(1'000'000'000'000ull);
  ASSERT_TRUE(sys.app_done());
  const KernelPeer &kp = *sys.kernel_peer();
  sys.kernel_peer()->finish();
  ASSERT_EQ(kp.udp_datagrams().size(), r.sent);
  ASSERT_EQ(sys.frames().size(), r.sent);
  for (size_t i = 0; i < r.sent; i++) {
    const std::vector<uint8_t> &f = sys.frames()[i].bytes;
    const size_t ulen = be16(&f[14 + 20 + 4]) - 8u;
    const std::vector<uint8_t> wire(f.begin() + 42, f.begin() + 42 + static_cast<std::ptrdiff_t>(ulen));
    ASSERT_EQ(kp.udp_datagrams()[i], wire) << "datagram " << i;
    EXPECT_EQ(kp.udp_datagrams()[i].size(), r.payload_sizes[i]);
  }
  const ProcNetCounters snmp = kp.snmp();
  EXPECT_EQ(proc_net_counter(snmp, "Udp", "InDatagrams"), static_cast<int64_t>(r.sent));
  EXPECT_EQ(proc_net_counter(snmp, "Udp", "InErrors"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Udp", "InCsumErrors"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Ip", "InHdrErrors"), 0);
}

// Datagrams larger than the MTU leave as fragments; the kernel reassembles them.
TEST(KernelPeerSystem, FragmentedDatagramsAreReassembledByTheKernel) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  SystemConfig cfg = kernel_config();
  System sys("sys", cfg);
  UdpScenarioConfig sc;
  sc.datagrams = 20;
  sc.min_payload = 1000;
  sc.max_payload = 6000;
  UdpScenarioResult r;
  sys.app = [&](System &s) { r = run_udp_scenario(s, sc); };
  sys.run(1'000'000'000'000ull);
  ASSERT_TRUE(sys.app_done());
  const KernelPeer &kp = *sys.kernel_peer();
  sys.kernel_peer()->finish();
  ASSERT_EQ(kp.udp_datagrams().size(), r.sent);
  for (size_t i = 0; i < r.sent; i++) EXPECT_EQ(kp.udp_datagrams()[i].size(), r.payload_sizes[i]) << i;
  const ProcNetCounters snmp = kp.snmp();
  EXPECT_GT(proc_net_counter(snmp, "Ip", "ReasmOKs"), 10);
  EXPECT_EQ(proc_net_counter(snmp, "Ip", "ReasmFails"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Udp", "InErrors"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Udp", "InCsumErrors"), 0);
}

// 10 MB through the Verilated NIC (TSO, checksum offload) into the kernel's
// socket: byte-identical, closed cleanly on both sides, no checksum errors.
TEST(KernelPeerSystem, TenMegabytesArriveByteIdenticalAtTheKernel) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  System sys("sys", kernel_config());
  const TcpScenarioResult r = run_tcp(sys, 10'000'000);
  expect_clean_tcp(sys, r, 10'000'000);
  EXPECT_EQ(r.retrans, 0u);
}

// Our wire middleware loses 1% of our data segments (netem is not in this
// kernel): the stream still arrives intact; we retransmit, the kernel
// queued segments out of order and asked for the holes.
TEST(KernelPeerSystem, OnePercentLossStillArrivesByteIdentical) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  SystemConfig cfg = kernel_config();
  cfg.faults.loss = 0.01;
  System sys("sys", cfg);
  const TcpScenarioResult r = run_tcp(sys, 4'000'000);
  expect_clean_tcp(sys, r, 4'000'000);
  EXPECT_GT(sys.faults().stats().lost, 10u);
  EXPECT_GE(sys.stack().tcp.mib.RetransSegs, sys.faults().stats().lost);
  EXPECT_GT(proc_net_counter(sys.kernel_peer()->netstat(), "TcpExt", "TCPOFOQueue"), 0);
}

// With ARP on, the kernel's own ARP reply resolves the peer before our SYN.
TEST(KernelPeerSystem, TheKernelsArpReplyResolvesThePeer) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  SystemConfig cfg = kernel_config();
  cfg.net.static_neighbours = false;
  cfg.keep_frames = true;
  System sys("sys", cfg);
  const TcpScenarioResult r = run_tcp(sys, 100'000);
  expect_clean_tcp(sys, r, 100'000);
  ASSERT_FALSE(sys.frames().empty());
  EXPECT_EQ(be16(&sys.frames()[0].bytes[12]), 0x0806) << "the first frame on the wire is our ARP request";
  EXPECT_GE(sys.kernel_peer()->stats().tap_reads, 1u);
  const neighbour *n = __ipv4_neigh_lookup_noref(sys.stack(), &sys.netdev(), sys.config().net.peer_ip);
  ASSERT_NE(n, nullptr);
  EXPECT_TRUE(std::equal(n->ha.begin(), n->ha.end(), sys.config().net.peer_mac.begin()));
}
