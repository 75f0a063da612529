#include "sim/pcie/pcie_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

namespace {
bool pow2(unsigned v) { return v && !(v & (v - 1)); }
}  // namespace

void PcieConfig::validate() const {
  if (!(gts_per_lane > 0) || lanes == 0 || !(encoding > 0 && encoding <= 1))
    throw std::invalid_argument("pcie: link rate must be positive (gts_per_lane, lanes, encoding)");
  if (!pow2(lanes) || lanes > 32) throw std::invalid_argument(fmt::format("pcie: lanes={} is not x1..x32", lanes));
  for (auto [name, v] : {std::pair{"max_read_request", max_read_request}, {"max_payload", max_payload},
                         {"read_completion_boundary", read_completion_boundary}})
    if (!pow2(v) || v < 64 || v > 4096)
      throw std::invalid_argument(fmt::format("pcie: {}={} must be a power of two in 64..4096", name, v));
  if (link_latency == 0)
    throw std::invalid_argument("pcie: link_latency must be > 0 (it is the co-simulation lookahead)");
}

PcieModel::PcieModel(const PcieConfig &cfg)
    : cfg_((cfg.validate(), cfg)), up_(cfg.ps_per_byte()), down_(cfg.ps_per_byte()) {}

std::vector<ReadCompletion> PcieModel::dma_read(ps_t issue, uint64_t addr, uint32_t len) {
  std::vector<ReadCompletion> out;
  const uint64_t end = addr + len;
  const unsigned mrrs = cfg_.max_read_request, rcb = cfg_.read_completion_boundary;
  for (uint64_t req = addr; req < end;) {
    // Requests break at MRRS-aligned boundaries (so never cross 4 KiB).
    const uint64_t req_end = std::min(end, (req / mrrs + 1) * mrrs);
    // The NIC hands all MRd TLPs of one AXI burst to the link at once.
    const ps_t at_host = up_.send(PcieDirection::kRequests, issue, cfg_.mem_tlp_overhead) + cfg_.link_latency;
    ps_t line_ready = at_host + cfg_.host_read_latency;
    for (uint64_t c = req; c < req_end;) {
      const uint64_t c_end = std::min(req_end, (c / rcb + 1) * rcb);
      const ps_t ready = std::max(line_ready, completer_free_);
      completer_free_ = ready + cfg_.host_line_time;
      const uint32_t n = static_cast<uint32_t>(c_end - c);
      const ps_t arrive = down_.send(PcieDirection::kCompletions, ready, n + cfg_.cpl_tlp_overhead) + cfg_.link_latency;
      out.push_back({static_cast<uint32_t>(c - addr), n, arrive});
      c = c_end;
    }
    req = req_end;
  }
  return out;
}

ps_t PcieModel::dma_write(ps_t issue, uint64_t addr, uint32_t len) {
  ps_t last = issue;
  const uint64_t end = addr + std::max<uint32_t>(len, 1);
  for (uint64_t w = addr; w < end;) {
    const uint64_t w_end = std::min(end, (w / cfg_.max_payload + 1) * cfg_.max_payload);
    last = up_.send(PcieDirection::kRequests, issue, static_cast<uint32_t>(w_end - w) + cfg_.mem_tlp_overhead) + cfg_.link_latency;
    w = w_end;
  }
  return last;
}

ps_t PcieModel::mmio_write(ps_t issue, uint32_t len) {
  return down_.send(PcieDirection::kRequests, issue + cfg_.cpu_mmio_latency, len + cfg_.mem_tlp_overhead) + cfg_.link_latency;
}

ps_t PcieModel::mmio_read_request(ps_t issue) {
  return down_.send(PcieDirection::kRequests, issue + cfg_.cpu_mmio_latency, cfg_.mem_tlp_overhead) + cfg_.link_latency;
}

ps_t PcieModel::mmio_read_completion(ps_t answered, uint32_t len) {
  return up_.send(PcieDirection::kCompletions, answered, len + cfg_.cpl_tlp_overhead) + cfg_.link_latency + cfg_.cpu_mmio_latency;
}

}  // namespace wirepath
