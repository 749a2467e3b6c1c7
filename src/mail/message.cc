#include "mail/message.h"

#include <ctime>
#include <string_view>

#include "mail/address.h"
#include "util/base64url.h"
#include "util/utf8.h"

namespace authd {
namespace {

// A body part's base64, in lines of 76 characters (RFC 2045).
std::string Base64Lines(std::string_view bytes) {
  const std::string flat = Base64Encode(bytes);
  std::string out;
  for (size_t i = 0; i < flat.size(); i += 76) {
    out.append(flat, i, 76);
    out += "\r\n";
  }
  return out;
}

bool PlainAscii(std::string_view s, bool phrase) {
  static constexpr std::string_view kAtextSymbols = "!#$%&'*+-/=?^_`{|}~ ";
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (phrase && !alnum && kAtextSymbols.find(c) == std::string_view::npos) return false;
  }
  return s.find("=?") == std::string_view::npos;
}

// Line breaks and other controls in a header value become spaces.
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

}  // namespace

std::string EncodeHeaderWords(std::string_view text, size_t first_line_used, bool phrase) {
  if (PlainAscii(text, phrase) && first_line_used + text.size() <= 78) return std::string(text);
  // Each word carries whole UTF-8 characters (RFC 2047 section 5: a character is never split
  // across words), at most 39 bytes, so "=?UTF-8?B?" + 52 + "?=" and "Subject: " fit in 76.
  const bool utf8 = IsValidUtf8(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size()) {
      size_t next = end;
      if (utf8) {
        (void)NextCodePoint(text, next);
      } else {
        ++next;
      }
      if (next - i > 39) break;
      end = next;
    }
    if (end == i) end = i + 1;  // cannot happen for valid UTF-8; never loop forever
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string FormatMailDate(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

StatusOr<std::string> RenderMessage(const MailMessage& m, int64_t now_seconds, Random& random) {
  if (!IsMailableAddress(m.from_address)) return InvalidArgument("the From address cannot be mailed");
  if (!IsMailableAddress(m.to)) return InvalidArgument("the recipient's address cannot be mailed");
  for (std::string_view part : {std::string_view(m.from_name), std::string_view(m.subject),
                                std::string_view(m.text), std::string_view(m.html)}) {
    if (!IsValidUtf8(part)) return InvalidArgument("a part of the message is not UTF-8");
  }
  const std::string boundary = "=_authd_" + random.Hex(16);
  std::string out;
  out.reserve(m.text.size() * 2 + m.html.size() * 2 + 1024);
  out += "Date: " + FormatMailDate(now_seconds) + "\r\n";
  out += "From: ";
  if (!m.from_name.empty()) out += EncodeHeaderWords(OneLine(m.from_name), 6, /*phrase=*/true) + " ";
  out += "<" + m.from_address + ">\r\n";
  out += "To: <" + m.to + ">\r\n";
  out += "Subject: " + EncodeHeaderWords(OneLine(m.subject), 9) + "\r\n";
  out += "Message-ID: <" + random.Hex(16) + "@" + std::string(AddressDomain(m.from_address)) +
         ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  auto part = [&](std::string_view type, std::string_view body) {
    out += "--" + boundary + "\r\n";
    out += "Content-Type: " + std::string(type) + "; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += Base64Lines(body);
  };
  part("text/plain", m.text);
  part("text/html", m.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace authd
