// Webhook signatures against the Standard Webhooks specification's own example; the message a
// delivery makes; retry delays; URLs as logs show them; a post to nobody.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "webhooks/dispatcher.h"
#include "webhooks/http_poster.h"
#include "webhooks/message.h"
#include "webhooks/signature.h"

namespace authd {
namespace {

TEST(Webhooks, SignaturesMatchTheSpecificationsExample) {
  auto key = WebhookKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->size(), 24u);
  EXPECT_EQ(SignWebhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  for (const char* bad : {"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_abc",
                          "whsec_c2hvcnQ=", "whsec_!!!!"}) {
    EXPECT_FALSE(WebhookKey(bad).ok()) << bad;
  }
}

TEST(Webhooks, ADeliveryIsTheEventSignedForThisAttempt) {
  WebhookDelivery d{.id = 42, .url = "https://hooks.example.com/a"};
  d.event = AuditEvent{.id = 7, .time_us = 1'700'000'000'123'456, .type = "user.registered",
                       .actor = "anonymous", .subject_user_id = 3,
                       .details = R"({"username":"alice"})"};
  auto key = WebhookKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  PostRequest r = SignedDelivery(d, *key, 1'700'000'100);
  EXPECT_EQ(r.url, d.url);
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type"), "user.registered");
  EXPECT_EQ(body.at("timestamp"), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(body.at("data").at("id"), 7);
  EXPECT_EQ(body.at("data").at("user_id"), 3);
  EXPECT_EQ(body.at("data").at("details").at("username"), "alice");
  EXPECT_EQ(r.headers, (std::vector<std::string>{
                           "webhook-id: msg_42", "webhook-timestamp: 1700000100",
                           "webhook-signature: " + SignWebhook(*key, "msg_42", 1'700'000'100, r.body)}));
  // Another attempt: the same id, its own timestamp and signature.
  PostRequest later = SignedDelivery(d, *key, 1'700'000'200);
  EXPECT_EQ(later.body, r.body);
  EXPECT_EQ(later.headers[0], r.headers[0]);
  EXPECT_NE(later.headers[2], r.headers[2]);
}

TEST(Webhooks, RetriesBackOffToHalfAnHour) {
  EXPECT_EQ(WebhookRetryDelaySeconds(1), 2);
  EXPECT_EQ(WebhookRetryDelaySeconds(2), 4);
  EXPECT_EQ(WebhookRetryDelaySeconds(5), 32);
  EXPECT_EQ(WebhookRetryDelaySeconds(11), 1800);
  EXPECT_EQ(WebhookRetryDelaySeconds(1000), 1800);
}

TEST(Webhooks, LogsShowUrlsWithoutQueriesOrCredentials) {
  EXPECT_EQ(RedactedUrl("https://hooks.example.com/a?token=s3cret#x"), "https://hooks.example.com/a");
  EXPECT_EQ(RedactedUrl("https://user:pw@hooks.example.com/a"), "https://hooks.example.com/a");
  EXPECT_EQ(RedactedUrl("http://127.0.0.1:8080/hook"), "http://127.0.0.1:8080/hook");
}

TEST(Webhooks, APostToAClosedPortHasNoAnswerAndSaysWhy) {
  // A port bound and never listened on: connections to it are refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/hook";
  auto results = PostAll({{.url = url, .body = "{}"}, {.url = "ftp://127.0.0.1/x", .body = "{}"}},
                         std::chrono::milliseconds(2000));
  ::close(fd);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, 0);
  EXPECT_FALSE(results[0].error.empty());
  // Only http(s) is ever spoken.
  EXPECT_EQ(results[1].status, 0);
  EXPECT_FALSE(results[1].error.empty());
}

}  // namespace
}  // namespace authd
