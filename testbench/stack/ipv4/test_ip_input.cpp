// The receive entry point (eth_type_trans, netif_receive_skb, ip_rcv, the
// protocol table) and routing (longest prefix, gateways, two interfaces,
// ENETUNREACH, the socket's cached route and rt_genid).
#include <gtest/gtest.h>

#include <cstring>

#include "frames.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/ipv4/protocol.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/core/skbuff.hpp"
#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

using Rx = StackTest;
using Route = StackTest;

// eth_type_trans: PACKET_HOST for our MAC, BROADCAST, MULTICAST, OTHERHOST; the header is pulled.
TEST_F(Rx, EthTypeTransSetsPktTypeAndPullsTheHeader) {
  const struct { mac_addr dst; uint8_t want; } cases[] = {
      {nd.dev.dev_addr, PACKET_HOST}, {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, PACKET_BROADCAST},
      {{0x01, 0x00, 0x5e, 0, 0, 1}, PACKET_MULTICAST}, {{0x02, 0, 0, 0, 0, 0x77}, PACKET_OTHERHOST}};
  for (const auto &c : cases) {
    const auto f = udp_frame(c.dst, kPeerMac, kPeer, kLocal, 1, 2, "x");
    sk_buff *skb = alloc_skb(mem, 128);
    std::memcpy(skb->put(static_cast<uint32_t>(f.size())), f.data(), f.size());
    EXPECT_EQ(eth_type_trans(skb, &nd.dev), ETH_P_IP);
    EXPECT_EQ(skb->pkt_type, c.want);
    EXPECT_EQ(skb->len, f.size() - 14);
    consume_skb(skb);
  }
}

// UDP for a bound port is counted (InDatagrams), for an unbound one NoPorts; frames for another
// MAC are dropped (OTHERHOST) before IP.
TEST_F(Rx, UdpDatagramsAreCountedByPort) {
  const int fd = udp_socket();
  const auto me = sin(kLocal, 7000);
  ASSERT_EQ(files.bind(fd, &me), 0);
  auto f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "hi");
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_SUCCESS);
  f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7001, "hi");
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  f = udp_frame({0x02, 0, 0, 0, 0, 0x77}, kPeerMac, kPeer, kLocal, 9, 7000, "hi");
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  EXPECT_EQ(ns.udp_stats.InDatagrams, 1u);
  EXPECT_EQ(ns.udp_stats.NoPorts, 1u);
  EXPECT_EQ(ns.ip_stats.InReceives, 2u);
  EXPECT_EQ(ns.ip_stats.InDelivers, 2u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::OTHERHOST)], 1u);
  EXPECT_EQ(nd.dev.stats.rx_packets, 3u);
}

// udp_rcv queues the payload on the socket (__udp_enqueue_schedule_skb) and
// wakes the reader (sk_data_ready); recvfrom takes one datagram with its
// source, MSG_PEEK leaves it, a short buffer truncates (MSG_TRUNC gives the
// full length), an empty queue is EAGAIN, past sk_rcvbuf the datagram is
// dropped (SOCKET_RCVBUFF, RcvbufErrors).
TEST_F(Rx, UdpDatagramsQueueForRecvfrom) {
  int woken = 0;
  ns.kernel.sched.sk_data_ready = [&](sock *) { woken++; };
  const int fd = udp_socket();
  const auto me = sin(kLocal, 7000);
  ASSERT_EQ(files.bind(fd, &me), 0);
  char buf[16];
  EXPECT_EQ(files.recv(fd, buf, sizeof buf, MSG_DONTWAIT), -EAGAIN);
  auto f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "hello");
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_SUCCESS);
  f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 10, 7000, "second one");
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_SUCCESS);
  EXPECT_EQ(woken, 2);
  sockaddr_in_host from{};
  EXPECT_EQ(files.recvfrom(fd, buf, sizeof buf, MSG_PEEK, &from), 5);
  EXPECT_EQ(from.sin_port, 9);
  EXPECT_EQ(from.sin_addr, kPeer);
  EXPECT_EQ(files.recvfrom(fd, buf, sizeof buf, 0, &from), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  EXPECT_EQ(files.recv(fd, buf, 6, MSG_TRUNC), 10);
  EXPECT_EQ(std::string(buf, 6), "second");
  EXPECT_EQ(files.recv(fd, buf, sizeof buf, MSG_DONTWAIT), -EAGAIN);
  EXPECT_EQ(files.recv(99, buf, sizeof buf, 0), -EBADF);
  files.sockfd_lookup(fd)->sk->sk_rcvbuf = 8;
  f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "too long");
  ASSERT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_SUCCESS);  // 8 bytes fit exactly
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  EXPECT_EQ(ns.udp_stats.RcvbufErrors, 1u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::SOCKET_RCVBUFF)], 1u);
  EXPECT_EQ(files.recv(fd, buf, sizeof buf, 0), 8);
  const int tcp = files.socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(files.recv(tcp, buf, sizeof buf, 0), -EOPNOTSUPP);
  ns.kernel.sched.sk_data_ready = nullptr;
}

// ip_rcv: a bad header checksum (IP_CSUM, InCsumErrors), a packet for another address
// (IP_INADDRERRORS), a bad UDP checksum (InCsumErrors), Ethernet padding trimmed.
TEST_F(Rx, IpRcvDropsBadHeadersAndForeignAddresses) {
  const int fd = udp_socket();
  const auto me = sin(kLocal, 7000);
  ASSERT_EQ(files.bind(fd, &me), 0);
  auto f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "hi");
  f[24] ^= 1;
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  EXPECT_EQ(ns.ip_stats.InCsumErrors, 1u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::IP_CSUM)], 1u);
  f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, ipv4(10, 0, 0, 99), 9, 7000, "hi");
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  EXPECT_EQ(ns.ip_stats.InAddrErrors, 1u);
  f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "hi");
  f[42] ^= 1;
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  EXPECT_EQ(ns.udp_stats.InCsumErrors, 1u);
  f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "hi");
  f.resize(60, 0);  // padded to the Ethernet minimum
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_SUCCESS);
  EXPECT_EQ(ns.udp_stats.InDatagrams, 1u);
}

// inet_add_protocol: a registered handler gets the skb at its transport header (as tcp_v4_rcv
// will); a second registration is EBUSY; an unregistered protocol is IP_NOPROTO.
namespace {
int g_seen_len = -1;
int test_rcv(net &, sk_buff *skb) {
  g_seen_len = static_cast<int>(skb->len);
  consume_skb(skb);
  return NET_RX_SUCCESS;
}
const net_protocol test_protocol = {test_rcv, nullptr};
}  // namespace
TEST_F(Rx, RegisteredProtocolHandlerGetsTheTransportHeader) {
  auto f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "hello");
  f[23] = 253;  // protocol: experimental
  f[24] = f[25] = 0;
  const uint16_t c = static_cast<uint16_t>(~ref_sum(f.data() + 14, 20));
  f[24] = static_cast<uint8_t>(c >> 8);
  f[25] = static_cast<uint8_t>(c);
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  EXPECT_EQ(ns.ip_stats.InUnknownProtos, 1u);
  ASSERT_EQ(inet_add_protocol(&test_protocol, 253), 0);
  EXPECT_EQ(inet_add_protocol(&test_protocol, 253), -EBUSY);
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_SUCCESS);
  EXPECT_EQ(g_seen_len, 13);  // 8 + 5: the IP header was pulled
  EXPECT_EQ(inet_del_protocol(&test_protocol, 253), 0);
}

// An unknown ethertype is dropped as UNHANDLED_PROTO and counted on the device.
TEST_F(Rx, UnknownEthertypeIsDropped) {
  auto f = udp_frame(nd.dev.dev_addr, kPeerMac, kPeer, kLocal, 9, 7000, "x");
  f[12] = 0x86;
  f[13] = 0xdd;
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_DROP);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::UNHANDLED_PROTO)], 1u);
  EXPECT_EQ(nd.dev.stats.rx_dropped, 1u);
}

// ICMP port unreachable from the peer about our datagram: a connected UDP socket's next send is
// ECONNREFUSED (a hard error), once.
TEST_F(Rx, IcmpPortUnreachableIsEconnrefusedOnAConnectedUdpSocket) {
  const int fd = udp_socket();
  const auto to = sin(kPeer, 9);
  ASSERT_EQ(files.connect(fd, &to), 0);
  EXPECT_EQ(files.send(fd, "ping", 4), 4);
  ASSERT_EQ(nd.frames.size(), 1u);
  const auto &sent = frame(0);
  std::vector<uint8_t> f;
  putmac(f, nd.dev.dev_addr);
  putmac(f, kPeerMac);
  put16(f, 0x0800);
  const std::vector<uint8_t> quoted(sent.begin() + 14, sent.begin() + 14 + 28);
  f.push_back(0x45); f.push_back(0xc0); put16(f, static_cast<uint16_t>(20 + 8 + quoted.size()));
  put16(f, 0); put16(f, 0); f.push_back(64); f.push_back(1); put16(f, 0); put32(f, kPeer); put32(f, kLocal);
  uint16_t c = static_cast<uint16_t>(~ref_sum(f.data() + 14, 20));
  f[24] = static_cast<uint8_t>(c >> 8); f[25] = static_cast<uint8_t>(c);
  f.push_back(ICMP_DEST_UNREACH); f.push_back(ICMP_PORT_UNREACH); put16(f, 0); put32(f, 0);
  f.insert(f.end(), quoted.begin(), quoted.end());
  c = static_cast<uint16_t>(~ref_sum(f.data() + 34, 8 + quoted.size()));
  f[36] = static_cast<uint8_t>(c >> 8); f[37] = static_cast<uint8_t>(c);
  EXPECT_EQ(netif_rx_frame(&nd.dev, f.data(), f.size()), NET_RX_SUCCESS);
  EXPECT_EQ(ns.icmp_stats.InDestUnreachs, 1u);
  EXPECT_EQ(files.send(fd, "ping", 4), -ECONNREFUSED);
  EXPECT_EQ(files.send(fd, "ping", 4), 4);
}

// Longest prefix wins over shorter ones and the default; the frame goes to that route's gateway MAC.
TEST_F(Route, LongestPrefixMatchPicksTheGateway) {
  constexpr uint32_t gw1 = ipv4(10, 0, 0, 251), gw2 = ipv4(10, 0, 0, 252), gw3 = ipv4(10, 0, 0, 253);
  constexpr mac_addr m1 = {2, 0, 0, 0, 0, 0xf1}, m2 = {2, 0, 0, 0, 0, 0xf2}, m3 = {2, 0, 0, 0, 0, 0xf3};
  ASSERT_EQ(ns.ip_route_add_default(gw1), 0);
  ASSERT_EQ(ns.ip_route_add(ipv4(172, 16, 0, 0), 12, gw2), 0);
  ASSERT_EQ(ns.ip_route_add(ipv4(172, 16, 5, 0), 24, gw3), 0);
  ns.neigh_add(&nd.dev, gw1, m1);
  ns.neigh_add(&nd.dev, gw2, m2);
  ns.neigh_add(&nd.dev, gw3, m3);
  const int fd = udp_socket();
  const std::pair<uint32_t, mac_addr> cases[] = {
      {ipv4(8, 8, 8, 8), m1}, {ipv4(172, 20, 1, 1), m2}, {ipv4(172, 16, 5, 9), m3}, {ipv4(172, 16, 6, 9), m2}};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(send_str(fd, "x", cases[i].first, 9), 1);
    ASSERT_EQ(nd.frames.size(), i + 1);
    EXPECT_EQ(std::vector<uint8_t>(frame(i).begin(), frame(i).begin() + 6),
              std::vector<uint8_t>(cases[i].second.begin(), cases[i].second.end()));
    EXPECT_EQ(rd32(frame(i), 30), cases[i].first);
  }
}

// No route: ENETUNREACH from sendto and connect, counted in OutNoRoutes; a gateway off every
// connected subnet cannot be added.
TEST_F(Route, NoRouteIsEnetunreach) {
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", ipv4(8, 8, 8, 8), 9), -ENETUNREACH);
  const auto to = sin(ipv4(8, 8, 8, 8), 9);
  EXPECT_EQ(files.connect(fd, &to), -ENETUNREACH);
  EXPECT_EQ(ns.ip_stats.OutNoRoutes, 2u);
  EXPECT_EQ(ns.ip_route_add_default(ipv4(192, 168, 9, 1)), -ENETUNREACH);
  rtable rt;
  EXPECT_EQ(ip_route_output(ns, ipv4(8, 8, 8, 8), 0, 0, 0, &rt), -ENETUNREACH);
}

// Two interfaces: each subnet leaves by its own device with that device's address and MAC.
TEST_F(Route, TwoInterfacesEachCarryTheirSubnet) {
  FakeNetdev nd2;
  nd2.dev.name = "eth1";
  nd2.dev.dev_addr = {0x02, 0, 0, 0, 1, 1};
  ASSERT_EQ(ns.register_netdevice(&nd2.dev), 0);
  ASSERT_EQ(ns.inet_addr_add(&nd2.dev, ipv4(192, 168, 7, 1), 24), 0);
  ASSERT_EQ(ns.neigh_add(&nd2.dev, ipv4(192, 168, 7, 2), kGwMac), 0);
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "a", kPeer, 9), 1);
  EXPECT_EQ(send_str(fd, "b", ipv4(192, 168, 7, 2), 9), 1);
  ASSERT_EQ(nd.frames.size(), 1u);
  ASSERT_EQ(nd2.frames.size(), 1u);
  EXPECT_EQ(rd32(nd2.frames[0].bytes, 26), ipv4(192, 168, 7, 1));
  EXPECT_EQ(std::vector<uint8_t>(nd2.frames[0].bytes.begin() + 6, nd2.frames[0].bytes.begin() + 12),
            std::vector<uint8_t>(nd2.dev.dev_addr.begin(), nd2.dev.dev_addr.end()));
  ns.unregister_netdevice(&nd2.dev);
}

// A connected socket caches its route (sk_dst_cache) and looks it up again only after rt_genid
// changes: a more specific route added later is used from the next send on.
TEST_F(Route, ConnectedSocketRouteIsCachedUntilRtGenidChanges) {
  const int fd = udp_socket();
  const auto to = sin(ipv4(172, 16, 0, 1), 9);
  ASSERT_EQ(ns.ip_route_add_default(kGw), 0);
  ns.neigh_add(&nd.dev, kGw, kGwMac);
  ASSERT_EQ(files.connect(fd, &to), 0);
  sock *sk = files.sockfd_lookup(fd)->sk.get();
  EXPECT_TRUE(sk->dst_cached);
  const uint32_t gen = sk->sk_dst_cache.rt_genid;
  EXPECT_EQ(files.send(fd, "x", 1), 1);
  EXPECT_EQ(sk->sk_dst_cache.rt_genid, gen);
  ASSERT_EQ(ns.ip_route_add(ipv4(172, 16, 0, 0), 16, kPeer), 0);  // via 10.0.0.2
  EXPECT_NE(ns.rt_genid, gen);
  EXPECT_EQ(files.send(fd, "y", 1), 1);
  EXPECT_EQ(sk->sk_dst_cache.rt_gw4, kPeer);
  ASSERT_EQ(nd.frames.size(), 2u);
  EXPECT_EQ(std::vector<uint8_t>(frame(1).begin(), frame(1).begin() + 6),
            std::vector<uint8_t>(kPeerMac.begin(), kPeerMac.end()));
}

// Equal prefixes: the lower metric wins.
TEST_F(Route, LowerMetricWinsAmongEqualPrefixes) {
  ASSERT_EQ(ns.ip_route_add(ipv4(172, 16, 0, 0), 16, kGw, nullptr, 100), 0);
  ASSERT_EQ(ns.ip_route_add(ipv4(172, 16, 0, 0), 16, kPeer, nullptr, 10), 0);
  rtable rt;
  ASSERT_EQ(ip_route_output(ns, ipv4(172, 16, 1, 1), 0, 0, 0, &rt), 0);
  EXPECT_EQ(rt.rt_gw4, kPeer);
  EXPECT_EQ(rt.rt_src, kLocal);
}
