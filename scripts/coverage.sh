#!/usr/bin/env bash
# Line and toggle coverage of rtl/ over the RTL regression (testbench/rtl), as
# an lcov/genhtml HTML report: build-cov/coverage/index.html. Builds in its own
# directory (build-cov) with the NIC Verilated with --coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
B=build-cov
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DWIREPATH_COVERAGE=ON > /dev/null
cmake --build "$B" -j2 --target nic_rtl_tests
rm -rf "$B/cov" "$B/coverage" && mkdir -p "$B/cov"
# Every test's bench writes its counts; the tests are the ctest regression's.
WIREPATH_COV_DIR="$PWD/$B/cov" "$B/testbench/rtl/nic_rtl_tests" --gtest_brief=1
verilator_coverage --write "$B/cov/merged.dat" "$B"/cov/cov-*.dat
# Split the points by kind (the page field names it: v_line/..., v_toggle/...).
head -1 "$B/cov/merged.dat" > "$B/cov/line.dat"
head -1 "$B/cov/merged.dat" > "$B/cov/toggle.dat"
grep -a "v_line/\|v_branch/" "$B/cov/merged.dat" >> "$B/cov/line.dat" || true
grep -a "v_toggle/" "$B/cov/merged.dat" >> "$B/cov/toggle.dat" || true
verilator_coverage --write-info "$B/cov/line.info" "$B/cov/line.dat"
verilator_coverage --write-info "$B/cov/toggle.info" "$B/cov/toggle.dat"
# Only rtl/ (the package's functions are counted where they are called).
lcov -q --extract "$B/cov/line.info" "*/rtl/*" -o "$B/cov/rtl-line.info"
lcov -q --extract "$B/cov/toggle.info" "*/rtl/*" -o "$B/cov/rtl-toggle.info"
genhtml -q --title "wirepath NIC RTL: line coverage" -o "$B/coverage" "$B/cov/rtl-line.info"
genhtml -q --title "wirepath NIC RTL: toggle coverage" -o "$B/coverage/toggle" "$B/cov/rtl-toggle.info"
echo "line coverage of rtl/:"
lcov --summary "$B/cov/rtl-line.info" 2>&1 | grep -E "lines"
echo "toggle coverage of rtl/ (signal bits toggled both ways):"
lcov --summary "$B/cov/rtl-toggle.info" 2>&1 | grep -E "lines"
echo "report: $B/coverage/index.html (toggles: $B/coverage/toggle/index.html)"
