// sk_buff life cycle and the linear-area primitives (net/core/skbuff.c).
#include "stack/core/skbuff.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace wirepath {

namespace {
skb_stats g_skb_stats;

[[noreturn]] void skb_panic(const sk_buff *skb, uint32_t n, const char *what) {
  throw std::logic_error(fmt::format("{}: len:{} put/push/pull:{} head:{} data:+{} tail:+{} end:+{}", what,
                                     skb->len, n, skb->head_addr, skb->data - skb->head, skb->tail - skb->head,
                                     skb->end - skb->head));
}

// skb_release_head_state: the destructor (sock_wfree gives back send-buffer space).
void skb_release_head_state(sk_buff *skb) {
  if (skb->destructor) {
    auto d = skb->destructor;
    skb->destructor = nullptr;
    d(skb);
  }
  skb->nfct.reset();
}

void skb_free_data(sk_buff *skb) {
  for (const auto &f : skb->frags)
    if (f.owned) skb->mem->kfree(f.addr);
  if (skb->head_addr) skb->mem->kfree(skb->head_addr);
}
}  // namespace

const char *skb_drop_reason_name(skb_drop_reason r) {
  switch (r) {
    case skb_drop_reason::NOT_SPECIFIED: return "NOT_SPECIFIED";
    case skb_drop_reason::QDISC_DROP: return "QDISC_DROP";
    case skb_drop_reason::NEIGH_FAILED: return "NEIGH_FAILED";
    case skb_drop_reason::NETFILTER_DROP: return "NETFILTER_DROP";
    case skb_drop_reason::DEV_READY: return "DEV_READY";
    case skb_drop_reason::TX_ERROR: return "TX_ERROR";
    case skb_drop_reason::DEV_RESET: return "DEV_RESET";
    case skb_drop_reason::PKT_TOO_BIG: return "PKT_TOO_BIG";
    case skb_drop_reason::NOMEM: return "NOMEM";
    case skb_drop_reason::NEIGH_QUEUEFULL: return "NEIGH_QUEUEFULL";
    case skb_drop_reason::NEIGH_DEAD: return "NEIGH_DEAD";
    case skb_drop_reason::OTHERHOST: return "OTHERHOST";
    case skb_drop_reason::IP_CSUM: return "IP_CSUM";
    case skb_drop_reason::IP_INHDR: return "IP_INHDR";
    case skb_drop_reason::IP_INADDRERRORS: return "IP_INADDRERRORS";
    case skb_drop_reason::IP_NOPROTO: return "IP_NOPROTO";
    case skb_drop_reason::UNHANDLED_PROTO: return "UNHANDLED_PROTO";
    case skb_drop_reason::PKT_LEN: return "PKT_LEN";
    case skb_drop_reason::NO_SOCKET: return "NO_SOCKET";
    case skb_drop_reason::SOCKET_RCVBUFF: return "SOCKET_RCVBUFF";
    case skb_drop_reason::QDISC_OVERLIMIT: return "QDISC_OVERLIMIT";
    case skb_drop_reason::QDISC_CONGESTED: return "QDISC_CONGESTED";
    case skb_drop_reason::NUM_REASONS: break;
  }
  return "UNKNOWN";
}

void sk_buff::reserve(uint32_t n) {
  if (len != 0 || data != tail) skb_panic(this, n, "skb_reserve on a non-empty skb");
  if (n > tailroom()) skb_panic(this, n, "skb_over_panic (skb_reserve)");
  data += n;
  tail += n;
}

uint8_t *sk_buff::push(uint32_t n) {
  if (n > headroom()) skb_panic(this, n, "skb_under_panic");
  data -= n;
  len += n;
  return data;
}

uint8_t *sk_buff::put(uint32_t n) {
  if (data_len != 0) skb_panic(this, n, "skb_put on a non-linear skb (SKB_LINEAR_ASSERT)");
  if (n > tailroom()) skb_panic(this, n, "skb_over_panic");
  uint8_t *old = tail;
  tail += n;
  len += n;
  return old;
}

uint8_t *sk_buff::pull(uint32_t n) {
  // As skb_pull: asking for more than len is not a bug, it returns NULL.
  if (n > len) return nullptr;
  if (n > headlen()) skb_panic(this, n, "skb_pull into paged data (__skb_pull BUG_ON)");
  len -= n;
  data += n;
  return data;
}

void sk_buff::add_frag(uint64_t addr, uint32_t flen, bool owned) {
  frags.push_back(skb_frag{addr, flen, owned});
  len += flen;
  data_len += flen;
}

std::vector<uint8_t> sk_buff::linearize_copy() const {
  std::vector<uint8_t> out(data, data + headlen());
  for (const auto &f : frags) {
    const uint8_t *p = mem->ram().ptr(f.addr, f.len);
    out.insert(out.end(), p, p + f.len);
  }
  return out;
}

sk_buff *alloc_skb(KernelHeap &mem, uint32_t size) {
  const uint64_t addr = mem.kmalloc(size ? size : 1);
  auto *skb = new sk_buff;
  skb->mem = &mem;
  skb->head_addr = addr;
  skb->head = mem.ram().ptr(addr, size ? size : 1);
  skb->data = skb->tail = skb->head;
  skb->end = skb->head + size;
  skb->truesize = skb_truesize_for(size);
  ++g_skb_stats.allocated;
  skb->trace_id = g_skb_stats.allocated;  // one id per skb, in allocation order
  return skb;
}

uint32_t skb_truesize_for(uint32_t size) {
  constexpr uint32_t kShinfo = 320, kSkb = 256;  // SKB_DATA_ALIGN(sizeof(skb_shared_info)), (sk_buff)
  uint32_t n = ((size + 63) & ~63u) + kShinfo;   // SKB_DATA_ALIGN(size) + shinfo
  // kmalloc_size_roundup: the kmalloc-96/192 caches, powers of two up to 8 KiB, pages beyond.
  uint32_t k;
  if (n <= 96) k = 96;
  else if (n <= 128) k = 128;
  else if (n <= 192) k = 192;
  else if (n <= 8192) { k = 256; while (k < n) k <<= 1; }
  else { k = 8192; while (k < n) k <<= 1; }  // kmalloc_large: a power-of-two page order
  return k + kSkb;
}

void consume_skb(sk_buff *skb) {
  if (!skb) return;
  skb_release_head_state(skb);
  skb_free_data(skb);
  delete skb;
  ++g_skb_stats.consumed;
}

void kfree_skb_reason(sk_buff *skb, skb_drop_reason reason) {
  if (!skb) return;
  if (reason >= skb_drop_reason::NUM_REASONS) reason = skb_drop_reason::NOT_SPECIFIED;
  skb_release_head_state(skb);
  skb_free_data(skb);
  delete skb;
  ++g_skb_stats.dropped[static_cast<int>(reason)];
}

uint64_t skb_stats::total_dropped() const {
  uint64_t t = 0;
  for (uint64_t d : dropped) t += d;
  return t;
}

uint64_t skb_stats::live() const { return allocated - consumed - total_dropped(); }

skb_stats &skb_counters() { return g_skb_stats; }
void skb_counters_reset() { g_skb_stats = skb_stats{}; }

}  // namespace wirepath
