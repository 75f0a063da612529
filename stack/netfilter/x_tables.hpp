// x_tables: the registry of iptables matches and targets
// (include/linux/netfilter/x_tables.h, net/netfilter/x_tables.c).
//
// Each extension is one file that registers itself at start-up, as a Linux
// module does in its init function:
//
//   static bool mark_mt(const sk_buff *skb, xt_action_param &par) {
//     const auto &info = xt_info<xt_mark_mtinfo1>(par.matchinfo);
//     return ((skb->mark & info.mask) == info.mark) ^ info.invert;
//   }
//   static void mark_mt_init() {
//     static xt_match m = xt_match::of<xt_mark_mtinfo1>("mark", mark_mt);
//     xt_register_match(&m);
//   }
//   module_init(mark_mt_init);
//
// A rule names its matches and target and carries each one's parsed
// parameters (the "info", a struct the extension defines, as Linux's
// matchinfo/targinfo blob); ipt_do_replace finds the extension by name,
// checks the info's type and calls checkentry before the table goes live.
#pragma once

#include <any>
#include <cstdint>
#include <string>
#include <typeinfo>

#include "stack/netfilter/netfilter.hpp"

namespace wirepath {

struct ipt_ip;

struct xt_counters {
  uint64_t pcnt = 0, bcnt = 0;
};

// The built-in chains' names, by hook (PREROUTING ... POSTROUTING).
extern const char *const xt_hook_names[NF_INET_NUMHOOKS];

// A target's "go on with the next rule" (MARK, LOG).
constexpr unsigned XT_CONTINUE = 0xFFFFFFFFu;

// What a match or target function is given (struct xt_action_param).
struct xt_action_param {
  net *n;
  const nf_hook_state *state;
  const std::any *matchinfo;  // the running match's parameters
  const std::any *targinfo;   // the target's parameters
  uint16_t fragoff;           // non-zero: not the first fragment
  bool hotdrop;               // a match sets it to drop the packet at once
};

// What checkentry is given (struct xt_mtchk_param / xt_tgchk_param).
struct xt_chk_param {
  net *n;
  const std::string &table;
  const std::string &chain;
  const ipt_ip &entryinfo;
  const std::any &info;  // the match's or the target's parameters
  unsigned hook_mask;    // 1 << NF_INET_* of a built-in chain; 0 in a user chain
  std::string *msg;      // why, when checkentry fails
};

// The parameters of a checked entry: checkentry has seen their type.
template <class T>
const T &xt_info(const std::any *info) {
  return *std::any_cast<T>(info);
}

struct xt_match {
  std::string name;
  uint8_t revision = 0;
  uint8_t family = NFPROTO_IPV4;
  const std::type_info *info_type = nullptr;  // the parameter struct (matchsize)
  bool (*match)(const sk_buff *skb, xt_action_param &par) = nullptr;
  int (*checkentry)(const xt_chk_param &par) = nullptr;  // 0, or -errno with *par.msg
  uint16_t proto = 0;     // only with -p proto (tcp_mt): 0 any
  bool conntrack = false;  // needs connection tracking (nf_ct_netns_get)

  template <class Info>
  static xt_match of(std::string n, bool (*fn)(const sk_buff *, xt_action_param &)) {
    xt_match m;
    m.name = std::move(n);
    m.info_type = &typeid(Info);
    m.match = fn;
    return m;
  }
};

struct xt_target {
  std::string name;
  uint8_t revision = 0;
  uint8_t family = NFPROTO_IPV4;
  const std::type_info *info_type = nullptr;  // the parameter struct (targetsize)
  // A verdict (NF_ACCEPT, NF_DROP, NF_QUEUE_NR(n)...) or XT_CONTINUE.
  unsigned (*target)(sk_buff *skb, const xt_action_param &par) = nullptr;
  int (*checkentry)(const xt_chk_param &par) = nullptr;
  std::string table;   // only in this table: empty any
  unsigned hooks = 0;  // only in these built-in chains (1 << NF_INET_*): 0 any

  template <class Info>
  static xt_target of(std::string n, unsigned (*fn)(sk_buff *, const xt_action_param &)) {
    xt_target t;
    t.name = std::move(n);
    t.info_type = &typeid(Info);
    t.target = fn;
    return t;
  }
};

// -EEXIST when the name and revision are taken. The registry is global, as
// the kernel's: every net sees every extension.
int xt_register_match(const xt_match *m);
int xt_register_target(const xt_target *t);
// The highest revision of that name (revision < 0) or exactly that revision.
const xt_match *xt_find_match(uint8_t family, const std::string &name, int revision = -1);
const xt_target *xt_find_target(uint8_t family, const std::string &name, int revision = -1);

// xt_check_match / xt_check_target: the generic checks (parameter type,
// protocol, table, hooks) and then the extension's checkentry.
int xt_check_match(const xt_match &m, const xt_chk_param &par);
int xt_check_target(const xt_target &t, const xt_chk_param &par);
// The table and hooks part of xt_check_target.
int xt_check_target_place(const xt_target &t, const std::string &table, const std::string &chain, unsigned hook_mask,
                          std::string *msg);

// A built-in extension's init function, run when the program starts
// (module_init). Registration order does not matter: lookups are by name.
#define module_init(fn) [[maybe_unused]] static const int fn##_initcall = (fn(), 0)

}  // namespace wirepath
