// iptables, the kernel side: the table templates, ipt_do_table with the
// standard target, and replacing/reading a table (translate_table,
// do_replace, get_entries).
#include "stack/ipv4/netfilter/ip_tables.hpp"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <unordered_map>

#include "stack/core/byteorder.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/skbuff.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/netfilter/nf_conntrack.hpp"

namespace wirepath {

namespace {

std::vector<const xt_table_template *> &templates() {
  static std::vector<const xt_table_template *> v;
  return v;
}

const xt_table_template *find_template(const std::string &name) {
  for (const auto *t : templates())
    if (t->name == name) return t;
  return nullptr;
}

int hook_by_name(const std::string &name) {
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h)
    if (name == xt_hook_names[h]) return h;
  return -1;
}

// ip_packet_match: the ipt_ip part of a rule.
bool ip_packet_match(const iphdr *iph, const nf_hook_state &state, const ipt_ip &ip) {
  const uint32_t saddr = be32_to_cpu(iph->saddr), daddr = be32_to_cpu(iph->daddr);
  auto inv = [&](uint8_t flag) { return (ip.invflags & flag) != 0; };
  if ((((saddr & ip.smsk) != ip.src) ^ inv(IPT_INV_SRCIP)) || (((daddr & ip.dmsk) != ip.dst) ^ inv(IPT_INV_DSTIP)))
    return false;
  if (!ip.iniface.empty() && (((state.in ? state.in->name : "") != ip.iniface) ^ inv(IPT_INV_VIA_IN))) return false;
  if (!ip.outiface.empty() && (((state.out ? state.out->name : "") != ip.outiface) ^ inv(IPT_INV_VIA_OUT))) return false;
  if (ip.proto && ((iph->protocol == ip.proto) ^ inv(IPT_INV_PROTO)) == false) return false;
  return true;
}

struct fail {
  int err;
  size_t chain, rule;
  std::string msg;
};

// The request's chains by name: one lookup per jump, not a scan of them all.
using chain_index = std::unordered_map<std::string, size_t>;

// find_check_entry: bind every match and the target to its extension and check it.
void check_entry(net &n, const ipt_replace &r, const chain_index &idx, size_t ci, size_t ri, ipt_entry &e) {
  const xt_chain &c = r.chains[ci];
  const int h = c.builtin ? hook_by_name(c.name) : -1;
  const unsigned hook_mask = h >= 0 ? 1u << h : 0;
  std::string msg;
  for (auto &m : e.matches) {
    m.match = xt_find_match(NFPROTO_IPV4, m.name, m.revision);
    if (!m.match) throw fail{-ENOENT, ci, ri, fmt::format("unknown match \"{}\"", m.name)};
    const xt_chk_param par{&n, r.name, c.name, e.ip, m.info, hook_mask, &msg};
    if (const int err = xt_check_match(*m.match, par)) throw fail{err, ci, ri, msg};
  }
  xt_entry_target &t = e.target;
  if (t.name == XT_STANDARD_TARGET) {
    t.target = nullptr;
    if (!t.info.has_value()) t.info = xt_standard_info{};
    const auto *v = std::any_cast<xt_standard_info>(&t.info);
    if (!v) throw fail{-EINVAL, ci, ri, "bad parameters for the standard target"};
    e.jump = -1;
    if (!v->chain.empty()) {
      const auto k = idx.find(v->chain);
      if (k != idx.end() && !r.chains[k->second].builtin) e.jump = static_cast<int>(k->second);
      if (e.jump < 0)
        throw fail{-ENOENT, ci, ri, fmt::format("chain \"{}\" does not exist in table \"{}\"", v->chain, r.name)};
    } else if (!(v->verdict == 0 || v->verdict == XT_VERDICT(NF_ACCEPT) || v->verdict == XT_VERDICT(NF_DROP) ||
                 v->verdict == XT_VERDICT(NF_QUEUE) || v->verdict == XT_RETURN)) {
      throw fail{-EINVAL, ci, ri, fmt::format("bad verdict {}", v->verdict)};
    }
    return;
  }
  t.target = xt_find_target(NFPROTO_IPV4, t.name, t.revision);
  if (!t.target) throw fail{-ENOENT, ci, ri, fmt::format("unknown target \"{}\"", t.name)};
  const xt_chk_param par{&n, r.name, c.name, e.ip, t.info, hook_mask, &msg};
  if (const int err = xt_check_target(*t.target, par)) throw fail{err, ci, ri, msg};
}

// mark_source_chains: walk every path of jumps and gotos from each hook's
// chain, whatever the rules match (a loop behind "-p tcp" loops for the first
// TCP packet); a chain met again while it is still on the path is a loop,
// which would grow ipt_do_table's return stack (-j) or spin (-g) forever.
// Iterative, so 100k chains deep cannot overflow our own stack.
void mark_source_chains(const ipt_replace &r) {
  enum : uint8_t { kNew, kOnPath, kDone };
  std::vector<uint8_t> state(r.chains.size(), kNew);
  struct frame {
    size_t chain, rule;
  };
  for (size_t root = 0; root < r.chains.size(); ++root) {
    if (!r.chains[root].builtin || state[root] != kNew) continue;
    std::vector<frame> path{{root, 0}};
    state[root] = kOnPath;
    while (!path.empty()) {
      frame &f = path.back();
      const xt_chain &c = r.chains[f.chain];
      if (f.rule >= c.rules.size()) {
        state[f.chain] = kDone;
        path.pop_back();
        continue;
      }
      const size_t ri = f.rule++;
      const int j = c.rules[ri].jump;
      if (j < 0) continue;
      const size_t to = static_cast<size_t>(j);
      if (state[to] == kDone) continue;
      if (state[to] == kOnPath) {
        std::string loop;
        size_t k = 0;
        while (path[k].chain != to) ++k;
        for (; k < path.size(); ++k) loop += r.chains[path[k].chain].name + " -> ";
        throw fail{-ELOOP, f.chain, ri, fmt::format("rule loop: {}{} (the kernel refuses it: ELOOP)", loop, r.chains[to].name)};
      }
      state[to] = kOnPath;
      path.push_back({to, 0});
    }
  }
}

// translate_table: the request made into a table the hooks can run.
std::unique_ptr<xt_table> translate_table(net &n, ipt_replace &r) {
  const xt_table_template *tt = find_template(r.name);
  if (!tt) throw fail{-ENOENT, 0, 0, fmt::format("unknown table \"{}\"", r.name)};
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h) {
    if (!(tt->valid_hooks & (1u << h))) continue;
    const bool found = std::any_of(r.chains.begin(), r.chains.end(),
                                   [&](const xt_chain &c) { return c.builtin && c.name == xt_hook_names[h]; });
    if (!found) throw fail{-EINVAL, 0, 0, fmt::format("table \"{}\" lacks its chain {}", r.name, xt_hook_names[h])};
  }
  chain_index idx;
  idx.reserve(r.chains.size());
  for (size_t ci = 0; ci < r.chains.size(); ++ci) {
    xt_chain &c = r.chains[ci];
    const int h = hook_by_name(c.name);
    if (c.builtin != (h >= 0 && (tt->valid_hooks & (1u << h))))
      throw fail{-EINVAL, ci, 0, fmt::format("chain {} is not a built-in chain of table {}", c.name, r.name)};
    if (!idx.emplace(c.name, ci).second) throw fail{-EEXIST, ci, 0, fmt::format("chain \"{}\" given twice", c.name)};
    if (c.builtin && c.policy != NF_ACCEPT && c.policy != NF_DROP)
      throw fail{-EINVAL, ci, 0, fmt::format("bad policy for chain {}", c.name)};
  }
  for (size_t ci = 0; ci < r.chains.size(); ++ci)
    for (size_t ri = 0; ri < r.chains[ci].rules.size(); ++ri) check_entry(n, r, idx, ci, ri, r.chains[ci].rules[ri]);
  mark_source_chains(r);
  auto t = std::make_unique<xt_table>();
  t->name = r.name;
  t->valid_hooks = tt->valid_hooks;
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h)
    if (tt->valid_hooks & (1u << h)) t->hook_entry[h] = static_cast<int>(idx.at(xt_hook_names[h]));
  t->chains = std::move(r.chains);
  return t;
}

bool needs_conntrack(const xt_table &t) {
  if (find_template(t.name)->conntrack) return true;
  for (const auto &c : t.chains)
    for (const auto &e : c.rules)
      for (const auto &m : e.matches)
        if (m.match->conntrack) return true;
  return false;
}

void register_table(net &n, xt_table *t) {
  const xt_table_template *tt = find_template(t->name);
  for (int h = 0; h < NF_INET_NUMHOOKS; ++h) {
    if (!(tt->valid_hooks & (1u << h))) continue;
    nf_hook_ops ops = tt->hook_ops(static_cast<unsigned>(h));
    ops.priv = t;
    t->ops.push_back(ops);
  }
  for (const auto &ops : t->ops) nf_register_net_hook(n, &ops);
}

}  // namespace

int xt_register_template(const xt_table_template *t) {
  if (find_template(t->name)) return -EEXIST;
  auto &v = templates();
  v.insert(std::upper_bound(v.begin(), v.end(), t->priority,
                            [](int prio, const xt_table_template *o) { return prio < o->priority; }),
           t);
  return 0;
}

std::vector<std::string> ipt_table_names() {
  std::vector<std::string> names;
  for (const auto *t : templates()) names.push_back(t->name);
  return names;
}

int ipt_get_info(const std::string &table, unsigned *valid_hooks) {
  const xt_table_template *tt = find_template(table);
  if (!tt) return -ENOENT;
  *valid_hooks = tt->valid_hooks;
  return 0;
}

int ipt_get_revision_target(const std::string &name, const std::string &table, const std::string &chain,
                            std::string *msg) {
  const xt_target *t = xt_find_target(NFPROTO_IPV4, name);
  const xt_table_template *tt = find_template(table);
  if (!t || !tt) {
    *msg = fmt::format("unknown {} \"{}\"", t ? "table" : "target", t ? table : name);
    return -ENOENT;
  }
  const int h = hook_by_name(chain);
  const unsigned hook_mask = h >= 0 && (tt->valid_hooks & (1u << h)) ? 1u << h : 0;
  return xt_check_target_place(*t, table, chain, hook_mask, msg);
}

xt_chain *xt_table::chain(const std::string &cname) {
  for (auto &c : chains)
    if (c.name == cname) return &c;
  return nullptr;
}

xt_chain *xt_table::hook_chain(unsigned hook) {
  if (hook >= NF_INET_NUMHOOKS || hook_entry[hook] < 0) return nullptr;
  return &chains[static_cast<size_t>(hook_entry[hook])];
}

xt_table *xt_find_table(net &n, const std::string &name) {
  for (auto &t : nf_net(n).tables)
    if (t->name == name) return t.get();
  return nullptr;
}

unsigned ipt_do_table(net &n, sk_buff *skb, const nf_hook_state &state, xt_table *table) {
  xt_chain *c = table->hook_chain(state.hook);
  if (!c) return NF_ACCEPT;
  xt_chain *base = c;
  const iphdr *iph = ip_hdr(skb);
  xt_action_param acpar{&n, &state, nullptr, nullptr, static_cast<uint16_t>(be16_to_cpu(iph->frag_off) & IP_OFFSET),
                        false};
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
    ipt_entry &e = c->rules[i];
    bool matched = ip_packet_match(ip_hdr(skb), state, e.ip);
    for (size_t k = 0; matched && k < e.matches.size(); ++k) {
      acpar.matchinfo = &e.matches[k].info;
      matched = e.matches[k].match->match(skb, acpar);
      if (acpar.hotdrop) return NF_DROP;
    }
    if (!matched) {
      ++i;
      continue;
    }
    ++e.counters.pcnt;
    e.counters.bcnt += skb->len;
    if (e.target.target) {
      acpar.targinfo = &e.target.info;
      const unsigned verdict = e.target.target->target(skb, acpar);
      if (verdict != XT_CONTINUE) return verdict;
      ++i;
      continue;
    }
    // The standard target.
    const auto &v = xt_info<xt_standard_info>(&e.target.info);
    if (e.jump >= 0) {
      if (!(e.ip.flags & IPT_F_GOTO)) stack.emplace_back(c, i + 1);
      c = &table->chains[static_cast<size_t>(e.jump)];
      i = 0;
    } else if (v.verdict == XT_RETURN) {
      if (chain_return()) return base->policy;
    } else if (v.verdict < 0) {
      return static_cast<unsigned>(-v.verdict - 1);
    } else {
      ++i;
    }
  }
}

int ipt_do_replace(net &n, std::vector<ipt_replace> tables, ipt_replace_err *err) {
  std::vector<std::unique_ptr<xt_table>> fresh;
  for (size_t ti = 0; ti < tables.size(); ++ti) {
    for (size_t k = 0; k < ti; ++k)
      if (tables[k].name == tables[ti].name) {
        if (err) *err = {ti, 0, 0, fmt::format("table \"{}\" given twice", tables[ti].name)};
        return -EINVAL;
      }
    try {
      fresh.push_back(translate_table(n, tables[ti]));
    } catch (const fail &f) {
      if (err) *err = {ti, f.chain, f.rule, f.msg};
      return f.err;
    }
  }
  // Swap the new tables in (xt_replace_table); the old ones' hooks go first.
  netns_nf &nf = nf_net(n);
  for (auto &t : fresh) {
    for (auto it = nf.tables.begin(); it != nf.tables.end(); ++it)
      if ((*it)->name == t->name) {
        for (const auto &ops : (*it)->ops) nf_unregister_net_hook(n, &ops);
        nf.tables.erase(it);
        break;
      }
    if (needs_conntrack(*t)) nf_conntrack_ensure(n);
    nf.tables.push_back(std::move(t));
    register_table(n, nf.tables.back().get());
  }
  return 0;
}

int ipt_get_entries(net &n, const std::string &table, ipt_replace *out) {
  const xt_table *t = xt_find_table(n, table);
  if (!t) return -ENOENT;
  out->name = t->name;
  out->chains = t->chains;
  return 0;
}

}  // namespace wirepath
