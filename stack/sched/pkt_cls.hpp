// Classifiers (include/net/pkt_cls.h, include/uapi/linux/pkt_cls.h,
// net/sched/cls_api.c). A classful qdisc keeps a tcf_block per attachment
// point (itself, and each class that may hold filters); the block's chain is
// a list of tcf_proto ordered by prio ("pref"); tcf_classify walks it and
// the first filter that matches fills tcf_result with a classid.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stack/sched/nlattr.hpp"
#include "stack/sched/pkt_sched.hpp"

namespace wirepath {

struct sk_buff;
struct Qdisc;
struct tcf_proto;
struct netlink_ext_ack;

// TC_ACT_* (only what the classifiers here return).
enum : int { TC_ACT_UNSPEC = -1, TC_ACT_OK = 0, TC_ACT_SHOT = 2 };

struct tcf_result {
  uint32_t classid = 0;
  unsigned long class_ = 0;  // the class bound at filter change time (tcf_bind_filter), 0 if none
};

// Per-filter private state: each classifier derives its own.
struct tcf_proto_priv {
  virtual ~tcf_proto_priv() = default;
};

struct tcf_proto_ops {
  const char *kind;
  // TC_ACT_OK and res filled on a match, TC_ACT_UNSPEC (-1) to try the next filter.
  int (*classify)(sk_buff *skb, const tcf_proto *tp, tcf_result *res);
  int (*init)(tcf_proto *tp);
  // Add or change the filter element `handle` from opts (TCA_<KIND>_*).
  int (*change)(tcf_proto *tp, uint32_t handle, const nlattrs &opts, netlink_ext_ack *extack);
  // One entry per element, for `tc filter show`: its handle and options.
  void (*walk)(const tcf_proto *tp, std::vector<std::pair<uint32_t, nlattrs>> *out);
  // Before the filter goes away: unbind its classes (tcf_unbind_filter).
  void (*destroy)(tcf_proto *tp) = nullptr;
};

struct tcf_block;

struct tcf_proto {
  const tcf_proto_ops *ops = nullptr;
  uint16_t protocol = 0;  // ETH_P_* (host order), ETH_P_ALL 0x0003 matches every skb
  uint32_t prio = 0;      // the chain position ("pref"), high 16 bits of tcm_info
  tcf_block *block = nullptr;
  std::unique_ptr<tcf_proto_priv> root;
};

// struct tcf_block with a single chain 0.
struct tcf_block {
  Qdisc *q = nullptr;
  unsigned long cl = 0;  // the class it hangs off, 0 for the qdisc itself
  std::vector<std::unique_ptr<tcf_proto>> chain;  // ascending prio
};

// tcf_classify: run the chain on skb. TC_ACT_OK with res set, or TC_ACT_UNSPEC if nothing matched.
int tcf_classify(sk_buff *skb, const tcf_block *block, tcf_result *res);
// tcf_bind_filter: resolve res->classid to a class of the block's qdisc now.
void tcf_bind_filter(tcf_proto *tp, tcf_result *res, unsigned long base);
void tcf_unbind_filter(tcf_proto *tp, tcf_result *res);

int register_tcf_proto_ops(const tcf_proto_ops *ops);
const tcf_proto_ops *tcf_proto_lookup_ops(const std::string &kind);

constexpr uint16_t ETH_P_ALL = 0x0003;

// --- u32 (include/uapi/linux/pkt_cls.h) ---------------------------------------------
struct tc_u32_key {
  uint32_t mask = 0;  // network order, as the packet bytes
  uint32_t val = 0;   // network order
  int32_t off = 0;    // from the network header
  int32_t offmask = 0;
};
enum : uint8_t { TC_U32_TERMINAL = 1, TC_U32_OFFSET = 2, TC_U32_VAROFFSET = 4, TC_U32_EAT = 8 };
// struct tc_u32_sel with its keys (the uapi's trailing keys[] array).
struct tc_u32_sel {
  uint8_t flags = 0;
  std::vector<tc_u32_key> keys;
};
enum : uint16_t {
  TCA_U32_UNSPEC, TCA_U32_CLASSID, TCA_U32_HASH, TCA_U32_LINK, TCA_U32_DIVISOR, TCA_U32_SEL, TCA_U32_POLICE,
  TCA_U32_ACT, TCA_U32_INDEV, TCA_U32_PCNT, TCA_U32_MARK, TCA_U32_FLAGS,
};
// The selector travels as flags, nkeys, then the keys (struct tc_u32_sel's layout without padding).
void u32_sel_put(nlattrs &opts, const tc_u32_sel &sel);
bool u32_sel_get(const nlattrs &opts, tc_u32_sel *sel);

// --- fw ---------------------------------------------------------------------------------
enum : uint16_t { TCA_FW_UNSPEC, TCA_FW_CLASSID, TCA_FW_POLICE, TCA_FW_INDEV, TCA_FW_ACT, TCA_FW_MASK };

// --- matchall -------------------------------------------------------------------------
enum : uint16_t { TCA_MATCHALL_UNSPEC, TCA_MATCHALL_CLASSID, TCA_MATCHALL_ACT, TCA_MATCHALL_FLAGS };

}  // namespace wirepath
