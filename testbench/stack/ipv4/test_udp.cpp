// UDP/IPv4 datagrams on the wire: every header byte and both checksums
// against hand-computed vectors, the IP ID rules, TTL/TOS, routing via a
// gateway, the checksum-offload setup, and the SNMP counters.
#include <gtest/gtest.h>

#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

using Udp = StackTest;

// 10.0.0.1:1234 -> 10.0.0.2:5678 "hello" (PMTUDISC_DO so ID is 0): the frame is exactly these bytes.
// IP checksum by hand: 4500+0021+0000+4000+4011+0000+0a00+0001+0a00+0002 = d935, ~ = 26ca.
// UDP checksum by hand: pseudo 0a00+0001+0a00+0002+0011+000d = 1421; header 04d2+162e+000d = 1b0d;
// data 6865+6c6c+6f00 = 143d1 -> 43d2; total 1421+1b0d+43d2 = 7300, ~ = 8cff.
TEST_F(Udp, HelloDatagramMatchesHandComputedBytes) {
  const int fd = udp_socket();
  ASSERT_GE(fd, 0);
  const auto me = sin(kLocal, 1234);
  ASSERT_EQ(files.bind(fd, &me), 0);
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO), 0);
  EXPECT_EQ(send_str(fd, "hello", kPeer, 5678), 5);
  ASSERT_EQ(nd.frames.size(), 1u);
  const std::vector<uint8_t> want = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // dst MAC (neighbour)
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // src MAC (dev_addr)
      0x08, 0x00,                          // ETH_P_IP
      0x45, 0x00, 0x00, 0x21,              // v4, IHL 5, TOS 0, total length 33
      0x00, 0x00, 0x40, 0x00,              // ID 0, DF
      0x40, 0x11, 0x26, 0xca,              // TTL 64, UDP, header checksum
      0x0a, 0x00, 0x00, 0x01,              // 10.0.0.1
      0x0a, 0x00, 0x00, 0x02,              // 10.0.0.2
      0x04, 0xd2, 0x16, 0x2e,              // 1234 -> 5678
      0x00, 0x0d, 0x8c, 0xff,              // length 13, checksum
      'h',  'e',  'l',  'l',  'o',
  };
  EXPECT_EQ(frame(0), want);
  EXPECT_EQ(nd.frames[0].ip_summed, CHECKSUM_NONE);
  EXPECT_EQ(ns.udp_stats.OutDatagrams, 1u);
  EXPECT_EQ(ns.ip_stats.OutRequests, 1u);
  EXPECT_EQ(ns.ip_stats.OutTransmits, 1u);
}

// A UDP checksum that computes to 0 is sent as 0xffff (RFC 768: 0 means "none").
// Payload d0 d7 makes the sum ffff: pseudo 141e + header 04d2+162e+000a = 2f28, + d0d7 = ffff.
TEST_F(Udp, ChecksumOfZeroIsSentAsAllOnes) {
  const int fd = udp_socket();
  const auto me = sin(kLocal, 1234);
  ASSERT_EQ(files.bind(fd, &me), 0);
  const uint8_t payload[2] = {0xd0, 0xd7};
  const auto to = sin(kPeer, 5678);
  EXPECT_EQ(files.sendto(fd, payload, 2, 0, &to), 2);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(rd16(frame(0), 34 + 6), 0xffff);
}

// connect() picks an ephemeral port in 32768..60999, the source from the route, and send() uses them.
TEST_F(Udp, ConnectAutobindsAnEphemeralPortAndSendUsesTheDefaultDestination) {
  const int fd = udp_socket();
  const auto peer = sin(kPeer, 9);
  ASSERT_EQ(files.connect(fd, &peer), 0);
  sockaddr_in_host me;
  ASSERT_EQ(files.getsockname(fd, &me), 0);
  EXPECT_EQ(me.sin_addr, kLocal);
  EXPECT_GE(me.sin_port, 32768);
  EXPECT_LE(me.sin_port, 60999);
  sockaddr_in_host them;
  ASSERT_EQ(files.getpeername(fd, &them), 0);
  EXPECT_EQ(them.sin_port, 9);
  EXPECT_EQ(files.send(fd, "x", 1), 1);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(rd16(frame(0), 34), me.sin_port);
  EXPECT_EQ(rd16(frame(0), 36), 9);
  EXPECT_EQ(rd32(frame(0), 26), kLocal);
  EXPECT_EQ(rd32(frame(0), 30), kPeer);
}

// IP ID, connected socket (ip_select_ident_segs): the socket's own counter, seeded at connect from the
// RNG, +1 per datagram; the same seed gives the same IDs.
TEST_F(Udp, ConnectedSocketIdsCountUpFromARandomSeed) {
  const int fd = udp_socket();
  const auto peer = sin(kPeer, 9);
  ASSERT_EQ(files.connect(fd, &peer), 0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(files.send(fd, "x", 1), 1);
  ASSERT_EQ(nd.frames.size(), 3u);
  EXPECT_EQ(ip_frag(0) & IP_DF, IP_DF);
  EXPECT_EQ(static_cast<uint16_t>(ip_id(1) - ip_id(0)), 1);
  EXPECT_EQ(static_cast<uint16_t>(ip_id(2) - ip_id(1)), 1);

  // Determinism: a second stack with the same seed and history gives the same first ID.
  kernel_ctx kern2;
  PhysMem mem2_ram(1u << 20);
  KernelHeap mem2(mem2_ram);
  net ns2(kern2, mem2, 42);
  files_struct files2(ns2);
  FakeNetdev nd2;
  ns2.register_netdevice(&nd2.dev);
  ns2.inet_addr_add(&nd2.dev, kLocal, 24);
  ns2.neigh_add(&nd2.dev, kPeer, kPeerMac);
  const int fd2 = files2.socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_EQ(files2.connect(fd2, &peer), 0);
  ASSERT_EQ(files2.send(fd2, "x", 1), 1);
  EXPECT_EQ(rd16(nd2.frames.at(0).bytes, 18), ip_id(0));
}

// IP ID, unconnected with DF that may not be fragmented locally (IP_PMTUDISC_DO): ID 0.
TEST_F(Udp, UnconnectedDfDatagramHasIdZero) {
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO), 0);
  ASSERT_EQ(send_str(fd, "a", kPeer, 7), 1);
  ASSERT_EQ(send_str(fd, "b", kPeer, 7), 1);
  EXPECT_EQ(ip_frag(0), IP_DF);
  EXPECT_EQ(ip_id(0), 0);
  EXPECT_EQ(ip_id(1), 0);
}

// IP ID, no DF (IP_PMTUDISC_DONT): __ip_select_ident, one counter per destination, +1 per datagram.
TEST_F(Udp, WithoutDfIdsComeFromAPerDestinationCounter) {
  const uint32_t other = ipv4(10, 0, 0, 3);
  ASSERT_EQ(ns.neigh_add(&nd.dev, other, kGwMac), 0);
  const int fd = udp_socket();
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT), 0);
  ASSERT_EQ(send_str(fd, "a", kPeer, 7), 1);
  ASSERT_EQ(send_str(fd, "b", other, 7), 1);
  ASSERT_EQ(send_str(fd, "c", kPeer, 7), 1);
  ASSERT_EQ(send_str(fd, "d", other, 7), 1);
  EXPECT_EQ(ip_frag(0), 0);
  EXPECT_EQ(static_cast<uint16_t>(ip_id(2) - ip_id(0)), 1);
  EXPECT_EQ(static_cast<uint16_t>(ip_id(3) - ip_id(1)), 1);
  EXPECT_NE(ip_id(0), ip_id(1));  // independent random starts
}

// IP ID, default IP_PMTUDISC_WANT unconnected: DF is set, but skb->ignore_df (may still fragment
// locally) sends it to the per-destination generator, as Linux does.
TEST_F(Udp, DefaultPmtudiscWantSetsDfAndUsesThePerDestinationCounter) {
  const int fd = udp_socket();
  ASSERT_EQ(send_str(fd, "a", kPeer, 7), 1);
  ASSERT_EQ(send_str(fd, "b", kPeer, 7), 1);
  EXPECT_EQ(ip_frag(0), IP_DF);
  EXPECT_EQ(static_cast<uint16_t>(ip_id(1) - ip_id(0)), 1);
}

// TTL is 64 (net.ipv4.ip_default_ttl) and TOS 0 by default; IP_TTL and IP_TOS set them, IP_TOS also
// sets sk_priority via rt_tos2priority (0x10 lowdelay -> TC_PRIO_INTERACTIVE 6, pfifo_fast band 0).
TEST_F(Udp, TtlAndTosDefaultAndFollowSetsockopt) {
  const int fd = udp_socket();
  ASSERT_EQ(send_str(fd, "a", kPeer, 7), 1);
  EXPECT_EQ(frame(0)[14 + 8], 64);
  EXPECT_EQ(frame(0)[14 + 1], 0);
  EXPECT_EQ(nd.frames[0].priority, 0u);
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_TTL, 5), 0);
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_TOS, 0x10), 0);
  ASSERT_EQ(send_str(fd, "b", kPeer, 7), 1);
  EXPECT_EQ(frame(1)[14 + 8], 5);
  EXPECT_EQ(frame(1)[14 + 1], 0x10);
  EXPECT_EQ(nd.frames[1].priority, 6u);
  EXPECT_TRUE(ip_header_ok(1));
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_TTL, -1), 0);  // back to the default
  EXPECT_EQ(files.setsockopt(fd, SOL_IP, IP_TTL, 256), -EINVAL);
  ASSERT_EQ(send_str(fd, "c", kPeer, 7), 1);
  EXPECT_EQ(frame(2)[14 + 8], 64);
}

// Off-link destinations go to the default gateway's MAC; the IP destination stays the real one.
TEST_F(Udp, OffLinkDestinationGoesToTheGatewayMac) {
  ASSERT_EQ(ns.ip_route_add_default(kGw), 0);
  ASSERT_EQ(ns.neigh_add(&nd.dev, kGw, kGwMac), 0);
  const int fd = udp_socket();
  ASSERT_EQ(send_str(fd, "far", ipv4(192, 0, 2, 7), 53), 3);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(std::vector<uint8_t>(frame(0).begin(), frame(0).begin() + 6),
            std::vector<uint8_t>(kGwMac.begin(), kGwMac.end()));
  EXPECT_EQ(rd32(frame(0), 30), ipv4(192, 0, 2, 7));
  EXPECT_EQ(rd32(frame(0), 26), kLocal);
}

// With NETIF_F_IP_CSUM and no fragmenting, the skb is CHECKSUM_PARTIAL: csum_start at the UDP header,
// csum_offset 6, and the field holds the folded pseudo-header sum (udp4_hwcsum). Hand: 1421 for "hello".
TEST_F(Udp, ChecksumOffloadLeavesPseudoHeaderSumForTheNic) {
  nd.dev.features |= NETIF_F_IP_CSUM;
  const int fd = udp_socket();
  const auto me = sin(kLocal, 1234);
  ASSERT_EQ(files.bind(fd, &me), 0);
  EXPECT_EQ(send_str(fd, "hello", kPeer, 5678), 5);
  ASSERT_EQ(nd.frames.size(), 1u);
  const auto &f = nd.frames[0];
  EXPECT_EQ(f.ip_summed, CHECKSUM_PARTIAL);
  EXPECT_EQ(f.csum_start, 34);
  EXPECT_EQ(f.csum_offset, 6);
  EXPECT_EQ(rd16(f.bytes, 40), 0x1421);
  // What the NIC computes from csum_start with the seeded field is the software checksum.
  EXPECT_EQ(csum_fold(csum_partial(f.bytes.data() + 34, f.bytes.size() - 34, 0)), 0x8cff);
}

// When the qdisc drops (NET_XMIT_DROP), udp_send_skb counts SndbufErrors and the send still succeeds
// (no IP_RECVERR); with IP_RECVERR it returns -ENOBUFS.
TEST_F(Udp, QdiscDropCountsSndbufErrorsAndSendStillSucceeds) {
  nd.dev.tx_queue_len = 1;
  netif_stop_queue(&nd.dev);
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "1", kPeer, 7), 1);  // waits in the qdisc
  EXPECT_EQ(send_str(fd, "2", kPeer, 7), 1);  // dropped, still "sent"
  EXPECT_EQ(ns.udp_stats.SndbufErrors, 1u);
  EXPECT_EQ(ns.udp_stats.OutDatagrams, 1u);
  EXPECT_EQ(ns.ip_stats.OutDiscards, 1u);
  ASSERT_EQ(files.setsockopt(fd, SOL_IP, IP_RECVERR, 1), 0);
  EXPECT_EQ(send_str(fd, "3", kPeer, 7), -ENOBUFS);
  EXPECT_EQ(ns.udp_stats.SndbufErrors, 2u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::QDISC_DROP)], 2u);
  netif_wake_queue(&nd.dev);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(frame(0).back(), '1');
}

// SO_PRIORITY picks the pfifo_fast band: a priority-6 datagram overtakes queued best-effort ones.
TEST_F(Udp, SoPriorityPicksThePfifoFastBand) {
  netif_stop_queue(&nd.dev);
  const int bulk = udp_socket(), urgent = udp_socket();
  ASSERT_EQ(files.setsockopt(urgent, SOL_SOCKET, SO_PRIORITY, 6), 0);
  EXPECT_EQ(send_str(bulk, "b1", kPeer, 7), 2);
  EXPECT_EQ(send_str(bulk, "b2", kPeer, 7), 2);
  EXPECT_EQ(send_str(urgent, "u", kPeer, 7), 1);
  netif_wake_queue(&nd.dev);
  ASSERT_EQ(nd.frames.size(), 3u);
  EXPECT_EQ(frame(0).back(), 'u');
  EXPECT_EQ(frame(1).back(), '1');
  EXPECT_EQ(frame(2).back(), '2');
}
