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

#include "stack/core/checksum.hpp"
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

// --- TCP options: the partner as a Linux receiver (RFC 7323, 2018, 2883) ---

// A segment from us (kLocal:40000) to the partner (port 5001) as a frame
// with FCS: the given options and len payload bytes of value `fill`.
std::vector<uint8_t> our_segment(uint8_t flags, uint32_t seq, uint32_t ack, const std::vector<uint8_t> &opts,
                                 uint32_t len = 0, uint8_t fill = 0) {
  const uint32_t thlen = 20 + static_cast<uint32_t>(opts.size());
  std::vector<uint8_t> f(14 + 20 + thlen + len, fill);
  std::copy(kPeerMac.begin(), kPeerMac.end(), f.begin());
  std::copy(kLocalMac.begin(), kLocalMac.end(), f.begin() + 6);
  f[12] = 0x08, f[13] = 0x00;
  auto *iph = reinterpret_cast<iphdr *>(f.data() + 14);
  std::fill(f.begin() + 14, f.begin() + 34 + thlen, 0);
  iph->ihl_version = 0x45;
  iph->tot_len = cpu_to_be16(static_cast<uint16_t>(20 + thlen + len));
  iph->ttl = 64;
  iph->protocol = IPPROTO_TCP;
  iph->saddr = cpu_to_be32(kLocal);
  iph->daddr = cpu_to_be32(kPeer);
  ip_send_check(iph);
  auto *th = reinterpret_cast<tcphdr *>(f.data() + 34);
  th->source = cpu_to_be16(40000);
  th->dest = cpu_to_be16(5001);
  th->seq = cpu_to_be32(seq);
  th->ack_seq = cpu_to_be32(ack);
  th->doff_res = static_cast<uint8_t>((thlen / 4) << 4);
  th->flags = flags;
  th->window = cpu_to_be16(1000);
  std::copy(opts.begin(), opts.end(), f.begin() + 54);
  th->check = cpu_to_be16(csum_tcpudp_magic(kLocal, kPeer, thlen + len, IPPROTO_TCP,
                                            csum_partial(th, thlen + len, 0)));
  return with_fcs(f);
}
std::vector<uint8_t> ts_opt(uint32_t tsval, uint32_t tsecr) {
  return {1, 1, 8, 10, uint8_t(tsval >> 24), uint8_t(tsval >> 16), uint8_t(tsval >> 8), uint8_t(tsval),
          uint8_t(tsecr >> 24), uint8_t(tsecr >> 16), uint8_t(tsecr >> 8), uint8_t(tsecr)};
}
uint32_t rd32v(const std::vector<uint8_t> &b, size_t i) {
  return uint32_t{b.at(i)} << 24 | uint32_t{b.at(i + 1)} << 16 | uint32_t{b.at(i + 2)} << 8 | b.at(i + 3);
}
// A reply's TCP options and ACK number.
std::vector<uint8_t> reply_options(const std::vector<uint8_t> &f) {
  const size_t doff = (f.at(34 + 12) >> 4) * 4u;
  return std::vector<uint8_t>(f.begin() + 54, f.begin() + 34 + static_cast<std::ptrdiff_t>(doff));
}

class PartnerOptions : public PartnerLoop {
protected:
  // Handshake with a Linux SYN (MSS, SACK_PERM, TS 0x5000, NOP, WS 7).
  void handshake(bool sack = true, bool ts = true) {
    make_partner({});
    std::vector<uint8_t> o{2, 4, 0x05, 0xb4};
    if (ts) {
      o.insert(o.end(), {uint8_t(sack ? 4 : 1), uint8_t(sack ? 2 : 1), 8, 10, 0, 0, 0x50, 0, 0, 0, 0, 0});
    } else if (sack) {
      o.insert(o.end(), {1, 1, 4, 2});
    }
    o.insert(o.end(), {1, 3, 3, 7});
    partner->on_frame(our_segment(0x02, kIss, 0, o), 1'000'000);
    partner->run(1'000'000);
    ASSERT_EQ(rx.size(), 1u);
    synack = rx.begin()->second;
    rx.clear();
    piss = rd32v(synack, 34 + 4);
    partner->on_frame(our_segment(0x10, kIss + 1, piss + 1, ts ? ts_opt(0x5001, 0) : std::vector<uint8_t>{}),
                      2'000'000);
    partner->run(2'000'000);
  }
  // Data segment i (1000 bytes at kIss + 1 + 1000 i) with TSval 0x6000 + i at time t.
  void data(uint32_t i, uint64_t t, uint32_t tsval = 0) {
    partner->on_frame(our_segment(0x10, s(i), piss + 1, ts_opt(tsval ? tsval : 0x6000 + i, 0), 1000,
                                  static_cast<uint8_t>(i)),
                      t);
    partner->run(t);
  }
  std::vector<uint8_t> last_reply() const { return rx.empty() ? std::vector<uint8_t>{} : rx.rbegin()->second; }
  uint32_t s(uint32_t i) const { return kIss + 1 + 1000 * i; }
  // NOP NOP TS tsval tsecr, then NOP NOP SACK with the blocks.
  static std::vector<uint8_t> want(uint32_t tsval, uint32_t tsecr, std::vector<std::pair<uint32_t, uint32_t>> b) {
    std::vector<uint8_t> o = ts_opt(tsval, tsecr);
    o.insert(o.end(), {1, 1, 5, uint8_t(2 + 8 * b.size())});
    for (auto [x, y] : b) {
      const auto t = ts_opt(x, y);
      o.insert(o.end(), t.begin() + 4, t.end());
    }
    return o;
  }
  static constexpr uint32_t kIss = 0x1000;
  std::vector<uint8_t> synack;
  uint32_t piss = 0;
};

// Linux's SYN-ACK to a Linux SYN: MSS, SACK_PERM+TS (TSecr = our TSval), NOP WS.
TEST_F(PartnerOptions, SynAckAnswersOfferedOptionsInLinuxLayout) {
  handshake();
  const auto o = reply_options(synack);
  ASSERT_EQ(o.size(), 20u);
  EXPECT_EQ(std::vector<uint8_t>(o.begin(), o.begin() + 8), (std::vector<uint8_t>{2, 4, 0x05, 0xb4, 4, 2, 8, 10}));
  EXPECT_EQ(rd32v(o, 12), 0x5000u) << "TSecr echoes the SYN's TSval";
  EXPECT_EQ(std::vector<uint8_t>(o.begin() + 16, o.end()), (std::vector<uint8_t>{1, 3, 3, 7}));
  const auto &c = *partner->connections().front();
  EXPECT_TRUE(c.sack_ok);
  EXPECT_TRUE(c.tstamp_ok);
  EXPECT_EQ(rd32v(o, 8), c.ts_offset + 1u) << "TSval: its ms clock (1 ms) + random offset";
}

// Nothing offered, nothing answered: MSS and WS only, header 28.
TEST_F(PartnerOptions, SynAckWithoutOfferedOptionsHasNone) {
  handshake(false, false);
  EXPECT_EQ(reply_options(synack), (std::vector<uint8_t>{2, 4, 0x05, 0xb4, 1, 3, 3, 7}));
  EXPECT_FALSE(partner->connections().front()->sack_ok);
  EXPECT_FALSE(partner->connections().front()->tstamp_ok);
}

// Loss of segments 2, 5 and 7 out of 0..9: SACK blocks most recent first,
// at most 3 with timestamps; TSecr stays at the TSval of the segment at the
// last ACK point (segment 0: delayed ACK) while data is out of order; the
// retransmission that fills the first hole is echoed and its block goes.
TEST_F(PartnerOptions, SackBlocksForKnownLossPattern) {
  handshake();
  const uint32_t tsoff = partner->connections().front()->ts_offset;
  uint64_t t = 3'000'000;
  for (uint32_t i : {0u, 1u, 3u, 4u, 6u, 8u, 9u}) data(i, t += 1000);
  const uint32_t tsv = tsoff + 3;  // its clock: 3 ms
  EXPECT_EQ(reply_options(last_reply()), want(tsv, 0x6000, {{s(8), s(10)}, {s(6), s(7)}, {s(3), s(5)}}));
  EXPECT_EQ(rd32v(last_reply(), 34 + 8), s(2));
  // The 4th block does not fit beside the timestamps; the partner keeps it.
  data(2, t += 1000, 0x6100);  // the first hole filled: ACK s(5), TS.Recent = its TSval
  EXPECT_EQ(rd32v(last_reply(), 34 + 8), s(5));
  EXPECT_EQ(reply_options(last_reply()), want(tsv, 0x6100, {{s(8), s(10)}, {s(6), s(7)}}));
  // A duplicate of segment 0: D-SACK first (RFC 2883), then the SACK blocks.
  data(0, t += 1000, 0x6101);  // wholly old: TS.Recent stays
  EXPECT_EQ(reply_options(last_reply()), want(tsv, 0x6100, {{s(0), s(1)}, {s(8), s(10)}, {s(6), s(7)}}));
  EXPECT_EQ(partner->stats().dsacks_sent, 1u);
  data(5, t += 1000, 0x6102);
  data(7, t += 1000, 0x6103);
  EXPECT_EQ(rd32v(last_reply(), 34 + 8), s(10));
  EXPECT_EQ(reply_options(last_reply()), ts_opt(tsv, 0x6103)) << "no holes: no SACK blocks";
  ASSERT_EQ(partner->stream().size(), 10000u);
  for (uint32_t i = 0; i < 10; i++) EXPECT_EQ(partner->stream()[1000 * i], i);
}

// Without timestamps 4 SACK blocks fit; the oldest falls off beyond 4.
TEST_F(PartnerOptions, FourSackBlocksWithoutTimestamps) {
  handshake(true, false);
  uint64_t t = 3'000'000;
  for (uint32_t i : {1u, 3u, 5u, 7u, 9u}) {
    partner->on_frame(our_segment(0x10, s(i), piss + 1, {}, 1000), t += 1000);
    partner->run(t);
  }
  const auto o = reply_options(last_reply());
  ASSERT_EQ(o.size(), 4u + 32);
  EXPECT_EQ(o[3], 34);
  EXPECT_EQ(rd32v(o, 4), s(9));
  EXPECT_EQ(rd32v(o, 28), s(3)) << "the block for segment 1 fell off";
}
