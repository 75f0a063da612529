#include "sim/app/run_loop.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>

#include <systemc>

#include "sim/sc_time_util.hpp"

namespace wirepath {
namespace {

volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_signal(int sig) { g_signal = sig; }

}  // namespace

const char *run_end_name(RunEnd e) {
  switch (e) {
    case RunEnd::done: return "done";
    case RunEnd::time_limit: return "time limit";
    case RunEnd::signal: return "signal";
  }
  return "?";
}

RunEnd run_loop(const RunLoopConfig &cfg) {
  g_signal = 0;
  struct sigaction sa {}, old_int{}, old_term{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  auto next_progress = t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(cfg.progress_after_s));
  bool shown = false;
  RunEnd end = RunEnd::done;
  for (;;) {
    if (sc_core::sc_get_status() == sc_core::SC_STOPPED || sc_core::sc_end_of_simulation_invoked()) break;
    const ps_t now = now_ps();
    if (now >= cfg.limit) {
      end = RunEnd::time_limit;
      break;
    }
    if (g_signal) {
      end = RunEnd::signal;
      break;
    }
    sc_core::sc_start(ps_time(std::min(cfg.slice, cfg.limit - now)));
    if (cfg.progress && cfg.progress_line && clock::now() >= next_progress) {
      std::fprintf(stderr, "\r\033[K%s", cfg.progress_line().c_str());
      std::fflush(stderr);
      shown = true;
      next_progress = clock::now() + std::chrono::duration_cast<clock::duration>(
                                         std::chrono::duration<double>(cfg.progress_every_s));
    }
  }
  if (shown) std::fprintf(stderr, "\r\033[K");
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return end;
}

}  // namespace wirepath
