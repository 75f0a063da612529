#!/usr/bin/env bash
# The whole test suite built with AddressSanitizer + UndefinedBehaviorSanitizer
# (gcc), in its own build directory (build-san). Not part of .ci/run: it takes
# about half an hour on two cores. Extra arguments go to ctest (e.g. -R Tcp).
#
# Suppressions (each documented in its file):
#   scripts/sanitize/lsan.supp   SystemC threads that never unwind after sc_stop
#   scripts/sanitize/ubsan.supp  misaligned loads in Verilator's own VCD writer
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
./scripts/deps.sh
B="${WIREPATH_SAN_BUILD:-build-san}"
# UBSan recovers (so its suppressions work) but halt_on_error stops at the first report.
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
# -g1 (line tables, no variable locations): symbolized reports at a fraction
# of -g's compile time on the large Verilated model files.
LAUNCH=""
command -v ccache > /dev/null && LAUNCH="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo $LAUNCH \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DCMAKE_CXX_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" > /dev/null
cmake --build "$B" -j"${JOBS:-2}"
# fast_unwind_on_malloc=0: libsystemc has no frame pointers, so the fast
# unwinder stops inside it and LSan's stacks (and the suppressions matching
# frames below it) would end at tlm_generic_payload's constructor.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$ROOT/scripts/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/scripts/sanitize/ubsan.supp"
cd "$B"
ctest --output-on-failure -j"${JOBS:-2}" --timeout 3000 "$@"
