// TCP small queues (tcp_small_queue_check, tcp_wfree, tsq tasklet): one bulk
// socket keeps at most tcp_limit_output_bytes (or ~1 ms of its pacing rate)
// of skb truesize below TCP; TX completions resume it.
#include <gtest/gtest.h>

#include <numeric>

#include "stack/core/net_namespace.hpp"
#include "tcp_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {

class Tsq : public TcpTest {
protected:
  // After the handshake the device holds what it is given, as a ring would
  // until the NIC completes it.
  void hold_transmits() {
    nd.dev.ops.ndo_start_xmit = [this](sk_buff *skb, net_device *) {
      ring.push_back(skb);
      return NETDEV_TX_OK;
    };
  }
  // The NIC completes the n oldest skbs (destructor: tcp_wfree), then the tasklet runs.
  void complete(size_t n) {
    for (size_t i = 0; i < n && !ring.empty(); i++) {
      consume_skb(ring.front());
      ring.erase(ring.begin());
    }
    tcp_tasklet_func(ns);
  }
  uint64_t ring_truesize() const {
    return std::accumulate(ring.begin(), ring.end(), uint64_t{0},
                           [](uint64_t a, const sk_buff *s) { return a + s->truesize; });
  }
  void TearDown() override {
    // Hand the device back to FakeNetdev (a FIN at close goes straight
    // through), then complete what it held while the socket still exists.
    nd.dev.ops.ndo_start_xmit = [this](sk_buff *skb, net_device *d) { return nd.xmit(skb, d); };
    while (!ring.empty()) complete(ring.size());
    TcpTest::TearDown();
  }
  // A socket with cwnd, window and send buffer far above the limit.
  int bulk_socket() {
    const int fd = established(65535, 7);
    tcp_sock *t = tp(fd);
    t->snd_cwnd = 10000;
    t->sk_sndbuf = 8 << 20;
    t->sk_userlocks |= SOCK_SNDBUF_LOCK;
    ack(isn + 1, 65535);  // window 65535 << 7: 8 MB
    hold_transmits();
    return fd;
  }
  std::vector<sk_buff *> ring;
};

}  // namespace

// Linux's default (6.7+), the figure sysctl net.ipv4.tcp_limit_output_bytes gives.
TEST_F(Tsq, DefaultLimitIsFourMegabytes) { EXPECT_EQ(ns.tcp.sysctl.tcp_limit_output_bytes, 4194304u); }

// sk_wmem_alloc > limit stops tcp_write_xmit: the socket stops one skb past
// the limit, and everything it charged is exactly what the device holds.
TEST_F(Tsq, BoundsOneFlowsBytesBelowTcpToTheLimit) {
  ns.tcp.sysctl.tcp_limit_output_bytes = 100000;
  const int fd = bulk_socket();
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 1'000'000, MSG_DONTWAIT), 1'000'000);
  ASSERT_FALSE(ring.empty());
  EXPECT_EQ(t->sk_wmem_alloc, ring_truesize());
  EXPECT_GT(t->sk_wmem_alloc, 100000u);
  EXPECT_LE(t->sk_wmem_alloc - ring.back()->truesize, 100000u);
  EXPECT_GE(t->tsq_throttled, 1u);  // once per tcp_push of the send() loop
  EXPECT_TRUE(t->sk_tsq_flags & TSQF_THROTTLED);
  EXPECT_FALSE(t->sk_write_queue.empty());  // the rest waits in TCP's own queue
}

// A completion unthrottles (TSQ_QUEUED) and the tasklet sends again, still
// within the limit; with the ring drained repeatedly all data goes out.
TEST_F(Tsq, CompletionResumesTheFlowThroughTheTasklet) {
  ns.tcp.sysctl.tcp_limit_output_bytes = 100000;
  const int fd = bulk_socket();
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 300'000, MSG_DONTWAIT), 300'000);
  const uint32_t nxt0 = t->snd_nxt;
  consume_skb(ring.front());
  ring.erase(ring.begin());
  EXPECT_TRUE(t->sk_tsq_flags & TSQF_QUEUED);
  EXPECT_FALSE(t->sk_tsq_flags & TSQF_THROTTLED);
  ASSERT_EQ(ns.tcp.tsq_list.size(), 1u);
  EXPECT_EQ(t->snd_nxt, nxt0);  // nothing sent from inside the destructor
  tcp_tasklet_func(ns);
  EXPECT_TRUE(ns.tcp.tsq_list.empty());
  EXPECT_GT(t->snd_nxt, nxt0);
  EXPECT_LE(t->sk_wmem_alloc - ring.back()->truesize, 100000u);
  for (int i = 0; i < 1000 && !t->sk_write_queue.empty(); i++) complete(ring.size());
  EXPECT_TRUE(t->sk_write_queue.empty());
  EXPECT_EQ(t->snd_nxt, isn + 1 + 300'000);
}

// Under the default 4 MB the same 1 MB goes down at once: no throttling.
TEST_F(Tsq, DefaultLimitLetsAMegabyteThrough) {
  const int fd = bulk_socket();
  tcp_sock *t = tp(fd);
  ASSERT_EQ(send_n(fd, 1'000'000, MSG_DONTWAIT), 1'000'000);
  EXPECT_EQ(t->tsq_throttled, 0u);
  EXPECT_TRUE(t->sk_write_queue.empty());
  EXPECT_EQ(t->sk_wmem_alloc, ring_truesize());
}

// The limit is max(2 * truesize, pacing_rate >> 10) before the sysctl cap.
TEST_F(Tsq, PacingRateSetsTheLimitBelowTheSysctl) {
  const int fd = bulk_socket();
  tcp_sock *t = tp(fd);
  t->sk_pacing_rate = 1'250'000'000 / 8 * 8;  // 10 Gb/s in bytes/s: ~1.2 MB per 1024th of a second
  ASSERT_EQ(send_n(fd, 3'000'000, MSG_DONTWAIT), 3'000'000);
  EXPECT_GT(t->sk_wmem_alloc, t->sk_pacing_rate >> 10);
  EXPECT_LE(t->sk_wmem_alloc - ring.back()->truesize, t->sk_pacing_rate >> 10);
}

// tcp_update_pacing_rate: mss * cwnd / srtt at 200% in slow start, 120% after.
TEST_F(Tsq, PacingRateIsTwiceCwndOverSrttInSlowStart) {
  const int fd = established();
  tcp_sock *t = tp(fd);
  t->mss_cache = 1460;
  t->snd_cwnd = 10;
  t->srtt_us = 100 << 3;  // 100 us
  tcp_update_pacing_rate(t);
  EXPECT_EQ(t->sk_pacing_rate, 2ull * 1460 * 10 * 1'000'000 / 100);
  t->snd_ssthresh = 10;
  tcp_update_pacing_rate(t);
  EXPECT_EQ(t->sk_pacing_rate, 12ull * 1460 * 10 * 1'000'000 / 100 / 10);
}
