// The match and target registry and the generic checks (net/netfilter/x_tables.c).
#include "stack/netfilter/x_tables.hpp"

#include <cerrno>
#include <fmt/format.h>
#include <vector>

#include "stack/ipv4/netfilter/ip_tables.hpp"

namespace wirepath {

const char *const xt_hook_names[NF_INET_NUMHOOKS] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};

namespace {

// Built on first use: extensions register from static initialisers, in any order.
std::vector<const xt_match *> &matches() {
  static std::vector<const xt_match *> v;
  return v;
}
std::vector<const xt_target *> &targets() {
  static std::vector<const xt_target *> v;
  return v;
}

template <class T>
int do_register(std::vector<const T *> &v, const T *x) {
  for (const T *o : v)
    if (o->family == x->family && o->name == x->name && o->revision == x->revision) return -EEXIST;
  v.push_back(x);
  return 0;
}

template <class T>
const T *do_find(const std::vector<const T *> &v, uint8_t family, const std::string &name, int revision) {
  const T *best = nullptr;
  for (const T *o : v) {
    if (o->family != family || o->name != name) continue;
    if (revision >= 0 ? o->revision == revision : (!best || o->revision > best->revision)) best = o;
  }
  return best;
}

int bad_info(const std::string &what, const std::string &name, const xt_chk_param &par) {
  *par.msg = fmt::format("bad parameters for {} \"{}\"", what, name);
  return -EINVAL;
}

}  // namespace

int xt_register_match(const xt_match *m) { return do_register(matches(), m); }
int xt_register_target(const xt_target *t) { return do_register(targets(), t); }

const xt_match *xt_find_match(uint8_t family, const std::string &name, int revision) {
  return do_find(matches(), family, name, revision);
}
const xt_target *xt_find_target(uint8_t family, const std::string &name, int revision) {
  return do_find(targets(), family, name, revision);
}

int xt_check_match(const xt_match &m, const xt_chk_param &par) {
  if (!m.info_type || par.info.type() != *m.info_type) return bad_info("match", m.name, par);
  if (m.proto && (par.entryinfo.proto != m.proto || (par.entryinfo.invflags & IPT_INV_PROTO))) {
    *par.msg = fmt::format("-m {} needs -p {}", m.name, m.name);
    return -EINVAL;
  }
  return m.checkentry ? m.checkentry(par) : 0;
}

int xt_check_target_place(const xt_target &t, const std::string &table, const std::string &chain, unsigned hook_mask,
                          std::string *msg) {
  if (!t.table.empty() && t.table != table) {
    *msg = fmt::format("{} is only valid in the {} table", t.name, t.table);
    return -EINVAL;
  }
  if (t.hooks && (hook_mask & ~t.hooks)) {
    // The allowed chains, last hook first ("POSTROUTING and INPUT").
    std::string only;
    for (int h = NF_INET_NUMHOOKS - 1; h >= 0; --h)
      if (t.hooks & (1u << h)) only += (only.empty() ? "" : " and ") + std::string(xt_hook_names[h]);
    *msg = fmt::format("{} is not valid in chain {} (only {})", t.name, chain, only);
    return -EINVAL;
  }
  return 0;
}

int xt_check_target(const xt_target &t, const xt_chk_param &par) {
  if (!t.info_type || par.info.type() != *t.info_type) return bad_info("target", t.name, par);
  if (const int err = xt_check_target_place(t, par.table, par.chain, par.hook_mask, par.msg)) return err;
  return t.checkentry ? t.checkentry(par) : 0;
}

}  // namespace wirepath
