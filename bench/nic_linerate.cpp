// nic_linerate: back-to-back frames through the Verilated NIC with a fixed
// DMA read latency (default 1 us), per frame size: frames/s on XGMII,
// the 10GbE theoretical rate (size + 8 preamble + 12 IFG bytes per frame) and
// their ratio. Usage: nic_linerate [--all | --sizes A,B..] [--latency-ns N] [--frames N]
//   [--csv FILE] [--plot FILE.svg] (--help)
//   default sizes 64 65 127 128 256 512 1024 1280 1518 9018; --all: 64..1518.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/app/cli_util.hpp"

#include "bench_plot.hpp"

#include "Vnic_top.h"
#include "nic_bench.hpp"

using namespace wirepath;
using namespace wirepath::rtltest;
using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;

namespace {

constexpr double kClockHz = 156.25e6;

struct Result {
  unsigned size;
  double achieved, theoretical;
  bool fcs_ok;
};

Result run_size(unsigned size, unsigned latency_cycles, unsigned nframes) {
  NicBench b(latency_cycles);
  const unsigned ring = 4096;
  TxRing r(b, ring, E1000_TCTL_EN | E1000_TCTL_PSP);
  std::vector<uint8_t> data(size - 4);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7 + size);
  const uint64_t buf = r.buffer(data);
  unsigned posted = 0;
  const uint64_t limit = b.cycle + uint64_t(nframes) * (size / 8 + 40) + 200000;
  while (b.frames.size() < nframes && b.cycle < limit) {
    unsigned free = r.free_slots();
    unsigned n = 0;
    while (posted < nframes && free > 0) {
      r.post(buf, uint16_t(size - 4), E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
      ++posted, --free, ++n;
    }
    if (n) r.kick();
    b.run(n ? 16 : 256);
  }
  Result res{size, 0, 10e9 / ((size + 20) * 8.0), true};
  const size_t skip = std::min<size_t>(64, b.frames.size() / 4);
  if (b.frames.size() < skip + 2) return res;
  for (const auto &f : b.frames) res.fcs_ok = res.fcs_ok && f.fcs_ok && f.bytes.size() == size;
  const auto &f0 = b.frames[skip], &f1 = b.frames.back();
  const double bytes = double(f1.start_cycle * 8 + f1.start_lane) - double(f0.start_cycle * 8 + f0.start_lane);
  res.achieved = double(b.frames.size() - 1 - skip) / (bytes / 8.0 / kClockHz);
  return res;
}

// Measured frames/s as points over the 10GbE curve 10e9 / ((size + 20) * 8),
// both axes logarithmic: the sizes span 64..9018 and the rates 2 decades.
std::string plot_script(const std::string &rows, double latency_ns) {
  return bench::svg_terminal(800, 450) + "$rates << EOD\n" + rows + "EOD\n" +
         fmt::format("set title 'nic\\_linerate: back-to-back frames, DMA read latency {:.0f} ns'\n", latency_ns) +
         "set datafile separator ','\n"
         "set logscale xy\n"
         "set xlabel 'frame size, bytes (DA..FCS)'\n"
         "set ylabel 'frames/s on XGMII'\n"
         "set grid\n"
         "set key top right\n"
         "set format y '%.0s%c'\n"
         "set xrange [56:10000]\n"
         "set samples 400\n"
         "line_rate(x) = 10e9 / ((x + 20) * 8)\n"
         "plot line_rate(x) with lines lw 2 lc rgb '#888888' title '10GbE line rate: 10e9 / ((size + 20) * 8)', \\\n"
         "     $rates using 1:2 with points pt 7 ps 0.8 lc rgb '#1f77b4' title 'measured'\n";
}

}  // namespace

int main(int argc, char **argv) {
  bool all = false;
  double latency_ns = 1000.0;
  unsigned frames = 0;
  std::vector<unsigned> sizes;
  std::string csv, plot;
  CLI::App cli{"nic_linerate: back-to-back frames through the Verilated NIC with a fixed DMA read latency;\n"
               "frames/s on XGMII against the 10GbE theoretical rate, per frame size."};
  auto *all_opt =
      cli.add_flag("--all", all, "every size 64..1518 (default: 64 65 127 128 256 512 1024 1280 1518 9018)");
  cli.add_option("--sizes", sizes, "frame sizes to run, comma-separated (DA..FCS, 64..9018)")
      ->delimiter(',')->check(CLI::Range(64u, 9018u))->excludes(all_opt);
  cli.add_option("--latency-ns", latency_ns, "DMA read latency, ns")
      ->default_val(latency_ns)->check(finite_range(0, 1e6));
  // The rate is measured between frames' starts: it needs two frames.
  cli.add_option("--frames", frames, "frames per size, at least 2 (default: 300..4000 by size)")
      ->check(CLI::Range(2u, 10'000'000u));
  cli.add_option("--csv", csv, "write the table as CSV: size,frames_per_s,theoretical_frames_per_s,ratio")
      ->group("Output");
  cli.add_option("--plot", plot, "plot frames/s against the line-rate curve to this SVG (needs gnuplot)")
      ->group("Output");
  if (const int rc = parse_or_exit(cli, argc, argv); rc >= 0) return rc;
  if (const std::string e = bench::check_outputs(csv, plot); !e.empty()) {
    std::fprintf(stderr, "nic_linerate: %s\n", e.c_str());
    return kExitBadInput;
  }
  if (all) for (unsigned s = 64; s <= 1518; ++s) sizes.push_back(s);
  else if (sizes.empty()) sizes = {64, 65, 127, 128, 256, 512, 1024, 1280, 1518, 9018};
  const unsigned lat = unsigned(latency_ns * kClockHz / 1e9 + 0.999);
  std::printf("DMA read latency %.0f ns (%u cycles at 156.25 MHz), AXI 128 bit, IFG 12\n", latency_ns, lat);
  std::printf("%6s %14s %14s %8s\n", "size", "frames/s", "theoretical", "ratio");
  double worst = 2.0;
  bool ok = true;
  std::string rows;  // the table, one line per size, for --csv and --plot
  for (unsigned s : sizes) {
    const unsigned n = frames ? frames : std::max(300u, std::min(4000u, 3000000u / s));
    const Result r = run_size(s, lat, n);
    std::printf("%6u %14.0f %14.0f %8.4f%s\n", s, r.achieved, r.theoretical, r.achieved / r.theoretical,
                r.fcs_ok ? "" : "  FCS/size ERROR");
    worst = std::min(worst, r.achieved / r.theoretical);
    rows += fmt::format("{},{:.0f},{:.0f},{:.4f}\n", s, r.achieved, r.theoretical, r.achieved / r.theoretical);
    ok = ok && r.fcs_ok;
  }
  std::printf("worst ratio %.4f\n", worst);
  std::string err;
  if (!csv.empty()) err = bench::write_file(csv, "size,frames_per_s,theoretical_frames_per_s,ratio\n" + rows);
  if (err.empty() && !plot.empty()) err = bench::plot_svg(plot, plot_script(rows, latency_ns));
  if (!err.empty()) {
    std::fprintf(stderr, "nic_linerate: %s\n", err.c_str());
    return kExitRunFailed;
  }
  return ok ? 0 : 1;
}
