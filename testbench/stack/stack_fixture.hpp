// The smallest system that sends UDP: one struct net, one fake device
// eth0 02:00:00:00:00:01 with 10.0.0.1/24, and a static neighbour
// 10.0.0.2 -> 02:00:00:00:00:02. Every test ends with no skb alive.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "fake_netdev.hpp"
#include "stack/kernel/kmalloc.hpp"
#include "stack/core/checksum.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/socket.hpp"

namespace wirepath::test {

constexpr mac_addr kPeerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr mac_addr kGwMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};
constexpr uint32_t kLocal = ipv4(10, 0, 0, 1), kPeer = ipv4(10, 0, 0, 2), kGw = ipv4(10, 0, 0, 254);

class StackTest : public ::testing::Test {
protected:
  void SetUp() override {
    skb_counters_reset();
    ASSERT_EQ(ns.register_netdevice(&nd.dev), 0);
    ASSERT_EQ(ns.inet_addr_add(&nd.dev, kLocal, 24), 0);
    ASSERT_EQ(ns.neigh_add(&nd.dev, kPeer, kPeerMac), 0);
  }
  void TearDown() override {
    EXPECT_EQ(skb_counters().live(), 0u) << "an skb was neither transmitted nor dropped";
  }

  int udp_socket() { return files.socket(AF_INET, SOCK_DGRAM, 0); }
  static sockaddr_in_host sin(uint32_t addr, uint16_t port) {
    sockaddr_in_host s;
    s.sin_family = AF_INET;
    s.sin_port = port;
    s.sin_addr = addr;
    return s;
  }
  long send_str(int fd, const std::string &s, uint32_t addr, uint16_t port, int flags = 0) {
    const auto to = sin(addr, port);
    return files.sendto(fd, s.data(), s.size(), flags, &to);
  }
  // The IPv4 header of frame i (bytes from the Ethernet payload).
  const std::vector<uint8_t> &frame(size_t i) const { return nd.frames.at(i).bytes; }
  uint16_t ip_id(size_t i) const { return rd16(frame(i), 14 + 4); }
  uint16_t ip_frag(size_t i) const { return rd16(frame(i), 14 + 6); }
  bool ip_header_ok(size_t i) const { return ip_fast_csum(frame(i).data() + 14, frame(i)[14] & 0xf) == 0; }

  kernel_ctx kern;
  PhysMem ram{16u << 20};
  KernelHeap mem{ram};
  net ns{kern, mem, 42};
  files_struct files{ns};  // the test's process; closed after nd leaves ns, before ns goes
  FakeNetdev nd;
};

}  // namespace wirepath::test
