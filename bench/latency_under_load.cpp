// Latency under load (issue 8): one or two bulk TCP flows plus a sparse UDP
// flow through the whole system, under each queueing setup found in
// bench/tc/*.tc (one iproute2 command per line, as --tc), each with BQL on
// and off. Prints, per setup, the sparse flow's send()-to-wire p50/p99/max,
// the bulk goodput, the bulk flows' srtt and the drops. A benchmark: it
// prints figures and checks nothing.
//
// SystemC elaborates one system per process, so each run is a fork()ed child
// that sends its figures back as one JSON line.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <systemc>

#include "sim/app/flows.hpp"
#include "sim/app/tc/tc.hpp"
#include "sim/sc_time_util.hpp"

using namespace wirepath;
using nlohmann::json;

namespace {

struct Options {
  std::string tc_dir = WIREPATH_SOURCE_DIR "/bench/tc";
  std::vector<std::string> only;  // setup names to run (default: all)
  std::vector<unsigned> bulk = {1, 2};
  std::string bulk_bytes = "4M";
  unsigned every_us = 50, size = 64, prio = 6, idle_count = 200;
  bool bql_off = true;
};

// One run, in the child: the figures as JSON.
json run_one(const Options &o, const std::string &tc_text, bool bql, unsigned bulk) {
  SystemConfig cfg;
  cfg.e1000.bql = bql;
  System sys("sys", cfg);
  std::string err;
  if (!tc::tc_batch(&sys.netdev(), tc_text, &err)) return json{{"error", err}};
  std::vector<FlowSpec> specs;
  for (unsigned i = 0; i < bulk; i++) specs.push_back(parse_flow_spec("tcp,bytes=" + o.bulk_bytes));
  std::string sparse = fmt::format("udp,size={},every-us={},prio={}", o.size, o.every_us, o.prio);
  if (!bulk) sparse += fmt::format(",count={}", o.idle_count);
  specs.push_back(parse_flow_spec(sparse));
  FlowSet flows(sys, specs, 1000 * kNs);
  sys.run(10'000'000'000'000ull);
  const FlowResult &s = flows.results().back();
  const LatencySummary l = LatencyTracker::summarize(s.latency);
  uint64_t bulk_payload = 0;
  ps_t start = ~ps_t{0}, end = 0;
  double srtt = 0;
  for (unsigned i = 0; i < bulk; i++) {
    const FlowResult &b = flows.results()[i];
    bulk_payload += b.wire_payload;
    start = std::min(start, b.start);
    end = std::max(end, b.end);
    srtt += b.srtt_us / double(bulk);
  }
  return json{{"ok", flows.ok() && sys.app_done()},
              {"p50_us", l.median / 1e6},
              {"p99_us", l.p99 / 1e6},
              {"max_us", l.max / 1e6},
              {"sparse_frames", s.wire_frames},
              {"sparse_sent", s.sends},
              {"goodput_gbps", end > start ? bulk_payload * 8 / ((end - start) * 1e-12) / 1e9 : 0.0},
              {"srtt_us", srtt},
              {"drops", skb_counters().total_dropped()}};
}

json run_forked(const Options &o, const std::string &tc_text, bool bql, unsigned bulk) {
  int fds[2];
  if (pipe(fds)) return json{{"error", "pipe failed"}};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      out = run_one(o, tc_text, bql, bulk).dump();
    } catch (const std::exception &e) {
      out = json{{"error", e.what()}}.dump();
    }
    if (write(fds[1], out.data(), out.size()) < 0) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  std::string in;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) in.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (in.empty()) return json{{"error", fmt::format("the run died (status {})", status)}};
  return json::parse(in);
}

}  // namespace

int sc_main(int argc, char **argv) {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Options o;
  CLI::App cli{"latency_under_load: the sparse flow's send()-to-wire latency beside bulk TCP, per queueing setup"};
  cli.add_option("--tc-dir", o.tc_dir, "folder of setups, one iproute2 tc command file (*.tc) each")
      ->check(CLI::ExistingDirectory)->default_val(o.tc_dir);
  cli.add_option("--setup", o.only, "run only these setups (file names without .tc); repeatable");
  cli.add_option("--bulk", o.bulk, "bulk TCP flows beside the sparse flow (each count is a run)")->default_str("1 2");
  cli.add_option("--bulk-bytes", o.bulk_bytes, "bytes per bulk flow (k, M, G)")->default_val(o.bulk_bytes);
  cli.add_option("--every-us", o.every_us, "sparse flow: one datagram every N us")->default_val(o.every_us);
  cli.add_option("--size", o.size, "sparse flow: payload bytes (8..1472)")->default_val(o.size);
  cli.add_option("--prio", o.prio, "sparse flow: SO_PRIORITY")->default_val(o.prio);
  bool bql_on_only = false;
  cli.add_flag("--bql-on-only", bql_on_only, "skip the runs with BQL off");
  CLI11_PARSE(cli, argc, argv);
  o.bql_off = !bql_on_only;

  std::vector<std::filesystem::path> files;
  for (const auto &e : std::filesystem::directory_iterator(o.tc_dir))
    if (e.path().extension() == ".tc") files.push_back(e.path());
  std::sort(files.begin(), files.end());

  // The idle reference: the sparse flow alone under the default qdisc.
  const json idle = run_forked(o, "", true, 0);
  fmt::print("latency under load: sparse UDP flow ({} B every {} us, SO_PRIORITY {}) beside bulk TCP ({} bytes each)\n",
             o.size, o.every_us, o.prio, o.bulk_bytes);
  if (idle.contains("error"))
    fmt::print("idle reference failed: {}\n", idle["error"].get<std::string>());
  else
    fmt::print("idle (sparse flow alone, pfifo_fast): send()->wire p50 {:.2f} us, p99 {:.2f} us\n\n",
               idle["p50_us"].get<double>(), idle["p99_us"].get<double>());
  fmt::print("{:<12} {:>4} {:>4} {:>9} {:>9} {:>9} {:>9} {:>9} {:>6}  {}\n", "setup", "bulk", "BQL", "p50 us",
             "p99 us", "max us", "Gb/s", "srtt us", "drops", "");
  for (const auto &f : files) {
    std::string name = f.stem().string();
    const std::string shown = name.substr(name.find('_') == std::string::npos ? 0 : name.find('_') + 1);
    if (!o.only.empty() && std::find(o.only.begin(), o.only.end(), shown) == o.only.end() &&
        std::find(o.only.begin(), o.only.end(), name) == o.only.end())
      continue;
    std::ifstream in(f);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (unsigned bulk : o.bulk) {
      for (bool bql : {true, false}) {
        if (!bql && !o.bql_off) continue;
        const json r = run_forked(o, text, bql, bulk);
        if (r.contains("error")) {
          fmt::print("{:<12} {:>4} {:>4}  not available: {}\n", shown, bulk, bql ? "on" : "off",
                     r["error"].get<std::string>());
          continue;
        }
        fmt::print("{:<12} {:>4} {:>4} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.3f} {:>9.0f} {:>6}  {}\n", shown, bulk,
                   bql ? "on" : "off", r["p50_us"].get<double>(), r["p99_us"].get<double>(),
                   r["max_us"].get<double>(), r["goodput_gbps"].get<double>(), r["srtt_us"].get<double>(),
                   r["drops"].get<uint64_t>(),
                   r["ok"].get<bool>() ? "" : "(a flow did not finish or lost datagrams)");
        std::fflush(stdout);
      }
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
