// One mail as bytes on the wire (RFC 5322 with MIME): multipart/alternative with a text and an
// HTML part, both UTF-8 and base64-encoded, a Subject and a From display name as RFC 2047
// encoded words, Date and Message-ID. Header values are built only from checked addresses and
// encoded words, so nothing a user typed can end a header line or add one.
#pragma once

#include <cstdint>
#include <string>

#include "util/random.h"
#include "util/status.h"

namespace authd {

struct MailMessage {
  std::string from_name;     // the display name ("authd"); may be any UTF-8
  std::string from_address;  // checked with IsMailableAddress
  std::string to;            // likewise
  std::string subject;       // any UTF-8; line breaks become spaces
  std::string text;          // the text/plain part
  std::string html;          // the text/html part
};

// The message's bytes, lines ending in CRLF. InvalidArgument when an address cannot be mailed
// or a part is not UTF-8. `now_seconds` dates it; `random` makes the Message-ID and boundary.
StatusOr<std::string> RenderMessage(const MailMessage& message, int64_t now_seconds,
                                    Random& random);

// "=?UTF-8?B?...?=" words, folded so no header line passes 78 characters; pure printable
// ASCII without "=?" comes back as it is. A `phrase` (a display name) comes back as it is only
// when it is letters, digits, spaces and RFC 5322's atext: a ':' or '@' there would change
// how the address is read. Exposed for tests and the fuzz target.
std::string EncodeHeaderWords(std::string_view text, size_t first_line_used, bool phrase = false);

// RFC 5322 date-time, in UTC: "Mon, 30 Nov 2026 17:21:04 +0000".
std::string FormatMailDate(int64_t seconds);

}  // namespace authd
