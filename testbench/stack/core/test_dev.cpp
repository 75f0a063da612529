// The device layer's link-layer header: the neighbour output path builds it
// through dev->header_ops (dev_hard_header), which ether_setup points at
// eth_header_ops.
#include <gtest/gtest.h>

#include "stack/ethernet/eth.hpp"
#include "stack_fixture.hpp"

namespace wirepath::test {
namespace {

int create_calls = 0;
int counting_create(sk_buff *skb, net_device *dev, uint16_t type, const uint8_t *daddr, const uint8_t *saddr,
                    uint32_t len) {
  ++create_calls;
  return eth_header(skb, dev, type, daddr, saddr, len);
}

class DevTest : public StackTest {};

// alloc_etherdev -> ether_setup: an Ethernet device's header_ops is eth_header_ops.
TEST_F(DevTest, EtherSetupGivesEthHeaderOps) {
  EXPECT_EQ(nd.dev.header_ops, &eth_header_ops);
  EXPECT_EQ(nd.dev.header_ops->create, &eth_header);
  EXPECT_EQ(nd.dev.header_ops->cache, &eth_header_cache);
}

// neigh_connected_output (static neighbour, no cached header) calls
// dev_hard_header, i.e. header_ops->create, once per frame: DA, SA, ETH_P_IP.
TEST_F(DevTest, NeighbourOutputBuildsTheHeaderThroughHeaderOps) {
  const header_ops counting = {counting_create, eth_header_cache};
  nd.dev.header_ops = &counting;
  create_calls = 0;
  const int fd = udp_socket();
  ASSERT_EQ(send_str(fd, "one", kPeer, 9), 3);
  ASSERT_EQ(send_str(fd, "two", kPeer, 9), 3);
  EXPECT_EQ(create_calls, 2);
  ASSERT_EQ(nd.frames.size(), 2u);
  const std::vector<uint8_t> eth = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};
  EXPECT_EQ(std::vector<uint8_t>(frame(1).begin(), frame(1).begin() + 14), eth);
  files.close(fd);
  nd.dev.header_ops = &eth_header_ops;
}

}  // namespace
}  // namespace wirepath::test
