// tc's command parser (tc/tc.c, tc_qdisc.c, tc_class.c, tc_filter.c) and
// the show printers, on the kernel model's tc requests.
#include "sim/app/tc/tc.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "stack/core/netdevice.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath::tc {

// --- registries ------------------------------------------------------------------------

static std::map<std::string, const qdisc_util *> &qdisc_utils() {
  static std::map<std::string, const qdisc_util *> m;
  return m;
}
static std::map<std::string, const filter_util *> &filter_utils() {
  static std::map<std::string, const filter_util *> m;
  return m;
}
void register_qdisc_util(const qdisc_util *q) { qdisc_utils()[q->id] = q; }
void register_filter_util(const filter_util *f) { filter_utils()[f->id] = f; }
const qdisc_util *get_qdisc_kind(const std::string &id) {
  auto it = qdisc_utils().find(id);
  return it == qdisc_utils().end() ? nullptr : it->second;
}
const filter_util *get_filter_kind(const std::string &id) {
  auto it = filter_utils().find(id);
  return it == filter_utils().end() ? nullptr : it->second;
}

namespace {

[[noreturn]] void invarg(const char *msg, const std::string &arg) {
  throw tc_error(fmt::format("Error: argument \"{}\" is wrong: {}", arg, msg));
}
[[noreturn]] void duparg(const char *key, const std::string &arg) {
  throw tc_error(fmt::format("Error: duplicate \"{}\": \"{}\" is the second value.", key, arg));
}

enum class obj { qdisc, tclass, filter };

// One modification request, as it would go down the netlink socket.
struct tc_request {
  int line = 0;
  obj what = obj::qdisc;
  int type = 0;  // RTM_NEW* / RTM_DEL*
  uint16_t flags = 0;
  tcmsg t;
  std::string dev;
  std::string kind;
  nlattrs opts;
};

int ll_proto_a2n(uint16_t *id, const std::string &s) {
  static const std::map<std::string, uint16_t> names = {
      {"ip", 0x0800}, {"all", 0x0003}, {"arp", 0x0806}, {"ipv6", 0x86DD}, {"802.1Q", 0x8100}, {"vlan", 0x8100}};
  auto it = names.find(s);
  if (it != names.end()) {
    *id = it->second;
    return 0;
  }
  return get_u16(id, s, 0);
}

// tc qdisc add|del|replace|change|link ...
tc_request parse_qdisc(const std::string &cmd, tc_argv &args) {
  tc_request r;
  r.what = obj::qdisc;
  if (matches(cmd, "add")) {
    r.type = RTM_NEWQDISC;
    r.flags = NLM_F_EXCL | NLM_F_CREATE;
  } else if (matches(cmd, "change")) {
    r.type = RTM_NEWQDISC;
    r.flags = 0;
  } else if (matches(cmd, "replace")) {
    r.type = RTM_NEWQDISC;
    r.flags = NLM_F_CREATE | NLM_F_REPLACE;
  } else if (matches(cmd, "link")) {
    r.type = RTM_NEWQDISC;
    r.flags = NLM_F_REPLACE;
  } else if (matches(cmd, "delete")) {
    r.type = RTM_DELQDISC;
  } else {
    throw tc_error(fmt::format("Command \"{}\" is unknown, try \"tc qdisc help\".", cmd));
  }
  const qdisc_util *q = nullptr;
  while (args.more()) {
    const std::string &a = args.cur();
    if (a == "dev") {
      args.next_arg();
      if (!r.dev.empty()) duparg("dev", args.cur());
      r.dev = args.cur();
    } else if (a == "handle") {
      if (r.t.tcm_handle) duparg("handle", a);
      args.next_arg();
      uint32_t h;
      if (get_qdisc_handle(&h, args.cur())) invarg("invalid qdisc ID", args.cur());
      r.t.tcm_handle = h;
    } else if (a == "root") {
      if (r.t.tcm_parent) throw tc_error("Error: \"root\" is duplicate parent ID");
      r.t.tcm_parent = TC_H_ROOT;
    } else if (a == "parent") {
      args.next_arg();
      if (r.t.tcm_parent) duparg("parent", args.cur());
      uint32_t h;
      if (get_tc_classid(&h, args.cur())) invarg("invalid parent ID", args.cur());
      r.t.tcm_parent = h;
    } else {
      r.kind = a;
      q = get_qdisc_kind(a);
      args.advance();
      break;
    }
    args.advance();
  }
  if (q) {
    if (q->parse_qopt) {
      q->parse_qopt(q, args, &r.opts);
    } else if (args.more()) {
      throw tc_error(fmt::format("qdisc '{}' does not support option parsing", r.kind));
    }
  } else if (args.more()) {
    if (!r.kind.empty())
      throw tc_error(fmt::format("Unknown qdisc \"{}\", hence option \"{}\" is unparsable", r.kind, args.cur()));
    throw tc_error(fmt::format("Garbage instead of arguments \"{} ...\". Try \"tc qdisc help\".", args.cur()));
  }
  return r;
}

tc_request parse_class(const std::string &cmd, tc_argv &args) {
  tc_request r;
  r.what = obj::tclass;
  if (matches(cmd, "add")) {
    r.type = RTM_NEWTCLASS;
    r.flags = NLM_F_EXCL | NLM_F_CREATE;
  } else if (matches(cmd, "change")) {
    r.type = RTM_NEWTCLASS;
  } else if (matches(cmd, "replace")) {
    r.type = RTM_NEWTCLASS;
    r.flags = NLM_F_CREATE;
  } else if (matches(cmd, "delete")) {
    r.type = RTM_DELTCLASS;
  } else {
    throw tc_error(fmt::format("Command \"{}\" is unknown, try \"tc class help\".", cmd));
  }
  const qdisc_util *q = nullptr;
  while (args.more()) {
    const std::string &a = args.cur();
    if (a == "dev") {
      args.next_arg();
      if (!r.dev.empty()) duparg("dev", args.cur());
      r.dev = args.cur();
    } else if (a == "classid") {
      args.next_arg();
      if (r.t.tcm_handle) duparg("classid", args.cur());
      uint32_t h;
      if (get_tc_classid(&h, args.cur())) invarg("invalid class ID", args.cur());
      r.t.tcm_handle = h;
    } else if (a == "handle") {
      throw tc_error("Error: try \"classid\" instead of \"handle\"");
    } else if (a == "root") {
      if (r.t.tcm_parent) throw tc_error("Error: \"root\" is duplicate parent ID.");
      r.t.tcm_parent = TC_H_ROOT;
    } else if (a == "parent") {
      args.next_arg();
      if (r.t.tcm_parent) duparg("parent", args.cur());
      uint32_t h;
      if (get_tc_classid(&h, args.cur())) invarg("invalid parent ID", args.cur());
      r.t.tcm_parent = h;
    } else {
      r.kind = a;
      q = get_qdisc_kind(a);
      args.advance();
      break;
    }
    args.advance();
  }
  if (q) {
    if (q->parse_copt) {
      q->parse_copt(q, args, &r.opts);
    } else if (args.more()) {
      throw tc_error(fmt::format("qdisc '{}' does not support option parsing", r.kind));
    }
  } else if (args.more()) {
    throw tc_error(fmt::format("Garbage instead of arguments \"{} ...\". Try \"tc class help\".", args.cur()));
  }
  return r;
}

tc_request parse_filter(const std::string &cmd, tc_argv &args) {
  tc_request r;
  r.what = obj::filter;
  if (matches(cmd, "add")) {
    r.type = RTM_NEWTFILTER;
    r.flags = NLM_F_EXCL | NLM_F_CREATE;
  } else if (matches(cmd, "change")) {
    r.type = RTM_NEWTFILTER;
  } else if (matches(cmd, "replace")) {
    r.type = RTM_NEWTFILTER;
    r.flags = NLM_F_CREATE;
  } else if (matches(cmd, "delete")) {
    r.type = RTM_DELTFILTER;
  } else {
    throw tc_error(fmt::format("Command \"{}\" is unknown, try \"tc filter help\".", cmd));
  }
  const filter_util *f = nullptr;
  std::string fhandle;
  uint32_t prio = 0;
  uint16_t protocol = 0;
  bool protocol_set = false;
  while (args.more()) {
    const std::string &a = args.cur();
    if (a == "dev") {
      args.next_arg();
      if (!r.dev.empty()) duparg("dev", args.cur());
      r.dev = args.cur();
    } else if (a == "root") {
      if (r.t.tcm_parent) throw tc_error("Error: \"root\" is duplicate parent ID");
      r.t.tcm_parent = TC_H_ROOT;
    } else if (a == "parent") {
      args.next_arg();
      if (r.t.tcm_parent) duparg("parent", args.cur());
      uint32_t h;
      if (get_tc_classid(&h, args.cur())) invarg("Invalid parent ID", args.cur());
      r.t.tcm_parent = h;
    } else if (a == "handle") {
      args.next_arg();
      if (!fhandle.empty()) duparg("handle", args.cur());
      fhandle = args.cur();
    } else if (matches(a, "preference") || matches(a, "priority")) {
      args.next_arg();
      if (prio) duparg("priority", args.cur());
      if (get_u32(&prio, args.cur(), 0) || prio > 0xFFFF) invarg("invalid priority value", args.cur());
    } else if (matches(a, "protocol")) {
      args.next_arg();
      if (protocol_set) duparg("protocol", args.cur());
      if (ll_proto_a2n(&protocol, args.cur())) invarg("invalid protocol", args.cur());
      protocol_set = true;
    } else {
      r.kind = a;
      f = get_filter_kind(a);
      args.advance();
      break;
    }
    args.advance();
  }
  if (r.type == RTM_NEWTFILTER && (r.flags & NLM_F_CREATE) && !protocol_set) protocol = 0x0003;  // ETH_P_ALL
  r.t.tcm_info = TC_H_MAKE(prio << 16, protocol);
  if (f) {
    uint32_t h = 0;
    f->parse_fopt(f, fhandle, args, &r.opts, &h);
    r.t.tcm_handle = h;
  } else {
    if (!r.kind.empty() && r.type == RTM_NEWTFILTER)
      throw tc_error(fmt::format("Unknown filter \"{}\", hence option \"{}\" is unparsable", r.kind,
                                 args.more() ? args.cur() : std::string()));
    if (!fhandle.empty()) throw tc_error("Must specify filter type when using \"handle\"");
    if (args.more())
      throw tc_error(fmt::format("Garbage instead of arguments \"{} ...\". Try \"tc filter help\".", args.cur()));
  }
  return r;
}

// Split one line into words; '#' at the start of a word comments out the rest.
std::vector<std::string> makeargs(const std::string &line) {
  std::vector<std::string> w;
  std::istringstream in(line);
  std::string s;
  while (in >> s) {
    if (s[0] == '#') break;
    w.push_back(s);
  }
  return w;
}

// The request of one line (false: an empty or comment line).
bool parse_line(const std::string &line, tc_request *r) {
  tc_argv args;
  args.a = makeargs(line);
  if (args.a.empty()) return false;
  if (args.a[0] == "tc") args.advance();
  if (!args.more()) return false;
  const std::string object = args.cur();
  args.advance();
  if (!args.more()) throw tc_error("Command line is not complete. Try option \"help\"");
  const std::string cmd = args.cur();
  args.advance();
  if (matches(cmd, "show") || matches(cmd, "list") || cmd == "ls")
    throw tc_error(fmt::format("\"{} {}\" prints; a tc file only changes the configuration", object, cmd));
  if (matches(object, "qdisc"))
    *r = parse_qdisc(cmd, args);
  else if (matches(object, "class"))
    *r = parse_class(cmd, args);
  else if (matches(object, "filter"))
    *r = parse_filter(cmd, args);
  else
    throw tc_error(fmt::format("Object \"{}\" is unknown, try \"tc help\".", object));
  return true;
}

// Send one request to the kernel model. 0, or the error as tc prints it.
int apply(net_device *dev, tc_request &r, std::string *err, std::string *warn) {
  if (r.dev != dev->name) {
    if (r.dev.empty()) {
      *err = "RTNETLINK answers: No such device";
      return -ENODEV;
    }
    *err = fmt::format("Cannot find device \"{}\"", r.dev);
    return -ENODEV;
  }
  r.t.tcm_ifindex = dev->ifindex;
  netlink_ext_ack ext;
  const nlattrs *opts = r.opts.empty() ? nullptr : &r.opts;
  int rc = 0;
  switch (r.what) {
    case obj::qdisc:
      rc = r.type == RTM_DELQDISC ? tc_delete_qdisc(dev, r.t, r.kind, &ext)
                                  : tc_modify_qdisc(dev, r.flags, r.t, r.kind, opts, &ext);
      break;
    case obj::tclass: rc = tc_ctl_tclass(dev, r.type, r.flags, r.t, r.kind, opts, &ext); break;
    case obj::filter: rc = tc_ctl_tfilter(dev, r.type, r.flags, r.t, r.kind, opts, &ext); break;
  }
  if (rc < 0) {
    if (!ext.msg.empty())
      *err = fmt::format("Error: {}.", ext.msg);
    else
      *err = fmt::format("RTNETLINK answers: {}", std::strerror(-rc));
  } else if (!ext.warning.empty() && warn) {
    *warn += fmt::format("Warning: {}\n", ext.warning);
  }
  return rc;
}

}  // namespace

bool tc_batch(net_device *dev, const std::string &text, std::string *err, std::string *warnings) {
  std::vector<tc_request> reqs;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    tc_request r;
    try {
      if (!parse_line(line, &r)) continue;
    } catch (const tc_error &e) {
      *err = fmt::format("line {}: {}", lineno, e.what());
      return false;
    }
    r.line = lineno;
    reqs.push_back(std::move(r));
  }
  // Try everything on a scratch device like dev first, so a request the
  // kernel refuses leaves dev untouched. The scratch device first replays
  // what earlier batches applied to dev (if dev is still as they left it).
  // Keyed by the root qdisc's creation number (unique): a device still on
  // its default qdisc (0) has nothing to replay.
  struct applied {
    uint32_t autohandle = 0;
    std::vector<tc_request> reqs;
  };
  static std::map<uint64_t, applied> history;
  applied h;
  if (dev->qdisc && dev->qdisc->hash_seq) {
    auto it = history.find(dev->qdisc->hash_seq);
    if (it != history.end()) h = it->second;
  }
  {
    net_device scratch;
    scratch.name = dev->name;
    scratch.ifindex = dev->ifindex;
    scratch.mtu = dev->mtu;
    scratch.tx_queue_len = dev->tx_queue_len;
    scratch.hard_header_len = dev->hard_header_len;
    scratch.qdisc_autohandle = h.reqs.empty() ? dev->qdisc_autohandle : h.autohandle;
    for (auto r : h.reqs) {
      std::string e;
      apply(&scratch, r, &e, nullptr);
    }
    for (auto r : reqs) {
      std::string e;
      if (apply(&scratch, r, &e, nullptr) < 0) {
        *err = fmt::format("line {}: {}", r.line, e);
        return false;
      }
    }
  }
  if (h.reqs.empty()) h.autohandle = dev->qdisc_autohandle;
  for (auto &r : reqs) {
    std::string e;
    tc_request copy = r;
    if (apply(dev, copy, &e, warnings) < 0) {
      *err = fmt::format("line {}: {}", r.line, e);  // cannot happen after the dry run
      return false;
    }
    h.reqs.push_back(std::move(r));
  }
  if (dev->qdisc && dev->qdisc->hash_seq) history[dev->qdisc->hash_seq] = std::move(h);
  return true;
}

// --- show ----------------------------------------------------------------------------

static void print_tcstats(std::string &out, const gnet_dump &d) {
  out += fmt::format(" Sent {} bytes {} pkt (dropped {}, overlimits {} requeues {}) \n", d.bstats.bytes,
                     d.bstats.packets, d.qstats.drops, d.qstats.overlimits, d.qstats.requeues);
  out += fmt::format(" backlog {} {}p requeues {}", sprint_size(d.qstats.backlog), d.qstats.qlen, d.qstats.requeues);
}

std::string tc_qdisc_show(net_device *dev, bool show_stats) {
  std::string out;
  for (const tc_dump_msg &m : tc_dump_qdisc(dev)) {
    out += fmt::format("qdisc {} {:x}:", m.kind, m.t.tcm_handle >> 16);
    if (m.t.tcm_parent == TC_H_ROOT)
      out += " root";
    else if (m.t.tcm_parent)
      out += " parent " + sprint_tc_classid(m.t.tcm_parent);
    if (m.t.tcm_info != 1) out += fmt::format(" refcnt {}", m.t.tcm_info);
    out += " ";
    // pfifo_fast is printed by prio's printer, as iproute2 does.
    const qdisc_util *q = get_qdisc_kind(m.kind == "pfifo_fast" ? "prio" : m.kind);
    if (!m.options.empty() && q && q->print_qopt) q->print_qopt(q, out, m.options);
    out += "\n";
    if (show_stats) {
      print_tcstats(out, m.stats);
      out += "\n";
      if (q && q->print_xstats && !m.stats.xstats.empty()) {
        q->print_xstats(q, out, m.stats.xstats);
        out += "\n";
      }
    }
  }
  return out;
}

std::string tc_class_show(net_device *dev, bool show_stats) {
  std::string out;
  for (const tc_dump_msg &m : tc_dump_tclass(dev)) {
    out += fmt::format("class {} ", m.kind);
    if (m.t.tcm_handle) out += sprint_tc_classid(m.t.tcm_handle) + " ";
    if (m.t.tcm_parent == TC_H_ROOT)
      out += "root ";
    else
      out += "parent " + sprint_tc_classid(m.t.tcm_parent) + " ";
    if (m.t.tcm_info) out += "leaf " + sprint_tc_classid(m.t.tcm_info) + " ";
    const qdisc_util *q = get_qdisc_kind(m.kind);
    if (!m.options.empty() && q && q->print_copt) q->print_copt(q, out, m.options);
    out += "\n";
    if (show_stats) {
      if (m.stats.has_stats) print_tcstats(out, m.stats);
      out += "\n";
      if (q && q->print_xstats && !m.stats.xstats.empty()) {
        q->print_xstats(q, out, m.stats.xstats);
        out += "\n";
      }
    }
  }
  return out;
}

std::string tc_filter_show(net_device *dev, uint32_t parent) {
  std::string out;
  for (const tc_dump_msg &m : tc_dump_tfilter(dev, parent)) {
    const uint16_t proto = static_cast<uint16_t>(TC_H_MIN(m.t.tcm_info));
    const char *pname = proto == 0x0800 ? "ip" : proto == 0x0003 ? "all" : nullptr;
    out += fmt::format("filter parent {} protocol {} pref {} {} chain 0 ", sprint_tc_classid(m.t.tcm_parent),
                       pname ? pname : fmt::format("{:04x}", proto), TC_H_MAJ(m.t.tcm_info) >> 16, m.kind);
    const filter_util *f = get_filter_kind(m.kind);
    if (f && f->print_fopt) f->print_fopt(f, out, m.t.tcm_handle, m.options);
    out += "\n";
  }
  return out;
}

}  // namespace wirepath::tc
