#include "sim/pcie/pcie_direction.hpp"

#include <algorithm>
#include <cmath>

namespace wirepath {

ps_t PcieDirection::send(Stream s, ps_t ready, uint32_t wire_bytes) {
  const ps_t len = static_cast<ps_t>(std::llround(wire_bytes * ps_per_byte_));
  ps_t start = std::max(ready, stream_end_[s]);
  // First gap of at least len at or after start. Intervals are disjoint and
  // sorted; begin with the one that may overlap start.
  auto it = busy_.upper_bound(start);
  if (it != busy_.begin()) {
    auto prev = std::prev(it);
    if (prev->second > start) start = prev->second;
  }
  while (it != busy_.end() && it->first < start + len) {
    start = std::max(start, it->second);
    ++it;
  }
  const ps_t end = start + len;
  busy_[start] = end;
  stream_end_[s] = end;
  tlps_++;
  bytes_ += wire_bytes;
  if (on_tlp) on_tlp(s, start, end, wire_bytes);
  // Nothing becomes ready 100 us before the newest request: forget the past.
  newest_ready_ = std::max(newest_ready_, ready);
  constexpr ps_t kHorizon = 100'000'000;
  if (busy_.size() > 1024 && newest_ready_ > kHorizon) {
    const ps_t cut = newest_ready_ - kHorizon;
    while (!busy_.empty() && busy_.begin()->second < cut) busy_.erase(busy_.begin());
  }
  return end;
}

}  // namespace wirepath
