// The IP protocol table (net/ipv4/protocol.c).
#include "stack/ipv4/protocol.hpp"

#include <array>
#include <cerrno>

#include "stack/ipv4/icmp.hpp"
#include "stack/ipv4/udp.hpp"
#include "stack/uapi.hpp"

namespace wirepath {

namespace {
const net_protocol udp_protocol = {udp_rcv, udp_err};
const net_protocol icmp_protocol = {icmp_rcv, nullptr};

std::array<const net_protocol *, 256> &inet_protos() {
  // inet_init: ICMP and UDP at boot (TCP registers itself).
  static std::array<const net_protocol *, 256> protos = [] {
    std::array<const net_protocol *, 256> p{};
    p[IPPROTO_ICMP] = &icmp_protocol;
    p[IPPROTO_UDP] = &udp_protocol;
    return p;
  }();
  return protos;
}
}  // namespace

int inet_add_protocol(const net_protocol *prot, uint8_t protocol) {
  auto &slot = inet_protos()[protocol];
  if (slot) return -EBUSY;
  slot = prot;
  return 0;
}

int inet_del_protocol(const net_protocol *prot, uint8_t protocol) {
  auto &slot = inet_protos()[protocol];
  if (slot != prot) return -EINVAL;
  slot = nullptr;
  return 0;
}

const net_protocol *inet_protocol(uint8_t protocol) { return inet_protos()[protocol]; }

}  // namespace wirepath
