// The NFQUEUE target's parameters (include/uapi/linux/netfilter/xt_NFQUEUE.h).
#pragma once

#include <cstdint>

namespace wirepath {

enum : uint16_t { NFQ_FLAG_BYPASS = 0x01 };  // NF_VERDICT_FLAG_QUEUE_BYPASS in the verdict

struct xt_NFQ_info_v3 {
  uint16_t queuenum = 0;
  uint16_t flags = 0;  // NFQ_FLAG_*
};

}  // namespace wirepath
