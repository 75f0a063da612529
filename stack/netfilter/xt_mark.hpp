// The mark match's and the MARK target's parameters (include/uapi/linux/netfilter/xt_mark.h).
#pragma once

#include <cstdint>

namespace wirepath {

// -m mark [!] --mark value[/mask]: (skb->mark & mask) == mark.
struct xt_mark_mtinfo1 {
  uint32_t mark = 0, mask = 0xffffffffu;
  bool invert = false;
};

// -j MARK: skb->mark = (skb->mark & ~mask) ^ mark (--set-xmark; the other options are forms of it).
struct xt_mark_tginfo2 {
  uint32_t mark = 0, mask = 0;
};

}  // namespace wirepath
