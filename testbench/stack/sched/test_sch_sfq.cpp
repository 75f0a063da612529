// SFQ (net/sched/sch_sfq.c): flows served round robin by quantum, the
// longest flow loses its tail over limit, a flow at depth drops what comes,
// perturbation re-keys the hash and keeps every queued packet.
#include <gtest/gtest.h>

#include <cstring>

#include "stack/core/flow_dissector.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/sched/sch_generic.hpp"
#include "stack/sched/sch_sfq.hpp"
#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {

class Sfq : public StackTest {
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
    q = qdisc_create(&nd.dev, qdisc_lookup_ops("sfq"), TC_H_ROOT, 0x10000, opt, &ack, &err);
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
  uint32_t bucket(uint16_t sport) {
    sk_buff *skb = pkt(sport);
    const uint32_t b = skb_get_hash_perturb(skb, perturbation) & 1023;
    kfree_skb_reason(skb, skb_drop_reason::NOT_SPECIFIED);
    return b;
  }
  Qdisc *q = nullptr;
  uint32_t perturbation = 0;
};

}  // namespace

nlattrs sfq_opts(uint32_t limit, uint32_t depth, int perturb = 0, bool headdrop = false) {
  tc_sfq_qopt_v1 o;
  o.v0.limit = limit;
  o.depth = depth;
  o.v0.perturb_period = perturb;
  o.headdrop = headdrop;
  nlattrs a;
  a.nla_put(TCA_OPTIONS_RAW, o);
  return a;
}

// Three backlogged flows of full-size packets are served one packet each in
// turn (quantum 1514), in the order they became active.
TEST_F(Sfq, FlowsAreServedRoundRobin) {
  for (int i = 0; i < 10; i++) enqueue(pkt(1000));
  for (int i = 0; i < 10; i++) enqueue(pkt(2000));
  for (int i = 0; i < 10; i++) enqueue(pkt(3000));
  std::vector<uint16_t> got;
  for (int i = 0; i < 30; i++) got.push_back(dequeue());
  for (int i = 0; i < 30; i++) EXPECT_EQ(got[i], 1000 + 1000 * (i % 3)) << i;
  EXPECT_EQ(dequeue(), 0);
}

// Over limit (127 by default): the longest flow loses its newest packet; a
// flow with one packet keeps it. Counted as QDISC_OVERLIMIT.
TEST_F(Sfq, OverLimitDropsTheTailOfTheLongestFlow) {
  for (int i = 0; i < 127; i++) EXPECT_EQ(enqueue(pkt(1000)), NET_XMIT_SUCCESS);
  EXPECT_EQ(enqueue(pkt(2000)), NET_XMIT_SUCCESS);  // flow 1000 pays
  EXPECT_EQ(q->q.qlen, 127u);
  EXPECT_EQ(q->qstats.drops, 1u);
  EXPECT_EQ(q->drops_by_reason[static_cast<int>(skb_drop_reason::QDISC_OVERLIMIT)], 1u);
  EXPECT_EQ(dequeue(), 1000);
  EXPECT_EQ(dequeue(), 2000);
}

// depth: a flow holding depth packets drops the newcomer (tail) or its
// oldest packet (headdrop), NET_XMIT_CN either way for headdrop.
TEST_F(Sfq, DepthBoundsOneFlow) {
  nlattrs o = sfq_opts(100, 4);
  create(&o);
  for (int i = 0; i < 4; i++) EXPECT_EQ(enqueue(pkt(1000)), NET_XMIT_SUCCESS);
  EXPECT_EQ(enqueue(pkt(1000)), NET_XMIT_DROP);
  EXPECT_EQ(q->q.qlen, 4u);
  nlattrs h = sfq_opts(100, 4, 0, true);
  create(&h);
  for (int i = 0; i < 4; i++) enqueue(pkt(1000, 100 + i));
  EXPECT_EQ(enqueue(pkt(1000, 200)), NET_XMIT_CN);
  sk_buff *skb = q->ops->dequeue(q);
  EXPECT_EQ(skb->len, 101u);  // the oldest (100) went
  consume_skb(skb);
  EXPECT_EQ(q->qstats.backlog, 102u + 103 + 200);
}

// perturb: every period the key changes (a fixed stream from the handle:
// the same run gives the same keys) and queued packets are rehashed, none lost.
TEST_F(Sfq, PerturbationRehashesWithoutLoss) {
  nlattrs o = sfq_opts(127, 127, 1);
  create(&o);
  for (int i = 0; i < 40; i++) enqueue(pkt(static_cast<uint16_t>(1000 + i % 8)));
  const uint64_t t0 = kern.timers.now();
  kern.timers.run_timers(t0 + 1'000'000'001ull);
  EXPECT_EQ(q->q.qlen, 40u);
  EXPECT_EQ(q->qstats.drops, 0u);
  EXPECT_EQ(q->qstats.backlog, 40u * 1514);
  int n = 0;
  while (dequeue()) n++;
  EXPECT_EQ(n, 40);
}
