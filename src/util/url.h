// Small facts about http(s) URLs that several settings and peers need.
#pragma once

#include <string>
#include <string_view>

namespace authd {

// The host of an http(s) URL ("[::1]" keeps its brackets); empty when there is none, or when
// the URL carries credentials (user:password@), which no setting accepts.
std::string_view UrlHost(std::string_view url);

// Whether `url` is plain http to a loopback host: localhost, [::1], or an IPv4 literal in
// 127.0.0.0/8 ("127.0.0.1.evil.example" is a name, resolvable anywhere, so it is not).
bool IsLoopbackHttpUrl(std::string_view url);

// application/x-www-form-urlencoded's escaping of one name or value, as Python's quote_plus
// writes it (so DRF's links look the same): RFC 3986's unreserved letters, digits and -._~
// as they are, space as +, every other byte %XX.
std::string FormEncode(std::string_view text);

}  // namespace authd
