// TCP unit tests: the stack fixture plus a scripted peer (10.0.0.2:5001)
// whose segments are built here as Ethernet frames, checksummed, and handed
// to the receive path (netif_rx_frame), and a clock the test advances
// (timer_base::run_timers).
#pragma once

#include <cstring>
#include <vector>

#include "stack/core/checksum.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/ethernet/eth.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/tcp.hpp"
#include "stack_fixture.hpp"

namespace wirepath::test {

constexpr uint16_t kPeerPort = 5001;
constexpr uint32_t kPeerIsn = 0x10000000;

struct tcp_seg {
  uint16_t sport, dport;
  uint32_t seq, ack;
  uint8_t flags;
  uint16_t window;
  std::vector<uint8_t> options, payload;
  uint16_t ip_id;
  uint8_t ip_ttl;
  uint16_t ip_frag;
};

// A segment from the peer (kPeer:kPeerPort, kPeerMac) to kLocal:dport as an
// Ethernet frame for dst_mac, checksums filled in; payload_len zero bytes.
inline std::vector<uint8_t> peer_tcp_frame(const mac_addr &dst_mac, uint16_t dport, uint8_t flags, uint32_t seq,
                                           uint32_t ack, uint16_t win, const std::vector<uint8_t> &opts = {},
                                           uint32_t payload_len = 0) {
  const uint32_t thlen = 20 + static_cast<uint32_t>(opts.size());
  const uint32_t len = 20 + thlen + payload_len;
  std::vector<uint8_t> f(ETH_HLEN + len, 0);
  std::memcpy(f.data(), dst_mac.data(), 6);
  std::memcpy(f.data() + 6, kPeerMac.data(), 6);
  f[12] = 0x08;
  f[13] = 0x00;
  uint8_t *p = f.data() + ETH_HLEN;
  auto *iph = reinterpret_cast<iphdr *>(p);
  iph->ihl_version = 0x45;
  iph->tot_len = cpu_to_be16(static_cast<uint16_t>(len));
  iph->ttl = 64;
  iph->protocol = IPPROTO_TCP;
  iph->saddr = cpu_to_be32(kPeer);
  iph->daddr = cpu_to_be32(kLocal);
  ip_send_check(iph);
  auto *th = reinterpret_cast<tcphdr *>(p + 20);
  th->source = cpu_to_be16(kPeerPort);
  th->dest = cpu_to_be16(dport);
  th->seq = cpu_to_be32(seq);
  th->ack_seq = cpu_to_be32(ack);
  th->doff_res = static_cast<uint8_t>((thlen / 4) << 4);
  th->flags = flags;
  th->window = cpu_to_be16(win);
  if (!opts.empty()) std::memcpy(p + 40, opts.data(), opts.size());
  th->check = cpu_to_be16(csum_tcpudp_magic(kPeer, kLocal, thlen + payload_len, IPPROTO_TCP,
                                            csum_partial(th, thlen + payload_len, 0)));
  return f;
}

class TcpTest : public StackTest {
protected:
  void SetUp() override {
    StackTest::SetUp();
    ns.tcp.sysctl.tcp_congestion_control = "reno";
  }
  void TearDown() override {
    // Whatever is left is freed with the namespace; close sockets first.
    for (auto it = files.fdt.begin(); it != files.fdt.end();) files.close((it++)->first);
    ns.tcp.orphans.clear();
    StackTest::TearDown();
  }

  tcp_sock *tp(int fd) { return tcp_sk(files.sockfd_lookup(fd)->sk.get()); }

  // The segment in frame i (Ethernet + 20-byte IP header assumed).
  tcp_seg seg(size_t i) const {
    const auto &b = frame(i);
    tcp_seg s{};
    const size_t ip = 14, t = 34;
    s.ip_id = rd16(b, ip + 4);
    s.ip_frag = rd16(b, ip + 6);
    s.ip_ttl = b.at(ip + 8);
    s.sport = rd16(b, t);
    s.dport = rd16(b, t + 2);
    s.seq = rd32(b, t + 4);
    s.ack = rd32(b, t + 8);
    const size_t doff = (b.at(t + 12) >> 4) * 4u;
    s.flags = b.at(t + 13);
    s.window = rd16(b, t + 14);
    s.options.assign(b.begin() + t + 20, b.begin() + t + doff);
    const size_t tot = rd16(b, ip + 2);
    s.payload.assign(b.begin() + t + doff, b.begin() + ip + tot);
    return s;
  }
  // TCP checksum of frame i verifies over the pseudo-header.
  bool tcp_csum_ok(size_t i) const {
    const auto &b = frame(i);
    const uint32_t len = rd16(b, 14 + 2) - 20u;
    return csum_tcpudp_magic(rd32(b, 26), rd32(b, 30), len, IPPROTO_TCP, csum_partial(b.data() + 34, len, 0)) == 0;
  }

  // The peer sends a segment to our socket's port: an Ethernet frame into
  // the receive path (netif_rx_frame -> ip_rcv -> tcp_v4_rcv).
  void inject(uint16_t our_port, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
              const std::vector<uint8_t> &opts = {}, uint32_t payload_len = 0) {
    const auto f = peer_tcp_frame(nd.dev.dev_addr, our_port, flags, seq, ack, win, opts, payload_len);
    netif_rx_frame(&nd.dev, f.data(), f.size());
  }

  // connect() and complete the handshake: SYN-ACK with MSS 1460, wscale
  // wscale, window win (unscaled in the SYN-ACK, scaled after). Returns fd.
  int established(uint16_t win = 65535, uint8_t wscale = 7, uint16_t mss = 1460) {
    const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 3);
    const auto to = sin(kPeer, kPeerPort);
    EXPECT_EQ(files.connect(fd, &to), -EINPROGRESS);  // nothing to block on in a unit test
    const tcp_seg syn = seg(nd.frames.size() - 1);
    port = syn.sport;
    isn = syn.seq;
    inject(port, TCPHDR_SYN | TCPHDR_ACK, kPeerIsn, isn + 1, win,
           {TCPOPT_MSS, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss), TCPOPT_NOP, TCPOPT_WINDOW, 3,
            wscale});
    EXPECT_EQ(files.sockfd_lookup(fd)->sk->sk_state, TCP_ESTABLISHED);
    return fd;
  }
  // Cumulative ACK from the peer (window in the peer's scaled units).
  void ack(uint32_t ack_seq, uint16_t win = 8192) {
    inject(port, TCPHDR_ACK, kPeerIsn + 1, ack_seq, win);
  }
  void advance(uint64_t ns_to) { kern.timers.run_timers(ns_to); }
  long send_n(int fd, size_t n, int flags = 0) {
    std::vector<uint8_t> buf(n);
    for (size_t i = 0; i < n; i++) buf[i] = static_cast<uint8_t>(i * 7 + 1);
    return files.send(fd, buf.data(), buf.size(), flags);
  }

  uint16_t port = 0;
  uint32_t isn = 0;
};

}  // namespace wirepath::test
