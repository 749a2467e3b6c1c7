// The AuditStore contract (store/audit_store.h) on every backend, and the events UserStore
// records in its own transactions.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using AuditStoreTest = StoreWithUserTest;

AuditEvent Event(std::string type, int64_t time_us, std::optional<int64_t> subject,
                 std::string actor = "system") {
  return AuditEvent{.time_us = time_us,
                    .type = std::move(type),
                    .actor = std::move(actor),
                    .subject_user_id = subject,
                    .client_address = "192.0.2.7",
                    .user_agent = "curl/8",
                    .request_id = "req-1",
                    .details = R"({"reason":"bad_credentials"})"};
}

std::vector<std::string> Types(const std::vector<AuditEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

TEST_P(AuditStoreTest, AppendsAndListsNewestFirstWithFilters) {
  AuditStore& audit = store_->audit();
  auto first = audit.Append(Event("login.failed", 100, user_id_));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(audit.Append(Event("login.succeeded", 200, user_id_, std::to_string(user_id_))).ok());
  ASSERT_TRUE(audit.Append(Event("login.failed", 300, std::nullopt)).ok());
  auto all = audit.List({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Types(*all), (std::vector<std::string>{"login.failed", "login.succeeded", "login.failed"}));
  const AuditEvent& oldest = all->back();
  EXPECT_EQ(oldest.id, *first);
  EXPECT_EQ(oldest.time_us, 100);
  EXPECT_EQ(oldest.outcome, "success");
  EXPECT_EQ(oldest.actor, "system");
  EXPECT_EQ(oldest.subject_user_id, user_id_);
  EXPECT_EQ(oldest.client_address, "192.0.2.7");
  EXPECT_EQ(oldest.user_agent, "curl/8");
  EXPECT_EQ(oldest.request_id, "req-1");
  EXPECT_EQ(oldest.details, R"({"reason":"bad_credentials"})");
  EXPECT_FALSE(all->front().subject_user_id.has_value());

  EXPECT_EQ(audit.List({.subject_user_id = user_id_})->size(), 2u);
  EXPECT_EQ(audit.List({.type = "login.failed"})->size(), 2u);
  EXPECT_EQ(audit.List({.actor = std::to_string(user_id_)})->size(), 1u);
  EXPECT_EQ(Types(*audit.List({.since_us = 200})), (std::vector<std::string>{"login.failed", "login.succeeded"}));
  EXPECT_EQ(Types(*audit.List({.until_us = 200})), (std::vector<std::string>{"login.failed"}));
  // The cursor: a page of one, then the events older than its last.
  auto page = audit.List({.limit = 1});
  ASSERT_EQ(page->size(), 1u);
  auto rest = audit.List({.before_id = page->front().id});
  EXPECT_EQ(rest->size(), 2u);
  EXPECT_LT(rest->front().id, page->front().id);

  EXPECT_EQ(*audit.DeleteOlderThan(250), 2);
  EXPECT_EQ(audit.List({})->size(), 1u);
}

TEST_P(AuditStoreTest, UserChangesRecordTheirEventsInTheirTransaction) {
  auto created = store_->users().Create(NewUser{.username = "bob", .password_hash = "h"},
                                        Effects{.events = {Event("user.registered", 1, std::nullopt)}});
  ASSERT_TRUE(created.ok());
  auto registered = store_->audit().List({.type = "user.registered"});
  ASSERT_EQ(registered->size(), 1u);
  EXPECT_EQ(registered->front().subject_user_id, created->id);  // set to the new id
  // A refused creation records nothing.
  EXPECT_FALSE(store_->users().Create(NewUser{.username = "bob", .password_hash = "h"},
                                      Effects{.events = {Event("user.registered", 2, std::nullopt)}}).ok());
  EXPECT_EQ(store_->audit().List({.type = "user.registered"})->size(), 1u);

  UserUpdate change{.first_name = "Bob"};
  change.events.push_back(Event("admin.user_updated", 3, created->id));
  ASSERT_TRUE(store_->users().Update(created->id, change).ok());
  // An update refused (a spent token) records nothing, and changes nothing.
  UserUpdate refused{.first_name = "Robert", .spend_token = "no-such-token"};
  refused.events.push_back(Event("password.reset", 4, created->id));
  EXPECT_FALSE(store_->users().Update(created->id, refused).ok());
  EXPECT_EQ(store_->users().FindById(created->id)->first_name, "Bob");
  EXPECT_TRUE(store_->audit().List({.type = "password.reset"})->empty());

  ASSERT_TRUE(store_->users().Delete(created->id, {Event("admin.user_deleted", 5, created->id)}).ok());
  EXPECT_EQ(store_->users().Delete(created->id, {Event("admin.user_deleted", 6, created->id)}).code(),
            StatusCode::kNotFound);
  // The events outlive the user.
  EXPECT_EQ(Types(*store_->audit().List({.subject_user_id = created->id})),
            (std::vector<std::string>{"admin.user_deleted", "admin.user_updated", "user.registered"}));
}

AUTHD_FOR_EACH_BACKEND(AuditStoreTest);

}  // namespace
}  // namespace authd
