// The kernel peer on its own: frames into a TAP in a private namespace, the
// real kernel's answers back out, its sockets and counters. Needs root (as CI
// runs); skipped where the machine has no /dev/net/tun or we are not root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <zlib.h>

#include "sim/peer/kernel_peer.hpp"

using namespace wirepath;

namespace {

const std::array<uint8_t, 6> kOurMac{0x02, 0, 0, 0, 0, 0x01};
const std::array<uint8_t, 6> kPeerMac{0x02, 0, 0, 0, 0, 0x02};
constexpr uint32_t kOurIp = 0x0A000001, kPeerIp = 0x0A000002;

bool can_run() { return ::geteuid() == 0 && ::access("/dev/net/tun", R_OK | W_OK) == 0; }

void put16(std::vector<uint8_t> &f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}
void put32(std::vector<uint8_t> &f, size_t at, uint32_t v) {
  put16(f, at, static_cast<uint16_t>(v >> 16));
  put16(f, at + 2, static_cast<uint16_t>(v));
}
uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// Pads to 60 bytes and appends the FCS, as our MAC does.
std::vector<uint8_t> with_fcs(std::vector<uint8_t> f) {
  if (f.size() < 60) f.resize(60, 0);
  const uint32_t c = crc32(0, f.data(), static_cast<uInt>(f.size()));
  for (int i = 0; i < 4; i++) f.push_back(static_cast<uint8_t>(c >> (8 * i)));
  return f;
}

std::vector<uint8_t> eth(const std::array<uint8_t, 6> &dst, uint16_t type) {
  std::vector<uint8_t> f(14);
  std::memcpy(f.data(), dst.data(), 6);
  std::memcpy(f.data() + 6, kOurMac.data(), 6);
  put16(f, 12, type);
  return f;
}

std::vector<uint8_t> arp_request() {
  std::vector<uint8_t> f = eth({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0x0806);
  f.resize(42);
  put16(f, 14, 1);       // Ethernet
  put16(f, 16, 0x0800);  // IPv4
  f[18] = 6;
  f[19] = 4;
  put16(f, 20, 1);  // request
  std::memcpy(f.data() + 22, kOurMac.data(), 6);
  put32(f, 28, kOurIp);
  put32(f, 38, kPeerIp);
  return f;
}

uint16_t ip_csum(const uint8_t *p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; i += 2) s += be16(p + i);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}

// UDP to the peer's port with checksum 0 (none: allowed for IPv4).
std::vector<uint8_t> udp(uint16_t dport, const std::vector<uint8_t> &payload) {
  std::vector<uint8_t> f = eth(kPeerMac, 0x0800);
  const size_t ip = f.size();
  f.resize(ip + 28 + payload.size());
  f[ip] = 0x45;
  put16(f, ip + 2, static_cast<uint16_t>(28 + payload.size()));
  f[ip + 8] = 64;
  f[ip + 9] = 17;
  put32(f, ip + 12, kOurIp);
  put32(f, ip + 16, kPeerIp);
  put16(f, ip + 10, ip_csum(&f[ip], 20));
  put16(f, ip + 20, 5000);
  put16(f, ip + 22, dport);
  put16(f, ip + 24, static_cast<uint16_t>(8 + payload.size()));
  std::memcpy(&f[ip + 28], payload.data(), payload.size());
  return f;
}

KernelPeerConfig config() {
  KernelPeerConfig c;
  c.ns.ifname = "wptest0";
  c.ns.udp_bind = {9};
  c.ns.tcp_listen = {5001};
  c.reply_delay_ns = 20'000;
  return c;
}

}  // namespace

TEST(KernelPeer, TheKernelAnswersArpForThePeerAddress) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  KernelPeer kp(config());
  std::vector<std::pair<std::vector<uint8_t>, uint64_t>> got;
  kp.transmit = [&](std::vector<uint8_t> f, uint64_t t) { got.emplace_back(std::move(f), t); };
  kp.on_frame(with_fcs(arp_request()), 1000);
  kp.run(500);  // not yet arrived
  EXPECT_EQ(kp.stats().tap_writes, 0u);
  kp.run(1000);
  EXPECT_EQ(kp.stats().tap_writes, 1u);
  // The kernel answers from its softirq; look again until it has.
  for (int i = 0; i < 200 && got.empty(); i++) {
    ::usleep(1000);
    kp.run(1000 + i);
  }
  ASSERT_EQ(got.size(), 1u);
  const std::vector<uint8_t> &r = got[0].first;
  ASSERT_EQ(r.size(), 60u);  // 42 bytes padded as on a wire
  EXPECT_TRUE(std::equal(kOurMac.begin(), kOurMac.end(), r.begin()));
  EXPECT_TRUE(std::equal(kPeerMac.begin(), kPeerMac.end(), r.begin() + 6));
  EXPECT_EQ(be16(&r[12]), 0x0806);
  EXPECT_EQ(be16(&r[20]), 2);  // reply
  EXPECT_TRUE(std::equal(kPeerMac.begin(), kPeerMac.end(), r.begin() + 22));
  EXPECT_EQ(be16(&r[28]), 0x0A00);
  EXPECT_EQ(be16(&r[30]), 0x0002);
  EXPECT_GE(got[0].second, 1000u + 20'000u);  // entered after the reply delay
}

TEST(KernelPeer, DatagramsReachTheKernelsSocketAndItsCounters) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  KernelPeer kp(config());
  kp.transmit = [](std::vector<uint8_t>, uint64_t) {};
  const std::vector<uint8_t> a{1, 2, 3}, b(1000, 0x5a);
  kp.on_frame(with_fcs(udp(9, a)), 100);
  kp.on_frame(with_fcs(udp(9, b)), 200);
  // A bad FCS: dropped before the kernel, as a NIC drops it.
  std::vector<uint8_t> bad = with_fcs(udp(9, a));
  bad.back() ^= 1;
  kp.on_frame(bad, 300);
  kp.run(1000);
  kp.finish();
  EXPECT_EQ(kp.stats().fcs_errors, 1u);
  ASSERT_EQ(kp.udp_datagrams().size(), 2u);
  EXPECT_EQ(kp.udp_datagrams()[0], a);
  EXPECT_EQ(kp.udp_datagrams()[1], b);
  const ProcNetCounters snmp = kp.snmp();
  EXPECT_EQ(proc_net_counter(snmp, "Udp", "InDatagrams"), 2);
  EXPECT_EQ(proc_net_counter(snmp, "Udp", "InErrors"), 0);
  EXPECT_EQ(proc_net_counter(snmp, "Ip", "InReceives"), 2);  // its own namespace: nothing else counted
}

TEST(KernelPeer, AClosedPortGetsTheKernelsIcmpError) {
  if (!can_run()) GTEST_SKIP() << "needs root and /dev/net/tun";
  KernelPeer kp(config());
  std::vector<std::vector<uint8_t>> got;
  kp.transmit = [&](std::vector<uint8_t> f, uint64_t) { got.push_back(std::move(f)); };
  // The kernel must resolve our address before it can answer: answer its ARP.
  kp.on_frame(with_fcs(udp(7, {9, 9})), 100);
  for (int i = 0; i < 200 && got.empty(); i++) {
    ::usleep(1000);
    kp.run(100 + i);
  }
  ASSERT_FALSE(got.empty());
  ASSERT_EQ(be16(&got[0][12]), 0x0806);  // who-has 10.0.0.1
  std::vector<uint8_t> reply = eth(kPeerMac, 0x0806);
  reply.insert(reply.end(), got[0].begin() + 14, got[0].begin() + 42);
  put16(reply, 20, 2);
  std::memcpy(&reply[22], kOurMac.data(), 6);
  put32(reply, 28, kOurIp);
  std::memcpy(&reply[32], kPeerMac.data(), 6);
  put32(reply, 38, kPeerIp);
  kp.on_frame(with_fcs(reply), 400);
  got.clear();
  for (int i = 0; i < 200 && got.empty(); i++) {
    ::usleep(1000);
    kp.run(400 + i);
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(be16(&got[0][12]), 0x0800);
  EXPECT_EQ(got[0][23], 1);   // ICMP
  EXPECT_EQ(got[0][34], 3);   // destination unreachable
  EXPECT_EQ(got[0][35], 3);   // port unreachable
  EXPECT_EQ(proc_net_counter(kp.snmp(), "Udp", "NoPorts"), 1);
}

TEST(KernelPeer, ProcNetCountersParseAsNameValueLinePairs) {
  char path[] = "/tmp/wirepath_snmpXXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text = "Ip: Forwarding InReceives\nIp: 1 42\nUdp: InDatagrams NoPorts\nUdp: 7 -1\n";
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  const ProcNetCounters c = read_proc_net_counters(fd);
  EXPECT_EQ(proc_net_counter(c, "Ip", "InReceives"), 42);
  EXPECT_EQ(proc_net_counter(c, "Udp", "InDatagrams"), 7);
  EXPECT_EQ(proc_net_counter(c, "Udp", "NoPorts"), -1);
  EXPECT_EQ(proc_net_counter(c, "Tcp", "InSegs"), 0);
  ::close(fd);
  ::unlink(path);
}
