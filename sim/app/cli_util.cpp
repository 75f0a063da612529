#include "sim/app/cli_util.hpp"

#include <cmath>

#include <fmt/format.h>

namespace wirepath {

CLI::Validator finite_range(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string &s) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(s, v)) return fmt::format("'{}' is not a number", s);
        if (!std::isfinite(v)) return fmt::format("'{}' is not a finite number", s);
        if (v < lo || v > hi) return fmt::format("{} is outside {}..{}", s, lo, hi);
        return "";
      },
      fmt::format("FLOAT in [{} - {}]", lo, hi));
}

CLI::Validator byte_count(uint64_t lo, uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string &s) -> std::string {
        uint64_t n = 0;
        if (s.empty() || s[0] == '-' || s[0] == '+' || !CLI::detail::lexical_cast(s, n)) {
          // Not plain digits: a number in floating notation that is whole.
          double v = 0;
          if (!CLI::detail::lexical_cast(s, v) || !std::isfinite(v))
            return fmt::format("'{}' is not a number", s);
          if (v < static_cast<double>(lo) || v > static_cast<double>(hi) || v != std::floor(v))
            return fmt::format("{} is not a whole number in {}..{}", s, lo, hi);
          n = static_cast<uint64_t>(v);
        }
        if (n < lo || n > hi) return fmt::format("{} is outside {}..{}", s, lo, hi);
        s = std::to_string(n);
        return "";
      },
      fmt::format("INT in [{} - {}]", lo, hi));
}

int parse_or_exit(CLI::App &cli, int argc, char **argv) {
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    const int rc = cli.exit(e);  // prints help, version or the error
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  return -1;
}

}  // namespace wirepath
