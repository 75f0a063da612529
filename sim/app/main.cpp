// wirepath: UDP datagrams (or a TCP transfer) from send() to the wire through
// a Verilated NIC. With no arguments it runs the default scenario and prints
// a summary. Exit status: 0 every packet on the wire or in a counted drop and
// the run complete, 1 the run failed or did not finish, 2 bad input.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include "sim/app/cli_util.hpp"
#include "sim/app/flows.hpp"
#include "sim/app/summary_json.hpp"
#include "sim/report/report_writer.hpp"
#include "sim/app/iptables.hpp"
#include "sim/app/options.hpp"
#include "sim/app/run_loop.hpp"
#include "sim/app/scenario.hpp"
#include "sim/app/tc/tc.hpp"
#include "sim/sc_time_util.hpp"
#include "sim/system.hpp"
#include "sim/trace/trace_recorder.hpp"

#ifndef WIREPATH_VERSION
#define WIREPATH_VERSION "unknown"
#endif

using namespace wirepath;

namespace {

std::string ip_str(uint32_t ip) {
  return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

// One line of progress for a terminal: where the run is and how fast.
std::string progress_line(const System &sys) {
  const WireStats &w = sys.wire();
  const double t = now_ps() * 1e-12;
  return fmt::format("wirepath: sim {:.3f} ms, {} frames, {:.1f} MB on the wire, {:.2f} Gb/s", t * 1e3, w.frames,
                     w.bytes / 1e6, t > 0 ? w.bytes * 8 / t / 1e9 : 0.0);
}

}  // namespace

int sc_main(int argc, char **argv) {
  // The kernel's note that sc_stop() was called (how every run ends) says
  // nothing to a user of wirepath.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  CLI::App cli{"wirepath: co-simulation of the Linux UDP/TCP/IPv4 TX path, an e1000e-style driver, a PCIe link model\n"
               "and a Verilated 10G NIC. Sends UDP datagrams of mixed sizes (or a TCP transfer to a link partner, --tcp) and reports wire bytes, FCS errors,\n"
               "throughput and doorbell-to-wire latency; writes every frame to a pcap file.\n"
               "Exit status: 0 ok (every packet on the wire or in a counted drop), 1 run failed or incomplete, 2 bad input."};
  CliOptions o;
  add_options(cli, o);
  cli.set_config("--config", "", "read options from a TOML file: key = value, keys are the long option names "
                                 "(scenarios/*.toml); the command line wins")
      ->type_name("FILE")
      ->group("Run");
  cli.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error, not ignored
  cli.set_version_flag("--version", std::string("wirepath ") + WIREPATH_VERSION)->group("Run");
  if (const int rc = parse_or_exit(cli, argc, argv); rc >= 0) return rc;
  try {
    check_options(cli, o);
  } catch (const CLI::ParseError &e) {
    cli.exit(e);
    return kExitBadInput;
  }
  SystemConfig &cfg = o.sys;

  std::string rules;
  std::unique_ptr<System> sysp;
  // The system as the user configured it, before the run: tc commands (all
  // parsed and tried before any is applied), iptables rules, TCP sysctls.
  auto configure = [&](System &s) {
    s.netdev().tx_queue_len = o.txqueuelen;
    if (!o.tc_path.empty()) {
      std::ifstream tin(o.tc_path);
      const std::string cmds((std::istreambuf_iterator<char>(tin)), std::istreambuf_iterator<char>());
      std::string err, warn;
      if (!tc::tc_batch(&s.netdev(), cmds, &err, &warn))
        throw std::invalid_argument(fmt::format("tc: {}: {}", o.tc_path, err));
      fmt::print(stderr, "{}", warn);
    }
    if (!rules.empty()) {
      std::string err;
      if (iptables_restore(s.stack(), rules, &err))
        throw std::invalid_argument(fmt::format("iptables: {}: {}", o.rules_path, err));
    }
    s.stack().tcp.sysctl.tcp_congestion_control = o.cc == "reno" ? "reno" : "cubic";
    s.stack().tcp.sysctl.tcp_timestamps = o.no_tcp_ts ? 0 : 1;
    s.stack().tcp.sysctl.tcp_sack = o.no_tcp_sack ? 0 : 1;
    s.stack().tcp.sysctl.tcp_limit_output_bytes = o.tcp_limit_output_bytes;
  };
  auto print_tc = [&](System &s) {
    if (!o.tc_path.empty() || o.tc_stats)
      fmt::print("tc -s qdisc show dev {0}\n{1}tc -s class show dev {0}\n{2}", s.netdev().name,
                 tc::tc_qdisc_show(&s.netdev(), true), tc::tc_class_show(&s.netdev(), true));
  };
  try {
    if (!o.wave.path.empty()) {
      cfg.nic.vcd_path = o.wave.path;
      cfg.nic.wave_from = static_cast<ps_t>(std::llround(o.wave.from_us * 1e6));
      cfg.nic.wave_to = o.wave.to_us < 0 ? ~ps_t{0} : static_cast<ps_t>(std::llround(o.wave.to_us * 1e6));
      cfg.nic.wave_depth = o.wave.depth;
      cfg.nic.wave_scope = o.wave.scope;
      const auto dir = std::filesystem::path(o.wave.path).parent_path();
      std::error_code ec;
      if (!dir.empty() && !std::filesystem::create_directories(dir, ec) && ec)
        throw std::runtime_error(fmt::format("waves: cannot create directory '{}': {}", dir.string(), ec.message()));
    }
    if (!o.rules_path.empty()) {
      std::ifstream in(o.rules_path);
      rules.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (in.bad()) throw std::runtime_error(fmt::format("iptables: cannot read '{}'", o.rules_path));
    }
    if (o.cpu_costs == "measured")
      cfg.cpu_costs = cpu_cost_table::measured_defaults();
    else if (o.cpu_costs != "none")
      cfg.cpu_costs = cpu_cost_table::load(o.cpu_costs);
    if (!o.flow_specs.empty()) {
      // Several flows: run_flows builds and runs its own system.
      RunOutputs outputs{o.json_path, o.csv_path};
      return run_flows(
          cfg, o.flow_specs, o.udp.send_cost, outputs,
          configure, print_tc);
    }
    if (o.tcp_mode()) {
      o.tcp.validate();
      cfg.partner.validate();
      cfg.faults.validate();
    } else {
      o.udp.validate();
    }
    sysp = std::make_unique<System>("sys", cfg);
    configure(*sysp);
  } catch (const std::exception &e) {
    fmt::print(stderr, "wirepath: error: {}\n", e.what());
    return kExitBadInput;
  }
  System &sys = *sysp;
  std::unique_ptr<TraceRecorder> trace;
  if (!o.trace_path.empty()) trace = std::make_unique<TraceRecorder>(sys, o.trace);

  catch_run_signals();  // before the line that says the run has started
  UdpScenarioResult udp;
  TcpScenarioResult tcp;
  if (o.tcp_mode()) {
    sys.app = [&](System &s) { run_tcp_scenario(s, o.tcp, tcp); };
    fmt::print("wirepath: TCP transfer of {} bytes to {}:{} ({}), rtt {} us, loss {}, reorder {}, seed {}\n",
               o.tcp.bytes, ip_str(cfg.net.peer_ip), o.tcp.dst_port, o.cc, o.rtt_us, cfg.faults.loss,
               cfg.faults.reorder, cfg.seed);
  } else {
    sys.app = [&](System &s) { run_udp_scenario(s, o.udp, udp); };
    fmt::print("wirepath: {} UDP datagrams of {}..{} payload bytes to {}:{}, seed {}\n", o.udp.datagrams,
               o.udp.min_payload, o.udp.max_payload, ip_str(cfg.net.peer_ip), o.udp.dst_port, cfg.seed);
  }
  std::fflush(stdout);

  // A large dump is announced before it starts (and how to make it smaller).
  if (const uint64_t wave_bytes = estimate_wave_bytes(o); wave_bytes >= 100'000'000)
    fmt::print(stderr,
               "wirepath: waves: about {:.0f} MB expected in {} (FST: --fst, ~10x smaller; a window: --wave-from-us/"
               "--wave-to-us; fewer scopes: --wave-depth)\n",
               wave_bytes / 1e6, o.wave.path);
  RunLoopConfig rl;
  rl.limit = o.time_limit_s > 0 ? static_cast<ps_t>(std::llround(o.time_limit_s * 1e12)) : default_time_limit(o);
  rl.progress = !o.quiet && isatty(STDERR_FILENO);
  rl.progress_after_s = o.progress_after_s;
  rl.progress_line = [&] { return progress_line(sys); };
  RunEnd end;
  try {
    end = run_loop(rl);
  } catch (const std::exception &e) {
    fmt::print(stderr, "wirepath: error: {}\n", e.what());
    return kExitRunFailed;
  }

  const bool complete = end == RunEnd::done && sys.app_done();
  bool ok = complete;
  // The kernel peer: what its sockets still hold once the run is over.
  KernelPeer *kpeer = sys.kernel_peer();
  if (kpeer) {
    kpeer->finish();
    ok = ok && kpeer->stats().fcs_errors == 0 && kpeer->stats().tap_write_errors == 0;
  }
  nlohmann::json summary;
  std::string text;  // the printed summary, also the report's
  if (o.tcp_mode()) {
    text = format_tcp_summary(sys, tcp);
    fmt::print("{}", text);
    ok = ok && tcp.finished && !tcp.error && tcp_stream_intact(sys, tcp);
    summary = summary_json(sys, "tcp", tcp.done);
    add_tcp_json(summary, sys, tcp);
  } else {
    text = format_summary(sys, udp);
    fmt::print("{}", text);
    summary = summary_json(sys, "udp", udp.finished);
    add_udp_json(summary, udp);
  }
  if (kpeer) {
    fmt::print("{}", kpeer->summary());
    if (!o.tcp_mode() && kpeer->stats().udp_datagrams != udp.sent) {
      fmt::print(stderr, "wirepath: error: the kernel's sockets got {} of {} datagrams\n", kpeer->stats().udp_datagrams,
                 udp.sent);
      ok = false;
    }
  }
  try {
    RunOutputs{o.json_path, o.csv_path}.write(sys, summary);
    if (!o.report_path.empty()) {
      const std::string title = o.tcp_mode() ? fmt::format("wirepath: TCP transfer of {} bytes", o.tcp.bytes)
                                             : fmt::format("wirepath: {} UDP datagrams of {}..{} bytes", o.udp.datagrams,
                                                           o.udp.min_payload, o.udp.max_payload);
      write_report(o.report_path, report_input(sys, title, text));
      fmt::print("report      {}\n", o.report_path);
    }
  } catch (const std::exception &e) {
    fmt::print(stderr, "wirepath: error: {}\n", e.what());
    ok = false;
  }
  // Every packet the driver took is on the wire exactly once, intact; every
  // other one ended in a drop counter with its reason (the summary's drops).
  if (complete && sys.adapter().stats().frames != sys.wire().frames)
    fmt::print(stderr, "wirepath: error: {} frames expected from the driver's packets, {} on the wire\n",
               sys.adapter().stats().frames, sys.wire().frames);
  ok = ok && sys.adapter().stats().frames == sys.wire().frames && sys.wire().fcs_errors == 0 && sys.drained() &&
       skb_counters().live() == 0;
  if (!complete || !sys.drained() || skb_counters().live()) fmt::print("{}", format_in_flight(sys));
  print_tc(sys);
  if (!rules.empty()) {
    for (const char *table : {"raw", "mangle", "nat", "filter"}) {
      const std::string list = iptables_list(sys.stack(), table);
      if (list.find("pkts") != std::string::npos) fmt::print("netfilter   table {}:\n{}", table, list);
    }
  }
  // Where the software's time went: each host thread's CPU time.
  std::string busy;
  for (const auto &[p, t] : sys.host().cpu_threads())
    busy += fmt::format("{}{} {:.1f} us", busy.empty() ? "" : ", ", t.name, t.busy_ps / 1e6);
  fmt::print("cpu         {} ({})\n", busy.empty() ? "no CPU time charged" : busy,
             cfg.cpu_costs.entries().empty() ? "--cpu-costs none" : cfg.cpu_costs.source);
  if (trace) {
    try {
      const TraceFileStats st = trace->write(o.trace_path);
      fmt::print("trace       {} ({} events, {} packets, {} KiB; open in ui.perfetto.dev)\n", o.trace_path, st.events,
                 st.packets, st.bytes / 1024);
    } catch (const std::exception &e) {
      fmt::print(stderr, "wirepath: error: {}\n", e.what());
      ok = false;
    }
  }
  if (PcapWriter *pcap = sys.pcap()) {
    const std::string err = pcap->close();
    if (!err.empty()) {
      fmt::print(stderr, "wirepath: error: {}\n", err);
      ok = false;
    } else {
      fmt::print("pcap        {} (tshark -o eth.fcs:TRUE -o eth.check_fcs:TRUE -r {})\n", pcap->path(), pcap->path());
    }
  }
  if (!o.wave.path.empty()) {
    const std::string err = sys.nic().close_waves();
    if (!err.empty()) {
      fmt::print(stderr, "wirepath: error: {}\n", err);
      ok = false;
    } else {
      fmt::print("{}         {} (gtkwave {} waves/wirepath.gtkw)\n",
                 std::filesystem::path(o.wave.path).extension() == ".fst" ? "fst" : "vcd", o.wave.path, o.wave.path);
    }
  }
  if (end == RunEnd::time_limit)
    fmt::print(stderr, "wirepath: INCOMPLETE: stopped at the time limit, {:.6f} s of simulated time (--time-limit)\n",
               rl.limit * 1e-12);
  else if (end == RunEnd::signal)
    fmt::print(stderr, "wirepath: INCOMPLETE: stopped by a signal at {:.6f} s of simulated time\n", now_ps() * 1e-12);
  else if (!complete)
    fmt::print(stderr, "wirepath: INCOMPLETE: the scenario did not finish\n");
  return ok ? kExitOk : kExitRunFailed;
}

// Our main() takes precedence over libsystemc's, so the kernel's banner can be
// switched off before the kernel prints it.
int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
