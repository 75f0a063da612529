// iptables-restore, iptables-save and iptables -L: the text side of
// iptables, in user space. They talk to the kernel model only through
// ipt_get_info / ipt_do_replace / ipt_get_entries
// (stack/ipv4/netfilter/ip_tables.hpp); the per-extension options are in
// xtables.hpp / libxt.cpp.
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
//   puts(iptables_list(ns, "filter").c_str());
#pragma once

#include <string>

namespace wirepath {

struct net;

// Replace the tables the text names (as iptables-restore without --noflush;
// tables it does not name stay). Nothing changes if any line is wrong: the
// return is -EINVAL (or the kernel's error) and *err says "line N: what".
// Counters "[p:b]" are taken (iptables-restore -c).
int iptables_restore(net &n, const std::string &text, std::string *err);
// iptables-save -c: the loaded tables, with counters.
std::string iptables_save(net &n);
// iptables -L -v -n -x for one table ("" if it is not loaded).
std::string iptables_list(net &n, const std::string &table);

}  // namespace wirepath
