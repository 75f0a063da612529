// TCP timestamps (RFC 7323) and SACK (RFC 2018, 2883, 6675) in our sender:
// the options' bytes as Linux writes them, the negotiation, TS.Recent and
// RTT from TSecr, the SACK scoreboard and recovery that retransmits holes.
#include <gtest/gtest.h>

#include "tcp_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {

std::vector<uint8_t> be32v(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
          static_cast<uint8_t>(v)};
}

class TcpOptTest : public TcpTest {
protected:
  // connect(), then a SYN-ACK from a Linux peer in its layout: MSS 1460,
  // SACK_PERM and/or TS (TSval peer_tsval, TSecr our SYN's TSval), NOP WS 7.
  int established_with(bool sack, bool ts, uint32_t peer_tsval = 0x11111111) {
    const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
    const auto to = sin(kPeer, kPeerPort);
    EXPECT_EQ(files.connect(fd, &to), -EINPROGRESS);
    const tcp_seg syn = seg(nd.frames.size() - 1);
    port = syn.sport;
    isn = syn.seq;
    std::vector<uint8_t> o{TCPOPT_MSS, 4, 0x05, 0xb4};
    if (ts) {
      o.insert(o.end(), {sack ? uint8_t{TCPOPT_SACK_PERM} : uint8_t{TCPOPT_NOP},
                         sack ? uint8_t{TCPOLEN_SACK_PERM} : uint8_t{TCPOPT_NOP}, TCPOPT_TIMESTAMP, 10});
      const auto v = be32v(peer_tsval), e = be32v(syn_tsval(syn));
      o.insert(o.end(), v.begin(), v.end());
      o.insert(o.end(), e.begin(), e.end());
    } else if (sack) {
      o.insert(o.end(), {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, 2});
    }
    o.insert(o.end(), {TCPOPT_NOP, TCPOPT_WINDOW, 3, 7});
    inject(port, TCPHDR_SYN | TCPHDR_ACK, kPeerIsn, isn + 1, 65535, o);
    EXPECT_EQ(files.sockfd_lookup(fd)->sk->sk_state, TCP_ESTABLISHED);
    return fd;
  }
  static uint32_t syn_tsval(const tcp_seg &syn) {
    const auto &o = syn.options;
    for (size_t i = 0; i + 9 < o.size(); ++i)
      if (o[i] == TCPOPT_TIMESTAMP && o[i + 1] == 10)
        return uint32_t{o[i + 2]} << 24 | uint32_t{o[i + 3]} << 16 | uint32_t{o[i + 4]} << 8 | o[i + 5];
    return 0;
  }
  // An ACK from the peer with NOP NOP TS (if tsval) and NOP NOP SACK blocks.
  void ack_opts(uint32_t ack_seq, std::vector<std::pair<uint32_t, uint32_t>> blocks, bool ts = false,
                uint32_t tsval = 0, uint32_t tsecr = 0) {
    std::vector<uint8_t> o;
    if (ts) {
      o = {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, 10};
      const auto v = be32v(tsval), e = be32v(tsecr);
      o.insert(o.end(), v.begin(), v.end());
      o.insert(o.end(), e.begin(), e.end());
    }
    if (!blocks.empty()) {
      o.insert(o.end(), {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, static_cast<uint8_t>(2 + 8 * blocks.size())});
      for (auto [s, e] : blocks) {
        const auto a = be32v(s), b = be32v(e);
        o.insert(o.end(), a.begin(), a.end());
        o.insert(o.end(), b.begin(), b.end());
      }
    }
    inject(port, TCPHDR_ACK, kPeerIsn + 1, ack_seq, 8192, o);
  }
  // Sequence number of the start of segment i (MSS 1460, no timestamps).
  uint32_t s(uint32_t i) const { return isn + 1 + i * 1460; }
  // The scoreboard flags of the rtx queue skb that starts at seq.
  uint8_t flags_at(tcp_sock *t, uint32_t seq) const {
    for (const tcp_wqe &w : t->tcp_rtx_queue)
      if (w.cb.seq == seq) return w.cb.sacked & (TCPCB_SACKED_ACKED | TCPCB_LOST | TCPCB_RETRANS);
    return 0xff;  // no skb starts there
  }
};

// Linux 6.18's SYN (captured from connect() in a private namespace):
// MSS, SACK_PERM, TS (TSval, TSecr 0), NOP, WS -- 20 bytes, header 40.
TEST_F(TcpOptTest, DefaultSynOffersSackAndTimestampsInLinuxLayout) {
  advance(5'000'000'000);  // 5 s: the TSval clock reads 5000 ms + offset
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  const tcp_seg syn = seg(0);
  const uint32_t tsval = tp(fd)->tsoffset + 5000;
  std::vector<uint8_t> want{0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a};
  const auto v = be32v(tsval);
  want.insert(want.end(), v.begin(), v.end());
  want.insert(want.end(), {0, 0, 0, 0, 0x01, 0x03, 0x03, 0x07});
  EXPECT_EQ(syn.options, want);
  EXPECT_EQ(frame(0).size(), 14u + 20 + 40);
  EXPECT_TRUE(tcp_csum_ok(0));
  EXPECT_NE(tp(fd)->tsoffset, 0u) << "a random offset per connection (secure_tcp_ts_off)";
}

// tcp_sack=0: NOP NOP TS in the SACK_PERM slot (Linux 6.18: 0204ffd7 0101080a ... 0103030a).
TEST_F(TcpOptTest, SynWithTimestampsOnlyHasNopsBeforeTs) {
  ns.tcp.sysctl.tcp_sack = 0;
  const int fd = files.socket(AF_INET, SOCK_STREAM, 0);
  const auto to = sin(kPeer, kPeerPort);
  ASSERT_EQ(files.connect(fd, &to), -EINPROGRESS);
  const auto &o = seg(0).options;
  ASSERT_EQ(o.size(), 20u);
  EXPECT_EQ(std::vector<uint8_t>(o.begin(), o.begin() + 8),
            (std::vector<uint8_t>{0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x08, 0x0a}));
  EXPECT_EQ(std::vector<uint8_t>(o.begin() + 12, o.end()),
            (std::vector<uint8_t>{0, 0, 0, 0, 0x01, 0x03, 0x03, 0x07}));
  (void)fd;
}

// Both sysctls off: the timestamp offset is not drawn (secure_tcp_ts_off is 0).
TEST_F(TcpOptTest, NoTimestampsSysctlDrawsNoOffsetAndKeepsMss1460) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  ns.tcp.sysctl.tcp_sack = 0;
  const int fd = established_with(false, false);
  EXPECT_EQ(tp(fd)->tsoffset, 0u);
  EXPECT_EQ(tp(fd)->mss_cache, 1460u);
  EXPECT_FALSE(tcp_is_sack(tp(fd)));
}

// Negotiated timestamps: NOP NOP TS on every segment (header 32 bytes),
// TSecr = the peer's TSval, 1448 payload bytes per segment as a Linux sender.
TEST_F(TcpOptTest, TimestampsOnEverySegmentAndMss1448) {
  advance(2'000'000'000);
  const int fd = established_with(true, true, 0xabcdef01);
  tcp_sock *t = tp(fd);
  EXPECT_TRUE(t->rx_opt.tstamp_ok);
  EXPECT_TRUE(tcp_is_sack(t));
  EXPECT_EQ(t->tcp_header_len, 32u);
  EXPECT_EQ(t->mss_cache, 1448u);
  EXPECT_EQ(t->advmss, 1448u);
  ASSERT_EQ(send_n(fd, 3000), 3000);
  ASSERT_EQ(nd.frames.size(), 5u);  // SYN, ACK, 1448, 1448, 104
  std::vector<uint8_t> want{0x01, 0x01, 0x08, 0x0a};
  const auto v = be32v(t->tsoffset + 2000), e = be32v(0xabcdef01);
  want.insert(want.end(), v.begin(), v.end());
  want.insert(want.end(), e.begin(), e.end());
  for (size_t i = 1; i < 5; i++) {
    EXPECT_EQ(seg(i).options, want) << "frame " << i;
    EXPECT_TRUE(tcp_csum_ok(i));
  }
  EXPECT_EQ(seg(2).payload.size(), 1448u);
  EXPECT_EQ(seg(3).payload.size(), 1448u);
  EXPECT_EQ(seg(4).payload.size(), 104u);
  EXPECT_EQ(frame(2).size(), 14u + 20 + 32 + 1448);
}

// A SYN-ACK without TS / SACK_PERM turns both off (RFC 7323 3.2): no
// options after the handshake, 1460 bytes per segment, NewReno.
TEST_F(TcpOptTest, PeerWithoutOptionsTurnsThemOff) {
  const int fd = established_with(false, false);
  tcp_sock *t = tp(fd);
  EXPECT_FALSE(t->rx_opt.tstamp_ok);
  EXPECT_FALSE(tcp_is_sack(t));
  EXPECT_EQ(t->mss_cache, 1460u);
  EXPECT_TRUE(seg(1).options.empty());
}

// tcp_parse_options on the bytes of a Linux ACK: NOP NOP TS, NOP NOP SACK x3.
TEST_F(TcpOptTest, ParsesTimestampAndThreeSackBlocks) {
  std::vector<uint8_t> hdr(20 + 40, 0);
  const std::vector<uint8_t> o{1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9, 1, 1, 5, 26,
                               0, 0, 0x10, 0, 0, 0, 0x20, 0, 0, 0, 0x30, 0, 0, 0, 0x40, 0,
                               0, 0, 0x50, 0, 0, 0, 0x60, 0};
  std::copy(o.begin(), o.end(), hdr.begin() + 20);
  auto *th = reinterpret_cast<tcphdr *>(hdr.data());
  th->doff_res = 15 << 4;
  th->flags = TCPHDR_ACK;
  tcp_options_received rx;
  rx.tstamp_ok = rx.sack_ok = true;
  tcp_parse_options(ns, th, &rx, true);
  EXPECT_TRUE(rx.saw_tstamp);
  EXPECT_EQ(rx.rcv_tsval, 7u);
  EXPECT_EQ(rx.rcv_tsecr, 9u);
  ASSERT_EQ(rx.num_sacks, 3);
  EXPECT_EQ(rx.sacks[0].start_seq, 0x1000u);
  EXPECT_EQ(rx.sacks[0].end_seq, 0x2000u);
  EXPECT_EQ(rx.sacks[2].end_seq, 0x6000u);
  // Not negotiated: ignored. A truncated option ends parsing.
  tcp_options_received off;
  tcp_parse_options(ns, th, &off, true);
  EXPECT_FALSE(off.saw_tstamp);
  EXPECT_EQ(off.num_sacks, 0);
  hdr[20 + 15] = 30;  // SACK length beyond the header
  tcp_parse_options(ns, th, &rx, true);
  EXPECT_EQ(rx.num_sacks, 0);
  EXPECT_TRUE(rx.saw_tstamp);
}

// RFC 7323 4.3: TS.Recent takes a newer TSval from a segment at our ACK
// point; an older one (backwards in time) is not echoed.
TEST_F(TcpOptTest, TsRecentTakesNewerTsvalOnly) {
  const int fd = established_with(true, true, 1000);
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 1448), 1448);
  ack_opts(isn + 1 + 1448, {}, true, 1005, syn_tsval(seg(0)));
  EXPECT_EQ(t->rx_opt.ts_recent, 1005u);
  ack_opts(isn + 1 + 1448, {}, true, 1003, syn_tsval(seg(0)));
  EXPECT_EQ(t->rx_opt.ts_recent, 1005u);
  nd.frames.clear();
  tcp_send_ack(t);
  EXPECT_EQ(seg(0).options.size(), 12u);
  EXPECT_EQ(seg(0).options[11], 1005 & 0xff);
  EXPECT_EQ(seg(0).options[10], 1005 >> 8);
}

// Karn forbids an RTT sample from a retransmitted segment; the echoed
// TSval gives one (RFC 7323 section 4, tcp_rtt_tsopt_us): now - TSecr in ms.
TEST_F(TcpOptTest, RttFromTsecrAfterRetransmission) {
  const int fd = established_with(true, true);
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 1448), 1448);
  const uint64_t rto = t->icsk_rto;
  advance(rto);  // the RTO retransmits the segment at t = rto
  ASSERT_EQ(t->total_retrans, 1u);
  const tcp_seg r = seg(nd.frames.size() - 1);
  ASSERT_EQ(r.options.size(), 12u);
  const uint32_t tsval = uint32_t{r.options[4]} << 24 | uint32_t{r.options[5]} << 16 |
                         uint32_t{r.options[6]} << 8 | r.options[7];
  EXPECT_EQ(tsval, t->tsoffset + static_cast<uint32_t>(rto / 1'000'000));
  const uint32_t srtt8 = t->srtt_us;
  advance(rto + 7'000'000);  // the ACK comes 7 ms later and echoes the retransmission's TSval
  ack_opts(isn + 1 + 1448, {}, true, 0x11111112, tsval);
  EXPECT_EQ(t->ts_rtt_samples, 1u);
  // tcp_rtt_estimator with m = 7000 us: srtt += m - srtt/8.
  EXPECT_EQ(t->srtt_us, srtt8 + (7000 - (srtt8 >> 3)));
}

// tcp_sacktag_write_queue: the blocks mark exactly the segments they cover;
// two SACKed segments (below DupThresh 3) do not start recovery.
TEST_F(TcpOptTest, SacktagMarksCoveredSegments) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  const int fd = established_with(true, false);
  tcp_sock *t = tp(fd);
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 10 * 1460), 10 * 1460);
  ASSERT_EQ(nd.frames.size(), 10u);
  ack_opts(s(1), {{s(2), s(4)}});  // 0 arrived, 1 missing, 2-3 arrived
  EXPECT_EQ(t->sacked_out, 2u);
  EXPECT_EQ(flags_at(t, s(1)), 0);
  EXPECT_EQ(flags_at(t, s(2)), TCPCB_SACKED_ACKED);
  EXPECT_EQ(flags_at(t, s(3)), TCPCB_SACKED_ACKED);
  EXPECT_EQ(flags_at(t, s(4)), 0);
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Disorder);
  EXPECT_EQ(nd.frames.size(), 10u) << "no retransmission yet";
  EXPECT_EQ(t->highest_sack_seq, s(4));
  // The same block again changes nothing; one beyond snd_nxt is discarded.
  ack_opts(s(1), {{s(2), s(4)}, {s(9), s(12)}});
  EXPECT_EQ(t->sacked_out, 2u);
  EXPECT_EQ(ns.tcp.mib.TCPSACKDiscard, 1u);
}

// RFC 6675 / tcp_mark_head_lost: a hole is lost once DupThresh (3) SACKed
// segments lie above it; only the hole is retransmitted.
TEST_F(TcpOptTest, ThreeSackedSegmentsMarkTheHoleLostAndRetransmitIt) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  const int fd = established_with(true, false);
  tcp_sock *t = tp(fd);
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 10 * 1460), 10 * 1460);
  ack_opts(s(1), {{s(2), s(5)}});
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Recovery);
  EXPECT_EQ(ns.tcp.mib.TCPSackRecovery, 1u);
  EXPECT_EQ(ns.tcp.mib.TCPRenoRecovery, 0u);
  EXPECT_EQ(t->lost_out, 1u);
  EXPECT_EQ(flags_at(t, s(1)), TCPCB_LOST | TCPCB_RETRANS);
  ASSERT_EQ(nd.frames.size(), 11u);
  EXPECT_EQ(seg(10).seq, s(1));
  EXPECT_EQ(seg(10).payload.size(), 1460u);
  EXPECT_EQ(ns.tcp.mib.RetransSegs, 1u);
  // The retransmission is SACKed-over by the cumulative ACK: recovery ends.
  ack_opts(s(10), {});
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Open);
  EXPECT_EQ(t->sacked_out, 0u);
  EXPECT_EQ(t->lost_out, 0u);
  EXPECT_EQ(t->retrans_out, 0u);
  EXPECT_EQ(t->packets_out, 0u);
}

// Two holes (1 and 4) with 7 segments SACKed above: both are lost, both
// and nothing else are retransmitted (NewReno would need a round trip each).
TEST_F(TcpOptTest, RetransmitsAllHolesAndOnlyHoles) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  const int fd = established_with(true, false);
  tcp_sock *t = tp(fd);
  nd.frames.clear();
  ASSERT_EQ(send_n(fd, 10 * 1460), 10 * 1460);
  ack_opts(s(1), {{s(5), s(10)}, {s(2), s(4)}});  // most recent first, as Linux sends them
  EXPECT_EQ(t->sacked_out, 7u);
  EXPECT_EQ(t->lost_out, 2u);
  ASSERT_EQ(nd.frames.size(), 12u);
  EXPECT_EQ(seg(10).seq, s(1));
  EXPECT_EQ(seg(11).seq, s(4));
  EXPECT_EQ(flags_at(t, s(4)), TCPCB_LOST | TCPCB_RETRANS);
  EXPECT_EQ(flags_at(t, s(5)), TCPCB_SACKED_ACKED);
  EXPECT_EQ(t->retrans_out, 2u);
}

// A first block below the cumulative ACK is a D-SACK (RFC 2883): counted,
// not a hole, not a duplicate ACK.
TEST_F(TcpOptTest, DsackIsCountedNotTagged) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  const int fd = established_with(true, false);
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 4 * 1460), 4 * 1460);
  ack_opts(s(2), {});
  ack_opts(s(2), {{s(0), s(1)}});
  EXPECT_EQ(ns.tcp.mib.TCPDSACKRecv, 1u);
  EXPECT_EQ(t->sacked_out, 0u);
  EXPECT_EQ(ns.tcp.mib.TCPDupAcks, 0u);
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Open);
}

// An RTO marks lost only what is not SACKed (tcp_timeout_mark_lost).
TEST_F(TcpOptTest, RtoKeepsSackedSegments) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  const int fd = established_with(true, false);
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 6 * 1460), 6 * 1460);
  ack_opts(s(1), {{s(3), s(5)}});
  ASSERT_EQ(t->sacked_out, 2u);
  advance(t->icsk_rto);
  EXPECT_EQ(t->icsk_ca_state, TCP_CA_Loss);
  EXPECT_EQ(t->sacked_out, 2u);
  EXPECT_EQ(t->lost_out, 3u);  // 1, 2, 5
  EXPECT_EQ(flags_at(t, s(3)), TCPCB_SACKED_ACKED);
  EXPECT_TRUE(flags_at(t, s(1)) & TCPCB_LOST);
}

// With TSO the rtx queue holds super-packets: a block that covers part of
// one splits it at segment boundaries (tcp_match_skb_to_sack).
TEST_F(TcpOptTest, SackSplitsTsoSkbAtSegmentBoundaries) {
  ns.tcp.sysctl.tcp_timestamps = 0;
  nd.dev.features = NETIF_F_SG | NETIF_F_TSO;
  const int fd = established_with(true, false);
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 10 * 1460), 10 * 1460);
  ASSERT_GE(t->tcp_rtx_queue.size(), 1u);
  ASSERT_GT(t->tcp_rtx_queue.front().cb.pcount, 1u);
  ack_opts(s(0), {{s(3), s(6)}});
  EXPECT_EQ(t->sacked_out, 3u);
  EXPECT_EQ(flags_at(t, s(0)), TCPCB_LOST | TCPCB_RETRANS) << "3 SACKed above it: the hole 0-2 is lost";
  EXPECT_EQ(flags_at(t, s(3)), TCPCB_SACKED_ACKED);
  EXPECT_EQ(flags_at(t, s(6)), 0);
  uint32_t pcount = 0;
  for (const tcp_wqe &w : t->tcp_rtx_queue) pcount += w.cb.pcount;
  EXPECT_EQ(pcount, t->packets_out);
}

}  // namespace
