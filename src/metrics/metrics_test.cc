#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace authd {
namespace {

using std::chrono::microseconds;

// The value of the exposition line that starts with `series ` (a name and its labels).
std::string ValueOf(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return "(missing)";
  const size_t start = at + series.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

TEST(Metrics, EveryThreadsCountsAreSummedAtScrapeTime) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordRequest("/user_detail/", "GET", 200, microseconds(150));
        metrics.TokenIssued("access");
      }
      metrics.RecordRequest("", "BREW", 404, microseconds(3'000'000));
      metrics.LoginFailed();
    });
  }
  for (auto& t : threads) t.join();
  metrics.LoginSucceeded();
  const std::string text = metrics.Render();
  EXPECT_EQ(ValueOf(text, R"(authd_http_requests_total{route="/user_detail/",method="GET",status="200"})"), "4000");
  EXPECT_EQ(ValueOf(text, R"(authd_http_requests_total{route="unmatched",method="other",status="404"})"), "4");
  EXPECT_EQ(ValueOf(text, R"(authd_http_request_duration_seconds_bucket{route="/user_detail/",le="0.0001"})"), "0");
  EXPECT_EQ(ValueOf(text, R"(authd_http_request_duration_seconds_bucket{route="/user_detail/",le="0.00025"})"), "4000");
  EXPECT_EQ(ValueOf(text, R"(authd_http_request_duration_seconds_bucket{route="unmatched",le="2.5"})"), "0");
  EXPECT_EQ(ValueOf(text, R"(authd_http_request_duration_seconds_bucket{route="unmatched",le="+Inf"})"), "4");
  EXPECT_EQ(ValueOf(text, R"(authd_http_request_duration_seconds_count{route="/user_detail/"})"), "4000");
  EXPECT_EQ(ValueOf(text, R"(authd_http_request_duration_seconds_sum{route="/user_detail/"})"), "0.6");
  EXPECT_EQ(ValueOf(text, R"(authd_tokens_issued_total{type="access"})"), "4000");
  EXPECT_EQ(ValueOf(text, R"(authd_logins_total{result="failure"})"), "4");
  EXPECT_EQ(ValueOf(text, R"(authd_logins_total{result="success"})"), "1");
}

TEST(Metrics, InstancesCountApartOnTheSameThread) {
  auto a = std::make_unique<Metrics>();
  Metrics b;
  a->TokenRefused("token_not_valid");
  b.TokenRefused("token_not_valid");
  b.TokenRefused("token_not_valid");
  EXPECT_EQ(ValueOf(a->Render(), R"(authd_tokens_refused_total{reason="token_not_valid"})"), "1");
  a.reset();  // a new instance at the same address must not inherit the thread's cached shard
  auto c = std::make_unique<Metrics>();
  c->TokenRefused("token_not_valid");
  EXPECT_EQ(ValueOf(c->Render(), R"(authd_tokens_refused_total{reason="token_not_valid"})"), "1");
  EXPECT_EQ(ValueOf(b.Render(), R"(authd_tokens_refused_total{reason="token_not_valid"})"), "2");
}

}  // namespace
}  // namespace authd
