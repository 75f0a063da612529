// The TCP socket table (include/net/inet_hashtables.h): one list per
// namespace (net::tcp.hash) stands for Linux's bind, established and
// listening hashes; lookups scan it.
#pragma once

#include <cstdint>

namespace wirepath {

struct net;
struct sock;

// inet_hash with inet_bind_hash: enter sk in the table (once) under its port.
void tcp_hash(sock *sk);
// inet_unhash with inet_put_port: leave the table; the port goes too unless
// an explicit bind locked it (SOCK_BINDPORT_LOCK).
void tcp_unhash(sock *sk);
// Another socket in the table holds port (the bind-conflict check of
// inet_csk_get_port and __inet_hash_connect's bucket search, no SO_REUSEADDR).
bool tcp_port_in_use(const net &n, uint16_t port, const sock *self);
// inet_hash_connect (__inet_hash_connect): the port for connect(): the bound
// one, else an ephemeral port, even ones first. -EADDRNOTAVAIL if none is free.
int inet_hash_connect(sock *sk);
// __inet_lookup: the socket a segment saddr:sport -> daddr:dport belongs to
// (ports and addresses in host order), or nullptr.
sock *__inet_lookup(net &n, uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport);

}  // namespace wirepath
