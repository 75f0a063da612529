// The run's summary as one JSON object (--json FILE), for other programs.
// Field names are stable and each is documented in docs/json.md (a test
// compares the two). Times are in ns (numbers), counts are integers.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/app/flows.hpp"
#include "sim/app/scenario.hpp"

namespace wirepath {

// What every run has: wire, latency by stage, drops, driver, NIC.
// mode: "udp", "tcp" or "flows".
nlohmann::json summary_json(const System &sys, const std::string &mode, ps_t sim_time);
// The mode's own part, added to an object from summary_json.
void add_udp_json(nlohmann::json &j, const UdpScenarioResult &r);
void add_tcp_json(nlohmann::json &j, const System &sys, const TcpScenarioResult &r);
void add_flows_json(nlohmann::json &j, const FlowSet &flows);
// --json FILE and --latency-csv FILE: written when their path is set.
// Throws std::runtime_error when a file cannot be written.
struct RunOutputs {
  std::string json_path, csv_path;
  void write(const System &sys, const nlohmann::json &summary) const;
};

// A LatencySummary as {count, min_ns, median_ns, p90_ns, p99_ns, p999_ns, max_ns}.
nlohmann::json latency_json(const LatencySummary &s);

}  // namespace wirepath
