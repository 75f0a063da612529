// Hierarchical token bucket (net/sched/sch_htb.c), line for line where the
// algorithm lives: classes in a tree; a leaf may send at its rate (tokens),
// borrow from its ancestors up to its ceil (ctokens) while they have
// tokens; among classes of one level and prio the "row" (or the parent's
// "feed") is served deficit round robin with each class's quantum. Classes
// that cannot send wait in the level's wait_pq until their tokens refill;
// the watchdog fires at the nearest such event. Linux's rbtrees are
// std::map here (ordered by classid, as htb_add_to_id_tree), the DRR
// pointer a classid into that map.
#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <map>

#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_fifo.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

enum htb_cmode { HTB_CANT_SEND, HTB_MAY_BORROW, HTB_CAN_SEND };

struct htb_class;
using id_tree = std::map<uint32_t, htb_class *>;

// struct htb_prio: the row of a level (or the feed of an inner class) for one prio.
struct htb_prio {
  id_tree row;               // "feed" for inner classes
  bool ptr_valid = false;    // ptr != NULL
  uint32_t ptr = 0;          // the DRR position: a classid in row
  uint32_t last_ptr_id = 0;  // where ptr was when it was invalidated
};

struct htb_class {
  uint32_t classid = 0;
  gnet_stats_basic bstats;
  tc_htb_xstats xstats;
  int quantum = 0;
  uint32_t drops = 0, overlimits = 0;
  int level = 0;
  unsigned children = 0;
  htb_class *parent = nullptr;
  uint32_t prio = 0;
  tcf_block block;
  unsigned filter_cnt = 0;
  // leaf
  Qdisc *leaf_q = nullptr;
  int deficit[TC_HTB_MAXDEPTH] = {};
  // inner
  htb_prio clprio[TC_HTB_NUMPRIO];
  // token bucket
  psched_ratecfg rate, ceil;
  int64_t buffer = 0, cbuffer = 0;  // token bucket depth/rate, ns
  int64_t mbuffer = 0;              // max wait time
  int64_t tokens = 0, ctokens = 0;  // current tokens, ns
  int64_t t_c = 0;                  // checkpoint time
  int prio_activity = 0;            // for which prios are we active
  htb_cmode cmode = HTB_CAN_SEND;
  int64_t pq_key = 0;
  bool in_wait_pq = false;
  std::multimap<int64_t, htb_class *>::iterator pq_it;
};

struct htb_level {
  htb_prio hprio[TC_HTB_NUMPRIO];
  std::multimap<int64_t, htb_class *> wait_pq;  // by pq_key, equal keys in arrival order
};

struct htb_sched_data {
  // qdisc_class_hash: buckets of classes, newest first, grown as Linux does (dump order).
  std::vector<std::vector<htb_class *>> clhash = std::vector<std::vector<htb_class *>>(4);
  unsigned clhash_elems = 0;
  int row_mask[TC_HTB_MAXDEPTH] = {};
  htb_level hlevel[TC_HTB_MAXDEPTH];
  int rate2quantum = 10;
  int64_t now = 0;
  tcf_block block;
  uint32_t defcls = 0;
  uint32_t direct_pkts = 0;
  uint32_t overlimits = 0;
  std::deque<sk_buff *> direct_queue;
  uint32_t direct_qlen = 0;
  qdisc_watchdog watchdog;
  int64_t near_ev_cache[TC_HTB_MAXDEPTH] = {};
};

htb_class *const HTB_DIRECT = reinterpret_cast<htb_class *>(-1L);

uint32_t qdisc_class_hash(uint32_t id, uint32_t mask) {
  id ^= id >> 8;
  id ^= id >> 4;
  return id & mask;
}

htb_class *htb_find(uint32_t handle, Qdisc *sch) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  for (htb_class *cl : q->clhash[qdisc_class_hash(handle, static_cast<uint32_t>(q->clhash.size() - 1))])
    if (cl->classid == handle) return cl;
  return nullptr;
}

void htb_hash_insert(htb_sched_data *q, htb_class *cl) {
  auto &b = q->clhash[qdisc_class_hash(cl->classid, static_cast<uint32_t>(q->clhash.size() - 1))];
  b.insert(b.begin(), cl);
  ++q->clhash_elems;
}

void htb_hash_remove(htb_sched_data *q, htb_class *cl) {
  auto &b = q->clhash[qdisc_class_hash(cl->classid, static_cast<uint32_t>(q->clhash.size() - 1))];
  b.erase(std::find(b.begin(), b.end(), cl));
  --q->clhash_elems;
}

// qdisc_class_hash_grow: double when over 3/4 full; each old bucket moved in order, pushed at the head.
void htb_hash_grow(htb_sched_data *q) {
  if (q->clhash_elems * 4 <= q->clhash.size() * 3) return;
  std::vector<std::vector<htb_class *>> n(q->clhash.size() * 2);
  for (auto &b : q->clhash)
    for (htb_class *cl : b) {
      auto &nb = n[qdisc_class_hash(cl->classid, static_cast<uint32_t>(n.size() - 1))];
      nb.insert(nb.begin(), cl);
    }
  q->clhash = std::move(n);
}

htb_class *htb_classify(sk_buff *skb, Qdisc *sch) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  // skb->priority naming a class of this qdisc selects it directly.
  if (skb->priority == sch->handle) return HTB_DIRECT;  // X:0 (direct flow)
  htb_class *cl = htb_find(skb->priority, sch);
  const tcf_block *tcf;
  if (cl) {
    if (cl->level == 0) return cl;
    tcf = &cl->block;  // start with the inner filter chain of a non-leaf
  } else {
    tcf = &q->block;
  }
  tcf_result res;
  while (tcf && !tcf->chain.empty() && tcf_classify(skb, tcf, &res) >= 0) {
    cl = reinterpret_cast<htb_class *>(res.class_);
    if (!cl) {
      if (res.classid == sch->handle) return HTB_DIRECT;
      cl = htb_find(res.classid, sch);
      if (!cl) break;  // filter selected invalid classid
    }
    if (!cl->level) return cl;  // a leaf
    tcf = &cl->block;           // inner class: its filters next
  }
  // Classification failed: the default class.
  cl = htb_find(TC_H_MAKE(TC_H_MAJ(sch->handle), q->defcls), sch);
  if (!cl || cl->level) return HTB_DIRECT;
  return cl;
}

void htb_add_to_id_tree(id_tree &root, htb_class *cl) { root.emplace(cl->classid, cl); }

void htb_add_to_wait_tree(htb_sched_data *q, htb_class *cl, int64_t delay) {
  cl->pq_key = q->now + delay;
  if (cl->pq_key == q->now) cl->pq_key++;
  if (q->near_ev_cache[cl->level] > cl->pq_key) q->near_ev_cache[cl->level] = cl->pq_key;
  cl->pq_it = q->hlevel[cl->level].wait_pq.emplace(cl->pq_key, cl);
  cl->in_wait_pq = true;
}

void htb_safe_erase_pq(htb_sched_data *q, htb_class *cl) {
  if (!cl->in_wait_pq) return;
  q->hlevel[cl->level].wait_pq.erase(cl->pq_it);
  cl->in_wait_pq = false;
}

// htb_next_rb_node: the DRR pointer moves to the next class of the row (or off its end).
void htb_next_rb_node(htb_prio *hp) {
  if (!hp->ptr_valid) return;
  auto it = hp->row.upper_bound(hp->ptr);
  if (it == hp->row.end())
    hp->ptr_valid = false;
  else
    hp->ptr = it->first;
}

void htb_add_class_to_row(htb_sched_data *q, htb_class *cl, int mask) {
  q->row_mask[cl->level] |= mask;
  while (mask) {
    const int prio = __builtin_ctz(static_cast<unsigned>(mask));
    mask &= ~(1 << prio);
    htb_add_to_id_tree(q->hlevel[cl->level].hprio[prio].row, cl);
  }
}

void htb_remove_class_from_row(htb_sched_data *q, htb_class *cl, int mask) {
  int m = 0;
  htb_level *hlevel = &q->hlevel[cl->level];
  while (mask) {
    const int prio = __builtin_ctz(static_cast<unsigned>(mask));
    htb_prio *hprio = &hlevel->hprio[prio];
    mask &= ~(1 << prio);
    if (hprio->ptr_valid && hprio->ptr == cl->classid) htb_next_rb_node(hprio);
    hprio->row.erase(cl->classid);
    if (hprio->row.empty()) m |= 1 << prio;
  }
  q->row_mask[cl->level] &= ~m;
}

void htb_activate_prios(htb_sched_data *q, htb_class *cl) {
  htb_class *p = cl->parent;
  int m, mask = cl->prio_activity;
  while (cl->cmode == HTB_MAY_BORROW && p && mask) {
    m = mask;
    while (m) {
      const int prio = __builtin_ctz(static_cast<unsigned>(m));
      m &= ~(1 << prio);
      // The parent's feed already in use: it is active for this prio already.
      if (!p->clprio[prio].row.empty()) mask &= ~(1 << prio);
      htb_add_to_id_tree(p->clprio[prio].row, cl);
    }
    p->prio_activity |= mask;
    cl = p;
    p = cl->parent;
  }
  if (cl->cmode == HTB_CAN_SEND && mask) htb_add_class_to_row(q, cl, mask);
}

void htb_deactivate_prios(htb_sched_data *q, htb_class *cl) {
  htb_class *p = cl->parent;
  int m, mask = cl->prio_activity;
  while (cl->cmode == HTB_MAY_BORROW && p && mask) {
    m = mask;
    mask = 0;
    while (m) {
      const int prio = __builtin_ctz(static_cast<unsigned>(m));
      m &= ~(1 << prio);
      htb_prio *hp = &p->clprio[prio];
      if (hp->ptr_valid && hp->ptr == cl->classid) {
        // Removing the child the parent's feed points at: remember its id.
        hp->last_ptr_id = cl->classid;
        hp->ptr_valid = false;
      }
      hp->row.erase(cl->classid);
      if (hp->row.empty()) mask |= 1 << prio;
    }
    p->prio_activity &= ~mask;
    cl = p;
    p = cl->parent;
  }
  if (cl->cmode == HTB_CAN_SEND && mask) htb_remove_class_from_row(q, cl, mask);
}

// No hysteresis (htb_hysteresis is 0 by default).
htb_cmode htb_class_mode(htb_class *cl, int64_t *diff) {
  int64_t toks;
  if ((toks = (cl->ctokens + *diff)) < 0) {
    *diff = -toks;
    return HTB_CANT_SEND;
  }
  if ((toks = (cl->tokens + *diff)) >= 0) return HTB_CAN_SEND;
  *diff = -toks;
  return HTB_MAY_BORROW;
}

void htb_change_class_mode(htb_sched_data *q, htb_class *cl, int64_t *diff) {
  const htb_cmode new_mode = htb_class_mode(cl, diff);
  if (new_mode == cl->cmode) return;
  if (new_mode == HTB_CANT_SEND) {
    cl->overlimits++;
    q->overlimits++;
  }
  if (cl->prio_activity) {
    if (cl->cmode != HTB_CANT_SEND) htb_deactivate_prios(q, cl);
    cl->cmode = new_mode;
    if (new_mode != HTB_CANT_SEND) htb_activate_prios(q, cl);
  } else {
    cl->cmode = new_mode;
  }
}

void htb_activate(htb_sched_data *q, htb_class *cl) {
  if (!cl->prio_activity) {
    cl->prio_activity = 1 << cl->prio;
    htb_activate_prios(q, cl);
  }
}

void htb_deactivate(htb_sched_data *q, htb_class *cl) {
  htb_deactivate_prios(q, cl);
  cl->prio_activity = 0;
}

int htb_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  const uint32_t len = qdisc_pkt_len(skb);
  htb_class *cl = htb_classify(skb, sch);
  if (cl == HTB_DIRECT) {
    // The direct queue: unclassified packets with no default class.
    if (q->direct_queue.size() < q->direct_qlen) {
      q->direct_queue.push_back(skb);
      q->direct_pkts++;
    } else {
      return qdisc_drop(skb, sch, to_free);
    }
  } else {
    const int ret = qdisc_enqueue(skb, cl->leaf_q, to_free);
    if (ret != NET_XMIT_SUCCESS) {
      if (ret == NET_XMIT_DROP) {
        qdisc_qstats_drop(sch);
        cl->drops++;
      }
      return ret;
    }
    htb_activate(q, cl);
  }
  sch->qstats.backlog += len;
  sch->q.qlen++;
  return NET_XMIT_SUCCESS;
}

void htb_accnt_tokens(htb_class *cl, int bytes, int64_t diff) {
  int64_t toks = diff + cl->tokens;
  if (toks > cl->buffer) toks = cl->buffer;
  toks -= static_cast<int64_t>(psched_l2t_ns(&cl->rate, static_cast<unsigned>(bytes)));
  if (toks <= -cl->mbuffer) toks = 1 - cl->mbuffer;
  cl->tokens = toks;
}

void htb_accnt_ctokens(htb_class *cl, int bytes, int64_t diff) {
  int64_t toks = diff + cl->ctokens;
  if (toks > cl->cbuffer) toks = cl->cbuffer;
  toks -= static_cast<int64_t>(psched_l2t_ns(&cl->ceil, static_cast<unsigned>(bytes)));
  if (toks <= -cl->mbuffer) toks = 1 - cl->mbuffer;
  cl->ctokens = toks;
}

// htb_charge_class: the leaf and every ancestor pay for the packet; an
// ancestor at the level it was served from lends, those below borrowed.
void htb_charge_class(htb_sched_data *q, htb_class *cl, int level, const sk_buff *skb) {
  const int bytes = static_cast<int>(qdisc_pkt_len(skb));
  while (cl) {
    int64_t diff = std::min(q->now - cl->t_c, cl->mbuffer);
    if (cl->level >= level) {
      if (cl->level == level) cl->xstats.lends++;
      htb_accnt_tokens(cl, bytes, diff);
    } else {
      cl->xstats.borrows++;
      cl->tokens += diff;  // we moved t_c; update tokens
    }
    htb_accnt_ctokens(cl, bytes, diff);
    cl->t_c = q->now;
    const htb_cmode old_mode = cl->cmode;
    diff = 0;
    htb_change_class_mode(q, cl, &diff);
    if (old_mode != cl->cmode) {
      if (old_mode != HTB_CAN_SEND) htb_safe_erase_pq(q, cl);
      if (cl->cmode != HTB_CAN_SEND) htb_add_to_wait_tree(q, cl, diff);
    }
    // Leaves were counted at dequeue.
    if (cl->level) bstats_update(&cl->bstats, skb);
    cl = cl->parent;
  }
}

// htb_do_events: classes of the level whose wait is over change mode. The next event's time, or 0.
int64_t htb_do_events(htb_sched_data *q, int level) {
  auto &wait_pq = q->hlevel[level].wait_pq;
  for (;;) {
    if (wait_pq.empty()) return 0;
    htb_class *cl = wait_pq.begin()->second;
    if (cl->pq_key > q->now) return cl->pq_key;
    htb_safe_erase_pq(q, cl);
    int64_t diff = std::min(q->now - cl->t_c, cl->mbuffer);
    htb_change_class_mode(q, cl, &diff);
    if (cl->cmode != HTB_CAN_SEND) htb_add_to_wait_tree(q, cl, diff);
  }
}

// htb_id_find_next_upper: the first class with classid >= id.
bool htb_id_find_next_upper(const id_tree &root, uint32_t id, uint32_t *out) {
  auto it = root.lower_bound(id);
  if (it == root.end()) return false;
  *out = it->first;
  return true;
}

// htb_lookup_leaf: follow the DRR pointers from the row down through the
// feeds of inner classes to the leaf to serve.
htb_class *htb_lookup_leaf(htb_prio *hprio, int prio) {
  htb_prio *stk[TC_HTB_MAXDEPTH];
  int sp = 0;
  stk[0] = hprio;
  for (int i = 0; i < 65535; i++) {
    htb_prio *hp = stk[sp];
    if (!hp->ptr_valid && hp->last_ptr_id) {
      // ptr was invalidated but id is valid: recover the original or next.
      hp->ptr_valid = htb_id_find_next_upper(hp->row, hp->last_ptr_id, &hp->ptr);
    }
    hp->last_ptr_id = 0;
    if (!hp->ptr_valid) {
      // At the right end: rewind and go up.
      if (hp->row.empty()) return nullptr;
      hp->ptr = hp->row.begin()->first;
      hp->ptr_valid = true;
      if (sp > 0) {
        sp--;
        if (!stk[sp]->ptr_valid) return nullptr;
        htb_next_rb_node(stk[sp]);
      }
    } else {
      htb_class *cl = hp->row.at(hp->ptr);
      if (!cl->level) return cl;
      if (sp + 1 >= static_cast<int>(TC_HTB_MAXDEPTH)) return nullptr;
      stk[++sp] = &cl->clprio[prio];
    }
  }
  return nullptr;
}

sk_buff *htb_dequeue_tree(htb_sched_data *q, int prio, int level) {
  sk_buff *skb = nullptr;
  htb_prio *hprio = &q->hlevel[level].hprio[prio];
  htb_class *start, *cl;
  start = cl = htb_lookup_leaf(hprio, prio);
  do {
  next:
    if (!cl) return nullptr;
    // A class can be empty (its leaf dropped, or a graft): deactivate, skip.
    if (cl->leaf_q->q.qlen == 0) {
      htb_deactivate(q, cl);
      if ((q->row_mask[level] & (1 << prio)) == 0) return nullptr;
      htb_class *nxt = htb_lookup_leaf(hprio, prio);
      if (cl == start) start = nxt;
      cl = nxt;
      goto next;
    }
    skb = cl->leaf_q->ops->dequeue(cl->leaf_q);
    if (skb) break;
    htb_next_rb_node(level ? &cl->parent->clprio[prio] : &q->hlevel[0].hprio[prio]);
    cl = htb_lookup_leaf(hprio, prio);
  } while (cl != start);

  if (skb) {
    bstats_update(&cl->bstats, skb);
    cl->deficit[level] -= static_cast<int>(qdisc_pkt_len(skb));
    if (cl->deficit[level] < 0) {
      cl->deficit[level] += cl->quantum;
      htb_next_rb_node(level ? &cl->parent->clprio[prio] : &q->hlevel[0].hprio[prio]);
    }
    if (!cl->leaf_q->q.qlen) htb_deactivate(q, cl);
    htb_charge_class(q, cl, level, skb);
  }
  return skb;
}

sk_buff *htb_dequeue(Qdisc *sch) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  sk_buff *skb = nullptr;
  // Direct packets first, as high prio.
  if (!q->direct_queue.empty()) {
    skb = q->direct_queue.front();
    q->direct_queue.pop_front();
  ok:
    qdisc_bstats_update(sch, skb);
    qdisc_qstats_backlog_dec(sch, skb);
    sch->q.qlen--;
    return skb;
  }
  if (!sch->q.qlen) return nullptr;
  q->now = static_cast<int64_t>(qdisc_clock_ns(sch));
  int64_t next_event = q->now + 5LL * static_cast<int64_t>(NSEC_PER_SEC);
  for (int level = 0; level < static_cast<int>(TC_HTB_MAXDEPTH); level++) {
    int64_t event = q->near_ev_cache[level];
    if (q->now >= event) {
      event = htb_do_events(q, level);
      if (!event) event = q->now + static_cast<int64_t>(NSEC_PER_SEC);
      q->near_ev_cache[level] = event;
    }
    if (next_event > event) next_event = event;
    int m = ~q->row_mask[level];
    while (m != -1) {
      const int prio = __builtin_ctz(static_cast<unsigned>(~m));
      m |= 1 << prio;
      skb = htb_dequeue_tree(q, prio, level);
      if (skb) goto ok;
    }
  }
  // Nothing may send now: wake at the nearest event (Linux's
  // schedule_work for an event already due is a run at the same time).
  qdisc_watchdog_schedule_ns(&q->watchdog, static_cast<uint64_t>(std::max(next_event, q->now)));
  return nullptr;
}

void htb_reset(Qdisc *sch) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  for (auto &b : q->clhash)
    for (htb_class *cl : b) {
      if (cl->level)
        for (auto &p : cl->clprio) p = htb_prio{};
      else if (cl->leaf_q)
        qdisc_reset(cl->leaf_q);
      cl->prio_activity = 0;
      cl->cmode = HTB_CAN_SEND;
      cl->in_wait_pq = false;
    }
  qdisc_watchdog_cancel(&q->watchdog);
  for (sk_buff *skb : q->direct_queue) kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
  q->direct_queue.clear();
  for (auto &l : q->hlevel) l = htb_level{};
  std::fill(std::begin(q->row_mask), std::end(q->row_mask), 0);
  sch->q.qlen = 0;
  sch->qstats.backlog = 0;
}

int htb_init(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  qdisc_watchdog_init(&q->watchdog, sch);
  if (!opt) return -EINVAL;
  tc_htb_glob gopt;
  if (!opt->nla_get(TCA_HTB_INIT, &gopt)) return -EINVAL;
  if (gopt.version != TC_HTB_PROTOVER) return -EINVAL;
  q->direct_qlen = opt->has(TCA_HTB_DIRECT_QLEN) ? opt->nla_get_u32(TCA_HTB_DIRECT_QLEN)
                                                 : qdisc_dev(sch)->tx_queue_len;
  q->rate2quantum = static_cast<int>(gopt.rate2quantum);
  if (q->rate2quantum < 1) q->rate2quantum = 1;
  q->defcls = gopt.defcls;
  return 0;
}

int htb_change(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *) {
  // tc qdisc change ... htb default N r2q N: the globals only.
  auto *q = qdisc_priv<htb_sched_data>(sch);
  tc_htb_glob gopt;
  if (!opt || !opt->nla_get(TCA_HTB_INIT, &gopt)) return -EINVAL;
  q->rate2quantum = std::max(1, static_cast<int>(gopt.rate2quantum));
  q->defcls = gopt.defcls;
  if (opt->has(TCA_HTB_DIRECT_QLEN)) q->direct_qlen = opt->nla_get_u32(TCA_HTB_DIRECT_QLEN);
  return 0;
}

void htb_destroy_class(htb_class *cl) {
  if (!cl->level && cl->leaf_q) qdisc_put(cl->leaf_q);
  delete cl;
}

void htb_destroy(Qdisc *sch) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  if (!q) return;
  qdisc_watchdog_cancel(&q->watchdog);
  q->block.chain.clear();
  for (auto &b : q->clhash)
    for (htb_class *cl : b) cl->block.chain.clear();
  for (auto &b : q->clhash)
    for (htb_class *cl : b) htb_destroy_class(cl);
  q->clhash.assign(4, {});
  q->clhash_elems = 0;
  for (sk_buff *skb : q->direct_queue) kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
  q->direct_queue.clear();
}

int htb_dump(Qdisc *sch, nlattrs *opts) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  sch->qstats.overlimits = q->overlimits;
  tc_htb_glob gopt;
  gopt.direct_pkts = q->direct_pkts;
  gopt.version = TC_HTB_PROTOVER;
  gopt.rate2quantum = static_cast<uint32_t>(q->rate2quantum);
  gopt.defcls = q->defcls;
  gopt.debug = 0;
  opts->nla_put(TCA_HTB_INIT, gopt);
  opts->nla_put_u32(TCA_HTB_DIRECT_QLEN, q->direct_qlen);
  return 0;
}

// --- classes --------------------------------------------------------------------------

int htb_dump_class(Qdisc *, unsigned long arg, tc_dump_msg *m) {
  auto *cl = reinterpret_cast<htb_class *>(arg);
  m->t.tcm_parent = cl->parent ? cl->parent->classid : TC_H_ROOT;
  m->t.tcm_handle = cl->classid;
  if (!cl->level && cl->leaf_q) m->t.tcm_info = cl->leaf_q->handle;
  tc_htb_opt opt;
  psched_ratecfg_getrate(&opt.rate, &cl->rate);
  opt.buffer = static_cast<uint32_t>(PSCHED_NS2TICKS(static_cast<uint64_t>(cl->buffer)));
  psched_ratecfg_getrate(&opt.ceil, &cl->ceil);
  opt.cbuffer = static_cast<uint32_t>(PSCHED_NS2TICKS(static_cast<uint64_t>(cl->cbuffer)));
  opt.quantum = static_cast<uint32_t>(cl->quantum);
  opt.prio = cl->prio;
  opt.level = static_cast<uint32_t>(cl->level);
  m->options.nla_put(TCA_HTB_PARMS, opt);
  if (cl->rate.rate_bytes_ps >= (1ULL << 32)) m->options.nla_put_u64(TCA_HTB_RATE64, cl->rate.rate_bytes_ps);
  if (cl->ceil.rate_bytes_ps >= (1ULL << 32)) m->options.nla_put_u64(TCA_HTB_CEIL64, cl->ceil.rate_bytes_ps);
  return 0;
}

int htb_dump_class_stats(Qdisc *, unsigned long arg, gnet_dump *d) {
  auto *cl = reinterpret_cast<htb_class *>(arg);
  gnet_stats_queue qs;
  qs.drops = cl->drops;
  qs.overlimits = cl->overlimits;
  if (!cl->level && cl->leaf_q) {
    qs.qlen = cl->leaf_q->q.qlen;
    qs.backlog = cl->leaf_q->qstats.backlog;
  }
  cl->xstats.tokens = static_cast<int32_t>(
      std::clamp<int64_t>(cl->tokens >> PSCHED_SHIFT, INT_MIN, INT_MAX));
  cl->xstats.ctokens = static_cast<int32_t>(
      std::clamp<int64_t>(cl->ctokens >> PSCHED_SHIFT, INT_MIN, INT_MAX));
  d->bstats = cl->bstats;
  d->qstats = qs;
  d->xstats.resize(sizeof(tc_htb_xstats));
  std::memcpy(d->xstats.data(), &cl->xstats, sizeof(tc_htb_xstats));
  return 0;
}

int htb_graft(Qdisc *sch, unsigned long arg, Qdisc *new_q, Qdisc **old, netlink_ext_ack *extack) {
  auto *cl = reinterpret_cast<htb_class *>(arg);
  if (cl->level) return -EINVAL;
  if (!new_q) {
    new_q = qdisc_create_dflt(qdisc_dev(sch), &pfifo_qdisc_ops, cl->classid, extack);
    if (!new_q) return -ENOBUFS;
  }
  *old = qdisc_replace(sch, new_q, &cl->leaf_q);
  return 0;
}

Qdisc *htb_leaf(Qdisc *, unsigned long arg) {
  auto *cl = reinterpret_cast<htb_class *>(arg);
  return !cl->level ? cl->leaf_q : nullptr;
}

void htb_qlen_notify(Qdisc *sch, unsigned long arg) {
  auto *cl = reinterpret_cast<htb_class *>(arg);
  if (cl && cl->prio_activity) htb_deactivate(qdisc_priv<htb_sched_data>(sch), cl);
}

unsigned long htb_search(Qdisc *sch, uint32_t handle) { return reinterpret_cast<unsigned long>(htb_find(handle, sch)); }

bool htb_parent_last_child(htb_class *cl) {
  if (!cl->parent) return false;  // the root class
  if (cl->parent->children > 1) return false;  // not the last child
  return true;
}

// The parent of the last child deleted becomes a leaf again, with a new pfifo.
void htb_parent_to_leaf(htb_sched_data *q, htb_class *cl, Qdisc *new_q) {
  htb_class *parent = cl->parent;
  if (parent->cmode != HTB_CAN_SEND) htb_safe_erase_pq(q, parent);
  parent->level = 0;
  for (auto &p : parent->clprio) p = htb_prio{};
  parent->leaf_q = new_q;
  std::fill(std::begin(parent->deficit), std::end(parent->deficit), 0);
  parent->tokens = parent->buffer;
  parent->ctokens = parent->cbuffer;
  parent->t_c = static_cast<int64_t>(qdisc_clock_ns(new_q));
  parent->cmode = HTB_CAN_SEND;
}

int htb_delete(Qdisc *sch, unsigned long arg, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  auto *cl = reinterpret_cast<htb_class *>(arg);
  // Neither a class with children nor one filters still point to.
  if (cl->children || cl->filter_cnt) {
    NL_SET_ERR_MSG(extack, "HTB class in use");
    return -EBUSY;
  }
  Qdisc *new_q = nullptr;
  bool last_child = false;
  if (!cl->level && htb_parent_last_child(cl)) {
    last_child = true;
    new_q = qdisc_create_dflt(qdisc_dev(sch), &pfifo_qdisc_ops, cl->parent->classid, nullptr);
  }
  if (!cl->level) qdisc_purge_queue(cl->leaf_q);
  htb_hash_remove(q, cl);
  if (cl->parent) cl->parent->children--;
  if (cl->prio_activity) htb_deactivate(q, cl);
  if (cl->cmode != HTB_CAN_SEND) htb_safe_erase_pq(q, cl);
  if (last_child) htb_parent_to_leaf(q, cl, new_q);
  htb_destroy_class(cl);
  return 0;
}

int htb_change_class(Qdisc *sch, uint32_t classid, uint32_t parentid, const nlattrs *opts, unsigned long *arg,
                     netlink_ext_ack *extack) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  auto *cl = reinterpret_cast<htb_class *>(*arg);
  htb_class *parent = parentid == TC_H_ROOT ? nullptr : htb_find(parentid, sch);
  tc_htb_opt hopt;
  if (!opts || !opts->nla_get(TCA_HTB_PARMS, &hopt)) return -EINVAL;
  if (!hopt.rate.rate || !hopt.buffer) return -EINVAL;
  const uint64_t rate64 = opts->nla_get_u64(TCA_HTB_RATE64);
  const uint64_t ceil64 = opts->nla_get_u64(TCA_HTB_CEIL64);
  if (!cl) {
    // A new class.
    if (!classid || TC_H_MAJ(classid ^ sch->handle) || htb_find(classid, sch)) return -EINVAL;
    if (parent && parent->parent && parent->parent->level < 2) {
      NL_SET_ERR_MSG(extack, "tree is too deep");
      return -EINVAL;
    }
    cl = new htb_class;
    cl->classid = classid;
    cl->children = 0;
    Qdisc *new_q = qdisc_create_dflt(qdisc_dev(sch), &pfifo_qdisc_ops, classid, extack);
    if (parent && !parent->level) {
      // The parent was a leaf: turn it into an inner node.
      if (parent->leaf_q) {
        const uint32_t qlen = parent->leaf_q->q.qlen, backlog = parent->leaf_q->qstats.backlog;
        qdisc_reset(parent->leaf_q);
        qdisc_tree_reduce_backlog(parent->leaf_q, static_cast<int>(qlen), static_cast<int>(backlog));
        qdisc_put(parent->leaf_q);
        parent->leaf_q = nullptr;
      }
      if (parent->prio_activity) htb_deactivate(q, parent);
      // Remove from the event list because of the level change.
      if (parent->cmode != HTB_CAN_SEND) {
        htb_safe_erase_pq(q, parent);
        parent->cmode = HTB_CAN_SEND;
      }
      parent->level = (parent->parent ? parent->parent->level : static_cast<int>(TC_HTB_MAXDEPTH)) - 1;
      for (auto &p : parent->clprio) p = htb_prio{};
    }
    cl->leaf_q = new_q;
    cl->parent = parent;
    cl->tokens = static_cast<int64_t>(PSCHED_TICKS2NS(hopt.buffer));
    cl->ctokens = static_cast<int64_t>(PSCHED_TICKS2NS(hopt.cbuffer));
    cl->mbuffer = 60LL * static_cast<int64_t>(NSEC_PER_SEC);  // 1 min
    cl->t_c = static_cast<int64_t>(qdisc_clock_ns(sch));
    cl->cmode = HTB_CAN_SEND;
    htb_hash_insert(q, cl);
    if (parent) parent->children++;
  } else {
    // Changing a class: its place in the tree stays.
  }
  psched_ratecfg_precompute(&cl->rate, &hopt.rate, rate64);
  psched_ratecfg_precompute(&cl->ceil, &hopt.ceil, ceil64);
  // Only leaves have a quantum.
  if (!cl->level) {
    uint64_t quantum = cl->rate.rate_bytes_ps / static_cast<uint64_t>(q->rate2quantum);
    cl->quantum = static_cast<int>(std::min<uint64_t>(quantum, INT_MAX));
    int warn = 0;
    if (!hopt.quantum && cl->quantum < 1000) {
      warn = -1;
      cl->quantum = 1000;
    }
    if (!hopt.quantum && cl->quantum > 200000) {
      warn = 1;
      cl->quantum = 200000;
    }
    if (hopt.quantum) cl->quantum = static_cast<int>(hopt.quantum);
    if ((cl->prio = hopt.prio) >= TC_HTB_NUMPRIO) cl->prio = TC_HTB_NUMPRIO - 1;
    if (warn && extack) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "sch_htb: quantum of class %X is %s. Consider r2q change.", cl->classid,
                    warn == -1 ? "small" : "big");
      extack->warning = buf;
    }
  }
  cl->buffer = static_cast<int64_t>(PSCHED_TICKS2NS(hopt.buffer));
  cl->cbuffer = static_cast<int64_t>(PSCHED_TICKS2NS(hopt.cbuffer));
  htb_hash_grow(q);
  *arg = reinterpret_cast<unsigned long>(cl);
  return 0;
}

tcf_block *htb_tcf_block(Qdisc *sch, unsigned long arg, netlink_ext_ack *) {
  auto *cl = reinterpret_cast<htb_class *>(arg);
  return cl ? &cl->block : &qdisc_priv<htb_sched_data>(sch)->block;
}

unsigned long htb_bind_filter(Qdisc *sch, unsigned long, uint32_t classid) {
  htb_class *cl = htb_find(classid, sch);
  if (cl) cl->filter_cnt++;
  return reinterpret_cast<unsigned long>(cl);
}

void htb_unbind_filter(Qdisc *, unsigned long arg) {
  auto *cl = reinterpret_cast<htb_class *>(arg);
  if (cl && cl->filter_cnt) cl->filter_cnt--;
}

void htb_walk(Qdisc *sch, qdisc_walker *arg) {
  auto *q = qdisc_priv<htb_sched_data>(sch);
  if (arg->stop) return;
  for (auto &b : q->clhash)
    for (htb_class *cl : b) {
      if (arg->count < arg->skip) {
        ++arg->count;
        continue;
      }
      if (arg->fn(sch, reinterpret_cast<unsigned long>(cl), arg) < 0) {
        arg->stop = 1;
        return;
      }
      ++arg->count;
    }
}

const Qdisc_class_ops htb_class_ops = [] {
  Qdisc_class_ops c;
  c.graft = htb_graft;
  c.leaf = htb_leaf;
  c.qlen_notify = htb_qlen_notify;
  c.find = htb_search;
  c.change = htb_change_class;
  c.delete_class = htb_delete;
  c.walk = htb_walk;
  c.tcf_block = htb_tcf_block;
  c.bind_tcf = htb_bind_filter;
  c.unbind_tcf = htb_unbind_filter;
  c.dump = htb_dump_class;
  c.dump_stats = htb_dump_class_stats;
  return c;
}();

const Qdisc_ops htb_qdisc_ops = [] {
  Qdisc_ops o;
  o.id = "htb";
  o.cl_ops = &htb_class_ops;
  o.enqueue = htb_enqueue;
  o.dequeue = htb_dequeue;
  o.peek = qdisc_peek_dequeued;
  o.init = htb_init;
  o.reset = htb_reset;
  o.destroy = htb_destroy;
  o.change = htb_change;
  o.dump = htb_dump;
  o.priv_alloc = qdisc_priv_alloc<htb_sched_data>;
  return o;
}();
const qdisc_module htb_module(&htb_qdisc_ops);

}  // namespace

}  // namespace wirepath
