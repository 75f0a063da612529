// --cpu-costs FILE: a user's own figures, as JSON (bench/host_calibrate
// writes this format):
//   { "source": "my laptop, Linux 6.8",
//     "costs": { "udp_sendmsg": { "per_call_ns": 420, "per_byte_ns": 0 }, ... } }
// Functions named override the measured defaults; the others keep them. A
// name that no function charges is an error (a typo would silently cost 0).
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "stack/kernel/cpu_cost.hpp"

namespace wirepath {

cpu_cost_table cpu_cost_table::parse(const std::string &text, const std::string &origin) {
  auto fail = [&](const std::string &what) { return std::invalid_argument(fmt::format("{}: {}", origin, what)); };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error &e) {
    throw fail(fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) throw fail("the top level must be an object with \"costs\"");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "source" && it.key() != "costs" && it.key() != "measured")
      throw fail(fmt::format("unknown key \"{}\" (expected source, costs, measured)", it.key()));
  if (!j.contains("costs") || !j["costs"].is_object()) throw fail("\"costs\" (an object of functions) is missing");
  cpu_cost_table t = measured_defaults();
  const auto known = t.entries();
  t.source = j.contains("source") && j["source"].is_string() ? j["source"].get<std::string>() : origin;
  for (auto it = j["costs"].begin(); it != j["costs"].end(); ++it) {
    const std::string &fn = it.key();
    if (!known.count(fn)) {
      std::string names;
      for (const auto &[k, v] : known) names += (names.empty() ? "" : ", ") + k;
      throw fail(fmt::format("\"{}\" is not a function that charges CPU time (known: {})", fn, names));
    }
    const nlohmann::json &e = it.value();
    if (!e.is_object()) throw fail(fmt::format("\"{}\": expected {{\"per_call_ns\": N, \"per_byte_ns\": N}}", fn));
    cpu_cost c = known.at(fn);
    bool any = false;
    for (auto f = e.begin(); f != e.end(); ++f) {
      double *dst = f.key() == "per_call_ns" ? &c.per_call_ns : f.key() == "per_byte_ns" ? &c.per_byte_ns : nullptr;
      if (!dst) throw fail(fmt::format("\"{}\": unknown field \"{}\" (per_call_ns, per_byte_ns)", fn, f.key()));
      if (!f.value().is_number()) throw fail(fmt::format("\"{}\".{}: not a number", fn, f.key()));
      const double v = f.value().get<double>();
      if (!(v >= 0) || v > 1e9) throw fail(fmt::format("\"{}\".{} = {}: must be 0..1e9 ns", fn, f.key(), v));
      *dst = v;
      any = true;
    }
    if (!any) throw fail(fmt::format("\"{}\": neither per_call_ns nor per_byte_ns given", fn));
    t.set(fn, c);
  }
  return t;
}

cpu_cost_table cpu_cost_table::load(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("{}: cannot open", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

}  // namespace wirepath
