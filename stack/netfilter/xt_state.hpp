// The state match's parameters and its bits (include/uapi/linux/netfilter/xt_state.h).
#pragma once

#include "stack/netfilter/nf_conntrack.hpp"

namespace wirepath {

// XT_STATE_* bits: one per ctinfo of the original direction, plus INVALID
// (no conntrack entry) and UNTRACKED.
enum : unsigned { XT_STATE_INVALID = 1u << 0, XT_STATE_UNTRACKED = 1u << 6 };
constexpr unsigned XT_STATE_BIT(unsigned ctinfo) { return 1u << (ctinfo % IP_CT_IS_REPLY + 1); }

// -m state [!] --state LIST.
struct xt_state_info {
  unsigned statemask = 0;
  bool invert = false;
};

// The packet's XT_STATE_* bit.
unsigned xt_state_bit(const sk_buff *skb);

}  // namespace wirepath
