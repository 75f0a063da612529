// iptables: tables, rule matching (ipt_do_table), the targets, and the
// iptables-restore / iptables-save / iptables -L formats.
#include "stack/ipv4/netfilter/ip_tables.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <set>
#include <sstream>

#include "stack/core/byteorder.hpp"
#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {

const char *const kHookNames[NF_INET_NUMHOOKS] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};

struct table_def {
  const char *name;
  unsigned hooks;
  int priority;
};
constexpr unsigned H(nf_inet_hooks h) { return 1u << h; }
const table_def kTables[] = {
    {"raw", H(NF_INET_PRE_ROUTING) | H(NF_INET_LOCAL_OUT), NF_IP_PRI_RAW},
    {"mangle",
     H(NF_INET_PRE_ROUTING) | H(NF_INET_LOCAL_IN) | H(NF_INET_FORWARD) | H(NF_INET_LOCAL_OUT) | H(NF_INET_POST_ROUTING),
     NF_IP_PRI_MANGLE},
    {"nat", H(NF_INET_PRE_ROUTING) | H(NF_INET_LOCAL_IN) | H(NF_INET_LOCAL_OUT) | H(NF_INET_POST_ROUTING), 0},
    {"filter", H(NF_INET_LOCAL_IN) | H(NF_INET_FORWARD) | H(NF_INET_LOCAL_OUT), NF_IP_PRI_FILTER},
};
const table_def *find_def(const std::string &name) {
  for (const auto &d : kTables)
    if (name == d.name) return &d;
  return nullptr;
}

int hook_by_name(const std::string &name) {
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h)
    if (name == kHookNames[h]) return h;
  return -1;
}

// The table hooks: iptable_filter_hook & co, and the nat table's nf_nat_ipv4 ops.
unsigned iptable_hook(void *priv, sk_buff *skb, const nf_hook_state &state) {
  return ipt_do_table(*state.n, skb, state, static_cast<xt_table *>(priv));
}
unsigned nf_nat_ipv4_hook(void *, sk_buff *skb, const nf_hook_state &state) {
  return nf_nat_inet_fn(*state.n, skb, state);
}

// --- matching --------------------------------------------------------------------

bool port_match(uint16_t min, uint16_t max, uint16_t port, bool inv) { return (port >= min && port <= max) ^ inv; }

bool ipt_match(const ipt_rule &r, const sk_buff *skb, const nf_hook_state &state) {
  const iphdr *iph = ip_hdr(skb);
  const uint32_t saddr = be32_to_cpu(iph->saddr), daddr = be32_to_cpu(iph->daddr);
  // ip_packet_match
  if ((((saddr & r.smsk) != r.src) ^ r.inv_src) || (((daddr & r.dmsk) != r.dst) ^ r.inv_dst)) return false;
  if (!r.iniface.empty() && (((state.in ? state.in->name : "") != r.iniface) ^ r.inv_in)) return false;
  if (!r.outiface.empty() && (((state.out ? state.out->name : "") != r.outiface) ^ r.inv_out)) return false;
  if (r.proto && ((iph->protocol == r.proto) ^ r.inv_proto) == false) return false;
  const bool fragoff = (iph->frag_off & cpu_to_be16(IP_OFFSET)) != 0;
  if (r.has_sport || r.has_dport) {
    // tcp_mt / udp_mt: never on non-first fragments.
    if (fragoff) return false;
    const uint8_t *l4 = skb->network_hdr() + iph->ihl() * 4u;
    if (skb->tail - l4 < 4) return false;
    const uint16_t sp = static_cast<uint16_t>((l4[0] << 8) | l4[1]), dp = static_cast<uint16_t>((l4[2] << 8) | l4[3]);
    if (r.has_sport && !port_match(r.spts[0], r.spts[1], sp, r.inv_sport)) return false;
    if (r.has_dport && !port_match(r.dpts[0], r.dpts[1], dp, r.inv_dport)) return false;
  }
  if (r.has_tos && (((iph->tos & r.tos_mask) == r.tos) ^ r.inv_tos) == false) return false;
  if (r.has_mark && (((skb->mark & r.mark_mask) == r.mark) ^ r.inv_mark) == false) return false;
  if (r.has_state) {
    unsigned bit;
    if (skb->nfct)
      bit = XT_STATE_BIT(skb->nfctinfo);
    else
      bit = skb->nfctinfo == IP_CT_UNTRACKED ? XT_STATE_UNTRACKED : XT_STATE_INVALID;
    if ((((r.statemask & bit) != 0) ^ r.inv_state) == false) return false;
  }
  return true;
}

std::string ip_str(uint32_t a) { return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255); }

int mask_len(uint32_t m) {
  int n = 0;
  while (n < 32 && (m & (0x80000000u >> n))) ++n;
  return (n == 32 || (m << n) == 0) ? n : -1;
}

std::string addr_str(uint32_t a, uint32_t m) {
  const int l = mask_len(m);
  if (l == 32) return ip_str(a);
  return l >= 0 ? fmt::format("{}/{}", ip_str(a), l) : fmt::format("{}/{}", ip_str(a), ip_str(m));
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

// --- parsing ---------------------------------------------------------------------

struct parse_error {
  int line;
  std::string msg;
};

[[noreturn]] void fail(int line, const std::string &msg) { throw parse_error{line, msg}; }

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
      if (i >= s.size()) fail(line, "unterminated quoted string");
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != '\t') tok += s[i++];
    }
    out.push_back(tok);
  }
  return out;
}

bool parse_u32(const std::string &s, uint64_t max, uint32_t *v) {
  if (s.empty()) return false;
  char *end = nullptr;
  const unsigned long long x = std::strtoull(s.c_str(), &end, 0);
  if (*end || x > max || s[0] == '-') return false;
  *v = static_cast<uint32_t>(x);
  return true;
}

bool parse_ip(const std::string &s, uint32_t *a) {
  uint32_t v = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i || j - i > 3) return false;
    const int octet = std::atoi(s.substr(i, j - i).c_str());
    if (octet > 255) return false;
    v = (v << 8) | static_cast<uint32_t>(octet);
    ++parts;
    if (parts < 4) {
      if (j >= s.size() || s[j] != '.') return false;
      i = j + 1;
    } else if (j != s.size()) {
      return false;
    } else {
      i = j;
    }
  }
  *a = v;
  return true;
}

void parse_addr(const std::string &s, int line, uint32_t *addr, uint32_t *mask) {
  const size_t slash = s.find('/');
  uint32_t a, m = 0xffffffffu;
  if (!parse_ip(s.substr(0, slash), &a)) fail(line, fmt::format("bad address \"{}\"", s));
  if (slash != std::string::npos) {
    const std::string ms = s.substr(slash + 1);
    uint32_t len;
    if (ms.find('.') != std::string::npos) {
      if (!parse_ip(ms, &m)) fail(line, fmt::format("bad mask \"{}\"", ms));
    } else if (parse_u32(ms, 32, &len)) {
      m = inet_make_mask(static_cast<uint8_t>(len));
    } else {
      fail(line, fmt::format("bad prefix length \"{}\"", ms));
    }
  }
  *addr = a & m;
  *mask = m;
}

void parse_port_range(const std::string &s, int line, uint16_t out[2], char sep) {
  const size_t c = s.find(sep);
  uint32_t lo = 0, hi = 0xffff;
  const std::string a = s.substr(0, c), b = c == std::string::npos ? a : s.substr(c + 1);
  if (!(a.empty() && c != std::string::npos) && !parse_u32(a, 0xffff, &lo)) fail(line, fmt::format("invalid port/service \"{}\"", s));
  if (c == std::string::npos) hi = lo;
  else if (!b.empty() && !parse_u32(b, 0xffff, &hi)) fail(line, fmt::format("invalid port/service \"{}\"", s));
  if (lo > hi) fail(line, fmt::format("invalid port range \"{}\" (start above end)", s));
  out[0] = static_cast<uint16_t>(lo);
  out[1] = static_cast<uint16_t>(hi);
}

void parse_value_mask(const std::string &s, int line, uint32_t *v, uint32_t *m, uint64_t max) {
  const size_t slash = s.find('/');
  if (!parse_u32(s.substr(0, slash), max, v)) fail(line, fmt::format("bad value \"{}\"", s));
  if (slash != std::string::npos && !parse_u32(s.substr(slash + 1), max, m)) fail(line, fmt::format("bad mask in \"{}\"", s));
}

unsigned parse_states(const std::string &s, int line) {
  unsigned mask = 0;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "INVALID") mask |= XT_STATE_INVALID;
    else if (item == "ESTABLISHED") mask |= XT_STATE_BIT(IP_CT_ESTABLISHED);
    else if (item == "RELATED") mask |= XT_STATE_BIT(IP_CT_RELATED);
    else if (item == "NEW") mask |= XT_STATE_BIT(IP_CT_NEW);
    else if (item == "UNTRACKED") mask |= XT_STATE_UNTRACKED;
    else fail(line, fmt::format("bad state \"{}\"", item));
  }
  return mask;
}

void parse_nat_range(const std::string &s, int line, bool ports_ok, nf_nat_range2 *r) {
  // a[-b][:p[-q]]
  const size_t colon = s.find(':');
  const std::string addrs = s.substr(0, colon);
  if (!addrs.empty()) {
    const size_t dash = addrs.find('-');
    if (!parse_ip(addrs.substr(0, dash), &r->min_addr)) fail(line, fmt::format("bad IP address \"{}\"", addrs));
    r->max_addr = r->min_addr;
    if (dash != std::string::npos && !parse_ip(addrs.substr(dash + 1), &r->max_addr))
      fail(line, fmt::format("bad IP address \"{}\"", addrs));
    if (r->max_addr < r->min_addr) fail(line, fmt::format("bad address range \"{}\"", addrs));
    r->flags |= NF_NAT_RANGE_MAP_IPS;
  }
  if (colon != std::string::npos) {
    if (!ports_ok) fail(line, "need TCP or UDP (-p tcp/udp) with a port specification");
    uint16_t pr[2];
    parse_port_range(s.substr(colon + 1), line, pr, '-');
    r->min_proto = pr[0];
    r->max_proto = pr[1];
    r->flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
  }
}

struct pending_table {
  std::unique_ptr<xt_table> t;
  int start_line = 0;
  std::map<std::string, int> declared;  // chain -> line
  std::vector<std::pair<int, std::string>> jumps;  // (line, chain) to resolve at COMMIT
};

ipt_rule parse_rule(const std::vector<std::string> &tok, size_t i, int line, const xt_table &t, const xt_chain &c,
                    pending_table &pt) {
  ipt_rule r;
  r.line = line;
  for (size_t k = i; k < tok.size(); ++k) r.spec += (k > i ? " " : "") + (tok[k].find(' ') != std::string::npos ? "\"" + tok[k] + "\"" : tok[k]);
  std::set<std::string> modules;
  bool inv = false, have_target = false;
  auto need = [&](size_t k) -> const std::string & {
    if (k + 1 >= tok.size()) fail(line, fmt::format("option \"{}\" requires an argument", tok[k]));
    return tok[k + 1];
  };
  auto no_inv = [&](const std::string &opt) {
    if (inv) fail(line, fmt::format("\"!\" is not allowed before {}", opt));
  };
  for (; i < tok.size(); ++i) {
    const std::string &o = tok[i];
    if (o == "!") {
      if (inv) fail(line, "double \"!\"");
      inv = true;
      continue;
    }
    if (o == "-p" || o == "--protocol") {
      const std::string &v = need(i++);
      uint32_t p;
      if (v == "tcp") p = IPPROTO_TCP;
      else if (v == "udp") p = IPPROTO_UDP;
      else if (v == "icmp") p = IPPROTO_ICMP;
      else if (v == "all") p = 0;
      else if (!parse_u32(v, 255, &p)) fail(line, fmt::format("unknown protocol \"{}\"", v));
      if (p == 0 && inv) fail(line, "rule would never match protocol");
      r.proto = static_cast<uint16_t>(p);
      r.inv_proto = inv;
    } else if (o == "-s" || o == "--source" || o == "-d" || o == "--destination") {
      const bool s = o == "-s" || o == "--source";
      parse_addr(need(i++), line, s ? &r.src : &r.dst, s ? &r.smsk : &r.dmsk);
      (s ? r.inv_src : r.inv_dst) = inv;
    } else if (o == "-i" || o == "--in-interface" || o == "-o" || o == "--out-interface") {
      const bool in = o == "-i" || o == "--in-interface";
      const unsigned bad = in ? (H(NF_INET_LOCAL_OUT) | H(NF_INET_POST_ROUTING)) : (H(NF_INET_PRE_ROUTING) | H(NF_INET_LOCAL_IN));
      const int h = hook_by_name(c.name);
      if (c.builtin && h >= 0 && (bad & (1u << h)))
        fail(line, fmt::format("Can't use {} with {}", in ? "-i" : "-o", c.name));
      (in ? r.iniface : r.outiface) = need(i++);
      (in ? r.inv_in : r.inv_out) = inv;
    } else if (o == "-m" || o == "--match") {
      no_inv(o);
      const std::string &m = need(i++);
      static const std::set<std::string> known = {"tcp", "udp", "tos", "mark", "state", "conntrack", "comment"};
      if (!known.count(m)) fail(line, fmt::format("unknown match \"{}\"", m));
      if ((m == "tcp" && r.proto != IPPROTO_TCP) || (m == "udp" && r.proto != IPPROTO_UDP))
        fail(line, fmt::format("-m {} needs -p {}", m, m));
      modules.insert(m);
    } else if (o == "--sport" || o == "--source-port" || o == "--dport" || o == "--destination-port") {
      if (!((r.proto == IPPROTO_TCP || r.proto == IPPROTO_UDP) && !r.inv_proto))
        fail(line, fmt::format("{} needs -p tcp or -p udp", o));
      const bool s = o == "--sport" || o == "--source-port";
      parse_port_range(need(i++), line, s ? r.spts : r.dpts, ':');
      (s ? r.has_sport : r.has_dport) = true;
      (s ? r.inv_sport : r.inv_dport) = inv;
    } else if (o == "--tos") {
      if (!modules.count("tos")) fail(line, "unknown option \"--tos\" (needs -m tos)");
      uint32_t v, m = 0xff;
      parse_value_mask(need(i++), line, &v, &m, 0xff);
      r.has_tos = true;
      r.tos = static_cast<uint8_t>(v & m);
      r.tos_mask = static_cast<uint8_t>(m);
      r.inv_tos = inv;
    } else if (o == "--mark" && !have_target) {
      if (!modules.count("mark")) fail(line, "unknown option \"--mark\" (needs -m mark)");
      uint32_t v, m = 0xffffffffu;
      parse_value_mask(need(i++), line, &v, &m, 0xffffffffu);
      r.has_mark = true;
      r.mark = v & m;
      r.mark_mask = m;
      r.inv_mark = inv;
    } else if (o == "--state" || o == "--ctstate") {
      if (!modules.count(o == "--state" ? "state" : "conntrack"))
        fail(line, fmt::format("unknown option \"{}\" (needs -m {})", o, o == "--state" ? "state" : "conntrack"));
      r.has_state = true;
      r.statemask = parse_states(need(i++), line);
      r.inv_state = inv;
    } else if (o == "--comment") {
      no_inv(o);
      if (!modules.count("comment")) fail(line, "unknown option \"--comment\" (needs -m comment)");
      ++i;
    } else if (o == "-j" || o == "--jump" || o == "-g" || o == "--goto") {
      no_inv(o);
      if (have_target) fail(line, "more than one target");
      have_target = true;
      const std::string &name = need(i++);
      r.target_name = name;
      const bool go = o == "-g" || o == "--goto";
      if (name == "ACCEPT") r.target = ipt_rule::T_ACCEPT;
      else if (name == "DROP") r.target = ipt_rule::T_DROP;
      else if (name == "RETURN") r.target = ipt_rule::T_RETURN;
      else if (name == "QUEUE" || name == "NFQUEUE") r.target = ipt_rule::T_QUEUE;
      else if (name == "MARK") r.target = ipt_rule::T_MARK;
      else if (name == "LOG") r.target = ipt_rule::T_LOG;
      else if (name == "SNAT" || name == "MASQUERADE") {
        if (t.name != "nat") fail(line, fmt::format("{} is only valid in the nat table", name));
        const int h = hook_by_name(c.name);
        const bool ok = !c.builtin || h == NF_INET_POST_ROUTING || (name == "SNAT" && h == NF_INET_LOCAL_IN);
        if (!ok) fail(line, fmt::format("{} is not valid in chain {} (only {})", name, c.name,
                                        name == "SNAT" ? "POSTROUTING and INPUT" : "POSTROUTING"));
        r.target = name == "SNAT" ? ipt_rule::T_SNAT : ipt_rule::T_MASQUERADE;
      } else if (name == "DNAT" || name == "REDIRECT" || name == "REJECT" || name == "CT" || name == "TOS") {
        fail(line, fmt::format("target \"{}\" is not supported", name));
      } else {
        r.target = go ? ipt_rule::T_GOTO : ipt_rule::T_JUMP;
        r.chain = name;
        if (find_def(t.name) && hook_by_name(name) >= 0) fail(line, fmt::format("cannot jump to built-in chain \"{}\"", name));
        pt.jumps.emplace_back(line, name);
      }
      if (go && r.target != ipt_rule::T_GOTO) fail(line, fmt::format("-g needs a user chain, not \"{}\"", name));
      if (r.target == ipt_rule::T_MARK) {
        r.mark_xor_mask = 0;  // filled by an option
      }
    } else if (have_target && r.target == ipt_rule::T_MARK &&
               (o == "--set-mark" || o == "--set-xmark" || o == "--and-mark" || o == "--or-mark" || o == "--xor-mark")) {
      no_inv(o);
      uint32_t v, m = 0xffffffffu;
      parse_value_mask(need(i++), line, &v, &m, 0xffffffffu);
      if (o == "--set-mark") r.mark_value = v, r.mark_xor_mask = m | v;
      else if (o == "--set-xmark") r.mark_value = v, r.mark_xor_mask = m;
      else if (o == "--and-mark") r.mark_value = 0, r.mark_xor_mask = ~v;
      else if (o == "--or-mark") r.mark_value = v, r.mark_xor_mask = v;
      else r.mark_value = v, r.mark_xor_mask = 0;
    } else if (have_target && r.target == ipt_rule::T_SNAT && o == "--to-source") {
      no_inv(o);
      parse_nat_range(need(i++), line, (r.proto == IPPROTO_TCP || r.proto == IPPROTO_UDP) && !r.inv_proto, &r.range);
    } else if (have_target && r.target == ipt_rule::T_MASQUERADE && o == "--to-ports") {
      no_inv(o);
      if (!((r.proto == IPPROTO_TCP || r.proto == IPPROTO_UDP) && !r.inv_proto))
        fail(line, "need TCP or UDP (-p tcp/udp) with --to-ports");
      uint16_t pr[2];
      parse_port_range(need(i++), line, pr, '-');
      r.range.min_proto = pr[0];
      r.range.max_proto = pr[1];
      r.range.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
    } else if (have_target && (r.target == ipt_rule::T_SNAT || r.target == ipt_rule::T_MASQUERADE) &&
               (o == "--random" || o == "--random-fully" || o == "--persistent")) {
      no_inv(o);
      r.range.flags |= o == "--random" ? NF_NAT_RANGE_PROTO_RANDOM
                       : o == "--random-fully" ? NF_NAT_RANGE_PROTO_RANDOM_FULLY
                                               : NF_NAT_RANGE_PERSISTENT;
    } else if (have_target && r.target == ipt_rule::T_LOG && o == "--log-prefix") {
      no_inv(o);
      r.log_prefix = need(i++);
      if (r.log_prefix.size() > 29) fail(line, "Maximum prefix length 29 for --log-prefix");
    } else if (have_target && r.target == ipt_rule::T_LOG && o == "--log-level") {
      no_inv(o);
      uint32_t lv;
      if (!parse_u32(need(i++), 7, &lv)) fail(line, fmt::format("bad --log-level \"{}\"", tok[i]));
      r.log_level = static_cast<int>(lv);
    } else if (have_target && r.target == ipt_rule::T_QUEUE && r.target_name == "NFQUEUE" &&
               (o == "--queue-num" || o == "--queue-bypass")) {
      no_inv(o);
      if (o == "--queue-bypass") {
        r.queue_bypass = true;
      } else {
        uint32_t q;
        if (!parse_u32(need(i++), 0xffff, &q)) fail(line, fmt::format("bad --queue-num \"{}\"", tok[i]));
        r.queue_num = static_cast<uint16_t>(q);
      }
    } else {
      fail(line, fmt::format("unknown option \"{}\"", o));
    }
    inv = false;
  }
  if (inv) fail(line, "\"!\" at the end of the rule");
  if (r.target == ipt_rule::T_SNAT && !(r.range.flags & NF_NAT_RANGE_MAP_IPS) && !(r.range.flags & NF_NAT_RANGE_PROTO_SPECIFIED))
    fail(line, "SNAT needs --to-source");
  return r;
}

xt_table make_table_shell(const table_def &d) {
  xt_table t;
  t.name = d.name;
  t.valid_hooks = d.hooks;
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h)
    if (d.hooks & (1u << h)) {
      xt_chain c;
      c.name = kHookNames[h];
      c.builtin = true;
      t.chains.push_back(c);
    }
  return t;
}

void register_table(net &n, xt_table *t) {
  const table_def *d = find_def(t->name);
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h) {
    if (!(d->hooks & (1u << h))) continue;
    nf_hook_ops ops{};
    ops.pf = NFPROTO_IPV4;
    ops.hooknum = static_cast<unsigned>(h);
    if (t->name == "nat") {
      ops.hook = nf_nat_ipv4_hook;
      ops.priority = (h == NF_INET_POST_ROUTING || h == NF_INET_LOCAL_IN) ? NF_IP_PRI_NAT_SRC : NF_IP_PRI_NAT_DST;
      ops.name = (h == NF_INET_POST_ROUTING || h == NF_INET_LOCAL_IN) ? "nat src" : "nat dst";
    } else {
      ops.hook = iptable_hook;
      ops.priv = t;
      ops.priority = d->priority;
      ops.name = d->name;
    }
    t->ops.push_back(ops);
  }
  for (const auto &ops : t->ops) nf_register_net_hook(n, &ops);
}

bool uses_conntrack(const xt_table &t) {
  if (t.name == "nat") return true;
  for (const auto &c : t.chains)
    for (const auto &r : c.rules)
      if (r.has_state) return true;
  return false;
}

}  // namespace

xt_chain *xt_table::chain(const std::string &cname) {
  for (auto &c : chains)
    if (c.name == cname) return &c;
  return nullptr;
}

xt_chain *xt_table::hook_chain(unsigned hook) {
  if (!(valid_hooks & (1u << hook))) return nullptr;
  return chain(kHookNames[hook]);
}

xt_table *xt_find_table(net &n, const std::string &name) {
  for (auto &t : nf_net(n).tables)
    if (t->name == name) return t.get();
  return nullptr;
}

std::string nf_log_packet_line(const sk_buff *skb, const nf_hook_state &state, const std::string &prefix) {
  const iphdr *iph = ip_hdr(skb);
  std::string s = fmt::format("{}IN={} OUT={} ", prefix, state.in ? state.in->name : "", state.out ? state.out->name : "");
  const uint16_t frag = be16_to_cpu(iph->frag_off);
  s += fmt::format("SRC={} DST={} LEN={} TOS=0x{:02X} PREC=0x{:02X} TTL={} ID={} ", ip_str(be32_to_cpu(iph->saddr)),
                   ip_str(be32_to_cpu(iph->daddr)), be16_to_cpu(iph->tot_len), iph->tos & 0x1e, iph->tos & 0xe0,
                   iph->ttl, be16_to_cpu(iph->id));
  if (frag & 0x8000) s += "CE ";
  if (frag & IP_DF) s += "DF ";
  if (frag & IP_MF) s += "MF ";
  if (frag & IP_OFFSET) {
    s += fmt::format("FRAG:{} ", frag & IP_OFFSET);
  }
  const uint8_t *l4 = skb->network_hdr() + iph->ihl() * 4u;
  const bool first = !(frag & IP_OFFSET);
  auto rd16 = [&](int o) { return static_cast<uint16_t>((l4[o] << 8) | l4[o + 1]); };
  if (iph->protocol == IPPROTO_UDP && first && skb->tail - l4 >= 8) {
    s += fmt::format("PROTO=UDP SPT={} DPT={} LEN={} ", rd16(0), rd16(2), rd16(4));
  } else if (iph->protocol == IPPROTO_TCP && first && skb->tail - l4 >= 20) {
    const uint32_t seq = (uint32_t{rd16(4)} << 16) | rd16(6), ack = (uint32_t{rd16(8)} << 16) | rd16(10);
    s += fmt::format("PROTO=TCP SPT={} DPT={} SEQ={} ACK={} WINDOW={} RES=0x{:02x} ", rd16(0), rd16(2), seq, ack,
                     rd16(14), l4[12] & 0x0f);
    const uint8_t f = l4[13];
    if (f & 0x20) s += "URG ";
    if (f & 0x10) s += "ACK ";
    if (f & 0x08) s += "PSH ";
    if (f & 0x04) s += "RST ";
    if (f & 0x02) s += "SYN ";
    if (f & 0x01) s += "FIN ";
    s += fmt::format("URGP={} ", rd16(18));
  } else if (iph->protocol == IPPROTO_ICMP && first && skb->tail - l4 >= 8) {
    s += fmt::format("PROTO=ICMP TYPE={} CODE={} ", l4[0], l4[1]);
    if (l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY) s += fmt::format("ID={} SEQ={} ", rd16(4), rd16(6));
  } else {
    s += fmt::format("PROTO={} ", iph->protocol);
  }
  if (skb->mark) s += fmt::format("MARK=0x{:x} ", skb->mark);
  return s;
}

unsigned ipt_do_table(net &n, sk_buff *skb, const nf_hook_state &state, xt_table *table) {
  xt_chain *c = table->hook_chain(state.hook);
  if (!c) return NF_ACCEPT;
  xt_chain *base = c;
  std::vector<std::pair<xt_chain *, size_t>> stack;  // return points of -j CHAIN
  size_t i = 0;
  // RETURN, or the end of a chain: back to the rule after the jump, or, with
  // nothing to return to (the built-in chain, or reached by -g), true: the
  // built-in chain's policy decides.
  auto chain_return = [&]() {
    if (stack.empty()) {
      ++base->counters.pcnt;
      base->counters.bcnt += skb->len;
      return true;
    }
    c = stack.back().first;
    i = stack.back().second;
    stack.pop_back();
    return false;
  };
  for (;;) {
    if (i >= c->rules.size()) {
      if (chain_return()) return base->policy;
      continue;
    }
    ipt_rule &r = c->rules[i];
    if (!ipt_match(r, skb, state)) {
      ++i;
      continue;
    }
    ++r.counters.pcnt;
    r.counters.bcnt += skb->len;
    switch (r.target) {
      case ipt_rule::T_NONE: ++i; break;
      case ipt_rule::T_ACCEPT: return NF_ACCEPT;
      case ipt_rule::T_DROP: return NF_DROP;
      case ipt_rule::T_QUEUE: return NF_QUEUE_NR(r.queue_num) | (r.queue_bypass ? 0x8000u : 0u);
      case ipt_rule::T_RETURN:
        if (chain_return()) return base->policy;
        break;
      case ipt_rule::T_JUMP:
      case ipt_rule::T_GOTO: {
        xt_chain *to = table->chain(r.chain);
        if (r.target == ipt_rule::T_JUMP) stack.emplace_back(c, i + 1);
        c = to;
        i = 0;
        break;
      }
      case ipt_rule::T_MARK:
        skb->mark = (skb->mark & ~r.mark_xor_mask) ^ r.mark_value;
        ++i;
        break;
      case ipt_rule::T_LOG: {
        netns_nf &nf = nf_net(n);
        nf.log.push_back(nf_log_packet_line(skb, state, r.log_prefix));
        if (nf.log.size() > 1000) nf.log.erase(nf.log.begin());
        ++i;
        break;
      }
      case ipt_rule::T_SNAT: {
        nf_conn *ct = skb->nfct.get();
        if (!ct) return NF_ACCEPT;
        return nf_nat_setup_info(n, ct, r.range, NF_NAT_MANIP_SRC);
      }
      case ipt_rule::T_MASQUERADE: return nf_nat_masquerade_ipv4(n, skb, r.range, state.out);
    }
  }
}

int iptables_restore(net &n, const std::string &text, std::string *err) {
  std::vector<pending_table> done;
  pending_table cur;
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
        if (cur.t) fail(line, fmt::format("table \"{}\" (line {}) was not committed before \"{}\"", cur.t->name, cur.start_line, s));
        const std::string name = s.substr(1);
        const table_def *d = find_def(name);
        if (!d) fail(line, fmt::format("unknown table \"{}\" (raw, mangle, nat, filter)", name));
        for (const auto &p : done)
          if (p.t->name == name) fail(line, fmt::format("table \"{}\" given twice", name));
        cur = pending_table{};
        cur.t = std::make_unique<xt_table>(make_table_shell(*d));
        cur.start_line = line;
        continue;
      }
      if (!cur.t) fail(line, "rule or chain outside a table (missing \"*table\" line)");
      xt_table &t = *cur.t;
      if (s == "COMMIT") {
        for (const auto &[jl, name] : cur.jumps)
          if (!t.chain(name)) fail(jl, fmt::format("chain \"{}\" does not exist in table \"{}\"", name, t.name));
        done.push_back(std::move(cur));
        cur = pending_table{};
        continue;
      }
      if (s[0] == ':') {
        const auto tok = tokenize(s.substr(1), line);
        if (tok.size() < 2) fail(line, "chain line needs \":NAME POLICY [packets:bytes]\"");
        const std::string &name = tok[0], &policy = tok[1];
        if (cur.declared.count(name)) fail(line, fmt::format("chain \"{}\" declared twice (first on line {})", name, cur.declared[name]));
        cur.declared[name] = line;
        xt_chain *c = t.chain(name);
        if (c && c->builtin) {
          if (policy == "ACCEPT") c->policy = NF_ACCEPT;
          else if (policy == "DROP") c->policy = NF_DROP;
          else fail(line, fmt::format("bad policy \"{}\" for built-in chain {} (ACCEPT or DROP)", policy, name));
        } else {
          if (hook_by_name(name) >= 0) fail(line, fmt::format("chain {} is not a built-in chain of table {}", name, t.name));
          if (policy != "-") fail(line, fmt::format("user chain \"{}\" cannot have a policy (use \"-\")", name));
          if (name.size() > 28 || name.empty() || name[0] == '-' || name == "!")
            fail(line, fmt::format("invalid chain name \"{}\"", name));
          xt_chain nc;
          nc.name = name;
          t.chains.push_back(nc);
          c = &t.chains.back();
        }
        if (tok.size() >= 3) {
          unsigned long long p, by;
          if (std::sscanf(tok[2].c_str(), "[%llu:%llu]", &p, &by) != 2) fail(line, fmt::format("bad counters \"{}\"", tok[2]));
          c->counters = {p, by};
        }
        continue;
      }
      auto tok = tokenize(s, line);
      xt_counters counters;
      size_t i = 0;
      if (!tok.empty() && tok[0][0] == '[') {
        unsigned long long p, by;
        if (std::sscanf(tok[0].c_str(), "[%llu:%llu]", &p, &by) != 2) fail(line, fmt::format("bad counters \"{}\"", tok[0]));
        counters = {p, by};
        i = 1;
      }
      if (i >= tok.size() || (tok[i] != "-A" && tok[i] != "--append"))
        fail(line, fmt::format("expected \"-A CHAIN ...\", \":CHAIN\", \"*table\" or \"COMMIT\", got \"{}\"", i < tok.size() ? tok[i] : s));
      if (i + 1 >= tok.size()) fail(line, "-A needs a chain");
      xt_chain *c = t.chain(tok[i + 1]);
      if (!c) fail(line, fmt::format("chain \"{}\" does not exist in table \"{}\"", tok[i + 1], t.name));
      ipt_rule r = parse_rule(tok, i + 2, line, t, *c, cur);
      r.counters = counters;
      t.chain(tok[i + 1])->rules.push_back(std::move(r));
    }
    if (cur.t) fail(line + 1, fmt::format("COMMIT expected: table \"{}\" started on line {} was not committed", cur.t->name, cur.start_line));
  } catch (const parse_error &e) {
    if (err) *err = fmt::format("line {}: {}", e.line, e.msg);
    return -EINVAL;
  }
  // Swap the new tables in (xt_replace_table).
  netns_nf &nf = nf_net(n);
  for (auto &p : done) {
    for (auto it = nf.tables.begin(); it != nf.tables.end(); ++it)
      if ((*it)->name == p.t->name) {
        for (const auto &ops : (*it)->ops) nf_unregister_net_hook(n, &ops);
        nf.tables.erase(it);
        break;
      }
    if (uses_conntrack(*p.t)) nf_conntrack_ensure(n);
    nf.tables.push_back(std::move(p.t));
    register_table(n, nf.tables.back().get());
  }
  if (err) err->clear();
  return 0;
}

std::string iptables_save(net &n) {
  std::string out;
  for (const auto &d : kTables) {
    xt_table *t = xt_find_table(n, d.name);
    if (!t) continue;
    out += fmt::format("*{}\n", t->name);
    for (const auto &c : t->chains)
      out += fmt::format(":{} {} [{}:{}]\n", c.name, c.builtin ? (c.policy == NF_ACCEPT ? "ACCEPT" : "DROP") : "-",
                         c.counters.pcnt, c.counters.bcnt);
    for (const auto &c : t->chains)
      for (const auto &r : c.rules) out += fmt::format("[{}:{}] -A {} {}\n", r.counters.pcnt, r.counters.bcnt, c.name, r.spec);
    out += "COMMIT\n";
  }
  return out;
}

std::string iptables_list(net &n, const std::string &table) {
  xt_table *t = xt_find_table(n, table);
  if (!t) return "";
  std::string out;
  bool first = true;
  for (const auto &c : t->chains) {
    if (!first) out += "\n";
    first = false;
    if (c.builtin) {
      out += fmt::format("Chain {} (policy {} {} packets, {} bytes)\n", c.name, c.policy == NF_ACCEPT ? "ACCEPT" : "DROP",
                         c.counters.pcnt, c.counters.bcnt);
    } else {
      int refs = 0;
      for (const auto &c2 : t->chains)
        for (const auto &r : c2.rules)
          if ((r.target == ipt_rule::T_JUMP || r.target == ipt_rule::T_GOTO) && r.chain == c.name) ++refs;
      out += fmt::format("Chain {} ({} references)\n", c.name, refs);
    }
    out += fmt::format("{:>8} {:>8} {:<10} {:<4} {:<3} {:<6} {:<6} {:<20} {:<20}\n", "pkts", "bytes", "target", "prot",
                       "opt", "in", "out", "source", "destination");
    for (const auto &r : c.rules) {
      const char *pn = proto_name(r.proto);
      const std::string prot = (r.inv_proto ? "!" : "") + (pn ? std::string(pn) : std::to_string(r.proto));
      const std::string in = r.iniface.empty() ? "*" : (r.inv_in ? "!" : "") + r.iniface;
      const std::string outif = r.outiface.empty() ? "*" : (r.inv_out ? "!" : "") + r.outiface;
      const std::string src = (r.inv_src ? "!" : "") + addr_str(r.src, r.smsk);
      const std::string dst = (r.inv_dst ? "!" : "") + addr_str(r.dst, r.dmsk);
      std::string extra;
      const char *l4 = r.proto == IPPROTO_TCP ? "tcp" : "udp";
      auto ports = [&](const char *what, const uint16_t p[2], bool inv) {
        extra += fmt::format(" {} {}{}:", l4, what, inv ? "!" : "");
        extra += p[0] == p[1] ? fmt::format("{}", p[0]) : fmt::format("{}:{}", p[0], p[1]);
      };
      if (r.has_sport) ports("spt", r.spts, r.inv_sport);
      if (r.has_dport) ports("dpt", r.dpts, r.inv_dport);
      if (r.has_tos) extra += fmt::format(" tos match {}0x{:02x}/0x{:02x}", r.inv_tos ? "!" : "", r.tos, r.tos_mask);
      if (r.has_mark) extra += fmt::format(" mark match {}0x{:x}/0x{:x}", r.inv_mark ? "! " : "", r.mark, r.mark_mask);
      if (r.has_state) extra += fmt::format(" state{} 0x{:x}", r.inv_state ? " !" : "", r.statemask);
      switch (r.target) {
        case ipt_rule::T_MARK: extra += fmt::format(" MARK xset 0x{:x}/0x{:x}", r.mark_value, r.mark_xor_mask); break;
        case ipt_rule::T_LOG: extra += fmt::format(" LOG flags 0 level {}{}", r.log_level, r.log_prefix.empty() ? "" : " prefix \"" + r.log_prefix + "\""); break;
        case ipt_rule::T_SNAT:
        case ipt_rule::T_MASQUERADE:
          if (r.range.flags & NF_NAT_RANGE_MAP_IPS && r.target == ipt_rule::T_SNAT)
            extra += " to:" + (r.range.min_addr == r.range.max_addr ? ip_str(r.range.min_addr)
                                                                     : ip_str(r.range.min_addr) + "-" + ip_str(r.range.max_addr));
          if (r.range.flags & NF_NAT_RANGE_PROTO_SPECIFIED)
            extra += fmt::format("{}{}-{}", r.target == ipt_rule::T_SNAT ? ":" : " masq ports: ", r.range.min_proto, r.range.max_proto);
          break;
        case ipt_rule::T_QUEUE:
          if (r.target_name == "NFQUEUE") extra += fmt::format(" NFQUEUE num {}{}", r.queue_num, r.queue_bypass ? " bypass" : "");
          break;
        default: break;
      }
      out += fmt::format("{:>8} {:>8} {:<10} {:<4} {:<3} {:<6} {:<6} {:<20} {:<20}{}\n", r.counters.pcnt, r.counters.bcnt,
                         r.target_name, prot, "--", in, outif, src, dst, extra);
    }
  }
  return out;
}

}  // namespace wirepath
