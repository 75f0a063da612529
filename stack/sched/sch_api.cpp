// The qdisc API (net/sched/sch_api.c): the registry of kinds, creating and
// grafting qdiscs, the tc requests for qdiscs and classes, the dumps, the
// watchdog, and the psched rate tables.
#include <algorithm>
#include <cerrno>
#include <map>

#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

// --- the registry --------------------------------------------------------------------------

static std::map<std::string, const Qdisc_ops *> &qdisc_base() {
  static std::map<std::string, const Qdisc_ops *> base;
  return base;
}

int register_qdisc(const Qdisc_ops *ops) {
  auto &base = qdisc_base();
  if (base.count(ops->id)) return -EEXIST;
  base[ops->id] = ops;
  return 0;
}

const Qdisc_ops *qdisc_lookup_ops(const std::string &kind) {
  auto it = qdisc_base().find(kind);
  return it == qdisc_base().end() ? nullptr : it->second;
}

// --- psched rates --------------------------------------------------------------------------

void psched_ratecfg_precompute(psched_ratecfg *r, const tc_ratespec *conf, uint64_t rate64) {
  *r = psched_ratecfg{};
  r->overhead = conf->overhead;
  r->mpu = conf->mpu;
  r->rate_bytes_ps = std::max<uint64_t>(conf->rate, rate64);
  r->linklayer = conf->linklayer & 0x0F;
  // psched_ratecfg_precompute__: the largest mult < 2^31 with factor < 2^63.
  uint64_t factor = NSEC_PER_SEC;
  r->mult = 1;
  r->shift = 0;
  if (r->rate_bytes_ps == 0) return;
  for (;;) {
    r->mult = static_cast<uint32_t>(factor / r->rate_bytes_ps);
    if ((r->mult & (1u << 31)) || (factor & (1ULL << 63))) break;
    factor <<= 1;
    r->shift++;
  }
}

void psched_ratecfg_getrate(tc_ratespec *res, const psched_ratecfg *r) {
  *res = tc_ratespec{};
  res->rate = static_cast<uint32_t>(std::min<uint64_t>(r->rate_bytes_ps, ~0u));
  res->overhead = r->overhead;
  res->mpu = r->mpu;
  res->linklayer = r->linklayer;
}

uint64_t psched_l2t_ns(const psched_ratecfg *r, unsigned int len) {
  len += r->overhead;
  if (len < r->mpu) len = r->mpu;
  if (r->linklayer == TC_LINKLAYER_ATM) return (static_cast<uint64_t>((len + 47) / 48 * 53) * r->mult) >> r->shift;
  return (static_cast<uint64_t>(len) * r->mult) >> r->shift;
}

// --- the watchdog --------------------------------------------------------------------------

uint64_t qdisc_clock_ns(const Qdisc *sch) {
  const net_device *dev = qdisc_dev(sch);
  return dev && dev->nd_net ? dev->nd_net->kernel.timers.now() : 0;
}

void qdisc_watchdog_init(qdisc_watchdog *wd, Qdisc *qdisc) {
  wd->qdisc = qdisc;
  wd->last_expires = 0;
  // qdisc_watchdog: the qdisc may send again; net_tx_action runs the root.
  wd->timer.function = [wd](timer_list *) { __netif_schedule(wd->qdisc); };
}

void qdisc_watchdog_schedule_ns(qdisc_watchdog *wd, uint64_t expires) {
  net_device *dev = qdisc_dev(wd->qdisc);
  if (!dev || !dev->nd_net) return;  // no clock: a device outside a namespace never waits
  if (timer_pending(&wd->timer) && wd->last_expires == expires) return;
  wd->last_expires = expires;
  dev->nd_net->kernel.timers.mod_timer(&wd->timer, expires);
}

void qdisc_watchdog_cancel(qdisc_watchdog *wd) {
  if (timer_pending(&wd->timer) && wd->timer.base) wd->timer.base->del_timer(&wd->timer);
}

// --- life of a qdisc ---------------------------------------------------------------------

Qdisc *qdisc_create(net_device *dev, const Qdisc_ops *ops, uint32_t parent, uint32_t handle, const nlattrs *opt,
                    netlink_ext_ack *extack, int *err) {
  auto *sch = new Qdisc;
  sch->ops = ops;
  sch->dev = dev;
  sch->parent = parent;
  sch->handle = handle;
  if (ops->priv_alloc) sch->priv = ops->priv_alloc();
  if (ops->init) {
    const int rc = ops->init(sch, opt, extack);
    if (rc) {
      // qdisc_create's error path: ->destroy undoes a partial init.
      sch->ops = nullptr;
      if (ops->destroy) ops->destroy(sch);
      delete sch;
      *err = rc;
      return nullptr;
    }
  }
  *err = 0;
  return sch;
}

Qdisc *qdisc_create_dflt(net_device *dev, const Qdisc_ops *ops, uint32_t parentid, netlink_ext_ack *extack) {
  int err = 0;
  return qdisc_create(dev, ops, parentid, 0, nullptr, extack, &err);
}

std::unique_ptr<Qdisc> qdisc_create_default(net_device *dev) {
  // attach_default_qdiscs: pfifo_fast, handle 0:, the root.
  int err = 0;
  Qdisc *q = qdisc_create(dev, qdisc_lookup_ops("pfifo_fast"), TC_H_ROOT, 0, nullptr, nullptr, &err);
  if (q) q->flags |= TCQ_F_ONETXQUEUE;
  return std::unique_ptr<Qdisc>(q);
}

void qdisc_put(Qdisc *q) { delete q; }

// Every qdisc of dev: the root, then the children of each classful one (depth first).
static void qdisc_for_each(Qdisc *q, const std::function<void(Qdisc *)> &fn) {
  if (!q) return;
  fn(q);
  const Qdisc_class_ops *cops = q->ops->cl_ops;
  if (!cops || !cops->walk || !cops->leaf) return;
  std::vector<Qdisc *> kids;
  qdisc_walker w;
  w.fn = [&](Qdisc *sch, unsigned long cl, qdisc_walker *) {
    Qdisc *leaf = cops->leaf(sch, cl);
    if (leaf) kids.push_back(leaf);
    return 0;
  };
  cops->walk(q, &w);
  for (Qdisc *k : kids) qdisc_for_each(k, fn);
}

Qdisc *qdisc_lookup(net_device *dev, uint32_t handle) {
  Qdisc *found = nullptr;
  qdisc_for_each(dev->qdisc.get(), [&](Qdisc *q) {
    if (!found && q->handle == handle && handle != 0) found = q;
  });
  if (!found && dev->qdisc && dev->qdisc->handle == handle) found = dev->qdisc.get();
  return found;
}

uint32_t qdisc_alloc_handle(net_device *dev) {
  // Autohandles 8001:, 8002:, ... skipping ones in use (qdisc_alloc_handle).
  for (int i = 0; i < 0x8000; ++i) {
    dev->qdisc_autohandle += TC_H_MAKE(0x10000u, 0);
    if (dev->qdisc_autohandle == TC_H_MAKE(TC_H_ROOT, 0)) dev->qdisc_autohandle = TC_H_MAKE(0x80000000u, 0);
    if (!qdisc_lookup(dev, dev->qdisc_autohandle)) return dev->qdisc_autohandle;
  }
  return 0;
}

void qdisc_tree_reduce_backlog(Qdisc *sch, int n, int len) {
  if (n == 0 && len == 0) return;
  const int drops = std::max(n, 0);
  uint32_t parentid;
  while ((parentid = sch->parent)) {
    if (parentid == TC_H_ROOT) break;
    if (sch->flags & TCQ_F_NOPARENT) break;
    // Notify the parent only if the child became empty.
    const bool notify = sch->q.qlen == 0 && n != 0;
    sch = qdisc_lookup(qdisc_dev(sch), TC_H_MAJ(parentid));
    if (!sch) break;
    const Qdisc_class_ops *cops = sch->ops->cl_ops;
    if (notify && cops && cops->qlen_notify) cops->qlen_notify(sch, cops->find(sch, parentid));
    sch->q.qlen -= static_cast<uint32_t>(n);
    sch->qstats.backlog -= static_cast<uint32_t>(len);
    sch->qstats.drops += static_cast<uint32_t>(drops);
  }
}

void qdisc_purge_queue(Qdisc *q) {
  const uint32_t qlen = q->q.qlen, backlog = q->qstats.backlog;
  qdisc_reset(q);
  qdisc_tree_reduce_backlog(q, static_cast<int>(qlen), static_cast<int>(backlog));
}

Qdisc *qdisc_replace(Qdisc *sch, Qdisc *new_q, Qdisc **pold) {
  (void)sch;
  Qdisc *old = *pold;
  *pold = new_q;
  // What the old child held leaves the ancestors' counts.
  if (old) qdisc_purge_queue(old);
  return old;
}

void qdisc_tree_flush_backlog(Qdisc *sch) {
  qdisc_tree_reduce_backlog(sch, static_cast<int>(sch->q.qlen), static_cast<int>(sch->qstats.backlog));
}

void qdisc_hash_add(Qdisc *q, bool invisible) {
  static uint64_t seq = 0;
  if (!invisible) q->hash_seq = ++seq;
}

// --- the tc requests ------------------------------------------------------------------

static Qdisc *qdisc_leaf(Qdisc *p, uint32_t classid) {
  const Qdisc_class_ops *cops = p->ops->cl_ops;
  if (!cops) return nullptr;
  const unsigned long cl = cops->find(p, classid);
  if (!cl) return nullptr;
  return cops->leaf(p, cl);
}


// qdisc_graft: put new_q at parent p's class classid, or at the root (p nullptr).
static int qdisc_graft(net_device *dev, Qdisc *p, uint32_t classid, Qdisc *new_q, netlink_ext_ack *extack) {
  if (!p) {
    // dev_graft_qdisc: the old root is reset and freed; deleting the root
    // (new_q nullptr) brings the default back (dev_activate).
    std::unique_ptr<Qdisc> old = std::move(dev->qdisc);
    if (new_q) {
      new_q->flags |= TCQ_F_ONETXQUEUE;
      dev->qdisc.reset(new_q);
    } else {
      dev->qdisc = qdisc_create_default(dev);
    }
    const bool was_running = old && old->running;
    if (old) qdisc_reset(old.get());
    old.reset();
    (void)was_running;
    return 0;
  }
  const Qdisc_class_ops *cops = p->ops->cl_ops;
  if (!cops || !cops->graft) return -EOPNOTSUPP;
  const unsigned long cl = cops->find(p, classid);
  if (!cl) {
    NL_SET_ERR_MSG(extack, "Specified class not found");
    return -ENOENT;
  }
  Qdisc *old = nullptr;
  const int err = cops->graft(p, cl, new_q, &old, extack);
  if (err) return err;
  if (old) qdisc_put(old);
  return 0;
}

int tc_modify_qdisc(net_device *dev, uint16_t flags, const tcmsg &t, const std::string &kind, const nlattrs *opts,
                    netlink_ext_ack *extack) {
  const uint32_t clid = t.tcm_parent;
  Qdisc *q = nullptr, *p = nullptr;
  if (clid) {
    if (clid != TC_H_ROOT) {
      p = qdisc_lookup(dev, TC_H_MAJ(clid));
      if (!p) {
        NL_SET_ERR_MSG(extack, "Failed to find specified qdisc");
        return -ENOENT;
      }
      q = qdisc_leaf(p, clid);
    } else {
      q = dev->qdisc.get();
    }
    // The default qdisc (handle 0) is not "there" for add/replace.
    if (q && q->handle == 0) q = nullptr;
    bool create = false;
    if (!q || !t.tcm_handle || q->handle != t.tcm_handle) {
      if (t.tcm_handle) {
        if (q && !(flags & NLM_F_REPLACE)) {
          NL_SET_ERR_MSG(extack, "NLM_F_REPLACE needed to override");
          return -EEXIST;
        }
        if (TC_H_MIN(t.tcm_handle)) {
          NL_SET_ERR_MSG(extack, "Invalid minor handle");
          return -EINVAL;
        }
        Qdisc *other = qdisc_lookup(dev, t.tcm_handle);
        if (!other) {
          create = true;
        } else {
          if (flags & NLM_F_EXCL) {
            NL_SET_ERR_MSG(extack, "Exclusivity flag on, cannot override");
            return -EEXIST;
          }
          if (!kind.empty() && kind != other->ops->id) {
            NL_SET_ERR_MSG(extack, "Invalid qdisc name");
            return -EINVAL;
          }
          // Moving a qdisc to another parent: not modelled.
          NL_SET_ERR_MSG(extack, "Invalid handle");
          return -EINVAL;
        }
      } else {
        if (!q) {
          create = true;
        } else if ((flags & NLM_F_CREATE) && (flags & NLM_F_REPLACE) &&
                   ((flags & NLM_F_EXCL) || (!kind.empty() && kind != q->ops->id))) {
          create = true;
        }
      }
    }
    if (!create) {
      // Change.
      if (!q) {
        NL_SET_ERR_MSG(extack, "Specified qdisc not found");
        return -ENOENT;
      }
      if (flags & NLM_F_EXCL) {
        NL_SET_ERR_MSG(extack, "Exclusivity flag on, cannot modify");
        return -EEXIST;
      }
      if (!kind.empty() && kind != q->ops->id) {
        NL_SET_ERR_MSG(extack, "Invalid qdisc name");
        return -EINVAL;
      }
      if (!opts) return 0;
      if (!q->ops->change) {
        NL_SET_ERR_MSG(extack, "Change operation not supported by specified qdisc");
        return -EINVAL;
      }
      return q->ops->change(q, opts, extack);
    }
  } else {
    NL_SET_ERR_MSG(extack, "Parent not specified");  // tc always sends root or parent
    return -EINVAL;
  }

  // create_n_graft:
  if (!(flags & NLM_F_CREATE)) {
    NL_SET_ERR_MSG(extack, "Qdisc not found. To create specify NLM_F_CREATE flag");
    return -ENOENT;
  }
  const Qdisc_ops *ops = qdisc_lookup_ops(kind);
  if (!ops) {
    NL_SET_ERR_MSG(extack, "Specified qdisc kind is unknown");
    return -ENOENT;
  }
  uint32_t handle = t.tcm_handle;
  if (!handle) {
    handle = qdisc_alloc_handle(dev);
    if (!handle) {
      NL_SET_ERR_MSG(extack, "Maximum number of qdisc handles was exceeded");
      return -ENOSPC;
    }
  }
  int err = 0;
  Qdisc *nq = qdisc_create(dev, ops, clid, handle, opts, extack, &err);
  if (!nq) return err;
  // Check the class before the graft so a failure leaves nothing changed.
  if (p && (!p->ops->cl_ops || !p->ops->cl_ops->find(p, clid))) {
    qdisc_put(nq);
    if (!p->ops->cl_ops) return -EOPNOTSUPP;
    NL_SET_ERR_MSG(extack, "Specified class not found");
    return -ENOENT;
  }
  qdisc_hash_add(nq, false);
  err = qdisc_graft(dev, p, clid, nq, extack);
  if (err) {
    qdisc_put(nq);
    return err;
  }
  return 0;
}

int tc_delete_qdisc(net_device *dev, const tcmsg &t, const std::string &kind, netlink_ext_ack *extack) {
  const uint32_t clid = t.tcm_parent;
  Qdisc *q = nullptr, *p = nullptr;
  if (!clid) {
    NL_SET_ERR_MSG(extack, "Classid cannot be zero");
    return -EINVAL;
  }
  if (clid != TC_H_ROOT) {
    p = qdisc_lookup(dev, TC_H_MAJ(clid));
    if (!p) {
      NL_SET_ERR_MSG(extack, "Failed to find qdisc with specified classid");
      return -ENOENT;
    }
    q = qdisc_leaf(p, clid);
  } else {
    q = dev->qdisc.get();
  }
  if (!q) {
    NL_SET_ERR_MSG(extack, "Cannot find specified qdisc on specified device");
    return -ENOENT;
  }
  if (t.tcm_handle && q->handle != t.tcm_handle) {
    NL_SET_ERR_MSG(extack, "Invalid handle");
    return -EINVAL;
  }
  if (!kind.empty() && kind != q->ops->id) {
    NL_SET_ERR_MSG(extack, "Invalid qdisc name");
    return -EINVAL;
  }
  if (q->handle == 0) {
    NL_SET_ERR_MSG(extack, "Cannot delete qdisc with handle of zero");
    return -ENOENT;
  }
  return qdisc_graft(dev, p, clid, nullptr, extack);
}

int tc_ctl_tclass(net_device *dev, int type, uint16_t flags, const tcmsg &t, const std::string &kind,
                  const nlattrs *opts, netlink_ext_ack *extack) {
  uint32_t portid = t.tcm_parent;
  uint32_t clid = t.tcm_handle;
  uint32_t qid = TC_H_MAJ(clid);
  // Step 1: the qdisc handle X:0.
  if (portid != TC_H_ROOT) {
    const uint32_t qid1 = TC_H_MAJ(portid);
    if (qid && qid1) {
      if (qid != qid1) return -EINVAL;
    } else if (qid1) {
      qid = qid1;
    } else if (qid == 0) {
      qid = dev->qdisc->handle;
    }
    if (portid) portid = TC_H_MAKE(qid, portid);
  } else if (qid == 0) {
    qid = dev->qdisc->handle;
  }
  Qdisc *q = qdisc_lookup(dev, qid);
  if (!q) return -ENOENT;
  const Qdisc_class_ops *cops = q->ops->cl_ops;
  if (!cops) return -EINVAL;
  if (!kind.empty() && kind != q->ops->id) return -EINVAL;
  if (clid == 0) {
    if (portid == TC_H_ROOT) clid = qid;
  } else {
    clid = TC_H_MAKE(qid, clid);
  }
  unsigned long cl = clid ? cops->find(q, clid) : 0;
  if (cl == 0) {
    if (type != RTM_NEWTCLASS || !(flags & NLM_F_CREATE)) return -ENOENT;
  } else {
    if (type == RTM_NEWTCLASS) {
      if (flags & NLM_F_EXCL) return -EEXIST;
    } else if (type == RTM_DELTCLASS) {
      if (!cops->delete_class) return -EOPNOTSUPP;
      return cops->delete_class(q, cl, extack);
    } else {
      return -EINVAL;
    }
  }
  unsigned long new_cl = cl;
  if (!cops->change) return -EOPNOTSUPP;
  return cops->change(q, clid, portid, opts, &new_cl, extack);
}

// --- dumps ------------------------------------------------------------------------------

static tc_dump_msg qdisc_dump_one(Qdisc *q, bool root) {
  tc_dump_msg m;
  m.kind = q->ops->id;
  m.t.tcm_ifindex = qdisc_dev(q)->ifindex;
  m.t.tcm_handle = q->handle;
  m.t.tcm_parent = q->parent;
  // refcnt: the device's TX queue holds the root once more.
  m.t.tcm_info = root ? 2 : 1;
  if (q->ops->dump) q->ops->dump(q, &m.options);
  m.stats.bstats = q->bstats;
  m.stats.qstats = q->qstats;
  m.stats.qstats.qlen = q->q.qlen;
  if (q->ops->dump_stats) q->ops->dump_stats(q, &m.stats);
  m.stats.qstats.qlen = q->q.qlen;
  return m;
}

// hash_32(handle, 4): the bucket of dev->qdisc_hash, which tc_dump_qdisc walks.
static uint32_t qdisc_hash_bucket(uint32_t handle) { return (handle * 0x61C88647u) >> (32 - 4); }

// The visible qdiscs below the root in dump order: bucket by bucket, newest first in a bucket.
static std::vector<Qdisc *> qdisc_hash_order(net_device *dev) {
  std::vector<Qdisc *> all;
  qdisc_for_each(dev->qdisc.get(), [&](Qdisc *q) {
    if (q != dev->qdisc.get() && q->hash_seq) all.push_back(q);
  });
  std::stable_sort(all.begin(), all.end(), [](const Qdisc *a, const Qdisc *b) {
    const uint32_t ba = qdisc_hash_bucket(a->handle), bb = qdisc_hash_bucket(b->handle);
    if (ba != bb) return ba < bb;
    return a->hash_seq > b->hash_seq;
  });
  return all;
}

std::vector<tc_dump_msg> tc_dump_qdisc(net_device *dev) {
  std::vector<tc_dump_msg> out;
  if (!dev->qdisc) return out;
  out.push_back(qdisc_dump_one(dev->qdisc.get(), true));
  for (Qdisc *q : qdisc_hash_order(dev)) out.push_back(qdisc_dump_one(q, false));
  return out;
}

static void tc_dump_tclass_qdisc(Qdisc *q, std::vector<tc_dump_msg> *out) {
  const Qdisc_class_ops *cops = q->ops->cl_ops;
  if (!cops || !cops->walk) return;
  qdisc_walker w;
  w.fn = [&](Qdisc *sch, unsigned long cl, qdisc_walker *) {
    tc_dump_msg m;
    m.kind = sch->ops->id;
    m.t.tcm_ifindex = qdisc_dev(sch)->ifindex;
    m.t.tcm_parent = sch->handle;
    m.t.tcm_handle = sch->handle;
    if (cops->dump) cops->dump(sch, cl, &m);
    if (cops->dump_stats)
      cops->dump_stats(sch, cl, &m.stats);
    else
      m.stats.has_stats = false;
    out->push_back(std::move(m));
    return 0;
  };
  cops->walk(q, &w);
}

std::vector<tc_dump_msg> tc_dump_tclass(net_device *dev) {
  std::vector<tc_dump_msg> out;
  if (!dev->qdisc) return out;
  tc_dump_tclass_qdisc(dev->qdisc.get(), &out);
  for (Qdisc *q : qdisc_hash_order(dev)) tc_dump_tclass_qdisc(q, &out);
  return out;
}

}  // namespace wirepath
