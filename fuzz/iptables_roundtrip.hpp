// The iptables-save/restore round-trip property, shared by the ctest
// (testbench/stack/netfilter/test_iptables_restore.cpp) and the libFuzzer
// target (fuzz/fuzz_iptables_restore.cpp):
//   if restore(x) loads, then save(restore(x)) loads again, gives the same
//   rules (iptables -L of every table, counters included) and saves to the
//   same text (save is a fixed point).
#pragma once

#include <string>

#include "sim/app/iptables.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/ipv4/netfilter/ip_tables.hpp"
#include "stack/kernel/kmalloc.hpp"
#include "stack/kernel/phys_mem.hpp"

namespace wirepath::roundtrip {

// One empty namespace to load rules into.
struct Netns {
  kernel_ctx kern;
  PhysMem ram{1u << 20};
  KernelHeap mem{ram};
  net ns{kern, mem, 1};
};

inline std::string list_all(net &n) {
  std::string out;
  for (const auto &t : ipt_table_names()) out += "table " + t + "\n" + iptables_list(n, t);
  return out;
}

// "" if the property holds (or x does not load: *loaded says which), else what broke.
inline std::string check(const std::string &x, bool *loaded = nullptr) {
  std::string err;
  Netns a;
  const bool ok = iptables_restore(a.ns, x, &err) == 0;
  if (loaded) *loaded = ok;
  if (!ok) return "";
  const std::string saved = iptables_save(a.ns), rules = list_all(a.ns);
  Netns b;
  if (iptables_restore(b.ns, saved, &err)) return "save output does not restore: " + err + "\n--- saved:\n" + saved;
  const std::string saved2 = iptables_save(b.ns), rules2 = list_all(b.ns);
  if (rules2 != rules) return "restore(save(x)) differs from restore(x)\n--- x:\n" + rules + "\n--- again:\n" + rules2;
  if (saved2 != saved) return "save is not a fixed point\n--- first:\n" + saved + "\n--- second:\n" + saved2;
  return "";
}

}  // namespace wirepath::roundtrip
