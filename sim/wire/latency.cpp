#include "sim/wire/latency.hpp"

#include <algorithm>

namespace wirepath {

void LatencyTracker::doorbell(const std::vector<TxPacketRecord> &pkts, uint32_t tdt, ps_t t) {
  for (const TxPacketRecord &r : pkts) {
    Pending p;
    p.lat.trace_id = r.trace_id;
    p.lat.doorbell = t;
    p.len = r.first_frame_len ? r.first_frame_len : r.len;
    p.more_frames = r.segs ? r.segs - 1 : 0;
    p.desc_addr = (ring_dma_ + 16ull * r.last_desc) & ~uint64_t{15};
    p.data_addr = (r.last_buf_end - 1) & ~uint64_t{15};
    // A TSO packet leaves segment by segment as its data comes in: its data
    // stage ends with the first segment's last byte. Our TCP skbs are linear
    // (one contiguous buffer), so that byte is first_frame_len into it.
    if (r.segs > 1 && r.first_frame_len && r.first_frame_len < r.len)
      p.data_addr = (r.last_buf_end - r.len + r.first_frame_len - 1) & ~uint64_t{15};
    if (data_at_first_byte_) p.data_addr = r.first_buf & ~uint64_t{15};
    p.pushed = r.pushed;
    p.inlined = r.inlined;
    pending_.push_back(p);
  }
  tdt_batches_.push_back({pkts.size(), tdt});
}

void LatencyTracker::tdt_arrived(uint32_t value, ps_t t) {
  // Posted writes arrive in order, so a doorbell is the oldest outstanding
  // one; any other value is a TDT write that is not a doorbell (ring setup).
  if (tdt_batches_.empty() || tdt_batches_.front().tdt != value) return;
  size_t n = tdt_batches_.front().packets;
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
    // Inline: the bytes arrived before the doorbell (the data stage is 0).
    if (p.inlined) {
      p.lat.data = t;
      p.have_data = true;
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

void LatencyTracker::wire_start(const std::vector<uint8_t> &frame, ps_t t) {
  const FrameTag tg = tag ? tag(frame, t) : FrameTag{};
  wire_start(frame.size() >= 4 ? frame.size() - 4 : 0, t);
  FrameLatency &l = frames_.back().lat;
  l.flow = tg.flow;
  l.send = tg.send;
  if (frames_.back().matched && frames_.back().segment == 0) {
    done_.back().flow = tg.flow;
    done_.back().send = tg.send;
  }
}

void LatencyTracker::wire_start(size_t frame_len, ps_t t) {
  WireFrameRecord rec;
  rec.lat.frame_len = static_cast<uint32_t>(frame_len);
  rec.lat.wire = t;
  // The latency of a TSO packet is to its first segment; the rest follow it.
  if (skip_unmatched_) {
    skip_unmatched_--;
    unmatched_++;
    frames_.push_back(rec);
    return;
  }
  if (skip_frames_) {
    skip_frames_--;
    rec.lat = last_matched_;
    rec.lat.frame_len = static_cast<uint32_t>(frame_len);
    rec.lat.wire = t;
    rec.matched = true;
    rec.segment = ++segment_;
    frames_.push_back(rec);
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
      last_matched_ = p.lat;
      segment_ = 0;
      rec.lat = p.lat;
      rec.matched = true;
      frames_.push_back(rec);
      return;
    }
    unmatched_++;
    if (match) {
      // Its further TSO segments follow it, unmatched too.
      skip_unmatched_ = p.more_frames;
      frames_.push_back(rec);
      return;
    }
  }
  unmatched_++;
  frames_.push_back(rec);
}

ps_t LatencyTracker::percentile(const std::vector<ps_t> &sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank: ceil(p/100 * n), 1-based; computed in integers of 0.1%
  // so 99.9 of 1000 is exactly rank 999.
  const uint64_t n = sorted.size();
  const uint64_t permille = static_cast<uint64_t>(p * 10 + 0.5);
  uint64_t rank = (permille * n + 999) / 1000;
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

void LatencyTracker::write_csv(std::ostream &out) const {
  out << "trace_id,flow,frame_len,segment,send_ps,doorbell_ps,mmio_ps,desc_ps,data_ps,wire_ps\n";
  for (const WireFrameRecord &r : frames_) {
    const FrameLatency &l = r.lat;
    out << l.trace_id << ',';
    if (l.flow >= 0) out << l.flow;
    out << ',' << l.frame_len << ',' << r.segment << ',';
    if (l.send) out << l.send;
    out << ',';
    if (r.matched) out << l.doorbell << ',' << l.mmio << ',' << l.desc << ',' << l.data;
    else out << ",,,";
    out << ',' << l.wire << '\n';
  }
}

LatencySummary LatencyTracker::summarize(std::vector<ps_t> v) {
  LatencySummary s;
  s.count = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.p90 = percentile(v, 90);
  s.p99 = percentile(v, 99);
  s.p999 = percentile(v, 99.9);
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
