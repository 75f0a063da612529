// fq_codel (RFC 8290) and CoDel (RFC 8289) against their published
// algorithms: DRR per-flow fairness, new-flow priority, the control law
// drop_next = t + interval / sqrt(count), ECN marking instead of dropping
// for ECT packets, and limit / memory_limit drops from the fattest flow.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <deque>

#include "stack/core/flow_dissector.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/ipv4/inet_ecn.hpp"
#include "stack/sched/codel.hpp"
#include "stack/sched/sch_fq_codel.hpp"
#include "stack/sched/sch_generic.hpp"
#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {

constexpr uint64_t kMs = 1'000'000;

class FqCodel : public StackTest {
protected:
  void SetUp() override {
    StackTest::SetUp();
    create(nullptr);
  }
  void TearDown() override {
    if (q) qdisc_put(q);
    q = nullptr;
    StackTest::TearDown();
  }
  void create(const nlattrs *opt) {
    if (q) qdisc_put(q);
    int err = 0;
    netlink_ext_ack ack;
    q = qdisc_create(&nd.dev, qdisc_lookup_ops("fq_codel"), TC_H_ROOT, 0x10000, opt, &ack, &err);
    ASSERT_NE(q, nullptr) << ack.msg;
  }
  // An IPv4/UDP packet of len bytes (Ethernet header included) from sport, ECN bits tos.
  sk_buff *pkt(uint16_t sport, uint32_t len = 1514, uint8_t tos = 0) {
    sk_buff *skb = alloc_skb(mem, len + 64);
    skb->reserve(64);
    uint8_t *p = skb->put(len);
    std::memset(p, 0, len);
    skb->protocol = ETH_P_IP;
    skb->reset_mac_header();
    skb->network_header = static_cast<uint16_t>(skb->mac_header + 14);
    auto *iph = reinterpret_cast<iphdr *>(p + 14);
    iph->ihl_version = 0x45;
    iph->tos = tos;
    iph->tot_len = cpu_to_be16(static_cast<uint16_t>(len - 14));
    iph->ttl = 64;
    iph->protocol = IPPROTO_UDP;
    iph->saddr = cpu_to_be32(kLocal);
    iph->daddr = cpu_to_be32(kPeer);
    ip_send_check(iph);
    p[34] = uint8_t(sport >> 8);
    p[35] = uint8_t(sport);
    p[36] = 0x13;
    p[37] = 0x89;  // dport 5001
    skb->dev = &nd.dev;
    qdisc_pkt_len_init(skb);
    return skb;
  }
  int enqueue(sk_buff *skb) {
    to_free_list tf;
    const int r = q->ops->enqueue(skb, q, &tf);
    kfree_to_free(&tf);
    return r;
  }
  uint16_t sport_of(const sk_buff *skb) const {
    const uint8_t *p = skb->data;
    return static_cast<uint16_t>(p[34] << 8 | p[35]);
  }
  // Dequeue one skb: its source port (0 if none), freed as transmitted.
  uint16_t dequeue() {
    sk_buff *skb = q->ops->dequeue(q);
    if (!skb) return 0;
    const uint16_t s = sport_of(skb);
    consume_skb(skb);
    return s;
  }
  tc_fq_codel_qd_stats xstats() {
    gnet_dump d;
    q->ops->dump_stats(q, &d);
    tc_fq_codel_xstats x;
    EXPECT_EQ(d.xstats.size(), sizeof x);
    std::memcpy(&x, d.xstats.data(), sizeof x);
    return x.qdisc_stats;
  }
  uint32_t bucket(uint16_t sport) {
    sk_buff *skb = pkt(sport);
    const uint32_t b = reciprocal_scale(skb_get_hash(skb), 1024);
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return b;
  }
  Qdisc *q = nullptr;
};

}  // namespace

// fq_codel_init: limit 10240, flows 1024, quantum = MTU + 14, target 5 ms,
// interval 100 ms, memory_limit 32 MB, drop_batch 64, ecn on.
TEST_F(FqCodel, DefaultsAreLinuxs) {
  nlattrs o;
  q->ops->dump(q, &o);
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_LIMIT), 10240u);
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_FLOWS), 1024u);
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_QUANTUM), 1514u);
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_TARGET), 4999u);  // 5 ms in 1024-ns units, back in us (as Linux dumps)
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_INTERVAL), 99999u);
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_MEMORY_LIMIT), 32u << 20);
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE), 64u);
  EXPECT_EQ(o.nla_get_u32(TCA_FQ_CODEL_ECN), 1u);
  EXPECT_FALSE(o.has(TCA_FQ_CODEL_CE_THRESHOLD));
}

// DRR with quantum 1514: two backlogged flows of full-size packets alternate
// one packet each, whatever order they arrived in.
TEST_F(FqCodel, TwoBulkFlowsShareOnePacketEach) {
  ASSERT_NE(bucket(1000), bucket(2000));
  for (int i = 0; i < 10; i++) enqueue(pkt(1000));
  for (int i = 0; i < 10; i++) enqueue(pkt(2000));
  for (int i = 0; i < 10; i++) {
    EXPECT_EQ(dequeue(), 1000) << i;
    EXPECT_EQ(dequeue(), 2000) << i;
  }
  EXPECT_EQ(dequeue(), 0);
  EXPECT_EQ(xstats().new_flow_count, 2u);
}

// Byte fairness: a flow of 500-byte packets gets three packets per 1514-byte
// packet of the other (deficit 1514 buys 3 x 500 + one more while > 0).
TEST_F(FqCodel, DeficitRoundRobinSharesBytesNotPackets) {
  ASSERT_NE(bucket(1000), bucket(3000));
  for (int i = 0; i < 20; i++) enqueue(pkt(1000));
  for (int i = 0; i < 40; i++) enqueue(pkt(3000, 500));
  uint32_t bytes_a = 0, bytes_b = 0;
  for (int i = 0; i < 40; i++) {
    sk_buff *skb = q->ops->dequeue(q);
    ASSERT_NE(skb, nullptr);
    (sport_of(skb) == 1000 ? bytes_a : bytes_b) += skb->len;
    consume_skb(skb);
  }
  // Over whole rounds each flow gets quantum bytes (within one packet).
  EXPECT_NEAR(double(bytes_a), double(bytes_b), 1514.0);
}

// A sparse flow that starts while a bulk flow is backlogged goes on
// new_flows and leaves before the bulk flow's next packet.
TEST_F(FqCodel, NewFlowOvertakesTheBacklog) {
  ASSERT_NE(bucket(1000), bucket(4000));
  for (int i = 0; i < 50; i++) enqueue(pkt(1000));
  for (int i = 0; i < 5; i++) EXPECT_EQ(dequeue(), 1000);
  EXPECT_EQ(xstats().old_flows_len, 1u);
  enqueue(pkt(4000, 100));
  EXPECT_EQ(xstats().new_flows_len, 1u);
  EXPECT_EQ(dequeue(), 4000);
  EXPECT_EQ(dequeue(), 1000);
  EXPECT_EQ(xstats().new_flow_count, 2u);
}

// CoDel's control law: once dropping, the drop after the n-th comes
// interval / sqrt(n) after it. Linux keeps 1/sqrt(n) by one Newton step per
// drop from 1/sqrt(n-1), exact for n = 1 and converging quadratically: the
// gaps are within 3% of interval/sqrt(n) from n = 3, 1.5% from n = 5 and
// 0.5% from n = 10 (n = 2 is 0.5 * interval, the first step's known error).
TEST(Codel, DropScheduleIsIntervalOverSqrtCount) {
  struct Ops {
    // An endless standing queue: every packet enqueued at 0, 1514 bytes.
    int drops = 0, token = 0;
    sk_buff *dequeue(codel_vars *) { return reinterpret_cast<sk_buff *>(&token); }
    void drop(sk_buff *) { drops++; }
    uint32_t len(const sk_buff *) const { return 1514; }
    codel_time_t enqueue_time(const sk_buff *) const { return 0; }
  } ops;
  codel_params p;
  codel_vars v;
  codel_stats s;
  const uint32_t backlog = 1'000'000;
  // t = 10 ms: above target for the first time: first_above_time = t + interval.
  codel_time_t now = MS2TIME(10);
  codel_dequeue(ops, &backlog, &p, &v, &s, now);
  EXPECT_EQ(v.first_above_time, now + p.interval);
  EXPECT_FALSE(v.dropping);
  // Just after: still within the interval, no drop.
  now = MS2TIME(110);
  codel_dequeue(ops, &backlog, &p, &v, &s, now);
  EXPECT_EQ(ops.drops, 0);
  now += 1;
  codel_dequeue(ops, &backlog, &p, &v, &s, now);
  ASSERT_EQ(ops.drops, 1);
  EXPECT_TRUE(v.dropping);
  EXPECT_EQ(v.count, 1u);
  EXPECT_EQ(v.drop_next, now + reciprocal_scale(p.interval, 0xFFFF0000u));  // interval * (1 - 2^-16)
  // Walk time forward one unit at a time; record when each drop happens.
  std::vector<codel_time_t> at{now};
  for (codel_time_t t = now; at.size() < 20 && t < now + MS2TIME(2000); t++) {
    const int before = ops.drops;
    codel_dequeue(ops, &backlog, &p, &v, &s, t);
    if (ops.drops != before) at.push_back(t);
  }
  ASSERT_EQ(at.size(), 20u);
  for (size_t n = 1; n < at.size(); n++) {
    const double want = p.interval / std::sqrt(double(n));
    const double tol = n == 1 ? 0.001 : n == 2 ? 0.3 : n < 5 ? 0.03 : n < 10 ? 0.015 : 0.005;
    EXPECT_NEAR(double(at[n] - at[n - 1]), want, want * tol) << "gap after drop " << n;
  }
  EXPECT_EQ(s.drop_count, 20u);
}

// Newton's iteration x' = x/2 (3 - c x^2) in Q0.16 follows the same
// recurrence in doubles to 2^-12 and 1/sqrt(count) to 0.1% from count 20.
TEST(Codel, NewtonStepTracksInverseSquareRoot) {
  codel_vars v;
  v.count = 1;
  v.rec_inv_sqrt = static_cast<uint16_t>(~0u >> REC_INV_SQRT_SHIFT);
  double x = 1.0;
  for (uint32_t c = 2; c <= 100; c++) {
    v.count = c;
    codel_Newton_step(&v);
    x = x / 2 * (3 - c * x * x);
    EXPECT_NEAR(v.rec_inv_sqrt / 65536.0, x, 1.0 / 4096) << c;
    if (c >= 20) EXPECT_NEAR(v.rec_inv_sqrt / 65536.0 * std::sqrt(double(c)), 1.0, 0.001) << c;
  }
}

// IP_ECN_set_ce: ECT(0) and ECT(1) become CE with a valid header checksum
// (checked against a full recompute); Not-ECT is left alone; CE stays CE.
TEST_F(FqCodel, EcnSetCeFixesTheChecksum) {
  for (uint8_t ect : {INET_ECN_ECT_0, INET_ECN_ECT_1}) {
    sk_buff *skb = pkt(1000, 200, static_cast<uint8_t>(0xb8 | ect));
    ASSERT_TRUE(INET_ECN_set_ce(skb));
    auto *iph = reinterpret_cast<iphdr *>(skb->network_hdr());
    EXPECT_EQ(iph->tos, 0xb8 | INET_ECN_CE);
    const uint16_t incremental = iph->check;
    ip_send_check(iph);
    EXPECT_EQ(incremental, iph->check) << int(ect);
    EXPECT_TRUE(INET_ECN_set_ce(skb));  // already CE
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
  }
  sk_buff *skb = pkt(1000, 200, 0xb8);
  EXPECT_FALSE(INET_ECN_set_ce(skb));
  EXPECT_EQ(reinterpret_cast<iphdr *>(skb->network_hdr())->tos, 0xb8);
  kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
}

// A standing queue above target for an interval: Not-ECT packets are
// dropped (QDISC_CONGESTED), ECT packets marked CE and delivered instead.
TEST_F(FqCodel, CodelDropsNotEctAndMarksEct) {
  for (uint8_t tos : {uint8_t{0}, uint8_t{INET_ECN_ECT_0}}) {
    create(nullptr);
    const uint64_t t0 = kern.timers.now();
    for (int i = 0; i < 200; i++) enqueue(pkt(1000, 1514, tos));
    // Dequeue one packet per ms: sojourn grows past 5 ms and stays there.
    int delivered = 0, ce = 0;
    for (int i = 1; i <= 150; i++) {
      kern.timers.run_timers(t0 + 10 * kMs + i * kMs);
      sk_buff *skb = q->ops->dequeue(q);
      if (!skb) break;
      delivered++;
      if ((reinterpret_cast<iphdr *>(skb->network_hdr())->tos & INET_ECN_MASK) == INET_ECN_CE) ce++;
      consume_skb(skb);
    }
    const auto x = xstats();
    const auto dropped = q->drops_by_reason[static_cast<int>(skb_drop_reason::QDISC_CONGESTED)];
    if (tos == 0) {
      EXPECT_GT(dropped, 0u);
      EXPECT_EQ(q->qstats.drops, dropped);
      EXPECT_EQ(x.ecn_mark, 0u);
      EXPECT_EQ(ce, 0);
    } else {
      EXPECT_EQ(dropped, 0u);
      EXPECT_GT(x.ecn_mark, 0u);
      EXPECT_EQ(static_cast<uint32_t>(ce), x.ecn_mark);
      EXPECT_EQ(delivered, 150);
    }
    EXPECT_EQ(x.maxpacket, 1514u);
  }
}

// Over limit: the fattest flow loses half its backlog from the head (here
// 6 of 11 packets), counted in drop_overlimit and as QDISC_OVERLIMIT; the
// enqueuing flow was the victim, so NET_XMIT_CN.
TEST_F(FqCodel, LimitDropsHalfTheFattestFlow) {
  nlattrs o;
  o.nla_put_u32(TCA_FQ_CODEL_LIMIT, 10);
  create(&o);
  for (int i = 0; i < 10; i++) EXPECT_EQ(enqueue(pkt(1000)), NET_XMIT_SUCCESS);
  EXPECT_EQ(enqueue(pkt(1000)), NET_XMIT_CN);
  EXPECT_EQ(q->q.qlen, 5u);
  EXPECT_EQ(q->qstats.backlog, 5u * 1514);
  EXPECT_EQ(q->qstats.drops, 6u);
  EXPECT_EQ(q->drops_by_reason[static_cast<int>(skb_drop_reason::QDISC_OVERLIMIT)], 6u);
  EXPECT_EQ(xstats().drop_overlimit, 6u);
  EXPECT_EQ(xstats().drop_overmemory, 0u);
  EXPECT_EQ(skb_counters().dropped[static_cast<int>(skb_drop_reason::QDISC_OVERLIMIT)], 6u);
  // Another flow's packet over the limit costs the fat flow, not itself.
  ASSERT_NE(bucket(1000), bucket(2000));
  for (int i = 0; i < 5; i++) enqueue(pkt(2000, 100));
  EXPECT_EQ(enqueue(pkt(2000, 100)), NET_XMIT_SUCCESS);
}

// Over memory_limit (skb truesize): drops counted in drop_overmemory too.
TEST_F(FqCodel, MemoryLimitDropsAreCountedApart) {
  nlattrs o;
  sk_buff *probe = pkt(1);
  const uint32_t ts = probe->truesize;
  kfree_skb_reason(probe, skb_drop_reason::NOT_SPECIFIED);
  o.nla_put_u32(TCA_FQ_CODEL_MEMORY_LIMIT, 4 * ts);
  create(&o);
  for (int i = 0; i < 4; i++) EXPECT_EQ(enqueue(pkt(1000)), NET_XMIT_SUCCESS);
  EXPECT_EQ(enqueue(pkt(1000)), NET_XMIT_CN);  // 5 > 4: half of 5 packets, 3 go
  EXPECT_EQ(xstats().drop_overmemory, 3u);
  EXPECT_EQ(xstats().drop_overlimit, 3u);
  EXPECT_EQ(xstats().memory_usage, 2 * ts);
}
