// TCP sender unit tests against a fake device and a scripted peer.
#include <gtest/gtest.h>

#include "tcp_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {

// RFC 793 / Linux: SYN with MSS 1460 (MTU 1500 - 40), NOP, window scale 7
// (tcp_rmem[2] = 6 MiB), window 64240 (44 x 1460), DF, TTL 64, no data.
// (Timestamps and SACK off here; with them: test_tcp_options.cpp.)
TEST_F(TcpTest, SynCarriesMssAndWindowScaleExactly) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  ns.tcp.sysctl.tcp_sack = 0;
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  ASSERT_EQ(nd.frames.size(), 1u);
  const tcp_seg s = seg(0);
  EXPECT_EQ(s.flags, TCPHDR_SYN);
  EXPECT_EQ(s.dport, kPeerPort);
  EXPECT_GE(s.sport, 32768);
  EXPECT_LE(s.sport, 60999);
  EXPECT_EQ(s.sport % 2, 0) << "connect() takes even ports first";
  EXPECT_EQ(s.ack, 0u);
  EXPECT_EQ(s.window, 64240);
  EXPECT_EQ(s.options, (std::vector<uint8_t>{0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07}));
  EXPECT_TRUE(s.payload.empty());
  EXPECT_EQ(s.ip_frag, IP_DF);
  EXPECT_EQ(s.ip_ttl, 64);
  EXPECT_EQ(frame(0).size(), 14u + 20 + 28);
  EXPECT_TRUE(ip_header_ok(0));
  EXPECT_TRUE(tcp_csum_ok(0));
  EXPECT_EQ(tp(fd)->sk_state, TCP_SYN_SENT);
  EXPECT_EQ(ns.tcp.mib.ActiveOpens, 1u);
  // A second connect() while the handshake runs: EALREADY.
  EXPECT_EQ(files.connect(fd, &to), -EALREADY);
}

// With tcp_sack=1 and tcp_timestamps=0 the SYN has NOP NOP SACK_PERM
// between MSS and WS (Linux 6.18: 0204ffd7 01010402 0103030a).
TEST_F(TcpTest, SynWithSackPermittedOptionOrder) {
  ns.tcp.sysctl.tcp_sack = 1;
  ns.tcp.sysctl.tcp_timestamps = 0;
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  EXPECT_EQ(seg(0).options,
            (std::vector<uint8_t>{0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03, 0x03, 0x07}));
}

// The SYN-ACK completes the handshake: ACK seq isn+1, ack peer isn+1, the
// window scaled by our wscale; the peer's MSS and wscale are taken.
TEST_F(TcpTest, SynAckEstablishesAndIsAcknowledged) {
  const int fd = established(65535, 7, 1400);
  ASSERT_EQ(nd.frames.size(), 2u);
  const tcp_seg a = seg(1);
  EXPECT_EQ(a.flags, TCPHDR_ACK);
  EXPECT_EQ(a.seq, isn + 1);
  EXPECT_EQ(a.ack, kPeerIsn + 1);
  EXPECT_EQ(a.window, 64240 >> 7);
  EXPECT_TRUE(a.options.empty());
  EXPECT_TRUE(tcp_csum_ok(1));
  EXPECT_EQ(tp(fd)->snd_wscale, 7);
  EXPECT_EQ(tp(fd)->mss_cache, 1400u);
  EXPECT_EQ(tp(fd)->snd_cwnd, TCP_INIT_CWND);
  // IP IDs of a connection count up from a random start.
  EXPECT_EQ(static_cast<uint16_t>(seg(1).ip_id - seg(0).ip_id), 1);
  sockaddr_in_host peer{};
  EXPECT_EQ(files.getpeername(fd, &peer), 0);
  EXPECT_EQ(peer.sin_port, kPeerPort);
}

// MSS from the route MTU: 1460 at 1500; a write is cut into full segments
// and a last partial one with PSH; sequence numbers are contiguous.
TEST_F(TcpTest, WriteIsSegmentedAtMssFromRouteMtu) {
  const int fd = established();
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 10000), 10000);
  ASSERT_EQ(nd.frames.size(), 7u);  // 6 x 1460 + 1240, all within cwnd 10
  uint32_t seq = isn + 1;
  for (size_t i = 0; i < 7; i++) {
    const tcp_seg s = seg(i);
    EXPECT_EQ(s.payload.size(), i < 6 ? 1460u : 1240u);
    EXPECT_EQ(s.seq, seq);
    EXPECT_EQ(s.flags, i < 6 ? TCPHDR_ACK : (TCPHDR_ACK | TCPHDR_PSH));
    EXPECT_TRUE(tcp_csum_ok(i));
    EXPECT_EQ(frame(i).size(), 14 + 40 + s.payload.size());
    for (size_t b = 0; b < s.payload.size(); b++)
      ASSERT_EQ(s.payload[b], static_cast<uint8_t>((seq - isn - 1 + b) * 7 + 1));
    seq += static_cast<uint32_t>(s.payload.size());
  }
  EXPECT_EQ(tp(fd)->snd_nxt, isn + 1 + 10000);
  EXPECT_EQ(tp(fd)->packets_out, 7u);
}

// A smaller MTU on the route gives a smaller MSS (MTU 1000 -> 960).
TEST_F(TcpTest, MssFollowsTheDeviceMtu) {
  nd.dev.mtu = 1000;
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  EXPECT_EQ(seg(0).options[2] << 8 | seg(0).options[3], 960);
}

// Nagle (tcp_nagle_check): a small segment waits while another small one
// is unacknowledged; the ACK releases it.
TEST_F(TcpTest, NagleHoldsSmallSegmentUntilAck) {
  const int fd = established();
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 100), 100);
  ASSERT_EQ(nd.frames.size(), 1u);  // nothing in flight: goes at once
  ASSERT_EQ(send_n(fd, 100), 100);
  EXPECT_EQ(nd.frames.size(), 1u);  // held back
  ack(isn + 1 + 100);
  ASSERT_EQ(nd.frames.size(), 2u);
  EXPECT_EQ(seg(1).seq, isn + 1 + 100);
  EXPECT_EQ(seg(1).payload.size(), 100u);
}

// TCP_NODELAY: small writes go at once, even with data in flight.
TEST_F(TcpTest, NodelaySendsSmallSegmentsImmediately) {
  const int fd = established();
  ASSERT_EQ(files.setsockopt(fd, SOL_TCP, TCP_NODELAY, 1), 0);
  nd.frames.clear();
  for (int i = 0; i < 3; i++) ASSERT_EQ(send_n(fd, 100), 100);
  EXPECT_EQ(nd.frames.size(), 3u);
}

// Setting TCP_NODELAY pushes what Nagle was holding.
TEST_F(TcpTest, SettingNodelayFlushesHeldData) {
  const int fd = established();
  nd.frames.clear();
  send_n(fd, 100);
  send_n(fd, 100);
  ASSERT_EQ(nd.frames.size(), 1u);
  ASSERT_EQ(files.setsockopt(fd, SOL_TCP, TCP_NODELAY, 1), 0);
  EXPECT_EQ(nd.frames.size(), 2u);
}

// TCP_CORK: only full segments leave, even with nothing in flight; uncork
// sends the rest.
TEST_F(TcpTest, CorkSendsOnlyFullSegmentsUntilUncorked) {
  const int fd = established();
  ASSERT_EQ(files.setsockopt(fd, SOL_TCP, TCP_CORK, 1), 0);
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 100), 100);
  EXPECT_EQ(nd.frames.size(), 0u);
  ASSERT_EQ(send_n(fd, 1400), 1400);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(seg(0).payload.size(), 1460u);
  ASSERT_EQ(files.setsockopt(fd, SOL_TCP, TCP_CORK, 0), 0);
  ASSERT_EQ(nd.frames.size(), 2u);
  EXPECT_EQ(seg(1).payload.size(), 40u);
  EXPECT_EQ(files.setsockopt(fd, SOL_TCP, 999, 1), -ENOPROTOOPT);
}

// MSG_MORE corks this write only.
TEST_F(TcpTest, MsgMoreHoldsPartialSegment) {
  const int fd = established();
  ASSERT_EQ(files.setsockopt(fd, SOL_TCP, TCP_NODELAY, 1), 0);
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 100, MSG_MORE), 100);
  EXPECT_EQ(nd.frames.size(), 0u);
  ASSERT_EQ(send_n(fd, 100), 100);
  ASSERT_EQ(nd.frames.size(), 1u);
  EXPECT_EQ(seg(0).payload.size(), 200u);
}

// Initial cwnd 10; slow start: +1 segment per segment acknowledged.
TEST_F(TcpTest, SlowStartGrowsCwndBySegmentsAcked) {
  const int fd = established();
  tp(fd)->sk_sndbuf = 1u << 22;  // the whole write fits (no blocking in unit tests)
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 100 * 1460), 100 * 1460);
  EXPECT_EQ(nd.frames.size(), 10u);  // initial window
  EXPECT_EQ(tp(fd)->snd_cwnd, 10u);
  for (uint32_t i = 1; i <= 10; i++) {
    ack(isn + 1 + i * 1460);
    EXPECT_EQ(tp(fd)->snd_cwnd, 10u + i);
  }
  // Each ACK released two segments: 10 + 2 x 10 sent.
  EXPECT_EQ(nd.frames.size(), 30u);
  EXPECT_EQ(tp(fd)->packets_out, 20u);
}

// Congestion avoidance (Reno): one segment per window of ACKed segments.
TEST_F(TcpTest, CongestionAvoidanceAddsOneSegmentPerWindow) {
  const int fd = established();
  tcp_sock *t = tp(fd);
  t->snd_ssthresh = 10;  // start in congestion avoidance
  t->sk_sndbuf = 1u << 22;
  ASSERT_EQ(send_n(fd, 200 * 1460), 200 * 1460);
  uint32_t acked = 0;
  for (int i = 0; i < 10; i++) ack(isn + 1 + ++acked * 1460);
  EXPECT_EQ(t->snd_cwnd, 11u);
  for (int i = 0; i < 11; i++) ack(isn + 1 + ++acked * 1460);
  EXPECT_EQ(t->snd_cwnd, 12u);
  EXPECT_EQ(t->snd_ssthresh, 10u);
}

// Three duplicate ACKs: fast retransmit of the first unacknowledged segment,
// ssthresh = cwnd / 2 (Reno), Recovery; the full ACK ends it with cwnd = ssthresh.
TEST_F(TcpTest, ThreeDupacksTriggerFastRetransmit) {
  const int fd = established();
  tcp_sock *t = tp(fd);
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 10 * 1460), 10 * 1460);
  ASSERT_EQ(nd.frames.size(), 10u);
  ack(isn + 1 + 1460);  // segment 0 arrived, segment 1 lost
  const size_t before_dups = nd.frames.size();  // cwnd 11: 2 more sent... none left to send
  const uint32_t cwnd = t->snd_cwnd;
  ack(isn + 1 + 1460);
  ack(isn + 1 + 1460);
  EXPECT_EQ(nd.frames.size(), before_dups) << "two dupacks: no retransmission yet";
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Disorder);
  ack(isn + 1 + 1460);
  ASSERT_EQ(nd.frames.size(), before_dups + 1);
  const tcp_seg r = seg(nd.frames.size() - 1);
  EXPECT_EQ(r.seq, isn + 1 + 1460);
  EXPECT_EQ(r.payload.size(), 1460u);
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Recovery);
  EXPECT_EQ(t->snd_ssthresh, cwnd / 2);
  EXPECT_EQ(ns.tcp.mib.RetransSegs, 1u);
  EXPECT_EQ(ns.tcp.mib.TCPFastRetrans, 1u);
  ack(isn + 1 + 10 * 1460);  // everything
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Open);
  // tcp_end_cwnd_reduction sets cwnd = ssthresh; the same ACK then grows it
  // in congestion avoidance (9 segments delivered at cwnd 5: +1).
  EXPECT_EQ(t->snd_cwnd, t->snd_ssthresh + 1);
  EXPECT_EQ(t->packets_out, 0u);
}

// NewReno: a partial ACK during recovery retransmits the next hole at once.
TEST_F(TcpTest, PartialAckRetransmitsNextHole) {
  const int fd = established();
  tcp_sock *t = tp(fd);
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 10 * 1460), 10 * 1460);
  for (int i = 0; i < 4; i++) ack(isn + 1 + 1460);  // segments 1 and 3 lost
  ASSERT_EQ(t->icsk_ca_state, TCP_CA_Recovery);
  const size_t n = nd.frames.size();
  ack(isn + 1 + 3 * 1460);  // partial: up to the second hole
  ASSERT_GT(nd.frames.size(), n);
  EXPECT_EQ(seg(n).seq, isn + 1 + 3 * 1460);
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Recovery);
}

// SYN RTO: initial 1 s, doubling (RFC 6298 5.5): retransmissions at 1, 3, 7 s.
TEST_F(TcpTest, SynRetransmitsWithExponentialBackoff) {
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  EXPECT_EQ(kern.timers.next_timer(), 1'000'000'000u);
  advance(999'999'999);
  EXPECT_EQ(nd.frames.size(), 1u);
  advance(1'000'000'000);
  ASSERT_EQ(nd.frames.size(), 2u);
  EXPECT_EQ(seg(1).flags, TCPHDR_SYN);
  EXPECT_EQ(seg(1).seq, seg(0).seq);
  EXPECT_EQ(kern.timers.next_timer(), 3'000'000'000u);
  advance(3'000'000'000);
  EXPECT_EQ(nd.frames.size(), 3u);
  EXPECT_EQ(kern.timers.next_timer(), 7'000'000'000u);
  EXPECT_EQ(tp(fd)->icsk_backoff, 2);
}

// After tcp_syn_retries (6) the connect fails with ETIMEDOUT.
TEST_F(TcpTest, ConnectTimesOutAfterSynRetries) {
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  for (uint64_t t = 1; t <= 130; t++) advance(t * 1'000'000'000);
  EXPECT_EQ(nd.frames.size(), 7u);  // SYN + 6 retries
  EXPECT_EQ(tp(fd)->sk_state, TCP_CLOSE);
  EXPECT_EQ(files.connect(fd, &to), -ETIMEDOUT);
}

// Data RTO: srtt + rttvar with rttvar >= 200 ms (TCP_RTO_MIN); on expiry the
// head is retransmitted, cwnd drops to 1, ssthresh halves, RTO doubles.
TEST_F(TcpTest, RtoRetransmitsHeadAndBacksOff) {
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  port = seg(0).sport;
  isn = seg(0).seq;
  kern.timers.run_timers(10'000'000);  // SYN-ACK after 10 ms: the first RTT sample
  inject(port, TCPHDR_SYN | TCPHDR_ACK, kPeerIsn, isn + 1, 65535, {2, 4, 5, 0xb4, 1, 3, 3, 7});
  tcp_sock *t = tp(fd);
  EXPECT_EQ(t->srtt_us >> 3, 10'000u);
  EXPECT_EQ(t->icsk_rto, 210'000'000u);  // 10 ms + max(2 x 10 ms, 200 ms)
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 5 * 1460), 5 * 1460);
  ASSERT_EQ(nd.frames.size(), 5u);
  const uint64_t sent = kern.timers.now();
  EXPECT_EQ(kern.timers.next_timer(), sent + 210'000'000);
  advance(sent + 210'000'000);
  ASSERT_EQ(nd.frames.size(), 6u);
  EXPECT_EQ(seg(5).seq, isn + 1);
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Loss);
  EXPECT_EQ(t->snd_cwnd, 1u);
  EXPECT_EQ(t->snd_ssthresh, 5u);  // max(cwnd 10 / 2, 2)
  EXPECT_EQ(t->icsk_rto, 420'000'000u);
  EXPECT_EQ(kern.timers.next_timer(), sent + 630'000'000);
  advance(sent + 630'000'000);
  EXPECT_EQ(nd.frames.size(), 7u);
  EXPECT_EQ(ns.tcp.mib.TCPTimeouts, 2u);
  // The ACK of the retransmission: no RTT sample (Karn), slow start from 1.
  ack(isn + 1 + 1460);
  EXPECT_EQ(t->snd_cwnd, 2u);
  EXPECT_EQ(t->icsk_rto, 840'000'000u) << "backed-off RTO kept until a valid sample";
  EXPECT_EQ(nd.frames.size(), 9u);  // two more in slow start (both marked lost: retransmitted)
}

// The receive window limits what is in flight even when cwnd would allow more.
TEST_F(TcpTest, ReceiveWindowLimitsSending) {
  const int fd = established();
  nd.frames.clear();
  ack(isn + 1, 23);  // 23 << 7 = 2944 bytes: two segments
  ASSERT_EQ(send_n(fd, 10 * 1460), 10 * 1460);
  EXPECT_EQ(nd.frames.size(), 2u);
  ack(isn + 1 + 2 * 1460, 23);
  EXPECT_EQ(nd.frames.size(), 4u);
  EXPECT_EQ(tp(fd)->snd_wnd, 2944u);
}

// send on a socket that never connected: EPIPE (sk_stream_wait_connect);
// getpeername: ENOTCONN; during the handshake a non-blocking send: EAGAIN.
TEST_F(TcpTest, SendWithoutConnectionIsEpipeAndPeerIsEnotconn) {
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(send_n(fd, 10), -EPIPE);
  sockaddr_in_host peer{};
  EXPECT_EQ(files.getpeername(fd, &peer), -ENOTCONN);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  EXPECT_EQ(send_n(fd, 10, MSG_DONTWAIT), -EAGAIN);
  EXPECT_EQ(nd.frames.size(), 1u);
}

// A RST answering the SYN: ECONNREFUSED, then EPIPE on send.
TEST_F(TcpTest, RstToSynRefusesConnection) {
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  inject(seg(0).sport, TCPHDR_RST | TCPHDR_ACK, 0, seg(0).seq + 1, 0);
  EXPECT_EQ(tp(fd)->sk_state, TCP_CLOSE);
  EXPECT_EQ(files.connect(fd, &to), -ECONNREFUSED);
  EXPECT_EQ(send_n(fd, 10), -EPIPE);
}

// close(): FIN after the data (piggybacked on the last unsent segment);
// FIN_WAIT1 -> FIN_WAIT2 on its ACK -> TIME_WAIT on the peer's FIN, ACKed.
TEST_F(TcpTest, CloseSendsFinAndFinishesTheHandshake) {
  const int fd = established();
  nd.frames.clear();
  ack(isn + 1, 2);  // 256-byte window: the data waits
  ASSERT_EQ(send_n(fd, 200), 200);
  ASSERT_EQ(send_n(fd, 200), 200);  // unsent: beyond the window
  const size_t n = nd.frames.size();
  tcp_sock *t = tp(fd);
  ASSERT_EQ(files.close(fd), 0);
  EXPECT_EQ(t->sk_state, TCP_FIN_WAIT1);
  ack(isn + 1 + 200, 100);
  const tcp_seg f = seg(nd.frames.size() - 1);
  EXPECT_GT(nd.frames.size(), n);
  EXPECT_EQ(f.flags & TCPHDR_FIN, TCPHDR_FIN);
  EXPECT_EQ(f.payload.size(), 200u) << "FIN rides on the last data segment";
  ack(isn + 1 + 400 + 1, 100);
  EXPECT_EQ(t->sk_state, TCP_FIN_WAIT2);
  inject(port, TCPHDR_FIN | TCPHDR_ACK, kPeerIsn + 1, isn + 402, 100);
  EXPECT_EQ(t->sk_state, TCP_TIME_WAIT);
  const tcp_seg last = seg(nd.frames.size() - 1);
  EXPECT_EQ(last.flags, TCPHDR_ACK);
  EXPECT_EQ(last.ack, kPeerIsn + 2);
  ASSERT_EQ(ns.tcp.orphans.size(), 1u);
  advance(kern.timers.now() + TCP_TIMEWAIT_LEN);
  EXPECT_TRUE(ns.tcp.orphans.empty());
  EXPECT_TRUE(ns.tcp.hash.empty());
}

// A segment for no socket is answered with a RST.
TEST_F(TcpTest, SegmentForNoSocketGetsRst) {
  inject(4444, TCPHDR_ACK, 1000, 2000, 100);
  ASSERT_EQ(nd.frames.size(), 1u);
  const tcp_seg r = seg(0);
  EXPECT_EQ(r.flags, TCPHDR_RST);
  EXPECT_EQ(r.seq, 2000u);
  EXPECT_EQ(r.sport, 4444);
  EXPECT_TRUE(tcp_csum_ok(0));
  EXPECT_EQ(ns.tcp.mib.OutRsts, 1u);
  skb_counters_reset();  // the unmatched segment was dropped on purpose
}

// NETIF_F_IP_CSUM: CHECKSUM_PARTIAL with the pseudo-header sum seeded at
// csum_start (TCP header) + 16.
TEST_F(TcpTest, ChecksumOffloadSeedsPseudoHeader) {
  nd.dev.features |= NETIF_F_IP_CSUM;
  const int fd = established();
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 1000), 1000);
  ASSERT_EQ(nd.frames.size(), 1u);
  const sent_frame &f = nd.frames[0];
  EXPECT_EQ(f.ip_summed, CHECKSUM_PARTIAL);
  EXPECT_EQ(f.csum_start, 34);
  EXPECT_EQ(f.csum_offset, 16);
  const uint32_t len = 20 + 1000;
  EXPECT_EQ(rd16(f.bytes, 34 + 16),
            static_cast<uint16_t>(~csum_tcpudp_magic(kLocal, kPeer, len, IPPROTO_TCP, 0)));
  // Finishing the sum as the NIC would gives a valid checksum.
  std::vector<uint8_t> b = f.bytes;
  const uint16_t c = csum_fold(csum_partial(b.data() + 34, len, 0));
  b[34 + 16] = static_cast<uint8_t>(c >> 8);
  b[34 + 17] = static_cast<uint8_t>(c);
  nd.frames[0].bytes = b;
  EXPECT_TRUE(tcp_csum_ok(0));
}

// NETIF_F_TSO: one super-packet per cwnd quota with gso_size = MSS; cut by
// tcp_gso_segment it is byte-identical to the software-segmented frames.
TEST_F(TcpTest, TsoSuperPacketSegmentsToTheSameWire) {
  std::vector<std::vector<uint8_t>> wire[2];
  for (int tso = 0; tso < 2; tso++) {
    kernel_ctx k2;
    PhysMem m2_ram{16u << 20};
    KernelHeap m2{m2_ram};
    net n2{k2, m2, 99};
    files_struct f2{n2};
    n2.tcp.sysctl.tcp_congestion_control = "reno";
    FakeNetdev d2;
    d2.dev.features = tso ? (NETIF_F_SG | NETIF_F_TSO) : 0;
    ASSERT_EQ(n2.register_netdevice(&d2.dev), 0);
    ASSERT_EQ(n2.inet_addr_add(&d2.dev, kLocal, 24), 0);
    ASSERT_EQ(n2.neigh_add(&d2.dev, kPeer, kPeerMac), 0);
    std::vector<sk_buff *> gso;
    if (tso)
      d2.dev.ops.ndo_start_xmit = [&](sk_buff *skb, net_device *) {
        for (sk_buff *s : tcp_gso_segment(skb)) {
          d2.frames.push_back({s->linearize_copy()});
          consume_skb(s);
        }
        if (skb->gso_size) gso.push_back(skb);
        consume_skb(skb);
        return NETDEV_TX_OK;
      };
    const int fd = f2.socket(AF_INET, SOCK_STREAM, 0);
    const auto to = sin(kPeer, kPeerPort);
    ASSERT_EQ(f2.connect(fd, &to), -EINPROGRESS);
    const std::vector<uint8_t> &synb = d2.frames[0].bytes;
    const uint16_t p = rd16(synb, 34);
    const uint32_t s0 = rd32(synb, 38);
    // SYN-ACK (same bytes as inject()).
    const auto synack = peer_tcp_frame(d2.dev.dev_addr, p, TCPHDR_SYN | TCPHDR_ACK, kPeerIsn, s0 + 1, 65535,
                                       {2, 4, 5, 0xb4, 1, 3, 3, 7});
    netif_rx_frame(&d2.dev, synack.data(), synack.size());
    std::vector<uint8_t> buf(30000);
    for (size_t i = 0; i < buf.size(); i++) buf[i] = static_cast<uint8_t>(i * 13);
    ASSERT_EQ(f2.send(fd, buf.data(), buf.size(), 0), 30000);
    if (tso) {
      // The initial window of 10 goes as two super-packets of 5 segments
      // (tcp_cwnd_test: at most half of cwnd per burst).
      EXPECT_EQ(gso.size(), 2u);
    }
    for (auto &f : d2.frames) wire[tso].push_back(f.bytes);
    f2.close(fd);
    n2.tcp.orphans.clear();
  }
  ASSERT_EQ(wire[0].size(), wire[1].size());
  for (size_t i = 0; i < wire[0].size(); i++) EXPECT_EQ(wire[0][i], wire[1][i]) << "frame " << i;
}

}  // namespace

namespace {

// CUBIC is the default (net.ipv4.tcp_congestion_control); on loss it keeps
// 0.7 of cwnd (beta 717/1024) instead of Reno's half.
TEST_F(TcpTest, CubicIsDefaultAndReducesByBeta) {
  ns.tcp.sysctl.tcp_congestion_control = netns_tcp_sysctl{}.tcp_congestion_control;
  const int fd = established();
  tcp_sock *t = tp(fd);
  ASSERT_STREQ(t->icsk_ca_ops->name, "cubic");
  t->sk_sndbuf = 1u << 22;
  ASSERT_EQ(send_n(fd, 40 * 1460), 40 * 1460);
  for (uint32_t i = 1; i <= 10; i++) ack(isn + 1 + i * 1460);  // slow start to 20
  ASSERT_EQ(t->snd_cwnd, 20u);
  for (int i = 0; i < 3; i++) ack(isn + 1 + 10 * 1460);
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Recovery);
  EXPECT_EQ(t->snd_ssthresh, 20u * 717 / 1024);
}

}  // namespace

namespace {

// A blocking connect() sleeps in sched_hooks::sk_wait (the same hook as a blocking
// UDP send) and is woken by sk_state_change when the SYN-ACK arrives.
TEST_F(TcpTest, BlockingConnectSleepsInSkWaitUntilTheHandshakeEnds) {
  int waits = 0, state_changes = 0;
  kern.sched.sk_state_change = [&](sock *) { ++state_changes; };
  kern.sched.sk_wait = [&](sock *) {
    ++waits;
    const tcp_seg syn = seg(nd.frames.size() - 1);
    port = syn.sport;
    isn = syn.seq;
    inject(port, TCPHDR_SYN | TCPHDR_ACK, kPeerIsn, isn + 1, 65535, {2, 4, 5, 0xb4, 1, 3, 3, 7});
    return true;
  };
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  EXPECT_EQ(files.connect(fd, &to), 0);
  EXPECT_EQ(waits, 1);
  EXPECT_EQ(state_changes, 1);
  EXPECT_EQ(tp(fd)->sk_state, TCP_ESTABLISHED);
  EXPECT_EQ(files.connect(fd, &to), -EISCONN);
  // SOCK_NONBLOCK: EINPROGRESS without sleeping.
  const int nb = files.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  EXPECT_EQ(files.connect(nb, &to), -EINPROGRESS);
  EXPECT_EQ(waits, 1);
}

// A blocking send larger than the send buffer (SO_SNDBUF, struct sock's
// sk_sndbuf: TCP does not grow it then) sleeps in sched_hooks::sk_wait; ACKs that
// free the write queue wake it through sk_write_space (tcp_check_space).
TEST_F(TcpTest, BlockingSendSleepsUntilAcksFreeTheWriteQueue) {
  const int fd = established();
  ASSERT_EQ(files.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 16384), 0);
  tcp_sock *t = tp(fd);
  EXPECT_EQ(t->sk_sndbuf, 32768u);
  int waits = 0, wakeups = 0;
  kern.sched.sk_write_space = [&](sock *) { ++wakeups; };
  kern.sched.sk_wait = [&](sock *) {
    if (++waits > 1000) return false;
    ack(t->snd_nxt);  // the peer acknowledges everything in flight
    return true;
  };
  EXPECT_EQ(send_n(fd, 200'000), 200'000);
  EXPECT_GT(waits, 1);
  EXPECT_EQ(wakeups, waits);
  EXPECT_EQ(t->sk_sndbuf, 32768u) << "SOCK_SNDBUF_LOCK: tcp_sndbuf_expand leaves it";
  EXPECT_LE(t->sk_wmem_queued, t->sk_sndbuf + 65536u);
  // Non-blocking with the queue full: EAGAIN.
  kern.sched.sk_wait = nullptr;
  while (send_n(fd, 1460, MSG_DONTWAIT) > 0) {
  }
  EXPECT_EQ(send_n(fd, 1460, MSG_DONTWAIT), -EAGAIN);
}

// ARP gives up on the peer (3 probes, 1 s apart): the SYNs waiting in the
// arp_queue are dropped, the ICMP host unreachable that arp_error_report
// loops back reaches tcp_v4_err, and the connection fails with EHOSTUNREACH.
TEST_F(TcpTest, ConnectToAnUnresolvableNeighbourFailsWithEhostunreach) {
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(ipv4(10, 0, 0, 3), kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  advance(3'000'000'000);
  EXPECT_EQ(nd.frames.size(), 3u) << "three ARP requests, no SYN on the wire";
  EXPECT_EQ(tp(fd)->sk_state, TCP_CLOSE);
  // The SYN and its retransmissions at 1 s and 3 s (the RTO, armed at 1 s,
  // fires just before the ARP failure armed at 2 s for the same instant).
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::NEIGH_FAILED)], 3u);
  int err = 0;
  ASSERT_EQ(files.getsockopt(fd, SOL_SOCKET, SO_ERROR, &err), 0);
  EXPECT_EQ(err, EHOSTUNREACH);
  EXPECT_EQ(ns.tcp.mib.AttemptFails, 1u);
  EXPECT_EQ(files.send(fd, "x", 1), -EPIPE);
}

}  // namespace
