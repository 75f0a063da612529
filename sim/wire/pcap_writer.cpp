#include "sim/wire/pcap_writer.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <pcap/pcap.h>

namespace wirepath {

PcapWriter::PcapWriter(const std::string &path) {
  pcap_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
  if (!pcap_) throw std::runtime_error("pcap: cannot create a pcap handle");
  dumper_ = pcap_dump_open(pcap_, path.c_str());
  if (!dumper_) {
    const std::string err = pcap_geterr(pcap_);
    pcap_close(pcap_);
    throw std::runtime_error(fmt::format("pcap: cannot open '{}' for writing: {}", path, err));
  }
}

PcapWriter::~PcapWriter() {
  if (dumper_) pcap_dump_close(dumper_);
  if (pcap_) pcap_close(pcap_);
}

void PcapWriter::write(ps_t when, const std::vector<uint8_t> &frame) {
  pcap_pkthdr hdr{};
  const uint64_t ns = when / 1000;
  hdr.ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000ull);
  hdr.ts.tv_usec = static_cast<suseconds_t>(ns % 1'000'000'000ull);  // nanoseconds with NANO precision
  hdr.caplen = hdr.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char *>(dumper_), &hdr, frame.data());
  frames_++;
}

}  // namespace wirepath
