// sk_buff primitives: headroom arithmetic, the panics on misuse, host-memory
// ownership and the drop accounting.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "stack/kernel/kmalloc.hpp"
#include "stack/core/skbuff.hpp"

using namespace wirepath;

class Skb : public ::testing::Test {
protected:
  void SetUp() override { skb_counters_reset(); }
  PhysMem ram{1u << 20};
  KernelHeap mem{ram};
};

// skb_reserve moves data and tail together; skb_put grows at the tail; skb_push
// prepends into the headroom; skb_pull strips from the front (skbuff.h).
TEST_F(Skb, ReservePutPushPullMoveDataAndLenAsLinux) {
  sk_buff *skb = alloc_skb(mem, 256);
  EXPECT_EQ(skb->headroom(), 0u);
  EXPECT_EQ(skb->tailroom(), 256u);
  skb->reserve(64);
  EXPECT_EQ(skb->headroom(), 64u);
  EXPECT_EQ(skb->len, 0u);
  uint8_t *p = skb->put(10);
  EXPECT_EQ(p, skb->head + 64);
  std::memcpy(p, "0123456789", 10);
  EXPECT_EQ(skb->len, 10u);
  uint8_t *h = skb->push(4);
  EXPECT_EQ(h, skb->head + 60);
  EXPECT_EQ(skb->len, 14u);
  EXPECT_EQ(skb->data_addr(), skb->head_addr + 60);
  EXPECT_EQ(ram.ptr(skb->data_addr()), skb->data);
  uint8_t *after = skb->pull(6);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(skb->len, 8u);
  EXPECT_EQ(std::memcmp(skb->data, "23456789", 8), 0);
  consume_skb(skb);
  EXPECT_EQ(mem.live_allocations(), 0u);
}

// skb_push beyond the headroom is skb_under_panic.
TEST_F(Skb, PushPastTheHeadIsSkbUnderPanic) {
  sk_buff *skb = alloc_skb(mem, 64);
  skb->reserve(8);
  EXPECT_NO_THROW(skb->push(8));
  try {
    skb->push(1);
    FAIL() << "no throw";
  } catch (const std::logic_error &e) {
    EXPECT_NE(std::string(e.what()).find("skb_under_panic"), std::string::npos) << e.what();
  }
  consume_skb(skb);
}

// skb_put beyond the tailroom is skb_over_panic.
TEST_F(Skb, PutPastTheEndIsSkbOverPanic) {
  sk_buff *skb = alloc_skb(mem, 64);
  skb->put(60);
  try {
    skb->put(5);
    FAIL() << "no throw";
  } catch (const std::logic_error &e) {
    EXPECT_NE(std::string(e.what()).find("skb_over_panic"), std::string::npos) << e.what();
  }
  consume_skb(skb);
}

// skb_reserve is only for an empty skb; reserving past the end panics.
TEST_F(Skb, ReserveOnANonEmptySkbOrPastTheEndThrows) {
  sk_buff *skb = alloc_skb(mem, 64);
  EXPECT_THROW(skb->reserve(65), std::logic_error);
  skb->put(1);
  EXPECT_THROW(skb->reserve(1), std::logic_error);
  consume_skb(skb);
}

// skb_pull of more than len returns NULL (not a bug); pulling into paged data is a BUG.
TEST_F(Skb, PullBeyondLenReturnsNullAndIntoFragsThrows) {
  sk_buff *skb = alloc_skb(mem, 64);
  skb->put(10);
  EXPECT_EQ(skb->pull(11), nullptr);
  EXPECT_EQ(skb->len, 10u);
  const uint64_t frag = mem.kmalloc(100);
  skb->add_frag(frag, 100);
  EXPECT_EQ(skb->len, 110u);
  EXPECT_EQ(skb->data_len, 100u);
  EXPECT_EQ(skb->headlen(), 10u);
  EXPECT_THROW(skb->pull(11), std::logic_error);
  EXPECT_THROW(skb->put(1), std::logic_error);  // SKB_LINEAR_ASSERT
  kfree_skb_reason(skb, skb_drop_reason::TX_ERROR);
  EXPECT_EQ(mem.live_allocations(), 0u);  // the owned frag went with it
}

// linearize_copy gives the linear bytes followed by each fragment's bytes.
TEST_F(Skb, LinearizeCopyConcatenatesLinearAndFrags) {
  sk_buff *skb = alloc_skb(mem, 64);
  std::memcpy(skb->put(3), "abc", 3);
  const uint64_t f = mem.kmalloc(2);
  ram.write(f, "de", 2);
  skb->add_frag(f, 2, /*owned=*/false);
  const auto v = skb->linearize_copy();
  EXPECT_EQ(std::string(v.begin(), v.end()), "abcde");
  consume_skb(skb);
  EXPECT_EQ(mem.live_allocations(), 1u);  // a frag not owned stays
  mem.kfree(f);
}

// Every skb ends consumed or dropped with a reason; the counters add up.
TEST_F(Skb, CountersTrackConsumedAndDropsByReason) {
  sk_buff *a = alloc_skb(mem, 64), *b = alloc_skb(mem, 64), *c = alloc_skb(mem, 64);
  EXPECT_EQ(skb_counters().live(), 3u);
  consume_skb(a);
  kfree_skb_reason(b, skb_drop_reason::QDISC_DROP);
  kfree_skb_reason(c, skb_drop_reason::NEIGH_FAILED);
  consume_skb(nullptr);
  kfree_skb_reason(nullptr, skb_drop_reason::QDISC_DROP);
  const auto &s = skb_counters();
  EXPECT_EQ(s.allocated, 3u);
  EXPECT_EQ(s.consumed, 1u);
  EXPECT_EQ(s.dropped[static_cast<int>(skb_drop_reason::QDISC_DROP)], 1u);
  EXPECT_EQ(s.dropped[static_cast<int>(skb_drop_reason::NEIGH_FAILED)], 1u);
  EXPECT_EQ(s.total_dropped(), 2u);
  EXPECT_EQ(s.live(), 0u);
  EXPECT_STREQ(skb_drop_reason_name(skb_drop_reason::NEIGH_FAILED), "NEIGH_FAILED");
}

// alloc_skb throws std::bad_alloc when host memory is exhausted.
TEST_F(Skb, AllocFailsWithBadAllocWhenHostMemoryIsFull) {
  PhysMem tiny_ram(4096);
  KernelHeap tiny(tiny_ram);
  EXPECT_THROW(alloc_skb(tiny, 8192), std::bad_alloc);
  EXPECT_EQ(skb_counters().allocated, 0u);
}
