// Which Host headers authd answers (AUTHD_ALLOWED_HOSTS), as Django's ALLOWED_HOSTS: a request
// naming any other host gets 400 before it reaches a handler, so a forged Host can reach
// neither a link authd builds nor a cache keyed on it. Unset: every host is answered.
//
// Entries match the Host header without its port, case-insensitively: "auth.example.com"
// exactly, ".example.com" that domain and every subdomain, "[::1]" an IPv6 literal, and "*"
// anything (the check is then off, as in Django). A Host that is not a host name or address
// with an optional port never matches a pattern.
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace authd {

class AllowedHosts {
 public:
  AllowedHosts() = default;  // every host

  // InvalidArgument names the first entry that is not a host name, ".domain", "[v6]" or "*".
  static StatusOr<AllowedHosts> Parse(const std::vector<std::string>& entries);

  bool Allows(std::string_view host_header) const;

 private:
  bool any_ = true;
  std::vector<std::string> patterns_;  // lower case
};

}  // namespace authd
