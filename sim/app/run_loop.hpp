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

// sc_start until sc_stop() (done), the limit, or a signal. Installs handlers
// for SIGINT and SIGTERM for its duration.
RunEnd run_loop(const RunLoopConfig &cfg);
const char *run_end_name(RunEnd e);

}  // namespace wirepath
