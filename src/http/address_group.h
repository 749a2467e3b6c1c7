// The unit that per-address limits count. An IPv4 client is its address; an IPv6 client is
// its /64, because one subscriber is routinely handed a whole /64 and could otherwise take a
// fresh address for every request (RFC 6177, RFC 7421). IPv4-mapped IPv6 peers are IPv4.
#pragma once

#include <string>
#include <string_view>

namespace authd {

// "203.0.113.9" -> "203.0.113.9"; "2001:db8:1:2:a:b:c:d" -> "2001:db8:1:2::/64";
// "::ffff:10.0.0.1" -> "10.0.0.1". Text that is not an address is returned unchanged.
std::string AddressGroup(std::string_view address);

}  // namespace authd
