#include "util/time_format.h"

#include <fmt/format.h>

#include <ctime>

namespace authd {
namespace {

// Writes `n` as exactly `width` decimal digits; called per user answer, so no format parsing.
char* PutDigits(char* p, int64_t n, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  return p + width;
}

}  // namespace

std::string FormatIsoUtc(int64_t micros) {
  int64_t secs = micros / 1'000'000;
  int64_t frac = micros % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const int64_t year = tm.tm_year + 1900;
  if (year < 0 || year > 9999) {  // beyond four digits: never a real account, so the slow way
    return fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z", year, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec,
                       frac != 0 ? fmt::format(".{:06}", frac) : std::string());
  }
  char buf[32];
  char* p = PutDigits(buf, year, 4);
  *p++ = '-';
  p = PutDigits(p, tm.tm_mon + 1, 2);
  *p++ = '-';
  p = PutDigits(p, tm.tm_mday, 2);
  *p++ = 'T';
  p = PutDigits(p, tm.tm_hour, 2);
  *p++ = ':';
  p = PutDigits(p, tm.tm_min, 2);
  *p++ = ':';
  p = PutDigits(p, tm.tm_sec, 2);
  if (frac != 0) {
    *p++ = '.';
    p = PutDigits(p, frac, 6);
  }
  *p++ = 'Z';
  return std::string(buf, p);
}

}  // namespace authd

namespace authd {
namespace {

// `n` digits of `text` at `at` as a number; -1 when they are not all digits.
int Digits(std::string_view text, size_t at, size_t n) {
  if (at + n > text.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> ParseIsoUtc(std::string_view text) {
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || text[4] != '-' ||
      text[7] != '-') {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  size_t at = 10;
  int64_t micros = 0, offset_seconds = 0;
  if (at < text.size()) {
    if (text[at] != 'T' && text[at] != ' ') return std::nullopt;
    const int h = Digits(text, at + 1, 2), m = Digits(text, at + 4, 2), s = Digits(text, at + 7, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60 || text[at + 3] != ':' ||
        text[at + 6] != ':') {
      return std::nullopt;
    }
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = s;
    at += 9;
    if (at < text.size() && text[at] == '.') {
      size_t n = 0;
      while (at + 1 + n < text.size() && n < 6 && Digits(text, at + 1 + n, 1) >= 0) ++n;
      if (n == 0) return std::nullopt;
      micros = Digits(text, at + 1, n);
      for (size_t i = n; i < 6; ++i) micros *= 10;
      at += 1 + n;
    }
    if (at < text.size() && text[at] == 'Z') {
      ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
      const int oh = Digits(text, at + 1, 2), om = Digits(text, at + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59 || text.size() < at + 6 || text[at + 3] != ':') {
        return std::nullopt;
      }
      offset_seconds = (text[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      at += 6;
    }
  }
  if (at != text.size()) return std::nullopt;
  const std::time_t t = timegm(&tm);
  if (t == -1) return std::nullopt;
  return (static_cast<int64_t>(t) - offset_seconds) * 1'000'000 + micros;
}

}  // namespace authd
