// struct net: device registry and the deterministic RNG. The syscalls are in
// socket.cpp, the IPv4 configuration in devinet/route/neighbour.cpp.
#include "stack/net_namespace.hpp"

#include <algorithm>
#include <cerrno>

#include "stack/netdevice.hpp"
#include "stack/sch_generic.hpp"

namespace wirepath {

net::net(HostMemory &m, uint64_t seed) : mem(m), rng_(seed) {}

net::~net() {
  // Close what is still open, then let go of the devices.
  while (!fds.empty()) close(fds.begin()->first);
  for (net_device *dev : devices) dev->nd_net = nullptr;
}

int net::register_netdevice(net_device *dev) {
  if (dev_get_by_name(dev->name)) return -EEXIST;
  dev->ifindex = next_ifindex_++;
  dev->nd_net = this;
  devices.push_back(dev);
  ++rt_genid;
  return 0;
}

void net::unregister_netdevice(net_device *dev) {
  auto it = std::find(devices.begin(), devices.end(), dev);
  if (it == devices.end()) return;
  dev_close(dev);
  ifaddrs.erase(std::remove_if(ifaddrs.begin(), ifaddrs.end(), [dev](const in_ifaddr &a) { return a.ifa_dev == dev; }),
                ifaddrs.end());
  fib.erase(std::remove_if(fib.begin(), fib.end(), [dev](const fib_route &r) { return r.dev == dev; }), fib.end());
  for (auto n = arp_tbl.entries.begin(); n != arp_tbl.entries.end();)
    n = n->second->dev == dev ? arp_tbl.entries.erase(n) : std::next(n);
  for (auto &[fd, sock] : fds)
    if (sock->sk && sock->sk->dst_cached && sock->sk->sk_dst_cache.dev == dev) sock->sk->dst_cached = false;
  devices.erase(it);
  dev->nd_net = nullptr;
  ++rt_genid;
}

net_device *net::dev_get_by_name(const std::string &name) const {
  for (net_device *d : devices)
    if (d->name == name) return d;
  return nullptr;
}

net_device *net::dev_get_by_index(int ifindex) const {
  for (net_device *d : devices)
    if (d->ifindex == ifindex) return d;
  return nullptr;
}

int net::inet_addr_add(net_device *dev, uint32_t addr, uint8_t prefixlen) {
  return wirepath::inet_addr_add(*this, dev, addr, prefixlen);
}

int net::ip_route_add(uint32_t dst, uint8_t prefixlen, uint32_t gw, net_device *dev, uint32_t metric) {
  fib_route r;
  r.dst = dst;
  r.prefixlen = prefixlen;
  r.gw = gw;
  r.dev = dev;
  r.metric = metric;
  return fib_route_add(*this, r);
}

int net::neigh_add(net_device *dev, uint32_t addr, const mac_addr &lladdr) {
  return wirepath::neigh_add(*this, dev, addr, lladdr);
}

uint32_t net::get_random_u32() { return static_cast<uint32_t>(rng_() >> 32); }

uint32_t net::get_random_u32_below(uint32_t ceil) {
  // Lemire's multiply-shift, as get_random_u32_below (bias negligible here).
  return ceil ? static_cast<uint32_t>((uint64_t{get_random_u32()} * ceil) >> 32) : 0;
}

}  // namespace wirepath
