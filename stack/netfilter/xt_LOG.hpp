// The LOG target's parameters (include/uapi/linux/netfilter/xt_LOG.h) and
// its line (net/netfilter/nf_log_syslog.c).
#pragma once

#include <cstdint>
#include <string>

#include "stack/netfilter/netfilter.hpp"

namespace wirepath {

struct xt_log_info {
  uint8_t level = 4;
  std::string prefix;  // at most 29 characters
};

// The LOG target's line for a packet (nf_log_dump_packet's format).
std::string nf_log_packet_line(const sk_buff *skb, const nf_hook_state &state, const std::string &prefix);

}  // namespace wirepath
