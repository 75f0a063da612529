// The user-space side of the iptables extensions (iptables' libxtables and
// its libxt_* plugins): for each match and target the kernel knows by name
// (stack/netfilter/xt_*.cpp), the options iptables-restore accepts, how they
// fill the extension's parameter struct, and what iptables -L prints.
// The entries themselves are in libxt.cpp; adding a target is a kernel file
// plus one entry there.
#pragma once

#include <any>
#include <cstdint>
#include <string>
#include <vector>

#include "stack/ipv4/netfilter/ip_tables.hpp"

namespace wirepath {

// A mistake in the rules text: "line N: msg".
struct xt_parse_error {
  int line;
  std::string msg;
};
[[noreturn]] void xt_fail(int line, const std::string &msg);

// One option of a rule as an extension sees it.
struct xt_option_call {
  const std::string &option;  // as written ("--dport")
  bool invert;                // a "!" came before it
  int line;
  const ipt_ip &ip;  // the rule's -p/-s/-d/-i/-o so far
  std::any &info;    // the extension's parameters
  const std::vector<std::string> &tok;
  size_t &i;  // tok[i] is the option
  // The option's argument (the next token, consumed), or an error.
  const std::string &arg() const;
};

struct xtables_option {
  const char *name;
  bool invert;  // may follow "!"
};

struct xtables_match {
  const char *name;  // the kernel's xt_match
  std::vector<xtables_option> options;
  std::any (*init)();
  void (*parse)(xt_option_call &cb);
  // iptables -L -v's text for the match (" udp dpt:53").
  void (*print)(std::string &out, const xt_entry_match &m);
  uint16_t proto = 0;        // needs -p proto; with it, its options need no -m
  bool after_target = true;  // its options are still read after -j
};

struct xtables_target {
  const char *name;  // the kernel's xt_target
  std::vector<xtables_option> options;
  std::any (*init)();
  void (*parse)(xt_option_call &cb);
  void (*final_check)(const std::any &info, int line);  // may be null
  void (*print)(std::string &out, const xt_entry_target &t);
};

// The extensions, in the order iptables -L prints matches.
const std::vector<xtables_match> &xtables_matches();
const xtables_match *xtables_find_match(const std::string &name);
const xtables_target *xtables_find_target(const std::string &name);

// Parsing helpers the extensions share.
bool xtables_parse_u32(const std::string &s, uint64_t max, uint32_t *v);
bool xtables_parse_ip(const std::string &s, uint32_t *a);
// lo[sep hi] (either side may be left out); errors name the text.
void xtables_parse_port_range(const std::string &s, int line, uint16_t out[2], char sep);
// value[/mask], each at most max.
void xtables_parse_value_mask(const std::string &s, int line, uint32_t *v, uint32_t *m, uint64_t max);
std::string xtables_ip_str(uint32_t a);

}  // namespace wirepath
