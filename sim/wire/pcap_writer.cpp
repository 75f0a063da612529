#include "sim/wire/pcap_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <pcap/pcap.h>

namespace wirepath {

PcapWriter::PcapWriter(const std::string &path) : path_(path) {
  pcap_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
  if (!pcap_) throw std::runtime_error("pcap: cannot create a pcap handle");
  dumper_ = pcap_dump_open(pcap_, path.c_str());
  if (!dumper_) {
    const std::string err = pcap_geterr(pcap_);
    pcap_close(pcap_);
    throw std::runtime_error(fmt::format("pcap: cannot open '{}' for writing: {}", path, err));
  }
  // The header is buffered by stdio: flush it now, so a file that cannot be
  // written fails here, before the run, and not silently at the end.
  errno = 0;
  if (pcap_dump_flush(dumper_) != 0) {
    const std::string err = std::strerror(errno ? errno : EIO);
    pcap_dump_close(dumper_);
    pcap_close(pcap_);
    throw std::runtime_error(fmt::format("pcap: cannot write '{}': {}", path, err));
  }
}

PcapWriter::~PcapWriter() { close(); }

void PcapWriter::fail(const char *what) {
  if (error_.empty()) error_ = fmt::format("pcap: {} '{}' failed: {}", what, path_, std::strerror(errno ? errno : EIO));
}

void PcapWriter::write(ps_t when, const std::vector<uint8_t> &frame) {
  if (!dumper_ || !error_.empty()) return;
  pcap_pkthdr hdr{};
  const uint64_t ns = when / 1000;
  hdr.ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000ull);
  hdr.ts.tv_usec = static_cast<suseconds_t>(ns % 1'000'000'000ull);  // nanoseconds with NANO precision
  hdr.caplen = hdr.len = static_cast<bpf_u_int32>(frame.size());
  errno = 0;
  pcap_dump(reinterpret_cast<u_char *>(dumper_), &hdr, frame.data());
  // pcap_dump returns nothing: a failed buffered write shows in ferror.
  if (std::ferror(pcap_dump_file(dumper_))) {
    fail("writing to");
    return;
  }
  frames_++;
}

std::string PcapWriter::close() {
  if (dumper_) {
    errno = 0;
    if (pcap_dump_flush(dumper_) != 0 || std::ferror(pcap_dump_file(dumper_))) fail("writing to");
    // pcap_dump_close() hides fclose()'s result: close the stream ourselves.
    FILE *f = pcap_dump_file(dumper_);
    errno = 0;
    if (std::fclose(f) != 0) fail("closing");
    dumper_ = nullptr;  // the FILE was the dumper; nothing else to free
  }
  if (pcap_) {
    pcap_close(pcap_);
    pcap_ = nullptr;
  }
  return error_;
}

}  // namespace wirepath
