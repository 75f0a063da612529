#include "sim/nic/wave_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace wirepath {

namespace {
// FST header block (fstapi.c, fstWriterEmitHdrBytes): block type, 9 64-bit
// fields, timescale, a 128-byte version, then the 119-byte date string.
constexpr std::streamoff kFstDateOffset = 1 + 9 * 8 + 1 + 128;
constexpr size_t kFstDateBytes = 119;

std::string shell_quote(const std::string &s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}
}  // namespace

WaveFile::~WaveFile() { close(); }

WaveFile::Format WaveFile::format_of(const std::string &path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".fst") == 0 ? Format::fst : Format::vcd;
}

void WaveFile::fail(const std::string &what) {
  if (error_.empty()) error_ = what;
}

bool WaveFile::open(const std::string &name) {
  name_ = name;
  errno = 0;
  if (format_ == Format::vcd) {
    f_ = std::fopen(name.c_str(), "wb");
  } else {
    // vcd2fst must be able to create the file: check before starting it, so
    // the error is ours and immediate.
    FILE *probe = std::fopen(name.c_str(), "wb");
    if (!probe) {
      fail(fmt::format("waves: cannot open '{}' for writing: {}", name, std::strerror(errno)));
      return false;
    }
    std::fclose(probe);
    f_ = popen(fmt::format("vcd2fst -v - -f {} >/dev/null", shell_quote(name)).c_str(), "w");
    pipe_ = true;
  }
  if (!f_) fail(fmt::format("waves: cannot open '{}' for writing: {}", name, std::strerror(errno ? errno : EIO)));
  return f_ != nullptr;
}

ssize_t WaveFile::write(const char *bufp, ssize_t len) {
  if (!f_ || !error_.empty()) return len;  // after an error: drop, keep the error
  bytes_ += static_cast<uint64_t>(len);
  errno = 0;
  if (std::fwrite(bufp, 1, static_cast<size_t>(len), f_) != static_cast<size_t>(len))
    fail(fmt::format("waves: writing '{}' failed: {}", name_, std::strerror(errno ? errno : EIO)));
  return len;
}

void WaveFile::close() {
  if (!f_) return;
  errno = 0;
  if (pipe_) {
    const int st = pclose(f_);
    if (st != 0) fail(fmt::format("waves: vcd2fst failed writing '{}' (status {}; is gtkwave installed?)", name_, st));
  } else if (std::fclose(f_) != 0) {
    fail(fmt::format("waves: closing '{}' failed: {}", name_, std::strerror(errno ? errno : EIO)));
  }
  f_ = nullptr;
  if (pipe_ && error_.empty()) {
    std::fstream fst(name_, std::ios::in | std::ios::out | std::ios::binary);
    fst.seekp(kFstDateOffset);
    const std::string date(kFstDateBytes, '\0');
    fst.write(date.data(), static_cast<std::streamsize>(date.size()));
    if (!fst) fail(fmt::format("waves: cannot rewrite the date in '{}'", name_));
  }
}

}  // namespace wirepath
