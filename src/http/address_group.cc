#include "http/address_group.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace authd {
namespace ip = boost::asio::ip;

std::string AddressGroup(std::string_view address) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(address, ec);
  if (ec) return std::string(address);
  if (a.is_v4()) return a.to_string();
  ip::address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, v6).to_string();
  if (v6.is_loopback()) return v6.to_string();
  return ip::network_v6(v6, 64).canonical().to_string();
}

}  // namespace authd
