// Where Verilator's VCD writer puts its bytes: a file (VCD), or a pipe into
// GTKWave's vcd2fst, which writes FST (~10x smaller; the model is Verilated
// once, with --trace, so the VCD stays byte-identical). Every write is
// checked; the first error is kept for the caller (close() returns it).
// vcd2fst stamps the conversion date into the FST header; close() blanks it,
// so the same run gives the same FST bytes.
#pragma once

#include <cstdio>
#include <string>

#include <verilated_vcd_c.h>

namespace wirepath {

class WaveFile : public VerilatedVcdFile {
public:
  enum class Format { vcd, fst };
  explicit WaveFile(Format f) : format_(f) {}
  ~WaveFile() override;
  // By the name's extension: ".fst" is FST, anything else VCD.
  static Format format_of(const std::string &path);
  bool open(const std::string &name) override;
  void close() override;
  ssize_t write(const char *bufp, ssize_t len) override;
  const std::string &error() const { return error_; }
  uint64_t bytes_in() const { return bytes_; }  // VCD bytes written (before FST conversion)

private:
  void fail(const std::string &what);
  Format format_;
  std::string name_, error_;
  FILE *f_ = nullptr;
  bool pipe_ = false;
  uint64_t bytes_ = 0;
};

}  // namespace wirepath
