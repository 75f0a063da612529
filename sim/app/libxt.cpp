// The libxt_* entries: one per kernel match and target (stack/netfilter/xt_*.cpp,
// stack/ipv4/netfilter/ipt_*.cpp), each its options, parser and printer.
#include <fmt/format.h>
#include <sstream>

#include "sim/app/xtables.hpp"
#include "stack/netfilter/nf_conntrack.hpp"
#include "stack/netfilter/xt_LOG.hpp"
#include "stack/netfilter/xt_NFQUEUE.hpp"
#include "stack/netfilter/xt_comment.hpp"
#include "stack/netfilter/xt_conntrack.hpp"
#include "stack/netfilter/xt_dscp.hpp"
#include "stack/netfilter/xt_mark.hpp"
#include "stack/netfilter/xt_state.hpp"
#include "stack/netfilter/xt_tcpudp.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {

template <class T>
T &info_of(xt_option_call &cb) {
  return *std::any_cast<T>(&cb.info);
}
template <class T>
const T &info_of(const std::any &a) {
  return *std::any_cast<T>(&a);
}
template <class T>
std::any make() {
  return T{};
}

bool tcp_or_udp(const ipt_ip &ip) {
  return (ip.proto == IPPROTO_TCP || ip.proto == IPPROTO_UDP) && !(ip.invflags & IPT_INV_PROTO);
}

// --- libxt_tcp / libxt_udp --------------------------------------------------------

void tcpudp_parse(xt_option_call &cb) {
  auto &info = info_of<xt_tcpudp>(cb);
  const bool src = cb.option == "--sport" || cb.option == "--source-port";
  xtables_parse_port_range(cb.arg(), cb.line, src ? info.spts : info.dpts, ':');
  const uint8_t inv = src ? XT_TCPUDP_INV_SRCPT : XT_TCPUDP_INV_DSTPT;
  info.invflags = static_cast<uint8_t>((info.invflags & ~inv) | (cb.invert ? inv : 0) |
                                       (src ? XT_TCPUDP_SRCPT : XT_TCPUDP_DSTPT));
}

void tcpudp_print(std::string &out, const xt_entry_match &m) {
  const auto &info = info_of<xt_tcpudp>(m.info);
  auto ports = [&](const char *what, const uint16_t p[2], bool inv) {
    out += fmt::format(" {} {}{}:", m.name, what, inv ? "!" : "");
    out += p[0] == p[1] ? fmt::format("{}", p[0]) : fmt::format("{}:{}", p[0], p[1]);
  };
  if (info.invflags & XT_TCPUDP_SRCPT) ports("spt", info.spts, info.invflags & XT_TCPUDP_INV_SRCPT);
  if (info.invflags & XT_TCPUDP_DSTPT) ports("dpt", info.dpts, info.invflags & XT_TCPUDP_INV_DSTPT);
}

const std::vector<xtables_option> kPortOptions = {
    {"--sport", true}, {"--source-port", true}, {"--dport", true}, {"--destination-port", true}};

// --- libxt_tos (dscp), libxt_mark ---------------------------------------------------

void tos_parse(xt_option_call &cb) {
  auto &info = info_of<xt_tos_match_info>(cb);
  uint32_t v, m = 0xff;
  xtables_parse_value_mask(cb.arg(), cb.line, &v, &m, 0xff);
  info.tos_value = static_cast<uint8_t>(v & m);
  info.tos_mask = static_cast<uint8_t>(m);
  info.invert = cb.invert;
}

void tos_print(std::string &out, const xt_entry_match &m) {
  const auto &info = info_of<xt_tos_match_info>(m.info);
  out += fmt::format(" tos match {}0x{:02x}/0x{:02x}", info.invert ? "!" : "", info.tos_value, info.tos_mask);
}

void mark_parse(xt_option_call &cb) {
  auto &info = info_of<xt_mark_mtinfo1>(cb);
  uint32_t v, m = 0xffffffffu;
  xtables_parse_value_mask(cb.arg(), cb.line, &v, &m, 0xffffffffu);
  info.mark = v & m;
  info.mask = m;
  info.invert = cb.invert;
}

void mark_print(std::string &out, const xt_entry_match &m) {
  const auto &info = info_of<xt_mark_mtinfo1>(m.info);
  out += fmt::format(" mark match {}0x{:x}/0x{:x}", info.invert ? "! " : "", info.mark, info.mask);
}

// --- libxt_state, libxt_conntrack, libxt_comment --------------------------------------

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
    else xt_fail(line, fmt::format("bad state \"{}\"", item));
  }
  return mask;
}

void state_parse(xt_option_call &cb) {
  auto &info = info_of<xt_state_info>(cb);
  info.statemask = parse_states(cb.arg(), cb.line);
  info.invert = cb.invert;
}

void state_print(std::string &out, const xt_entry_match &m) {
  const auto &info = info_of<xt_state_info>(m.info);
  out += fmt::format(" state{} 0x{:x}", info.invert ? " !" : "", info.statemask);
}

void conntrack_parse(xt_option_call &cb) {
  auto &info = info_of<xt_conntrack_mtinfo>(cb);
  info.state_mask = parse_states(cb.arg(), cb.line);
  info.match_flags |= XT_CONNTRACK_STATE;
  info.invert_flags = cb.invert ? XT_CONNTRACK_STATE : 0;
}

void conntrack_print(std::string &out, const xt_entry_match &m) {
  const auto &info = info_of<xt_conntrack_mtinfo>(m.info);
  out += fmt::format(" state{} 0x{:x}", info.invert_flags ? " !" : "", info.state_mask);
}

void comment_parse(xt_option_call &cb) {
  // The text is required (iptables: option "--comment" requires an argument); it may be "".
  const std::string &text = cb.arg();
  if (text.size() > 255) xt_fail(cb.line, "COMMENT must be shorter than 256 characters");
  info_of<xt_comment_info>(cb).comment = text;
}

// iptables -L shows the text between C comment marks.
void comment_print(std::string &out, const xt_entry_match &m) {
  out += fmt::format(" /* {} */", info_of<xt_comment_info>(m.info).comment);
}

// --- libxt_MARK, libxt_LOG, libxt_NFQUEUE ---------------------------------------------

void MARK_parse(xt_option_call &cb) {
  auto &info = info_of<xt_mark_tginfo2>(cb);
  uint32_t v, m = 0xffffffffu;
  xtables_parse_value_mask(cb.arg(), cb.line, &v, &m, 0xffffffffu);
  const std::string &o = cb.option;
  if (o == "--set-mark") info = {v, m | v};
  else if (o == "--set-xmark") info = {v, m};
  else if (o == "--and-mark") info = {0, ~v};
  else if (o == "--or-mark") info = {v, v};
  else info = {v, 0};  // --xor-mark
}

void MARK_print(std::string &out, const xt_entry_target &t) {
  const auto &info = info_of<xt_mark_tginfo2>(t.info);
  out += fmt::format(" MARK xset 0x{:x}/0x{:x}", info.mark, info.mask);
}

void LOG_parse(xt_option_call &cb) {
  auto &info = info_of<xt_log_info>(cb);
  if (cb.option == "--log-prefix") {
    info.prefix = cb.arg();
    if (info.prefix.size() > 29) xt_fail(cb.line, "Maximum prefix length 29 for --log-prefix");
  } else {
    uint32_t lv;
    const std::string &a = cb.arg();
    if (!xtables_parse_u32(a, 7, &lv)) xt_fail(cb.line, fmt::format("bad --log-level \"{}\"", a));
    info.level = static_cast<uint8_t>(lv);
  }
}

void LOG_print(std::string &out, const xt_entry_target &t) {
  const auto &info = info_of<xt_log_info>(t.info);
  out += fmt::format(" LOG flags 0 level {}{}", info.level, info.prefix.empty() ? "" : " prefix \"" + info.prefix + "\"");
}

void NFQUEUE_parse(xt_option_call &cb) {
  auto &info = info_of<xt_NFQ_info_v3>(cb);
  if (cb.option == "--queue-bypass") {
    info.flags |= NFQ_FLAG_BYPASS;
  } else {
    uint32_t q;
    const std::string &a = cb.arg();
    if (!xtables_parse_u32(a, 0xffff, &q)) xt_fail(cb.line, fmt::format("bad --queue-num \"{}\"", a));
    info.queuenum = static_cast<uint16_t>(q);
  }
}

void NFQUEUE_print(std::string &out, const xt_entry_target &t) {
  const auto &info = info_of<xt_NFQ_info_v3>(t.info);
  out += fmt::format(" NFQUEUE num {}{}", info.queuenum, (info.flags & NFQ_FLAG_BYPASS) ? " bypass" : "");
}

// --- libxt_SNAT, libxt_MASQUERADE ------------------------------------------------------

void nat_range_flag(xt_option_call &cb) {
  const std::string &o = cb.option;
  info_of<nf_nat_range2>(cb).flags |= o == "--random"         ? NF_NAT_RANGE_PROTO_RANDOM
                                      : o == "--random-fully" ? NF_NAT_RANGE_PROTO_RANDOM_FULLY
                                                              : NF_NAT_RANGE_PERSISTENT;
}

// --to-source a[-b][:p[-q]]
void SNAT_parse(xt_option_call &cb) {
  if (cb.option != "--to-source") return nat_range_flag(cb);
  auto &r = info_of<nf_nat_range2>(cb);
  const std::string &s = cb.arg();
  const int line = cb.line;
  const size_t colon = s.find(':');
  const std::string addrs = s.substr(0, colon);
  if (!addrs.empty()) {
    const size_t dash = addrs.find('-');
    if (!xtables_parse_ip(addrs.substr(0, dash), &r.min_addr)) xt_fail(line, fmt::format("bad IP address \"{}\"", addrs));
    r.max_addr = r.min_addr;
    if (dash != std::string::npos && !xtables_parse_ip(addrs.substr(dash + 1), &r.max_addr))
      xt_fail(line, fmt::format("bad IP address \"{}\"", addrs));
    if (r.max_addr < r.min_addr) xt_fail(line, fmt::format("bad address range \"{}\"", addrs));
    r.flags |= NF_NAT_RANGE_MAP_IPS;
  }
  if (colon != std::string::npos) {
    if (!tcp_or_udp(cb.ip)) xt_fail(line, "need TCP or UDP (-p tcp/udp) with a port specification");
    uint16_t pr[2];
    xtables_parse_port_range(s.substr(colon + 1), line, pr, '-');
    r.min_proto = pr[0];
    r.max_proto = pr[1];
    r.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
  }
}

void SNAT_final_check(const std::any &info, int line) {
  if (!(info_of<nf_nat_range2>(info).flags & (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED)))
    xt_fail(line, "SNAT needs --to-source");
}

void SNAT_print(std::string &out, const xt_entry_target &t) {
  const auto &r = info_of<nf_nat_range2>(t.info);
  if (r.flags & NF_NAT_RANGE_MAP_IPS)
    out += " to:" + (r.min_addr == r.max_addr ? xtables_ip_str(r.min_addr)
                                              : xtables_ip_str(r.min_addr) + "-" + xtables_ip_str(r.max_addr));
  if (r.flags & NF_NAT_RANGE_PROTO_SPECIFIED) out += fmt::format(":{}-{}", r.min_proto, r.max_proto);
}

void MASQUERADE_parse(xt_option_call &cb) {
  if (cb.option != "--to-ports") return nat_range_flag(cb);
  if (!tcp_or_udp(cb.ip)) xt_fail(cb.line, "need TCP or UDP (-p tcp/udp) with --to-ports");
  auto &r = info_of<nf_nat_range2>(cb);
  uint16_t pr[2];
  xtables_parse_port_range(cb.arg(), cb.line, pr, '-');
  r.min_proto = pr[0];
  r.max_proto = pr[1];
  r.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
}

void MASQUERADE_print(std::string &out, const xt_entry_target &t) {
  const auto &r = info_of<nf_nat_range2>(t.info);
  if (r.flags & NF_NAT_RANGE_PROTO_SPECIFIED) out += fmt::format(" masq ports: {}-{}", r.min_proto, r.max_proto);
}

const std::vector<xtables_option> kNatFlags = {{"--random", false}, {"--random-fully", false}, {"--persistent", false}};
std::vector<xtables_option> with_nat_flags(xtables_option o) {
  std::vector<xtables_option> v{o};
  v.insert(v.end(), kNatFlags.begin(), kNatFlags.end());
  return v;
}

}  // namespace

const std::vector<xtables_match> &xtables_matches() {
  static const std::vector<xtables_match> v = {
      {"tcp", kPortOptions, make<xt_tcpudp>, tcpudp_parse, tcpudp_print, IPPROTO_TCP},
      {"udp", kPortOptions, make<xt_tcpudp>, tcpudp_parse, tcpudp_print, IPPROTO_UDP},
      {"tos", {{"--tos", true}}, make<xt_tos_match_info>, tos_parse, tos_print},
      // After -j, --mark is no option of the mark match (MARK's are --set-mark & co).
      {"mark", {{"--mark", true}}, make<xt_mark_mtinfo1>, mark_parse, mark_print, 0, false},
      {"state", {{"--state", true}}, make<xt_state_info>, state_parse, state_print},
      {"conntrack", {{"--ctstate", true}}, make<xt_conntrack_mtinfo>, conntrack_parse, conntrack_print},
      {"comment", {{"--comment", false}}, make<xt_comment_info>, comment_parse, comment_print},
  };
  return v;
}

const xtables_target *xtables_find_target(const std::string &name) {
  static const std::vector<xtables_target> v = {
      {"MARK",
       {{"--set-mark", false}, {"--set-xmark", false}, {"--and-mark", false}, {"--or-mark", false}, {"--xor-mark", false}},
       make<xt_mark_tginfo2>, MARK_parse, nullptr, MARK_print},
      {"LOG", {{"--log-prefix", false}, {"--log-level", false}}, make<xt_log_info>, LOG_parse, nullptr, LOG_print},
      {"NFQUEUE", {{"--queue-num", false}, {"--queue-bypass", false}}, make<xt_NFQ_info_v3>, NFQUEUE_parse, nullptr,
       NFQUEUE_print},
      {"SNAT", with_nat_flags({"--to-source", false}), make<nf_nat_range2>, SNAT_parse, SNAT_final_check, SNAT_print},
      {"MASQUERADE", with_nat_flags({"--to-ports", false}), make<nf_nat_range2>, MASQUERADE_parse, nullptr,
       MASQUERADE_print},
  };
  for (const auto &t : v)
    if (name == t.name) return &t;
  return nullptr;
}

}  // namespace wirepath
