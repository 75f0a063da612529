// The --report page: its data (one entry per frame, monotonic CDFs, the
// median frame), its self-containment (no external URL is loaded) and safe
// embedding of text that looks like markup.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "sim/app/scenario.hpp"
#include "sim/report/report_writer.hpp"
#include "sim/system.hpp"

using namespace wirepath;

namespace {

// n frames with stage times that differ per frame, in wire order.
ReportInput synthetic(size_t n) {
  ReportInput in;
  in.title = "test";
  in.summary = "sent 3\n";
  for (size_t i = 0; i < n; i++) {
    FrameLatency l;
    l.trace_id = 100 + i;
    l.frame_len = static_cast<uint32_t>(60 + i);
    l.doorbell = 1'000'000 * i;
    l.mmio = l.doorbell + 260'000;
    l.desc = l.mmio + 600'000 + 7'000 * ((i * 37) % 11);
    l.data = l.desc + 700'000 + 13'000 * ((i * 17) % 7);
    l.wire = l.data + 12'800 + 6'400 * (i % 3);
    in.frames.push_back(l);
    in.wire.push_back({l.wire, static_cast<uint32_t>(64 + i)});
    in.queues.push_back({l.doorbell, 0, static_cast<uint32_t>(i % 4)});
  }
  return in;
}

nlohmann::json data_of(const std::string &html) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const size_t a = html.find(open);
  EXPECT_NE(a, std::string::npos);
  const size_t b = html.find("</script>", a);
  return nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
}

}  // namespace

// Every per-frame array has one entry per frame, in the tracker's order.
TEST(ReportWriter, FrameArraysHaveOneEntryPerFrame) {
  const ReportInput in = synthetic(57);
  const nlohmann::json j = report_json(in);
  for (const char *k : {"trace_id", "len", "doorbell_ns", "mmio_ns", "desc_ns", "data_ns", "wire_ns"})
    EXPECT_EQ(j["frames"][k].size(), 57u) << k;
  EXPECT_EQ(j["frames"]["trace_id"][3], 103u);
  EXPECT_DOUBLE_EQ(j["frames"]["mmio_ns"][2].get<double>(), 2000.0 + 260.0);
  EXPECT_EQ(j["queues"]["t_us"].size(), 57u);
}

// A CDF's x values never fall and its probabilities rise to exactly 1.
TEST(ReportWriter, CdfsAreMonotonicAndEndAtOne) {
  for (size_t n : {1u, 2u, 57u, 5000u}) {
    const nlohmann::json j = report_json(synthetic(n));
    ASSERT_EQ(j["cdf"].size(), 5u);  // four stages and the total
    for (const auto &c : j["cdf"]) {
      const auto &x = c["ns"], &p = c["p"];
      ASSERT_EQ(x.size(), p.size());
      EXPECT_EQ(x.size(), std::min<size_t>(n, kReportCdfPoints));
      for (size_t i = 1; i < x.size(); i++) {
        EXPECT_LE(x[i - 1].get<double>(), x[i].get<double>());
        EXPECT_LT(p[i - 1].get<double>(), p[i].get<double>());
      }
      EXPECT_DOUBLE_EQ(p.back().get<double>(), 1.0);
    }
  }
  // Stage 0 (MMIO) is 260 ns for every frame.
  const nlohmann::json j = report_json(synthetic(10));
  EXPECT_DOUBLE_EQ(j["cdf"][0]["ns"][0].get<double>(), 260.0);
  EXPECT_DOUBLE_EQ(j["cdf"][0]["ns"][9].get<double>(), 260.0);
}

// The median frame by total latency; its stages tile doorbell..wire.
TEST(ReportWriter, WaterfallIsTheMedianFrame) {
  ReportInput in = synthetic(3);
  in.frames[0].wire += 5'000'000;  // slowest
  in.frames[2].wire -= 200'000;    // fastest (1519.6 ns against frame 1's 1646.2); frame 1 is the median
  const nlohmann::json m = report_json(in)["median"];
  EXPECT_EQ(m["index"], 1u);
  EXPECT_EQ(m["trace_id"], 101u);
  ASSERT_EQ(m["stages"].size(), 4u);
  EXPECT_DOUBLE_EQ(m["stages"][0]["start_ns"].get<double>(), 0.0);
  for (size_t s = 1; s < 4; s++)
    EXPECT_DOUBLE_EQ(m["stages"][s]["start_ns"].get<double>(), m["stages"][s - 1]["end_ns"].get<double>());
  EXPECT_DOUBLE_EQ(m["stages"][3]["end_ns"].get<double>(), m["total_ns"].get<double>());
}

// Throughput bins add up to every bit on the wire.
TEST(ReportWriter, ThroughputBinsCountEveryByte) {
  const ReportInput in = synthetic(40);
  const nlohmann::json t = report_json(in)["throughput"];
  ASSERT_EQ(t["t_us"].size(), t["gbps"].size());
  double bits = 0;
  for (const auto &g : t["gbps"]) bits += g.get<double>() * t["bin_us"].get<double>() * 1e3;  // Gb/s * us
  double want = 0;
  for (const WireSample &w : in.wire) want += 8.0 * w.bytes;
  EXPECT_NEAR(bits, want, 1e-6 * want);
}

// No frames: the page still has every array, empty.
TEST(ReportWriter, EmptyRunGivesEmptyArrays) {
  const nlohmann::json j = report_json(ReportInput{});
  EXPECT_EQ(j["frames"]["wire_ns"].size(), 0u);
  EXPECT_EQ(j["cdf"][0]["ns"].size(), 0u);
  EXPECT_EQ(j["median"]["stages"].size(), 0u);
  EXPECT_EQ(j["throughput"]["gbps"].size(), 0u);
}

// Self-contained: no element loads anything from elsewhere; Chart.js is inside.
TEST(ReportWriter, PageLoadsNothingFromOutside) {
  const std::string html = report_html(synthetic(5));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase)));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_NE(html.find("Chart.js v"), std::string::npos);  // the library's banner, inlined
  EXPECT_EQ(data_of(html)["frames"]["len"].size(), 5u);
}

// Text from the run cannot end the data's <script> element or inject markup.
TEST(ReportWriter, MarkupInTextIsEscaped) {
  ReportInput in = synthetic(2);
  in.title = "a</script><script>alert(1)</script>";
  in.summary = "x </script><img src=x onerror=alert(2)> <!--";
  const std::string html = report_html(in);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(data_of(html)["title"], in.title);  // the JSON still round-trips
}

TEST(ReportWriter, MissingChartJsIsAClearError) {
  try {
    report_html(synthetic(1), "/nonexistent/chart.min.js");
    FAIL() << "no error";
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/chart.min.js"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("libjs-chart.js"), std::string::npos);
  }
  EXPECT_THROW(write_report("/nonexistent-dir/r.html", synthetic(1)), std::runtime_error);
}

// Bad --report paths are refused before the run, not after it.
TEST(ReportWriter, CheckRefusesMissingFolder) {
  EXPECT_NE(report_check("/nonexistent-dir/r.html").find("does not exist"), std::string::npos);
  EXPECT_NE(report_check("/tmp").find("is a folder"), std::string::npos);
  EXPECT_EQ(report_check("r.html"), "");
}

// A real run: one frame record per wire frame, a queue sample at every
// doorbell and every NAPI poll, and the ring and qdisc empty at the end.
TEST(ReportWriter, RealRunSamplesEveryDoorbellAndClean) {
  SystemConfig cfg;
  System sys("sys", cfg);
  UdpScenarioConfig sc;
  sc.datagrams = 40;
  sys.app = [&](System &s) { run_udp_scenario(s, sc); };
  sys.run(1'000'000'000'000ull);
  ASSERT_TRUE(sys.drained());
  const ReportInput in = report_input(sys, "run", "summary");
  EXPECT_EQ(in.frames.size(), 40u);
  EXPECT_EQ(in.wire.size(), 40u);
  const E1000TxStats &d = sys.adapter().stats();
  EXPECT_EQ(in.queues.size(), d.doorbells + d.polls);
  ASSERT_FALSE(in.queues.empty());
  EXPECT_EQ(in.queues.back().ring_in_flight, 0u);
  EXPECT_EQ(in.queues.back().qdisc_qlen, 0u);
  uint32_t peak = 0;
  for (const TxQueueSample &q : in.queues) peak = std::max(peak, q.ring_in_flight);
  EXPECT_GT(peak, 0u);
  for (size_t i = 1; i < in.queues.size(); i++) EXPECT_LE(in.queues[i - 1].t, in.queues[i].t);
  const nlohmann::json j = report_json(in);
  EXPECT_EQ(j["frames"]["wire_ns"].size(), 40u);
}
