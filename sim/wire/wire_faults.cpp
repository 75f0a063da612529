#include "sim/wire/wire_faults.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <zlib.h>

namespace wirepath {

namespace {
uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
}  // namespace

void WireFaultsConfig::validate() const {
  if (loss < 0 || loss >= 1) throw std::invalid_argument(fmt::format("wire faults: loss {} not in [0, 1)", loss));
  if (reorder < 0 || reorder >= 1)
    throw std::invalid_argument(fmt::format("wire faults: reorder {} not in [0, 1)", reorder));
}

bool frame_fcs_ok(const std::vector<uint8_t> &frame) {
  if (frame.size() < 64) return false;
  const size_t n = frame.size() - 4;
  const uint32_t fcs = frame[n] | frame[n + 1] << 8 | frame[n + 2] << 16 | uint32_t(frame[n + 3]) << 24;
  return crc32(0, frame.data(), static_cast<uInt>(n)) == fcs;
}

bool tcp_data_segment(const std::vector<uint8_t> &frame) {
  const size_t n = frame.size() - 4;  // without the FCS
  if (n < 14 + 20 || be16(&frame[12]) != 0x0800 || frame[14 + 9] != 6) return false;
  const size_t ihl = (frame[14] & 0xf) * 4u;
  if (n < 14 + ihl + 13) return false;
  const size_t tot = be16(&frame[16]);
  const size_t doff = (frame[14 + ihl + 12] >> 4) * 4u;
  return tot > ihl + doff;
}

WireFaults::WireFaults(const WireFaultsConfig &cfg, std::mt19937_64 &rng) : cfg_(cfg), rng_(rng) { cfg_.validate(); }

void WireFaults::on_frame(const std::vector<uint8_t> &frame, uint64_t t_ns) {
  stats_.frames++;
  uint64_t at = t_ns;
  if (frame_fcs_ok(frame)) {
    // One draw for loss (data segments only), then one for reorder: the
    // order of the draws is part of what a seed reproduces.
    if (cfg_.loss > 0 && tcp_data_segment(frame) && uni_(rng_) < cfg_.loss) {
      stats_.lost++;
      return;
    }
    if (cfg_.reorder > 0 && uni_(rng_) < cfg_.reorder) {
      at += cfg_.reorder_delay_ns;
      stats_.reordered++;
    }
  }
  if (deliver) deliver(frame, at);
}

}  // namespace wirepath
