// SNMP MIB counters, as /proc/net/snmp names them (include/uapi/linux/snmp.h).
#pragma once

#include <cstdint>

namespace wirepath {

struct ipstats_mib {
  uint64_t OutRequests = 0;   // datagrams handed to IP for sending (__ip_local_out)
  uint64_t OutNoRoutes = 0;   // dropped for lack of a route
  uint64_t OutDiscards = 0;   // dropped on the way down (no neighbour, device down, ...)
  uint64_t OutTransmits = 0;  // packets (fragments included) passed to the neighbour layer
  uint64_t FragOKs = 0;       // datagrams fragmented successfully
  uint64_t FragFails = 0;     // datagrams that needed fragmenting but could not be
  uint64_t FragCreates = 0;   // fragments created
  // Receive side (ip_rcv / ip_local_deliver).
  uint64_t InReceives = 0, InHdrErrors = 0, InAddrErrors = 0, InUnknownProtos = 0, InDiscards = 0, InDelivers = 0;
  uint64_t InCsumErrors = 0, InTruncatedPkts = 0;
};

struct icmp_mib {
  uint64_t InMsgs = 0, InErrors = 0, InDestUnreachs = 0;
  uint64_t OutMsgs = 0, OutDestUnreachs = 0;
};

struct udp_mib {
  uint64_t OutDatagrams = 0;
  uint64_t SndbufErrors = 0;  // the device layer dropped it (ENOBUFS swallowed without IP_RECVERR)
  uint64_t InDatagrams = 0, NoPorts = 0, InErrors = 0, InCsumErrors = 0;
  uint64_t RcvbufErrors = 0;  // dropped: the receive queue was over sk_rcvbuf
};

}  // namespace wirepath
