// libxtables: the extension lookup and the parsing helpers.
#include "sim/app/xtables.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

namespace wirepath {

void xt_fail(int line, const std::string &msg) { throw xt_parse_error{line, msg}; }

const std::string &xt_option_call::arg() const {
  if (i + 1 >= tok.size()) xt_fail(line, fmt::format("option \"{}\" requires an argument", tok[i]));
  return tok[++i];
}

const xtables_match *xtables_find_match(const std::string &name) {
  for (const auto &m : xtables_matches())
    if (name == m.name) return &m;
  return nullptr;
}

bool xtables_parse_u32(const std::string &s, uint64_t max, uint32_t *v) {
  if (s.empty()) return false;
  char *end = nullptr;
  const unsigned long long x = std::strtoull(s.c_str(), &end, 0);
  if (*end || x > max || s[0] == '-') return false;
  *v = static_cast<uint32_t>(x);
  return true;
}

bool xtables_parse_ip(const std::string &s, uint32_t *a) {
  uint32_t v = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i || j - i > 3) return false;
    const int octet = std::atoi(s.substr(i, j - i).c_str());
    if (octet > 255) return false;
    v = (v << 8) | static_cast<uint32_t>(octet);
    ++parts;
    if (parts < 4) {
      if (j >= s.size() || s[j] != '.') return false;
      i = j + 1;
    } else if (j != s.size()) {
      return false;
    } else {
      i = j;
    }
  }
  *a = v;
  return true;
}

void xtables_parse_port_range(const std::string &s, int line, uint16_t out[2], char sep) {
  const size_t c = s.find(sep);
  uint32_t lo = 0, hi = 0xffff;
  const std::string a = s.substr(0, c), b = c == std::string::npos ? a : s.substr(c + 1);
  if (!(a.empty() && c != std::string::npos) && !xtables_parse_u32(a, 0xffff, &lo))
    xt_fail(line, fmt::format("invalid port/service \"{}\"", s));
  if (c == std::string::npos) hi = lo;
  else if (!b.empty() && !xtables_parse_u32(b, 0xffff, &hi)) xt_fail(line, fmt::format("invalid port/service \"{}\"", s));
  if (lo > hi) xt_fail(line, fmt::format("invalid port range \"{}\" (start above end)", s));
  out[0] = static_cast<uint16_t>(lo);
  out[1] = static_cast<uint16_t>(hi);
}

void xtables_parse_value_mask(const std::string &s, int line, uint32_t *v, uint32_t *m, uint64_t max) {
  const size_t slash = s.find('/');
  if (!xtables_parse_u32(s.substr(0, slash), max, v)) xt_fail(line, fmt::format("bad value \"{}\"", s));
  if (slash != std::string::npos && !xtables_parse_u32(s.substr(slash + 1), max, m))
    xt_fail(line, fmt::format("bad mask in \"{}\"", s));
}

std::string xtables_ip_str(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

}  // namespace wirepath
