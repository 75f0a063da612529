#include "bench_plot.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

extern char **environ;

namespace wirepath::bench {
namespace {

bool gnuplot_on_path() {
  const char *path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && access((dir + "/gnuplot").c_str(), X_OK) == 0) return true;
  return false;
}

// Opens path for writing (creating it) to find a bad directory or a
// read-only file before a sweep that may take minutes.
std::string check_writable(const std::string &path) {
  std::ofstream f(path, std::ios::app);
  if (!f) return fmt::format("cannot write {}: {}", path, std::strerror(errno));
  return "";
}

// gnuplot's single-quoted strings have no escapes but '' for a quote.
std::string quoted(const std::string &s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

}  // namespace

std::string check_outputs(const std::string &csv, const std::string &svg) {
  if (!csv.empty())
    if (std::string e = check_writable(csv); !e.empty()) return e;
  if (svg.empty()) return "";
  if (!gnuplot_on_path()) return "--plot needs gnuplot on PATH (Debian: apt-get install gnuplot-nox)";
  if (std::string e = check_writable(svg); !e.empty()) return e;
  return check_writable(svg + ".gp");
}

std::string write_file(const std::string &path, const std::string &text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) return fmt::format("cannot write {}: {}", path, std::strerror(errno));
  return "";
}

std::string plot_svg(const std::string &svg, const std::string &script) {
  const std::string gp = svg + ".gp";
  if (std::string e = write_file(gp, "set output " + quoted(svg) + "\n" + script); !e.empty()) return e;
  std::string prog = "gnuplot", arg = gp;
  char *argv[] = {prog.data(), arg.data(), nullptr};
  pid_t pid;
  if (const int rc = posix_spawnp(&pid, "gnuplot", nullptr, nullptr, argv, environ); rc != 0)
    return fmt::format("cannot run gnuplot: {} (Debian: apt-get install gnuplot-nox)", std::strerror(rc));
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return fmt::format("gnuplot: {}", std::strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fmt::format("gnuplot failed on {} (status {})", gp, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return "";
}

std::string svg_terminal(int width, int height) {
  return fmt::format("set terminal svg size {},{} fixed enhanced font 'sans,12' background rgb 'white'\n", width,
                     height);
}

}  // namespace wirepath::bench
