// The flow of a packet (net/core/flow_dissector.c in miniature): IPv4
// addresses, protocol and, for an unfragmented TCP/UDP packet, the ports;
// and skb_get_hash over them. Linux keys the hash with a random hashrnd
// (siphash); here the key is a fixed seed (jhash_3words) so that the same
// run gives the same flow-to-queue mapping, byte for byte.
#pragma once

#include <cstdint>

namespace wirepath {

struct sk_buff;

struct flow_keys {
  uint32_t src = 0, dst = 0;     // host order
  uint16_t sport = 0, dport = 0; // 0 when not TCP/UDP or a non-first fragment
  uint8_t ip_proto = 0;
  uint16_t n_proto = 0;          // ETH_P_* of the network header
};

// skb_flow_dissect_flow_keys: false if skb carries no IPv4 header we can read.
bool skb_flow_dissect_flow_keys(const sk_buff *skb, flow_keys *keys);
// __flow_hash_from_keys: the keys in a canonical order, hashed with seed.
uint32_t flow_hash_from_keys(const flow_keys &keys, uint32_t seed);
// skb_get_hash with the stack's fixed flow_hash_seed; a non-IP skb hashes its protocol only.
constexpr uint32_t FLOW_HASH_SEED = 0x5eed0f10u;
uint32_t skb_get_hash(const sk_buff *skb);
// skb_get_hash_perturb: the same keys under another key (SFQ's perturbation).
uint32_t skb_get_hash_perturb(const sk_buff *skb, uint32_t perturb);
// jhash_3words (include/linux/jhash.h).
uint32_t jhash_3words(uint32_t a, uint32_t b, uint32_t c, uint32_t initval);
// reciprocal_scale: val mapped into [0, ep_ro) by a multiply, as the kernel does.
inline uint32_t reciprocal_scale(uint32_t val, uint32_t ep_ro) {
  return static_cast<uint32_t>((uint64_t{val} * ep_ro) >> 32);
}

}  // namespace wirepath
