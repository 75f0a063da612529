// The wire's timing: 10GBASE-R carries 10 Gb/s, so one byte takes 800 ps
// (the XGMII moves 8 bytes per 6.4 ns cycle). Every frame is preceded by 7
// bytes of preamble and the SFD.
#pragma once

#include <cstddef>

#include "sim/ps_time.hpp"

namespace wirepath {

constexpr ps_t kPsPerByte10G = 800;      // 8 bits at 10 Gb/s
constexpr size_t kPreambleSfdBytes = 8;  // 7 preamble + SFD, before DA

// When the last byte (FCS) of a frame of frame_bytes (DA..FCS) has left,
// given the time of its /S/ (the first preamble byte).
constexpr ps_t wire_frame_end(ps_t start, size_t frame_bytes) {
  return start + (kPreambleSfdBytes + frame_bytes) * kPsPerByte10G;
}

}  // namespace wirepath
