// TCP through the whole system: stack -> driver -> PCIe -> Verilated NIC ->
// wire -> link partner, whose ACKs return through the software RX path.
#include <gtest/gtest.h>

#include <chrono>

#include "sim/app/scenario.hpp"
#include "sim/system.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/ipv4/arp.hpp"
#include "stack/ipv4/tcp.hpp"

using namespace wirepath;

namespace {

uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

struct Transfer {
  TcpScenarioResult r;
  double wall_s = 0;
};

Transfer run_transfer(System &sys, uint64_t bytes) {
  Transfer run;
  TcpScenarioConfig tc;
  tc.bytes = bytes;
  sys.app = [&](System &s) { run.r = run_tcp_scenario(s, tc); };
  const auto t0 = std::chrono::steady_clock::now();
  sys.run(5'000'000'000'000ull);
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return run;
}

void expect_clean(const System &sys, const Transfer &run) {
  ASSERT_TRUE(sys.app_done());
  EXPECT_TRUE(run.r.finished);
  EXPECT_EQ(run.r.error, 0);
  EXPECT_TRUE(sys.drained());
  EXPECT_EQ(sys.partner().stream().size(), run.r.payload.size());
  EXPECT_TRUE(tcp_stream_intact(sys, run.r)) << "the partner's byte stream differs from what was written";
  EXPECT_EQ(sys.wire().fcs_errors, 0u);
  EXPECT_EQ(sys.partner().stats().fcs_errors, 0u);
  EXPECT_EQ(sys.partner().stats().ip_header_errors, 0u);
  EXPECT_EQ(sys.partner().stats().tcp_csum_errors, 0u);
  EXPECT_EQ(sys.adapter().stats().frames, sys.wire().frames);
  EXPECT_EQ(skb_counters().live(), 0u);
  EXPECT_EQ(skb_counters().total_dropped(), 0u);
}

}  // namespace

// 10 MB through the Verilated NIC arrive byte-identical and in order; no
// loss means no retransmission; the link is nearly full (10G line rate).
TEST(TcpSystem, TenMegabytesArriveByteIdenticalAndInOrder) {
  SystemConfig cfg;
  System sys("sys", cfg);
  const Transfer run = run_transfer(sys, 10'000'000);
  expect_clean(sys, run);
  EXPECT_EQ(run.r.retrans, 0u);
  EXPECT_EQ(sys.stack().tcp.mib.RetransSegs, 0u);
  const double secs = (run.r.done - run.r.connected) * 1e-12;
  EXPECT_GT(run.r.sent * 8 / secs, 8e9) << "goodput below 8 Gb/s";
  RecordProperty("wall_seconds", std::to_string(run.wall_s));
  RecordProperty("simulated_us", std::to_string(run.r.done / 1e6));
  std::printf("10 MB: %.3f ms simulated, %.2f s wall\n", run.r.done / 1e9, run.wall_s);
}

// 10 MB with 1% of the data segments lost: SACK recovery (the default, as
// Linux) repairs them, still byte-identical. (An RTO is cheap: the idle NIC
// is not clocked.)
TEST(TcpSystem, TenMegabytesWithOnePercentLossArriveByteIdentical) {
  SystemConfig cfg;
  cfg.seed = 3;
  cfg.partner.seed = 3;
  cfg.faults.loss = 0.01;
  System sys("sys", cfg);
  sys.stack().tcp.sysctl.tcp_congestion_control = "cubic";
  const Transfer run = run_transfer(sys, 10'000'000);
  expect_clean(sys, run);
  EXPECT_GT(sys.faults().stats().lost, 50u);
  EXPECT_GE(sys.stack().tcp.mib.RetransSegs, sys.faults().stats().lost);
  EXPECT_GT(sys.stack().tcp.mib.TCPFastRetrans, 0u);
  EXPECT_GT(sys.partner().stats().dupacks_sent, 0u);
  EXPECT_GT(sys.stack().tcp.mib.TCPSackRecovery, 0u);
  EXPECT_GT(sys.partner().stats().sack_blocks_sent, 0u);
  EXPECT_EQ(sys.stack().tcp.mib.TCPRenoRecovery, 0u);
  std::printf("10 MB at 1%% loss: %llu lost, %llu retransmitted, %.3f ms simulated, %.2f s wall\n",
              static_cast<unsigned long long>(sys.faults().stats().lost),
              static_cast<unsigned long long>(sys.stack().tcp.mib.RetransSegs), run.r.done / 1e9, run.wall_s);
}

// Reordering (2% of frames 5 us late) makes duplicate ACKs; the stream is intact.
TEST(TcpSystem, ReorderedFramesStillGiveAnIntactStream) {
  SystemConfig cfg;
  cfg.faults.reorder = 0.02;
  cfg.partner.seed = 3;
  System sys("sys", cfg);
  const Transfer run = run_transfer(sys, 1'000'000);
  expect_clean(sys, run);
  EXPECT_GT(sys.faults().stats().reordered, 0u);
  EXPECT_GT(sys.partner().stats().tcp_out_of_order, 0u);
}

// On the wire: the SYN as Linux sends it (MSS, SACK_PERM, TS, NOP, WS), the
// RTT the partner was given is what the stack measured (plus the host TX
// latency), timestamps on every segment, the FIN last.
TEST(TcpSystem, HandshakeAndRttOnTheWire) {
  SystemConfig cfg;
  cfg.keep_frames = true;
  cfg.partner.rtt_ns = 50'000;
  System sys("sys", cfg);
  const Transfer run = run_transfer(sys, 20'000);
  expect_clean(sys, run);
  ASSERT_GE(sys.frames().size(), 4u);
  const auto &syn = sys.frames()[0].bytes;
  ASSERT_EQ(syn.size(), 14u + 20 + 40 + 4);
  EXPECT_EQ(syn[14 + 20 + 13], TCPHDR_SYN);
  EXPECT_EQ(be16(&syn[14 + 20 + 14]), 64240);
  EXPECT_EQ(std::vector<uint8_t>(syn.begin() + 54, syn.begin() + 62),
            (std::vector<uint8_t>{0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a}));
  EXPECT_EQ(std::vector<uint8_t>(syn.begin() + 66, syn.begin() + 74),
            (std::vector<uint8_t>{0, 0, 0, 0, 0x01, 0x03, 0x03, 0x07}));
  // The ACK of the SYN-ACK leaves one RTT (+ TX path) after the SYN.
  const ps_t rtt = sys.frame_times()[1] - sys.frame_times()[0];
  EXPECT_GT(rtt, 50'000 * kNs);
  EXPECT_LT(rtt, 60'000 * kNs);
  EXPECT_GE(run.r.srtt_us, 50u);
  EXPECT_LT(run.r.srtt_us, 200u);
  // 20000 bytes: 14 segments (13 x 1448 + 1176), the FIN on the last or
  // alone; NOP NOP TS (12 bytes) in every segment after the SYN.
  uint64_t data = 0;
  bool fin = false;
  for (const auto &f : sys.frames()) {
    const uint8_t *ip = f.bytes.data() + 14;
    const size_t len = be16(ip + 2) - 20u - (ip[20 + 12] >> 4) * 4u;
    data += len;
    fin |= ip[20 + 13] & TCPHDR_FIN;
    EXPECT_LE(len, 1448u);
    if (!(ip[20 + 13] & TCPHDR_SYN)) {
      EXPECT_EQ(ip[20 + 12] >> 4, 8) << "a 32-byte header";
      EXPECT_EQ(ip[20 + 22], TCPOPT_TIMESTAMP);
    }
  }
  EXPECT_EQ(data, 20'000u);
  EXPECT_TRUE(fin);
}

// Without static neighbours the peer is resolved by ARP on the wire: the
// broadcast who-has is the first frame, the link partner's reply comes back
// through netif_rx_frame -> arp_rcv, and the SYN waiting in the arp_queue
// follows; the transfer is then as with the PERMANENT entry.
TEST(TcpSystem, ArpResolvesThePartnerBeforeTheSyn) {
  SystemConfig cfg;
  cfg.keep_frames = true;
  cfg.net.static_neighbours = false;
  System sys("sys", cfg);
  const Transfer run = run_transfer(sys, 100'000);
  expect_clean(sys, run);
  ASSERT_GE(sys.frames().size(), 2u);
  const auto &arp = sys.frames()[0].bytes;
  EXPECT_EQ(std::vector<uint8_t>(arp.begin(), arp.begin() + 6), std::vector<uint8_t>(6, 0xff));
  EXPECT_EQ(be16(&arp[12]), 0x0806);
  EXPECT_EQ(be16(&arp[14 + 6]), 1);  // request
  const auto &syn = sys.frames()[1].bytes;
  EXPECT_EQ(be16(&syn[12]), 0x0800);
  EXPECT_EQ(syn[14 + 20 + 13], TCPHDR_SYN);
  EXPECT_TRUE(std::equal(cfg.net.peer_mac.begin(), cfg.net.peer_mac.end(), syn.begin()));
  EXPECT_EQ(sys.partner().stats().arp_replies, 1u);
  const neighbour *ne = __ipv4_neigh_lookup_noref(sys.stack(), &sys.netdev(), cfg.net.peer_ip);
  ASSERT_NE(ne, nullptr);
  EXPECT_EQ(ne->nud_state, NUD_REACHABLE);
}
