// iproute2's tc/tc_util.c and tc/tc_core.c: units, handles, and the psched
// tick arithmetic user space does (tc_calc_xmittime / tc_calc_xmitsize),
// with the truncations iproute2 6.1 makes, so burst and latency print as
// the real tc prints them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace wirepath::tc {

// A parse error with iproute2's wording (what it writes to stderr).
struct tc_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The words of one command (argc/argv) and the cursor (NEXT_ARG).
struct tc_argv {
  std::vector<std::string> a;
  size_t i = 0;
  bool more() const { return i < a.size(); }
  const std::string &cur() const { return a.at(i); }
  void next_arg();  // NEXT_ARG: "Command line is not complete. Try option "help""
  void advance() { ++i; }
};

// matches(cmd, pattern): cmd is a non-empty prefix of pattern.
bool matches(const std::string &cmd, const char *pattern);

constexpr double TIME_UNITS_PER_SEC = 1000000.0;  // tc's time unit: us

// Units: 0 on success, -1 on a bad value (as iproute2's get_*).
int get_rate64(uint64_t *rate, const std::string &str);  // bytes/s
int get_size(unsigned *size, const std::string &str);
int get_size_and_cell(unsigned *size, int *cell_log, const std::string &str);
int get_time(unsigned *time, const std::string &str);  // us
int get_u32(uint32_t *val, const std::string &str, int base);
int get_u16(uint16_t *val, const std::string &str, int base);
int get_tc_classid(uint32_t *h, const std::string &str);
int get_qdisc_handle(uint32_t *h, const std::string &str);

// Printing.
std::string sprint_tc_classid(uint32_t h);
std::string sprint_size(uint32_t sz);
std::string sprint_rate(uint64_t rate);  // bytes/s in, "3Gbit" out
std::string sprint_time(uint32_t time);  // us

// tc_core: psched ticks (64 ns; 15.625 per us on this kernel's /proc/net/psched).
unsigned tc_core_time2tick(unsigned time);
unsigned tc_core_tick2time(unsigned tick);
unsigned tc_calc_xmittime(uint64_t rate, unsigned size);
unsigned tc_calc_xmitsize(uint64_t rate, unsigned ticks);
// get_hz: /proc/net/psched's clock rate on a high-resolution kernel (1e9).
unsigned get_hz();

}  // namespace wirepath::tc
