// Command-line helpers shared by wirepath and the benches: the exit codes
// every program of the project uses, a validator for floating-point options,
// and parsing that maps CLI11's own errors onto those exit codes.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace wirepath {

// 0: the run did what was asked and every packet is accounted for;
// 1: it ran but failed or did not finish; 2: bad options or input files.
enum ExitCode : int { kExitOk = 0, kExitRunFailed = 1, kExitBadInput = 2 };

// A finite number in [lo, hi]: NaN, inf and out-of-range values are refused
// (CLI::Range lets NaN through, and a later double->integer cast of NaN or
// 1e300 is undefined).
CLI::Validator finite_range(double lo, double hi);

// A whole count in [lo, hi], also written as 8e9 or 1.5e6 (rewritten to
// digits); refuses negatives, fractions, NaN and values out of range.
CLI::Validator byte_count(uint64_t lo, uint64_t hi);

// cli.parse(argc, argv); on --help/--version prints and returns 0, on a bad
// option prints CLI11's message and returns kExitBadInput; -1 when parsing
// succeeded and the program should go on.
int parse_or_exit(CLI::App &cli, int argc, char **argv);

}  // namespace wirepath
