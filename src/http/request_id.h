// X-Request-ID: an incoming one is kept (so a request can be followed through the proxies and
// services in front of authd) when it is a sane token; otherwise authd makes one. Either way
// it is echoed in the answer and written in the access log.
#pragma once

#include <string>
#include <string_view>

namespace authd {

// `incoming` when it is 1 to 128 characters of letters, digits and "-_.:/+=", else 32 random
// hex digits. Anything else could forge or break log lines.
std::string AcceptOrMakeRequestId(std::string_view incoming);

}  // namespace authd
