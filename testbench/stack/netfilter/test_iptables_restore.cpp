// iptables-restore's checks that the kernel and iptables make (rule loops:
// mark_source_chains/ELOOP; options given twice; counters; chain names),
// iptables-save quoting, and the save/restore round trip over generated rule
// sets (fuzz/iptables_roundtrip.hpp, the same property the fuzzer checks).
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <random>

#include "fuzz/iptables_roundtrip.hpp"
#include "stack_fixture.hpp"

using namespace wirepath;
using namespace wirepath::test;

namespace {

class Restore : public StackTest {
protected:
  // The error text and return code of a refused load; nothing may be loaded.
  std::string refused(const std::string &text, int want = -EINVAL) {
    std::string err;
    EXPECT_EQ(iptables_restore(ns, text, &err), want) << text;
    EXPECT_EQ(xt_find_table(ns, "filter"), nullptr);
    return err;
  }
  void load(const std::string &text) {
    std::string err;
    ASSERT_EQ(iptables_restore(ns, text, &err), 0) << err;
  }
};

const std::string kHead = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";

}  // namespace

// mark_source_chains: a chain reached again while still on the path of jumps is
// a loop, refused at COMMIT with -ELOOP at the rule that closes it.
TEST_F(Restore, RuleLoopsAreRefusedWithTheLine) {
  EXPECT_EQ(refused(kHead + ":LOOP - [0:0]\n-A OUTPUT -j LOOP\n-A LOOP -j LOOP\nCOMMIT\n", -ELOOP),
            "line 7: rule loop: LOOP -> LOOP (the kernel refuses it: ELOOP)");
  EXPECT_EQ(refused(kHead + ":A - [0:0]\n:B - [0:0]\n-A OUTPUT -j A\n-A A -j B\n-A B -p udp -j ACCEPT\n-A B -j A\nCOMMIT\n",
                    -ELOOP),
            "line 10: rule loop: A -> B -> A (the kernel refuses it: ELOOP)");
  // A goto loop has no return stack to grow: it would spin.
  EXPECT_EQ(refused(kHead + ":LOOP - [0:0]\n-A OUTPUT -j LOOP\n-A LOOP -g LOOP\nCOMMIT\n", -ELOOP),
            "line 7: rule loop: LOOP -> LOOP (the kernel refuses it: ELOOP)");
  // Reached only by TCP packets: the walk ignores what the rules match.
  EXPECT_EQ(refused(kHead + ":T - [0:0]\n:U - [0:0]\n-A OUTPUT -p udp -j ACCEPT\n-A OUTPUT -p tcp -j T\n-A T -j U\n"
                            "-A U -p tcp --dport 80 -g T\nCOMMIT\n",
                    -ELOOP),
            "line 10: rule loop: T -> U -> T (the kernel refuses it: ELOOP)");
  // One chain jumped to from two places is no loop.
  load(kHead + ":A - [0:0]\n:B - [0:0]\n-A OUTPUT -j A\n-A OUTPUT -j B\n-A A -j B\n-A B -j RETURN\nCOMMIT\n");
}

// 20000 user chains, each jumping to the next: loads, and a packet walks them
// all and comes back (jumps are chain indices resolved at COMMIT).
TEST_F(Restore, TwentyThousandChainsDeepWork) {
  constexpr int kChains = 20000;
  std::string t = kHead;
  for (int i = 0; i < kChains; ++i) t += fmt::format(":C{} - [0:0]\n", i);
  t += "-A OUTPUT -j C0\n-A OUTPUT -p udp --dport 9 -j DROP\n";
  for (int i = 0; i + 1 < kChains; ++i) t += fmt::format("-A C{} -p udp --dport 7 -j DROP\n-A C{} -j C{}\n", i, i, i + 1);
  t += "COMMIT\n";
  load(t);
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", kPeer, 8), 1);
  EXPECT_EQ(send_str(fd, "x", kPeer, 7), -EPERM);  // dropped in C0
  EXPECT_EQ(send_str(fd, "x", kPeer, 9), -EPERM);  // back in OUTPUT after 20000 returns
  const xt_table *f = xt_find_table(ns, "filter");
  EXPECT_EQ(f->chains.back().rules.size(), 0u);
  EXPECT_EQ(f->chains[f->hook_entry[NF_INET_LOCAL_OUT]].name, "OUTPUT");
}

// iptables-save quotes what would not come back as one token: an empty
// comment must not swallow the "!" after it (that inverted the rule).
TEST_F(Restore, SaveQuotesEmptyTokensTabsAndQuotes) {
  load(kHead + "-A OUTPUT -m comment --comment \"\" ! -d 10.0.0.2 -j DROP\n"
               "-A OUTPUT -m comment --comment \"a\tb \\\"q\\\" c:\\\\\" -j ACCEPT\nCOMMIT\n");
  const std::string saved = iptables_save(ns);
  EXPECT_NE(saved.find("-A OUTPUT -m comment --comment \"\" ! -d 10.0.0.2 -j DROP\n"), std::string::npos) << saved;
  EXPECT_NE(saved.find("-A OUTPUT -m comment --comment \"a\tb \\\"q\\\" c:\\\\\" -j ACCEPT\n"), std::string::npos)
      << saved;
  EXPECT_EQ(roundtrip::check(kHead + "-A OUTPUT -m comment --comment \"\" ! -d 10.0.0.2 -j DROP\nCOMMIT\n"), "");
  // A '\r' ending the line is a CRLF line end; inside quotes it is the text's.
  EXPECT_EQ(roundtrip::check(kHead + "-A OUTPUT -j LOG --log-prefix \"x\r\"\nCOMMIT\n"), "");
  const int fd = udp_socket();
  EXPECT_EQ(send_str(fd, "x", kPeer, 9), 1);  // to 10.0.0.2: not dropped
}

// What iptables refuses, iptables-restore here refuses too, with the line.
TEST_F(Restore, RefusesWhatIptablesRefuses) {
  EXPECT_EQ(refused(kHead + "-A OUTPUT -p tcp -p udp -j DROP\nCOMMIT\n"), "line 5: multiple -p flags not allowed");
  EXPECT_EQ(refused(kHead + "-A OUTPUT -s 1.2.3.4 -s 5.6.7.8 -j DROP\nCOMMIT\n"), "line 5: multiple -s flags not allowed");
  EXPECT_EQ(refused(kHead + "-A OUTPUT -o eth0 ! -o eth1 -j DROP\nCOMMIT\n"), "line 5: multiple -o flags not allowed");
  EXPECT_EQ(refused(kHead + "-A OUTPUT -j DROP -m comment --comment\nCOMMIT\n"),
            "line 5: option \"--comment\" requires an argument");
  EXPECT_EQ(refused(kHead + ":LOG - [0:0]\nCOMMIT\n"), "line 5: chain name \"LOG\" may not clash with target name");
  EXPECT_EQ(refused(kHead + ":ACCEPT - [0:0]\nCOMMIT\n"), "line 5: chain name \"ACCEPT\" may not clash with target name");
  EXPECT_EQ(refused(kHead + "[18446744073709551616:0] -A OUTPUT -j DROP\nCOMMIT\n"),
            "line 5: bad packet counter \"18446744073709551616\" in \"[18446744073709551616:0]\" (0 to "
            "18446744073709551615)");
  EXPECT_EQ(refused(kHead + "[1:-1] -A OUTPUT -j DROP\nCOMMIT\n"),
            "line 5: bad byte counter \"-1\" in \"[1:-1]\" (0 to 18446744073709551615)");
  EXPECT_EQ(refused("*filter\n:OUTPUT ACCEPT [1:2]x\nCOMMIT\n"), "line 2: bad counters \"[1:2]x\" (expected [packets:bytes])");
  EXPECT_EQ(refused(kHead + "COMMIT extra\n"), "line 5: COMMIT takes nothing after it, got \"extra\"");
  EXPECT_EQ(refused(kHead + ":\"a b\" - [0:0]\nCOMMIT\n"), "line 5: invalid chain name \"a b\"");
  load(kHead + "[18446744073709551615:0] -A OUTPUT -j ACCEPT\nCOMMIT\n");
}

namespace {

// A random rule set in iptables-save syntax: options in random order and
// combinations, strings with blanks, tabs, quotes, backslashes and "!".
struct RuleGen {
  std::mt19937 rng;
  explicit RuleGen(unsigned seed) : rng(seed) {}
  int pick(int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); }
  bool coin(int percent = 50) { return pick(100) < percent; }
  std::string str(size_t max) {
    static const char kChars[] = "ab !\t\"\\-#:/";
    std::string s;
    const size_t n = static_cast<size_t>(pick(static_cast<int>(max) + 1));
    for (size_t i = 0; i < n; ++i) s += kChars[pick(sizeof kChars - 1)];
    return s;
  }
  static std::string quote(const std::string &s) {
    std::string q = "\"";
    for (const char ch : s) q += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
    return q + "\"";
  }
  std::string addr() {
    return fmt::format("{}.{}.{}.{}/{}", pick(256), pick(256), pick(256), pick(256), pick(33));
  }
  std::string rule(const std::string &chain, int ci, int nchains, bool builtin_out) {
    std::string r;
    if (coin(20)) r += fmt::format("[{}:{}] ", rng(), static_cast<uint64_t>(rng()) << 20);
    r += "-A " + chain;
    const int proto = pick(5);  // all, tcp, udp, icmp, none
    static const char *const kProto[] = {"all", "tcp", "udp", "icmp"};
    const bool not_proto = proto > 0 && proto < 4 && coin(15);  // "! -p all" never matches: refused
    if (proto < 4) r += std::string(not_proto ? " !" : "") + " -p " + kProto[proto];
    if (coin(30)) r += std::string(coin(30) ? " !" : "") + " -s " + addr();
    if (coin(30)) r += std::string(coin(30) ? " !" : "") + " -d " + addr();
    if (builtin_out && coin(20)) r += std::string(coin(30) ? " !" : "") + " -o eth" + std::to_string(pick(3));
    if ((proto == 1 || proto == 2) && !not_proto && coin(50)) r += std::string(coin(30) ? " !" : "") + " --dport " + std::to_string(pick(65536));
    if (coin(40)) r += " -m comment --comment " + quote(str(8));
    if (coin(15)) r += " -m mark" + std::string(coin(30) ? " !" : "") + fmt::format(" --mark 0x{:x}", rng());
    switch (pick(6)) {
      case 0: r += " -j ACCEPT"; break;
      case 1: r += " -j DROP"; break;
      case 2: r += " -j RETURN"; break;
      case 3: r += " -j LOG --log-prefix " + quote(str(12)); break;
      case 4:  // forward only: no loops
        if (ci + 1 < nchains) r += fmt::format(" -{} U{}", coin(30) ? "g" : "j", ci + 1 + pick(nchains - ci - 1));
        break;
      default: break;
    }
    return r + "\n";
  }
  std::string ruleset() {
    std::string t = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [3:4]\n:OUTPUT ACCEPT [0:0]\n";
    const int n = 1 + pick(4);
    for (int i = 0; i < n; ++i) t += fmt::format(":U{} - [0:0]\n", i);
    for (int k = pick(6); k > 0; --k) t += rule("OUTPUT", -1, n, true);
    for (int i = 0; i < n; ++i)
      for (int k = pick(4); k > 0; --k) t += rule(fmt::format("U{}", i), i, n, false);
    return t + "COMMIT\n";
  }
};

}  // namespace

// restore(save(restore(x))) == restore(x), and save is a fixed point, for 400
// generated rule sets (almost all of which must load, or the test proves nothing).
TEST(IptablesRoundTrip, SaveRestoresToTheSameRules) {
  RuleGen gen(2026);
  int loaded_count = 0;
  for (int i = 0; i < 400; ++i) {
    const std::string x = gen.ruleset();
    bool loaded = false;
    const std::string broke = roundtrip::check(x, &loaded);
    ASSERT_EQ(broke, "") << "rule set " << i << ":\n" << x;
    if (!loaded && getenv("WIREPATH_SHOW_REFUSED")) {
      std::string err;
      roundtrip::Netns n;
      iptables_restore(n.ns, x, &err);
      std::cerr << err << "\n";
    }
    loaded_count += loaded;
  }
  EXPECT_GE(loaded_count, 380);
}
