// struct net: one network namespace, the stack's state (include/net/
// net_namespace.h). It owns the IPv4 configuration (addresses, FIB, static
// neighbours), the SNMP counters, a seeded RNG (inet_id, ephemeral ports,
// IP ID generator), the protocols' socket tables and netfilter. It runs on a
// host's kernel context (clock, timers, scheduler hooks: kernel/kernel.hpp);
// the syscalls go through a process's fd table (files_struct, socket.hpp).
//
// Usage (a driver/sim sets up one stack):
//   kernel_ctx kern;  PhysMem ram;  KernelHeap mem(ram);  net ns(kern, mem, /*seed=*/1);
//   net_device dev; dev.dev_addr = {...}; dev.ops.ndo_start_xmit = ...;
//   ns.register_netdevice(&dev);
//   ns.inet_addr_add(&dev, ipv4(10,0,0,1), 24);      // + on-link 10.0.0.0/24
//   ns.ip_route_add_default(ipv4(10,0,0,254));      // optional
//   ns.neigh_add(&dev, ipv4(10,0,0,2), {0x02,...});
//   files_struct files(ns);                          // the process's fds
//   int fd = files.socket(AF_INET, SOCK_DGRAM, 0);
//   sockaddr_in_host to{AF_INET, 5678, ipv4(10,0,0,2)};
//   long n = files.sendto(fd, "hello", 5, 0, &to);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "stack/kernel/kmalloc.hpp"
#include "stack/ipv4/devinet.hpp"
#include "stack/core/neighbour.hpp"
#include "stack/ipv4/route.hpp"
#include "stack/core/snmp.hpp"
#include "stack/ipv4/tcp_ns.hpp"
#include "stack/kernel/kernel.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

struct net_device;
struct netns_nf;
struct sock;

// The sysctls we model (net.ipv4.*).
struct netns_ipv4_sysctl {
  int ip_default_ttl = 64;
  uint16_t ip_local_port_range[2] = {32768, 60999};
  uint32_t wmem_max = SK_WMEM_MAX;  // net.core.wmem_max: SO_SNDBUF's ceiling
};

struct net {
  net(kernel_ctx &kernel, KernelHeap &mem, uint64_t seed = 1);
  ~net();
  net(const net &) = delete;
  net &operator=(const net &) = delete;

  // The host this namespace runs on: its clock and timers (kernel.timers)
  // and the scheduler hooks blocking calls sleep through (kernel.sched).
  kernel_ctx &kernel;
  KernelHeap &mem;  // where skb data lives

  // --- devices (not owned: the driver owns its net_device) ---
  // Assigns ifindex (1, 2, ...) and dev->nd_net. -EEXIST if the name is taken.
  int register_netdevice(net_device *dev);
  // Drops its addresses, routes, neighbours and queued packets.
  void unregister_netdevice(net_device *dev);
  net_device *dev_get_by_name(const std::string &name) const;
  net_device *dev_get_by_index(int ifindex) const;

  // --- IPv4 configuration (ip addr / ip route / ip neigh) ---
  int inet_addr_add(net_device *dev, uint32_t addr, uint8_t prefixlen);
  int ip_route_add(uint32_t dst, uint8_t prefixlen, uint32_t gw, net_device *dev = nullptr, uint32_t metric = 0);
  int ip_route_add_default(uint32_t gw, net_device *dev = nullptr) { return ip_route_add(0, 0, gw, dev); }
  int neigh_add(net_device *dev, uint32_t addr, const mac_addr &lladdr);

  // --- RNG: deterministic for a given seed ---
  uint32_t get_random_u32();
  uint16_t get_random_u16() { return static_cast<uint16_t>(get_random_u32()); }
  uint32_t get_random_u32_below(uint32_t ceil);

  // --- state (read by the stack's layers and by tests) ---
  netns_ipv4_sysctl sysctl;
  ipstats_mib ip_stats;
  udp_mib udp_stats;
  std::vector<net_device *> devices;
  std::vector<in_ifaddr> ifaddrs;
  std::vector<fib_route> fib;
  uint32_t rt_genid = 0;  // bumped on any address/route/device change: cached dsts re-lookup
  neigh_table arp_tbl;
  std::map<uint16_t, sock *> udp_table;               // bound local ports
  std::map<uint64_t, uint32_t> ip_idents;             // __ip_select_ident per-destination counters
  icmp_mib icmp_stats;
  std::unique_ptr<netns_nf> nf;  // netfilter: hooks, iptables tables, conntrack (netfilter.hpp)

  // TCP: sysctls, MIB, socket hash and orphans (stack/tcp*.cpp). ~net frees
  // the orphans (with their skbs and timers) before the timer base.
  netns_tcp tcp;

private:
  std::mt19937_64 rng_;
  int next_ifindex_ = 1;
};

}  // namespace wirepath
