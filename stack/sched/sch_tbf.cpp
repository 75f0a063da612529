// Token bucket filter (net/sched/sch_tbf.c). Tokens are kept in time: the
// bucket holds at most `buffer` ns of sending at `rate`; a packet of len
// bytes costs psched_l2t_ns(rate, len). With a peakrate, a second bucket of
// `mtu` ns at the peak rate bounds the burst's own speed. A packet that
// cannot go yet stays at the head of the child (a bfifo of `limit` bytes)
// and the watchdog is armed for when the tokens will be there.
#include <algorithm>

#include "stack/core/netdevice.hpp"
#include "stack/ipv4/tcp.hpp"
#include "stack/sched/sch_fifo.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

struct tbf_sched_data {
  // Parameters
  uint32_t limit = 0;     // maximal length of backlog: bytes
  uint32_t max_size = 0;  // the largest packet that can ever go
  int64_t buffer = 0;     // token bucket depth/rate: the largest burst, ns
  int64_t mtu = 0;        // peak bucket depth, ns
  psched_ratecfg rate, peak;
  // Variables
  int64_t tokens = 0, ptokens = 0;  // current bucket contents, ns
  int64_t t_c = 0;                  // time of the last check-point
  Qdisc *qdisc = nullptr;           // the inner qdisc, bfifo by default
  qdisc_watchdog watchdog;
};

bool tbf_peak_present(const tbf_sched_data *q) { return q->peak.rate_bytes_ps != 0; }

// psched_ns_t2l: bytes sent at r in time_in_ns.
uint64_t psched_ns_t2l(const psched_ratecfg *r, uint64_t time_in_ns) {
  uint64_t len = time_in_ns * r->rate_bytes_ps / NSEC_PER_SEC;
  if (len > r->overhead)
    len -= r->overhead;
  else
    len = 0;
  return len;
}

// tbf_segment: a GSO skb larger than the bucket is split in software
// (skb_gso_segment: TCP's tcp_gso_segment) and each segment queued.
int tbf_segment(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  const uint32_t prev_len = qdisc_pkt_len(skb);
  std::deque<sk_buff *> segs = tcp_gso_segment(skb);
  if (segs.empty()) return qdisc_drop(skb, sch, to_free);
  uint32_t nb = 0, len = 0;
  for (sk_buff *seg : segs) {
    seg->mark = skb->mark;
    qdisc_pkt_len_init(seg);
    len += qdisc_pkt_len(seg);
    const int ret = qdisc_enqueue(seg, q->qdisc, to_free);
    if (ret != NET_XMIT_SUCCESS) {
      if (ret == NET_XMIT_DROP) qdisc_qstats_drop(sch);
    } else {
      ++nb;
    }
  }
  sch->q.qlen += nb;
  sch->qstats.backlog += len;
  if (nb > 0) {
    qdisc_tree_reduce_backlog(sch, 1 - static_cast<int>(nb), static_cast<int>(prev_len) - static_cast<int>(len));
    consume_skb(skb);
    return NET_XMIT_SUCCESS;
  }
  kfree_skb_reason(skb, skb_drop_reason::QDISC_DROP);
  return NET_XMIT_DROP;
}

int tbf_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  const uint32_t len = qdisc_pkt_len(skb);
  // Larger than the bucket can ever hold: it could never leave, unless it
  // is a GSO skb whose segments fit.
  if (len > q->max_size) {
    const qdisc_skb_cb *cb = qdisc_skb_cb_of(skb);
    // skb_gso_validate_mac_len: each segment is the headers plus gso_size.
    if (skb->gso_size && cb->gso_segs > 1 && (len - skb->len) / (cb->gso_segs - 1u) + skb->gso_size <= q->max_size)
      return tbf_segment(skb, sch, to_free);
    return qdisc_drop(skb, sch, to_free);
  }
  const int ret = qdisc_enqueue(skb, q->qdisc, to_free);
  if (ret != NET_XMIT_SUCCESS) {
    if (ret == NET_XMIT_DROP) qdisc_qstats_drop(sch);
    return ret;
  }
  sch->qstats.backlog += len;
  ++sch->q.qlen;
  return NET_XMIT_SUCCESS;
}

sk_buff *tbf_dequeue(Qdisc *sch) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  sk_buff *skb = q->qdisc->ops->peek(q->qdisc);
  if (!skb) return nullptr;
  const uint32_t len = qdisc_pkt_len(skb);
  const int64_t now = static_cast<int64_t>(qdisc_clock_ns(sch));
  int64_t toks = std::min(now - q->t_c, q->buffer);
  int64_t ptoks = 0;
  if (tbf_peak_present(q)) {
    ptoks = toks + q->ptokens;
    if (ptoks > q->mtu) ptoks = q->mtu;
    ptoks -= static_cast<int64_t>(psched_l2t_ns(&q->peak, len));
  }
  toks += q->tokens;
  if (toks > q->buffer) toks = q->buffer;
  toks -= static_cast<int64_t>(psched_l2t_ns(&q->rate, len));
  if ((toks | ptoks) >= 0) {
    skb = qdisc_dequeue_peeked(q->qdisc);
    if (!skb) return nullptr;
    q->t_c = now;
    q->tokens = toks;
    q->ptokens = ptoks;
    qdisc_qstats_backlog_dec(sch, skb);
    --sch->q.qlen;
    qdisc_bstats_update(sch, skb);
    return skb;
  }
  qdisc_watchdog_schedule_ns(&q->watchdog, static_cast<uint64_t>(now + std::max(-toks, -ptoks)));
  // A shorter packet behind may fit now, but TBF must not reorder.
  qdisc_qstats_overlimit(sch);
  return nullptr;
}

sk_buff *tbf_peek(Qdisc *sch) { return qdisc_peek_dequeued(sch); }

void tbf_reset(Qdisc *sch) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  if (q->qdisc) qdisc_reset(q->qdisc);
  sch->q.qlen = 0;
  sch->qstats.backlog = 0;
  q->t_c = static_cast<int64_t>(qdisc_clock_ns(sch));
  q->tokens = q->buffer;
  q->ptokens = q->mtu;
  qdisc_watchdog_cancel(&q->watchdog);
}

int tbf_change(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  tc_tbf_qopt qopt;
  if (!opt || !opt->nla_get(TCA_TBF_PARMS, &qopt)) return -EINVAL;
  uint64_t buffer = std::min<uint64_t>(PSCHED_TICKS2NS(qopt.buffer), ~0u);
  uint64_t mtu = std::min<uint64_t>(PSCHED_TICKS2NS(qopt.mtu), ~0u);
  psched_ratecfg rate, peak;
  psched_ratecfg_precompute(&rate, &qopt.rate, opt->nla_get_u64(TCA_TBF_RATE64));
  uint64_t max_size;
  if (opt->has(TCA_TBF_BURST)) {
    max_size = opt->nla_get_u32(TCA_TBF_BURST);
    buffer = psched_l2t_ns(&rate, static_cast<unsigned>(max_size));
  } else {
    max_size = std::min<uint64_t>(psched_ns_t2l(&rate, buffer), ~0u);
  }
  if (qopt.peakrate.rate) {
    psched_ratecfg_precompute(&peak, &qopt.peakrate, opt->nla_get_u64(TCA_TBF_PRATE64));
    if (peak.rate_bytes_ps <= rate.rate_bytes_ps) {
      NL_SET_ERR_MSG(extack, "sch_tbf: peakrate is lower than or equals to rate");
      return -EINVAL;
    }
    if (opt->has(TCA_TBF_PBURST)) {
      const uint32_t pburst = opt->nla_get_u32(TCA_TBF_PBURST);
      max_size = std::min<uint64_t>(max_size, pburst);
      mtu = psched_l2t_ns(&peak, pburst);
    } else {
      max_size = std::min<uint64_t>(max_size, psched_ns_t2l(&peak, mtu));
    }
  }
  if (!max_size) return -EINVAL;

  Qdisc *child = nullptr;
  if (q->qdisc) {
    const int err = fifo_set_limit(q->qdisc, qopt.limit);
    if (err) return err;
  } else if (qopt.limit > 0) {
    child = fifo_create_dflt(sch, &bfifo_qdisc_ops, qopt.limit, extack);
    if (!child) return -ENOMEM;
    qdisc_hash_add(child, true);
  }
  if (child) q->qdisc = child;
  q->limit = qopt.limit;
  q->mtu = static_cast<int64_t>(opt->has(TCA_TBF_PBURST) ? mtu : PSCHED_TICKS2NS(qopt.mtu));
  q->max_size = static_cast<uint32_t>(max_size);
  q->buffer = static_cast<int64_t>(opt->has(TCA_TBF_BURST) ? buffer : PSCHED_TICKS2NS(qopt.buffer));
  q->tokens = q->buffer;
  q->ptokens = q->mtu;
  q->rate = rate;
  q->peak = qopt.peakrate.rate ? peak : psched_ratecfg{};
  if (!qopt.peakrate.rate) q->peak.rate_bytes_ps = 0;
  return 0;
}

int tbf_init(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  qdisc_watchdog_init(&q->watchdog, sch);
  q->t_c = static_cast<int64_t>(qdisc_clock_ns(sch));
  if (!opt) return -EINVAL;
  const int err = tbf_change(sch, opt, extack);
  if (err) return err;
  if (!q->qdisc) return -EINVAL;  // limit 0: Linux keeps noop_qdisc, which drops everything
  return 0;
}

void tbf_destroy(Qdisc *sch) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  if (!q) return;
  qdisc_watchdog_cancel(&q->watchdog);
  qdisc_put(q->qdisc);
  q->qdisc = nullptr;
}

int tbf_dump(Qdisc *sch, nlattrs *opts) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  sch->qstats.backlog = q->qdisc->qstats.backlog;
  tc_tbf_qopt opt;
  opt.limit = q->limit;
  psched_ratecfg_getrate(&opt.rate, &q->rate);
  if (tbf_peak_present(q))
    psched_ratecfg_getrate(&opt.peakrate, &q->peak);
  else
    opt.peakrate = tc_ratespec{0, 0, 0, 0, 0, 0};
  opt.mtu = static_cast<uint32_t>(PSCHED_NS2TICKS(static_cast<uint64_t>(q->mtu)));
  opt.buffer = static_cast<uint32_t>(PSCHED_NS2TICKS(static_cast<uint64_t>(q->buffer)));
  opts->nla_put(TCA_TBF_PARMS, opt);
  if (q->rate.rate_bytes_ps >= (1ULL << 32)) opts->nla_put_u64(TCA_TBF_RATE64, q->rate.rate_bytes_ps);
  if (tbf_peak_present(q) && q->peak.rate_bytes_ps >= (1ULL << 32))
    opts->nla_put_u64(TCA_TBF_PRATE64, q->peak.rate_bytes_ps);
  return 0;
}

// One class, 1:1, whose leaf is the inner qdisc.
int tbf_graft(Qdisc *sch, unsigned long, Qdisc *new_q, Qdisc **old, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<tbf_sched_data>(sch);
  if (!new_q) {
    new_q = fifo_create_dflt(sch, &bfifo_qdisc_ops, q->limit, extack);
    if (!new_q) return -ENOMEM;
  }
  *old = qdisc_replace(sch, new_q, &q->qdisc);
  return 0;
}
Qdisc *tbf_leaf(Qdisc *sch, unsigned long) { return qdisc_priv<tbf_sched_data>(sch)->qdisc; }
unsigned long tbf_find(Qdisc *, uint32_t) { return 1; }
void tbf_walk(Qdisc *sch, qdisc_walker *w) {
  if (!w->stop) {
    if (w->count >= w->skip && w->fn(sch, 1, w) < 0) {
      w->stop = 1;
      return;
    }
    ++w->count;
  }
}
int tbf_dump_class(Qdisc *sch, unsigned long cl, tc_dump_msg *m) {
  m->t.tcm_handle |= TC_H_MIN(cl);
  m->t.tcm_info = qdisc_priv<tbf_sched_data>(sch)->qdisc->handle;
  return 0;
}

const Qdisc_class_ops tbf_class_ops = [] {
  Qdisc_class_ops c;
  c.graft = tbf_graft;
  c.leaf = tbf_leaf;
  c.find = tbf_find;
  c.walk = tbf_walk;
  c.dump = tbf_dump_class;
  return c;
}();

const Qdisc_ops tbf_qdisc_ops = [] {
  Qdisc_ops o;
  o.id = "tbf";
  o.cl_ops = &tbf_class_ops;
  o.enqueue = tbf_enqueue;
  o.dequeue = tbf_dequeue;
  o.peek = tbf_peek;
  o.init = tbf_init;
  o.reset = tbf_reset;
  o.destroy = tbf_destroy;
  o.change = tbf_change;
  o.dump = tbf_dump;
  o.priv_alloc = qdisc_priv_alloc<tbf_sched_data>;
  return o;
}();
const qdisc_module tbf_module(&tbf_qdisc_ops);

}  // namespace

}  // namespace wirepath
