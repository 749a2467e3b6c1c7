// The WebhookStore contract (store/webhook_store.h) on every backend: the trigger that queues
// deliveries with each event, the claim's lease and its order per URL and subject, and the
// marks an operator reads and resets.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using WebhookStoreTest = StoreWithUserTest;

constexpr int64_t kSecond = 1'000'000;

AuditEvent Event(std::string type, int64_t time_us, std::optional<int64_t> subject) {
  return AuditEvent{.time_us = time_us, .type = std::move(type), .actor = "system",
                    .subject_user_id = subject};
}

// "url type" for each delivery, oldest first.
std::vector<std::string> Pairs(std::vector<WebhookDelivery> deliveries) {
  std::vector<std::string> out;
  for (auto it = deliveries.rbegin(); it != deliveries.rend(); ++it) {
    out.push_back(it->url + " " + it->event_type);
  }
  return out;
}

std::vector<int64_t> Ids(const std::vector<WebhookDelivery>& deliveries) {
  std::vector<int64_t> out;
  for (const auto& d : deliveries) out.push_back(d.event_id);
  return out;
}

TEST_P(WebhookStoreTest, EachEventQueuesOneDeliveryPerMatchingUrl) {
  WebhookStore& hooks = store_->webhooks();
  ASSERT_TRUE(hooks.Subscribe({{"http://all/", "*"},
                               {"http://login/", "login.*"},
                               {"http://login/", "logout"},
                               {"http://login/", "*"}})
                  .ok());
  // Replaced, not added to: only the last list counts.
  ASSERT_TRUE(hooks.Subscribe({{"http://all/", "*"},
                               {"http://login/", "login.*"},
                               {"http://login/", "logout"},
                               {"http://reg/", "user.registered"}})
                  .ok());
  for (const char* type : {"login.failed", "user.registered", "logout", "loginx.failed", "login",
                           "user_registered"}) {
    ASSERT_TRUE(store_->audit().Append(Event(type, 10, user_id_)).ok()) << type;
  }
  auto all = hooks.List(std::nullopt, std::nullopt, 100);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Pairs(*all), (std::vector<std::string>{
                             "http://all/ login.failed", "http://login/ login.failed",
                             "http://all/ user.registered", "http://reg/ user.registered",
                             "http://all/ logout", "http://login/ logout",
                             "http://all/ loginx.failed", "http://all/ login",
                             "http://all/ user_registered"}));
  const WebhookDelivery& first = all->back();
  EXPECT_EQ(first.status, kDeliveryPending);
  EXPECT_EQ(first.subject_user_id, user_id_);
  EXPECT_EQ(first.created_at, 10);
  EXPECT_EQ(first.next_attempt_at, 10);
  EXPECT_EQ(first.give_up_at, 10 + kWebhookRetryWindowUs);
  EXPECT_EQ(*hooks.Pending(), 9);

  // No subscription, no delivery: what every event costs when webhooks are off.
  ASSERT_TRUE(hooks.Subscribe({}).ok());
  ASSERT_TRUE(store_->audit().Append(Event("logout", 20, user_id_)).ok());
  EXPECT_EQ(*hooks.Pending(), 9);
}

TEST_P(WebhookStoreTest, DeliveriesOfOneUrlAndSubjectAreClaimedInOrder) {
  WebhookStore& hooks = store_->webhooks();
  ASSERT_TRUE(hooks.Subscribe({{"http://a/", "*"}, {"http://b/", "*"}}).ok());
  auto e1 = store_->audit().Append(Event("login.failed", 10, user_id_));
  auto e2 = store_->audit().Append(Event("logout", 20, user_id_));
  auto e3 = store_->audit().Append(Event("login.failed", 30, std::nullopt));
  ASSERT_TRUE(e1.ok() && e2.ok() && e3.ok());

  // The first of each URL and subject: e1 to both URLs, and e3 (nobody's) to both.
  auto claimed = hooks.Claim(100, 100 + 60 * kSecond, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  EXPECT_EQ(Ids(*claimed), (std::vector<int64_t>{*e1, *e1, *e3, *e3}));
  ASSERT_TRUE(claimed->front().event.has_value());
  EXPECT_EQ(claimed->front().event->type, "login.failed");
  EXPECT_EQ(claimed->front().event->subject_user_id, user_id_);
  EXPECT_EQ(claimed->front().attempts, 1);
  EXPECT_EQ(claimed->front().last_attempt_at, 100);
  // Leased: nobody else gets them, and e2 waits behind e1.
  EXPECT_TRUE(hooks.Claim(101, 200, 10)->empty());

  const WebhookDelivery& to_a = (*claimed)[0].url == "http://a/" ? (*claimed)[0] : (*claimed)[1];
  const WebhookDelivery& to_b = (*claimed)[0].url == "http://a/" ? (*claimed)[1] : (*claimed)[0];
  ASSERT_TRUE(hooks.Delivered(to_a.id, 204, 102).ok());
  ASSERT_TRUE(hooks.Retry(to_b.id, 500, 503, "HTTP 503").ok());
  // e2 goes to a now; b's e2 waits for b's e1, which waits for its retry.
  auto next = hooks.Claim(103, 10 * kSecond, 10);
  ASSERT_EQ(Ids(*next), (std::vector<int64_t>{*e2}));
  EXPECT_EQ(next->front().url, "http://a/");
  EXPECT_TRUE(hooks.Claim(499, 600, 10)->empty());
  auto retried = hooks.Claim(500, 600, 10);
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ(retried->front().id, to_b.id);
  EXPECT_EQ(retried->front().attempts, 2);
  EXPECT_EQ(retried->front().last_response, 503);
  EXPECT_EQ(retried->front().last_error, "HTTP 503");

  // A lease that lapses (its claimer died) hands the delivery out again.
  auto again = hooks.Claim(600, 700, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().id, to_b.id);
  EXPECT_EQ(again->front().attempts, 3);
}

TEST_P(WebhookStoreTest, FailedDeliveriesStopUntilRequeued) {
  WebhookStore& hooks = store_->webhooks();
  ASSERT_TRUE(hooks.Subscribe({{"http://a/", "*"}}).ok());
  ASSERT_TRUE(store_->audit().Append(Event("login.failed", 10, user_id_)).ok());
  ASSERT_TRUE(store_->audit().Append(Event("logout", 20, user_id_)).ok());
  auto first = hooks.Claim(100, 200, 10);
  ASSERT_EQ(first->size(), 1u);
  const int64_t id = first->front().id;
  EXPECT_EQ(hooks.Requeue(id, 150).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(hooks.Fail(id, 0, "Could not connect to server").ok());
  // A failed delivery no longer holds up the next one of its subject.
  auto second = hooks.Claim(300, 400, 10);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().event_type, "logout");
  ASSERT_TRUE(hooks.Delivered(second->front().id, 200, 301).ok());

  auto failed = hooks.List(std::string(kDeliveryFailed), std::nullopt, 10);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().id, id);
  EXPECT_EQ(failed->front().last_error, "Could not connect to server");
  EXPECT_EQ(hooks.List(std::string(kDeliveryDelivered), std::nullopt, 10)->size(), 1u);
  EXPECT_EQ(*hooks.Pending(), 0);
  // The cursor: deliveries older than the one given.
  EXPECT_EQ(hooks.List(std::nullopt, second->front().id, 10)->front().id, id);
  EXPECT_TRUE(hooks.List(std::nullopt, id, 10)->empty());

  auto requeued = hooks.Requeue(id, 1000);
  ASSERT_TRUE(requeued.ok()) << requeued.status().ToString();
  EXPECT_EQ(requeued->status, kDeliveryPending);
  EXPECT_EQ(requeued->give_up_at, 1000 + kWebhookRetryWindowUs);
  EXPECT_EQ(hooks.Requeue(id + 100, 1000).status().code(), StatusCode::kNotFound);
  auto claimed = hooks.Claim(1000, 1100, 10);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().id, id);
  EXPECT_EQ(claimed->front().attempts, 2);
}

TEST_P(WebhookStoreTest, FinishedDeliveriesArePrunedAndPrunedEventsAreMissing) {
  WebhookStore& hooks = store_->webhooks();
  ASSERT_TRUE(hooks.Subscribe({{"http://a/", "*"}}).ok());
  ASSERT_TRUE(store_->audit().Append(Event("login.failed", 10, 1)).ok());
  ASSERT_TRUE(store_->audit().Append(Event("logout", 20, 2)).ok());
  ASSERT_TRUE(store_->audit().Append(Event("logout", 30, 3)).ok());
  auto claimed = hooks.Claim(100, 200, 10);
  ASSERT_EQ(claimed->size(), 3u);
  ASSERT_TRUE(hooks.Delivered((*claimed)[0].id, 200, 101).ok());
  ASSERT_TRUE(hooks.Fail((*claimed)[1].id, 500, "HTTP 500").ok());
  // Pending ones stay, however old; finished ones go by their age.
  EXPECT_EQ(*hooks.DeleteFinishedBefore(25), 2);
  EXPECT_EQ(*hooks.DeleteFinishedBefore(1000), 0);
  EXPECT_EQ(hooks.List(std::nullopt, std::nullopt, 10)->size(), 1u);
  // Its event pruned by the audit retention, a delivery comes without it.
  ASSERT_TRUE(store_->audit().DeleteOlderThan(1000).ok());
  auto orphan = hooks.Claim(300, 400, 10);
  ASSERT_EQ(orphan->size(), 1u);
  EXPECT_FALSE(orphan->front().event.has_value());
}

AUTHD_FOR_EACH_BACKEND(WebhookStoreTest);

}  // namespace
}  // namespace authd
