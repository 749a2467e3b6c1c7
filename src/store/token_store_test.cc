// Refresh-token records on every backend (store_test_fixture.h): rotation's single winner, revocation, listing,
// flushing, and survival across reopening.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

class TokenStoreTest : public StoreWithUserTest {
 protected:
  RefreshTokenRecord Record(std::string jti, std::string family, int64_t issued = 100,
                            int64_t expires = 1000) {
    return {.jti = std::move(jti), .user_id = user_id_, .family = std::move(family),
            .issued_at = issued, .expires_at = expires, .user_agent = "curl/8",
            .client_address = "127.0.0.1"};
  }
  TokenStore& tokens() { return store_->tokens(); }
};
AUTHD_FOR_EACH_BACKEND(TokenStoreTest);

TEST_P(TokenStoreTest, RecordsAndFinds) {
  ASSERT_TRUE(tokens().Insert(Record("a", "a")).ok());
  auto r = tokens().Find("a");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->user_id, user_id_);
  EXPECT_EQ(r->family, "a");
  EXPECT_EQ(r->issued_at, 100);
  EXPECT_EQ(r->expires_at, 1000);
  EXPECT_EQ(r->user_agent, "curl/8");
  EXPECT_EQ(r->client_address, "127.0.0.1");
  EXPECT_TRUE(r->live());
  EXPECT_FALSE(r->last_used_at);
  EXPECT_EQ(tokens().Insert(Record("a", "a")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(tokens().Find("zzz").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(tokens().Touch("a", 150).ok());
  EXPECT_EQ(tokens().Find("a")->last_used_at, 150);
}

TEST_P(TokenStoreTest, FindsATokenAndItsUserInOneRead) {
  ASSERT_TRUE(tokens().Insert(Record("a", "a")).ok());
  ASSERT_TRUE(tokens().RevokeFamily("a", 150, "logout").ok());

  auto both = tokens().FindForRefresh("a", user_id_);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  ASSERT_TRUE(both->record);
  EXPECT_EQ(both->record->jti, "a");
  EXPECT_EQ(both->record->revoked_at, 150);
  EXPECT_EQ(both->record->revoke_reason, "logout");
  ASSERT_TRUE(both->owner);
  EXPECT_EQ(both->owner->id, user_id_);
  EXPECT_EQ(both->owner->username, store_->users().FindById(user_id_)->username);

  auto unrecorded = tokens().FindForRefresh("never-issued", user_id_);
  ASSERT_TRUE(unrecorded.ok());
  EXPECT_FALSE(unrecorded->record);
  EXPECT_TRUE(unrecorded->owner);

  auto ownerless = tokens().FindForRefresh("a", user_id_ + 1000);
  ASSERT_TRUE(ownerless.ok());
  EXPECT_TRUE(ownerless->record);
  EXPECT_FALSE(ownerless->owner);

  auto neither = tokens().FindForRefresh("never-issued", user_id_ + 1000);
  ASSERT_TRUE(neither.ok());
  EXPECT_FALSE(neither->record);
  EXPECT_FALSE(neither->owner);
}

TEST_P(TokenStoreTest, RotationRetiresTheOldTokenAndRecordsTheNew) {
  ASSERT_TRUE(tokens().Insert(Record("a", "a")).ok());
  auto rotated = tokens().Rotate("a", 200, Record("b", "a", 200, 1200));
  ASSERT_TRUE(rotated.ok());
  EXPECT_TRUE(*rotated);
  auto old = tokens().Find("a");
  EXPECT_FALSE(old->live());
  EXPECT_EQ(old->rotated_at, 200);
  EXPECT_EQ(old->replaced_by, "b");
  EXPECT_TRUE(tokens().Find("b")->live());
  // A retired token cannot be rotated again, and nothing is recorded for the attempt.
  EXPECT_FALSE(*tokens().Rotate("a", 300, Record("c", "a", 300, 1300)));
  EXPECT_EQ(tokens().Find("c").status().code(), StatusCode::kNotFound);
}

TEST_P(TokenStoreTest, ConcurrentRotationsOfOneTokenHaveOneWinner) {
  ASSERT_TRUE(tokens().Insert(Record("root", "root")).ok());
  std::atomic<int> won{0}, lost{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = tokens().Rotate("root", 200, Record("next" + std::to_string(i), "root"));
      if (!r.ok()) ++failed;
      else if (*r) ++won;
      else ++lost;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 7);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(tokens().ListLive(user_id_, 150)->size(), 1u);
}

TEST_P(TokenStoreTest, RevokesFamiliesAndUsers) {
  ASSERT_TRUE(tokens().Insert(Record("a", "a")).ok());
  ASSERT_TRUE(*tokens().Rotate("a", 200, Record("b", "a")));
  ASSERT_TRUE(tokens().Insert(Record("x", "x")).ok());

  EXPECT_EQ(*tokens().RevokeFamily("a", 300, "reuse"), 2);
  EXPECT_EQ(tokens().Find("a")->revoke_reason, "reuse");
  EXPECT_EQ(tokens().Find("b")->revoked_at, 300);
  EXPECT_TRUE(tokens().Find("x")->live());
  EXPECT_EQ(*tokens().RevokeFamily("a", 400, "again"), 0);  // already revoked: kept as it was
  EXPECT_EQ(tokens().Find("a")->revoke_reason, "reuse");

  EXPECT_EQ(store_->users().FindById(user_id_)->tokens_valid_after, 0);
  EXPECT_EQ(*tokens().RevokeUser(user_id_, 500, "logout_all"), 1);
  EXPECT_FALSE(tokens().Find("x")->live());
}

TEST_P(TokenStoreTest, RevokingAUserMovesItsCutoffForwardOnly) {
  // The cutoff refuses tokens the store never recorded; it moves with the revocation.
  EXPECT_EQ(*tokens().RevokeUser(user_id_, 500, "logout_all"), 0);
  EXPECT_EQ(store_->users().FindById(user_id_)->tokens_valid_after, 500);
  EXPECT_EQ(*tokens().RevokeUser(user_id_, 400, "clock went back"), 0);
  EXPECT_EQ(store_->users().FindById(user_id_)->tokens_valid_after, 500);
  EXPECT_EQ(*tokens().RevokeUser(user_id_, 700, "again"), 0);
  auto lookup = tokens().FindForRefresh("none", user_id_);
  ASSERT_TRUE(lookup.ok() && lookup->owner);
  EXPECT_EQ(lookup->owner->tokens_valid_after, 700);
}

TEST_P(TokenStoreTest, ListsOnlyLiveUnexpiredTokensNewestFirst) {
  ASSERT_TRUE(tokens().Insert(Record("old", "old", 100, 1000)).ok());
  ASSERT_TRUE(tokens().Insert(Record("new", "new", 200, 1000)).ok());
  ASSERT_TRUE(tokens().Insert(Record("gone", "gone", 150, 300)).ok());
  ASSERT_TRUE(tokens().Insert(Record("dead", "dead", 150, 1000)).ok());
  ASSERT_TRUE(*tokens().RevokeFamily("dead", 160, "logout") == 1);
  auto live = tokens().ListLive(user_id_, 400);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].jti, "new");
  EXPECT_EQ((*live)[1].jti, "old");
  // Over every user, the same rule: not expired, rotated away or revoked.
  EXPECT_EQ(*tokens().CountLive(400), 2);
  EXPECT_EQ(*tokens().CountLive(100), 3);  // "gone" had not expired yet; "dead" never counts
}

TEST_P(TokenStoreTest, FlushDeletesOnlyExpiredRecords) {
  ASSERT_TRUE(tokens().Insert(Record("a", "a", 100, 300)).ok());
  ASSERT_TRUE(tokens().Insert(Record("b", "b", 100, 900)).ok());
  EXPECT_EQ(*tokens().DeleteExpired(500), 1);
  EXPECT_EQ(tokens().Find("a").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(tokens().Find("b").ok());
}

TEST_P(TokenStoreTest, RevocationSurvivesReopening) {
  ASSERT_TRUE(tokens().Insert(Record("a", "a")).ok());
  ASSERT_EQ(*tokens().RevokeFamily("a", 300, "logout"), 1);
  store_.reset();
  store_ = Open();
  EXPECT_EQ(tokens().Find("a")->revoked_at, 300);
}

}  // namespace
}  // namespace authd
