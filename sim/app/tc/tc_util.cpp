// Units, handles and tick arithmetic as iproute2 6.1 (tc/tc_util.c, tc/tc_core.c).
#include "sim/app/tc/tc_util.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <strings.h>

#include <fmt/format.h>

namespace wirepath::tc {

void tc_argv::next_arg() {
  ++i;
  if (i >= a.size()) throw tc_error("Command line is not complete. Try option \"help\"");
}

bool matches(const std::string &cmd, const char *pattern) {
  const size_t len = cmd.size();
  if (len == 0 || len > std::strlen(pattern)) return false;
  return std::strncmp(pattern, cmd.c_str(), len) == 0;
}

namespace {
struct rate_suffix {
  const char *name;
  double scale;
};
constexpr rate_suffix suffixes[] = {
    {"bit", 1.},
    {"Kibit", 1024.},
    {"kbit", 1000.},
    {"mibit", 1024. * 1024.},
    {"mbit", 1000000.},
    {"gibit", 1024. * 1024. * 1024.},
    {"gbit", 1000000000.},
    {"tibit", 1024. * 1024. * 1024. * 1024.},
    {"tbit", 1000000000000.},
    {"Bps", 8.},
    {"KiBps", 8. * 1024.},
    {"KBps", 8000.},
    {"MiBps", 8. * 1024 * 1024},
    {"MBps", 8000000.},
    {"GiBps", 8. * 1024. * 1024. * 1024.},
    {"GBps", 8000000000.},
    {"TiBps", 8. * 1024. * 1024. * 1024. * 1024.},
    {"TBps", 8000000000000.},
};
}  // namespace

int get_rate64(uint64_t *rate, const std::string &str) {
  const char *s = str.c_str();
  char *p;
  double bps = std::strtod(s, &p);
  if (p == s) return -1;
  for (const auto &suf : suffixes) {
    if (strcasecmp(suf.name, p) == 0) {
      bps *= suf.scale;
      p += std::strlen(p);
      break;
    }
  }
  if (*p) return -1;  // unknown suffix
  bps /= 8;           // -> bytes per second
  if (bps < 0) return -1;
  *rate = static_cast<uint64_t>(bps);
  return 0;
}

int get_size(unsigned *size, const std::string &str) {
  const char *s = str.c_str();
  char *p;
  double sz = std::strtod(s, &p);
  if (p == s) return -1;
  if (*p) {
    if (strcasecmp(p, "kb") == 0 || strcasecmp(p, "k") == 0)
      sz *= 1024;
    else if (strcasecmp(p, "gb") == 0 || strcasecmp(p, "g") == 0)
      sz *= 1024 * 1024 * 1024;
    else if (strcasecmp(p, "gbit") == 0)
      sz *= 1024 * 1024 * 1024 / 8;
    else if (strcasecmp(p, "mb") == 0 || strcasecmp(p, "m") == 0)
      sz *= 1024 * 1024;
    else if (strcasecmp(p, "mbit") == 0)
      sz *= 1024 * 1024 / 8;
    else if (strcasecmp(p, "kbit") == 0)
      sz *= 1024 / 8;
    else if (strcasecmp(p, "b") != 0)
      return -1;
  }
  if (sz < 0 || sz > 4294967295.0) return -1;
  *size = static_cast<unsigned>(sz);
  if (*size != std::floor(sz)) return -1;  // an overflow happened
  return 0;
}

int get_size_and_cell(unsigned *size, int *cell_log, const std::string &str) {
  const size_t slash = str.find('/');
  if (get_size(size, str.substr(0, slash))) return -1;
  if (slash != std::string::npos) {
    uint32_t cell;
    if (get_u32(&cell, str.substr(slash + 1), 0)) return -1;
    for (int i = 0; i < 32; i++) {
      if ((1u << i) == cell) {
        *cell_log = i;
        return 0;
      }
    }
    return -1;
  }
  return 0;
}

int get_time(unsigned *time, const std::string &str) {
  const char *s = str.c_str();
  char *p;
  double t = std::strtod(s, &p);
  if (p == s) return -1;
  if (*p) {
    if (strcasecmp(p, "s") == 0 || strcasecmp(p, "sec") == 0 || strcasecmp(p, "secs") == 0)
      t *= TIME_UNITS_PER_SEC;
    else if (strcasecmp(p, "ms") == 0 || strcasecmp(p, "msec") == 0 || strcasecmp(p, "msecs") == 0)
      t *= TIME_UNITS_PER_SEC / 1000;
    else if (strcasecmp(p, "us") == 0 || strcasecmp(p, "usec") == 0 || strcasecmp(p, "usecs") == 0)
      t *= TIME_UNITS_PER_SEC / 1000000;
    else
      return -1;
  }
  if (t < 0 || t > 4294967295.0) return -1;
  *time = static_cast<unsigned>(t);
  return 0;
}

int get_u32(uint32_t *val, const std::string &str, int base) {
  if (str.empty() || str[0] == '-') return -1;
  char *p;
  errno = 0;
  const unsigned long long v = std::strtoull(str.c_str(), &p, base);
  if (*p || errno || v > 0xFFFFFFFFull) return -1;
  *val = static_cast<uint32_t>(v);
  return 0;
}

int get_u16(uint16_t *val, const std::string &str, int base) {
  uint32_t v;
  if (get_u32(&v, str, base) || v > 0xFFFF) return -1;
  *val = static_cast<uint16_t>(v);
  return 0;
}

int get_tc_classid(uint32_t *h, const std::string &s) {
  if (s == "root") {
    *h = 0xFFFFFFFFu;
    return 0;
  }
  if (s == "none") {
    *h = 0;
    return 0;
  }
  const char *str = s.c_str();
  char *p;
  unsigned long maj = std::strtoul(str, &p, 16);
  if (p == str) {
    maj = 0;
    if (*p != ':') return -1;
  }
  if (*p == ':') {
    if (maj >= (1u << 16)) return -1;
    maj <<= 16;
    const char *mstr = p + 1;
    const unsigned long min = std::strtoul(mstr, &p, 16);
    if (*p != 0) return -1;
    if (min >= (1u << 16)) return -1;
    maj |= min;
  } else if (*p != 0) {
    return -1;
  }
  *h = static_cast<uint32_t>(maj);
  return 0;
}

int get_qdisc_handle(uint32_t *h, const std::string &s) {
  if (s == "none") {
    *h = 0;
    return 0;
  }
  const char *str = s.c_str();
  char *p;
  unsigned long maj = std::strtoul(str, &p, 16);
  if (p == str || maj >= (1u << 16)) return -1;
  maj <<= 16;
  if (*p != ':' && *p != 0) return -1;
  *h = static_cast<uint32_t>(maj);
  return 0;
}

std::string sprint_tc_classid(uint32_t h) {
  if (h == 0xFFFFFFFFu) return "root";
  if (h == 0) return "none";
  if ((h & 0xFFFF0000u) == 0) return fmt::format(":{:x}", h & 0xFFFF);
  if ((h & 0xFFFF) == 0) return fmt::format("{:x}:", h >> 16);
  return fmt::format("{:x}:{:x}", h >> 16, h & 0xFFFF);
}

std::string sprint_size(uint32_t sz) {
  const double tmp = sz;
  if (sz >= 1024 * 1024 && std::fabs(1024 * 1024 * std::rint(tmp / (1024 * 1024)) - sz) < 1024)
    return fmt::format("{}Mb", fmt::format("{:g}", std::rint(tmp / (1024 * 1024))));
  if (sz >= 1024 && std::fabs(1024 * std::rint(tmp / 1024) - sz) < 16)
    return fmt::format("{}Kb", fmt::format("{:g}", std::rint(tmp / 1024)));
  return fmt::format("{}b", sz);
}

std::string sprint_rate(uint64_t rate) {
  static const char *units[5] = {"", "K", "M", "G", "T"};
  const uint64_t kilo = 1000;
  rate <<= 3;  // bytes/sec -> bits/sec
  int i;
  for (i = 0; i < 4; i++) {
    if (rate < kilo) break;
    if (((rate % kilo) != 0) && rate < 1000 * kilo) break;
    rate /= kilo;
  }
  return fmt::format("{:.0f}{}bit", static_cast<double>(rate), units[i]);
}

std::string sprint_time(uint32_t time) {
  char buf[64];
  const double tmp = time;
  if (tmp >= TIME_UNITS_PER_SEC)
    std::snprintf(buf, sizeof buf, "%.3gs", tmp / TIME_UNITS_PER_SEC);
  else if (tmp >= TIME_UNITS_PER_SEC / 1000)
    std::snprintf(buf, sizeof buf, "%.3gms", tmp / (TIME_UNITS_PER_SEC / 1000));
  else
    std::snprintf(buf, sizeof buf, "%uus", time);
  return buf;
}

// /proc/net/psched on this kernel: 000003e8 00000040 000f4240 3b9aca00
// (t2us 1000, us2t 64, clock_res 1000000): tick_in_usec = 1000 / 64.
static constexpr double tick_in_usec = 1000.0 / 64.0;

unsigned tc_core_time2tick(unsigned time) { return static_cast<unsigned>(time * tick_in_usec); }
unsigned tc_core_tick2time(unsigned tick) { return static_cast<unsigned>(tick / tick_in_usec); }
unsigned tc_calc_xmittime(uint64_t rate, unsigned size) {
  return tc_core_time2tick(static_cast<unsigned>(TIME_UNITS_PER_SEC * (static_cast<double>(size) / static_cast<double>(rate))));
}
unsigned tc_calc_xmitsize(uint64_t rate, unsigned ticks) {
  return static_cast<unsigned>((static_cast<double>(rate) * tc_core_tick2time(ticks)) / TIME_UNITS_PER_SEC);
}
unsigned get_hz() { return 1000000000u; }

}  // namespace wirepath::tc
