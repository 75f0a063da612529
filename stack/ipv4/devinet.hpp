// IPv4 interface addresses (net/ipv4/devinet.c): ip addr add ADDR/PREFIX dev DEV.
#pragma once

#include <cstdint>

namespace wirepath {

struct net;
struct net_device;

struct in_ifaddr {
  net_device *ifa_dev = nullptr;
  uint32_t ifa_local = 0;  // host order
  uint8_t ifa_prefixlen = 0;
  uint32_t ifa_mask() const { return ifa_prefixlen ? ~uint32_t{0} << (32 - ifa_prefixlen) : 0; }
};

// Adds the address and its on-link prefix route (fib_add_ifaddr).
// -EINVAL for prefixlen > 32 or a zero address, -EEXIST for a duplicate.
int inet_addr_add(net &n, net_device *dev, uint32_t addr, uint8_t prefixlen);
// inet_select_addr: a source address on dev, preferring one whose subnet holds dst.
uint32_t inet_select_addr(const net &n, const net_device *dev, uint32_t dst);
// inet_addr_type == RTN_LOCAL: addr is one of ours.
bool inet_addr_is_local(const net &n, uint32_t addr);

}  // namespace wirepath
