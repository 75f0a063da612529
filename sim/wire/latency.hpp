// Doorbell-to-wire latency of each frame, split into the stages a packet
// crosses: MMIO (TDT write posted to the NIC), descriptor fetch (TDT at the NIC
// until its last descriptor is in), data fetch (until its last byte is in),
// MAC (until /S/ of its frame is on XGMII). Observed purely by address and
// order on the bus and wire, so it needs nothing inside the RTL.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "driver/e1000.hpp"
#include "sim/ps_time.hpp"

namespace wirepath {

struct FrameLatency {
  uint64_t trace_id = 0;
  uint32_t frame_len = 0;  // its (first) frame on the wire, DA..payload, FCS excluded
  ps_t doorbell = 0, mmio = 0, desc = 0, data = 0, wire = 0;
  ps_t total() const { return wire - doorbell; }
};

struct LatencySummary {
  size_t count = 0;
  ps_t min = 0, median = 0, max = 0;
};

class LatencyTracker {
public:
  void set_ring(uint64_t ring_dma) { ring_dma_ = ring_dma; }
  void doorbell(const std::vector<TxPacketRecord> &pkts, ps_t t);
  void tdt_arrived(ps_t t);
  void read_beat(uint64_t addr, unsigned len, ps_t t);
  // A frame started on the wire; frame_len excludes FCS.
  void wire_start(size_t frame_len, ps_t t);

  const std::vector<FrameLatency> &done() const { return done_; }
  uint64_t unmatched() const { return unmatched_; }
  static LatencySummary summarize(std::vector<ps_t> v);
  LatencySummary total() const;
  LatencySummary stage(ps_t FrameLatency::*from, ps_t FrameLatency::*to) const;

private:
  struct Pending {
    FrameLatency lat;
    uint32_t len = 0;        // length of its first frame on the wire
    uint32_t more_frames = 0;  // further TSO segments to pass over
    uint64_t desc_addr = 0, data_addr = 0;  // beat-aligned addresses to watch
    bool have_mmio = false, have_desc = false, have_data = false;
    bool pushed = false;  // descriptors came with the doorbell: no fetch stage
  };
  uint64_t ring_dma_ = 0;
  std::deque<Pending> pending_;       // in doorbell (= wire) order
  std::deque<size_t> tdt_batches_;    // packets per doorbell not yet arrived
  size_t first_unarrived_ = 0;        // index into pending_ of the first without mmio
  std::vector<FrameLatency> done_;
  uint64_t unmatched_ = 0;
  uint32_t skip_frames_ = 0;  // later segments of the last matched TSO packet
};

}  // namespace wirepath
