// --report FILE.html: one self-contained HTML page of a run. The run's data
// goes in as JSON; Chart.js (Debian's libjs-chart.js, read from disk when the
// report is written) draws it, so the page needs no network to be viewed.
//
// Charts: each latency stage as a CDF, the median frame's stages as a
// waterfall, wire throughput over time, queue depths (qdisc, TX ring) over
// time, and a timeline of the first frames.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/host/tx_queue_sampler.hpp"
#include "sim/wire/latency.hpp"

namespace wirepath {

class System;

struct ReportInput {
  std::string title;
  std::string summary;  // the text the run printed
  std::vector<std::pair<std::string, std::string>> figures;  // key figures: name, value with unit
  std::vector<FrameLatency> frames;  // per-frame stage times (LatencyTracker::done)
  std::vector<WireSample> wire;      // every frame on the wire
  std::vector<TxQueueSample> queues;
};

// How many frames the timeline shows; CDFs keep at most kReportCdfPoints.
constexpr size_t kReportTimelineFrames = 20;
constexpr size_t kReportCdfPoints = 2000;

// Where CMake found Chart.js at configure time (libjs-chart.js).
std::string default_chartjs_path();
// The data of a finished run, as the report shows it.
ReportInput report_input(const System &sys, std::string title, std::string summary);
// The page's data: frames (one array entry per frame), cdf, median, throughput, queues.
nlohmann::json report_json(const ReportInput &in);
// The whole page, with Chart.js read from chartjs_path inlined. Throws
// std::runtime_error naming the file if it cannot be read.
std::string report_html(const ReportInput &in, const std::string &chartjs_path = default_chartjs_path());
// Before a run: why a report could not be written to path (its folder is
// missing, Chart.js is not installed), or "" if it can.
std::string report_check(const std::string &path);
// report_html to path; throws std::runtime_error naming the path on failure.
void write_report(const std::string &path, const ReportInput &in);

}  // namespace wirepath
