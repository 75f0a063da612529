#include "sim/wire/xgmii_rx.hpp"

#include <zlib.h>

namespace wirepath {

namespace {
constexpr uint8_t kIdle = 0x07, kStart = 0xFB, kTerm = 0xFD, kPre = 0x55, kSfd = 0xD5;
}  // namespace

void XgmiiRx::cycle(uint64_t txd, uint8_t txc, uint64_t cycle_index) {
  // Fast paths with exactly the effect of the eight lanes (this runs once per
  // NIC cycle): an all-idle word between frames, an all-data word in a frame.
  if (state_ == State::kIdle && txc == 0xFF && txd == 0x0707070707070707ull) {
    idle_lanes_ += 8;
    return;
  }
  if (state_ == State::kData && txc == 0) {
    uint8_t b[8];
    for (unsigned i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(txd >> (8 * i));
    cur_.bytes.insert(cur_.bytes.end(), b, b + 8);
    return;
  }
  for (unsigned i = 0; i < 8; ++i) {
    lane(static_cast<uint8_t>(txd >> (8 * i)), (txc >> i) & 1, i, cycle_index);
  }
}

void XgmiiRx::idle(uint64_t cycles, uint64_t cycle_index) {
  constexpr uint64_t kIdleWord = 0x0707070707070707ull;
  // Inside a frame an idle is a coding error: decode those words one by one
  // until the receiver is between frames.
  for (; cycles && state_ != State::kIdle; --cycles, ++cycle_index) cycle(kIdleWord, 0xFF, cycle_index);
  // Between frames each idle lane only counts (modulo 2^32, as one by one).
  idle_lanes_ += static_cast<uint32_t>(cycles * 8);
}

void XgmiiRx::lane(uint8_t byte, bool ctrl, unsigned lane_index, uint64_t cycle_index) {
  switch (state_) {
    case State::kIdle:
      if (ctrl && byte == kStart) {
        cur_ = WireFrame{};
        cur_.start_cycle = cycle_index;
        cur_.start_lane = lane_index;
        cur_.ifg_bytes = seen_frame_ ? idle_lanes_ : 0;
        cur_.preamble_ok = true;
        preamble_count_ = 0;
        coding_bad_ = false;
        state_ = State::kPreamble;
      } else if (ctrl && byte == kIdle) {
        ++idle_lanes_;
      } else {
        // Data or an unexpected control character between frames.
        ++coding_errors_;
        ++idle_lanes_;
      }
      return;
    case State::kPreamble:
      if (ctrl) {
        ++coding_errors_;
        coding_bad_ = true;
        if (byte == kTerm) {
          finish(cycle_index);
          return;
        }
      }
      if (preamble_count_ < 6 ? byte != kPre : byte != kSfd) cur_.preamble_ok = false;
      if (++preamble_count_ == 7) state_ = State::kData;
      return;
    case State::kData:
      if (!ctrl) {
        cur_.bytes.push_back(byte);
      } else if (byte == kTerm) {
        finish(cycle_index);
      } else {
        ++coding_errors_;
        coding_bad_ = true;
        if (byte == kStart) {
          // A new start inside a frame: hand over the broken one, begin again.
          finish(cycle_index);
          lane(byte, ctrl, lane_index, cycle_index);
        }
      }
      return;
  }
}

void XgmiiRx::finish(uint64_t cycle_index) {
  cur_.end_cycle = cycle_index;
  const auto &b = cur_.bytes;
  bool fcs_ok = false;
  if (b.size() >= 4) {
    const size_t n = b.size() - 4;
    const uint32_t crc = static_cast<uint32_t>(crc32(0L, b.data(), static_cast<uInt>(n)));
    const uint32_t fcs = uint32_t(b[n]) | uint32_t(b[n + 1]) << 8 | uint32_t(b[n + 2]) << 16 |
                         uint32_t(b[n + 3]) << 24;
    fcs_ok = crc == fcs;
  }
  cur_.fcs_ok = fcs_ok && !coding_bad_;
  if (!cur_.fcs_ok) ++fcs_errors_;
  if (!cur_.preamble_ok) ++preamble_errors_;
  ++frames_;
  seen_frame_ = true;
  // The /T/ (or the offending control lane) is the first gap lane.
  idle_lanes_ = 1;
  state_ = State::kIdle;
  if (on_frame) on_frame(cur_);
}

}  // namespace wirepath
