// IPv4 interface addresses (net/ipv4/devinet.c, fib_add_ifaddr).
#include "stack/ipv4/devinet.hpp"

#include <cerrno>

#include "stack/core/net_namespace.hpp"
#include "stack/core/netdevice.hpp"

namespace wirepath {

int inet_addr_add(net &n, net_device *dev, uint32_t addr, uint8_t prefixlen) {
  if (!dev || prefixlen > 32 || addr == 0) return -EINVAL;
  for (const auto &a : n.ifaddrs)
    if (a.ifa_dev == dev && a.ifa_local == addr) return -EEXIST;
  in_ifaddr ifa;
  ifa.ifa_dev = dev;
  ifa.ifa_local = addr;
  ifa.ifa_prefixlen = prefixlen;
  n.ifaddrs.push_back(ifa);
  // The connected route: ADDR/PREFIX dev DEV scope link src ADDR.
  fib_route r;
  r.dst = addr & ifa.ifa_mask();
  r.prefixlen = prefixlen;
  r.dev = dev;
  r.prefsrc = addr;
  r.scope = RT_SCOPE_LINK;
  bool have = false;
  for (const auto &e : n.fib)
    if (e.dev == dev && e.dst == r.dst && e.prefixlen == prefixlen && e.gw == 0) have = true;
  if (!have) n.fib.push_back(r);
  ++n.rt_genid;
  return 0;
}

uint32_t inet_select_addr(const net &n, const net_device *dev, uint32_t dst) {
  uint32_t first = 0;
  for (const auto &a : n.ifaddrs) {
    if (a.ifa_dev != dev) continue;
    if (!first) first = a.ifa_local;
    if (dst && ((a.ifa_local ^ dst) & a.ifa_mask()) == 0) return a.ifa_local;
  }
  return first;
}

bool inet_addr_is_local(const net &n, uint32_t addr) {
  for (const auto &a : n.ifaddrs)
    if (a.ifa_local == addr) return true;
  return false;
}

}  // namespace wirepath
