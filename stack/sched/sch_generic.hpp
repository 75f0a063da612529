// Queueing disciplines (include/net/sch_generic.h, net/sched/sch_generic.c,
// net/sched/sch_api.c).
//
// A Qdisc is a struct with a handle (major:minor, minor 0) and a parent,
// driven by its Qdisc_ops; classful qdiscs add Qdisc_class_ops. Kinds
// register themselves (register_qdisc) and are created by id through the
// tc requests (tc_modify_qdisc and friends, sch_api.cpp). The root qdisc
// sits on the device's single TX queue (dev->qdisc); dev_queue_xmit
// enqueues and runs it; __qdisc_run hands skbs to the driver until the
// qdisc is empty, waits (a qdisc_watchdog is armed) or the driver stops the
// queue. A skb the driver refused (NETDEV_TX_BUSY) goes back to the head
// (dev_requeue_skb, q->gso_skb) and leaves first.
//
// Writing a qdisc kind (see sch_fifo.cpp, the smallest):
//   struct my_sched_data { ... };               // qdisc_priv(sch)
//   static int my_enqueue(sk_buff *, Qdisc *, to_free_list *); ...
//   static const Qdisc_ops my_ops = [] { Qdisc_ops o; o.id = "my"; ...;
//     o.priv_alloc = qdisc_priv_alloc<my_sched_data>; return o; }();
//   static const qdisc_module my_mod(&my_ops);  // register_qdisc at load
// Every drop goes through qdisc_drop_reason (counted in qstats.drops and
// per reason); every skb leaving goes through qdisc_bstats_update.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "stack/core/skbuff.hpp"
#include "stack/kernel/timer.hpp"
#include "stack/sched/nlattr.hpp"
#include "stack/sched/pkt_cls.hpp"
#include "stack/sched/pkt_sched.hpp"

namespace wirepath {

struct net_device;
struct Qdisc;

// struct netlink_ext_ack: the message a refused request carries back to tc
// ("Error: <msg>."), and a warning for one that succeeded.
struct netlink_ext_ack {
  std::string msg;
  std::string warning;
};
inline void NL_SET_ERR_MSG(netlink_ext_ack *e, const std::string &m) {
  if (e) e->msg = m;
}

// struct gnet_stats_basic_sync / gnet_stats_queue, plus drops split by reason.
struct gnet_stats_basic {
  uint64_t bytes = 0, packets = 0;
};
struct gnet_stats_queue {
  uint32_t qlen = 0;      // filled at dump time from q.qlen
  uint32_t backlog = 0;   // bytes (qdisc_pkt_len) held
  uint32_t drops = 0, requeues = 0, overlimits = 0;
};

// The skbs a qdisc dropped during enqueue, freed after it returns (Linux
// chains them on skb->next and frees with the reason in qdisc_skb_cb).
struct to_free_list {
  std::vector<std::pair<sk_buff *, skb_drop_reason>> skbs;
};

// qdisc_skb_cb (in skb->cb): the length the qdisc layer accounts (for a GSO
// skb, every segment's headers included) and the segments it becomes on
// the wire. Set by qdisc_pkt_len_init in __dev_queue_xmit. Bytes 16..47 of
// skb->cb are free for a qdisc's own per-skb data (e.g. an enqueue time).
struct qdisc_skb_cb {
  uint32_t pkt_len;
  uint16_t gso_segs;
  uint16_t pad;
  uint64_t reserved;
};
qdisc_skb_cb *qdisc_skb_cb_of(sk_buff *skb);
inline const qdisc_skb_cb *qdisc_skb_cb_of(const sk_buff *skb) { return qdisc_skb_cb_of(const_cast<sk_buff *>(skb)); }
inline uint32_t qdisc_pkt_len(const sk_buff *skb) { return qdisc_skb_cb_of(skb)->pkt_len; }
void qdisc_pkt_len_init(sk_buff *skb);

// What a dump (tc -s qdisc/class show) carries per object.
struct gnet_dump {
  gnet_stats_basic bstats;
  gnet_stats_queue qstats;
  std::vector<uint8_t> xstats;  // gnet_stats_copy_app: the kind's struct tc_<kind>_xstats
  bool has_stats = true;  // false: a class whose kind has no dump_stats (tc prints no Sent line)
};

// One object of a tc dump: a qdisc (RTM_NEWQDISC), class (RTM_NEWTCLASS) or filter.
struct tc_dump_msg {
  std::string kind;
  tcmsg t;
  nlattrs options;
  gnet_dump stats;
};

struct qdisc_walker {
  int stop = 0, skip = 0, count = 0;
  // Return < 0 to stop the walk.
  std::function<int(Qdisc *q, unsigned long cl, qdisc_walker *w)> fn;
};

struct Qdisc_class_ops {
  // Put `new_q` under class cl (nullptr: the default pfifo); the old child in *old.
  int (*graft)(Qdisc *sch, unsigned long cl, Qdisc *new_q, Qdisc **old, netlink_ext_ack *extack) = nullptr;
  Qdisc *(*leaf)(Qdisc *sch, unsigned long cl) = nullptr;
  // A child's qlen dropped to 0 (qdisc_tree_reduce_backlog): deactivate the class.
  void (*qlen_notify)(Qdisc *sch, unsigned long cl) = nullptr;
  unsigned long (*find)(Qdisc *sch, uint32_t classid) = nullptr;
  // Class add/change: *arg is the existing class (or 0 to create classid under parentid).
  int (*change)(Qdisc *sch, uint32_t classid, uint32_t parentid, const nlattrs *opts, unsigned long *arg,
                netlink_ext_ack *extack) = nullptr;
  int (*delete_class)(Qdisc *sch, unsigned long cl, netlink_ext_ack *extack) = nullptr;
  void (*walk)(Qdisc *sch, qdisc_walker *w) = nullptr;
  struct tcf_block *(*tcf_block)(Qdisc *sch, unsigned long cl, netlink_ext_ack *extack) = nullptr;
  unsigned long (*bind_tcf)(Qdisc *sch, unsigned long parent, uint32_t classid) = nullptr;
  void (*unbind_tcf)(Qdisc *sch, unsigned long cl) = nullptr;
  // Fill parent/handle/info (tcm_info: the leaf qdisc's handle) and the options.
  int (*dump)(Qdisc *sch, unsigned long cl, tc_dump_msg *m) = nullptr;
  int (*dump_stats)(Qdisc *sch, unsigned long cl, gnet_dump *d) = nullptr;
};

struct Qdisc_ops {
  const char *id = nullptr;
  const Qdisc_class_ops *cl_ops = nullptr;
  // NET_XMIT_SUCCESS (| __NET_XMIT_STOLEN/BYPASS not modelled) or NET_XMIT_DROP/CN; dropped skbs go to to_free.
  int (*enqueue)(sk_buff *skb, Qdisc *sch, to_free_list *to_free) = nullptr;
  sk_buff *(*dequeue)(Qdisc *sch) = nullptr;
  sk_buff *(*peek)(Qdisc *sch) = nullptr;
  // opt is nullptr when the request carried no options (defaults).
  int (*init)(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) = nullptr;
  void (*reset)(Qdisc *sch) = nullptr;
  void (*destroy)(Qdisc *sch) = nullptr;
  int (*change)(Qdisc *sch, const nlattrs *opt, netlink_ext_ack *extack) = nullptr;
  int (*dump)(Qdisc *sch, nlattrs *opts) = nullptr;
  int (*dump_stats)(Qdisc *sch, gnet_dump *d) = nullptr;
  // Allocates qdisc_priv(sch) before init (Linux: priv_size bytes after the struct).
  std::shared_ptr<void> (*priv_alloc)() = nullptr;
};
template <class T> std::shared_ptr<void> qdisc_priv_alloc() { return std::make_shared<T>(); }

// Flags (TCQ_F_*).
enum : uint32_t { TCQ_F_BUILTIN = 1, TCQ_F_ONETXQUEUE = 0x10, TCQ_F_NOPARENT = 0x40 };

struct qdisc_skb_head {
  std::deque<sk_buff *> list;  // the FIFO of simple qdiscs
  uint32_t qlen = 0;           // every skb the qdisc holds (its children's and requeued ones too)
};

struct Qdisc {
  const Qdisc_ops *ops = nullptr;
  uint32_t flags = 0;
  uint32_t handle = 0;  // major:0
  uint32_t parent = 0;  // TC_H_ROOT or the class it is grafted under
  net_device *dev = nullptr;
  uint32_t limit = 0;   // sch->limit, for the kinds that use it
  qdisc_skb_head q;
  std::deque<sk_buff *> gso_skb;  // requeued by dev_requeue_skb, leaves first
  gnet_stats_basic bstats;
  gnet_stats_queue qstats;
  uint64_t drops_by_reason[static_cast<int>(skb_drop_reason::NUM_REASONS)] = {};
  std::shared_ptr<void> priv;
  // Visible in dumps (qdisc_hash_add) from this creation order on; 0: a default child (invisible).
  uint64_t hash_seq = 0;

  // The run state (qdisc_run_begin / qdisc_run_end / __QDISC_STATE_MISSED).
  bool running = false;
  bool missed = false;

  Qdisc() = default;
  ~Qdisc();  // qdisc_destroy: ops->reset, ops->destroy, requeued skbs dropped
  Qdisc(const Qdisc &) = delete;
  Qdisc &operator=(const Qdisc &) = delete;

  const char *id() const { return ops->id; }
  uint32_t qlen() const { return q.qlen; }  // qdisc_qlen
};

template <class T> T *qdisc_priv(Qdisc *sch) { return static_cast<T *>(sch->priv.get()); }
inline net_device *qdisc_dev(const Qdisc *q) { return q->dev; }

// --- registry and life (sch_api.cpp) ------------------------------------------------
int register_qdisc(const Qdisc_ops *ops);
const Qdisc_ops *qdisc_lookup_ops(const std::string &kind);
// Registers ops at program load (module_init(...)), so a new kind is a new file only.
struct qdisc_module {
  explicit qdisc_module(const Qdisc_ops *ops) { register_qdisc(ops); }
};
struct tcf_proto_module {
  explicit tcf_proto_module(const tcf_proto_ops *ops) { register_tcf_proto_ops(ops); }
};
// qdisc_alloc + ops->init. nullptr and *err (negative errno) on failure.
Qdisc *qdisc_create(net_device *dev, const Qdisc_ops *ops, uint32_t parent, uint32_t handle, const nlattrs *opt,
                    netlink_ext_ack *extack, int *err);
// qdisc_create_dflt: the child a new class gets (pfifo, limit = txqueuelen).
Qdisc *qdisc_create_dflt(net_device *dev, const Qdisc_ops *ops, uint32_t parentid, netlink_ext_ack *extack);
// The default qdisc of a device (pfifo_fast), created with the device.
std::unique_ptr<Qdisc> qdisc_create_default(net_device *dev);
void qdisc_put(Qdisc *q);     // destroy (ownership is single here: no refcount)
void qdisc_reset(Qdisc *q);   // drop everything held (reason DEV_READY)
// qdisc_lookup: the qdisc with this handle on dev (root or any child).
Qdisc *qdisc_lookup(net_device *dev, uint32_t handle);
// A new handle major:0 for a qdisc created without one (0x8001: and up).
uint32_t qdisc_alloc_handle(net_device *dev);
// A child lost n packets / len bytes it had (drop, reset, graft): fix every ancestor's counters.
void qdisc_tree_reduce_backlog(Qdisc *sch, int n, int len);
// qdisc_replace: *pold = new_q; the old child is purged (its packets leave
// the ancestors' counters) and returned for the caller to qdisc_put.
Qdisc *qdisc_replace(Qdisc *sch, Qdisc *new_q, Qdisc **pold);
// qdisc_purge_queue: reset q and take its packets off its ancestors' counts.
void qdisc_purge_queue(Qdisc *q);
// qdisc_tree_flush_backlog: the ancestors forget everything sch holds.
void qdisc_tree_flush_backlog(Qdisc *sch);
// qdisc_hash_add: a child the user created shows in dumps; invisible ones
// (default children of classes) do not.
void qdisc_hash_add(Qdisc *q, bool invisible);
// sch_tree_lock in the model: nothing (one thread drives a stack).

// --- the run loop (sch_generic.cpp) ---------------------------------------------------
// __netif_schedule + net_tx_action: the qdisc must run again (its watchdog
// fired, or the driver asked). Runs it now unless it is already running, in
// which case the running loop goes round once more.
void __netif_schedule(Qdisc *q);
// Runs q until it is empty, waits, or the driver stops the queue (qdisc_run).
void qdisc_run(Qdisc *q);
bool qdisc_restart(Qdisc *q);
bool sch_direct_xmit(sk_buff *skb, Qdisc *q, net_device *dev);
void dev_requeue_skb(sk_buff *skb, Qdisc *q);
sk_buff *dequeue_skb(Qdisc *q);
// The root qdisc's enqueue from __dev_xmit_skb: enqueue, then free what it dropped.
int qdisc_enqueue_root(sk_buff *skb, Qdisc *sch);
// A child's enqueue from a classful parent (qdisc_enqueue).
inline int qdisc_enqueue(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  return sch->ops->enqueue(skb, sch, to_free);
}
void kfree_to_free(to_free_list *to_free);

// --- helpers for kinds (sch_generic.h) --------------------------------------------------
inline void qdisc_bstats_update(Qdisc *sch, const sk_buff *skb) {
  sch->bstats.bytes += qdisc_pkt_len(skb);
  sch->bstats.packets += qdisc_skb_cb_of(skb)->gso_segs;
}
inline void bstats_update(gnet_stats_basic *b, const sk_buff *skb) {
  b->bytes += qdisc_pkt_len(skb);
  b->packets += qdisc_skb_cb_of(skb)->gso_segs;
}
inline void qdisc_qstats_backlog_inc(Qdisc *sch, const sk_buff *skb) { sch->qstats.backlog += qdisc_pkt_len(skb); }
inline void qdisc_qstats_backlog_dec(Qdisc *sch, const sk_buff *skb) { sch->qstats.backlog -= qdisc_pkt_len(skb); }
inline void qdisc_qstats_overlimit(Qdisc *sch) { ++sch->qstats.overlimits; }
inline void qdisc_qstats_drop(Qdisc *sch) { ++sch->qstats.drops; }
// qdisc_drop_reason: count the drop (qstats.drops, per reason) and queue skb for freeing.
int qdisc_drop_reason(sk_buff *skb, Qdisc *sch, to_free_list *to_free, skb_drop_reason reason);
inline int qdisc_drop(sk_buff *skb, Qdisc *sch, to_free_list *to_free) {
  return qdisc_drop_reason(skb, sch, to_free, skb_drop_reason::QDISC_DROP);
}
// qdisc_enqueue_tail / qdisc_dequeue_head / qdisc_peek_head on sch->q.list.
int qdisc_enqueue_tail(sk_buff *skb, Qdisc *sch);
sk_buff *qdisc_dequeue_head(Qdisc *sch);
sk_buff *qdisc_peek_head(Qdisc *sch);
// qdisc_peek_dequeued: peek for kinds whose dequeue decides (TBF/HTB children):
// dequeue once into gso_skb and hand it out again on the next dequeue.
sk_buff *qdisc_peek_dequeued(Qdisc *sch);
sk_buff *qdisc_dequeue_peeked(Qdisc *sch);
// Drop every skb of sch->q.list (reset of the simple kinds).
void qdisc_reset_queue(Qdisc *sch);

// --- qdisc_watchdog (sch_api.cpp): a timer on the stack's clock ------------------------
struct qdisc_watchdog {
  timer_list timer;
  Qdisc *qdisc = nullptr;
  uint64_t last_expires = 0;
};
void qdisc_watchdog_init(qdisc_watchdog *wd, Qdisc *qdisc);
// Run the qdisc again at expires (ns of the stack's clock).
void qdisc_watchdog_schedule_ns(qdisc_watchdog *wd, uint64_t expires);
void qdisc_watchdog_cancel(qdisc_watchdog *wd);
// ktime_get_ns: the clock of the device's namespace (0 for a device not registered).
uint64_t qdisc_clock_ns(const Qdisc *sch);

// --- the tc requests (sch_api.cpp, cls_api.cpp): what rtnetlink delivers -------------
// RTM_NEWQDISC with flags (NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE) for
// `tc qdisc add|replace|change`: 0 or a negative errno with extack->msg.
int tc_modify_qdisc(net_device *dev, uint16_t flags, const tcmsg &t, const std::string &kind, const nlattrs *opts,
                    netlink_ext_ack *extack);
int tc_delete_qdisc(net_device *dev, const tcmsg &t, const std::string &kind, netlink_ext_ack *extack);
// RTM_NEWTCLASS (flags) / RTM_DELTCLASS.
int tc_ctl_tclass(net_device *dev, int type, uint16_t flags, const tcmsg &t, const std::string &kind,
                  const nlattrs *opts, netlink_ext_ack *extack);
// RTM_NEWTFILTER / RTM_DELTFILTER: t.tcm_info = prio << 16 | protocol.
int tc_ctl_tfilter(net_device *dev, int type, uint16_t flags, const tcmsg &t, const std::string &kind,
                   const nlattrs *opts, netlink_ext_ack *extack);
// Dumps, in the order the kernel sends them.
std::vector<tc_dump_msg> tc_dump_qdisc(net_device *dev);
std::vector<tc_dump_msg> tc_dump_tclass(net_device *dev);
std::vector<tc_dump_msg> tc_dump_tfilter(net_device *dev, uint32_t parent);

}  // namespace wirepath
