// cosim_speed: how many NIC clock cycles per CPU-second the simulation runs,
// in one run: (1) the Verilated NIC alone in a bare C++ loop (back-to-back
// frames of mixed sizes with a fixed DMA read latency, as nic_linerate), and
// (2) the full co-simulation (stack, driver, PCIe model, NIC, wire, link
// partner) of a TCP bulk transfer, `wirepath --tcp BYTES`. CPU time is the
// process's (CLOCK_PROCESS_CPUTIME_ID), so a loaded machine changes the
// figure less than wall time would; cycles are the NIC cycles actually
// clocked (idle-skipped cycles are not counted).
// Verilator's headers first: after <systemc> they would take SystemC's clock.
#include <verilated.h>

#include "Vnic_top.h"
#include "nic_bench.hpp"

#include <time.h>

#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include "sim/app/scenario.hpp"
#include "sim/system.hpp"

using namespace wirepath;
using namespace wirepath::rtltest;
using NicBench = NicBenchT<Vnic_top, 16>;
using TxRing = TxRingT<NicBench>;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Figure {
  uint64_t cycles = 0, frames = 0;
  double cpu = 0;
  double rate() const { return cpu > 0 ? double(cycles) / cpu : 0; }
};

// Frames of 64..1518 bytes, posted as the ring allows, until `cycles` have run.
Figure bare_loop(uint64_t cycles) {
  NicBench b(157);  // 1 us DMA read latency at 156.25 MHz
  TxRing r(b, 4096, E1000_TCTL_EN | E1000_TCTL_PSP);
  const unsigned sizes[] = {64, 128, 256, 512, 1024, 1518, 590, 1518};
  std::vector<uint64_t> bufs;
  for (unsigned s : sizes) {
    std::vector<uint8_t> data(s - 4);
    for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7 + s);
    bufs.push_back(r.buffer(data));
  }
  const double t0 = cpu_seconds();
  unsigned k = 0;
  while (b.cycle < cycles) {
    unsigned free = r.free_slots(), n = 0;
    while (free > 0 && n < 64) {
      const unsigned s = sizes[k % 8];
      r.post(bufs[k % 8], uint16_t(s - 4), E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
      ++k, --free, ++n;
    }
    if (n) r.kick();
    b.run(64);
    if (b.frames.size() > 100000) b.frames.clear();
  }
  Figure f;
  f.cpu = cpu_seconds() - t0;
  f.cycles = b.cycle;
  f.frames = k;
  return f;
}

Figure cosim(uint64_t bytes) {
  SystemConfig cfg;
  System sys("sys", cfg);
  TcpScenarioConfig tc;
  tc.bytes = bytes;
  TcpScenarioResult r;
  sys.app = [&](System &s) { r = run_tcp_scenario(s, tc); };
  const double t0 = cpu_seconds();
  sys.run(10'000'000'000'000ull);
  Figure f;
  f.cpu = cpu_seconds() - t0;
  const NicStats &n = sys.nic().stats();
  f.cycles = n.cycles - n.skipped_cycles;
  f.frames = sys.wire().frames;
  if (!sys.app_done() || !tcp_stream_intact(sys, r)) throw std::runtime_error("the TCP transfer did not complete intact");
  return f;
}

}  // namespace

int sc_main(int argc, char **argv) {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  CLI::App cli{"cosim_speed: NIC cycles per CPU-second, the bare Verilated NIC and the full co-simulation"};
  uint64_t bare_cycles = 2'000'000, tcp_bytes = 10'000'000;
  cli.add_option("--bare-cycles", bare_cycles, "cycles of the bare NIC loop")
      ->default_val(bare_cycles)
      ->check(CLI::Range(uint64_t{1000}, uint64_t{1} << 40));
  cli.add_option("--tcp", tcp_bytes, "bytes of the co-simulated TCP transfer")
      ->default_val(tcp_bytes)
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  CLI11_PARSE(cli, argc, argv);
  try {
    const Figure b = bare_loop(bare_cycles);
    const Figure c = cosim(tcp_bytes);
    fmt::print("{:<44} {:>12} {:>9} {:>16}\n", "run", "NIC cycles", "CPU s", "cycles/CPU-s");
    fmt::print("{:<44} {:>12} {:>9.3f} {:>16.0f}\n", fmt::format("bare NIC loop ({} frames)", b.frames), b.cycles,
               b.cpu, b.rate());
    fmt::print("{:<44} {:>12} {:>9.3f} {:>16.0f}\n",
               fmt::format("co-simulation, --tcp {} ({} frames)", tcp_bytes, c.frames), c.cycles, c.cpu, c.rate());
  } catch (const std::exception &e) {
    fmt::print(stderr, "cosim_speed: error: {}\n", e.what());
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
