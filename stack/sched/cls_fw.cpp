// The fw classifier (net/sched/cls_fw.c): skb->mark (set by iptables -j
// MARK, xt_mark.cpp) & mask picks the element whose handle is that value.
// With no element at all, the mark itself is the classid (the old method).
#include <cerrno>
#include <map>

#include "stack/core/skbuff.hpp"
#include "stack/sched/pkt_cls.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

struct fw_head : tcf_proto_priv {
  uint32_t mask = 0xFFFFFFFFu;
  std::map<uint32_t, tcf_result> filters;  // by id (the handle)
};

int fw_classify(sk_buff *skb, const tcf_proto *tp, tcf_result *res) {
  const auto *head = static_cast<const fw_head *>(tp->root.get());
  uint32_t id = skb->mark;
  if (!head->filters.empty()) {
    id &= head->mask;
    auto it = head->filters.find(id);
    if (it == head->filters.end()) return TC_ACT_UNSPEC;
    *res = it->second;
    return TC_ACT_OK;
  }
  // Old method: the mark is the classid, if it names this qdisc's classes.
  if (id && (TC_H_MAJ(id) == 0 || !TC_H_MAJ(id ^ tp->block->q->handle))) {
    res->classid = id;
    res->class_ = 0;
    return TC_ACT_OK;
  }
  return TC_ACT_UNSPEC;
}

int fw_init(tcf_proto *tp) {
  tp->root = std::make_unique<fw_head>();
  return 0;
}

int fw_change(tcf_proto *tp, uint32_t handle, const nlattrs &opts, netlink_ext_ack *extack) {
  auto *head = static_cast<fw_head *>(tp->root.get());
  if (!handle) {
    NL_SET_ERR_MSG(extack, "fw: handle (the mark) is required");
    return -EINVAL;
  }
  const uint32_t mask = opts.nla_get_u32(TCA_FW_MASK, 0xFFFFFFFFu);
  if (!head->filters.empty() && mask != head->mask) return -EINVAL;
  head->mask = mask;
  tcf_result r;
  r.classid = opts.nla_get_u32(TCA_FW_CLASSID);
  tcf_bind_filter(tp, &r, tp->block->cl);
  auto it = head->filters.find(handle);
  if (it != head->filters.end()) tcf_unbind_filter(tp, &it->second);
  head->filters[handle] = r;
  return 0;
}

void fw_walk(const tcf_proto *tp, std::vector<std::pair<uint32_t, nlattrs>> *out) {
  const auto *head = static_cast<const fw_head *>(tp->root.get());
  for (const auto &[id, r] : head->filters) {
    nlattrs o;
    if (r.classid) o.nla_put_u32(TCA_FW_CLASSID, r.classid);
    if (head->mask != 0xFFFFFFFFu) o.nla_put_u32(TCA_FW_MASK, head->mask);
    out->emplace_back(id, std::move(o));
  }
}

void fw_destroy(tcf_proto *tp) {
  for (auto &[id, r] : static_cast<fw_head *>(tp->root.get())->filters) tcf_unbind_filter(tp, &r);
}

const tcf_proto_ops cls_fw_ops = {"fw", fw_classify, fw_init, fw_change, fw_walk, fw_destroy};
const tcf_proto_module fw_module(&cls_fw_ops);

}  // namespace

}  // namespace wirepath
