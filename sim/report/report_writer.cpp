#include "sim/report/report_writer.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/system.hpp"

namespace wirepath {

namespace {

double ns_of(ps_t t) { return static_cast<double>(t) / 1000.0; }

struct Stage {
  const char *name;
  ps_t FrameLatency::*from, FrameLatency::*to;
};
// LatencyTracker's stages, in the order a frame crosses them (the summary's rows).
const Stage kStages[] = {
    {"MMIO write (TDT to NIC)", &FrameLatency::doorbell, &FrameLatency::mmio},
    {"descriptor fetch", &FrameLatency::mmio, &FrameLatency::desc},
    {"data fetch", &FrameLatency::desc, &FrameLatency::data},
    {"MAC (FIFO to /S/)", &FrameLatency::data, &FrameLatency::wire},
};

// Empirical CDF of v (ns): sorted values and P(X <= x); above kReportCdfPoints
// values, evenly spaced ranks (still monotonic, first and last kept).
nlohmann::json cdf(const std::string &name, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  nlohmann::json x = nlohmann::json::array(), p = nlohmann::json::array();
  const size_t n = v.size();
  const size_t pts = std::min(n, kReportCdfPoints);
  for (size_t k = 0; k < pts; k++) {
    const size_t i = pts == 1 ? n - 1 : k * (n - 1) / (pts - 1);
    x.push_back(v[i]);
    p.push_back(static_cast<double>(i + 1) / static_cast<double>(n));
  }
  return {{"stage", name}, {"ns", x}, {"p", p}};
}

// Wire throughput in bins over first /S/ .. last /S/: frame bits (DA..FCS) per bin.
nlohmann::json throughput(const std::vector<WireSample> &wire) {
  nlohmann::json t = nlohmann::json::array(), g = nlohmann::json::array();
  if (wire.size() < 2) return {{"t_us", t}, {"gbps", g}};
  const ps_t t0 = wire.front().start, t1 = wire.back().start;
  const size_t bins = std::clamp<size_t>(wire.size() / 4, 2, 100);
  const double width = static_cast<double>(t1 - t0 + 1) / static_cast<double>(bins);
  std::vector<double> bits(bins, 0.0);
  for (const WireSample &w : wire) {
    const size_t b = std::min(bins - 1, static_cast<size_t>(static_cast<double>(w.start - t0) / width));
    bits[b] += 8.0 * w.bytes;
  }
  for (size_t b = 0; b < bins; b++) {
    t.push_back((static_cast<double>(t0) + (b + 0.5) * width) / 1e6);
    g.push_back(bits[b] / width * 1000.0);  // bits per ps -> Gb/s
  }
  return {{"t_us", t}, {"gbps", g}, {"bin_us", width / 1e6}};
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(fmt::format(
        "report: cannot read Chart.js at {} (install Debian's libjs-chart.js: scripts/deps.sh)", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Inside <script>, "</script" or "<!--" would end or confuse the element. In
// JSON a '<' can only be inside a string, where \u003c means the same.
std::string json_for_script(const nlohmann::json &j) {
  const std::string s = j.dump();
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

std::string html_escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

// The page's script: builds the five charts from the JSON, then says so in #status
// (the headless test waits for that line).
const char *kPageScript = R"JS(
(function () {
  const D = JSON.parse(document.getElementById('report-data').textContent);
  const status = document.getElementById('status');
  const colors = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.size = 12;
  let charts = 0;
  function make(id, cfg) { new Chart(document.getElementById(id), cfg); charts++; }
  const lin = (title) => ({ type: 'linear', title: { display: true, text: title } });

  // 1. Each stage's latency as a CDF.
  make('cdf', {
    type: 'line',
    data: { datasets: D.cdf.map((c, i) => ({
      label: c.stage, data: c.ns.map((x, k) => ({ x: x, y: c.p[k] })),
      borderColor: colors[i % colors.length], backgroundColor: colors[i % colors.length],
      pointRadius: 0, borderWidth: 2, stepped: true })) },
    options: { parsing: false, scales: { x: { type: 'logarithmic', title: { display: true, text: 'latency, ns (log)' } },
                                         y: { min: 0, max: 1, title: { display: true, text: 'fraction of frames' } } } }
  });

  // 2. The median frame's journey: one floating bar per stage.
  const M = D.median;
  make('waterfall', {
    type: 'bar',
    data: { labels: M.stages.map(s => s.stage),
            datasets: [{ label: 'frame ' + M.index + ' on the wire (' + M.len + ' bytes' + (M.trace_id ? ', trace id ' + M.trace_id : '') + '), ' + M.total_ns.toFixed(1) + ' ns doorbell to /S/',
                         data: M.stages.map(s => [s.start_ns, s.end_ns]),
                         backgroundColor: M.stages.map((s, i) => colors[i % colors.length]) }] },
    options: { indexAxis: 'y', scales: { x: lin('ns after the doorbell (TDT writel)') },
               plugins: { tooltip: { callbacks: { label: (c) => {
                 const s = M.stages[c.dataIndex];
                 return s.stage + ': ' + (s.end_ns - s.start_ns).toFixed(1) + ' ns'; } } } } }
  });

  // 3. Wire throughput over time.
  make('throughput', {
    type: 'line',
    data: { datasets: [{ label: 'frames on the wire (DA..FCS), Gb/s per ' + (D.throughput.bin_us || 0).toFixed(2) + ' us bin',
                         data: D.throughput.t_us.map((t, i) => ({ x: t, y: D.throughput.gbps[i] })),
                         borderColor: colors[0], backgroundColor: colors[0], pointRadius: 0, fill: false }] },
    options: { parsing: false, scales: { x: Object.assign(lin('simulated time, us'), { max: D.throughput.t_us[D.throughput.t_us.length - 1] }),
                                         y: { min: 0, title: { display: true, text: 'Gb/s' } } } }
  });

  // 4. Queue depths over time (sampled at each doorbell and TX clean).
  const Q = D.queues;
  make('queues', {
    type: 'line',
    data: { datasets: [
      { label: 'qdisc qlen (packets)', data: Q.t_us.map((t, i) => ({ x: t, y: Q.qdisc[i] })),
        borderColor: colors[1], backgroundColor: colors[1], stepped: true, pointRadius: 0 },
      { label: 'TX ring in flight (descriptors)', data: Q.t_us.map((t, i) => ({ x: t, y: Q.ring[i] })),
        borderColor: colors[0], backgroundColor: colors[0], stepped: true, pointRadius: 0 }] },
    options: { parsing: false, scales: { x: Object.assign(lin('simulated time, us'), { max: Q.t_us[Q.t_us.length - 1] }),
                                         y: { min: 0, title: { display: true, text: 'depth' } } } }
  });

  // 5. Timeline of the first frames: their stages as bars on one time axis.
  const F = D.frames, n = Math.min(D.timeline_frames, F.trace_id.length);
  const t0 = n ? F.doorbell_ns[0] : 0;
  const keys = ['doorbell_ns', 'mmio_ns', 'desc_ns', 'data_ns', 'wire_ns'];
  const labels = [];
  for (let i = 0; i < n; i++) labels.push('frame ' + i + ' (' + F.len[i] + ' B)');
  make('timeline', {
    type: 'bar',
    data: { labels: labels, datasets: D.stages.map((name, s) => {
      const d = [];
      for (let i = 0; i < n; i++) d.push([(F[keys[s]][i] - t0) / 1000, (F[keys[s + 1]][i] - t0) / 1000]);
      return { label: name, data: d, backgroundColor: colors[s % colors.length] };
    }) },
    options: { indexAxis: 'y', scales: { x: lin('us after the first doorbell'), y: { stacked: true, ticks: { autoSkip: false } } } }
  });
  status.textContent = 'rendered ' + charts + ' charts';
})();
)JS";

const char *kStyle = R"CSS(
body { font-family: sans-serif; margin: 20px auto; max-width: 1200px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin: 24px 0 4px; }
p.what { margin: 0 0 6px; color: #555; font-size: 13px; }
.row { display: flex; gap: 20px; align-items: flex-start; }
pre { background: #f6f6f6; padding: 10px; font-size: 12px; overflow-x: auto; flex: 2; margin: 0; }
table { border-collapse: collapse; font-size: 13px; flex: 1; }
td { border-bottom: 1px solid #ddd; padding: 3px 8px; } td.v { text-align: right; font-variant-numeric: tabular-nums; }
.chart { position: relative; }
#status { color: #888; font-size: 11px; }
)CSS";

}  // namespace

std::string default_chartjs_path() { return WIREPATH_CHARTJS_PATH; }

ReportInput report_input(const System &sys, std::string title, std::string summary) {
  ReportInput in;
  in.title = std::move(title);
  in.summary = std::move(summary);
  in.frames = sys.latency().done();
  in.wire = sys.tx_samples().wire();
  in.queues = sys.tx_samples().samples();
  const WireStats &w = sys.wire();
  in.figures.emplace_back("frames on the wire", fmt::format("{}", w.frames));
  in.figures.emplace_back("bytes on the wire (DA..FCS)", fmt::format("{}", w.bytes));
  if (w.frames && w.last_end > w.first_start)
    in.figures.emplace_back("throughput", fmt::format("{:.3f} Gb/s", w.bytes * 8.0 / ((w.last_end - w.first_start) * 1e-12) / 1e9));
  const LatencySummary t = sys.latency().total();
  in.figures.emplace_back("frames with latency", fmt::format("{}", t.count));
  in.figures.emplace_back("doorbell to wire, min", fmt::format("{:.1f} ns", ns_of(t.min)));
  in.figures.emplace_back("doorbell to wire, median", fmt::format("{:.1f} ns", ns_of(t.median)));
  in.figures.emplace_back("doorbell to wire, max", fmt::format("{:.1f} ns", ns_of(t.max)));
  in.figures.emplace_back("FCS errors", fmt::format("{}", w.fcs_errors));
  return in;
}

nlohmann::json report_json(const ReportInput &in) {
  nlohmann::json j;
  j["title"] = in.title;
  nlohmann::json stages = nlohmann::json::array();
  for (const Stage &s : kStages) stages.push_back(s.name);
  j["stages"] = stages;
  j["timeline_frames"] = kReportTimelineFrames;

  // One entry per frame in every array, in wire order.
  nlohmann::json f;
  for (const char *k : {"trace_id", "len", "doorbell_ns", "mmio_ns", "desc_ns", "data_ns", "wire_ns"})
    f[k] = nlohmann::json::array();
  for (const FrameLatency &l : in.frames) {
    f["trace_id"].push_back(l.trace_id);
    f["len"].push_back(l.frame_len);
    f["doorbell_ns"].push_back(ns_of(l.doorbell));
    f["mmio_ns"].push_back(ns_of(l.mmio));
    f["desc_ns"].push_back(ns_of(l.desc));
    f["data_ns"].push_back(ns_of(l.data));
    f["wire_ns"].push_back(ns_of(l.wire));
  }
  j["frames"] = f;

  nlohmann::json cdfs = nlohmann::json::array();
  for (const Stage &s : kStages) {
    std::vector<double> v;
    for (const FrameLatency &l : in.frames) v.push_back(ns_of(l.*s.to - l.*s.from));
    cdfs.push_back(cdf(s.name, std::move(v)));
  }
  {
    std::vector<double> v;
    for (const FrameLatency &l : in.frames) v.push_back(ns_of(l.total()));
    cdfs.push_back(cdf("total (doorbell to /S/)", std::move(v)));
  }
  j["cdf"] = cdfs;

  // The median frame by total latency (the lower middle one for an even count).
  nlohmann::json m = {{"index", 0}, {"trace_id", 0}, {"len", 0}, {"total_ns", 0.0}, {"stages", nlohmann::json::array()}};
  if (!in.frames.empty()) {
    std::vector<size_t> idx(in.frames.size());
    for (size_t i = 0; i < idx.size(); i++) idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(),
                     [&](size_t a, size_t b) { return in.frames[a].total() < in.frames[b].total(); });
    const size_t mi = idx[(idx.size() - 1) / 2];
    const FrameLatency &l = in.frames[mi];
    m["index"] = mi;
    m["trace_id"] = l.trace_id;
    m["len"] = l.frame_len;
    m["total_ns"] = ns_of(l.total());
    for (const Stage &s : kStages)
      m["stages"].push_back({{"stage", s.name}, {"start_ns", ns_of(l.*s.from - l.doorbell)},
                             {"end_ns", ns_of(l.*s.to - l.doorbell)}});
  }
  j["median"] = m;
  j["throughput"] = throughput(in.wire);

  nlohmann::json q = {{"t_us", nlohmann::json::array()}, {"qdisc", nlohmann::json::array()},
                      {"ring", nlohmann::json::array()}};
  for (const TxQueueSample &s : in.queues) {
    q["t_us"].push_back(static_cast<double>(s.t) / 1e6);
    q["qdisc"].push_back(s.qdisc_qlen);
    q["ring"].push_back(s.ring_in_flight);
  }
  j["queues"] = q;
  return j;
}

std::string report_html(const ReportInput &in, const std::string &chartjs_path) {
  const std::string chartjs = read_file(chartjs_path);
  std::string lower(chartjs);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.find("</script") != std::string::npos)
    throw std::runtime_error(fmt::format("report: {} contains \"</script\" and cannot be inlined", chartjs_path));
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<title>" + html_escape(in.title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n";
  // Chart.js, inlined: the page works offline.
  h += "<script>\n" + chartjs + "\n</script>\n</head><body>\n";
  h += "<h1>" + html_escape(in.title) + "</h1>\n";
  h += "<h2>Summary</h2>\n<div class=\"row\"><pre>" + html_escape(in.summary) + "</pre>\n<table>\n";
  for (const auto &[k, v] : in.figures)
    h += "<tr><td>" + html_escape(k) + "</td><td class=\"v\">" + html_escape(v) + "</td></tr>\n";
  h += "</table></div>\n";
  auto section = [&](const char *id, const char *title, const char *what, int height = 300) {
    h += fmt::format("<h2>{}</h2>\n<p class=\"what\">{}</p>\n<div class=\"chart\" style=\"height:{}px\"><canvas id=\"{}\"></canvas></div>\n",
                     title, what, height, id);
  };
  section("cdf", "Latency per stage (CDF)",
          "For each stage a frame crosses after the driver's doorbell, the fraction of frames that took at most x ns.");
  section("waterfall", "The median frame's journey",
          "The frame with the median doorbell-to-wire latency: when each stage started and ended, ns after its doorbell.");
  section("throughput", "Wire throughput over time", "Frame bits on XGMII per time bin (DA..FCS, without preamble and gap).");
  section("queues", "Queue depths over time",
          "Packets in the qdisc and TX descriptors given to the NIC and not yet cleaned, at each doorbell and TX clean.");
  section("timeline", "Timeline of the first frames",
          "Each of the first frames as bars per stage on one time axis: doorbells batch, fetches overlap, the MAC serialises.",
          40 + 20 * static_cast<int>(kReportTimelineFrames));
  h += "<div id=\"status\">rendering</div>\n";
  h += "<script type=\"application/json\" id=\"report-data\">" + json_for_script(report_json(in)) + "</script>\n";
  h += "<script>" + std::string(kPageScript) + "</script>\n</body></html>\n";
  return h;
}

std::string report_check(const std::string &path) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::absolute(path).parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fmt::format("{}: folder {} does not exist", path, dir.string());
  if (fs::is_directory(path, ec)) return fmt::format("{} is a folder", path);
  if (!std::ifstream(default_chartjs_path()))
    return fmt::format("Chart.js not found at {} (install Debian's libjs-chart.js: scripts/deps.sh)",
                       default_chartjs_path());
  return "";
}

void write_report(const std::string &path, const ReportInput &in) {
  const std::string html = report_html(in);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(fmt::format("report: cannot write {}", path));
  out << html;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("report: writing {} failed", path));
}

}  // namespace wirepath
