// Which peers may say who the client is. Behind a load balancer every connection comes from
// the balancer, so per-address limits would lump all users together; the balancer names the
// real client in X-Forwarded-For. That header is believed only from peers listed here: from
// anyone else it is the client's own claim, and an attacker could rotate it freely to dodge
// brute-force protection.
// Thread-safety: immutable after Parse; ClientAddress may be called from any thread.
#pragma once

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace authd {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts no one

  // Addresses ("10.0.0.7", "::1") and CIDR blocks ("10.0.0.0/8", "fd00::/8").
  // InvalidArgument names `setting` and the first entry that is neither. (The same set of
  // addresses serves other lists too: AUTHD_METRICS_ALLOW.)
  static StatusOr<TrustedProxies> Parse(const std::vector<std::string>& entries,
                                        std::string_view setting = "AUTHD_TRUSTED_PROXIES");

  bool empty() const { return v4_.empty() && v6_.empty(); }

  // The client's address. When `peer` is trusted, X-Forwarded-For (`forwarded_for`, all its
  // values joined by commas) is read from the right, the end our proxies appended to, and
  // the first address that is not itself a trusted proxy is the client. An entry that is not
  // an address stops the walk at the last address we could vouch for.
  std::string ClientAddress(std::string_view peer, std::string_view forwarded_for) const;

  bool Trusts(std::string_view address) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace authd
