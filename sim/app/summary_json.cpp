#include "sim/app/summary_json.hpp"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "stack/ipv4/tcp.hpp"

namespace wirepath {

using nlohmann::json;

namespace {
double ns(ps_t ps) { return ps / 1000.0; }
}  // namespace

json latency_json(const LatencySummary &s) {
  return json{{"count", s.count},    {"min_ns", ns(s.min)}, {"median_ns", ns(s.median)}, {"p90_ns", ns(s.p90)},
              {"p99_ns", ns(s.p99)}, {"p999_ns", ns(s.p999)}, {"max_ns", ns(s.max)}};
}

json summary_json(const System &sys, const std::string &mode, ps_t sim_time) {
  const WireStats &w = sys.wire();
  const LatencyTracker &lat = sys.latency();
  json j;
  j["schema"] = "wirepath-summary/1";
  j["mode"] = mode;
  j["seed"] = sys.config().seed;
  j["sim_time_ns"] = ns(sim_time);
  double gbps = 0, line = 0;
  if (w.frames && w.last_end > w.first_start) {
    const double secs = (w.last_end - w.first_start) * 1e-12;
    gbps = w.bytes * 8 / secs / 1e9;
    line = (w.bytes + 20.0 * w.frames) * 8 / secs / 10e9;
  }
  j["wire"] = {{"frames", w.frames},
               {"bytes", w.bytes},
               {"fcs_errors", w.fcs_errors},
               {"preamble_errors", w.preamble_errors},
               {"first_start_ns", ns(w.first_start)},
               {"last_end_ns", ns(w.last_end)},
               {"throughput_gbps", gbps},
               {"line_rate_fraction", line}};
  j["latency"] = {{"frames", lat.done().size()},
                  {"unmatched", lat.unmatched()},
                  {"stages",
                   {{"mmio", latency_json(lat.stage(&FrameLatency::doorbell, &FrameLatency::mmio))},
                    {"descriptor_fetch", latency_json(lat.stage(&FrameLatency::mmio, &FrameLatency::desc))},
                    {"data_fetch", latency_json(lat.stage(&FrameLatency::desc, &FrameLatency::data))},
                    {"mac", latency_json(lat.stage(&FrameLatency::data, &FrameLatency::wire))},
                    {"total", latency_json(lat.total())}}}};
  const skb_stats &s = skb_counters();
  json reasons = json::object();
  for (int i = 0; i < static_cast<int>(skb_drop_reason::NUM_REASONS); i++)
    if (s.dropped[i]) reasons[skb_drop_reason_name(static_cast<skb_drop_reason>(i))] = s.dropped[i];
  j["drops"] = {{"total", s.total_dropped()}, {"reasons", reasons}, {"skbs_live", s.live()}};
  const E1000TxStats &d = sys.adapter().stats();
  j["driver"] = {{"packets", d.packets},   {"frames", d.frames}, {"bytes", d.bytes},   {"doorbells", d.doorbells},
                 {"busy", d.busy},         {"interrupts", d.irqs}, {"polls", d.polls}, {"cleaned", d.cleaned},
                 {"tx_dma_failed", d.tx_dma_failed}};
  const NicStats &n = sys.nic().stats();
  j["nic"] = {{"cycles", n.cycles},         {"skipped_cycles", n.skipped_cycles}, {"dma_reads", n.dma_reads},
              {"dma_read_bytes", n.dma_read_bytes}, {"dma_writes", n.dma_writes}, {"msis", n.msis},
              {"dma_errors", n.dma_errors}};
  return j;
}

void RunOutputs::write(const System &sys, const json &summary) const {
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << summary.dump(2) << '\n';
    if (!out) throw std::runtime_error(fmt::format("--json: cannot write {}", json_path));
  }
  if (!csv_path.empty()) {
    std::ofstream out(csv_path);
    sys.latency().write_csv(out);
    if (!out) throw std::runtime_error(fmt::format("--latency-csv: cannot write {}", csv_path));
  }
}

void add_udp_json(json &j, const UdpScenarioResult &r) {
  j["udp"] = {{"sent", r.sent}, {"send_errors", r.send_errors}, {"payload_bytes", r.payload_bytes}};
}

void add_tcp_json(json &j, const System &sys, const TcpScenarioResult &r) {
  const double secs = (r.done - r.connected) * 1e-12;
  j["tcp"] = {{"sent", r.sent},
              {"received", sys.partner().stream().size()},
              {"intact", tcp_stream_intact(sys, r)},
              {"finished", r.finished},
              {"error", r.error},
              {"goodput_gbps", r.closed > r.connected && secs > 0 ? r.sent * 8 / secs / 1e9 : 0.0},
              {"segs_out", sys.stack().tcp.mib.OutSegs},
              {"retrans_segs", sys.stack().tcp.mib.RetransSegs},
              {"fast_retrans", r.fast_retrans},
              {"timeouts", r.timeouts},
              {"srtt_us", r.srtt_us},
              {"cwnd", r.cwnd},
              {"mss", r.mss}};
}

void add_flows_json(json &j, const FlowSet &flows) {
  json a = json::array();
  for (const FlowResult &r : flows.results()) {
    json f = {{"id", r.id},
              {"kind", flow_kind_name(r.spec.kind)},
              {"spec", to_string(r.spec)},
              {"sport", r.sport},
              {"dport", r.dport},
              {"priority", r.spec.prio},
              {"tos", r.spec.tos},
              {"sends", r.sends},
              {"bytes", r.bytes},
              {"wire_frames", r.wire_frames},
              {"wire_bytes", r.wire_bytes},
              {"payload_bytes", r.wire_payload},
              {"goodput_gbps", r.goodput_gbps()},
              {"start_ns", ns(r.start)},
              {"end_ns", ns(r.end)},
              {"finished", r.finished},
              {"error", r.error},
              {"latency", latency_json(LatencyTracker::summarize(r.latency))},
              {"rtt", latency_json(LatencyTracker::summarize(r.rtt))},
              {"replies", r.replies},
              {"srtt_us", r.srtt_us},
              {"cwnd", r.cwnd},
              {"retrans", r.retrans},
              {"delivered", r.delivered},
              {"intact", r.intact}};
    a.push_back(f);
  }
  j["flows"] = a;
}

}  // namespace wirepath
