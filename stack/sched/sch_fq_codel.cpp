// fq_codel (net/sched/sch_fq_codel.c, RFC 8290): packets hash by flow
// (skb_get_hash over the 5-tuple) into flows_cnt queues, each with its own
// CoDel state. Deficit round robin with quantum bytes serves flows; a flow
// that starts (or restarts) goes on new_flows, served before old_flows, so a
// sparse flow overtakes bulk ones. Over limit packets or memory_limit bytes,
// the fattest flow loses up to half its backlog (at most drop_batch packets).
// Defaults: limit 10240, flows 1024, quantum = MTU + 14, target 5 ms,
// interval 100 ms, memory_limit 32 MB, drop_batch 64, ECN on.
#include "stack/sched/sch_fq_codel.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <list>
#include <vector>

#include "stack/core/flow_dissector.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/codel.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

// codel_skb_cb, after qdisc_skb_cb in skb->cb (bytes 16..).
struct codel_skb_cb {
  codel_time_t enqueue_time;
  uint32_t mem_usage;
};
codel_skb_cb *get_codel_cb(const sk_buff *skb) {
  return reinterpret_cast<codel_skb_cb *>(const_cast<uint8_t *>(skb->cb) + 16);
}

struct fq_codel_flow {
  std::deque<sk_buff *> q;  // head .. tail
  int deficit = 0;
  codel_vars cvars;
  std::list<uint32_t> *chain = nullptr;  // new_flows, old_flows or none (list_empty(&flowchain))
  std::list<uint32_t>::iterator pos;
};

struct fq_codel_sched_data {
  std::vector<fq_codel_flow> flows;
  std::vector<uint32_t> backlogs;
  uint32_t flows_cnt = 1024;
  uint32_t quantum = 1514;
  uint32_t drop_batch_size = 64;
  uint32_t memory_limit = 32u << 20;
  codel_params cparams;
  codel_stats cstats;
  uint32_t memory_usage = 0, drop_overmemory = 0, drop_overlimit = 0, new_flow_count = 0;
  std::list<uint32_t> new_flows, old_flows;
};

uint32_t psched_mtu(const net_device *dev) { return dev->mtu + dev->hard_header_len; }

void flow_unlink(fq_codel_flow &f) {
  if (f.chain) f.chain->erase(f.pos);
  f.chain = nullptr;
}
void flow_link_tail(fq_codel_sched_data *q, uint32_t idx, std::list<uint32_t> *chain) {
  fq_codel_flow &f = q->flows[idx];
  flow_unlink(f);
  f.pos = chain->insert(chain->end(), idx);
  f.chain = chain;
}

// fq_codel_classify: skb->priority naming one of our flows (major = our
// handle, minor 1..flows_cnt), else the flow hash. 1-based; 0 never occurs.
uint32_t fq_codel_classify(sk_buff *skb, Qdisc *sch) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  if (TC_H_MAJ(skb->priority) == sch->handle && TC_H_MIN(skb->priority) > 0 &&
      TC_H_MIN(skb->priority) <= q->flows_cnt)
    return TC_H_MIN(skb->priority);
  return reciprocal_scale(skb_get_hash(skb), q->flows_cnt) + 1;
}

// fq_codel_drop: the queue is full; drop up to max_packets from the head of
// the fattest flow, until half its backlog is gone. Returns that flow.
uint32_t fq_codel_drop(Qdisc *sch, uint32_t max_packets, to_free_list *to_free) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  uint32_t maxbacklog = 0, idx = 0;
  for (uint32_t i = 0; i < q->flows_cnt; i++) {
    if (q->backlogs[i] > maxbacklog) {
      maxbacklog = q->backlogs[i];
      idx = i;
    }
  }
  const uint32_t threshold = maxbacklog >> 1;
  fq_codel_flow &flow = q->flows[idx];
  uint32_t len = 0, mem = 0, i = 0;
  do {
    sk_buff *skb = flow.q.front();
    flow.q.pop_front();
    len += qdisc_pkt_len(skb);
    mem += get_codel_cb(skb)->mem_usage;
    to_free->skbs.push_back({skb, skb_drop_reason::QDISC_OVERLIMIT});
    ++sch->drops_by_reason[static_cast<int>(skb_drop_reason::QDISC_OVERLIMIT)];
  } while (++i < max_packets && len < threshold && !flow.q.empty());
  flow.cvars.count += i;  // tell CoDel to increase its signal strength too
  q->backlogs[idx] -= len;
  q->memory_usage -= mem;
  sch->qstats.drops += i;
  sch->qstats.backlog -= len;
  sch->q.qlen -= i;
  return idx;
}

int fq_codel_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  const uint32_t idx = fq_codel_classify(skb, sch) - 1;
  get_codel_cb(skb)->enqueue_time = codel_time_from_ns(qdisc_clock_ns(sch));
  fq_codel_flow &flow = q->flows[idx];
  flow.q.push_back(skb);
  q->backlogs[idx] += qdisc_pkt_len(skb);
  qdisc_qstats_backlog_inc(sch, skb);
  if (!flow.chain) {
    flow_link_tail(q, idx, &q->new_flows);
    q->new_flow_count++;
    flow.deficit = static_cast<int>(q->quantum);
  }
  get_codel_cb(skb)->mem_usage = skb->truesize;
  q->memory_usage += skb->truesize;
  const bool memory_limited = q->memory_usage > q->memory_limit;
  if (++sch->q.qlen <= sch->limit && !memory_limited) return NET_XMIT_SUCCESS;

  const uint32_t prev_backlog0 = sch->qstats.backlog, prev_qlen0 = sch->q.qlen;
  const uint32_t pkt_len = qdisc_pkt_len(skb);
  // Dropping half the fattest flow (up to drop_batch) at once keeps the
  // linear search over backlogs[] rare.
  const uint32_t ret = fq_codel_drop(sch, q->drop_batch_size, to_free);
  const uint32_t dropped = prev_qlen0 - sch->q.qlen, dropped_len = prev_backlog0 - sch->qstats.backlog;
  q->drop_overlimit += dropped;
  if (memory_limited) q->drop_overmemory += dropped;
  // Our own flow lost packets: NET_XMIT_CN, and the parents never counted this one.
  if (ret == idx) {
    qdisc_tree_reduce_backlog(sch, static_cast<int>(dropped) - 1, static_cast<int>(dropped_len - pkt_len));
    return NET_XMIT_CN;
  }
  qdisc_tree_reduce_backlog(sch, static_cast<int>(dropped), static_cast<int>(dropped_len));
  return NET_XMIT_SUCCESS;
}

// CoDel's callbacks for one flow (dequeue_func / drop_func): the backlog
// bookkeeping is here, the drop counted with its reason.
struct fq_codel_ops {
  Qdisc *sch;
  fq_codel_sched_data *q;
  uint32_t idx;
  sk_buff *dequeue(codel_vars *) {
    fq_codel_flow &flow = q->flows[idx];
    if (flow.q.empty()) return nullptr;
    sk_buff *skb = flow.q.front();
    flow.q.pop_front();
    q->backlogs[idx] -= qdisc_pkt_len(skb);
    q->memory_usage -= get_codel_cb(skb)->mem_usage;
    sch->q.qlen--;
    sch->qstats.backlog -= qdisc_pkt_len(skb);
    return skb;
  }
  void drop(sk_buff *skb) {
    ++sch->drops_by_reason[static_cast<int>(skb_drop_reason::QDISC_CONGESTED)];
    qdisc_qstats_drop(sch);
    kfree_skb_reason(skb, skb_drop_reason::QDISC_CONGESTED);
  }
  uint32_t len(const sk_buff *skb) const { return qdisc_pkt_len(skb); }
  codel_time_t enqueue_time(const sk_buff *skb) const { return get_codel_cb(skb)->enqueue_time; }
};

sk_buff *fq_codel_dequeue(Qdisc *sch) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  for (;;) {
    std::list<uint32_t> *head = &q->new_flows;
    if (head->empty()) {
      head = &q->old_flows;
      if (head->empty()) return nullptr;
    }
    const uint32_t idx = head->front();
    fq_codel_flow &flow = q->flows[idx];
    if (flow.deficit <= 0) {
      flow.deficit += static_cast<int>(q->quantum);
      flow_link_tail(q, idx, &q->old_flows);
      continue;
    }
    fq_codel_ops ops{sch, q, idx};
    sk_buff *skb = codel_dequeue(ops, &sch->qstats.backlog, &q->cparams, &flow.cvars, &q->cstats,
                                 codel_time_from_ns(qdisc_clock_ns(sch)));
    if (!skb) {
      // Empty: a new flow passes through old_flows once (no starvation of
      // the old ones by a flow that keeps restarting), an old one leaves.
      if (head == &q->new_flows && !q->old_flows.empty())
        flow_link_tail(q, idx, &q->old_flows);
      else
        flow_unlink(flow);
      continue;
    }
    qdisc_bstats_update(sch, skb);
    flow.deficit -= static_cast<int>(qdisc_pkt_len(skb));
    if (q->cstats.drop_count) {
      qdisc_tree_reduce_backlog(sch, static_cast<int>(q->cstats.drop_count), static_cast<int>(q->cstats.drop_len));
      q->cstats.drop_count = 0;
      q->cstats.drop_len = 0;
    }
    return skb;
  }
}

sk_buff *fq_codel_peek(Qdisc *sch) { return qdisc_peek_dequeued(sch); }

void fq_codel_reset(Qdisc *sch) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  for (uint32_t i = 0; i < q->flows.size(); i++) {
    fq_codel_flow &f = q->flows[i];
    for (sk_buff *skb : f.q) kfree_skb_reason(skb, skb_drop_reason::DEV_READY);
    f.q.clear();
    f.chain = nullptr;
    f.cvars = codel_vars{};
  }
  q->new_flows.clear();
  q->old_flows.clear();
  std::fill(q->backlogs.begin(), q->backlogs.end(), 0u);
  q->memory_usage = 0;
  sch->q.qlen = 0;
  sch->qstats.backlog = 0;
}

int fq_codel_change(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  if (!opt) return -EINVAL;
  if (opt->has(TCA_FQ_CODEL_FLOWS)) {
    if (!q->flows.empty()) return -EINVAL;  // only at creation
    q->flows_cnt = opt->nla_get_u32(TCA_FQ_CODEL_FLOWS);
    if (!q->flows_cnt || q->flows_cnt > 65536) {
      NL_SET_ERR_MSG(extack, "Number of flows must range in [1..65536]");
      return -EINVAL;
    }
  }
  if (opt->has(TCA_FQ_CODEL_QUANTUM)) {
    const uint32_t quantum = opt->nla_get_u32(TCA_FQ_CODEL_QUANTUM);
    if (quantum > FQ_CODEL_QUANTUM_MAX) {
      NL_SET_ERR_MSG(extack, "Invalid quantum");
      return -EINVAL;
    }
    q->quantum = std::max(256u, quantum);
  }
  if (opt->has(TCA_FQ_CODEL_TARGET)) q->cparams.target = US2TIME(opt->nla_get_u32(TCA_FQ_CODEL_TARGET));
  if (opt->has(TCA_FQ_CODEL_CE_THRESHOLD))
    q->cparams.ce_threshold = US2TIME(opt->nla_get_u32(TCA_FQ_CODEL_CE_THRESHOLD));
  if (opt->has(TCA_FQ_CODEL_INTERVAL)) q->cparams.interval = US2TIME(opt->nla_get_u32(TCA_FQ_CODEL_INTERVAL));
  if (opt->has(TCA_FQ_CODEL_LIMIT)) sch->limit = opt->nla_get_u32(TCA_FQ_CODEL_LIMIT);
  if (opt->has(TCA_FQ_CODEL_ECN)) q->cparams.ecn = opt->nla_get_u32(TCA_FQ_CODEL_ECN) != 0;
  if (opt->has(TCA_FQ_CODEL_DROP_BATCH_SIZE))
    q->drop_batch_size = std::max(1u, opt->nla_get_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE));
  if (opt->has(TCA_FQ_CODEL_MEMORY_LIMIT))
    q->memory_limit = std::min(1u << 31, opt->nla_get_u32(TCA_FQ_CODEL_MEMORY_LIMIT));
  // Over the new limits: drop from the head (through CoDel's dequeue).
  if (!q->flows.empty()) {
    uint32_t dropped = 0, dropped_len = 0;
    while (sch->q.qlen > sch->limit || q->memory_usage > q->memory_limit) {
      sk_buff *skb = fq_codel_dequeue(sch);
      if (!skb) break;
      dropped_len += qdisc_pkt_len(skb);
      dropped++;
      ++sch->drops_by_reason[static_cast<int>(skb_drop_reason::QDISC_OVERLIMIT)];
      kfree_skb_reason(skb, skb_drop_reason::QDISC_OVERLIMIT);
    }
    qdisc_tree_reduce_backlog(sch, static_cast<int>(dropped), static_cast<int>(dropped_len));
  }
  return 0;
}

int fq_codel_init(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  sch->limit = 10 * 1024;
  q->flows_cnt = 1024;
  q->memory_limit = 32u << 20;
  q->drop_batch_size = 64;
  q->quantum = psched_mtu(qdisc_dev(sch));
  q->cparams = codel_params{};
  q->cparams.ecn = true;
  q->cparams.mtu = psched_mtu(qdisc_dev(sch));
  if (opt) {
    if (const int err = fq_codel_change(sch, opt, extack)) return err;
  }
  q->flows.assign(q->flows_cnt, fq_codel_flow{});
  q->backlogs.assign(q->flows_cnt, 0u);
  return 0;
}

int fq_codel_dump(Qdisc *sch, nlattrs *opts) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  opts->nla_put_u32(TCA_FQ_CODEL_TARGET, static_cast<uint32_t>(CODEL_TIME2US(q->cparams.target)));
  opts->nla_put_u32(TCA_FQ_CODEL_LIMIT, sch->limit);
  opts->nla_put_u32(TCA_FQ_CODEL_INTERVAL, static_cast<uint32_t>(CODEL_TIME2US(q->cparams.interval)));
  opts->nla_put_u32(TCA_FQ_CODEL_ECN, q->cparams.ecn);
  opts->nla_put_u32(TCA_FQ_CODEL_QUANTUM, q->quantum);
  opts->nla_put_u32(TCA_FQ_CODEL_DROP_BATCH_SIZE, q->drop_batch_size);
  opts->nla_put_u32(TCA_FQ_CODEL_MEMORY_LIMIT, q->memory_limit);
  opts->nla_put_u32(TCA_FQ_CODEL_FLOWS, q->flows_cnt);
  if (q->cparams.ce_threshold != CODEL_DISABLED_THRESHOLD)
    opts->nla_put_u32(TCA_FQ_CODEL_CE_THRESHOLD, static_cast<uint32_t>(CODEL_TIME2US(q->cparams.ce_threshold)));
  return 0;
}

int fq_codel_dump_stats(Qdisc *sch, gnet_dump *d) {
  auto *q = qdisc_priv<fq_codel_sched_data>(sch);
  tc_fq_codel_xstats st;
  st.qdisc_stats.maxpacket = q->cstats.maxpacket;
  st.qdisc_stats.drop_overlimit = q->drop_overlimit;
  st.qdisc_stats.ecn_mark = q->cstats.ecn_mark;
  st.qdisc_stats.new_flow_count = q->new_flow_count;
  st.qdisc_stats.ce_mark = q->cstats.ce_mark;
  st.qdisc_stats.memory_usage = q->memory_usage;
  st.qdisc_stats.drop_overmemory = q->drop_overmemory;
  st.qdisc_stats.new_flows_len = static_cast<uint32_t>(q->new_flows.size());
  st.qdisc_stats.old_flows_len = static_cast<uint32_t>(q->old_flows.size());
  const auto *p = reinterpret_cast<const uint8_t *>(&st);
  d->xstats.assign(p, p + sizeof st);
  return 0;
}

const Qdisc_ops fq_codel_qdisc_ops = [] {
  Qdisc_ops o;
  o.id = "fq_codel";
  o.enqueue = fq_codel_enqueue;
  o.dequeue = fq_codel_dequeue;
  o.peek = fq_codel_peek;
  o.init = fq_codel_init;
  o.reset = fq_codel_reset;
  o.change = fq_codel_change;
  o.dump = fq_codel_dump;
  o.dump_stats = fq_codel_dump_stats;
  o.priv_alloc = qdisc_priv_alloc<fq_codel_sched_data>;
  return o;
}();
const qdisc_module fq_codel_module(&fq_codel_qdisc_ops);

}  // namespace

}  // namespace wirepath
