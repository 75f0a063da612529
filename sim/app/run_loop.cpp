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
bool g_caught = false;
struct sigaction g_old_int {}, g_old_term{};

}  // namespace

const char *run_end_name(RunEnd e) {
  switch (e) {
    case RunEnd::done: return "done";
    case RunEnd::time_limit: return "time limit";
    case RunEnd::signal: return "signal";
  }
  return "?";
}

void catch_run_signals() {
  if (g_caught) return;
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
  g_caught = true;
}

RunEnd run_loop(const RunLoopConfig &cfg) {
  catch_run_signals();
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
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_caught = false;
  return end;
}

}  // namespace wirepath
