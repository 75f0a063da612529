// TBF (net/sched/sch_tbf.c): the burst allowance, the long-run rate, the
// watchdog as the only thing that sends after the burst, drops over limit.
#include "sched_fixture.hpp"

using namespace wirepath;
using wirepath::test::SchedTest;

class Tbf : public SchedTest {};

// 10 Mbit/s is 800 ns per byte exactly (psched_ratecfg mult 800<<shift), so
// burst 10kb (10240 B) is 8.192 ms of tokens and a 1000-byte frame costs
// 0.8 ms: 10 frames leave at once (8 ms), the 11th waits 0.608 ms for the
// rest, then one every 0.8 ms: frame k (k >= 10) at (k+1)*0.8 ms - 8.192 ms.
TEST_F(Tbf, BurstAllowanceIsExactAndRateHoldsOverALongRun) {
  tc("qdisc add dev eth0 root handle 1: tbf rate 10mbit burst 10kb limit 1000000");
  const int n = 1000;
  for (int i = 0; i < n; ++i) ASSERT_EQ(dev_queue_xmit(udp(1000, 5001, 1000)), NET_XMIT_SUCCESS);
  EXPECT_EQ(nd.frames.size(), 10u) << "the burst: floor(8.192 ms / 0.8 ms) frames at t=0";
  run_until(2'000'000'000);
  ASSERT_EQ(nd.frames.size(), static_cast<size_t>(n));
  for (int k = 0; k < 10; ++k) EXPECT_EQ(sent_at[k], 0u);
  for (int k = 10; k < n; ++k) ASSERT_EQ(sent_at[k], (k + 1) * 800'000ull - 8'192'000ull) << k;
  // Long-run rate from the first frame that waited to the last: within 1% of 10 Mbit/s.
  const double secs = (sent_at[n - 1] - sent_at[10]) / 1e9;
  const double bits = (n - 11) * 1000.0 * 8;
  EXPECT_NEAR(bits / secs, 10e6, 10e6 * 0.01);
  const Qdisc *q = nd.dev.qdisc.get();
  EXPECT_EQ(q->bstats.packets, static_cast<uint64_t>(n));
  EXPECT_EQ(q->bstats.bytes, n * 1000ull);
  EXPECT_EQ(q->qlen(), 0u);
}

// Nothing polls: after the burst the next frame leaves exactly when the
// watchdog fires (0.608 ms), not a nanosecond before.
TEST_F(Tbf, WatchdogTimerIsWhatSendsTheNextFrame) {
  tc("qdisc add dev eth0 root handle 1: tbf rate 10mbit burst 10kb limit 100000");
  for (int i = 0; i < 12; ++i) dev_queue_xmit(udp(1000, 5001, 1000));
  ASSERT_EQ(nd.frames.size(), 10u);
  EXPECT_EQ(kern.timers.next_timer(), 608'000u);
  run_until(607'999);
  EXPECT_EQ(nd.frames.size(), 10u);
  run_until(608'000);
  EXPECT_EQ(nd.frames.size(), 11u);
  EXPECT_EQ(kern.timers.next_timer(), 1'408'000u);
  run_until(1'408'000);
  EXPECT_EQ(nd.frames.size(), 12u);
  EXPECT_EQ(kern.timers.next_timer(), TIMER_NONE) << "an empty TBF leaves no timer armed";
}

// Over `limit` bytes of backlog the inner bfifo drops; TBF and the child count it, with QDISC_DROP.
TEST_F(Tbf, OverLimitDropsAreCountedWithAReason) {
  tc("qdisc add dev eth0 root handle 1: tbf rate 10mbit burst 2000 limit 3000");
  for (int i = 0; i < 10; ++i) dev_queue_xmit(udp(1000, 5001, 1000));
  // 2 leave on the burst, 3 wait (3000 bytes), 5 are dropped.
  EXPECT_EQ(nd.frames.size(), 2u);
  EXPECT_EQ(nd.dev.qdisc->qlen(), 3u);
  EXPECT_EQ(nd.dev.qdisc->qstats.drops, 5u);
  EXPECT_EQ(nd.dev.qdisc->qstats.backlog, 3000u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::QDISC_DROP)], 5u);
  run_until(1'000'000'000);
  EXPECT_EQ(nd.frames.size(), 5u);
  EXPECT_EQ(nd.dev.qdisc->qstats.backlog, 0u);
}

// A packet larger than the bucket can ever hold is dropped at once (it could never leave).
TEST_F(Tbf, PacketLargerThanBurstIsDropped) {
  tc("qdisc add dev eth0 root tbf rate 10mbit burst 1000 latency 10ms");
  EXPECT_EQ(dev_queue_xmit(udp(1000, 5001, 1001)), NET_XMIT_DROP);
  EXPECT_EQ(dev_queue_xmit(udp(1000, 5001, 1000)), NET_XMIT_SUCCESS);
  EXPECT_EQ(nd.frames.size(), 1u);
}

// With a peakrate the burst itself is paced: 20 Mbit/s peak with a 1000-byte minburst
// sends back-to-back frames 0.4 ms apart, not all at t=0.
TEST_F(Tbf, PeakrateSpacesTheBurst) {
  tc("qdisc add dev eth0 root tbf rate 10mbit burst 10kb limit 100000 peakrate 20mbit mtu 1000");
  for (int i = 0; i < 4; ++i) dev_queue_xmit(udp(1000, 5001, 1000));
  run_until(100'000'000);
  ASSERT_EQ(nd.frames.size(), 4u);
  EXPECT_EQ(sent_at[0], 0u);
  EXPECT_EQ(sent_at[1], 400'000u);
  EXPECT_EQ(sent_at[2], 800'000u);
  EXPECT_EQ(sent_at[3], 1'200'000u);
}

// A GSO skb larger than the bucket is segmented in software (tbf_segment):
// 4000 bytes of TCP payload, gso_size 1000, through burst 2000: four frames
// of 54 + 1000 bytes leave, in sequence order; TBF counts 4 packets and the
// bytes of all four headers (qdisc_pkt_len of a GSO skb).
TEST_F(Tbf, GsoSkbLargerThanTheBucketIsSegmented) {
  tc("qdisc add dev eth0 root tbf rate 10mbit burst 2000 limit 100000");
  const uint32_t hdr = 14 + 20 + 20, payload = 4000;
  sk_buff *skb = alloc_skb(mem, hdr + payload + 64);
  skb->reserve(32);
  uint8_t *p = skb->put(hdr + payload);
  std::memset(p, 0, hdr + payload);
  p[12] = 0x08;
  uint8_t *ip = p + 14;
  ip[0] = 0x45;
  ip[2] = static_cast<uint8_t>((20 + 20 + payload) >> 8);
  ip[3] = static_cast<uint8_t>((20 + 20 + payload) & 0xff);
  ip[8] = 64;
  ip[9] = 6;  // TCP
  ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
  uint8_t *th = ip + 20;
  th[0] = 0x13, th[1] = 0x88, th[2] = 0x13, th[3] = 0x89;  // ports 5000 -> 5001
  th[7] = 100;    // seq 100
  th[12] = 0x50;  // doff 5
  th[13] = 0x18;  // PSH ACK
  skb->network_header = static_cast<uint16_t>(skb->headroom() + 14);
  skb->transport_header = static_cast<uint16_t>(skb->headroom() + 34);
  skb->protocol = 0x0800;
  skb->gso_size = 1000;
  skb->dev = &nd.dev;
  EXPECT_EQ(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
  run_until(1'000'000'000);
  ASSERT_EQ(nd.frames.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(nd.frames[i].bytes.size(), hdr + 1000);
    EXPECT_EQ(wirepath::test::rd32(nd.frames[i].bytes, 38), 100 + 1000 * i) << "the TCP sequence number of segment " << i;
  }
  EXPECT_EQ(nd.dev.qdisc->bstats.packets, 4u);
  EXPECT_EQ(nd.dev.qdisc->bstats.bytes, 4u * (hdr + 1000));
  EXPECT_EQ(nd.dev.qdisc->qstats.drops, 0u);
  EXPECT_EQ(skb_counters().total_dropped(), 0u);
}
