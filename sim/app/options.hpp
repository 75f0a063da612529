// wirepath's command line: every option, grouped by what it is for (the
// groups of --help), and the checks that need more than one option. A
// feature adds its options as one add_*_options() block in options.cpp,
// called from add_options(); its cross-checks go in check_options().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "sim/app/scenario.hpp"
#include "sim/system.hpp"
#include "sim/trace/trace_recorder.hpp"

namespace wirepath {

struct WaveOptions {
  std::string path;        // .vcd or .fst; empty: no waves
  double from_us = 0;      // window of simulated time to dump
  double to_us = -1;       // < 0: to the end
  int depth = 0;           // scope levels, as $dumpvars; 0: all
  std::string scope;       // only this scope and below (e.g. nic.u_mac); "": all
};

struct CliOptions {
  UdpScenarioConfig udp;
  TcpScenarioConfig tcp;
  SystemConfig sys;
  uint64_t tcp_bytes = 0;  // 0: the UDP scenario
  unsigned send_cost_ns = 0;  // extra user-space time per send(); the kernel's own is --cpu-costs
  double rtt_us = 0;
  std::string cc = "cubic";
  std::string rules_path;
  bool arp = false, no_offload = false, no_idle_skip = false, quiet = false;
  double time_limit_s = 0;  // 0: scales with the work (default_time_limit)
  double progress_after_s = 2.0;  // wall time before the progress line appears
  WaveOptions wave;
  // TCP options in our SYN (sysctls net.ipv4.tcp_timestamps, tcp_sack).
  bool no_tcp_ts = false, no_tcp_sack = false;
  // Traffic control: tc commands applied before the run, BQL, TSQ.
  std::string tc_path;
  uint32_t txqueuelen = 1000;
  bool tc_stats = false, no_bql = false;
  uint32_t tcp_limit_output_bytes = 4194304;  // net.ipv4.tcp_limit_output_bytes, Linux's default
  // Software time and the per-packet timeline.
  std::string cpu_costs = "measured", trace_path;
  TraceOptions trace;
  // Several applications at once (--flow), and outputs for other programs.
  std::vector<std::string> flow_specs;
  std::string json_path, csv_path;
  std::string report_path;  // --report FILE.html
  std::string peer = "model";  // the far end: our link partner model or the machine's kernel

  bool tcp_mode() const { return tcp_bytes != 0; }
};

// Adds every option to cli, bound to o (defaults are o's values).
void add_options(CLI::App &cli, CliOptions &o);
// After parsing: cross-option checks and derived settings (SystemConfig
// fields from the user's units). Throws CLI::ValidationError.
void check_options(const CLI::App &cli, CliOptions &o);
// Simulated time a run may take when --time-limit is not given: generous
// for the work asked (datagrams, bytes), so that only a stuck run hits it.
ps_t default_time_limit(const CliOptions &o);
// Expected size of the waves in bytes, from the simulated time the work
// should take (clipped to the wave window) at the measured ~1.8 KB of VCD per
// NIC cycle (FST ~1/10 of that). Full depth; a smaller --wave-depth writes less.
uint64_t estimate_wave_bytes(const CliOptions &o);

}  // namespace wirepath
