// Doorbell-to-wire latency of each frame, split into the stages a packet
// crosses: MMIO (TDT write posted to the NIC), descriptor fetch (TDT at the NIC
// until its last descriptor is in), data fetch (until its last byte is in),
// MAC (until /S/ of its frame is on XGMII). Observed purely by address and
// order on the bus and wire, so it needs nothing inside the RTL.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <ostream>
#include <unordered_map>
#include <vector>

#include "driver/e1000.hpp"
#include "sim/ps_time.hpp"

namespace wirepath {

struct FrameLatency {
  uint64_t trace_id = 0;
  uint32_t frame_len = 0;  // its (first) frame on the wire, DA..payload, FCS excluded
  int flow = -1;           // the application flow that sent it (sim/app/flows), -1: none
  ps_t send = 0;           // its send() call, when the flow knows it (else 0)
  ps_t doorbell = 0, mmio = 0, desc = 0, data = 0, wire = 0;
  ps_t total() const { return wire - doorbell; }
};

// One frame on the wire, matched to its packet's stages or not (a later TSO
// segment, a frame the tracker could not match): the --latency-csv rows.
struct WireFrameRecord {
  FrameLatency lat;      // trace_id .. data are 0 unless matched
  bool matched = false;  // lat's doorbell..data belong to this frame's packet
  uint32_t segment = 0;  // 0: the packet's first frame; n: its nth further TSO segment
};

// min, median (mean of the middle two for an even count), max and
// nearest-rank percentiles: pN is the smallest value with at least N% of
// the values at or below it.
struct LatencySummary {
  size_t count = 0;
  ps_t min = 0, median = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};

// What a frame's bytes say about who sent it (flow, send() time).
struct FrameTag {
  int flow = -1;
  ps_t send = 0;
};

class LatencyTracker {
public:
  void set_ring(uint64_t ring_dma) { ring_dma_ = ring_dma; }
  // Cut-through: a frame may start before its last byte is read, so the data
  // stage ends at the R beat with the packet's first byte instead.
  void set_data_at_first_byte(bool on) { data_at_first_byte_ = on; }
  // The driver writes tdt (its next_to_use) to TDT for pkts at t.
  void doorbell(const std::vector<TxPacketRecord> &pkts, uint32_t tdt, ps_t t);
  // A TDT write of value reached the NIC. Only the oldest outstanding
  // doorbell's value matches: ring setup's writel(0, TDT), still posted
  // when the driver is up, is no doorbell.
  void tdt_arrived(uint32_t value, ps_t t);
  void read_beat(uint64_t addr, unsigned len, ps_t t);
  // A frame started on the wire; frame_len excludes FCS.
  void wire_start(size_t frame_len, ps_t t);
  // The same with the frame's bytes (DA..FCS), which tag() is given.
  void wire_start(const std::vector<uint8_t> &frame, ps_t t);
  // Called for every frame on the wire: the flow that sent it and its send()
  // time (sim/app/flows sets it).
  std::function<FrameTag(const std::vector<uint8_t> &frame, ps_t start)> tag;

  const std::vector<FrameLatency> &done() const { return done_; }
  // Every frame on the wire, in wire order.
  const std::vector<WireFrameRecord> &frames() const { return frames_; }
  // One CSV row per frame on the wire (header first); times in ps, empty
  // where a stage is unknown. Columns documented in docs/json.md.
  void write_csv(std::ostream &out) const;
  uint64_t unmatched() const { return unmatched_; }
  static LatencySummary summarize(std::vector<ps_t> v);
  // Nearest-rank percentile of sorted values (p in 0..100].
  static ps_t percentile(const std::vector<ps_t> &sorted, double p);
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
    bool inlined = false;  // and its bytes: no data stage
  };
  uint64_t ring_dma_ = 0;
  bool data_at_first_byte_ = false;
  std::deque<Pending> pending_;       // in doorbell (= wire) order
  struct Batch {
    size_t packets;
    uint32_t tdt;
  };
  std::deque<Batch> tdt_batches_;     // doorbells not yet arrived
  size_t first_unarrived_ = 0;        // index into pending_ of the first without mmio
  std::vector<FrameLatency> done_;
  std::vector<WireFrameRecord> frames_;
  FrameLatency last_matched_;  // for its further TSO segments
  uint32_t segment_ = 0;
  uint64_t unmatched_ = 0;
  uint32_t skip_frames_ = 0;  // later segments of the last matched TSO packet
  uint32_t skip_unmatched_ = 0;  // later segments of a packet that could not be matched
};

}  // namespace wirepath
