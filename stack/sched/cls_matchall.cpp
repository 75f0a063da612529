// The matchall classifier (net/sched/cls_matchall.c): every packet of the
// filter's protocol gets its classid.
#include <cerrno>

#include "stack/sched/pkt_cls.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

namespace {

struct cls_mall_head : tcf_proto_priv {
  bool set = false;
  uint32_t handle = 1;
  tcf_result res;
};

int mall_classify(sk_buff *, const tcf_proto *tp, tcf_result *res) {
  const auto *head = static_cast<const cls_mall_head *>(tp->root.get());
  if (!head->set) return TC_ACT_UNSPEC;
  *res = head->res;
  return TC_ACT_OK;
}

int mall_init(tcf_proto *tp) {
  tp->root = std::make_unique<cls_mall_head>();
  return 0;
}

int mall_change(tcf_proto *tp, uint32_t handle, const nlattrs &opts, netlink_ext_ack *extack) {
  auto *head = static_cast<cls_mall_head *>(tp->root.get());
  if (head->set) {
    NL_SET_ERR_MSG(extack, "matchall: only one filter per priority");
    return -EEXIST;
  }
  head->handle = handle ? handle : 1;
  head->res.classid = opts.nla_get_u32(TCA_MATCHALL_CLASSID);
  tcf_bind_filter(tp, &head->res, tp->block->cl);
  head->set = true;
  return 0;
}

void mall_walk(const tcf_proto *tp, std::vector<std::pair<uint32_t, nlattrs>> *out) {
  const auto *head = static_cast<const cls_mall_head *>(tp->root.get());
  if (!head->set) return;
  nlattrs o;
  if (head->res.classid) o.nla_put_u32(TCA_MATCHALL_CLASSID, head->res.classid);
  out->emplace_back(head->handle, std::move(o));
}

void mall_destroy(tcf_proto *tp) { tcf_unbind_filter(tp, &static_cast<cls_mall_head *>(tp->root.get())->res); }

const tcf_proto_ops cls_mall_ops = {"matchall", mall_classify, mall_init, mall_change, mall_walk, mall_destroy};
const tcf_proto_module mall_module(&cls_mall_ops);

}  // namespace

}  // namespace wirepath
