// SessionService over a real SQLite file with a manual clock: recording, rotation, reuse
// detection, grace, blacklisting, adoption of unrecorded tokens, and ending sessions.
#include "sessions/session_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store_test_fixture.h"
#include "tokens/hmac_key.h"

namespace authd {
namespace {

constexpr int64_t kNow = 1'800'000'000;

class SessionServiceTest : public StoreWithUserTest {
 protected:
  SessionService Make(SessionPolicy policy) {
    return SessionService(tokens_, *store_, clock_, policy);
  }
  static TokenError TokenErrorOf(const SessionFailure& f) {
    EXPECT_EQ(f.kind, SessionFailure::Kind::kToken);
    return f.token;
  }
  static std::string JtiOf(const TokenService& tokens, const std::string& refresh) {
    return tokens.Verify(refresh, kRefreshType)->jti;
  }

  ManualClock clock_{kNow * 1'000'000};
  OsRandom random_;
  TokenService tokens_{JwsCodec(std::make_shared<HmacKey>("a-test-secret-of-at-least-32-bytes!")),
                       {.access_seconds = 300, .refresh_seconds = 3600}, clock_, random_};
  const ClientInfo client_{.user_agent = "test-agent/1", .address = "10.0.0.1"};
};

AUTHD_FOR_EACH_BACKEND(SessionServiceTest);

TEST_P(SessionServiceTest, LoginRecordsTheRefreshTokenWithItsClient) {
  SessionService s = Make({});
  auto pair = s.Login(user_id_, client_);
  ASSERT_TRUE(pair.ok());
  auto r = store_->tokens().Find(pair->refresh_claims.jti);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->family, r->jti);
  EXPECT_EQ(r->issued_at, kNow);
  EXPECT_EQ(r->expires_at, kNow + 3600);
  EXPECT_EQ(r->user_agent, "test-agent/1");
  EXPECT_EQ(r->client_address, "10.0.0.1");
  EXPECT_EQ(s.List(user_id_)->size(), 1u);
}

TEST_P(SessionServiceTest, WithoutRotationTheTokenStaysAndIsTouched) {
  SessionService s = Make({});
  auto pair = s.Login(user_id_, client_);
  clock_.AdvanceSeconds(10);
  for (int i = 0; i < 2; ++i) {
    auto answer = s.Refresh(pair->refresh, client_);
    ASSERT_TRUE(answer.ok());
    EXPECT_FALSE(answer->refresh);
    EXPECT_TRUE(tokens_.Verify(answer->access, kAccessType).ok());
  }
  EXPECT_EQ(store_->tokens().Find(pair->refresh_claims.jti)->last_used_at, kNow + 10);
  // Rewritten only once a minute has passed.
  clock_.AdvanceSeconds(59);
  ASSERT_TRUE(s.Refresh(pair->refresh, client_).ok());
  EXPECT_EQ(store_->tokens().Find(pair->refresh_claims.jti)->last_used_at, kNow + 10);
  clock_.AdvanceSeconds(1);
  ASSERT_TRUE(s.Refresh(pair->refresh, client_).ok());
  EXPECT_EQ(store_->tokens().Find(pair->refresh_claims.jti)->last_used_at, kNow + 70);
}

TEST_P(SessionServiceTest, RotationRetiresAndReuseRevokesTheWholeFamily) {
  SessionService s = Make({.rotate = true});
  auto pair = s.Login(user_id_, client_);
  auto first = s.Refresh(pair->refresh, client_);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->refresh);
  auto second = s.Refresh(*first->refresh, client_);
  ASSERT_TRUE(second.ok());
  const std::string newest = *second->refresh;
  EXPECT_EQ(store_->tokens().Find(JtiOf(tokens_, newest))->family, pair->refresh_claims.jti);

  // The first token again: reuse. It is refused, and so is the newest token of its family.
  auto reused = s.Refresh(pair->refresh, client_);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(TokenErrorOf(reused.error()), TokenError::kBlacklisted);
  auto after = s.Refresh(newest, client_);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(TokenErrorOf(after.error()), TokenError::kBlacklisted);
  EXPECT_EQ(store_->tokens().Find(JtiOf(tokens_, newest))->revoke_reason, "reuse_detected");
  EXPECT_TRUE(s.List(user_id_)->empty());
}

TEST_P(SessionServiceTest, ReuseRevokesOnlyItsOwnFamily) {
  SessionService s = Make({.rotate = true});
  auto phone = s.Login(user_id_, client_);
  auto laptop = s.Login(user_id_, client_);
  ASSERT_TRUE(s.Refresh(phone->refresh, client_).ok());
  ASSERT_FALSE(s.Refresh(phone->refresh, client_).ok());
  EXPECT_TRUE(s.Refresh(laptop->refresh, client_).ok());
}

TEST_P(SessionServiceTest, ConcurrentRefreshesUnderRotationHaveExactlyOneSuccess) {
  SessionService s = Make({.rotate = true});
  auto pair = s.Login(user_id_, client_);
  std::atomic<int> ok{0}, blacklisted{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = s.Refresh(pair->refresh, client_);
      if (r.ok()) ++ok;
      else if (r.error().kind == SessionFailure::Kind::kToken &&
               r.error().token == TokenError::kBlacklisted) ++blacklisted;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(blacklisted.load(), 7);
  EXPECT_EQ(other.load(), 0);
}

TEST_P(SessionServiceTest, GracePeriodLetsARetryThroughAndThenEnds) {
  SessionService s = Make({.rotate = true, .grace_seconds = 5});
  auto pair = s.Login(user_id_, client_);
  ASSERT_TRUE(s.Refresh(pair->refresh, client_).ok());
  clock_.AdvanceSeconds(5);
  auto retry = s.Refresh(pair->refresh, client_);
  ASSERT_TRUE(retry.ok());
  ASSERT_TRUE(retry->refresh);
  clock_.AdvanceSeconds(1);
  auto late = s.Refresh(pair->refresh, client_);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(TokenErrorOf(late.error()), TokenError::kBlacklisted);
  EXPECT_FALSE(s.Refresh(*retry->refresh, client_).ok());  // the family went with it
}

TEST_P(SessionServiceTest, RotationWithoutBlacklistingKeepsOldTokensUsable) {
  SessionService s = Make({.rotate = true, .blacklist_after_rotation = false});
  auto pair = s.Login(user_id_, client_);
  auto first = s.Refresh(pair->refresh, client_);
  ASSERT_TRUE(first.ok() && first->refresh);
  EXPECT_TRUE(s.Refresh(pair->refresh, client_).ok());
  EXPECT_TRUE(s.Refresh(*first->refresh, client_).ok());
}

TEST_P(SessionServiceTest, BlacklistEndsTheSessionAndVerifyRefusesIt) {
  SessionService s = Make({});
  auto pair = s.Login(user_id_, client_);
  EXPECT_TRUE(s.Verify(pair->refresh).ok());
  ASSERT_TRUE(s.Blacklist(pair->refresh).ok());
  auto refreshed = s.Refresh(pair->refresh, client_);
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(TokenErrorOf(refreshed.error()), TokenError::kBlacklisted);
  auto verified = s.Verify(pair->refresh);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(TokenErrorOf(verified.error()), TokenError::kBlacklisted);
  auto again = s.Blacklist(pair->refresh);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(TokenErrorOf(again.error()), TokenError::kBlacklisted);
  // The access token stays valid until it expires: access tokens are stateless.
  EXPECT_TRUE(s.Verify(pair->access).ok());
}

TEST_P(SessionServiceTest, UnrecordedTokensAreAdoptedSoTheyCanBeRevoked) {
  SessionService s = Make({});
  IssuedPair pair = tokens_.IssuePair(user_id_);  // as a Django service sharing the key would
  ASSERT_TRUE(s.Refresh(pair.refresh, client_).ok());
  EXPECT_TRUE(store_->tokens().Find(pair.refresh_claims.jti).ok());
  IssuedPair other = tokens_.IssuePair(user_id_);
  ASSERT_TRUE(s.Blacklist(other.refresh).ok());
  EXPECT_FALSE(s.Refresh(other.refresh, client_).ok());
}

TEST_P(SessionServiceTest, InactiveAndDeletedUsersCannotRefresh) {
  SessionService s = Make({});
  auto pair = s.Login(user_id_, client_);
  ASSERT_TRUE(store_->users().Update(user_id_, {.is_active = false}).ok());
  auto r = s.Refresh(pair->refresh, client_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, SessionFailure::Kind::kNoActiveAccount);
  ASSERT_TRUE(store_->users().Delete(user_id_).ok());
  EXPECT_EQ(s.Refresh(pair->refresh, client_).error().kind,
            SessionFailure::Kind::kNoActiveAccount);
  EXPECT_TRUE(s.Blacklist(pair->refresh).ok());  // nothing left to end
}

TEST_P(SessionServiceTest, UsersEndOneOrAllOfTheirSessions) {
  SessionService s = Make({});
  auto a = s.Login(user_id_, client_);
  auto b = s.Login(user_id_, client_);
  auto c = s.Login(user_id_, client_);
  EXPECT_EQ(s.List(user_id_)->size(), 3u);
  EXPECT_TRUE(s.End(user_id_, a->refresh_claims.jti).ok());
  EXPECT_EQ(s.End(user_id_, a->refresh_claims.jti).code(), StatusCode::kNotFound);
  EXPECT_EQ(s.End(user_id_ + 1, b->refresh_claims.jti).code(), StatusCode::kNotFound);
  EXPECT_EQ(s.End(user_id_, "no-such-jti").code(), StatusCode::kNotFound);
  EXPECT_FALSE(s.Refresh(a->refresh, client_).ok());
  EXPECT_EQ(*s.EndAll(user_id_, "logout_all"), 2);
  EXPECT_FALSE(s.Refresh(b->refresh, client_).ok());
  EXPECT_FALSE(s.Refresh(c->refresh, client_).ok());
  EXPECT_TRUE(s.List(user_id_)->empty());
}

TEST_P(SessionServiceTest, FlushRemovesOnlyExpiredRecords) {
  SessionService s = Make({});
  auto old = s.Login(user_id_, client_);
  clock_.AdvanceSeconds(3000);
  auto fresh = s.Login(user_id_, client_);
  clock_.AdvanceSeconds(601);
  EXPECT_EQ(*s.FlushExpired(), 1);
  EXPECT_EQ(store_->tokens().Find(old->refresh_claims.jti).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(store_->tokens().Find(fresh->refresh_claims.jti).ok());
  // Mailed links' hashes go when they expire, too.
  const int64_t now = clock_.NowSeconds();
  for (auto [hash, expires] : {std::pair{"dead", now - 1}, std::pair{"alive", now + 60}}) {
    ASSERT_TRUE(store_->mail().InsertToken({.hash = hash, .purpose = "password_reset",
                                            .user_id = user_id_, .email = "a@example.com",
                                            .created_at = now - 100, .expires_at = expires})
                    .ok());
  }
  EXPECT_EQ(*s.FlushExpired(), 1);
  EXPECT_TRUE(store_->mail().FindToken("alive", "password_reset", now).ok());
}

TEST(IssuedBeforeCutoff, OrdersWholeSecondsAndGivesTheCutoffSecondToRecordedTokens) {
  EXPECT_FALSE(IssuedBeforeCutoff(100, 0, false));  // never revoked
  EXPECT_TRUE(IssuedBeforeCutoff(99, 100, true));
  EXPECT_TRUE(IssuedBeforeCutoff(std::nullopt, 100, true));  // no iat: predates everything
  EXPECT_FALSE(IssuedBeforeCutoff(100, 100, true));   // recorded: its record decides
  EXPECT_TRUE(IssuedBeforeCutoff(100, 100, false));   // unrecorded: cannot be ordered, refused
  EXPECT_FALSE(IssuedBeforeCutoff(101, 100, false));
}

TEST_P(SessionServiceTest, ALoginPastTheLimitEndsTheOldestSessions) {
  auto s = Make({.max_sessions_per_user = 3});
  std::vector<std::string> jtis;
  for (int i = 0; i < 5; ++i) {
    clock_.AdvanceSeconds(1);
    auto pair = s.Login(user_id_, client_);
    ASSERT_TRUE(pair.ok()) << pair.status().ToString();
    jtis.push_back(pair->refresh_claims.jti);
  }
  auto live = s.List(user_id_);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 3u);
  EXPECT_EQ((*live)[0].jti, jtis[4]);  // the newest three remain
  EXPECT_EQ((*live)[2].jti, jtis[2]);
  EXPECT_EQ(store_->tokens().Find(jtis[0])->revoke_reason, "session_limit");
  EXPECT_EQ(store_->tokens().Find(jtis[1])->revoke_reason, "session_limit");
}

}  // namespace
}  // namespace authd
