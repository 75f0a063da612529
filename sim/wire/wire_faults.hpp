// Loss and reordering on the wire, in front of the receiver at its far end
// (smoltcp's FaultInjector): a middleware that passes each frame on with the
// time it arrives, or drops it. Plain C++, seeded, deterministic.
//
// Loss drops our TCP segments that carry data, never a SYN, a pure ACK or
// a bare FIN, so a handshake is never lost. Reorder delays a frame by
// reorder_delay_ns; the receiver takes frames in arrival order, so later
// frames overtake it. A frame the receiver's MAC would discard (short, bad
// FCS) passes untouched: it is the receiver's to count.
//
// The draws come from the random source it is given: System gives it the
// link partner's, so one seed orders every draw of the far end (the
// partner's ISS, loss, reorder) as one sequence.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace wirepath {

struct WireFaultsConfig {
  double loss = 0.0;     // probability that one of our TCP data segments is lost
  double reorder = 0.0;  // probability that a frame is delayed by reorder_delay_ns
  uint64_t reorder_delay_ns = 5'000;
  void validate() const;
};

struct WireFaultStats {
  uint64_t frames = 0;  // frames offered, lost ones included
  uint64_t lost = 0, reordered = 0;
};

class WireFaults {
public:
  WireFaults(const WireFaultsConfig &cfg, std::mt19937_64 &rng);

  // A frame from the wire (DA..FCS) whose last bit left at t_ns.
  void on_frame(const std::vector<uint8_t> &frame, uint64_t t_ns);
  // Where the frames that are not lost go, with the time they arrive.
  std::function<void(const std::vector<uint8_t> &frame, uint64_t arrive_ns)> deliver;

  const WireFaultsConfig &config() const { return cfg_; }
  const WireFaultStats &stats() const { return stats_; }

private:
  WireFaultsConfig cfg_;
  WireFaultStats stats_;
  std::mt19937_64 &rng_;
  std::uniform_real_distribution<double> uni_{0.0, 1.0};
};

// A frame (DA..FCS) the receiver's MAC accepts: at least 64 bytes, good FCS.
bool frame_fcs_ok(const std::vector<uint8_t> &frame);
// An IPv4 TCP segment with payload (frame DA..FCS, FCS checked).
bool tcp_data_segment(const std::vector<uint8_t> &frame);

}  // namespace wirepath
