// The benches' data for other programs: a CSV of their table and an SVG plot
// drawn by gnuplot (Debian gnuplot-nox) from a script the bench writes next to
// the SVG (FILE.svg.gp, data inline, so it can be edited and re-run alone).
#pragma once

#include <string>

namespace wirepath::bench {

// Before a run: the CSV and the SVG can be written and, for a plot, gnuplot
// is on PATH. Empty paths are skipped. Returns "" or a message for the user.
std::string check_outputs(const std::string &csv, const std::string &svg);

// Writes text to path (replacing it). Returns "" or a message.
std::string write_file(const std::string &path, const std::string &text);

// Writes script to svg + ".gp" (after "set output '<svg>'") and runs gnuplot
// on it. Returns "" or a message (gnuplot's own errors go to stderr).
std::string plot_svg(const std::string &svg, const std::string &script);

// The terminal line every bench plot starts with: a fixed-size SVG with no
// mouse script, so the file is small and renders anywhere.
std::string svg_terminal(int width, int height);

}  // namespace wirepath::bench
