// iptables for IPv4, the kernel side (net/ipv4/netfilter/ip_tables.c and
// include/uapi/linux/netfilter_ipv4/ip_tables.h): tables of chains of rules,
// ipt_do_table walking them, and the two calls user space uses:
// ipt_do_replace (setsockopt IPT_SO_SET_REPLACE) and ipt_get_entries
// (getsockopt IPT_SO_GET_ENTRIES). The text formats (iptables-restore,
// iptables-save, iptables -L) are user space: sim/app/iptables.hpp.
//
// Tables (iptable_*.cpp, registered with xt_register_template) and where they
// hook (priority):
//   raw     PREROUTING OUTPUT                               -300
//   mangle  PREROUTING INPUT FORWARD OUTPUT POSTROUTING     -150
//   nat     PREROUTING OUTPUT (DNAT side)                   -100
//           INPUT POSTROUTING (SNAT side)                    100
//   filter  INPUT FORWARD OUTPUT                               0
// The nat table is consulted only for a connection's first packet
// (nf_nat_inet_fn); its rule counters count connections.
//
// A rule (ipt_entry) is the fixed ipt_ip part (addresses, devices,
// protocol), its matches and its target, each named and carrying its parsed
// parameters (x_tables.hpp; one file per extension: xt_mark.cpp, xt_LOG.cpp,
// xt_nat.cpp, ...). The standard target (name "") gives ACCEPT, DROP, QUEUE,
// RETURN or a jump to a user chain and is handled here, as in Linux.
//
// Usage (testbench/stack/netfilter/test_x_tables.cpp builds rules this way):
//   unsigned hooks;
//   ipt_get_info("filter", &hooks);  // one built-in xt_chain per hook, then user chains
//   ipt_replace r{"filter", chains};
//   ipt_replace_err e;
//   if (ipt_do_replace(n, {r}, &e)) puts(e.msg.c_str());  // nothing changed
//   ipt_get_entries(n, "filter", &r);  // the live rules with their counters
#pragma once

#include <any>
#include <cstdint>
#include <string>
#include <vector>

#include "stack/netfilter/netfilter.hpp"
#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

// ipt_ip.invflags.
enum : uint8_t {
  IPT_INV_VIA_IN = 0x01,
  IPT_INV_VIA_OUT = 0x02,
  IPT_INV_SRCIP = 0x08,
  IPT_INV_DSTIP = 0x10,
  IPT_INV_PROTO = 0x40,
};
// ipt_ip.flags: the standard target's jump is a goto (-g).
enum : uint8_t { IPT_F_GOTO = 0x08 };

// The fixed part of a rule (struct ipt_ip), host byte order.
struct ipt_ip {
  uint32_t src = 0, dst = 0, smsk = 0, dmsk = 0;  // addresses already masked
  std::string iniface, outiface;                  // empty: any
  uint16_t proto = 0;                             // 0: all
  uint8_t flags = 0, invflags = 0;
};

struct xt_entry_match {
  std::string name;
  int revision = -1;  // -1: the highest registered
  std::any info;
  const xt_match *match = nullptr;  // set by ipt_do_replace
};

struct xt_entry_target {
  std::string name;  // XT_STANDARD_TARGET: ""
  int revision = -1;
  std::any info;
  const xt_target *target = nullptr;  // set by ipt_do_replace; null for the standard target
};

// The standard target's name and parameters (struct xt_standard_target):
// verdict XT_VERDICT(NF_ACCEPT / NF_DROP / NF_QUEUE) or XT_RETURN; or, with a
// chain, a jump there (a goto with IPT_F_GOTO); or 0: on with the next rule.
constexpr const char *XT_STANDARD_TARGET = "";
constexpr int XT_VERDICT(unsigned nf_verdict) { return -static_cast<int>(nf_verdict) - 1; }
constexpr int XT_RETURN = XT_VERDICT(NF_REPEAT);
struct xt_standard_info {
  int verdict = 0;
  std::string chain;
};

struct ipt_entry {
  ipt_ip ip;
  std::vector<xt_entry_match> matches;
  xt_entry_target target;  // name "" and an xt_standard_info unless set
  xt_counters counters;
  // User space's own bytes, kept and returned untouched (as nftables'
  // NFTA_RULE_USERDATA): iptables-restore keeps the rule as written.
  std::string userdata;
  int jump = -1;  // the standard target's chain, by index (set by ipt_do_replace)
};

struct xt_chain {
  std::string name;
  bool builtin = false;
  unsigned policy = NF_ACCEPT;  // builtin chains only
  xt_counters counters;         // policy counters
  std::vector<ipt_entry> rules;
};

// A table as the kernel keeps it for one net.
struct xt_table {
  std::string name;
  unsigned valid_hooks = 0;  // 1 << NF_INET_*
  std::vector<xt_chain> chains;
  // Each hook's built-in chain, by index (set once, at replace), so a packet
  // never looks a chain up by name (hook_entry in struct xt_table_info).
  int hook_entry[NF_INET_NUMHOOKS] = {-1, -1, -1, -1, -1};
  std::vector<nf_hook_ops> ops;
  xt_chain *chain(const std::string &name);
  xt_chain *hook_chain(unsigned hook);
};

// A table the kernel knows (iptable_filter.cpp & co, struct xt_table's
// template part): its hooks and the ops it registers on each.
struct xt_table_template {
  std::string name;
  unsigned valid_hooks = 0;
  int priority = 0;         // orders the tables for listing: raw, mangle, nat, filter
  bool conntrack = false;   // needs connection tracking (the nat table)
  nf_hook_ops (*hook_ops)(unsigned hook) = nullptr;  // priv is set to the table
};
int xt_register_template(const xt_table_template *t);

// What user space sends for one table (struct ipt_replace): every built-in
// chain of the table and any user chains, in order.
struct ipt_replace {
  std::string name;
  std::vector<xt_chain> chains;
};

// Where ipt_do_replace refused: indexes into its request, and why.
struct ipt_replace_err {
  size_t table = 0, chain = 0, rule = 0;
  std::string msg;
};

// IPT_SO_SET_REPLACE for several tables at once: each is checked (known
// table, its built-in chains, every match and target by name, their
// checkentry, jumps to existing user chains, no loop of jumps and gotos
// reachable from a hook: mark_source_chains); then all are swapped in, or,
// on an error, none (-EINVAL, -ENOENT or -ELOOP, *err says where and why).
int ipt_do_replace(net &n, std::vector<ipt_replace> tables, ipt_replace_err *err);
// IPT_SO_GET_INFO: the hooks of a table the kernel knows (-ENOENT if none).
int ipt_get_info(const std::string &table, unsigned *valid_hooks);
// IPT_SO_GET_REVISION_TARGET, told where the rule goes (iptables asks when
// it reads -j): 0 if the kernel has the target and allows it in that table
// and chain (limits ipt_do_replace checks again), else -ENOENT or -EINVAL
// and *msg says why.
int ipt_get_revision_target(const std::string &name, const std::string &table, const std::string &chain,
                            std::string *msg);
// The tables the kernel knows, raw first and filter last.
std::vector<std::string> ipt_table_names();
// IPT_SO_GET_ENTRIES: a copy of a loaded table with its counters (-ENOENT if not loaded).
int ipt_get_entries(net &n, const std::string &table, ipt_replace *out);

xt_table *xt_find_table(net &n, const std::string &name);
// ipt_do_table: the table's chain for state.hook; the verdict.
unsigned ipt_do_table(net &n, sk_buff *skb, const nf_hook_state &state, xt_table *table);

}  // namespace wirepath
