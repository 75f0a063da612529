// Netlink attributes in miniature (include/net/netlink.h): the TCA_OPTIONS
// nest that user-space tc fills (q_<kind>.c parse_opt) and the kernel's
// ->init/->change/->dump read or write. Each attribute is a type and a byte
// payload, as struct nlattr: fixed structs (tc_tbf_qopt) travel as their
// bytes, scalars as u32/u64.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

namespace wirepath {

// Kinds whose TCA_OPTIONS is one plain struct (pfifo, bfifo, prio,
// pfifo_fast) carry it under this type.
constexpr uint16_t TCA_OPTIONS_RAW = 0;

struct nlattrs {
  std::map<uint16_t, std::vector<uint8_t>> attrs;

  void nla_put(uint16_t type, const void *data, size_t len) {
    const auto *p = static_cast<const uint8_t *>(data);
    attrs[type].assign(p, p + len);
  }
  template <class T> void nla_put(uint16_t type, const T &v) { nla_put(type, &v, sizeof v); }
  void nla_put_u32(uint16_t type, uint32_t v) { nla_put(type, v); }
  void nla_put_u64(uint16_t type, uint64_t v) { nla_put(type, v); }

  bool has(uint16_t type) const { return attrs.count(type) != 0; }
  const std::vector<uint8_t> *nla_data(uint16_t type) const {
    auto it = attrs.find(type);
    return it == attrs.end() ? nullptr : &it->second;
  }
  // A copy of a fixed-size payload; false if absent or too short (-EINVAL for the caller).
  template <class T> bool nla_get(uint16_t type, T *out) const {
    const auto *d = nla_data(type);
    if (!d || d->size() < sizeof(T)) return false;
    std::memcpy(out, d->data(), sizeof(T));
    return true;
  }
  uint32_t nla_get_u32(uint16_t type, uint32_t dflt = 0) const {
    uint32_t v = dflt;
    nla_get(type, &v);
    return v;
  }
  uint64_t nla_get_u64(uint16_t type, uint64_t dflt = 0) const {
    uint64_t v = dflt;
    nla_get(type, &v);
    return v;
  }
  bool empty() const { return attrs.empty(); }
};

}  // namespace wirepath
