// The tcp and udp matches' parameters (include/uapi/linux/netfilter/xt_tcpudp.h).
#pragma once

#include <cstdint>

namespace wirepath {

enum : uint8_t {
  XT_TCPUDP_INV_SRCPT = 0x01,  // XT_TCP_INV_SRCPT / XT_UDP_INV_SRCPT
  XT_TCPUDP_INV_DSTPT = 0x02,
  // Which ranges the rule gave (iptables -L prints those), not the kernel's.
  XT_TCPUDP_SRCPT = 0x10,
  XT_TCPUDP_DSTPT = 0x20,
};

// struct xt_tcp / xt_udp: source and destination port ranges, inclusive.
struct xt_tcpudp {
  uint16_t spts[2] = {0, 0xffff};
  uint16_t dpts[2] = {0, 0xffff};
  uint8_t invflags = 0;
};

}  // namespace wirepath
