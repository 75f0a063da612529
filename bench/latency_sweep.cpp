// Doorbell-to-wire latency against frame size, unloaded: one UDP datagram at a
// time through the whole system (stack, driver, PCIe model, Verilated NIC),
// far enough apart that nothing queues. Prints each stage's median per size.
// Run by hand: build/bench/latency_sweep [--gap-us N] [--per-size N]
//   [--mode ring|push|inline|ring-ct|push-ct|all]
//   [--csv FILE] [--plot FILE.svg] (--help)
// --mode all (the default) runs each TX mode in its own process (SystemC
// elaborates one system per process) and prints a table per mode, then the
// low-latency goals of issue 11 against the measured medians. The children
// send their CSV rows up the same pipe as their goals; the parent writes the
// CSV and the plot of all modes.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include "sim/app/cli_util.hpp"

#include "bench_plot.hpp"

#include "sim/system.hpp"

using namespace wirepath;

namespace {
// The TX modes the sweep knows, in the order it runs them. *-ct: the same
// with cut-through (TXCT), and checksums in software so that the NIC may cut
// the frames through (it never does for frames an offload writes into).
const std::map<std::string, E1000TxMode> kModes = {
    {"ring", E1000TxMode::ring},       {"push", E1000TxMode::push}, {"inline", E1000TxMode::inline_},
    {"ring-ct", E1000TxMode::ring}, {"push-ct", E1000TxMode::push}};
const std::vector<std::string> kModeOrder = {"ring", "push", "inline", "ring-ct", "push-ct"};
bool cut_through_mode(const std::string &m) { return m.size() > 3 && m.compare(m.size() - 3, 3, "-ct") == 0; }
std::string g_mode = "all";
std::string g_csv, g_plot;
const char kCsvHeader[] = "mode,frame,mmio_ns,desc_ns,data_ns,mac_ns,total_ns\n";

// The options of parent and children alike (the parent parses them too, to
// answer --help and refuse bad values before forking).
void add_options(CLI::App &cli, unsigned &gap_us, unsigned &per_size) {
  cli.add_option("--gap-us", gap_us, "simulated time between datagrams, us")
      ->default_val(gap_us)->check(CLI::Range(1u, 1'000'000u));
  cli.add_option("--per-size", per_size, "datagrams per frame size")->default_val(per_size)->check(CLI::Range(1u, 100'000u));
  cli.add_option("--mode", g_mode,
                 "TX mode: ring, push, inline, ring-ct, push-ct (cut-through), or all (each in its own process)")
      ->default_val(g_mode)->check(CLI::IsMember({"ring", "push", "inline", "ring-ct", "push-ct", "all"}));
  cli.add_option("--csv", g_csv, "write each mode's and size's stage medians as CSV: " +
                                     std::string(kCsvHeader, sizeof kCsvHeader - 2))->group("Output");
  cli.add_option("--plot", g_plot, "plot the stages against frame size, a panel per mode, to this SVG (needs gnuplot)")
      ->group("Output");
}

// Each mode's rows as a gnuplot datablock, then one panel per mode with the
// stages stacked (MMIO at the bottom, the MAC on top: the top edge is the total).
std::string plot_script(const std::vector<std::string> &rows, unsigned per_size, unsigned gap_us) {
  // mode -> "frame mmio desc data mac total" lines, modes in the order they ran
  std::vector<std::pair<std::string, std::string>> data;
  double top = 0;
  for (const std::string &r : rows) {
    char mode[16];
    unsigned f;
    double m, d, da, mac, t;
    if (std::sscanf(r.c_str(), "%15[^,],%u,%lf,%lf,%lf,%lf,%lf", mode, &f, &m, &d, &da, &mac, &t) != 7) continue;
    if (data.empty() || data.back().first != mode) data.emplace_back(mode, "");
    data.back().second += fmt::format("{} {} {} {} {} {}\n", f, m, d, da, mac, t);
    top = std::max(top, t);
  }
  std::string s = bench::svg_terminal(int(420 * std::max<size_t>(1, data.size())), 420);
  // gnuplot datablock names are identifiers: ring-ct -> $ring_ct.
  auto block = [](std::string m) { return "$" + (std::replace(m.begin(), m.end(), '-', '_'), m); };
  for (auto &[mode, lines] : data) s += block(mode) + " << EOD\n" + lines + "EOD\n";
  s += fmt::format("set multiplot layout 1,{} title 'latency\\_sweep: doorbell to first byte on XGMII, unloaded, "
                   "median of {} frames per size, {} us apart'\n",
                   std::max<size_t>(1, data.size()), per_size, gap_us);
  s += fmt::format("set xlabel 'frame size, bytes'\nset ylabel 'ns'\nset yrange [0:{:.0f}]\nset xrange [0:1600]\n"
                   "set grid\nset key top left opaque\nset style fill solid 0.85 noborder\n",
                   top * 1.25);
  for (auto &[mode, lines] : data) {
    const std::string d = block(mode);
    s += "set title 'TX mode " + mode + "'\n";
    s += "plot " + d + " using 1:($2+$3+$4+$5) with filledcurves y=0 lc rgb '#d62728' title 'MAC', \\\n"
         "     " + d + " using 1:($2+$3+$4) with filledcurves y=0 lc rgb '#2ca02c' title 'data DMA', \\\n"
         "     " + d + " using 1:($2+$3) with filledcurves y=0 lc rgb '#ff7f0e' title 'descriptor', \\\n"
         "     " + d + " using 1:2 with filledcurves y=0 lc rgb '#1f77b4' title 'MMIO', \\\n"
         "     " + d + " using 1:6 with linespoints pt 7 ps 0.6 lc rgb 'black' title 'total'\n";
  }
  return s + "unset multiplot\n";
}

// Writes --csv and --plot from all modes' rows; kExitOk or kExitRunFailed.
int write_outputs(const std::vector<std::string> &rows, unsigned per_size, unsigned gap_us) {
  std::string csv = kCsvHeader, err;
  for (const std::string &r : rows) csv += r + "\n";
  if (!g_csv.empty()) err = bench::write_file(g_csv, csv);
  if (err.empty() && !g_plot.empty()) err = bench::plot_svg(g_plot, plot_script(rows, per_size, gap_us));
  if (err.empty()) return kExitOk;
  fmt::print(stderr, "latency_sweep: {}\n", err);
  return kExitRunFailed;
}
}  // namespace

int sc_main(int argc, char **argv) {
  unsigned gap_us = 20, per_size = 20;
  CLI::App cli{"latency_sweep: doorbell-to-wire latency against frame size, unloaded, through the whole system;\n"
               "prints each stage's median per size, per TX mode."};
  add_options(cli, gap_us, per_size);
  if (const int rc = parse_or_exit(cli, argc, argv); rc >= 0) return rc;
  // A child of --mode all hands its rows to the parent, which writes the files.
  const char *parent_fd = std::getenv("LATENCY_SWEEP_GOALS_FD");
  if (!parent_fd)
    if (const std::string e = bench::check_outputs(g_csv, g_plot); !e.empty()) {
      fmt::print(stderr, "latency_sweep: {}\n", e);
      return kExitBadInput;
    }
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // Frame sizes on the wire (DA..FCS) and the UDP payloads that give them.
  const std::vector<uint32_t> frames = {64, 128, 256, 512, 1024, 1280, 1518};
  SystemConfig cfg;
  cfg.e1000.tx_mode = kModes.at(g_mode);
  if (cut_through_mode(g_mode)) {
    cfg.e1000.cut_through = true;
    cfg.disable_features = NETIF_F_IP_CSUM | NETIF_F_TSO;
  }
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
  std::vector<std::string> goals, rows;
  for (const FrameLatency &f : sys.latency().done()) by_size[f.frame_len + 4].push_back(&f);
  auto median = [](std::vector<ps_t> v) { return LatencyTracker::summarize(std::move(v)).median / 1000.0; };
  fmt::print("mode {}: doorbell -> first byte on XGMII, unloaded ({} frames per size, {} us apart), median ns\n",
             g_mode, per_size, gap_us);
  if (cut_through_mode(g_mode))
    fmt::print("  cut-through at {} B + frame/16 stored; UDP checksums in software (an offloaded checksum\n"
               "  is written by the MAC, so such frames stay store-and-forward); data = first byte stored\n",
               cfg.e1000.cut_through_bytes);
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
    rows.push_back(fmt::format("{},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f}", g_mode, size, median(m), median(d),
                               median(da), median(mac), median(tot)));
    if (size == 64 || size == 1518) goals.push_back("GOAL " + fmt::format("{} {} {} {}", g_mode, size, median(tot), median(m)));
  }
  const NicStats ns = sys.nic().stats();
  fmt::print("  driver: {} doorbells, {} pushed, {} inline; NIC: {} write-combined MMIO writes, {} DMA reads\n\n",
             sys.adapter().stats().doorbells, sys.adapter().stats().pushes, sys.adapter().stats().inlines,
             ns.mmio_wide_writes, ns.dma_reads);
  if (parent_fd) {
    FILE *f = fdopen(std::atoi(parent_fd), "w");
    for (const std::string &g : goals) fmt::print(f, "{}\n", g);
    for (const std::string &r : rows) fmt::print(f, "ROW {}\n", r);
    fclose(f);
  }
  const bool ok = sys.latency().done().size() == frames.size() * per_size && sys.wire().fcs_errors == 0;
  if (!ok) fmt::print(stderr, "latency_sweep: {} of {} frames measured\n", sys.latency().done().size(),
                      frames.size() * per_size);
  const int out_rc = parent_fd ? kExitOk : write_outputs(rows, per_size, gap_us);
  return ok ? out_rc : 1;
}

// Runs one mode in a child process; returns its exit status and appends its
// lines ("GOAL mode size total_ns mmio_ns" and "ROW <csv row>").
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
  unsigned gap_us = 20, per_size = 20;
  {
    CLI::App cli{"latency_sweep: doorbell-to-wire latency against frame size, unloaded, through the whole system;\n"
                 "prints each stage's median per size, per TX mode."};
    add_options(cli, gap_us, per_size);
    if (const int rc = parse_or_exit(cli, argc, argv); rc >= 0) return rc;
  }
  if (g_mode != "all") return sc_core::sc_elab_and_sim(argc, argv);
  if (const std::string e = bench::check_outputs(g_csv, g_plot); !e.empty()) {
    fmt::print(stderr, "latency_sweep: {}\n", e);
    return kExitBadInput;
  }
  // Every mode, each in its own process; "--mode all" (or --mode=all) is dropped from the args.
  std::vector<char *> args;
  for (int i = 0; i < argc; i++) {
    if (std::string(argv[i]) == "--mode" && i + 1 < argc) {
      i++;
      continue;
    }
    if (std::string(argv[i]).rfind("--mode=", 0) == 0) continue;
    args.push_back(argv[i]);
  }
  std::vector<std::string> lines;
  int rc = 0;
  for (const std::string &m : kModeOrder) {
    fflush(stdout);
    rc |= run_mode(int(args.size()), args.data(), m, lines);
  }
  std::map<std::string, double> total, mmio;
  std::vector<std::string> rows;
  for (const std::string &l : lines) {
    char mode[16];
    unsigned size = 0;
    double t = 0, mm = 0;
    if (l.rfind("ROW ", 0) == 0) rows.push_back(l.substr(4));
    if (std::sscanf(l.c_str(), "GOAL %15s %u %lf %lf", mode, &size, &t, &mm) == 4) {
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
  // Inline: the NIC's part (push arrival to /S/) within 100 ns of the MMIO
  // write as this run measured it for the inline doorbell (blocks + push).
  if (mmio.count("inline/64"))
    goal(fmt::format("inline, 64 B: <= MMIO write {:.1f} + 100 ns", mmio["inline/64"]).c_str(), "inline/64",
         mmio["inline/64"] + 100);
  else fmt::print("goal  {:<44} not measured\n", "inline, 64 B: <= MMIO write + 100 ns");
  goal("cut-through, 1518 B: <= 2704 - 1000 ns", "ring-ct/1518", 2704 - 1000);
  if (total.count("ring/1518"))
    goal("cut-through, 1518 B: <= run's ring - 1000 ns", "ring-ct/1518", total["ring/1518"] - 1000);
  goal("push + cut-through, 1518 B: <= 2128 - 1000 ns", "push-ct/1518", 2128 - 1000);
  const int out_rc = write_outputs(rows, per_size, gap_us);
  return rc ? rc : out_rc;
}
