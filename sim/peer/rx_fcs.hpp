// What a receiving MAC does first: a frame shorter than the 64-byte minimum
// or with a bad FCS is dropped; a good one goes on without its FCS. Shared by
// the far ends of the wire (the link partner model and the kernel peer).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <zlib.h>

namespace wirepath {

// The frame (DA..FCS) without its FCS, or nothing if it is short or its FCS is bad.
inline std::optional<std::vector<uint8_t>> rx_strip_fcs(const std::vector<uint8_t> &frame) {
  if (frame.size() < 64) return std::nullopt;
  const size_t n = frame.size() - 4;
  const uint32_t fcs = frame[n] | frame[n + 1] << 8 | frame[n + 2] << 16 | uint32_t(frame[n + 3]) << 24;
  if (crc32(0, frame.data(), static_cast<uInt>(n)) != fcs) return std::nullopt;
  return std::vector<uint8_t>(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace wirepath
