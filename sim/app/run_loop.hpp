// Runs the simulation in slices of simulated time, so that between slices
// wirepath can stop at its time limit or on SIGINT/SIGTERM (the summary is
// still printed, the pcap closed cleanly) and show progress on a terminal.
// Slicing does not change the simulation: the same events run in the same
// order (same pcap and waves).
#pragma once

#include <functional>
#include <string>

#include "sim/ps_time.hpp"

namespace wirepath {

enum class RunEnd { done, time_limit, signal };

struct RunLoopConfig {
  ps_t limit = 0;            // simulated time at most
  ps_t slice = 100'000'000;  // 100 us of simulated time between checks
  bool progress = false;     // print progress() on stderr (a terminal)
  double progress_after_s = 2.0, progress_every_s = 0.5;  // wall clock
  std::function<std::string()> progress_line;
};

// Catch SIGINT and SIGTERM from now on (a signal is remembered for
// run_loop). Call it before telling the user that the run has started, so a
// signal sent on seeing that line cannot find the default action still in
// place (exit 130 without a summary). Idempotent.
void catch_run_signals();
// sc_start until sc_stop() (done), the limit, or a signal. Catches SIGINT and
// SIGTERM (catch_run_signals) until it returns, then restores their actions.
RunEnd run_loop(const RunLoopConfig &cfg);
const char *run_end_name(RunEnd e);

}  // namespace wirepath
