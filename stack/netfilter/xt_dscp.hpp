// The tos match's parameters (include/uapi/linux/netfilter/xt_dscp.h).
#pragma once

#include <cstdint>

namespace wirepath {

// -m tos [!] --tos value[/mask]: (iph->tos & tos_mask) == tos_value.
struct xt_tos_match_info {
  uint8_t tos_mask = 0xff, tos_value = 0;
  bool invert = false;
};

}  // namespace wirepath
