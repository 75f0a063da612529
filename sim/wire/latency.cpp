#include "sim/wire/latency.hpp"

#include <algorithm>

namespace wirepath {

void LatencyTracker::doorbell(const std::vector<TxPacketRecord> &pkts, ps_t t) {
  for (const TxPacketRecord &r : pkts) {
    Pending p;
    p.lat.trace_id = r.trace_id;
    p.lat.doorbell = t;
    p.len = r.first_frame_len ? r.first_frame_len : r.len;
    p.more_frames = r.segs ? r.segs - 1 : 0;
    p.desc_addr = (ring_dma_ + 16ull * r.last_desc) & ~uint64_t{15};
    p.data_addr = (r.last_buf_end - 1) & ~uint64_t{15};
    p.pushed = r.pushed;
    pending_.push_back(p);
  }
  tdt_batches_.push_back(pkts.size());
}

void LatencyTracker::tdt_arrived(ps_t t) {
  if (tdt_batches_.empty()) return;  // a TDT write that is not a doorbell (ring setup)
  size_t n = tdt_batches_.front();
  tdt_batches_.pop_front();
  for (Pending &p : pending_) {
    if (!n) break;
    if (p.have_mmio) continue;
    p.lat.mmio = t;
    p.have_mmio = true;
    // Push mode: the descriptors arrived with the doorbell (the fetch stage is 0).
    if (p.pushed) {
      p.lat.desc = t;
      p.have_desc = true;
    }
    n--;
  }
}

void LatencyTracker::read_beat(uint64_t addr, unsigned len, ps_t t) {
  for (Pending &p : pending_) {
    if (!p.have_desc && p.desc_addr >= addr && p.desc_addr < addr + len) {
      p.lat.desc = t;
      p.have_desc = true;
      return;
    }
    if (p.have_desc && !p.have_data && p.data_addr >= addr && p.data_addr < addr + len) {
      p.lat.data = t;
      p.have_data = true;
      return;
    }
  }
}

void LatencyTracker::wire_start(size_t frame_len, ps_t t) {
  // The latency of a TSO packet is to its first segment; the rest follow it.
  if (skip_frames_) {
    skip_frames_--;
    return;
  }
  // Frames leave in ring order; a packet the NIC dropped has no frame, so
  // skip entries whose length cannot be this frame's.
  while (!pending_.empty()) {
    Pending p = pending_.front();
    pending_.pop_front();
    const bool match = frame_len == p.len || (p.len < 60 && frame_len == 60);
    if (match && p.have_mmio && p.have_desc && p.have_data) {
      p.lat.wire = t;
      p.lat.frame_len = static_cast<uint32_t>(frame_len);
      done_.push_back(p.lat);
      skip_frames_ = p.more_frames;
      return;
    }
    unmatched_++;
    if (match) return;
  }
  unmatched_++;
}

LatencySummary LatencyTracker::summarize(std::vector<ps_t> v) {
  LatencySummary s;
  s.count = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  return s;
}

LatencySummary LatencyTracker::total() const { return stage(&FrameLatency::doorbell, &FrameLatency::wire); }

LatencySummary LatencyTracker::stage(ps_t FrameLatency::*from, ps_t FrameLatency::*to) const {
  std::vector<ps_t> v;
  v.reserve(done_.size());
  for (const FrameLatency &f : done_) v.push_back(f.*to - f.*from);
  return summarize(std::move(v));
}

}  // namespace wirepath
