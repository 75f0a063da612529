// iptables for IPv4 (net/ipv4/netfilter/ip_tables.c, iptable_{raw,mangle,
// nat,filter}.c, the xt_* matches and targets) and the user-space side:
// iptables-restore's text format and iptables -L -v.
//
// Tables and where they hook (priority):
//   raw     PREROUTING OUTPUT                               -300
//   mangle  PREROUTING INPUT FORWARD OUTPUT POSTROUTING     -150
//   nat     PREROUTING OUTPUT (DNAT side)                   -100
//           INPUT POSTROUTING (SNAT side)                    100
//   filter  INPUT FORWARD OUTPUT                               0
// The nat table is consulted only for a connection's first packet
// (nf_nat_inet_fn); its rule counters count connections.
//
// Rules: -p [!] proto, [!] -s/-d addr[/mask], [!] -i/-o dev,
//   -m tcp/udp [!] --sport/--dport port[:port], -m tos [!] --tos v[/m],
//   -m mark [!] --mark v[/m], -m state/conntrack [!] --state/--ctstate LIST,
//   -m comment --comment "...";
// targets: ACCEPT DROP RETURN QUEUE NFQUEUE (--queue-num N, --queue-bypass)
//   MARK (--set-mark/--set-xmark v[/m], --and-mark, --or-mark, --xor-mark)
//   SNAT (--to-source a[-a][:p[-p]] [--random] [--persistent])
//   MASQUERADE ([--to-ports p[-p]] [--random]) LOG ([--log-prefix "x"]
//   [--log-level n]); -j CHAIN / -g CHAIN to user chains.
//
// Usage:
//   std::string err;
//   if (iptables_restore(ns, text, &err)) puts(err.c_str());  // "line 4: ..."
//   nf_net(ns).queue_handler = [](sk_buff *skb, const nf_hook_state &, uint16_t q) { return NF_ACCEPT; };
//   puts(iptables_list(ns, "filter").c_str());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/netfilter/netfilter.hpp"

namespace wirepath {

struct xt_counters {
  uint64_t pcnt = 0, bcnt = 0;
};

struct ipt_rule {
  int line = 0;          // where it was loaded from
  std::string spec;      // the rule as written after "-A CHAIN" (iptables-save form)
  // struct ipt_ip
  uint32_t src = 0, smsk = 0, dst = 0, dmsk = 0;
  bool inv_src = false, inv_dst = false;
  std::string iniface, outiface;
  bool inv_in = false, inv_out = false;
  uint16_t proto = 0;  // 0: all
  bool inv_proto = false;
  // matches
  bool has_sport = false, has_dport = false, inv_sport = false, inv_dport = false;
  uint16_t spts[2] = {0, 0xffff}, dpts[2] = {0, 0xffff};
  bool has_tos = false, inv_tos = false;
  uint8_t tos = 0, tos_mask = 0xff;
  bool has_mark = false, inv_mark = false;
  uint32_t mark = 0, mark_mask = 0xffffffffu;
  bool has_state = false, inv_state = false;
  unsigned statemask = 0;  // XT_STATE_* bits
  // target
  enum target_kind { T_NONE, T_ACCEPT, T_DROP, T_RETURN, T_QUEUE, T_JUMP, T_GOTO, T_MARK, T_SNAT, T_MASQUERADE, T_LOG };
  target_kind target = T_NONE;
  std::string target_name;  // as written (-j NAME)
  std::string chain;        // T_JUMP / T_GOTO
  uint32_t mark_value = 0, mark_xor_mask = 0;  // MARK: mark = (mark & ~mask) ^ value
  nf_nat_range2 range;      // SNAT / MASQUERADE
  std::string log_prefix;
  int log_level = 4;
  uint16_t queue_num = 0;
  bool queue_bypass = false;
  xt_counters counters;
};

// XT_STATE_* bits of -m state (xt_state.h).
enum : unsigned { XT_STATE_INVALID = 1u << 0, XT_STATE_UNTRACKED = 1u << 6 };
constexpr unsigned XT_STATE_BIT(unsigned ctinfo) { return 1u << (ctinfo % IP_CT_IS_REPLY + 1); }

struct xt_chain {
  std::string name;
  bool builtin = false;
  unsigned policy = NF_ACCEPT;  // builtin chains only
  xt_counters counters;         // policy counters
  std::vector<ipt_rule> rules;
};

struct xt_table {
  std::string name;
  unsigned valid_hooks = 0;  // 1 << NF_INET_*
  std::vector<xt_chain> chains;
  std::vector<nf_hook_ops> ops;
  xt_chain *chain(const std::string &name);
  xt_chain *hook_chain(unsigned hook);
};

// Replace the tables the text names (as iptables-restore without --noflush;
// tables it does not name stay). Nothing changes if any line is wrong: the
// return is -EINVAL and *err says "line N: what". Counters "[p:b]" are
// taken (iptables-restore -c).
int iptables_restore(net &n, const std::string &text, std::string *err);
// iptables-save -c: the loaded tables, with counters.
std::string iptables_save(net &n);
// iptables -L -v -n -x for one table.
std::string iptables_list(net &n, const std::string &table);
xt_table *xt_find_table(net &n, const std::string &name);
// ipt_do_table: the table's chain for state.hook; the verdict.
unsigned ipt_do_table(net &n, sk_buff *skb, const nf_hook_state &state, xt_table *table);
// The LOG target's line for a packet (nf_log_dump_packet's format).
std::string nf_log_packet_line(const sk_buff *skb, const nf_hook_state &state, const std::string &prefix);

}  // namespace wirepath
