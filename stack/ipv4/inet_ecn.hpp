// ECN codepoints in the IPv4 TOS byte (include/net/inet_ecn.h).
#pragma once

#include <cstdint>

namespace wirepath {

struct sk_buff;

enum : uint8_t { INET_ECN_NOT_ECT = 0, INET_ECN_ECT_1 = 1, INET_ECN_ECT_0 = 2, INET_ECN_CE = 3, INET_ECN_MASK = 3 };

// INET_ECN_set_ce (IP_ECN_set_ce for IPv4): an ECT(0)/ECT(1) packet becomes
// CE, its header checksum updated incrementally. True if the packet now
// carries CE (also when it already did); false for Not-ECT or non-IPv4.
bool INET_ECN_set_ce(sk_buff *skb);

}  // namespace wirepath
