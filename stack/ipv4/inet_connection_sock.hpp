// Connection-oriented socket helpers (include/net/inet_connection_sock.h).
// Our tcp_sock carries struct inet_connection_sock's fields itself.
#pragma once

#include <cstdint>

namespace wirepath {

struct sock;

// inet_csk_get_port (tcp_prot.get_port): bind snum, or with snum 0 an
// ephemeral port, odd ones first (inet_csk_find_open_port). -EADDRINUSE when
// taken (no SO_REUSEADDR).
int inet_csk_get_port(sock *sk, uint16_t snum);

}  // namespace wirepath
