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
