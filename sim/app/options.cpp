#include "sim/app/options.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "driver/e1000_hw.hpp"
#include "sim/app/cli_util.hpp"
#include "sim/report/report_writer.hpp"

namespace wirepath {
namespace {

// The driver stops the queue DESC_NEEDED descriptors before the ring is
// full, so the smallest ring is the first multiple of 8 above that.
constexpr uint32_t kMinRing = (DESC_NEEDED / 8 + 1) * 8;

void add_udp_options(CLI::App &cli, CliOptions &o) {
  const char *g = "UDP scenario (the default)";
  cli.add_option("-n,--datagrams", o.udp.datagrams, "UDP datagrams to send")
      ->default_val(o.udp.datagrams)->check(CLI::Range(1u, 100'000'000u))->group(g);
  cli.add_option("--min-size", o.udp.min_payload, "smallest UDP payload, bytes")
      ->default_val(o.udp.min_payload)->check(CLI::Range(1u, 65507u))->group(g);
  cli.add_option("--max-size", o.udp.max_payload,
                 "largest UDP payload, bytes (1472 fits MTU 1500; above: IP fragments)")
      ->default_val(o.udp.max_payload)->check(CLI::Range(1u, 65507u))->group(g);
  cli.add_option("--send-cost-ns", o.send_cost_ns,
                 "extra user-space CPU time per send() call, ns (UDP and TCP; the kernel's own is --cpu-costs)")
      ->default_val(o.send_cost_ns)->check(CLI::Range(0u, 1'000'000'000u))->group(g);
}

void add_tcp_options(CLI::App &cli, CliOptions &o) {
  const char *g = "TCP scenario";
  cli.add_option("--tcp", o.tcp_bytes,
                 fmt::format("TCP bulk transfer of BYTES (1..{}) to the link partner instead of UDP",
                             TcpScenarioConfig::kMaxBytes))
      ->type_name("BYTES")->transform(byte_count(1, TcpScenarioConfig::kMaxBytes))->group(g);
  cli.add_option("--write-size", o.tcp.write_size, "bytes per send() in the TCP transfer")
      ->default_val(o.tcp.write_size)->check(CLI::Range(1u, 1u << 30))->group(g);
  cli.add_flag("--nodelay", o.tcp.nodelay, "TCP_NODELAY on the TCP socket")->group(g);
  cli.add_option("--cc", o.cc, "TCP congestion control")
      ->check(CLI::IsMember({"cubic", "reno"}))->default_val(o.cc)->group(g);
}

void add_tcp_sysctl_options(CLI::App &cli, CliOptions &o) {
  const char *g = "TCP options";
  cli.add_flag("--no-tcp-timestamps", o.no_tcp_ts,
               "sysctl net.ipv4.tcp_timestamps=0: no TSval/TSecr (segments carry 1460 bytes)")->group(g);
  cli.add_flag("--no-tcp-sack", o.no_tcp_sack, "sysctl net.ipv4.tcp_sack=0: no SACK, NewReno recovery")->group(g);
  cli.add_option("--tcp-limit-output-bytes", o.tcp_limit_output_bytes,
                 "TSQ: most bytes one TCP socket may have in the qdisc and the ring "
                 "(sysctl net.ipv4.tcp_limit_output_bytes)")
      ->default_val(o.tcp_limit_output_bytes)->check(CLI::Range(1u, 1u << 30))->group(g);
}

void add_tc_options(CLI::App &cli, CliOptions &o) {
  const char *g = "Traffic control";
  cli.add_option("--tc", o.tc_path, "tc commands, one per line (tc qdisc|class|filter add ...), applied before the run")
      ->check(CLI::ExistingFile)->group(g);
  cli.add_option("--txqueuelen", o.txqueuelen, "the device's txqueuelen (qdisc limits default to it)")
      ->default_val(o.txqueuelen)->check(CLI::Range(1u, 1u << 24))->group(g);
  cli.add_flag("--tc-stats", o.tc_stats, "print tc -s qdisc/class show dev eth0 after the run (on with --tc)")->group(g);
  cli.add_flag("--no-bql", o.no_bql,
               "no byte queue limits in the driver: the TX ring alone bounds what waits below the qdisc")
      ->group(g);
}

void add_trace_options(CLI::App &cli, CliOptions &o) {
  const char *g = "Software time and trace";
  cli.add_option("--cpu-costs", o.cpu_costs,
                 "CPU cost of each kernel function: 'measured' (compiled-in), 'none', or a JSON file")
      ->default_val(o.cpu_costs)->group(g);
  cli.add_option("--trace", o.trace_path, "write a Chrome Trace Event file (open in ui.perfetto.dev)")->group(g);
  cli.add_option("--trace-packets", o.trace.max_packets, "trace: only the first N packets (0: all)")
      ->default_val(o.trace.max_packets)->group(g);
  cli.add_option("--trace-from-us", o.trace.from_us, "trace: only events from this simulated time, us")
      ->check(finite_range(0, 1e9))->group(g);
  cli.add_option("--trace-to-us", o.trace.to_us, "trace: only events up to this simulated time, us")
      ->check(finite_range(0, 1e9))->group(g);
}

void add_flow_options(CLI::App &cli, CliOptions &o) {
  const char *g = "Flows and outputs";
  cli.add_option("--flow", o.flow_specs,
                 "an application flow, repeatable: tcp[,bytes=N,write=N,nodelay] | "
                 "udp[,size=B,every-us=N,count=N] | rr[,size=B,count=N]; all take prio=,tos=,port=,start-us=")
      ->group(g);
  cli.add_option("--json", o.json_path, "write the summary as one JSON object (fields: docs/json.md)")->group(g);
  cli.add_option("--latency-csv", o.csv_path, "write one CSV row per frame on the wire with its stage times")->group(g);
  cli.add_option("--report", o.report_path,
                 "write an HTML report of the run (latency CDFs, waterfall, throughput, queues, timeline)")
      ->group(g);
}

void add_partner_options(CLI::App &cli, CliOptions &o) {
  const char *g = "Link partner and wire faults";
  o.rtt_us = o.sys.partner.rtt_ns / 1000.0;
  cli.add_option("--rtt-us", o.rtt_us, "link partner: our frame on the wire to its reply in the stack, us")
      ->default_val(o.rtt_us)->check(finite_range(0, 10e6))->group(g);
  cli.add_option("--loss", o.sys.faults.loss, "probability a TCP data segment to the link partner is lost (TCP only)")
      ->default_val(o.sys.faults.loss)->check(finite_range(0, 1))->group(g);
  cli.add_option("--reorder", o.sys.faults.reorder, "probability a frame to the link partner is delayed (reordered)")
      ->default_val(o.sys.faults.reorder)->check(finite_range(0, 1))->group(g);
  cli.add_option("--peer", o.peer,
                 "the far end of the wire: our link partner model, or this machine's real Linux kernel behind a TAP "
                 "device in a private network namespace (needs root)")
      ->check(CLI::IsMember({"model", "kernel"}))->default_val(o.peer)->group(g);
  cli.add_flag("--arp", o.arp, "resolve the link partner with ARP instead of a static (PERMANENT) neighbour entry")
      ->group(g);
}

void add_host_options(CLI::App &cli, CliOptions &o) {
  const char *g = "Host, driver and NIC";
  cli.add_option("--seed", o.sys.seed, "seed for sizes, payloads and the stack's IDs")->default_val(o.sys.seed)->group(g);
  cli.add_option("--ring", o.sys.e1000.tx_ring_count, fmt::format("TX descriptors (multiple of 8, {}..4096)", kMinRing))
      ->default_val(o.sys.e1000.tx_ring_count)->check(CLI::Range(kMinRing, 4096u))
      ->check(CLI::Validator(
          [](std::string &s) { return std::stoul(s) % 8 ? std::string("must be a multiple of 8") : std::string(); },
          "", "multiple of 8"))
      ->group(g);
  cli.add_option("--tipg", o.sys.e1000.tipg, "inter-frame gap in bytes (TIPG.IPGT 0..1023, minimum used is 12)")
      ->default_val(o.sys.e1000.tipg)->check(CLI::Range(0u, 1023u))->group(g);
  cli.add_option("--quantum", o.sys.nic.quantum_cycles, "NIC cycles per SystemC sync (capped by the lookahead)")
      ->default_val(o.sys.nic.quantum_cycles)->check(CLI::Range(1u, 1u << 20))->group(g);
  cli.add_flag("--no-offload", o.no_offload, "checksums and TCP segmentation in software (ethtool -K tx off tso off sg on)")
      ->group(g);
  cli.add_flag("--no-idle-skip", o.no_idle_skip,
               "clock the NIC RTL every cycle even while it is idle (the result is the same, only slower)")
      ->group(g);
  cli.add_option("--itr", o.sys.e1000.itr,
                 "interrupt throttling, interrupts/s (ITR, e1000e's InterruptThrottleRate; 0: off, one per packet; "
                 "e1000e starts at 20000). With BQL, batched completions let its limit grow")
      ->default_val(o.sys.e1000.itr)
      ->check(CLI::Validator(
          [](std::string &v) {
            const unsigned long n = std::stoul(v);
            return n == 0 || (n >= 100 && n <= 100000) ? std::string() : std::string("must be 0 or 100..100000");
          },
          "0 or 100..100000"))
      ->group(g);
  // Low-latency TX modes: how the driver hands packets to the NIC.
  const std::map<std::string, E1000TxMode> tx_modes{
      {"ring", E1000TxMode::ring}, {"push", E1000TxMode::push}, {"inline", E1000TxMode::inline_}};
  cli.add_option("--tx-mode", o.sys.e1000.tx_mode,
                 "ring: TDT doorbell, NIC fetches descriptors; push: descriptors in a 64-byte write-combined "
                 "doorbell, no descriptor fetch; inline: as push, and frames of up to 256 bytes in one "
                 "buffer go in write-combined writes before it, no data fetch either")
      ->transform(CLI::CheckedTransformer(tx_modes, CLI::ignore_case))
      ->default_str("ring")
      ->group(g);
  cli.add_flag("--cut-through", o.sys.e1000.cut_through,
               "NIC starts frames without checksum/TSO offload before their last byte is stored (TXCT)")
      ->group(g);
  cli.add_option("--iptables", o.rules_path, "load netfilter rules from an iptables-save file (as iptables-restore)")
      ->check(CLI::ExistingFile)->group(g);
}

void add_output_options(CLI::App &cli, CliOptions &o) {
  const char *g = "Output: capture and waves";
  o.sys.pcap_path = "wirepath.pcap";
  cli.add_option("--pcap", o.sys.pcap_path, "pcap output (FCS included); --pcap '' writes none")
      ->default_val(o.sys.pcap_path)->group(g);
  cli.add_option("--vcd", o.wave.path, "write the RTL's waves, VCD (FST if PATH ends in .fst)")
      ->expected(0, 1)->default_str("waves/wirepath.vcd")->type_name("[PATH]")->group(g);
  cli.add_option("--fst", o.wave.path, "write the RTL's waves as FST (through vcd2fst, ~10x smaller than VCD)")
      ->expected(0, 1)->default_str("waves/wirepath.fst")->type_name("[PATH]")->excludes("--vcd")->group(g);
  cli.add_option("--wave-from-us", o.wave.from_us, "start the waves at this simulated time, us (idle skip runs before)")
      ->check(finite_range(0, 1e9))->group(g);
  cli.add_option("--wave-to-us", o.wave.to_us, "end the waves at this simulated time, us (idle skip runs after)")
      ->check(finite_range(0, 1e9))->group(g);
  cli.add_option("--wave-depth", o.wave.depth, "scope levels to dump, as $dumpvars (1: the scope's own signals); 0: all")
      ->default_val(o.wave.depth)->check(CLI::Range(0, 99))->group(g);
  cli.add_option("--wave-scope", o.wave.scope, "dump only this scope and below, e.g. nic.u_mac (names as in the VCD)")
      ->group(g);
  cli.add_flag("-q,--quiet", o.quiet, "no progress line on stderr (it is shown only on a terminal, after ~2 s)")
      ->group(g);
}

void add_run_options(CLI::App &cli, CliOptions &o) {
  const char *g = "Run";
  cli.add_option("--time-limit", o.time_limit_s,
                 "simulated seconds before the run is stopped as INCOMPLETE (exit 1); default scales with the work")
      ->check(finite_range(1e-9, 1e4))->group(g);
  // For tests of the progress line (hidden: no group).
  cli.add_option("--progress-after-s", o.progress_after_s, "wall seconds before progress is shown")
      ->check(finite_range(0, 1e6))->group("");
}

}  // namespace

void add_options(CLI::App &cli, CliOptions &o) {
  add_udp_options(cli, o);
  add_tcp_options(cli, o);
  add_tcp_sysctl_options(cli, o);
  add_partner_options(cli, o);
  add_host_options(cli, o);
  add_tc_options(cli, o);
  add_flow_options(cli, o);
  add_trace_options(cli, o);
  add_output_options(cli, o);
  add_run_options(cli, o);
}

namespace {
CLI::ValidationError refuse(const std::string &opt, const std::string &why) { return CLI::ValidationError(opt, why); }
}  // namespace

void check_options(const CLI::App &cli, CliOptions &o) {
  auto given = [&](const char *name) { return cli.get_option(name)->count() > 0; };
  // Options of the other scenario would be silently ignored: refuse them.
  if (!o.flow_specs.empty()) {
    if (o.tcp_mode()) throw refuse("--flow", "not with --tcp: give the TCP transfer as --flow tcp,bytes=N");
    for (const char *opt : {"--datagrams", "--min-size", "--max-size", "--write-size", "--nodelay"})
      if (given(opt)) throw refuse(opt, "does not apply to --flow runs (the flows carry their own sizes)");
  } else if (o.tcp_mode()) {
    for (const char *opt : {"--datagrams", "--min-size", "--max-size"})
      if (given(opt)) throw refuse(opt, "applies to the UDP scenario only, not with --tcp");
  } else {
    for (const char *opt : {"--write-size", "--nodelay", "--cc", "--loss", "--no-tcp-timestamps", "--no-tcp-sack",
                            "--tcp-limit-output-bytes"})
      if (given(opt)) throw refuse(opt, "applies to the TCP scenario only (--tcp BYTES)");
  }
  if (o.udp.min_payload > o.udp.max_payload)
    throw refuse("--min-size", fmt::format("{} is above --max-size {}", o.udp.min_payload, o.udp.max_payload));

  // Waves: --vcd/--fst alone take their default path; --vcd '' is refused.
  for (const char *opt : {"--vcd", "--fst"}) {
    const CLI::Option *w = cli.get_option(opt);
    if (w->count() && w->results().empty()) o.wave.path = w->get_default_str();
  }
  const bool waves = cli.get_option("--vcd")->count() || cli.get_option("--fst")->count();
  if (waves && o.wave.path.empty()) throw refuse("--vcd", "needs a file name (give --vcd alone for waves/wirepath.vcd)");
  if (!waves && (given("--wave-from-us") || given("--wave-to-us") || given("--wave-depth") || given("--wave-scope")))
    throw refuse("--wave-from-us", "the wave options need --vcd or --fst");
  if (o.wave.to_us >= 0 && o.wave.to_us <= o.wave.from_us)
    throw refuse("--wave-to-us", fmt::format("{} must be after --wave-from-us {}", o.wave.to_us, o.wave.from_us));
  if (cli.get_option("--fst")->count() && o.wave.path.size() >= 4 &&
      o.wave.path.compare(o.wave.path.size() - 4, 4, ".vcd") == 0)
    throw refuse("--fst", "the file name ends in .vcd");

  if (given("--trace-to-us") && o.trace.to_us < o.trace.from_us)
    throw refuse("--trace-to-us", "is before --trace-from-us");
  if (o.trace_path.empty() && (given("--trace-packets") || given("--trace-from-us") || given("--trace-to-us")))
    throw refuse("--trace-packets", "the trace options need --trace FILE.json");

  if (!o.report_path.empty()) {
    if (!o.flow_specs.empty()) throw refuse("--report", "is not written for --flow runs yet (use --json)");
    if (const std::string err = report_check(o.report_path); !err.empty()) throw refuse("--report", err);
  }

  if (o.peer == "kernel" && !o.flow_specs.empty())
    throw refuse("--peer", "kernel: not with --flow yet (the kernel's sockets listen on the scenarios' ports)");

  // Derived settings, in the system's units.
  o.sys.e1000.bql = !o.no_bql;
  o.sys.nic.idle_skip = !o.no_idle_skip;
  o.udp.send_cost = ps_t{o.send_cost_ns} * kNs;
  o.tcp.send_cost = o.udp.send_cost;
  o.tcp.bytes = o.tcp_bytes ? o.tcp_bytes : o.tcp.bytes;
  o.sys.partner.rtt_ns = static_cast<uint64_t>(std::llround(o.rtt_us * 1000.0));
  o.sys.partner.seed = o.sys.seed;
  o.sys.net.static_neighbours = !o.arp;
  if (o.peer == "kernel") {
    o.sys.peer = SystemConfig::Peer::kernel;
    o.sys.kpeer.ns.tcp_listen = {o.tcp.dst_port};
    o.sys.kpeer.ns.udp_bind = {o.udp.dst_port};
  }
  if (o.no_offload) o.sys.disable_features = NETIF_F_IP_CSUM | NETIF_F_TSO;
}

ps_t default_time_limit(const CliOptions &o) {
  // A stuck run is what the limit is for; a slow one must not hit it. UDP:
  // 1 s plus 10 us per datagram beyond its send cost (ARP's probes, a
  // datagram of 44 fragments); TCP: 10 s plus 100 Mb/s for the bytes.
  if (o.tcp_mode()) return 10'000'000'000'000ull + o.tcp_bytes * 80 * kNs;
  return 1'000'000'000'000ull + uint64_t{o.udp.datagrams} * (o.udp.send_cost + 10'000 * kNs);
}

uint64_t estimate_wave_bytes(const CliOptions &o) {
  if (o.wave.path.empty()) return 0;
  // Busy time: UDP paced by the send cost or the wire (0.8 ns a byte),
  // TCP at ~9 Gb/s of goodput; plus bring-up and drain.
  double busy_s;
  if (o.tcp_mode()) {
    busy_s = o.tcp_bytes * 8 / 9e9 + 50e-6;
  } else {
    const double avg = (o.udp.min_payload + o.udp.max_payload) / 2.0 + 66;
    busy_s = o.udp.datagrams * std::max(o.send_cost_ns * 1e-9, avg * 0.8e-9) + 20e-6;
  }
  const double from = o.wave.from_us * 1e-6;
  const double to = o.wave.to_us < 0 ? busy_s : std::min(busy_s, o.wave.to_us * 1e-6);
  const double cycles = std::max(0.0, to - from) / (o.sys.nic.clock_period * 1e-12);
  const bool fst = o.wave.path.size() >= 4 && o.wave.path.compare(o.wave.path.size() - 4, 4, ".fst") == 0;
  return static_cast<uint64_t>(cycles * (fst ? 180.0 : 1800.0));
}

}  // namespace wirepath
