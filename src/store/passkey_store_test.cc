// The PasskeyStore contract (store/passkey_store.h) on every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using PasskeyStoreTest = StoreWithUserTest;

Passkey Key(int64_t user_id, std::string credential_id) {
  return Passkey{.user_id = user_id,
                 .credential_id = std::move(credential_id),
                 .public_key = "pQECAyYgASFYIA",
                 .alg = -7,
                 .sign_count = 5,
                 .user_handle = "aGFuZGxl",
                 .aaguid = "00000000000000000000000000000000",
                 .name = "Laptop",
                 .created_at = 100};
}

TEST_P(PasskeyStoreTest, StoresListsFindsAndDeletes) {
  PasskeyStore& keys = store_->passkeys();
  auto first = keys.Insert(Key(user_id_, "cred-1"), {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = keys.Insert(Key(user_id_, "cred-2"), {});
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
  // A credential id names one passkey, whoever registers it.
  EXPECT_EQ(keys.Insert(Key(user_id_, "cred-1"), {}).status().code(), StatusCode::kAlreadyExists);

  auto list = keys.List(user_id_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].credential_id, "cred-1");
  EXPECT_EQ((*list)[0].public_key, "pQECAyYgASFYIA");
  EXPECT_EQ((*list)[0].alg, -7);
  EXPECT_EQ((*list)[0].sign_count, 5);
  EXPECT_EQ((*list)[0].user_handle, "aGFuZGxl");
  EXPECT_EQ((*list)[0].name, "Laptop");
  EXPECT_EQ((*list)[0].created_at, 100);
  EXPECT_FALSE((*list)[0].last_used_at.has_value());
  EXPECT_FALSE((*list)[0].flagged);
  EXPECT_EQ(*keys.Count(user_id_), 2);

  auto found = keys.Find("cred-2");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, *second);
  EXPECT_EQ(found->user_id, user_id_);
  EXPECT_EQ(keys.Find("nope").status().code(), StatusCode::kNotFound);

  EXPECT_FALSE(*keys.Delete(user_id_ + 1, *second, {}));  // not that user's
  EXPECT_TRUE(*keys.Delete(user_id_, *second, {}));
  EXPECT_FALSE(*keys.Delete(user_id_, *second, {}));
  EXPECT_EQ(*keys.Count(user_id_), 1);
}

TEST_P(PasskeyStoreTest, AUseMovesTheCounterForwardOnly) {
  PasskeyStore& keys = store_->passkeys();
  const int64_t id = *keys.Insert(Key(user_id_, "c"), {});
  EXPECT_FALSE(*keys.RecordUse(id, 5, 200));  // not forward
  EXPECT_FALSE(*keys.RecordUse(id, 4, 200));
  EXPECT_TRUE(*keys.RecordUse(id, 6, 200));
  auto used = keys.Find("c");
  EXPECT_EQ(used->sign_count, 6);
  EXPECT_EQ(used->last_used_at, 200);
  // Of two uses carrying the same counter, one is recorded.
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto r = keys.RecordUse(id, 7, 300);
      if (r.ok() && *r) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  // A flagged passkey takes no use, and does not count.
  ASSERT_TRUE(keys.Flag(id).ok());
  EXPECT_TRUE(keys.Find("c")->flagged);
  EXPECT_FALSE(*keys.RecordUse(id, 100, 400));
  EXPECT_EQ(*keys.Count(user_id_), 0);
}

TEST_P(PasskeyStoreTest, CountersOfZeroAreAuthenticatorsThatKeepNone) {
  PasskeyStore& keys = store_->passkeys();
  Passkey k = Key(user_id_, "z");
  k.sign_count = 0;
  const int64_t id = *keys.Insert(k, {});
  EXPECT_TRUE(*keys.RecordUse(id, 0, 1));
  EXPECT_TRUE(*keys.RecordUse(id, 0, 2));
  EXPECT_TRUE(*keys.RecordUse(id, 3, 3));
  EXPECT_FALSE(*keys.RecordUse(id, 0, 4));  // once counting, zero is going back
}

TEST_P(PasskeyStoreTest, ChallengesAreSpentOnceAndExpire) {
  PasskeyStore& keys = store_->passkeys();
  ASSERT_TRUE(keys.InsertChallenge({.hash = "r", .purpose = "register", .user_id = user_id_,
                                    .expires_at = 100, .user_handle = "aGFuZGxl"}).ok());
  ASSERT_TRUE(keys.InsertChallenge({.hash = "l", .purpose = "login", .expires_at = 100}).ok());
  auto spent = keys.SpendChallenge("r", 99);
  ASSERT_TRUE(spent.ok()) << spent.status().ToString();
  EXPECT_EQ(spent->purpose, "register");
  EXPECT_EQ(spent->user_id, user_id_);
  EXPECT_EQ(spent->user_handle, "aGFuZGxl");
  EXPECT_EQ(keys.SpendChallenge("r", 99).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(keys.SpendChallenge("l", 100).status().code(), StatusCode::kNotFound);  // expired
  EXPECT_EQ(keys.SpendChallenge("l", 1).status().code(), StatusCode::kNotFound);    // and gone

  ASSERT_TRUE(keys.InsertChallenge({.hash = "x", .purpose = "login", .expires_at = 10}).ok());
  ASSERT_TRUE(keys.InsertChallenge({.hash = "y", .purpose = "login", .expires_at = 20}).ok());
  EXPECT_EQ(*keys.DeleteExpiredChallenges(15), 1);
  auto login = keys.SpendChallenge("y", 15);
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->user_id, 0);
}

TEST_P(PasskeyStoreTest, OfTwoSpendersOfAChallengeOneWins) {
  PasskeyStore& keys = store_->passkeys();
  ASSERT_TRUE(keys.InsertChallenge({.hash = "race", .purpose = "mfa", .user_id = user_id_,
                                    .expires_at = 100}).ok());
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (keys.SpendChallenge("race", 1).ok()) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_P(PasskeyStoreTest, AResetOrADeletionTakesThePasskeys) {
  PasskeyStore& keys = store_->passkeys();
  ASSERT_TRUE(keys.Insert(Key(user_id_, "a"), {}).ok());
  ASSERT_TRUE(keys.InsertChallenge({.hash = "h", .purpose = "register", .user_id = user_id_,
                                    .expires_at = 100}).ok());
  ASSERT_TRUE(store_->mfa().DeleteAllFactors(user_id_, {}).ok());
  EXPECT_EQ(*keys.Count(user_id_), 0);
  EXPECT_FALSE(keys.SpendChallenge("h", 1).ok());
  ASSERT_TRUE(keys.Insert(Key(user_id_, "b"), {}).ok());
  ASSERT_TRUE(store_->users().Delete(user_id_).ok());
  EXPECT_EQ(keys.Find("b").status().code(), StatusCode::kNotFound);
}

AUTHD_FOR_EACH_BACKEND(PasskeyStoreTest);

}  // namespace
}  // namespace authd
