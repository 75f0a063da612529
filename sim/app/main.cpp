// wirepath: UDP datagrams from send() to the wire through a Verilated NIC.
// With no arguments it runs the default scenario and prints a summary.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include "sim/app/scenario.hpp"
#include "sim/system.hpp"
#include "sim/app/iptables.hpp"

using namespace wirepath;

int sc_main(int argc, char **argv) {
  // The kernel's note that sc_stop() was called (how every run ends) says
  // nothing to a user of wirepath.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  CLI::App cli{"wirepath: co-simulation of the Linux UDP/TCP/IPv4 TX path, an e1000e-style driver, a PCIe link model\n"
               "and a Verilated 10G NIC. Sends UDP datagrams of mixed sizes (or a TCP transfer to a link partner, --tcp) and reports wire bytes, FCS errors,\n"
               "throughput and doorbell-to-wire latency; writes every frame to a pcap file."};
  UdpScenarioConfig sc;
  SystemConfig cfg;
  cfg.pcap_path = "wirepath.pcap";
  std::string vcd;
  bool want_vcd = false;
  unsigned send_cost_ns = 1000;
  cli.add_option("-n,--datagrams", sc.datagrams, "UDP datagrams to send")->default_val(sc.datagrams);
  cli.add_option("--min-size", sc.min_payload, "smallest UDP payload, bytes")->default_val(sc.min_payload);
  cli.add_option("--max-size", sc.max_payload, "largest UDP payload, bytes (1472 fits MTU 1500)")
      ->default_val(sc.max_payload);
  cli.add_option("--send-cost-ns", send_cost_ns, "CPU time per send() call, ns")->default_val(send_cost_ns);
  cli.add_option("--seed", cfg.seed, "seed for sizes, payloads and the stack's IDs")->default_val(cfg.seed);
  cli.add_option("--pcap", cfg.pcap_path, "pcap output (FCS included)")->default_val(cfg.pcap_path);
  auto *vcd_opt = cli.add_option("--vcd", vcd, "write a VCD of the RTL (default path waves/wirepath.vcd)")
                      ->expected(0, 1)
                      ->default_str("waves/wirepath.vcd");
  cli.add_option("--ring", cfg.e1000.tx_ring_count, "TX descriptors (multiple of 8, 16..4096)")
      ->default_val(cfg.e1000.tx_ring_count);
  cli.add_option("--tipg", cfg.e1000.tipg, "inter-frame gap in bytes (TIPG.IPGT, minimum used is 12)")
      ->default_val(cfg.e1000.tipg);
  TcpScenarioConfig tc;
  uint64_t tcp_bytes = 0;
  double rtt_us = cfg.partner.rtt_ns / 1000.0;
  std::string cc = "cubic";
  cli.add_option("--tcp", tcp_bytes, "TCP bulk transfer of BYTES to the link partner instead of UDP");
  cli.add_option("--write-size", tc.write_size, "bytes per send() in the TCP transfer")->default_val(tc.write_size);
  cli.add_flag("--nodelay", tc.nodelay, "TCP_NODELAY on the TCP socket");
  cli.add_option("--cc", cc, "TCP congestion control")->check(CLI::IsMember({"cubic", "reno"}))->default_val(cc);
  cli.add_option("--rtt-us", rtt_us, "link partner: our frame on the wire to its reply in the stack, us")
      ->default_val(rtt_us);
  cli.add_option("--loss", cfg.faults.loss, "wire: probability a TCP data segment to the link partner is lost")
      ->default_val(cfg.faults.loss);
  cli.add_option("--reorder", cfg.faults.reorder, "wire: probability a frame to the link partner is delayed (reordered)")
      ->default_val(cfg.faults.reorder);
  bool arp = false, no_offload = false;
  std::string rules_path;
  cli.add_option("--iptables", rules_path, "load netfilter rules from an iptables-save file (as iptables-restore)")
      ->check(CLI::ExistingFile);
  cli.add_flag("--no-offload", no_offload,
               "checksums and TCP segmentation in software (ethtool -K tx off tso off sg on)");
  cli.add_flag("--arp", arp, "resolve the link partner with ARP instead of a static (PERMANENT) neighbour entry");
  cli.add_option("--quantum", cfg.nic.quantum_cycles, "NIC cycles per SystemC sync (capped by the lookahead)")
      ->default_val(cfg.nic.quantum_cycles);
  std::string peer = "model";
  cli.add_option("--peer", peer,
                 "the far end of the wire: our link partner model, or this machine's real Linux kernel behind a TAP "
                 "device in a private network namespace (needs root)")
      ->check(CLI::IsMember({"model", "kernel"}))
      ->default_val(peer)
      ->group("Far end");
  // TCP options our stack offers in its SYN (net.ipv4.tcp_timestamps, tcp_sack; both on as in Linux).
  bool no_tcp_ts = false, no_tcp_sack = false;
  cli.add_flag("--no-tcp-timestamps", no_tcp_ts, "sysctl net.ipv4.tcp_timestamps=0: no TSval/TSecr (segments carry 1460 bytes)")
      ->group("TCP options");
  cli.add_flag("--no-tcp-sack", no_tcp_sack, "sysctl net.ipv4.tcp_sack=0: no SACK, NewReno recovery")->group("TCP options");
  bool no_idle_skip = false;
  cli.add_flag("--no-idle-skip", no_idle_skip,
               "clock the NIC RTL every cycle even while it is idle (the result is the same, only slower)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return cli.exit(e);
  }
  cfg.nic.idle_skip = !no_idle_skip;
  want_vcd = vcd_opt->count() > 0;
  if (want_vcd) {
    if (vcd.empty()) vcd = "waves/wirepath.vcd";
    cfg.nic.vcd_path = vcd;
    const auto dir = std::filesystem::path(vcd).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
  }
  sc.send_cost = ps_t{send_cost_ns} * kNs;
  tc.send_cost = sc.send_cost;
  tc.bytes = tcp_bytes;
  if (rtt_us < 0) return cli.exit(CLI::ValidationError("--rtt-us", "must be >= 0"));
  cfg.partner.rtt_ns = static_cast<uint64_t>(rtt_us * 1000.0);
  cfg.partner.seed = cfg.seed;
  cfg.net.static_neighbours = !arp;
  if (peer == "kernel") {
    cfg.peer = SystemConfig::Peer::kernel;
    cfg.kpeer.ns.tcp_listen = {tc.dst_port};
    cfg.kpeer.ns.udp_bind = {sc.dst_port};
  }
  // After the run: what the kernel's sockets still hold, and its view.
  auto finish_peer = [&](System &sys) -> bool {
    KernelPeer *kp = sys.kernel_peer();
    if (!kp) return true;
    kp->finish();
    return kp->stats().fcs_errors == 0 && kp->stats().tap_write_errors == 0;
  };
  if (no_offload) cfg.disable_features = NETIF_F_IP_CSUM | NETIF_F_TSO;

  std::string rules;
  if (!rules_path.empty()) {
    std::ifstream in(rules_path);
    rules.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // iptables-restore into the system's namespace; errors name the line.
  auto load_rules = [&](System &sys) {
    if (rules.empty()) return;
    std::string err;
    if (iptables_restore(sys.stack(), rules, &err))
      throw std::invalid_argument(fmt::format("iptables: {}: {}", rules_path, err));
  };
  auto print_rules = [&](System &sys) {
    if (rules.empty()) return;
    for (const char *table : {"raw", "mangle", "nat", "filter"}) {
      const std::string list = iptables_list(sys.stack(), table);
      if (list.find("pkts") != std::string::npos) fmt::print("netfilter   table {}:\n{}", table, list);
    }
  };

  try {
    if (tcp_bytes) {
      tc.validate();
      cfg.partner.validate();
      cfg.faults.validate();
      System sys("sys", cfg);
      load_rules(sys);
      sys.stack().tcp.sysctl.tcp_congestion_control = cc == "reno" ? "reno" : "cubic";
      sys.stack().tcp.sysctl.tcp_timestamps = no_tcp_ts ? 0 : 1;
      sys.stack().tcp.sysctl.tcp_sack = no_tcp_sack ? 0 : 1;
      TcpScenarioResult result;
      sys.app = [&](System &s) { result = run_tcp_scenario(s, tc); };
      fmt::print("wirepath: TCP transfer of {} bytes to {}.{}.{}.{}:{} ({}), rtt {} us, loss {}, reorder {}, seed {}\n",
                 tc.bytes, cfg.net.peer_ip >> 24, (cfg.net.peer_ip >> 16) & 255, (cfg.net.peer_ip >> 8) & 255,
                 cfg.net.peer_ip & 255, tc.dst_port, cc, rtt_us, cfg.faults.loss, cfg.faults.reorder, cfg.seed);
      sys.run(10'000'000'000'000ull);  // 10 s of simulated time at most
      if (!sys.app_done()) {
        fmt::print(stderr, "wirepath: error: the transfer did not finish within 10 s of simulated time\n");
        return 1;
      }
      const bool peer_ok = finish_peer(sys);
      fmt::print("{}", format_tcp_summary(sys, result));
      if (sys.kernel_peer()) fmt::print("{}", sys.kernel_peer()->summary());
      print_rules(sys);
      if (!cfg.pcap_path.empty())
        fmt::print("pcap        {} (tshark -o eth.fcs:TRUE -o eth.check_fcs:TRUE -r {})\n", cfg.pcap_path,
                   cfg.pcap_path);
      const bool ok = peer_ok && result.finished && !result.error && tcp_stream_intact(sys, result) &&
                      sys.wire().fcs_errors == 0 && sys.drained() &&
                      sys.adapter().stats().frames == sys.wire().frames;
      return ok ? 0 : 1;
    }
    sc.validate();
    System sys("sys", cfg);
    load_rules(sys);
    UdpScenarioResult result;
    sys.app = [&](System &s) { result = run_udp_scenario(s, sc); };
    fmt::print("wirepath: {} UDP datagrams of {}..{} payload bytes to {}.{}.{}.{}:{}, seed {}\n", sc.datagrams,
               sc.min_payload, sc.max_payload, cfg.net.peer_ip >> 24, (cfg.net.peer_ip >> 16) & 255,
               (cfg.net.peer_ip >> 8) & 255, cfg.net.peer_ip & 255, sc.dst_port, cfg.seed);
    sys.run(1'000'000'000'000ull);  // 1 s of simulated time at most
    if (!sys.app_done()) {
      fmt::print(stderr, "wirepath: error: the scenario did not finish within 1 s of simulated time\n");
      return 1;
    }
    bool peer_ok = finish_peer(sys);
    fmt::print("{}", format_summary(sys, result));
    if (sys.kernel_peer()) fmt::print("{}", sys.kernel_peer()->summary());
    if (const KernelPeer *kp = sys.kernel_peer(); kp && kp->stats().udp_datagrams != result.sent) {
      fmt::print(stderr, "wirepath: error: the kernel's sockets got {} of {} datagrams\n", kp->stats().udp_datagrams,
                 result.sent);
      peer_ok = false;
    }
    print_rules(sys);
    if (!cfg.pcap_path.empty())
      fmt::print("pcap        {} (tshark -o eth.fcs:TRUE -o eth.check_fcs:TRUE -r {})\n", cfg.pcap_path,
                 cfg.pcap_path);
    if (want_vcd) fmt::print("vcd         {} (gtkwave {} waves/wirepath.gtkw)\n", vcd, vcd);
    // Every packet the driver took must be on the wire exactly once, intact.
    const bool ok = peer_ok && sys.adapter().stats().frames == sys.wire().frames && sys.wire().fcs_errors == 0 &&
                    sys.drained() && skb_counters().total_dropped() == 0;
    if (!ok)
      fmt::print(stderr, "wirepath: error: {} frames expected from the driver's packets, {} on the wire, {} drops\n",
                 sys.adapter().stats().frames, sys.wire().frames, skb_counters().total_dropped());
    return ok ? 0 : 1;
  } catch (const std::exception &e) {
    fmt::print(stderr, "wirepath: error: {}\n", e.what());
    return 2;
  }
}

// Our main() takes precedence over libsystemc's, so the kernel's banner can be
// switched off before the kernel prints it.
int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
