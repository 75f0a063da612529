// struct net: device registry and the deterministic RNG. The IPv4
// configuration is in devinet/route/neighbour.cpp.
#include "stack/core/net_namespace.hpp"

#include <algorithm>
#include <cerrno>

#include "stack/ipv4/af_inet.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/core/sock.hpp"
#include "stack/netfilter/netfilter.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

net::net(kernel_ctx &k, KernelHeap &m, uint64_t seed) : kernel(k), mem(m), rng_(seed) {
  inet_init();  // TCP in the protocol table (once per process)
  // neigh_parms_alloc: reachable_time = neigh_rand_reach_time(base), drawn
  // from its own stream so the IDs and ports of a seed stay what they were.
  std::mt19937_64 r(seed ^ 0x6e656967686275ULL);
  const uint64_t base_ms = arp_tbl.parms.base_reachable_time / NSEC_PER_MSEC;
  arp_tbl.parms.reachable_time = ((r() >> 32) % base_ms + base_ms / 2) * NSEC_PER_MSEC;
}

net::~net() {
  // The processes' fd tables (files_struct) are closed before this.
  // TCP orphans still finishing their connections (their skbs and timers).
  tcp.orphans.clear();
  // Neighbours (and their queued skbs and timers) go now: their timers are
  // on the host's timer base, which outlives the namespace.
  neigh_table_flush(*this);
  nf.reset();
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
  neigh_ifdown(*this, dev);
  // Sockets whose cached route goes through dev forget it (Linux moves such
  // dsts to blackhole_netdev): every UDP and TCP socket with a port.
  auto dst_reset = [dev](sock *sk) {
    if (sk && sk->dst_cached && sk->sk_dst_cache.dev == dev) sk->dst_cached = false;
  };
  for (auto &[port, sk] : udp_table) dst_reset(sk);
  for (sock *sk : tcp.hash) dst_reset(sk);
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
