// Mail addresses as authd puts them in an SMTP envelope and a header: a plain addr-spec
// (local@domain), printable ASCII without spaces or the characters that end or split an
// address in a header. Anything else is refused rather than quoted, so no user-supplied byte
// can ever start a header or name a second recipient.
#pragma once

#include <string_view>

namespace authd {

// Whether `address` may be mailed and written into a header as it is.
bool IsMailableAddress(std::string_view address);

// The part after the last '@' ("example.com"), or "" when there is none.
std::string_view AddressDomain(std::string_view address);

}  // namespace authd
