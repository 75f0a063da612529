// Doorbell-to-wire latency against frame size, unloaded: one UDP datagram at a
// time through the whole system (stack, driver, PCIe model, Verilated NIC),
// far enough apart that nothing queues. Prints each stage's median per size.
// Run by hand: build/bench/latency_sweep [--gap-us N] [--per-size N] [--mode ring|push|all] (--help)
// --mode all (the default) runs each TX mode in its own process (SystemC
// elaborates one system per process) and prints a table per mode, then the
// low-latency goals of issue 11 against the measured medians.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include "sim/app/cli_util.hpp"

#include "sim/system.hpp"

using namespace wirepath;

namespace {
// The TX modes the sweep knows, in the order it runs them.
const std::map<std::string, E1000TxMode> kModes = {{"ring", E1000TxMode::ring}, {"push", E1000TxMode::push}};
const std::vector<std::string> kModeOrder = {"ring", "push"};
std::string g_mode = "all";
// Medians at 64 B and 1518 B of the modes run in this process's children
// (read back from a pipe: each child prints "GOAL mode size total mmio").
}  // namespace

int sc_main(int argc, char **argv) {
  unsigned gap_us = 20, per_size = 20;
  CLI::App cli{"latency_sweep: doorbell-to-wire latency against frame size, unloaded, through the whole system;\n"
               "prints each stage's median per size, per TX mode."};
  cli.add_option("--gap-us", gap_us, "simulated time between datagrams, us")
      ->default_val(gap_us)->check(CLI::Range(1u, 1'000'000u));
  cli.add_option("--per-size", per_size, "datagrams per frame size")->default_val(per_size)->check(CLI::Range(1u, 100'000u));
  cli.add_option("--mode", g_mode, "TX mode: ring, push, or all (each in its own process)")
      ->default_val(g_mode)->check(CLI::IsMember({"ring", "push", "all"}));
  if (const int rc = parse_or_exit(cli, argc, argv); rc >= 0) return rc;
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // Frame sizes on the wire (DA..FCS) and the UDP payloads that give them.
  const std::vector<uint32_t> frames = {64, 128, 256, 512, 1024, 1280, 1518};
  SystemConfig cfg;
  cfg.e1000.tx_mode = kModes.at(g_mode);
  System sys("sys", cfg);
  sys.app = [&](System &s) {
    files_struct &st = s.files();
    const int fd = st.socket(AF_INET, SOCK_DGRAM, 0);
    const sockaddr_in_host peer{AF_INET, 9, s.config().net.peer_ip};
    st.connect(fd, &peer);
    std::vector<uint8_t> payload(1472, 0x5a);
    for (uint32_t f : frames)
      for (unsigned k = 0; k < per_size; k++) {
        s.cpu_work(ps_t{gap_us} * 1000 * kNs);
        st.send(fd, payload.data(), f - 14 - 20 - 8 - 4, 0);
      }
    st.close(fd);
    s.wait_for_tx_idle(10'000'000 * kNs);
  };
  sys.run(10'000'000'000'000ull);

  std::map<uint32_t, std::vector<const FrameLatency *>> by_size;
  std::vector<std::string> goals;
  for (const FrameLatency &f : sys.latency().done()) by_size[f.frame_len + 4].push_back(&f);
  auto median = [](std::vector<ps_t> v) { return LatencyTracker::summarize(std::move(v)).median / 1000.0; };
  fmt::print("mode {}: doorbell -> first byte on XGMII, unloaded ({} frames per size, {} us apart), median ns\n",
             g_mode, per_size, gap_us);
  fmt::print("{:>6} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "frame", "MMIO", "desc", "data", "MAC", "total");
  for (auto &[size, v] : by_size) {
    std::vector<ps_t> m, d, da, mac, tot;
    for (const FrameLatency *f : v) {
      m.push_back(f->mmio - f->doorbell);
      d.push_back(f->desc - f->mmio);
      da.push_back(f->data - f->desc);
      mac.push_back(f->wire - f->data);
      tot.push_back(f->total());
    }
    fmt::print("{:>6} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f}\n", size, median(m), median(d), median(da),
               median(mac), median(tot));
    if (size == 64 || size == 1518) goals.push_back(fmt::format("{} {} {} {}", g_mode, size, median(tot), median(m)));
  }
  const NicStats ns = sys.nic().stats();
  fmt::print("  driver: {} doorbells, {} pushed; NIC: {} write-combined MMIO writes, {} DMA reads\n\n",
             sys.adapter().stats().doorbells, sys.adapter().stats().pushes, ns.mmio_wide_writes, ns.dma_reads);
  if (const char *fd = std::getenv("LATENCY_SWEEP_GOALS_FD")) {
    FILE *f = fdopen(std::atoi(fd), "w");
    for (const std::string &g : goals) fmt::print(f, "{}\n", g);
    fclose(f);
  }
  const bool ok = sys.latency().done().size() == frames.size() * per_size && sys.wire().fcs_errors == 0;
  if (!ok) fmt::print(stderr, "latency_sweep: {} of {} frames measured\n", sys.latency().done().size(),
                      frames.size() * per_size);
  return ok ? 0 : 1;
}

// Runs one mode in a child process; returns its exit status and appends its
// goal lines ("mode size total_ns mmio_ns").
int run_mode(int argc, char **argv, const std::string &mode, std::vector<std::string> &goals) {
  int fds[2];
  if (pipe(fds)) return 1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    setenv("LATENCY_SWEEP_GOALS_FD", std::to_string(fds[1]).c_str(), 1);
    std::vector<char *> args(argv, argv + argc);
    std::string m = "--mode", v = mode;
    args.push_back(m.data());
    args.push_back(v.data());
    const int rc = sc_core::sc_elab_and_sim(int(args.size()), args.data());
    fflush(stdout);  // _exit skips stdio's flush
    _exit(rc);
  }
  close(fds[1]);
  std::string text;
  char buf[256];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, size_t(n));
  close(fds[0]);
  int status = 1;
  waitpid(pid, &status, 0);
  for (size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
    goals.push_back(text.substr(at, nl - at));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  bool all = true;
  for (int i = 1; i + 1 < argc; i++)
    if (std::string(argv[i]) == "--mode" && std::string(argv[i + 1]) != "all") all = false;
  if (!all) return sc_core::sc_elab_and_sim(argc, argv);
  // Every mode, each in its own process; "--mode all" is dropped from the args.
  std::vector<char *> args;
  for (int i = 0; i < argc; i++) {
    if (std::string(argv[i]) == "--mode" && i + 1 < argc) {
      i++;
      continue;
    }
    args.push_back(argv[i]);
  }
  std::vector<std::string> lines;
  int rc = 0;
  for (const std::string &m : kModeOrder) {
    fflush(stdout);
    rc |= run_mode(int(args.size()), args.data(), m, lines);
  }
  std::map<std::string, double> total, mmio;
  for (const std::string &l : lines) {
    char mode[16];
    unsigned size = 0;
    double t = 0, mm = 0;
    if (std::sscanf(l.c_str(), "%15s %u %lf %lf", mode, &size, &t, &mm) == 4) {
      total[std::string(mode) + "/" + std::to_string(size)] = t;
      mmio[std::string(mode) + "/" + std::to_string(size)] = mm;
    }
  }
  auto goal = [&](const char *what, const std::string &key, double limit) {
    if (!total.count(key)) {
      fmt::print("goal  {:<44} not measured\n", what);
      return;
    }
    fmt::print("goal  {:<44} {:8.1f} ns <= {:8.1f} ns  {}\n", what, total[key], limit,
               total[key] <= limit ? "met" : "NOT met");
  };
  // Issue 11's goals against the figures the README gives for ring mode
  // (1526 ns at 64 B, 2704 ns at 1518 B) and against this run's ring mode.
  goal("push, 64 B: <= 1526 - 500 ns", "push/64", 1526 - 500);
  if (total.count("ring/64")) goal("push, 64 B: <= this run's ring - 500 ns", "push/64", total["ring/64"] - 500);
  // Not built in this round (README, "Low-latency TX modes", says why).
  fmt::print("goal  {:<44} not built: no inline mode yet\n", "inline, 64 B: <= MMIO write + 100 ns");
  fmt::print("goal  {:<44} not built: no cut-through yet\n", "cut-through, 1518 B: <= 2704 - 1000 ns");
  return rc;
}
