#include "sim/wire/wire_log.hpp"

#include "sim/wire/wire_timing.hpp"

namespace wirepath {

void WireLog::on_frame(const WireFrame &f, ps_t start) {
  if (!stats_.frames) stats_.first_start = start;
  stats_.frames++;
  stats_.bytes += f.bytes.size();
  if (!f.fcs_ok) stats_.fcs_errors++;
  if (!f.preamble_ok) stats_.preamble_errors++;
  stats_.last_end = wire_frame_end(start, f.bytes.size());
  if (keep_frames_) {
    frames_.push_back(f);
    frame_times_.push_back(start);
  }
}

}  // namespace wirepath
