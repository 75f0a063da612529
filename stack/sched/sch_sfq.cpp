// SFQ, stochastic fairness queueing (net/sched/sch_sfq.c): packets hash by
// flow (skb_get_hash_perturb over the 5-tuple, keyed by q->perturbation)
// into divisor buckets, each mapped to one of maxflows slots; active slots
// are served round robin, quantum bytes per turn. Over limit, the longest
// slot loses its tail (or head, headdrop); a slot at depth packets drops
// what arrives. Every perturb_period seconds the key changes and the
// queued packets are rehashed. Linux draws the key from get_random_bytes;
// here from a generator seeded by the qdisc handle, so runs repeat exactly.
// Defaults: limit 127, depth 127, flows 128, divisor 1024, quantum MTU + 14.
// The RED options of tc_sfq_qopt_v1 are not modelled.
#include "stack/sched/sch_sfq.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <cstring>
#include <iterator>
#include <list>
#include <vector>

#include "stack/core/flow_dissector.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

constexpr uint16_t SFQ_EMPTY_SLOT = 0xffff;

struct sfq_slot {
  std::deque<sk_buff *> skbs;
  uint16_t next = 0;  // next slot in the round-robin ring
  uint16_t hash = 0;  // its bucket in ht[]
  int allot = 0;      // credit this turn, bytes
  uint32_t backlog = 0;
  std::list<uint16_t>::iterator dep_pos;  // in dep[qlen]
};

struct sfq_sched_data {
  uint32_t limit = SFQ_MAX_DEPTH, divisor = SFQ_DEFAULT_HASH_DIVISOR, maxflows = SFQ_DEFAULT_FLOWS;
  uint32_t maxdepth = SFQ_MAX_DEPTH, quantum = 1514;
  bool headdrop = false;
  int perturb_period = 0;  // seconds
  uint32_t perturbation = 0;
  uint64_t rng = 0;  // the key generator's state
  std::vector<uint16_t> ht;
  std::vector<sfq_slot> slots;
  // dep[d]: the slots holding d packets, most recent first (dep[0]: free slots).
  std::vector<std::list<uint16_t>> dep;
  uint32_t cur_depth = 0;  // depth of the longest slot
  int tail = -1;           // the slot served last in the round (-1: none active)
  qdisc_watchdog perturb_timer;
  Qdisc *sch = nullptr;
};

bool is_power_of_2(uint32_t n) { return n && !(n & (n - 1)); }

uint32_t next_key(sfq_sched_data *q) {
  // splitmix64: a fixed stream per qdisc instead of get_random_bytes.
  uint64_t z = (q->rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<uint32_t>(z ^ (z >> 31));
}

// sfq_link / sfq_unlink / sfq_inc / sfq_dec: keep dep[] and cur_depth.
void dep_move(sfq_sched_data *q, uint16_t x, uint32_t from, uint32_t to) {
  q->dep[from].erase(q->slots[x].dep_pos);
  q->dep[to].push_front(x);
  q->slots[x].dep_pos = q->dep[to].begin();
}
void sfq_inc(sfq_sched_data *q, uint16_t x) {
  const uint32_t d = static_cast<uint32_t>(q->slots[x].skbs.size());  // after the add
  dep_move(q, x, d - 1, d);
  if (d > q->cur_depth) q->cur_depth = d;
}
void sfq_dec(sfq_sched_data *q, uint16_t x) {
  const uint32_t d = static_cast<uint32_t>(q->slots[x].skbs.size());  // after the removal
  if (d + 1 == q->cur_depth && q->dep[d + 1].size() == 1) q->cur_depth--;
  dep_move(q, x, d + 1, d);
}

uint32_t sfq_hash(const sfq_sched_data *q, const sk_buff *skb) {
  return skb_get_hash_perturb(skb, q->perturbation) & (q->divisor - 1);
}

// sfq_classify: skb->priority naming a bucket (major = our handle), else the hash. 1-based.
uint32_t sfq_classify(sk_buff *skb, Qdisc *sch) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  if (TC_H_MAJ(skb->priority) == sch->handle && TC_H_MIN(skb->priority) > 0 &&
      TC_H_MIN(skb->priority) <= q->divisor)
    return TC_H_MIN(skb->priority);
  return sfq_hash(q, skb) + 1;
}

// sfq_drop: the queue is full; the longest slot loses its tail (head with headdrop).
uint32_t sfq_drop(Qdisc *sch, to_free_list *to_free) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  const uint32_t d = q->cur_depth;
  uint16_t x;
  if (d > 1) {
    x = q->dep[d].front();
  } else if (d == 1) {
    // Every slot holds one packet: drop the next in the round, deactivating it.
    x = q->slots[q->tail].next;
    if (q->slots[x].next == x)
      q->tail = -1;
    else
      q->slots[q->tail].next = q->slots[x].next;
    q->ht[q->slots[x].hash] = SFQ_EMPTY_SLOT;
  } else {
    return 0;
  }
  sfq_slot &slot = q->slots[x];
  sk_buff *skb;
  if (q->headdrop) {
    skb = slot.skbs.front();
    slot.skbs.pop_front();
  } else {
    skb = slot.skbs.back();
    slot.skbs.pop_back();
  }
  const uint32_t len = qdisc_pkt_len(skb);
  slot.backlog -= len;
  sfq_dec(q, x);
  sch->q.qlen--;
  qdisc_qstats_backlog_dec(sch, skb);
  qdisc_drop_reason(skb, sch, to_free, skb_drop_reason::QDISC_OVERLIMIT);
  return len;
}

int sfq_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  const uint32_t hash = sfq_classify(skb, sch) - 1;
  uint16_t x = q->ht[hash];
  if (x == SFQ_EMPTY_SLOT) {
    if (q->dep[0].empty()) return qdisc_drop_reason(skb, sch, to_free, skb_drop_reason::QDISC_OVERLIMIT);
    x = q->dep[0].front();  // a free slot
    q->ht[hash] = x;
    q->slots[x].hash = static_cast<uint16_t>(hash);
    q->slots[x].backlog = 0;
  } else if (q->slots[x].skbs.size() >= q->maxdepth) {
    sfq_slot &slot = q->slots[x];
    // The flow is at depth: tail drop, or head drop with the new one queued.
    if (!q->headdrop) return qdisc_drop_reason(skb, sch, to_free, skb_drop_reason::QDISC_OVERLIMIT);
    sk_buff *head = slot.skbs.front();
    slot.skbs.pop_front();
    const int delta = static_cast<int>(qdisc_pkt_len(head)) - static_cast<int>(qdisc_pkt_len(skb));
    sch->qstats.backlog -= delta;
    slot.backlog -= delta;
    qdisc_drop_reason(head, sch, to_free, skb_drop_reason::QDISC_OVERLIMIT);
    slot.skbs.push_back(skb);
    qdisc_tree_reduce_backlog(sch, 0, delta);
    return NET_XMIT_CN;
  }
  sfq_slot &slot = q->slots[x];
  qdisc_qstats_backlog_inc(sch, skb);
  slot.backlog += qdisc_pkt_len(skb);
  slot.skbs.push_back(skb);
  sfq_inc(q, x);
  if (slot.skbs.size() == 1) {
    // A new flow goes at the end of the round (serving new flows first
    // could freeze the old ones).
    if (q->tail < 0) {
      slot.next = x;
    } else {
      slot.next = q->slots[q->tail].next;
      q->slots[q->tail].next = x;
    }
    q->tail = x;
    slot.allot = static_cast<int>(q->quantum);
  }
  if (++sch->q.qlen <= q->limit) return NET_XMIT_SUCCESS;
  const size_t qlen = slot.skbs.size();
  const uint32_t dropped = sfq_drop(sch, to_free);
  // NET_XMIT_CN only if this flow lost a packet.
  if (qlen != slot.skbs.size()) {
    qdisc_tree_reduce_backlog(sch, 0, static_cast<int>(dropped - qdisc_pkt_len(skb)));
    return NET_XMIT_CN;
  }
  qdisc_tree_reduce_backlog(sch, 1, static_cast<int>(dropped));
  return NET_XMIT_SUCCESS;
}

sk_buff *sfq_dequeue(Qdisc *sch) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  if (q->tail < 0) return nullptr;
  uint16_t a;
  for (;;) {
    a = q->slots[q->tail].next;
    sfq_slot &slot = q->slots[a];
    if (slot.allot > 0) break;
    q->tail = a;
    slot.allot += static_cast<int>(q->quantum);
  }
  sfq_slot &slot = q->slots[a];
  sk_buff *skb = slot.skbs.front();
  slot.skbs.pop_front();
  sfq_dec(q, a);
  qdisc_bstats_update(sch, skb);
  sch->q.qlen--;
  qdisc_qstats_backlog_dec(sch, skb);
  slot.backlog -= qdisc_pkt_len(skb);
  if (slot.skbs.empty()) {
    q->ht[slot.hash] = SFQ_EMPTY_SLOT;
    const uint16_t next_a = slot.next;
    if (a == next_a) {
      q->tail = -1;  // no more active slots
      return skb;
    }
    q->slots[q->tail].next = next_a;
  } else {
    slot.allot -= static_cast<int>(qdisc_pkt_len(skb));
  }
  return skb;
}

sk_buff *sfq_peek(Qdisc *sch) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  if (q->tail < 0) return nullptr;
  return q->slots[q->slots[q->tail].next].skbs.front();
}

void sfq_reset(Qdisc *sch) {
  to_free_list to_free;
  while (sk_buff *skb = sfq_dequeue(sch)) to_free.skbs.push_back({skb, skb_drop_reason::DEV_READY});
  kfree_to_free(&to_free);
}

// sfq_rehash: every queued packet again through the new key, in slot order;
// a slot over depth drops the excess (counted as overlimit drops).
void sfq_rehash(Qdisc *sch) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  std::vector<sk_buff *> list;
  for (auto &slot : q->slots) {
    if (slot.skbs.empty()) continue;
    const uint16_t x = static_cast<uint16_t>(&slot - q->slots.data());
    while (!slot.skbs.empty()) {
      list.push_back(slot.skbs.front());
      slot.skbs.pop_front();
      sfq_dec(q, x);
    }
    slot.backlog = 0;
    q->ht[slot.hash] = SFQ_EMPTY_SLOT;
  }
  q->tail = -1;
  const uint32_t qlen = sch->q.qlen, backlog = sch->qstats.backlog;
  sch->q.qlen = 0;
  sch->qstats.backlog = 0;
  to_free_list to_free;
  for (sk_buff *skb : list) sfq_enqueue(skb, sch, &to_free);
  const uint32_t dropped = static_cast<uint32_t>(to_free.skbs.size());
  kfree_to_free(&to_free);
  qdisc_tree_reduce_backlog(sch, static_cast<int>(qlen - sch->q.qlen), static_cast<int>(backlog - sch->qstats.backlog));
  (void)dropped;
}

void sfq_perturbation(sfq_sched_data *q) {
  q->perturbation = next_key(q);
  if (q->tail >= 0) sfq_rehash(q->sch);
  if (q->perturb_period)
    qdisc_watchdog_schedule_ns(&q->perturb_timer,
                               qdisc_clock_ns(q->sch) + uint64_t(q->perturb_period) * 1'000'000'000ull);
}

int sfq_change(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  tc_sfq_qopt_v1 ctl;
  const auto *d = opt ? opt->nla_data(TCA_OPTIONS_RAW) : nullptr;
  if (!d || d->size() < sizeof(tc_sfq_qopt)) return -EINVAL;
  std::memcpy(&ctl, d->data(), std::min(d->size(), sizeof ctl));
  const bool v1 = d->size() >= sizeof(tc_sfq_qopt_v1);
  // The tables are sized at creation: flows and divisor cannot change later.
  if (!q->ht.empty() && ((ctl.v0.flows && ctl.v0.flows != q->maxflows) || (ctl.v0.divisor && ctl.v0.divisor != q->divisor))) {
    NL_SET_ERR_MSG(extack, "flows and divisor are fixed once the qdisc exists");
    return -EINVAL;
  }
  if (ctl.v0.divisor && (!is_power_of_2(ctl.v0.divisor) || ctl.v0.divisor > 65536)) {
    NL_SET_ERR_MSG(extack, "invalid divisor");
    return -EINVAL;
  }
  if (ctl.v0.quantum) q->quantum = ctl.v0.quantum;
  q->perturb_period = ctl.v0.perturb_period;
  if (ctl.v0.flows) q->maxflows = std::min(ctl.v0.flows, SFQ_MAX_FLOWS);
  if (ctl.v0.divisor) q->divisor = ctl.v0.divisor;
  if (v1) {
    if (ctl.depth) q->maxdepth = std::min(ctl.depth, SFQ_MAX_DEPTH);
    q->headdrop = ctl.headdrop != 0;
  }
  if (ctl.v0.limit) {
    q->limit = std::min(ctl.v0.limit, q->maxdepth * q->maxflows);
    q->maxflows = std::min(q->maxflows, q->limit);
  }
  // Over the new limit: drop as the enqueue path would.
  to_free_list to_free;
  uint32_t dropped = 0, dropped_len = 0;
  while (sch->q.qlen > q->limit) {
    dropped_len += sfq_drop(sch, &to_free);
    dropped++;
  }
  kfree_to_free(&to_free);
  qdisc_tree_reduce_backlog(sch, static_cast<int>(dropped), static_cast<int>(dropped_len));
  qdisc_watchdog_cancel(&q->perturb_timer);
  if (q->perturb_period)
    qdisc_watchdog_schedule_ns(&q->perturb_timer,
                               qdisc_clock_ns(sch) + uint64_t(q->perturb_period) * 1'000'000'000ull);
  return 0;
}

int sfq_init(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  q->sch = sch;
  qdisc_watchdog_init(&q->perturb_timer, sch);
  // The perturbation timer re-keys instead of running the qdisc.
  q->perturb_timer.timer.function = [q](timer_list *) { sfq_perturbation(q); };
  q->quantum = qdisc_dev(sch)->mtu + qdisc_dev(sch)->hard_header_len;  // psched_mtu
  q->rng = sch->handle;
  q->perturbation = next_key(q);
  if (opt) {
    if (const int err = sfq_change(sch, opt, extack)) return err;
  }
  q->ht.assign(q->divisor, SFQ_EMPTY_SLOT);
  q->slots.assign(q->maxflows, sfq_slot{});
  q->dep.assign(SFQ_MAX_DEPTH + 2, {});
  for (uint32_t i = 0; i < q->maxflows; i++) {
    q->dep[0].push_back(static_cast<uint16_t>(i));
    q->slots[i].dep_pos = std::prev(q->dep[0].end());
  }
  return 0;
}

void sfq_destroy(Qdisc *sch) { qdisc_watchdog_cancel(&qdisc_priv<sfq_sched_data>(sch)->perturb_timer); }

int sfq_dump(Qdisc *sch, nlattrs *opts) {
  auto *q = qdisc_priv<sfq_sched_data>(sch);
  tc_sfq_qopt_v1 opt;
  opt.v0.quantum = q->quantum;
  opt.v0.perturb_period = q->perturb_period;
  opt.v0.limit = q->limit;
  opt.v0.divisor = q->divisor;
  opt.v0.flows = q->maxflows;
  opt.depth = q->maxdepth;
  opt.headdrop = q->headdrop;
  opts->nla_put(TCA_OPTIONS_RAW, opt);
  return 0;
}

const Qdisc_ops sfq_qdisc_ops = [] {
  Qdisc_ops o;
  o.id = "sfq";
  o.enqueue = sfq_enqueue;
  o.dequeue = sfq_dequeue;
  o.peek = sfq_peek;
  o.init = sfq_init;
  o.reset = sfq_reset;
  o.change = sfq_change;
  o.destroy = sfq_destroy;
  o.dump = sfq_dump;
  o.priv_alloc = qdisc_priv_alloc<sfq_sched_data>;
  return o;
}();
const qdisc_module sfq_module(&sfq_qdisc_ops);

}  // namespace

}  // namespace wirepath
