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

TEST_P(AuditStoreTest, CountsTypesPerPeriodFromASince) {
  AuditStore& audit = store_->audit();
  for (auto [type, time] : std::vector<std::pair<const char*, int64_t>>{
           {"login.succeeded", 50},    // before since: not counted
           {"login.succeeded", 100},   // period 0 starts at since
           {"login.failed", 150},
           {"login.succeeded", 199},
           {"login.succeeded", 200},   // period 1
           {"logout", 210},            // a type not asked for
           {"login.failed", 420}}) {   // period 3
    ASSERT_TRUE(audit.Append(Event(type, time, user_id_)).ok());
  }
  auto counts = audit.CountByPeriod({"login.succeeded", "login.failed"}, 100, 100);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  std::vector<std::tuple<int64_t, std::string, int64_t>> got;
  for (const PeriodCount& c : *counts) got.emplace_back(c.period, c.type, c.count);
  EXPECT_EQ(got, (std::vector<std::tuple<int64_t, std::string, int64_t>>{
                     {0, "login.failed", 1}, {0, "login.succeeded", 2},
                     {1, "login.succeeded", 1}, {3, "login.failed", 1}}));
  EXPECT_TRUE(audit.CountByPeriod({}, 0, 100)->empty());
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

TEST_P(AuditStoreTest, FactorChangesRecordTheirEventsOnlyWhenTheyChangeSomething) {
  MfaStore& mfa = store_->mfa();
  auto count = [&](const char* type) { return store_->audit().List({.type = type})->size(); };
  // Nothing pending, nothing to delete, no such code: nothing recorded.
  EXPECT_FALSE(mfa.ConfirmTotp(user_id_, 1, {}, {Event("mfa.totp_enabled", 1, user_id_)}).ok());
  ASSERT_TRUE(mfa.DeleteTotp(user_id_, {Event("mfa.totp_disabled", 1, user_id_)}).ok());
  EXPECT_FALSE(*mfa.SpendRecoveryCode(user_id_, "nope", 1, {Event("mfa.recovery_code_used", 1, user_id_)}));
  EXPECT_EQ(count("mfa.totp_enabled") + count("mfa.totp_disabled") + count("mfa.recovery_code_used"), 0u);

  ASSERT_TRUE(mfa.SetPendingTotp(user_id_, "plain:s", 1).ok());
  ASSERT_TRUE(mfa.ConfirmTotp(user_id_, 1, {"c"}, {Event("mfa.totp_enabled", 2, user_id_)}).ok());
  EXPECT_TRUE(*mfa.SpendRecoveryCode(user_id_, "c", 3, {Event("mfa.recovery_code_used", 3, user_id_)}));
  ASSERT_TRUE(mfa.DeleteTotp(user_id_, {Event("mfa.totp_disabled", 4, user_id_)}).ok());
  EXPECT_EQ(count("mfa.totp_enabled") + count("mfa.totp_disabled") + count("mfa.recovery_code_used"), 3u);

  PasskeyStore& keys = store_->passkeys();
  const Passkey key{.user_id = user_id_, .credential_id = "k", .public_key = "p", .alg = -7,
                    .user_handle = "h", .name = "n", .created_at = 1};
  auto id = keys.Insert(key, {Event("webauthn.added", 5, user_id_)});
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(keys.Insert(key, {Event("webauthn.added", 6, user_id_)}).ok());  // taken
  EXPECT_FALSE(*keys.Delete(user_id_ + 1, *id, {Event("webauthn.removed", 7, user_id_)}));
  EXPECT_TRUE(*keys.Delete(user_id_, *id, {Event("webauthn.removed", 8, user_id_)}));
  EXPECT_EQ(count("webauthn.added"), 1u);
  EXPECT_EQ(count("webauthn.removed"), 1u);
  ASSERT_TRUE(mfa.DeleteAllFactors(user_id_, {Event("admin.mfa_reset", 9, user_id_)}).ok());
  EXPECT_EQ(count("admin.mfa_reset"), 1u);
}

TEST_P(AuditStoreTest, RevocationsRecordTheirEventsInTheirTransaction) {
  TokenStore& tokens = store_->tokens();
  for (const char* jti : {"a", "b"}) {
    ASSERT_TRUE(tokens.Insert({.jti = jti, .user_id = user_id_, .family = jti, .issued_at = 1,
                               .expires_at = 1000}).ok());
  }
  EXPECT_EQ(*tokens.RevokeFamily("a", 5, "logout", {Event("logout", 5, user_id_)}), 1);
  EXPECT_EQ(*tokens.RevokeUser(user_id_, 6, "revoke_all", {Event("session.revoked_all", 6, user_id_)}), 1);
  EXPECT_EQ(Types(*store_->audit().List({.subject_user_id = user_id_})),
            (std::vector<std::string>{"session.revoked_all", "logout"}));
}

AUTHD_FOR_EACH_BACKEND(AuditStoreTest);

}  // namespace
}  // namespace authd
