// Several applications at once through the whole system (stack -> driver ->
// PCIe -> Verilated NIC -> wire -> link partner), and the --json summary
// against its documentation (docs/json.md).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "sim/app/flows.hpp"
#include "sim/app/summary_json.hpp"
#include "sim/sc_time_util.hpp"

using namespace wirepath;
using nlohmann::json;

namespace {

// A bulk TCP flow, a sparse UDP flow with SO_PRIORITY and a request/response flow.
std::vector<FlowSpec> three_flows() {
  return {parse_flow_spec("tcp,bytes=200k"), parse_flow_spec("udp,size=64,every-us=10,count=40,prio=6"),
          parse_flow_spec("rr,size=32,count=5")};
}

uint16_t be16(const uint8_t *p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

}  // namespace

// Every flow's bytes reach the wire and the partner; per-flow frame counts are
// exact (counted here from the wire frames' source ports, independently of FlowSet).
TEST(Flows, ThreeFlowsRunAtOnceAndEveryByteIsOnTheWire) {
  SystemConfig cfg;
  cfg.keep_frames = true;
  System sys("sys", cfg);
  FlowSet flows(sys, three_flows(), 1000 * kNs);
  sys.run(1'000'000'000'000ull);
  ASSERT_TRUE(sys.app_done());
  ASSERT_TRUE(sys.drained());
  const auto &r = flows.results();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(flows.ok());
  // tcp: exactly the bytes written, once each, and the partner has them intact
  EXPECT_EQ(r[0].bytes, 200000u);
  EXPECT_EQ(r[0].wire_payload, 200000u);
  EXPECT_EQ(r[0].delivered, 200000u);
  EXPECT_TRUE(r[0].intact);
  EXPECT_EQ(r[0].retrans, 0u);
  // udp: 40 datagrams, 40 frames, each with a latency sample
  EXPECT_EQ(r[1].sends, 40u);
  EXPECT_EQ(r[1].wire_frames, 40u);
  EXPECT_EQ(r[1].wire_payload, 40u * 64);
  EXPECT_EQ(r[1].latency.size(), 40u);
  // rr: 5 requests, 5 replies from the echo service, rtt > the partner's 20 us
  EXPECT_EQ(r[2].sends, 5u);
  EXPECT_EQ(r[2].replies, 5u);
  EXPECT_EQ(sys.partner().stats().udp_echoed, 5u);
  ASSERT_EQ(r[2].rtt.size(), 5u);
  for (ps_t t : r[2].rtt) EXPECT_GT(t, 20'000 * kNs);
  // The wire, counted by source port and protocol.
  std::map<uint16_t, uint64_t> by_port;
  uint64_t tcp_payload = 0;
  for (const WireFrame &f : sys.frames()) {
    ASSERT_EQ(be16(&f.bytes[12]), 0x0800);
    const uint8_t *ip = &f.bytes[14];
    const size_t ihl = (ip[0] & 15) * 4u;
    by_port[be16(ip + ihl)]++;
    if (ip[9] == 6) tcp_payload += be16(ip + 2) - ihl - (ip[ihl + 12] >> 4) * 4u;
  }
  EXPECT_EQ(by_port.size(), 3u);
  EXPECT_EQ(by_port[40001], r[0].wire_frames);
  EXPECT_EQ(by_port[40002], 40u);
  EXPECT_EQ(by_port[40003], 5u);
  EXPECT_EQ(tcp_payload, 200000u);
  EXPECT_EQ(r[0].wire_frames + r[1].wire_frames + r[2].wire_frames, sys.wire().frames);
  // Latency is positive and at least the 1 us send() cost plus the unloaded doorbell-to-wire time.
  for (const FlowResult &f : r)
    for (ps_t t : f.latency) EXPECT_GT(t, 2'000 * kNs);
  // --latency-csv: one row per frame on the wire, each naming its flow.
  std::ostringstream csv;
  sys.latency().write_csv(csv);
  std::istringstream in(csv.str());
  std::string line;
  std::getline(in, line);
  std::map<int, uint64_t> rows;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    n++;
    rows[std::stoi(line.substr(line.find(',') + 1))]++;
  }
  EXPECT_EQ(n, sys.wire().frames);
  for (const FlowResult &f : r) EXPECT_EQ(rows[f.id], f.wire_frames);
  EXPECT_EQ(sys.latency().unmatched(), 0u);
}

// The sparse flow sets SO_PRIORITY; a tos= sets IP_TOS, seen in the IP header on the wire.
TEST(Flows, TosAndPriorityReachTheSocket) {
  SystemConfig cfg;
  cfg.keep_frames = true;
  System sys("sys", cfg);
  FlowSet flows(sys, {parse_flow_spec("udp,size=100,every-us=5,count=3,tos=0xb8")}, 1000 * kNs);
  sys.run(1'000'000'000'000ull);
  ASSERT_TRUE(flows.ok());
  ASSERT_EQ(sys.frames().size(), 3u);
  for (const WireFrame &f : sys.frames()) EXPECT_EQ(f.bytes[15], 0xb8);
}

TEST(FlowSpec, ParsesUnitsAndRefusesBadKeys) {
  const FlowSpec t = parse_flow_spec("tcp,bytes=10M,write=64Ki,nodelay");
  EXPECT_EQ(t.bytes, 10'000'000u);
  EXPECT_EQ(t.write_size, 65536u);
  EXPECT_TRUE(t.nodelay);
  const FlowSpec u = parse_flow_spec("udp,size=64,every-us=50,prio=6,tos=0x10,port=7000");
  EXPECT_EQ(u.every_ns, 50'000u);
  EXPECT_EQ(u.prio, 6);
  EXPECT_EQ(u.tos, 0x10);
  EXPECT_EQ(u.port, 7000);
  EXPECT_EQ(to_string(parse_flow_spec(to_string(u))), to_string(u));
  for (const char *bad : {"sctp", "tcp,size=5", "udp,bytes=1", "udp,size=4", "udp,size=2000", "tcp,bytes=",
                          "tcp,bytes=1X", "udp,every-us=0", "udp,tos=256", "tcp,color=red", "udp,port=0", "tcp,bytes=-1"})
    EXPECT_THROW(parse_flow_spec(bad), std::invalid_argument) << bad;
}

namespace {

// The documented fields: `path` | type rows of docs/json.md, and the summary object's fields.
struct Doc {
  std::map<std::string, std::string> fields;  // path -> type
  std::set<std::string> summary;
};

Doc read_doc() {
  std::ifstream in(WIREPATH_SOURCE_DIR "/docs/json.md");
  Doc d;
  std::string line;
  const std::regex row(R"(^\| `([^`]+)` \| (\w+) \|)");
  bool in_summary = false;
  while (std::getline(in, line)) {
    if (line.rfind("| summary field", 0) == 0) in_summary = true;
    if (line.rfind("## ", 0) == 0) in_summary = false;
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    if (in_summary) d.summary.insert(m[1]);
    else d.fields[m[1]] = m[2];
  }
  return d;
}

bool type_ok(const json &v, const std::string &type) {
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "map") return v.is_object();
  if (type == "summary") return v.is_object();
  return false;
}

// Every leaf (or documented summary/map) path of j, checked against the doc.
void walk(const json &j, const std::string &path, const Doc &doc, std::set<std::string> &seen) {
  const auto it = doc.fields.find(path);
  if (it != doc.fields.end()) {
    seen.insert(path);
    EXPECT_TRUE(type_ok(j, it->second)) << path << " is not " << it->second << ": " << j.dump();
    if (it->second == "summary") {
      std::set<std::string> keys;
      for (const auto &[k, v] : j.items()) {
        keys.insert(k);
        EXPECT_TRUE(v.is_number()) << path << "." << k;
      }
      EXPECT_EQ(keys, doc.summary) << path;
    }
    if (it->second == "map")
      for (const auto &[k, v] : j.items()) EXPECT_TRUE(v.is_number_integer()) << path << "." << k;
    return;
  }
  if (j.is_object()) {
    for (const auto &[k, v] : j.items()) walk(v, path.empty() ? k : path + "." + k, doc, seen);
  } else if (j.is_array()) {
    for (const json &e : j) walk(e, path + "[]", doc, seen);
  } else {
    ADD_FAILURE() << "field " << path << " is not documented in docs/json.md";
  }
}

// The documented fields of the given sections (top-level prefixes).
std::set<std::string> documented(const Doc &doc, const std::set<std::string> &mode_prefixes) {
  std::set<std::string> out;
  for (const auto &[path, type] : doc.fields) {
    const std::string top = path.substr(0, path.find_first_of(".["));
    const bool mode_part = top == "udp" || top == "tcp" || top == "flows";
    if (!mode_part || mode_prefixes.count(top)) out.insert(path);
  }
  return out;
}

}  // namespace

// --json of a --flow run has exactly the documented fields, with their types.
TEST(SummaryJson, FlowsRunHasExactlyTheDocumentedFields) {
  const Doc doc = read_doc();
  ASSERT_GT(doc.fields.size(), 50u);
  ASSERT_EQ(doc.summary.size(), 7u);
  SystemConfig cfg;
  System sys("sys", cfg);
  FlowSet flows(sys, three_flows(), 1000 * kNs);
  sys.run(1'000'000'000'000ull);
  ASSERT_TRUE(flows.ok());
  json j = summary_json(sys, "flows", now_ps());
  add_flows_json(j, flows);
  // Through text and back, as another program reads it.
  j = json::parse(j.dump());
  std::set<std::string> seen;
  walk(j, "", doc, seen);
  EXPECT_EQ(seen, documented(doc, {"flows"}));
  EXPECT_EQ(j["mode"], "flows");
  EXPECT_EQ(j["wire"]["frames"], sys.wire().frames);
  EXPECT_EQ(j["flows"][1]["wire_frames"], 40);
  EXPECT_EQ(j["flows"][1]["latency"]["count"], 40);
  EXPECT_EQ(j["flows"][2]["replies"], 5);
}

// The default UDP run's --json: the common fields and udp.*, values as in the summary.
TEST(SummaryJson, UdpRunHasExactlyTheDocumentedFields) {
  const Doc doc = read_doc();
  SystemConfig cfg;
  System sys("sys", cfg);
  UdpScenarioConfig sc;
  sc.datagrams = 30;
  UdpScenarioResult res;
  sys.app = [&](System &s) { res = run_udp_scenario(s, sc); };
  sys.run(1'000'000'000'000ull);
  json j = json::parse(
      [&] {
        json o = summary_json(sys, "udp", res.finished);
        add_udp_json(o, res);
        return o;
      }()
          .dump());
  std::set<std::string> seen;
  walk(j, "", doc, seen);
  EXPECT_EQ(seen, documented(doc, {"udp"}));
  EXPECT_EQ(j["udp"]["sent"], 30);
  EXPECT_EQ(j["latency"]["stages"]["total"]["count"], 30);
  EXPECT_EQ(j["drops"]["total"], 0);
  const LatencySummary t = sys.latency().total();
  EXPECT_DOUBLE_EQ(j["latency"]["stages"]["total"]["p99_ns"].get<double>(), t.p99 / 1000.0);
}

// The TCP run's --json: the common fields and tcp.*.
TEST(SummaryJson, TcpRunHasExactlyTheDocumentedFields) {
  const Doc doc = read_doc();
  SystemConfig cfg;
  System sys("sys", cfg);
  TcpScenarioConfig tc;
  tc.bytes = 50000;
  TcpScenarioResult res;
  sys.app = [&](System &s) { res = run_tcp_scenario(s, tc); };
  sys.run(1'000'000'000'000ull);
  json o = summary_json(sys, "tcp", res.done);
  add_tcp_json(o, sys, res);
  const json j = json::parse(o.dump());
  std::set<std::string> seen;
  walk(j, "", doc, seen);
  EXPECT_EQ(seen, documented(doc, {"tcp"}));
  EXPECT_EQ(j["tcp"]["received"], 50000);
  EXPECT_EQ(j["tcp"]["intact"], true);
}
