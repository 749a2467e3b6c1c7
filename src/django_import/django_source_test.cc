#include "django_import/django_source.h"

#include <gtest/gtest.h>

namespace authd {
namespace {

TEST(DjangoDateTime, ReadsWhatDjangoWritesToSqlite) {
  // 2026-11-24T07:21:00Z is 1795504860 s after the epoch.
  EXPECT_EQ(ParseDjangoDateTime("2026-11-24 07:21:00"), 1'795'504'860'000'000);
  EXPECT_EQ(ParseDjangoDateTime("2026-11-24 07:21:00.123456"), 1'795'504'860'123'456);
  EXPECT_EQ(ParseDjangoDateTime("2026-11-24 07:21:00.5"), 1'795'504'860'500'000);
  EXPECT_EQ(ParseDjangoDateTime("2026-11-24T07:21:00Z"), 1'795'504'860'000'000);
  EXPECT_EQ(ParseDjangoDateTime("2026-11-24 07:21:00+00:00"), 1'795'504'860'000'000);
  EXPECT_EQ(ParseDjangoDateTime("1970-01-01 00:00:00"), 0);
  for (const char* bad : {"", "2026-11-24", "2026-13-01 00:00:00", "2026-11-24 07:21",
                          "2026-11-24 07:21:00.", "2026-11-24 07:21:00-06:00",
                          "2026-11-24 07:21:00 junk", "20261124 072100"}) {
    EXPECT_FALSE(ParseDjangoDateTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace authd
