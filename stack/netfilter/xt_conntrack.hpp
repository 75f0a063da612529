// The conntrack match's parameters (include/uapi/linux/netfilter/xt_conntrack.h):
// here only --ctstate, with the state match's bits.
#pragma once

#include "stack/netfilter/xt_state.hpp"

namespace wirepath {

enum : uint16_t { XT_CONNTRACK_STATE = 1u << 0 };  // match_flags, invert_flags

// -m conntrack [!] --ctstate LIST.
struct xt_conntrack_mtinfo {
  unsigned state_mask = 0;
  uint16_t match_flags = 0, invert_flags = 0;
};

}  // namespace wirepath
