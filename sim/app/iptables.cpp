// iptables-restore's parser, iptables-save and iptables -L -v -n -x.
#include "sim/app/iptables.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "sim/app/xtables.hpp"
#include "stack/ipv4/netfilter/ip_tables.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {

int hook_by_name(const std::string &name) {
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h)
    if (name == xt_hook_names[h]) return h;
  return -1;
}

std::vector<std::string> tokenize(const std::string &s, int line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    std::string tok;
    if (s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        tok += s[i++];
      }
      if (i >= s.size()) xt_fail(line, "unterminated quoted string");
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != '\t') tok += s[i++];
    }
    out.push_back(tok);
  }
  return out;
}

// A token as iptables-save writes it (xtables_save_string): quoted when it is
// empty or holds a blank or a quote, with '"' and '\\' escaped inside the
// quotes, so tokenize() gives back exactly this token.
std::string save_token(const std::string &t) {
  // '\r' too: a line's last '\r' is taken for a CRLF line end.
  if (!t.empty() && t.find_first_of(" \t\r\"\\") == std::string::npos) return t;
  std::string q = "\"";
  for (const char ch : t) {
    if (ch == '"' || ch == '\\') q += '\\';
    q += ch;
  }
  return q + "\"";
}

void parse_addr(const std::string &s, int line, uint32_t *addr, uint32_t *mask) {
  const size_t slash = s.find('/');
  uint32_t a, m = 0xffffffffu;
  if (!xtables_parse_ip(s.substr(0, slash), &a)) xt_fail(line, fmt::format("bad address \"{}\"", s));
  if (slash != std::string::npos) {
    const std::string ms = s.substr(slash + 1);
    uint32_t len;
    if (ms.find('.') != std::string::npos) {
      if (!xtables_parse_ip(ms, &m)) xt_fail(line, fmt::format("bad mask \"{}\"", ms));
    } else if (xtables_parse_u32(ms, 32, &len)) {
      m = len ? ~0u << (32 - len) : 0;
    } else {
      xt_fail(line, fmt::format("bad prefix length \"{}\"", ms));
    }
  }
  *addr = a & m;
  *mask = m;
}

int mask_len(uint32_t m) {
  int n = 0;
  while (n < 32 && (m & (0x80000000u >> n))) ++n;
  return (n == 32 || (m << n) == 0) ? n : -1;
}

std::string addr_str(uint32_t a, uint32_t m) {
  const int l = mask_len(m);
  if (l == 32) return xtables_ip_str(a);
  return l >= 0 ? fmt::format("{}/{}", xtables_ip_str(a), l) : fmt::format("{}/{}", xtables_ip_str(a), xtables_ip_str(m));
}

const char *proto_name(uint16_t p) {
  switch (p) {
    case 0: return "all";
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP: return "icmp";
  }
  return nullptr;
}

bool has_option(const std::vector<xtables_option> &opts, const std::string &o, const xtables_option **which) {
  for (const auto &x : opts)
    if (o == x.name) {
      *which = &x;
      return true;
    }
  return false;
}

// A table being read: the request for the kernel and where each rule came from.
struct pending_table {
  ipt_replace r;
  int start_line = 0;
  std::map<std::string, int> declared;             // chain -> line
  std::vector<std::pair<int, std::string>> jumps;  // (line, chain) to resolve at COMMIT
  std::map<std::string, std::vector<int>> lines;   // chain -> each rule's line
  std::unordered_map<std::string, size_t> index;   // chain -> r.chains[i]
  xt_chain *chain(const std::string &name) {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &r.chains[it->second];
  }
  xt_chain *add_chain(xt_chain c) {
    index.emplace(c.name, r.chains.size());
    r.chains.push_back(std::move(c));
    return &r.chains.back();
  }
};

// The standard target's verdicts: no user chain may take their names.
bool is_standard_verdict(const std::string &name) {
  return name == "ACCEPT" || name == "DROP" || name == "RETURN" || name == "QUEUE";
}
// Targets named in rules that this model refuses as unsupported.
bool is_unsupported_target(const std::string &name) {
  return name == "DNAT" || name == "REDIRECT" || name == "REJECT" || name == "CT" || name == "TOS";
}

// One "-A CHAIN ..." line's rule, from tok[i] on.
ipt_entry parse_rule(const std::vector<std::string> &tok, size_t i, int line, const xt_chain &c, pending_table &pt) {
  ipt_entry e;
  e.target.info = xt_standard_info{};
  for (size_t k = i; k < tok.size(); ++k) e.userdata += (k > i ? " " : "") + save_token(tok[k]);
  std::set<std::string> modules;
  const xtables_target *target = nullptr;
  bool inv = false, have_target = false;
  auto need = [&](size_t k) -> const std::string & {
    if (k + 1 >= tok.size()) xt_fail(line, fmt::format("option \"{}\" requires an argument", tok[k]));
    return tok[k + 1];
  };
  auto no_inv = [&](const std::string &opt) {
    if (inv) xt_fail(line, fmt::format("\"!\" is not allowed before {}", opt));
  };
  auto set_inv = [&](uint8_t flag) { e.ip.invflags = static_cast<uint8_t>(inv ? e.ip.invflags | flag : e.ip.invflags & ~flag); };
  // -p, -s, -d, -i, -o at most once each (iptables' set_option).
  std::set<char> seen;
  auto once = [&](char flag) {
    if (!seen.insert(flag).second) xt_fail(line, fmt::format("multiple -{} flags not allowed", flag));
  };
  for (; i < tok.size(); ++i) {
    const std::string &o = tok[i];
    if (o == "!") {
      if (inv) xt_fail(line, "double \"!\"");
      inv = true;
      continue;
    }
    if (o == "-p" || o == "--protocol") {
      once('p');
      const std::string &v = need(i++);
      uint32_t p;
      if (v == "tcp") p = IPPROTO_TCP;
      else if (v == "udp") p = IPPROTO_UDP;
      else if (v == "icmp") p = IPPROTO_ICMP;
      else if (v == "all") p = 0;
      else if (!xtables_parse_u32(v, 255, &p)) xt_fail(line, fmt::format("unknown protocol \"{}\"", v));
      if (p == 0 && inv) xt_fail(line, "rule would never match protocol");
      e.ip.proto = static_cast<uint16_t>(p);
      set_inv(IPT_INV_PROTO);
    } else if (o == "-s" || o == "--source" || o == "-d" || o == "--destination") {
      const bool s = o == "-s" || o == "--source";
      once(s ? 's' : 'd');
      parse_addr(need(i++), line, s ? &e.ip.src : &e.ip.dst, s ? &e.ip.smsk : &e.ip.dmsk);
      set_inv(s ? IPT_INV_SRCIP : IPT_INV_DSTIP);
    } else if (o == "-i" || o == "--in-interface" || o == "-o" || o == "--out-interface") {
      const bool in = o == "-i" || o == "--in-interface";
      once(in ? 'i' : 'o');
      const unsigned bad = in ? ((1u << NF_INET_LOCAL_OUT) | (1u << NF_INET_POST_ROUTING))
                              : ((1u << NF_INET_PRE_ROUTING) | (1u << NF_INET_LOCAL_IN));
      const int h = hook_by_name(c.name);
      if (c.builtin && h >= 0 && (bad & (1u << h)))
        xt_fail(line, fmt::format("Can't use {} with {}", in ? "-i" : "-o", c.name));
      (in ? e.ip.iniface : e.ip.outiface) = need(i++);
      set_inv(in ? IPT_INV_VIA_IN : IPT_INV_VIA_OUT);
    } else if (o == "-m" || o == "--match") {
      no_inv(o);
      const std::string &m = need(i++);
      const xtables_match *mt = xtables_find_match(m);
      if (!mt) xt_fail(line, fmt::format("unknown match \"{}\"", m));
      if (mt->proto && e.ip.proto != mt->proto) xt_fail(line, fmt::format("-m {} needs -p {}", m, m));
      modules.insert(m);
    } else if (o == "-j" || o == "--jump" || o == "-g" || o == "--goto") {
      no_inv(o);
      if (have_target) xt_fail(line, "more than one target");
      have_target = true;
      const std::string &name = need(i++);
      const bool go = o == "-g" || o == "--goto";
      bool jump = false;
      if (name == "ACCEPT") e.target.info = xt_standard_info{XT_VERDICT(NF_ACCEPT), ""};
      else if (name == "DROP") e.target.info = xt_standard_info{XT_VERDICT(NF_DROP), ""};
      else if (name == "RETURN") e.target.info = xt_standard_info{XT_RETURN, ""};
      else if (name == "QUEUE") e.target.info = xt_standard_info{XT_VERDICT(NF_QUEUE), ""};
      else if ((target = xtables_find_target(name))) {
        // Ask the kernel now, as iptables does, so its complaint comes before later options'.
        std::string why;
        if (ipt_get_revision_target(name, pt.r.name, c.name, &why)) xt_fail(line, why);
        e.target.name = name;
        e.target.info = target->init();
      } else if (is_unsupported_target(name)) {
        xt_fail(line, fmt::format("target \"{}\" is not supported", name));
      } else {
        jump = true;
        e.target.info = xt_standard_info{0, name};
        if (go) e.ip.flags |= IPT_F_GOTO;
        if (hook_by_name(name) >= 0) xt_fail(line, fmt::format("cannot jump to built-in chain \"{}\"", name));
        pt.jumps.emplace_back(line, name);
      }
      if (go && !jump) xt_fail(line, fmt::format("-g needs a user chain, not \"{}\"", name));
    } else {
      // An extension's option: the target's, else a match's.
      const xtables_option *opt = nullptr;
      std::any *info = nullptr;
      if (target && has_option(target->options, o, &opt)) {
        info = &e.target.info;
      } else {
        const xtables_match *mt = nullptr;
        for (const auto &m : xtables_matches())
          if ((m.after_target || !have_target) && has_option(m.options, o, &opt)) {
            mt = &m;
            break;
          }
        if (!mt) xt_fail(line, fmt::format("unknown option \"{}\"", o));
        if (mt->proto) {
          // --sport/--dport: tcp or udp after -p, no -m needed.
          if (!((e.ip.proto == IPPROTO_TCP || e.ip.proto == IPPROTO_UDP) && !(e.ip.invflags & IPT_INV_PROTO)))
            xt_fail(line, fmt::format("{} needs -p tcp or -p udp", o));
          mt = xtables_find_match(e.ip.proto == IPPROTO_TCP ? "tcp" : "udp");
        } else {
          if (!opt->invert) no_inv(o);
          if (!modules.count(mt->name)) xt_fail(line, fmt::format("unknown option \"{}\" (needs -m {})", o, mt->name));
        }
        for (auto &m : e.matches)
          if (m.name == mt->name) info = &m.info;
        if (!info) {
          e.matches.push_back(xt_entry_match{mt->name, -1, mt->init(), nullptr});
          info = &e.matches.back().info;
        }
        xt_option_call cb{o, inv, line, e.ip, *info, tok, i};
        mt->parse(cb);
        inv = false;
        continue;
      }
      if (!opt->invert) no_inv(o);
      xt_option_call cb{o, inv, line, e.ip, *info, tok, i};
      target->parse(cb);
    }
    inv = false;
  }
  if (inv) xt_fail(line, "\"!\" at the end of the rule");
  if (target && target->final_check) target->final_check(e.target.info, line);
  return e;
}

// One counter: decimal digits only, at most 2^64-1 (strtoull alone takes
// "-1" and saturates on overflow).
uint64_t parse_counter(const std::string &v, const char *what, const std::string &s, int line) {
  errno = 0;
  char *end = nullptr;
  const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || errno == ERANGE)
    xt_fail(line, fmt::format("bad {} counter \"{}\" in \"{}\" (0 to 18446744073709551615)", what, v, s));
  return x;
}

// "[packets:bytes]"
xt_counters parse_counters(const std::string &s, int line) {
  const size_t colon = s.find(':');
  if (s.size() < 5 || s.front() != '[' || s.back() != ']' || colon == std::string::npos)
    xt_fail(line, fmt::format("bad counters \"{}\" (expected [packets:bytes])", s));
  return {parse_counter(s.substr(1, colon - 1), "packet", s, line),
          parse_counter(s.substr(colon + 1, s.size() - colon - 2), "byte", s, line)};
}

// The target column of iptables -L.
std::string target_name(const ipt_entry &e) {
  if (!e.target.name.empty()) return e.target.name;
  const auto &v = *std::any_cast<xt_standard_info>(&e.target.info);
  if (!v.chain.empty()) return v.chain;
  switch (v.verdict) {
    case XT_VERDICT(NF_ACCEPT): return "ACCEPT";
    case XT_VERDICT(NF_DROP): return "DROP";
    case XT_VERDICT(NF_QUEUE): return "QUEUE";
    case XT_RETURN: return "RETURN";
  }
  return "";
}

}  // namespace

int iptables_restore(net &n, const std::string &text, std::string *err) {
  std::vector<pending_table> done;
  pending_table cur;
  bool in_table = false;
  try {
    std::istringstream in(text);
    std::string raw;
    int line = 0;
    while (std::getline(in, raw)) {
      ++line;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      const size_t b = raw.find_first_not_of(" \t");
      if (b == std::string::npos || raw[b] == '#') continue;
      const std::string s = raw.substr(b);
      if (s[0] == '*') {
        if (in_table)
          xt_fail(line, fmt::format("table \"{}\" (line {}) was not committed before \"{}\"", cur.r.name, cur.start_line, s));
        const std::string name = s.substr(1);
        unsigned hooks;
        if (ipt_get_info(name, &hooks)) {
          std::string known;
          for (const auto &t : ipt_table_names()) known += (known.empty() ? "" : ", ") + t;
          xt_fail(line, fmt::format("unknown table \"{}\" ({})", name, known));
        }
        for (const auto &p : done)
          if (p.r.name == name) xt_fail(line, fmt::format("table \"{}\" given twice", name));
        cur = pending_table{};
        cur.r.name = name;
        for (int h = 0; h < NF_INET_NUMHOOKS; ++h)
          if (hooks & (1u << h)) {
            xt_chain c;
            c.name = xt_hook_names[h];
            c.builtin = true;
            cur.add_chain(c);
          }
        cur.start_line = line;
        in_table = true;
        continue;
      }
      if (!in_table) xt_fail(line, "rule or chain outside a table (missing \"*table\" line)");
      if (s.rfind("COMMIT", 0) == 0 && (s.size() == 6 || s[6] == ' ' || s[6] == '\t')) {
        const size_t extra = s.find_first_not_of(" \t", 6);
        if (extra != std::string::npos)
          xt_fail(line, fmt::format("COMMIT takes nothing after it, got \"{}\"", s.substr(extra)));
        for (const auto &[jl, name] : cur.jumps)
          if (!cur.chain(name)) xt_fail(jl, fmt::format("chain \"{}\" does not exist in table \"{}\"", name, cur.r.name));
        done.push_back(std::move(cur));
        cur = pending_table{};
        in_table = false;
        continue;
      }
      if (s[0] == ':') {
        const auto tok = tokenize(s.substr(1), line);
        if (tok.size() < 2) xt_fail(line, "chain line needs \":NAME POLICY [packets:bytes]\"");
        const std::string &name = tok[0], &policy = tok[1];
        if (cur.declared.count(name))
          xt_fail(line, fmt::format("chain \"{}\" declared twice (first on line {})", name, cur.declared[name]));
        cur.declared[name] = line;
        xt_chain *c = cur.chain(name);
        if (c && c->builtin) {
          if (policy == "ACCEPT") c->policy = NF_ACCEPT;
          else if (policy == "DROP") c->policy = NF_DROP;
          else xt_fail(line, fmt::format("bad policy \"{}\" for built-in chain {} (ACCEPT or DROP)", policy, name));
        } else {
          if (hook_by_name(name) >= 0) xt_fail(line, fmt::format("chain {} is not a built-in chain of table {}", name, cur.r.name));
          if (policy != "-") xt_fail(line, fmt::format("user chain \"{}\" cannot have a policy (use \"-\")", name));
          // No blanks or quotes either (iptables: "Invalid chain name"): saved, it would not read back.
          if (name.size() > 28 || name.empty() || name[0] == '-' || name == "!" ||
              name.find_first_of(" \t\r\"\\") != std::string::npos)
            xt_fail(line, fmt::format("invalid chain name \"{}\"", name));
          // -j NAME would mean the target, never the chain (iptables -N refuses it too).
          if (is_standard_verdict(name) || xtables_find_target(name) || is_unsupported_target(name))
            xt_fail(line, fmt::format("chain name \"{}\" may not clash with target name", name));
          xt_chain nc;
          nc.name = name;
          c = cur.add_chain(nc);
        }
        if (tok.size() >= 3) c->counters = parse_counters(tok[2], line);
        if (tok.size() > 3) xt_fail(line, fmt::format("unexpected \"{}\" after the chain's counters", tok[3]));
        continue;
      }
      auto tok = tokenize(s, line);
      xt_counters counters;
      size_t i = 0;
      if (!tok.empty() && tok[0][0] == '[') {
        counters = parse_counters(tok[0], line);
        i = 1;
      }
      if (i >= tok.size() || (tok[i] != "-A" && tok[i] != "--append"))
        xt_fail(line, fmt::format("expected \"-A CHAIN ...\", \":CHAIN\", \"*table\" or \"COMMIT\", got \"{}\"",
                                  i < tok.size() ? tok[i] : s));
      if (i + 1 >= tok.size()) xt_fail(line, "-A needs a chain");
      const xt_chain *c = cur.chain(tok[i + 1]);
      if (!c) xt_fail(line, fmt::format("chain \"{}\" does not exist in table \"{}\"", tok[i + 1], cur.r.name));
      ipt_entry e = parse_rule(tok, i + 2, line, *c, cur);
      e.counters = counters;
      cur.chain(tok[i + 1])->rules.push_back(std::move(e));
      cur.lines[tok[i + 1]].push_back(line);
    }
    if (in_table)
      xt_fail(line + 1, fmt::format("COMMIT expected: table \"{}\" started on line {} was not committed", cur.r.name,
                                    cur.start_line));
  } catch (const xt_parse_error &e) {
    if (err) *err = fmt::format("line {}: {}", e.line, e.msg);
    return -EINVAL;
  }
  // IPT_SO_SET_REPLACE, all tables at once: the kernel checks every match and
  // target; its complaint is reported at the rule's line.
  std::vector<ipt_replace> req;
  for (const auto &p : done) req.push_back(p.r);
  ipt_replace_err kerr;
  if (const int rc = ipt_do_replace(n, std::move(req), &kerr)) {
    if (err) {
      const pending_table &p = done[kerr.table];
      const auto &lines = p.lines.find(p.r.chains[kerr.chain].name);
      const int line = lines != p.lines.end() && kerr.rule < lines->second.size() ? lines->second[kerr.rule] : p.start_line;
      *err = fmt::format("line {}: {}", line, kerr.msg);
    }
    return rc;
  }
  if (err) err->clear();
  return 0;
}

std::string iptables_save(net &n) {
  std::string out;
  for (const auto &name : ipt_table_names()) {
    ipt_replace t;
    if (ipt_get_entries(n, name, &t)) continue;
    out += fmt::format("*{}\n", t.name);
    for (const auto &c : t.chains)
      out += fmt::format(":{} {} [{}:{}]\n", c.name, c.builtin ? (c.policy == NF_ACCEPT ? "ACCEPT" : "DROP") : "-",
                         c.counters.pcnt, c.counters.bcnt);
    for (const auto &c : t.chains)
      for (const auto &e : c.rules)
        out += fmt::format("[{}:{}] -A {}{}{}\n", e.counters.pcnt, e.counters.bcnt, c.name, e.userdata.empty() ? "" : " ",
                           e.userdata);
    out += "COMMIT\n";
  }
  return out;
}

std::string iptables_list(net &n, const std::string &table) {
  ipt_replace t;
  if (ipt_get_entries(n, table, &t)) return "";
  std::string out;
  bool first = true;
  // References to each user chain, counted in one pass (not one per chain).
  std::unordered_map<std::string, int> refs;
  for (const auto &c : t.chains)
    for (const auto &e : c.rules)
      if (e.target.name.empty()) ++refs[std::any_cast<xt_standard_info>(&e.target.info)->chain];
  for (const auto &c : t.chains) {
    if (!first) out += "\n";
    first = false;
    if (c.builtin) {
      out += fmt::format("Chain {} (policy {} {} packets, {} bytes)\n", c.name, c.policy == NF_ACCEPT ? "ACCEPT" : "DROP",
                         c.counters.pcnt, c.counters.bcnt);
    } else {
      const auto r = refs.find(c.name);
      out += fmt::format("Chain {} ({} references)\n", c.name, r == refs.end() ? 0 : r->second);
    }
    out += fmt::format("{:>8} {:>8} {:<10} {:<4} {:<3} {:<6} {:<6} {:<20} {:<20}\n", "pkts", "bytes", "target", "prot",
                       "opt", "in", "out", "source", "destination");
    for (const auto &e : c.rules) {
      const ipt_ip &ip = e.ip;
      auto bang = [&](uint8_t flag) { return (ip.invflags & flag) ? "!" : ""; };
      const char *pn = proto_name(ip.proto);
      const std::string prot = bang(IPT_INV_PROTO) + (pn ? std::string(pn) : std::to_string(ip.proto));
      const std::string in = ip.iniface.empty() ? "*" : bang(IPT_INV_VIA_IN) + ip.iniface;
      const std::string outif = ip.outiface.empty() ? "*" : bang(IPT_INV_VIA_OUT) + ip.outiface;
      const std::string src = bang(IPT_INV_SRCIP) + addr_str(ip.src, ip.smsk);
      const std::string dst = bang(IPT_INV_DSTIP) + addr_str(ip.dst, ip.dmsk);
      std::string extra;
      for (const auto &ext : xtables_matches())
        for (const auto &m : e.matches)
          if (m.name == ext.name) ext.print(extra, m);
      if (const xtables_target *tg = e.target.name.empty() ? nullptr : xtables_find_target(e.target.name))
        tg->print(extra, e.target);
      out += fmt::format("{:>8} {:>8} {:<10} {:<4} {:<3} {:<6} {:<6} {:<20} {:<20}{}\n", e.counters.pcnt,
                         e.counters.bcnt, target_name(e), prot, "--", in, outif, src, dst, extra);
    }
  }
  return out;
}

}  // namespace wirepath
