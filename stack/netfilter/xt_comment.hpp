// The comment match's parameter (include/uapi/linux/netfilter/xt_comment.h).
#pragma once

#include <string>

namespace wirepath {

struct xt_comment_info {
  std::string comment;
};

}  // namespace wirepath
