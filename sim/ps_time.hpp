// Simulated time in picoseconds: SystemC's resolution here and Verilator's
// default timescale. Plain C++, so timing models need no SystemC.
#pragma once

#include <cstdint>

namespace wirepath {

using ps_t = uint64_t;
constexpr ps_t kNs = 1000;

}  // namespace wirepath
