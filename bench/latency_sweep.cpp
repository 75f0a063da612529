// Doorbell-to-wire latency against frame size, unloaded: one UDP datagram at a
// time through the whole system (stack, driver, PCIe model, Verilated NIC),
// far enough apart that nothing queues. Prints each stage's median per size.
// Run by hand: build/bench/latency_sweep [--gap-us N] [--per-size N] (--help)
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

int sc_main(int argc, char **argv) {
  unsigned gap_us = 20, per_size = 20;
  CLI::App cli{"latency_sweep: doorbell-to-wire latency against frame size, unloaded, through the whole system;\n"
               "prints each stage's median per size."};
  cli.add_option("--gap-us", gap_us, "simulated time between datagrams, us")
      ->default_val(gap_us)->check(CLI::Range(1u, 1'000'000u));
  cli.add_option("--per-size", per_size, "datagrams per frame size")->default_val(per_size)->check(CLI::Range(1u, 100'000u));
  if (const int rc = parse_or_exit(cli, argc, argv); rc >= 0) return rc;
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // Frame sizes on the wire (DA..FCS) and the UDP payloads that give them.
  const std::vector<uint32_t> frames = {64, 128, 256, 512, 1024, 1280, 1518};
  SystemConfig cfg;
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
  for (const FrameLatency &f : sys.latency().done()) by_size[f.frame_len + 4].push_back(&f);
  auto median = [](std::vector<ps_t> v) { return LatencyTracker::summarize(std::move(v)).median / 1000.0; };
  fmt::print("doorbell -> first byte on XGMII, unloaded ({} frames per size, {} us apart), median ns\n", per_size,
             gap_us);
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
  }
  const bool ok = sys.latency().done().size() == frames.size() * per_size && sys.wire().fcs_errors == 0;
  if (!ok) fmt::print(stderr, "latency_sweep: {} of {} frames measured\n", sys.latency().done().size(),
                      frames.size() * per_size);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
