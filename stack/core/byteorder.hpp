// Byte order helpers with the kernel's names (include/linux/byteorder). The
// model runs on a little-endian host; wire structs keep multi-byte fields in
// network byte order exactly as they sit in the skb.
#pragma once

#include <cstdint>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "wirepath assumes a little-endian host");

namespace wirepath {

constexpr uint16_t cpu_to_be16(uint16_t v) { return __builtin_bswap16(v); }
constexpr uint16_t be16_to_cpu(uint16_t v) { return __builtin_bswap16(v); }
constexpr uint32_t cpu_to_be32(uint32_t v) { return __builtin_bswap32(v); }
constexpr uint32_t be32_to_cpu(uint32_t v) { return __builtin_bswap32(v); }

}  // namespace wirepath
