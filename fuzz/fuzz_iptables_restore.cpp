// libFuzzer target: iptables-restore's parser with the save/restore round
// trip (fuzz/iptables_roundtrip.hpp). Any input either is refused with an
// error or loads, saves, and restores to the same rules; nothing may crash,
// hang or leak (ASan) on the way.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/iptables_roundtrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  const std::string broke = wirepath::roundtrip::check(text);
  if (!broke.empty()) {
    std::fprintf(stderr, "fuzz_iptables_restore: %s\n--- input:\n%s\n", broke.c_str(), text.c_str());
    std::abort();
  }
  return 0;
}
