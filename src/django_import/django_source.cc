#include "django_import/django_source.h"

#include <charconv>
#include <ctime>

#include "django_import/django_source_backends.h"

namespace authd {
namespace {

bool ReadDigits(std::string_view& s, size_t n, int& out) {
  if (s.size() < n) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + n, out);
  if (ec != std::errc{} || ptr != s.data() + n) return false;
  s.remove_prefix(n);
  return true;
}

bool Expect(std::string_view& s, std::string_view chars) {
  if (s.empty() || chars.find(s.front()) == std::string_view::npos) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<int64_t> ParseDjangoDateTime(std::string_view s) {
  std::tm tm{};
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, 4, year) || !Expect(s, "-") || !ReadDigits(s, 2, month) ||
      !Expect(s, "-") || !ReadDigits(s, 2, day) || !Expect(s, " T") || !ReadDigits(s, 2, hour) ||
      !Expect(s, ":") || !ReadDigits(s, 2, minute) || !Expect(s, ":") ||
      !ReadDigits(s, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t micros = 0;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    int digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      if (digits < 6) micros = micros * 10 + (s.front() - '0');
      ++digits;
      s.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  // Django writes UTC without an offset; accept an explicit UTC one too.
  if (s != "" && s != "Z" && s != "+00:00") return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const int64_t seconds = timegm(&tm);
  return seconds * 1'000'000 + micros;
}

StatusOr<std::unique_ptr<DjangoSource>> OpenDjangoSource(const std::string& from) {
  if (from.starts_with("postgresql://") || from.starts_with("postgres://")) {
    return OpenPgDjangoSource(from);
  }
  std::string path = from;
  if (path.starts_with("sqlite://")) path = path.substr(std::string_view("sqlite://").size());
  return OpenSqliteDjangoSource(path);
}

}  // namespace authd
