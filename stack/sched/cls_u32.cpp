// The u32 classifier (net/sched/cls_u32.c), one hash table (800:) with one
// bucket: each element is a selector of 32-bit keys, (word at off from the
// network header ^ val) & mask == 0 for all keys; the first element that
// matches gives its classid. Elements are 800::800, 800::801, ... in the
// order they were added.
#include <cerrno>
#include <cstring>
#include <map>

#include "stack/core/skbuff.hpp"
#include "stack/sched/pkt_cls.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

constexpr uint32_t U32_HT = 0x800;

struct tc_u_knode {
  uint32_t handle = 0;
  tc_u32_sel sel;
  tcf_result res;
};

struct tc_u_hnode : tcf_proto_priv {
  std::map<uint32_t, tc_u_knode> nodes;  // by handle: the bucket's order
  uint32_t next_kid = 0x800;
};

int u32_classify(sk_buff *skb, const tcf_proto *tp, tcf_result *res) {
  const auto *ht = static_cast<const tc_u_hnode *>(tp->root.get());
  // At the qdisc skb->data is the Ethernet header; the keys count from the IP header.
  const uint8_t *nh = skb->data + 14;
  const int32_t avail = static_cast<int32_t>(skb->headlen()) - 14;
  for (const auto &[h, n] : ht->nodes) {
    bool match = true;
    for (const tc_u32_key &key : n.sel.keys) {
      if (key.off < 0 || key.off + 4 > avail) {
        match = false;
        break;
      }
      uint32_t word;
      std::memcpy(&word, nh + key.off, 4);
      if ((word ^ key.val) & key.mask) {
        match = false;
        break;
      }
    }
    if (match && (n.sel.flags & TC_U32_TERMINAL)) {
      *res = n.res;
      return TC_ACT_OK;
    }
  }
  return TC_ACT_UNSPEC;
}

int u32_init(tcf_proto *tp) {
  tp->root = std::make_unique<tc_u_hnode>();
  return 0;
}

int u32_change(tcf_proto *tp, uint32_t handle, const nlattrs &opts, netlink_ext_ack *extack) {
  auto *ht = static_cast<tc_u_hnode *>(tp->root.get());
  tc_u_knode n;
  if (!u32_sel_get(opts, &n.sel)) {
    NL_SET_ERR_MSG(extack, "Selector not specified");
    return -EINVAL;
  }
  if (handle) {
    if (TC_H_MAJ(handle) && (handle >> 20) != U32_HT) {
      NL_SET_ERR_MSG(extack, "Handle specified hash table address mismatch");
      return -EINVAL;
    }
    handle = (U32_HT << 20) | (handle & 0xFFF);
    if (ht->nodes.count(handle)) {
      auto &old = ht->nodes[handle];
      old.sel = n.sel;
      if (opts.has(TCA_U32_CLASSID)) {
        tcf_unbind_filter(tp, &old.res);
        old.res.classid = opts.nla_get_u32(TCA_U32_CLASSID);
        tcf_bind_filter(tp, &old.res, tp->block->cl);
      }
      return 0;
    }
  } else {
    handle = (U32_HT << 20) | ht->next_kid;
  }
  if ((handle & 0xFFF) >= ht->next_kid) ht->next_kid = (handle & 0xFFF) + 1;
  n.handle = handle;
  if (opts.has(TCA_U32_CLASSID)) {
    n.res.classid = opts.nla_get_u32(TCA_U32_CLASSID);
    tcf_bind_filter(tp, &n.res, tp->block->cl);
  }
  ht->nodes[handle] = std::move(n);
  return 0;
}

void u32_walk(const tcf_proto *tp, std::vector<std::pair<uint32_t, nlattrs>> *out) {
  const auto *ht = static_cast<const tc_u_hnode *>(tp->root.get());
  for (const auto &[h, n] : ht->nodes) {
    nlattrs o;
    u32_sel_put(o, n.sel);
    if (n.res.classid) o.nla_put_u32(TCA_U32_CLASSID, n.res.classid);
    out->emplace_back(h, std::move(o));
  }
}

void u32_destroy(tcf_proto *tp) {
  for (auto &[h, n] : static_cast<tc_u_hnode *>(tp->root.get())->nodes) tcf_unbind_filter(tp, &n.res);
}

const tcf_proto_ops cls_u32_ops = {"u32", u32_classify, u32_init, u32_change, u32_walk, u32_destroy};
const tcf_proto_module u32_module(&cls_u32_ops);

}  // namespace

}  // namespace wirepath
