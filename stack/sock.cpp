// Socket-level helpers (net/core/sock.c, net/ipv4/route.c ip_tos2prio).
#include "stack/sock.hpp"

namespace wirepath {

namespace {
// TC_PRIO_* values.
constexpr uint8_t TC_PRIO_BESTEFFORT = 0, TC_PRIO_BULK = 2, TC_PRIO_INTERACTIVE_BULK = 4, TC_PRIO_INTERACTIVE = 6;
// ip_tos2prio, indexed by IPTOS_TOS(tos) >> 1 (ECN_OR_COST(x) is x).
constexpr uint8_t ip_tos2prio[16] = {
    TC_PRIO_BESTEFFORT,       TC_PRIO_BESTEFFORT,       TC_PRIO_BESTEFFORT,       TC_PRIO_BESTEFFORT,
    TC_PRIO_BULK,             TC_PRIO_BULK,             TC_PRIO_BULK,             TC_PRIO_BULK,
    TC_PRIO_INTERACTIVE,      TC_PRIO_INTERACTIVE,      TC_PRIO_INTERACTIVE,      TC_PRIO_INTERACTIVE,
    TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK,
};
}  // namespace

uint32_t rt_tos2priority(uint8_t tos) { return ip_tos2prio[(tos & 0x1e) >> 1]; }

}  // namespace wirepath
