// The MfaStore contract (store/mfa_store.h) on every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using MfaStoreTest = StoreWithUserTest;

TEST_P(MfaStoreTest, TotpIsPendingUntilConfirmedAndThenStays) {
  MfaStore& mfa = store_->mfa();
  EXPECT_FALSE(mfa.FindTotp(user_id_)->has_value());
  ASSERT_TRUE(mfa.SetPendingTotp(user_id_, "plain:one", 10).ok());
  ASSERT_TRUE(mfa.SetPendingTotp(user_id_, "plain:two", 11).ok());  // replaces the pending one
  auto pending = mfa.FindTotp(user_id_);
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->sealed_secret, "plain:two");
  EXPECT_FALSE((*pending)->confirmed);
  EXPECT_EQ(mfa.AcceptTotpStep(user_id_, 5).value(), false);  // not on yet
  ASSERT_TRUE(mfa.ConfirmTotp(user_id_, 100, {"h1", "h2"}, {}).ok());
  EXPECT_EQ(mfa.ConfirmTotp(user_id_, 101, {}, {}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(mfa.SetPendingTotp(user_id_, "plain:three", 12).code(), StatusCode::kFailedPrecondition);
  auto on = mfa.FindTotp(user_id_);
  EXPECT_TRUE((*on)->confirmed);
  EXPECT_EQ((*on)->sealed_secret, "plain:two");
  EXPECT_EQ(*mfa.RecoveryCodesLeft(user_id_), 2);
  ASSERT_TRUE(mfa.DeleteTotp(user_id_, {}).ok());
  EXPECT_FALSE(mfa.FindTotp(user_id_)->has_value());
  EXPECT_EQ(*mfa.RecoveryCodesLeft(user_id_), 2);  // they may back up passkeys
}

TEST_P(MfaStoreTest, EachStepIsAcceptedOnceEvenByConcurrentCallers) {
  MfaStore& mfa = store_->mfa();
  ASSERT_TRUE(mfa.SetPendingTotp(user_id_, "plain:s", 1).ok());
  ASSERT_TRUE(mfa.ConfirmTotp(user_id_, 100, {}, {}).ok());
  EXPECT_FALSE(*mfa.AcceptTotpStep(user_id_, 100));  // the confirming code's step
  EXPECT_FALSE(*mfa.AcceptTotpStep(user_id_, 99));   // an earlier one
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      for (;;) {
        auto r = mfa.AcceptTotpStep(user_id_, 101);
        if (!r.ok()) continue;  // a busy SQLite writer: try again
        if (*r) ++won;
        return;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
}

TEST_P(MfaStoreTest, RecoveryCodesAreSpentOnceAndReplacedTogether) {
  MfaStore& mfa = store_->mfa();
  ASSERT_TRUE(mfa.ReplaceRecoveryCodes(user_id_, {"a", "b", "c"}, {}).ok());
  EXPECT_TRUE(*mfa.SpendRecoveryCode(user_id_, "b", 5, {}));
  EXPECT_FALSE(*mfa.SpendRecoveryCode(user_id_, "b", 6, {}));
  EXPECT_FALSE(*mfa.SpendRecoveryCode(user_id_, "z", 6, {}));
  EXPECT_EQ(*mfa.RecoveryCodesLeft(user_id_), 2);
  ASSERT_TRUE(mfa.ReplaceRecoveryCodes(user_id_, {"d"}, {}).ok());
  EXPECT_FALSE(*mfa.SpendRecoveryCode(user_id_, "a", 7, {}));
  EXPECT_EQ(*mfa.RecoveryCodesLeft(user_id_), 1);
}

TEST_P(MfaStoreTest, ChallengesExpireDieAfterFailuresAndAreSpentOnce) {
  MfaStore& mfa = store_->mfa();
  ASSERT_TRUE(mfa.InsertChallenge({.hash = "c1", .user_id = user_id_, .expires_at = 100}).ok());
  ASSERT_TRUE(mfa.InsertChallenge({.hash = "c2", .user_id = user_id_, .expires_at = 100,
                                   .first_factor = "oidc"}).ok());
  EXPECT_EQ(mfa.FindChallenge("c1", 99)->user_id, user_id_);
  EXPECT_EQ(mfa.FindChallenge("c1", 99)->first_factor, "password");
  EXPECT_EQ(mfa.FindChallenge("c2", 99)->first_factor, "oidc");
  EXPECT_EQ(mfa.FindChallenge("c1", 100).status().code(), StatusCode::kNotFound);
  for (int i = 1; i < 5; ++i) EXPECT_EQ(*mfa.ChallengeFailed("c1", 5), i);
  EXPECT_EQ(mfa.FindChallenge("c1", 50)->failures, 4);
  EXPECT_EQ(*mfa.ChallengeFailed("c1", 5), 5);
  EXPECT_EQ(mfa.FindChallenge("c1", 50).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(*mfa.SpendChallenge("c2"));
  EXPECT_FALSE(*mfa.SpendChallenge("c2"));
  ASSERT_TRUE(mfa.InsertChallenge({.hash = "c3", .user_id = user_id_, .expires_at = 10}).ok());
  EXPECT_EQ(*mfa.DeleteExpiredChallenges(11), 1);
}

TEST_P(MfaStoreTest, AResetOrADeletionTakesEveryFactor) {
  MfaStore& mfa = store_->mfa();
  ASSERT_TRUE(mfa.SetPendingTotp(user_id_, "plain:s", 1).ok());
  ASSERT_TRUE(mfa.ConfirmTotp(user_id_, 1, {"a"}, {}).ok());
  ASSERT_TRUE(mfa.InsertChallenge({.hash = "c", .user_id = user_id_, .expires_at = 100}).ok());
  ASSERT_TRUE(mfa.DeleteAllFactors(user_id_, {}).ok());
  EXPECT_FALSE(mfa.FindTotp(user_id_)->has_value());
  EXPECT_EQ(*mfa.RecoveryCodesLeft(user_id_), 0);
  EXPECT_FALSE(mfa.FindChallenge("c", 1).ok());
  // With the user.
  ASSERT_TRUE(mfa.SetPendingTotp(user_id_, "plain:s", 1).ok());
  ASSERT_TRUE(mfa.ReplaceRecoveryCodes(user_id_, {"x"}, {}).ok());
  ASSERT_TRUE(store_->users().Delete(user_id_).ok());
  EXPECT_FALSE(mfa.FindTotp(user_id_)->has_value());
  EXPECT_EQ(*mfa.RecoveryCodesLeft(user_id_), 0);
}

AUTHD_FOR_EACH_BACKEND(MfaStoreTest);

}  // namespace
}  // namespace authd
