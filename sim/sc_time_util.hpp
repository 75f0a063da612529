// Picoseconds <-> sc_time. The kernel resolution is 1 ps (SystemC's default),
// matching Verilator's default 1ps timescale.
#pragma once

#include <systemc>

#include "sim/ps_time.hpp"

namespace wirepath {

inline ps_t now_ps() { return sc_core::sc_time_stamp().value(); }
inline sc_core::sc_time ps_time(ps_t ps) { return sc_core::sc_time::from_value(ps); }
inline ps_t to_ps(const sc_core::sc_time &t) { return t.value(); }

}  // namespace wirepath
