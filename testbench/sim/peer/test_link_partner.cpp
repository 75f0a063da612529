// The link partner against the real stack, without SystemC: a fake device
// puts each frame (with its FCS) on a zero-delay "wire" to the partner
// (through the wire fault middleware when a test wants loss), and
// the partner's replies (ARP and IP) go back through the receive path
// (netif_rx_frame) at their arrival time. An event loop advances the stack's
// clock (timer_base::run_timers).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include <zlib.h>

#include "stack/kernel/kmalloc.hpp"
#include "sim/peer/link_partner.hpp"
#include "sim/wire/wire_faults.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/ipv4/arp.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/socket.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/tcp.hpp"

using namespace wirepath;

namespace {

constexpr uint32_t kLocal = ipv4(10, 0, 0, 1), kPeer = ipv4(10, 0, 0, 2);
constexpr mac_addr kLocalMac = {2, 0, 0, 0, 0, 1}, kPeerMac = {2, 0, 0, 0, 0, 2};

std::vector<uint8_t> with_fcs(std::vector<uint8_t> f) {
  if (f.size() < 60) f.resize(60, 0);
  const uint32_t c = crc32(0, f.data(), static_cast<uInt>(f.size()));
  for (int i = 0; i < 4; i++) f.push_back(static_cast<uint8_t>(c >> (8 * i)));
  return f;
}

class PartnerLoop : public ::testing::Test {
protected:
  void SetUp() override {
    skb_counters_reset();
    dev.dev_addr = kLocalMac;
    dev.ops.ndo_start_xmit = [this](sk_buff *skb, net_device *) {
      if (faults)
        faults->on_frame(with_fcs(skb->linearize_copy()), kern.timers.now());
      else
        partner->on_frame(with_fcs(skb->linearize_copy()), kern.timers.now());
      ++frames_out;
      consume_skb(skb);
      return NETDEV_TX_OK;
    };
    ASSERT_EQ(ns.register_netdevice(&dev), 0);
    ASSERT_EQ(ns.inet_addr_add(&dev, kLocal, 24), 0);
  }
  // A PERMANENT neighbour for the partner (otherwise ARP resolves it).
  void static_neighbour() { ASSERT_EQ(ns.neigh_add(&dev, kPeer, kPeerMac), 0); }
  void make_partner(LinkPartnerConfig c) {
    c.ip = kPeer;
    c.mac = kPeerMac;
    partner = std::make_unique<LinkPartner>(c);
    partner->transmit = [this](std::vector<uint8_t> f, uint64_t at) { rx.emplace(at, std::move(f)); };
  }
  // Loss and reordering on the wire in front of the partner, drawing from
  // its random source (as System does).
  void make_faults(const WireFaultsConfig &c) {
    faults = std::make_unique<WireFaults>(c, partner->rng());
    faults->deliver = [this](const std::vector<uint8_t> &f, uint64_t at) { partner->on_frame(f, at); };
  }
  // Run until nothing is pending before `until` (or ever).
  void run(uint64_t until) {
    for (;;) {
      uint64_t next = std::min(partner->next_event_ns(), kern.timers.next_timer());
      if (!rx.empty()) next = std::min(next, rx.begin()->first);
      if (next == TIMER_NONE || next > until) return;
      // Timers due by then, then the partner and the frames that arrived.
      kern.timers.run_timers(std::max(next, kern.timers.now()));
      partner->run(kern.timers.now());
      while (!rx.empty() && rx.begin()->first <= kern.timers.now()) {
        std::vector<uint8_t> f = std::move(rx.begin()->second);
        rx.erase(rx.begin());
        replies.push_back(f);
        netif_rx_frame(&dev, f.data(), f.size());
      }
    }
  }

  kernel_ctx kern;
  PhysMem ram{32u << 20};
  KernelHeap mem{ram};
  net ns{kern, mem, 7};
  files_struct files{ns};
  net_device dev;
  std::unique_ptr<LinkPartner> partner;
  std::unique_ptr<WireFaults> faults;
  std::multimap<uint64_t, std::vector<uint8_t>> rx;
  std::vector<std::vector<uint8_t>> replies;
  uint64_t frames_out = 0;
};

// The partner answers a broadcast who-has for its address, to the asker.
TEST_F(PartnerLoop, AnswersArpRequestForItsAddress) {
  make_partner({});
  std::vector<uint8_t> req(42, 0);
  std::fill(req.begin(), req.begin() + 6, 0xff);
  std::copy(kLocalMac.begin(), kLocalMac.end(), req.begin() + 6);
  req[12] = 0x08, req[13] = 0x06;
  const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
  std::copy(arp, arp + 28, req.begin() + 14);
  partner->on_frame(with_fcs(req), 0);
  req[14 + 27] = 3;  // who-has 10.0.0.3: not the partner
  partner->on_frame(with_fcs(req), 0);
  run(1'000'000);
  ASSERT_EQ(replies.size(), 1u);
  const auto &r = replies[0];
  EXPECT_TRUE(std::equal(kLocalMac.begin(), kLocalMac.end(), r.begin()));
  EXPECT_EQ(r[12] << 8 | r[13], 0x0806);
  EXPECT_EQ(r[14 + 7], 2);  // reply
  EXPECT_TRUE(std::equal(kPeerMac.begin(), kPeerMac.end(), r.begin() + 14 + 8));
  EXPECT_EQ(std::vector<uint8_t>(r.begin() + 14 + 14, r.begin() + 14 + 18), (std::vector<uint8_t>{10, 0, 0, 2}));
  EXPECT_EQ(partner->stats().arp_replies, 1u);
}

// A frame with a bad FCS is counted and ignored.
TEST_F(PartnerLoop, BadFcsIsDropped) {
  make_partner({});
  auto f = with_fcs(std::vector<uint8_t>(60, 0x11));
  f.back() ^= 1;
  partner->on_frame(f, 0);
  EXPECT_EQ(partner->stats().fcs_errors, 1u);
}

// UDP datagrams larger than the MTU are fragmented by ip_fragment and
// reassembled by the partner, payload intact.
TEST_F(PartnerLoop, ReassemblesFragmentedUdp) {
  static_neighbour();
  make_partner({});
  const int fd = files.socket(AF_INET, SOCK_DGRAM, 0);
  const sockaddr_in_host to{AF_INET, 9, kPeer};
  std::vector<uint8_t> p(4000);
  for (size_t i = 0; i < p.size(); i++) p[i] = static_cast<uint8_t>(i * 3);
  ASSERT_EQ(files.sendto(fd, p.data(), p.size(), 0, &to), 4000);
  ASSERT_EQ(files.sendto(fd, p.data(), 100, 0, &to), 100);
  run(1'000'000);
  EXPECT_EQ(frames_out, 4u);  // 3 fragments + 1
  EXPECT_EQ(partner->stats().fragments, 3u);
  EXPECT_EQ(partner->stats().reassembled, 1u);
  ASSERT_EQ(partner->udp_datagrams().size(), 2u);
  EXPECT_EQ(partner->udp_datagrams()[0], p);
  EXPECT_EQ(partner->udp_datagrams()[1], std::vector<uint8_t>(p.begin(), p.begin() + 100));
  files.close(fd);
}

// A whole TCP connection against the partner, with loss and reordering:
// the stream arrives intact, both FINs are exchanged, nothing leaks.
TEST_F(PartnerLoop, TcpTransferWithLossAndReorderIsIntact) {
  LinkPartnerConfig c;
  c.seed = 11;
  static_neighbour();
  make_partner(c);
  WireFaultsConfig fc;
  fc.loss = 0.02;
  fc.reorder = 0.02;
  make_faults(fc);
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in_host to{AF_INET, 5001, kPeer};
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  run(1'000'000);
  ASSERT_EQ(files.sockfd_lookup(fd)->sk->sk_state, TCP_ESTABLISHED);
  std::vector<uint8_t> data(3'000'000);
  std::mt19937 rng(5);
  for (auto &b : data) b = static_cast<uint8_t>(rng());
  size_t sent = 0;
  uint64_t t = kern.timers.now();
  while (sent < data.size()) {
    const long n = files.send(fd, data.data() + sent, data.size() - sent, MSG_DONTWAIT);
    if (n > 0) sent += static_cast<size_t>(n);
    ASSERT_TRUE(n > 0 || n == -EAGAIN) << n;
    t += 10'000;
    run(t);
  }
  files.close(fd);
  run(t + 30'000'000'000ull);  // RTOs included; TIME_WAIT is 60 s
  EXPECT_EQ(partner->stream(), data);
  EXPECT_GT(faults->stats().lost, 0u);
  EXPECT_GT(faults->stats().reordered, 0u);
  EXPECT_GT(ns.tcp.mib.RetransSegs, 0u);
  ASSERT_EQ(partner->connections().size(), 1u);
  EXPECT_TRUE(partner->connections()[0]->fin_received);
  EXPECT_TRUE(partner->connections()[0]->closed) << "our ACK of the partner's FIN arrived";
  ASSERT_EQ(ns.tcp.orphans.size(), 1u);
  EXPECT_EQ(ns.tcp.orphans[0]->sk_state, TCP_TIME_WAIT);
  run(t + 100'000'000'000ull);
  EXPECT_TRUE(ns.tcp.orphans.empty());
  EXPECT_EQ(skb_counters().live(), 0u);
}

// Without a static entry the stack resolves the partner by ARP: the SYN
// waits in the neighbour's arp_queue, the broadcast who-has is answered, the
// reply (through netif_rx_frame -> arp_rcv) releases the SYN, and the
// connection carries its data as with a PERMANENT neighbour.
TEST_F(PartnerLoop, TcpResolvesThePartnerByArp) {
  make_partner({});
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in_host to{AF_INET, 5001, kPeer};
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  EXPECT_EQ(frames_out, 1u) << "only the ARP request; the SYN waits for the reply";
  run(1'000'000);
  EXPECT_EQ(partner->stats().arp_requests, 1u);
  EXPECT_EQ(partner->stats().arp_replies, 1u);
  ASSERT_EQ(files.sockfd_lookup(fd)->sk->sk_state, TCP_ESTABLISHED);
  const neighbour *ne = __ipv4_neigh_lookup_noref(ns, &dev, kPeer);
  ASSERT_NE(ne, nullptr);
  EXPECT_EQ(ne->nud_state, NUD_REACHABLE);
  std::vector<uint8_t> data(100'000);
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<uint8_t>(i * 7);
  size_t sent = 0;
  uint64_t t = kern.timers.now();
  while (sent < data.size()) {
    const long n = files.send(fd, data.data() + sent, data.size() - sent, MSG_DONTWAIT);
    ASSERT_TRUE(n > 0 || n == -EAGAIN) << n;
    if (n > 0) sent += static_cast<size_t>(n);
    t += 10'000;
    run(t);
  }
  run(t + 10'000'000);
  EXPECT_EQ(partner->stream(), data);
  files.close(fd);
  run(t + 100'000'000'000ull);
  EXPECT_TRUE(ns.tcp.orphans.empty());
  EXPECT_EQ(skb_counters().live(), 0u);
}

}  // namespace
