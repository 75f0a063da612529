// The wire log: counts the frames on the wire (bytes, FCS and preamble
// errors, first /S/ to last byte) and, for tests, keeps every frame with the
// time of its /S/.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ps_time.hpp"
#include "sim/wire/xgmii_rx.hpp"

namespace wirepath {

struct WireStats {
  uint64_t frames = 0, bytes = 0;  // bytes: DA..FCS
  uint64_t fcs_errors = 0, preamble_errors = 0;
  ps_t first_start = 0, last_end = 0;
};

class WireLog {
public:
  explicit WireLog(bool keep_frames) : keep_frames_(keep_frames) {}

  void on_frame(const WireFrame &f, ps_t start);

  const WireStats &stats() const { return stats_; }
  const std::vector<WireFrame> &frames() const { return frames_; }
  const std::vector<ps_t> &frame_times() const { return frame_times_; }

private:
  bool keep_frames_;
  WireStats stats_;
  std::vector<WireFrame> frames_;
  std::vector<ps_t> frame_times_;
};

}  // namespace wirepath
