// Minimal IPv4 FIB and output route lookup (net/ipv4/route.c, fib_trie.c).
#include "stack/ipv4/route.hpp"

#include <algorithm>
#include <cerrno>

#include "stack/ipv4/devinet.hpp"
#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"

namespace wirepath {

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

}  // namespace wirepath
