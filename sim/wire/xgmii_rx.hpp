// XGMII (64-bit, 8 lanes) receiver: decodes the NIC's TX wire into frames and
// checks preamble/SFD and FCS. Used by the RTL tests and the SystemC wire
// monitor. Plain C++.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace wirepath {

struct WireFrame {
  std::vector<uint8_t> bytes;  // DA .. FCS (as on the wire, FCS included), no preamble/SFD
  uint64_t start_cycle = 0;    // cycle index of the word carrying /S/
  unsigned start_lane = 0;
  uint64_t end_cycle = 0;      // cycle of the /T/
  uint32_t ifg_bytes = 0;      // idle lanes (incl. /T/) between previous frame's last byte and this /S/; 0 for the first frame
  bool preamble_ok = false, fcs_ok = false;
};

class XgmiiRx {
 public:
  std::function<void(const WireFrame &)> on_frame;

  // Call once per clock edge with the registered XGMII outputs.
  void cycle(uint64_t txd, uint8_t txc, uint64_t cycle_index);
  // `cycles` edges of all-idle words (/I/ on every lane) from cycle_index on,
  // with exactly the effect of as many cycle() calls (the simulator's idle
  // fast-forward).
  void idle(uint64_t cycles, uint64_t cycle_index);

  uint64_t frames() const { return frames_; }
  uint64_t fcs_errors() const { return fcs_errors_; }
  uint64_t preamble_errors() const { return preamble_errors_; }
  uint64_t coding_errors() const { return coding_errors_; }

 private:
  void lane(uint8_t byte, bool ctrl, unsigned lane_index, uint64_t cycle_index);
  void finish(uint64_t cycle_index);

  enum class State { kIdle, kPreamble, kData };
  State state_ = State::kIdle;
  WireFrame cur_;
  unsigned preamble_count_ = 0;
  bool coding_bad_ = false;
  bool seen_frame_ = false;
  uint32_t idle_lanes_ = 0;  // control lanes since the last frame's last byte
  uint64_t frames_ = 0, fcs_errors_ = 0, preamble_errors_ = 0, coding_errors_ = 0;
};

}  // namespace wirepath
