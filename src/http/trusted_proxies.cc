#include "http/trusted_proxies.h"

#include <boost/asio/ip/address.hpp>

#include "util/strings.h"

namespace authd {
namespace ip = boost::asio::ip;

namespace {

// The address of `text`, with an IPv4-mapped IPv6 address ("::ffff:10.0.0.1", as a dual-stack
// socket reports IPv4 peers) read as the IPv4 address it is.
bool ParseAddress(std::string_view text, ip::address& out) {
  boost::system::error_code ec;
  out = ip::make_address(text, ec);
  if (ec) return false;
  if (out.is_v6() && out.to_v6().is_v4_mapped()) {
    out = ip::make_address_v4(ip::v4_mapped, out.to_v6());
  }
  return true;
}

}  // namespace

StatusOr<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries,
                                               std::string_view setting) {
  TrustedProxies t;
  for (const std::string& entry : entries) {
    boost::system::error_code ec;
    std::string cidr = entry;
    ip::address single;
    if (entry.find('/') == std::string::npos) {
      if (!ParseAddress(entry, single)) {
        return InvalidArgument(std::string(setting) + ": '" + entry +
                               "' is not an IP address or CIDR block");
      }
      cidr = single.to_string() + (single.is_v4() ? "/32" : "/128");
    }
    if (cidr.find(':') == std::string::npos) {
      auto net = ip::make_network_v4(cidr, ec);
      if (!ec) t.v4_.push_back(net);
    } else {
      auto net = ip::make_network_v6(cidr, ec);
      if (!ec) t.v6_.push_back(net);
    }
    if (ec) {
      return InvalidArgument(std::string(setting) + ": '" + entry +
                             "' is not an IP address or CIDR block");
    }
  }
  return t;
}

bool TrustedProxies::Trusts(std::string_view address) const {
  ip::address a;
  if (!ParseAddress(address, a)) return false;
  if (a.is_v4()) {
    const ip::network_v4 host(a.to_v4(), 32);
    for (const auto& net : v4_) {
      if (host == net || host.is_subnet_of(net)) return true;
    }
  } else {
    const ip::network_v6 host(a.to_v6(), 128);
    for (const auto& net : v6_) {
      if (host == net || host.is_subnet_of(net)) return true;
    }
  }
  return false;
}

std::string TrustedProxies::ClientAddress(std::string_view peer,
                                          std::string_view forwarded_for) const {
  std::string client(peer);
  if (empty() || forwarded_for.empty() || !Trusts(peer)) return client;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    std::string_view hop =
        StripAsciiWhitespace(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    ip::address a;
    if (!ParseAddress(hop, a)) break;  // garbage: keep the last address we could vouch for
    client = a.to_string();
    if (!Trusts(client)) break;        // the first untrusted hop is the client
  }
  return client;
}

}  // namespace authd
