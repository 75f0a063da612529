// Small helpers the kernel keeps outside the protocols. ip4_str prints an
// IPv4 address as printk's %pI4 does (lib/vsprintf.c), for log lines and
// conntrack dumps.
#pragma once

#include <cstdint>
#include <string>

namespace wirepath {

std::string ip4_str(uint32_t addr);  // host order -> "a.b.c.d"

}  // namespace wirepath
