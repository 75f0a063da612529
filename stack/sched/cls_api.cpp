// Classifier API (net/sched/cls_api.c): the registry of filter kinds,
// tcf_classify over a block's chain, and the filter requests of tc.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "stack/core/netdevice.hpp"
#include "stack/sched/pkt_cls.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

static std::map<std::string, const tcf_proto_ops *> &tcf_proto_base() {
  static std::map<std::string, const tcf_proto_ops *> base;
  return base;
}

int register_tcf_proto_ops(const tcf_proto_ops *ops) {
  auto &base = tcf_proto_base();
  if (base.count(ops->kind)) return -EEXIST;
  base[ops->kind] = ops;
  return 0;
}

const tcf_proto_ops *tcf_proto_lookup_ops(const std::string &kind) {
  auto it = tcf_proto_base().find(kind);
  return it == tcf_proto_base().end() ? nullptr : it->second;
}

int tcf_classify(sk_buff *skb, const tcf_block *block, tcf_result *res) {
  if (!block) return TC_ACT_UNSPEC;
  for (const auto &tp : block->chain) {
    if (tp->protocol != skb->protocol && tp->protocol != ETH_P_ALL) continue;
    const int err = tp->ops->classify(skb, tp.get(), res);
    if (err >= 0) return err;
  }
  return TC_ACT_UNSPEC;
}

void tcf_bind_filter(tcf_proto *tp, tcf_result *r, unsigned long base) {
  Qdisc *q = tp->block->q;
  const Qdisc_class_ops *cops = q->ops->cl_ops;
  r->class_ = cops && cops->bind_tcf ? cops->bind_tcf(q, base, r->classid) : 0;
}

void tcf_unbind_filter(tcf_proto *tp, tcf_result *r) {
  Qdisc *q = tp->block->q;
  const Qdisc_class_ops *cops = q->ops->cl_ops;
  if (r->class_ && cops && cops->unbind_tcf) cops->unbind_tcf(q, r->class_);
  r->class_ = 0;
}

static void tcf_proto_destroy(tcf_proto *tp) {
  if (tp->ops->destroy) tp->ops->destroy(tp);
}

// The u32 selector's bytes: flags, pad[3], nkeys (u32), then each key.
void u32_sel_put(nlattrs &opts, const tc_u32_sel &sel) {
  std::vector<uint8_t> b(8 + sel.keys.size() * sizeof(tc_u32_key));
  b[0] = sel.flags;
  const uint32_t n = static_cast<uint32_t>(sel.keys.size());
  std::memcpy(&b[4], &n, 4);
  if (n) std::memcpy(&b[8], sel.keys.data(), n * sizeof(tc_u32_key));
  opts.nla_put(TCA_U32_SEL, b.data(), b.size());
}

bool u32_sel_get(const nlattrs &opts, tc_u32_sel *sel) {
  const auto *d = opts.nla_data(TCA_U32_SEL);
  if (!d || d->size() < 8) return false;
  uint32_t n;
  std::memcpy(&n, d->data() + 4, 4);
  if (d->size() != 8 + n * sizeof(tc_u32_key)) return false;
  sel->flags = (*d)[0];
  sel->keys.resize(n);
  if (n) std::memcpy(sel->keys.data(), d->data() + 8, n * sizeof(tc_u32_key));
  return true;
}

// The block a filter request names: the qdisc's own, or one of its classes'.
static tcf_block *tcf_block_find(net_device *dev, uint32_t *parent, Qdisc **qp, netlink_ext_ack *extack, int *err) {
  Qdisc *q;
  if (!*parent) {
    q = dev->qdisc.get();
    *parent = q->handle;
  } else {
    q = qdisc_lookup(dev, TC_H_MAJ(*parent));
    if (!q) {
      NL_SET_ERR_MSG(extack, "Parent Qdisc doesn't exists");
      *err = -EINVAL;
      return nullptr;
    }
  }
  const Qdisc_class_ops *cops = q->ops->cl_ops;
  if (!cops) {
    NL_SET_ERR_MSG(extack, "Qdisc not classful");
    *err = -EINVAL;
    return nullptr;
  }
  if (!cops->tcf_block) {
    NL_SET_ERR_MSG(extack, "Class doesn't support blocks");
    *err = -EOPNOTSUPP;
    return nullptr;
  }
  unsigned long cl = 0;
  if (TC_H_MIN(*parent)) {
    cl = cops->find(q, *parent);
    if (!cl) {
      NL_SET_ERR_MSG(extack, "Specified class doesn't exist");
      *err = -ENOENT;
      return nullptr;
    }
  }
  tcf_block *block = cops->tcf_block(q, cl, extack);
  if (!block) {
    *err = -EINVAL;
    return nullptr;
  }
  block->q = q;
  block->cl = cl;
  *qp = q;
  return block;
}

int tc_ctl_tfilter(net_device *dev, int type, uint16_t flags, const tcmsg &t, const std::string &kind,
                   const nlattrs *opts, netlink_ext_ack *extack) {
  uint32_t prio = TC_H_MAJ(t.tcm_info) >> 16;
  const uint16_t protocol = static_cast<uint16_t>(TC_H_MIN(t.tcm_info));
  uint32_t parent = t.tcm_parent;
  int err = 0;
  Qdisc *q = nullptr;
  tcf_block *block = tcf_block_find(dev, &parent, &q, extack, &err);
  if (!block) return err;
  auto &chain = block->chain;

  if (type == RTM_DELTFILTER) {
    if (prio == 0) {
      for (auto &tp : chain) tcf_proto_destroy(tp.get());
      chain.clear();  // tc filter del dev X parent P: flush the chain
      return 0;
    }
    auto it = std::find_if(chain.begin(), chain.end(), [&](const auto &tp) { return tp->prio == prio; });
    if (it == chain.end()) {
      NL_SET_ERR_MSG(extack, "Filter with specified priority/protocol not found");
      return -ENOENT;
    }
    tcf_proto_destroy(it->get());
    chain.erase(it);
    return 0;
  }

  if (prio == 0) {
    if (!(flags & NLM_F_CREATE)) {
      NL_SET_ERR_MSG(extack, "Invalid filter command with priority of zero");
      return -ENOENT;
    }
    // tcf_auto_prio: one below the first filter's, 0xC000 on an empty chain.
    prio = chain.empty() ? 0xC000u : chain.front()->prio - 1;
  }
  auto it = std::find_if(chain.begin(), chain.end(), [&](const auto &tp) { return tp->prio == prio; });
  tcf_proto *tp = it == chain.end() ? nullptr : it->get();
  if (tp) {
    if (!kind.empty() && kind != tp->ops->kind) {
      NL_SET_ERR_MSG(extack, "Specified filter kind does not match existing one");
      return -EINVAL;
    }
    if (protocol && protocol != tp->protocol) {
      NL_SET_ERR_MSG(extack, "Specified filter protocol does not match existing one");  // "tcf_proto not found"
      return -EINVAL;
    }
  } else {
    if (type != RTM_NEWTFILTER || !(flags & NLM_F_CREATE)) {
      NL_SET_ERR_MSG(extack, "Need both RTM_NEWTFILTER and NLM_F_CREATE to create a new chain");
      return -ENOENT;
    }
    if (kind.empty() || !protocol) {
      NL_SET_ERR_MSG(extack, "Filter kind and protocol must be specified");
      return -EINVAL;
    }
    const tcf_proto_ops *ops = tcf_proto_lookup_ops(kind);
    if (!ops) {
      NL_SET_ERR_MSG(extack, "TC classifier not found");
      return -ENOENT;
    }
    auto ntp = std::make_unique<tcf_proto>();
    ntp->ops = ops;
    ntp->protocol = protocol;
    ntp->prio = prio;
    ntp->block = block;
    if (ops->init) {
      err = ops->init(ntp.get());
      if (err) return err;
    }
    // The change must succeed before the new filter joins the chain.
    static const nlattrs empty;
    err = ops->change(ntp.get(), t.tcm_handle, opts ? *opts : empty, extack);
    if (err) return err;
    auto pos = std::find_if(chain.begin(), chain.end(), [&](const auto &x) { return x->prio > prio; });
    chain.insert(pos, std::move(ntp));
    return 0;
  }
  static const nlattrs empty;
  return tp->ops->change(tp, t.tcm_handle, opts ? *opts : empty, extack);
}

std::vector<tc_dump_msg> tc_dump_tfilter(net_device *dev, uint32_t parent) {
  std::vector<tc_dump_msg> out;
  int err = 0;
  Qdisc *q = nullptr;
  tcf_block *block = tcf_block_find(dev, &parent, &q, nullptr, &err);
  if (!block) return out;
  for (const auto &tp : block->chain) {
    std::vector<std::pair<uint32_t, nlattrs>> elems;
    if (tp->ops->walk) tp->ops->walk(tp.get(), &elems);
    for (auto &[handle, opts] : elems) {
      tc_dump_msg m;
      m.kind = tp->ops->kind;
      m.t.tcm_ifindex = dev->ifindex;
      m.t.tcm_parent = parent;
      m.t.tcm_handle = handle;
      m.t.tcm_info = TC_H_MAKE(tp->prio << 16, tp->protocol);
      m.options = std::move(opts);
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace wirepath
