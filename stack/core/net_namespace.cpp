// struct net: device registry and the deterministic RNG. The syscalls are in
// socket.cpp, the IPv4 configuration in devinet/route/neighbour.cpp.
#include "stack/core/net_namespace.hpp"

#include <algorithm>
#include <cerrno>

#include "stack/ipv4/af_inet.hpp"
#include "stack/core/netdevice.hpp"
#include "stack/netfilter/netfilter.hpp"
#include "stack/sched/sch_generic.hpp"

namespace wirepath {

net::net(KernelHeap &m, uint64_t seed) : mem(m), rng_(seed) {
  inet_init();  // TCP in the protocol table (once per process)
  // neigh_parms_alloc: reachable_time = neigh_rand_reach_time(base), drawn
  // from its own stream so the IDs and ports of a seed stay what they were.
  std::mt19937_64 r(seed ^ 0x6e656967686275ULL);
  const uint64_t base_ms = arp_tbl.parms.base_reachable_time / NSEC_PER_MSEC;
  arp_tbl.parms.reachable_time = ((r() >> 32) % base_ms + base_ms / 2) * NSEC_PER_MSEC;
}

net::~net() {
  // Close what is still open, then let go of the devices.
  while (!fds.empty()) close(fds.begin()->first);
  // TCP orphans still finishing their connections (their skbs and timers).
  tcp.orphans.clear();
  // Neighbours (and their queued skbs and timers) go before the timer base.
  neigh_table_flush(*this);
  nf.reset();
  for (auto &[key, t] : timers_) t->pending = false, t->base = nullptr;
  timers_.clear();
  for (net_device *dev : devices) dev->nd_net = nullptr;
}

timer_list::~timer_list() {
  if (pending && base) base->del_timer(this);
}

bool net::mod_timer(timer_list *t, uint64_t expires) {
  const bool was = del_timer(t);
  t->expires = expires;
  t->base = this;
  t->seq = ++timer_seq_;
  t->pending = true;
  timers_.emplace(std::make_pair(expires, t->seq), t);
  if (next_timer_changed && timers_.begin()->second == t) next_timer_changed();
  return was;
}

bool net::del_timer(timer_list *t) {
  if (!t->pending || t->base != this) return false;
  timers_.erase({t->expires, t->seq});
  t->pending = false;
  return true;
}

uint64_t net::next_timer() const { return timers_.empty() ? TIMER_NONE : timers_.begin()->first.first; }

void net::run_timers(uint64_t now_ns) {
  while (!timers_.empty() && timers_.begin()->first.first <= now_ns) {
    timer_list *t = timers_.begin()->second;
    timers_.erase(timers_.begin());
    t->pending = false;
    if (t->expires > now_ns_) now_ns_ = t->expires;
    if (t->function) t->function(t);
  }
  if (now_ns > now_ns_) now_ns_ = now_ns;
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
