// A QR code as an SVG image (libqrencode), for an otpauth:// URL: a page shows it inline, an
// authenticator app scans it.
#pragma once

#include <string>
#include <string_view>

namespace authd {

// "" only when libqrencode cannot encode the text (far longer than any otpauth:// URL).
std::string QrSvg(std::string_view text);

}  // namespace authd
