// Request body and query decoding: forms and JSON into one object of fields, as DRF's
// parsers read them. Input byte 0 picks the Content-Type; the rest is the body (and, once
// more, a query string, a Cookie header, and a timestamp as the audit log's ?since= takes it).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/body_decoder.h"
#include "http/cookies.h"
#include "util/time_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kTypes[] = {
      "application/x-www-form-urlencoded",
      "application/json",
      "application/json; charset=utf-8",
      "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
      "text/plain",
      "multipart/form-data; boundary=x",
      "",
      "application/json;",
  };
  if (size == 0) return 0;
  const std::string_view type = kTypes[data[0] % std::size(kTypes)];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)authd::DecodeBody(type, body);
  (void)authd::DecodeQuery(body);
  (void)authd::MediaType(body);
  (void)authd::CookieValue(body, "authd_session");
  if (auto micros = authd::ParseIsoUtc(body)) (void)authd::FormatIsoUtc(*micros);
  return 0;
}
