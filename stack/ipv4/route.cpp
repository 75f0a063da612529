// Minimal IPv4 FIB and output route lookup (net/ipv4/route.c, fib_trie.c), the
// TOS priority table and the IP ID generator (__ip_select_ident) route.c keeps.
#include "stack/ipv4/route.hpp"

#include <algorithm>
#include <cerrno>

#include "stack/core/byteorder.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/ipv4/arp.hpp"
#include "stack/ipv4/devinet.hpp"
#include "stack/ipv4/ip.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"

namespace wirepath {

namespace {
// TC_PRIO_* values.
constexpr uint8_t TC_PRIO_BESTEFFORT = 0, TC_PRIO_BULK = 2, TC_PRIO_INTERACTIVE_BULK = 4, TC_PRIO_INTERACTIVE = 6;
}  // namespace
// ip_tos2prio, indexed by IPTOS_TOS(tos) >> 1 (ECN_OR_COST(x) is x).
const uint8_t ip_tos2prio[16] = {
    TC_PRIO_BESTEFFORT,       TC_PRIO_BESTEFFORT,       TC_PRIO_BESTEFFORT,       TC_PRIO_BESTEFFORT,
    TC_PRIO_BULK,             TC_PRIO_BULK,             TC_PRIO_BULK,             TC_PRIO_BULK,
    TC_PRIO_INTERACTIVE,      TC_PRIO_INTERACTIVE,      TC_PRIO_INTERACTIVE,      TC_PRIO_INTERACTIVE,
    TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK,
};

uint32_t rtable::mtu() const { return dev ? dev->mtu : 0; }

static bool fib_match(const fib_route &r, uint32_t daddr) {
  return ((daddr ^ r.dst) & inet_make_mask(r.prefixlen)) == 0;
}

int ip_route_output_key(net &n, flowi4 *fl4, rtable *rt) {
  const fib_route *best = nullptr;
  for (const auto &r : n.fib) {
    if (!r.dev || !r.dev->up) continue;
    if (fl4->flowi4_oif && r.dev->ifindex != fl4->flowi4_oif) continue;
    if (!fib_match(r, fl4->daddr)) continue;
    if (!best || r.prefixlen > best->prefixlen || (r.prefixlen == best->prefixlen && r.metric < best->metric))
      best = &r;
  }
  if (!best) return -ENETUNREACH;
  rt->dev = best->dev;
  rt->rt_gw4 = best->gw;
  rt->rt_src = best->prefsrc ? best->prefsrc : inet_select_addr(n, best->dev, best->gw ? best->gw : fl4->daddr);
  rt->rt_genid = n.rt_genid;
  if (!fl4->saddr) fl4->saddr = rt->rt_src;
  return 0;
}

int ip_route_output(net &n, uint32_t daddr, uint32_t saddr, uint8_t tos, int oif, rtable *rt) {
  flowi4 fl4;
  fl4.daddr = daddr;
  fl4.saddr = saddr;
  fl4.flowi4_tos = tos;
  fl4.flowi4_oif = oif;
  return ip_route_output_key(n, &fl4, rt);
}

int fib_route_add(net &n, const fib_route &r_in) {
  fib_route r = r_in;
  if (r.prefixlen > 32) return -EINVAL;
  r.dst &= inet_make_mask(r.prefixlen);
  if (r.gw) {
    // The gateway must sit on a connected subnet (of dev, when given).
    const fib_route *link = nullptr;
    for (const auto &e : n.fib)
      if (e.scope == RT_SCOPE_LINK && e.gw == 0 && (!r.dev || e.dev == r.dev) && fib_match(e, r.gw)) link = &e;
    if (!link) return -ENETUNREACH;
    r.dev = link->dev;
  } else if (!r.dev) {
    return -ENODEV;
  } else {
    r.scope = RT_SCOPE_LINK;
  }
  for (const auto &e : n.fib)
    if (e.dst == r.dst && e.prefixlen == r.prefixlen && e.metric == r.metric) return -EEXIST;
  n.fib.push_back(r);
  ++n.rt_genid;
  return 0;
}

int fib_route_del(net &n, uint32_t dst, uint8_t prefixlen) {
  auto it = std::find_if(n.fib.begin(), n.fib.end(),
                         [&](const fib_route &e) { return e.dst == dst && e.prefixlen == prefixlen; });
  if (it == n.fib.end()) return -ESRCH;
  n.fib.erase(it);
  ++n.rt_genid;
  return 0;
}

void __ip_select_ident(net &n, iphdr *iph, uint32_t segs) {
  // Linux hashes (daddr, saddr, protocol) with a per-boot key into one of
  // many counters and adds a time-based random jump; we keep one counter per
  // (daddr, saddr, protocol), started at a random value, without the jump.
  const uint64_t key = (uint64_t{be32_to_cpu(iph->daddr)} << 32) ^ (uint64_t{be32_to_cpu(iph->saddr)} << 8) ^
                       iph->protocol;
  auto it = n.ip_idents.find(key);
  if (it == n.ip_idents.end()) it = n.ip_idents.emplace(key, n.get_random_u32()).first;
  const uint32_t id = it->second;
  it->second += segs;
  iph->id = cpu_to_be16(static_cast<uint16_t>(id));
}

void ipv4_confirm_neigh(net &n, const rtable *rt, uint32_t daddr) {
  if (!rt || !rt->dev) return;
  if (neighbour *ne = __ipv4_neigh_lookup_noref(n, rt->dev, rt_nexthop(rt, daddr))) neigh_confirm(ne, n.kernel.timers.now());
}

}  // namespace wirepath
