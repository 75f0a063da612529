// Every errno the socket calls return, as Linux returns it (values from <cerrno>).
#include <gtest/gtest.h>

#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

using SocketErrors = StackTest;

// A descriptor that is not open gives EBADF for every call, including a second close.
TEST_F(SocketErrors, BadFdIsEbadf) {
  const auto to = sin(kPeer, 7);
  EXPECT_EQ(files.sendto(99, "x", 1, 0, &to), -EBADF);
  EXPECT_EQ(files.send(99, "x", 1), -EBADF);
  EXPECT_EQ(files.bind(99, &to), -EBADF);
  EXPECT_EQ(files.connect(99, &to), -EBADF);
  EXPECT_EQ(files.setsockopt(99, SOL_IP, IP_TTL, 1), -EBADF);
  EXPECT_EQ(files.close(99), -EBADF);
  const int fd = udp_socket();
  EXPECT_EQ(files.close(fd), 0);
  EXPECT_EQ(files.close(fd), -EBADF);
  EXPECT_EQ(files.send(fd, "x", 1), -EBADF);
}

// socket(): unknown family EAFNOSUPPORT; type out of range EINVAL; a type AF_INET lacks ESOCKTNOSUPPORT;
// a protocol the type lacks EPROTONOSUPPORT; protocol out of range EINVAL; fds are the lowest free from 3.
TEST_F(SocketErrors, SocketCreationErrorsAreLinuxs) {
  EXPECT_EQ(files.socket(AF_INET6, SOCK_DGRAM, 0), -EAFNOSUPPORT);
  EXPECT_EQ(files.socket(-1, SOCK_DGRAM, 0), -EAFNOSUPPORT);
  EXPECT_EQ(files.socket(4242, SOCK_DGRAM, 0), -EAFNOSUPPORT);
  EXPECT_EQ(files.socket(AF_INET, 11, 0), -EINVAL);              // >= SOCK_MAX
  EXPECT_EQ(files.socket(AF_INET, SOCK_DGRAM | 0x100, 0), -EINVAL);  // unknown type flag
  EXPECT_EQ(files.socket(AF_INET, 5 /* SOCK_SEQPACKET */, 0), -ESOCKTNOSUPPORT);
  EXPECT_EQ(files.socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), -EPROTONOSUPPORT);
  EXPECT_EQ(files.socket(AF_INET, SOCK_DGRAM, -1), -EINVAL);
  EXPECT_EQ(files.socket(AF_INET, SOCK_DGRAM, 0), 3);
  EXPECT_EQ(files.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), 4);
  EXPECT_EQ(files.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), 5);
  EXPECT_EQ(files.close(4), 0);
  EXPECT_EQ(files.socket(AF_INET, SOCK_DGRAM, 0), 4);
}

// sendto without an address on an unconnected socket: EDESTADDRREQ.
TEST_F(SocketErrors, SendWithoutDestinationIsEdestaddrreq) {
  const int fd = udp_socket();
  EXPECT_EQ(files.send(fd, "x", 1), -EDESTADDRREQ);
  EXPECT_EQ(files.sendto(fd, "x", 1, 0, nullptr), -EDESTADDRREQ);
}

// Payload over 65507 (65535 - 20 - 8) is EMSGSIZE; 65507 itself goes out (fragmented).
TEST_F(SocketErrors, PayloadOver65507IsEmsgsize) {
  const int fd = udp_socket();
  const auto to = sin(kPeer, 7);
  std::vector<uint8_t> big(70000, 0xab);
  EXPECT_EQ(files.sendto(fd, big.data(), 65508, 0, &to), -EMSGSIZE);
  EXPECT_EQ(files.sendto(fd, big.data(), 65536, 0, &to), -EMSGSIZE);
  EXPECT_EQ(files.sendto(fd, big.data(), 70000, 0, &to), -EMSGSIZE);
  EXPECT_EQ(nd.frames.size(), 0u);
  EXPECT_EQ(files.sendto(fd, big.data(), 65507, 0, &to), 65507);
  EXPECT_EQ(nd.frames.size(), 45u);  // ceil(65515 / 1480)
}

// IP_PMTUDISC_DO: a datagram over the MTU is EMSGSIZE (1472 fits in 1500, 1473 does not).
TEST_F(SocketErrors, PmtudiscDoOverMtuIsEmsgsize) {
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO), 0);
  const auto to = sin(kPeer, 7);
  std::vector<uint8_t> buf(1473, 1);
  EXPECT_EQ(files.sendto(fd, buf.data(), 1473, 0, &to), -EMSGSIZE);
  EXPECT_EQ(files.sendto(fd, buf.data(), 1472, 0, &to), 1472);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(nd.frames[0].bytes.size(), 1514u);
}

// Bad address: short length EINVAL, family not AF_INET/AF_UNSPEC EAFNOSUPPORT, port 0 EINVAL.
TEST_F(SocketErrors, BadDestinationAddressErrors) {
  const int fd = udp_socket();
  auto to = sin(kPeer, 7);
  EXPECT_EQ(files.sendto(fd, "x", 1, 0, &to, 4), -EINVAL);
  EXPECT_EQ(files.sendto(fd, "x", 1, 0, &to, 0), -EINVAL);
  to.sin_family = AF_INET6;
  EXPECT_EQ(files.sendto(fd, "x", 1, 0, &to), -EAFNOSUPPORT);
  to.sin_family = AF_UNSPEC;  // accepted as AF_INET by udp_sendmsg
  EXPECT_EQ(files.sendto(fd, "x", 1, 0, &to), 1);
  to = sin(kPeer, 0);
  EXPECT_EQ(files.sendto(fd, "x", 1, 0, &to), -EINVAL);
  EXPECT_EQ(files.sendto(fd, nullptr, 1, 0, &to), -EFAULT);
}

// MSG_OOB on a datagram socket: EOPNOTSUPP.
TEST_F(SocketErrors, MsgOobIsEopnotsupp) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", kPeer, 7, MSG_OOB), -EOPNOTSUPP);
}

// No route to the destination: ENETUNREACH from sendto and connect, Ip OutNoRoutes counts it.
TEST_F(SocketErrors, NoRouteIsEnetunreach) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", ipv4(192, 0, 2, 1), 7), -ENETUNREACH);
  const auto far = sin(ipv4(192, 0, 2, 1), 7);
  EXPECT_EQ(files.connect(fd, &far), -ENETUNREACH);
  EXPECT_EQ(ns.ip_stats.OutNoRoutes, 2u);
  // A gateway off every connected subnet is refused when the route is added.
  EXPECT_EQ(ns.ip_route_add_default(ipv4(172, 16, 0, 1)), -ENETUNREACH);
}

// A down device takes its routes with it: ENETUNREACH; up again, sending works.
TEST_F(SocketErrors, DownDeviceHasNoRoute) {
  const int fd = udp_socket();
  const auto peer = sin(kPeer, 7);
  ASSERT_EQ(files.connect(fd, &peer), 0);
  dev_close(&nd.dev);
  EXPECT_EQ(files.send(fd, "x", 1), -ENETUNREACH);
  dev_open(&nd.dev);
  EXPECT_EQ(files.send(fd, "x", 1), 1);
}

// On-link destination without a neighbour entry: send succeeds (the datagram waits for ARP);
// when resolution fails (3 s) it is dropped with NEIGH_FAILED, and with IP_RECVERR the next send is EHOSTUNREACH.
TEST_F(SocketErrors, UnresolvableNeighbourDropsWithNeighFailedAndNextSendIsEhostunreach) {
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_RECVERR, 1), 0);
  EXPECT_EQ(send_str(fd, "x", ipv4(10, 0, 0, 3), 7), 1);
  kern.timers.run_timers(3'000'000'000ULL);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::NEIGH_FAILED)], 1u);
  EXPECT_EQ(send_str(fd, "x", ipv4(10, 0, 0, 3), 7), -EHOSTUNREACH);
  EXPECT_EQ(ns.udp_stats.OutDatagrams, 1u);
  EXPECT_EQ(nd.frames.size(), 3u);  // the three ARP requests
}

// bind: a used port EADDRINUSE, an address not ours EADDRNOTAVAIL, binding twice EINVAL, short EINVAL.
TEST_F(SocketErrors, BindErrors) {
  const int a = udp_socket(), b = udp_socket();
  auto me = sin(kLocal, 5000);
  EXPECT_EQ(files.bind(a, &me), 0);
  EXPECT_EQ(files.bind(b, &me), -EADDRINUSE);
  EXPECT_EQ(files.bind(a, &me), -EINVAL);
  auto other = sin(ipv4(10, 0, 0, 9), 5001);
  EXPECT_EQ(files.bind(b, &other), -EADDRNOTAVAIL);
  EXPECT_EQ(files.bind(b, &me, 2), -EINVAL);
  other.sin_family = AF_INET6;
  EXPECT_EQ(files.bind(b, &other), -EAFNOSUPPORT);
  EXPECT_EQ(files.close(a), 0);
  EXPECT_EQ(files.bind(b, &me), 0);  // the port is free again
}

// connect: short address EINVAL, wrong family EAFNOSUPPORT, AF_UNSPEC disconnects (then EDESTADDRREQ).
TEST_F(SocketErrors, ConnectErrorsAndDisconnect) {
  const int fd = udp_socket();
  auto peer = sin(kPeer, 7);
  EXPECT_EQ(files.connect(fd, &peer, 1), -EINVAL);
  peer.sin_family = AF_INET6;
  EXPECT_EQ(files.connect(fd, &peer), -EAFNOSUPPORT);
  peer.sin_family = AF_INET;
  ASSERT_EQ(files.connect(fd, &peer), 0);
  EXPECT_EQ(files.send(fd, "x", 1), 1);
  sockaddr_in_host unspec;
  unspec.sin_family = AF_UNSPEC;
  EXPECT_EQ(files.connect(fd, &unspec), 0);
  EXPECT_EQ(files.send(fd, "x", 1), -EDESTADDRREQ);
  sockaddr_in_host p;
  EXPECT_EQ(files.getpeername(fd, &p), -ENOTCONN);
}

// Unknown socket options: ENOPROTOOPT; a bad IP_MTU_DISCOVER value EINVAL.
TEST_F(SocketErrors, SetsockoptErrors) {
  const int fd = udp_socket();
  EXPECT_EQ(files.setsockopt(fd, SOL_IP, 9999, 1), -ENOPROTOOPT);
  EXPECT_EQ(files.setsockopt(fd, 77, IP_TTL, 1), -ENOPROTOOPT);
  EXPECT_EQ(files.setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, 6), -EINVAL);
  EXPECT_EQ(files.setsockopt(fd, SOL_IP, IP_TTL, nullptr, 4), -EFAULT);
  const char c = 1;
  EXPECT_EQ(files.setsockopt(fd, SOL_IP, IP_TTL, &c, 1), -EINVAL);
}
