// The user and secret stores, and migrations, on every backend (store_test_fixture.h).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using UserStoreTest = StoreTest;
AUTHD_FOR_EACH_BACKEND(UserStoreTest);

TEST_P(UserStoreTest, CreatesAndFindsUsers) {
  auto created = store_->users().Create(Alice());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->id, 1);
  EXPECT_EQ(created->username, "alice");
  EXPECT_FALSE(created->last_login_us);

  auto by_name = store_->users().FindByUsername("alice");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->email, "a@example.com");
  EXPECT_EQ(by_name->first_name, "Al");
  EXPECT_EQ(by_name->date_joined_us, 1'000'000);

  auto by_id = store_->users().FindById(created->id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->username, "alice");

  EXPECT_EQ(store_->users().FindById(99).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->users().FindByUsername("Alice").status().code(), StatusCode::kNotFound);
}

TEST_P(UserStoreTest, UsernamesAreUnique) {
  ASSERT_TRUE(store_->users().Create(Alice()).ok());
  EXPECT_EQ(store_->users().Create(Alice()).status().code(), StatusCode::kAlreadyExists);
}

TEST_P(UserStoreTest, ConcurrentRegistrationsOfOneNameHaveOneWinner) {
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = store_->users().Create(Alice());
      if (r.ok()) ++won;
      else if (r.status().code() == StatusCode::kAlreadyExists) ++lost;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 7);
}

TEST_P(UserStoreTest, UpdatesPasswordAndLastLogin) {
  auto u = store_->users().Create(Alice());
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(store_->users().SetPasswordHash(u->id, "new").ok());
  EXPECT_TRUE(store_->users().SetLastLogin(u->id, 42).ok());
  auto again = store_->users().FindById(u->id);
  EXPECT_EQ(again->password_hash, "new");
  EXPECT_EQ(again->last_login_us, 42);
  EXPECT_EQ(store_->users().SetPasswordHash(999, "x").code(), StatusCode::kNotFound);
}

TEST_P(UserStoreTest, DataSurvivesReopening) {
  ASSERT_TRUE(store_->users().Create(Alice()).ok());
  store_.reset();
  store_ = Open();
  EXPECT_TRUE(store_->users().FindByUsername("alice").ok());
}

TEST_P(UserStoreTest, IdsAreNeverReused) {
  auto a = store_->users().Create(Alice());
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(Sql("DELETE FROM users"));
  auto b = store_->users().Create(Alice());
  ASSERT_TRUE(b.ok());
  EXPECT_GT(b->id, a->id);
}

TEST_P(UserStoreTest, ImportsKeepTheirIdsAndFieldsAndNewIdsGoAbove) {
  ASSERT_TRUE(store_->users().Create(Alice()).ok());  // id 1
  User imported{.id = 42, .username = "django", .password_hash = "pbkdf2_sha256$1$s$h",
                .email = "d@example.com", .first_name = "Dj", .last_name = "Ango",
                .is_active = false, .is_staff = true, .is_superuser = true,
                .date_joined_us = 1'500'000'123'456, .last_login_us = 1'600'000'000'001};
  ASSERT_TRUE(store_->users().Import(imported).ok());
  auto back = store_->users().FindById(42);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->username, "django");
  EXPECT_EQ(back->password_hash, "pbkdf2_sha256$1$s$h");
  EXPECT_EQ(back->last_name, "Ango");
  EXPECT_FALSE(back->is_active);
  EXPECT_TRUE(back->is_staff && back->is_superuser);
  EXPECT_EQ(back->date_joined_us, 1'500'000'123'456);
  EXPECT_EQ(back->last_login_us, 1'600'000'000'001);

  // Taken ids and taken names are refused, and nothing changes.
  User same_id = imported;
  same_id.username = "other";
  EXPECT_EQ(store_->users().Import(same_id).code(), StatusCode::kAlreadyExists);
  User same_name = imported;
  same_name.id = 43;
  EXPECT_EQ(store_->users().Import(same_name).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->users().FindById(43).status().code(), StatusCode::kNotFound);

  NewUser later = Alice();
  later.username = "later";
  auto created = store_->users().Create(later);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->id, 43);
}

TEST_P(UserStoreTest, SecretsAreCreatedOnceAndKept) {
  int calls = 0;
  auto make = [&] { ++calls; return std::string("first"); };
  EXPECT_EQ(*store_->secrets().GetOrCreate("k", make), "first");
  EXPECT_EQ(*store_->secrets().GetOrCreate("k", [] { return std::string("second"); }), "first");
  EXPECT_EQ(calls, 1);
  store_.reset();
  store_ = Open();
  EXPECT_EQ(*store_->secrets().GetOrCreate("k", [] { return std::string("third"); }), "first");
}

TEST_P(UserStoreTest, MigrationsAreIdempotentAndVersioned) {
  EXPECT_TRUE(store_->Migrate().ok());
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, kSchemaVersion);
}

TEST_P(UserStoreTest, InstancesStartingTogetherMigrateOnce) {
  // The fixture's store migrated an empty database; start again from nothing, then let eight
  // "instances" (each its own store, so its own connections) migrate at the same moment.
  store_.reset();
  ASSERT_TRUE(Sql("DROP TABLE oauth_clients; DROP TABLE oidc_codes; DROP TABLE oidc_identities; DROP TABLE oidc_flows; "
                  "DROP TABLE webhook_deliveries; DROP TABLE webhook_subscriptions; "
                  "DROP TABLE events; DROP TABLE webauthn_credentials; DROP TABLE webauthn_challenges; "
                  "DROP TABLE mfa_totp; DROP TABLE mfa_recovery_codes; DROP TABLE mfa_challenges; "
                  "DROP TABLE outbox; DROP TABLE one_time_tokens; DROP TABLE throttle; "
                  "DROP TABLE refresh_tokens; DROP TABLE secrets; DROP TABLE users; "
                  "DROP TABLE schema_migrations"));
  constexpr int kInstances = 8;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kInstances; ++i) stores.push_back(std::move(OpenStore(url_, {})).value());
  std::vector<Status> results(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(); });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  store_ = std::move(stores[0]);
  EXPECT_EQ(*store_->SchemaVersion(), kSchemaVersion);
  EXPECT_TRUE(store_->users().Create(Alice()).ok());
}

TEST_P(UserStoreTest, RefusesADatabaseFromANewerAuthd) {
  ASSERT_TRUE(Sql("INSERT INTO schema_migrations VALUES (999, 'future', 0)"));
  Status s = store_->Migrate();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("999"), std::string::npos);
}

TEST_P(UserStoreTest, UpdatesOnlyTheFieldsGiven) {
  auto u = store_->users().Create(Alice());
  ASSERT_TRUE(u.ok());
  auto updated = store_->users().Update(u->id, {.email = "new@example.com", .is_active = false});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->email, "new@example.com");
  EXPECT_FALSE(updated->is_active);
  EXPECT_EQ(updated->first_name, "Al");
  EXPECT_EQ(updated->password_hash, "h");
  EXPECT_FALSE(updated->is_staff);

  auto again = store_->users().Update(u->id, {.last_name = "", .is_staff = true,
                                              .password_hash = "h2"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->last_name, "");
  EXPECT_TRUE(again->is_staff);
  EXPECT_EQ(again->password_hash, "h2");
  EXPECT_EQ(again->email, "new@example.com");
  EXPECT_EQ(store_->users().FindById(u->id)->password_hash, "h2");
  EXPECT_EQ(store_->users().Update(999, {.is_active = true}).status().code(),
            StatusCode::kNotFound);
}

TEST_P(UserStoreTest, DeletesUsersAndTheirTokens) {
  auto u = store_->users().Create(Alice());
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(store_->tokens().Insert({.jti = "j1", .user_id = u->id, .family = "j1",
                                       .issued_at = 1, .expires_at = 100}).ok());
  EXPECT_TRUE(store_->users().Delete(u->id).ok());
  EXPECT_EQ(store_->users().FindById(u->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->tokens().Find("j1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->users().Delete(u->id).code(), StatusCode::kNotFound);
}

TEST_P(UserStoreTest, ListsPagesAndSearchesUsernameAndEmail) {
  for (const char* name : {"alice", "bob", "carol", "dave_x", "eve"}) {
    NewUser nu = Alice();
    nu.username = name;
    nu.email = std::string(name) + (std::string(name) == "eve" ? "@Corp.example" : "@example.com");
    ASSERT_TRUE(store_->users().Create(nu).ok());
  }
  auto all = store_->users().List({.offset = 0, .limit = 2});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->count, 5);
  ASSERT_EQ(all->users.size(), 2u);
  EXPECT_EQ(all->users[0].username, "alice");
  EXPECT_EQ(all->users[1].username, "bob");
  auto last = store_->users().List({.offset = 4, .limit = 2});
  ASSERT_EQ(last->users.size(), 1u);
  EXPECT_EQ(last->users[0].username, "eve");

  // Case-insensitive, in username or email; every term must match.
  auto corp = store_->users().List({.search_terms = {"CORP"}, .limit = 10});
  ASSERT_EQ(corp->count, 1);
  EXPECT_EQ(corp->users[0].username, "eve");
  EXPECT_EQ(store_->users().List({.search_terms = {"a"}, .limit = 10})->count, 5);
  auto both = store_->users().List({.search_terms = {"a", "BOB"}, .limit = 10});
  ASSERT_EQ(both->count, 1);
  EXPECT_EQ(both->users[0].username, "bob");
  // LIKE wildcards in a term are matched literally.
  auto underscore = store_->users().List({.search_terms = {"_"}, .limit = 10});
  ASSERT_EQ(underscore->count, 1);
  EXPECT_EQ(underscore->users[0].username, "dave_x");
  auto percent = store_->users().List({.search_terms = {"%"}, .limit = 10});
  EXPECT_EQ(percent->count, 0);
}

TEST_P(UserStoreTest, ListsInTheOrderAskedWithNeverLoggedInLast) {
  // Joined in the order created; names in another order; two have logged in.
  int64_t joined = 1'000'000;
  std::vector<int64_t> ids;
  for (const char* name : {"carol", "alice", "bob", "dave"}) {
    NewUser nu = Alice();
    nu.username = name;
    nu.date_joined_us = joined += 1'000'000;
    auto u = store_->users().Create(nu);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    ids.push_back(u->id);
  }
  ASSERT_TRUE(store_->users().SetLastLogin(ids[2], 5'000'000).ok());  // bob
  ASSERT_TRUE(store_->users().SetLastLogin(ids[3], 9'000'000).ok());  // dave
  auto names = [&](UserOrder order, bool descending) {
    std::vector<std::string> out;
    auto page = store_->users().List({.order = order, .descending = descending, .limit = 10});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    for (const User& u : page->users) out.push_back(u.username);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(UserOrder::kId, false), (V{"carol", "alice", "bob", "dave"}));
  EXPECT_EQ(names(UserOrder::kId, true), (V{"dave", "bob", "alice", "carol"}));
  EXPECT_EQ(names(UserOrder::kUsername, false), (V{"alice", "bob", "carol", "dave"}));
  EXPECT_EQ(names(UserOrder::kUsername, true), (V{"dave", "carol", "bob", "alice"}));
  EXPECT_EQ(names(UserOrder::kDateJoined, true), (V{"dave", "bob", "alice", "carol"}));
  EXPECT_EQ(names(UserOrder::kLastLogin, false), (V{"bob", "dave", "carol", "alice"}));
  EXPECT_EQ(names(UserOrder::kLastLogin, true), (V{"dave", "bob", "alice", "carol"}));
}

TEST(OpenStore, RejectsUnknownUrls) {
  EXPECT_EQ(OpenStore("mysql://x", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("sqlite://", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("sqlite:///nonexistent-dir/x/y.db", {}).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace authd
