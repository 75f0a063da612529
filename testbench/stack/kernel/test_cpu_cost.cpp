// The CPU cost model of software (stack/kernel/cpu_cost.hpp): charging,
// slices, and cost files (--cpu-costs) with their errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "stack/kernel/cpu_cost.hpp"

using namespace wirepath;

namespace {

// A clock with one thread at a fixed simulated time, recording slices.
struct FakeHost : cpu_trace_sink {
  cpu_clock clock;
  cpu_thread app{"app", 1};
  uint64_t now = 1'000'000;
  struct Ev {
    bool enter;
    std::string fn;
    uint64_t ts;
  };
  std::vector<Ev> evs;
  FakeHost(cpu_cost_table t) {
    clock.costs = std::move(t);
    clock.current = [this] { return &app; };
    clock.now_ps = [this] { return now; };
    clock.trace = this;
    cpu_clock::active = &clock;
  }
  ~FakeHost() override { cpu_clock::active = nullptr; }
  void kfunc_enter(const cpu_thread &, int fn, uint64_t ts) override { evs.push_back({true, cpu_fn_name(fn), ts}); }
  void kfunc_exit(const cpu_thread &, int fn, uint64_t ts) override { evs.push_back({false, cpu_fn_name(fn), ts}); }
  void pkt_event(const cpu_thread &, uint64_t, cpu_pkt_event, uint64_t) override {}
};

cpu_cost_table two_costs() {
  cpu_cost_table t;
  t.set("outer_fn", {100, 0});
  t.set("inner_fn", {20, 0.5});
  return t;
}

void outer(size_t bytes) {
  KFUNC_SCOPE("outer_fn");
  KFUNC_SCOPE_BYTES("inner_fn", bytes);
}

std::string write_tmp(const std::string &text) {
  char name[] = "/tmp/cpu_cost_XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  std::ofstream(name) << text;
  ::close(fd);
  return name;
}

void expect_error(const std::string &text, const std::string &needle) {
  try {
    cpu_cost_table::parse(text, "costs.json");
    FAIL() << "accepted: " << text;
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("costs.json: ", 0), 0u) << e.what();
  }
}

}  // namespace

TEST(CpuCost, NothingIsChargedWithoutAnActiveClock) {
  ASSERT_EQ(cpu_clock::active, nullptr);
  outer(100);  // must not crash or record
  SUCCEED();
}

TEST(CpuCost, NestedScopesChargePerCallAndPerByteAndRecordNestedSlices) {
  FakeHost h(two_costs());
  outer(1000);
  // outer: 100 ns; inner: 20 ns + 0.5 ns/B * 1000 B = 520 ns.
  EXPECT_EQ(h.app.busy_ps, 620'000u);
  EXPECT_EQ(h.app.ahead_ps, 620'000u);
  ASSERT_EQ(h.evs.size(), 4u);
  EXPECT_TRUE(h.evs[0].enter && h.evs[0].fn == "outer_fn" && h.evs[0].ts == 1'000'000);
  EXPECT_TRUE(h.evs[1].enter && h.evs[1].fn == "inner_fn" && h.evs[1].ts == 1'100'000);
  EXPECT_TRUE(!h.evs[2].enter && h.evs[2].fn == "inner_fn" && h.evs[2].ts == 1'620'000);
  EXPECT_TRUE(!h.evs[3].enter && h.evs[3].fn == "outer_fn" && h.evs[3].ts == 1'620'000);
  EXPECT_EQ(h.app.depth, 0);
}

TEST(CpuCost, ChargesAfterTheHostWaitedContinueFromTheNewTime) {
  FakeHost h(two_costs());
  outer(0);
  // The host waits out what was charged: simulated time moves, ahead is 0.
  h.now += h.app.ahead_ps;
  h.app.ahead_ps = 0;
  h.evs.clear();
  outer(0);
  EXPECT_EQ(h.evs[0].ts, 1'120'000u);
  EXPECT_EQ(h.evs[3].ts, 1'240'000u);
  EXPECT_EQ(h.app.busy_ps, 240'000u);
}

TEST(CpuCost, PacketsGetTraceIdsInOrderOnlyOnce) {
  FakeHost h(two_costs());
  uint64_t a = 0, b = 0, c = 77;
  cpu_pkt_start(a);
  cpu_pkt_start(b);
  cpu_pkt_start(c);
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(c, 77u);  // fragments keep their datagram's id
}

TEST(CpuCost, MeasuredDefaultsCoverTheTxPathAndNameTheirSource) {
  const cpu_cost_table t = cpu_cost_table::measured_defaults();
  for (const char *fn : {"__sys_sendto", "udp_sendmsg", "ip_output", "__dev_queue_xmit", "e1000_xmit_frame",
                         "e1000_clean_tx_irq", "tcp_sendmsg", "skb_copy_from_user", "csum_partial"})
    EXPECT_TRUE(t.entries().count(fn)) << fn;
  EXPECT_NE(t.source.find("host_calibrate"), std::string::npos);
}

TEST(CpuCostFile, OverridesNamedFunctionsAndKeepsTheRest) {
  const std::string path = write_tmp(R"({"source": "my box", "costs": {"udp_sendmsg": {"per_call_ns": 42}}})");
  const cpu_cost_table t = cpu_cost_table::load(path);
  std::remove(path.c_str());
  EXPECT_EQ(t.source, "my box");
  EXPECT_DOUBLE_EQ(t.entries().at("udp_sendmsg").per_call_ns, 42);
  EXPECT_DOUBLE_EQ(t.entries().at("udp_sendmsg").per_byte_ns, 0);
  EXPECT_DOUBLE_EQ(t.entries().at("ip_output").per_call_ns,
                   cpu_cost_table::measured_defaults().entries().at("ip_output").per_call_ns);
  EXPECT_EQ(t.cost_ps(cpu_fn_id("udp_sendmsg"), 100), 42'000u);
}

TEST(CpuCostFile, HostCalibrateOutputWithMeasuredSeriesLoads) {
  const cpu_cost_table t = cpu_cost_table::parse(
      R"({"measured": {"udp_sendto_offload": {"per_call_ns": 4305, "per_byte_ns": 0.046}},
          "costs": {"skb_copy_from_user": {"per_call_ns": 55, "per_byte_ns": 0.046}}, "source": "x"})",
      "calib.json");
  EXPECT_DOUBLE_EQ(t.entries().at("skb_copy_from_user").per_byte_ns, 0.046);
}

TEST(CpuCostFile, BadFilesAreRefusedWithTheReason) {
  expect_error("{", "not valid JSON");
  expect_error("[1, 2]", "top level must be an object");
  expect_error(R"({"source": "x"})", "\"costs\"");
  expect_error(R"({"costs": {}, "extra": 1})", "unknown key \"extra\"");
  expect_error(R"({"costs": {"udp_sendmsq": {"per_call_ns": 1}}})", "\"udp_sendmsq\" is not a function");
  expect_error(R"({"costs": {"udp_sendmsg": 5}})", "expected {\"per_call_ns\"");
  expect_error(R"({"costs": {"udp_sendmsg": {"per_cal_ns": 5}}})", "unknown field \"per_cal_ns\"");
  expect_error(R"({"costs": {"udp_sendmsg": {"per_call_ns": "5"}}})", "not a number");
  expect_error(R"({"costs": {"udp_sendmsg": {"per_call_ns": -1}}})", "must be 0..1e9");
  expect_error(R"({"costs": {"udp_sendmsg": {}}})", "neither per_call_ns nor per_byte_ns");
}

TEST(CpuCostFile, AMissingFileIsAnError) {
  EXPECT_THROW(cpu_cost_table::load("/nonexistent/costs.json"), std::invalid_argument);
}
