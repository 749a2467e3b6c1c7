// The row cache's promises, on a real SQLite file and a real PostgreSQL: writes through the
// store are seen at once on every thread, writes behind its back within a second, and nothing
// is served from memory while PostgreSQL's notifications are lost. The conformance suites
// (user_store_test, token_store_test) run on the cached stores as well.
#include "store/cache/cached_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class CachedStoreTest : public StoreWithUserTest {
 protected:
  void SetUp() override {
    StoreWithUserTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    cache_ = &dynamic_cast<CachedStore&>(*store_).cache();
    ASSERT_TRUE(Eventually([&] { return cache_->watching(); }, 5s)) << "the feed never watched";
  }

  // Whether `done` became true within `limit`, asking every 10 ms.
  static bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return done();
  }

  bool Active(int64_t id) {
    auto u = store_->users().FindById(id);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() && u->is_active;
  }

  // FindById on a thread of its own, which keeps its own part of the cache.
  StatusOr<User> FindOnOtherThread(int64_t id) {
    StatusOr<User> out = Internal("not run");
    std::thread t([&] { out = store_->users().FindById(id); });
    t.join();
    return out;
  }

  RefreshTokenRecord Token(std::string jti) {
    return {.jti = jti, .user_id = user_id_, .family = jti, .issued_at = 100,
            .expires_at = 4'000'000'000};
  }

  RowCache* cache_ = nullptr;
};

TEST_P(CachedStoreTest, RepeatReadsAreServedFromMemory) {
  ASSERT_TRUE(store_->users().FindById(user_id_).ok());
  const RowCacheStats before = cache_->Stats();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->users().FindById(user_id_).ok());
  EXPECT_EQ(cache_->Stats().hits - before.hits, 10);
}

TEST_P(CachedStoreTest, AWriteThroughTheStoreIsSeenAtOnceOnEveryThread) {
  ASSERT_TRUE(FindOnOtherThread(user_id_).ok());  // both threads hold alice
  ASSERT_TRUE(Active(user_id_));

  ASSERT_TRUE(store_->users().Update(user_id_, {.is_active = false}).ok());
  EXPECT_FALSE(Active(user_id_));
  auto elsewhere = FindOnOtherThread(user_id_);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_FALSE(elsewhere->is_active);

  ASSERT_TRUE(store_->users().SetPasswordHash(user_id_, "new-hash").ok());
  EXPECT_EQ(store_->users().FindById(user_id_)->password_hash, "new-hash");
  ASSERT_TRUE(store_->tokens().RevokeUser(user_id_, 5000, "test").ok());
  EXPECT_EQ(store_->users().FindById(user_id_)->tokens_valid_after, 5000);

  ASSERT_TRUE(store_->users().Delete(user_id_).ok());
  EXPECT_EQ(store_->users().FindById(user_id_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(FindOnOtherThread(user_id_).status().code(), StatusCode::kNotFound);
}

TEST_P(CachedStoreTest, TokenRecordChangesAreSeenAtOnce) {
  TokenStore& tokens = store_->tokens();
  ASSERT_TRUE(tokens.Insert(Token("j1")).ok());
  ASSERT_TRUE(tokens.FindForRefresh("j1", user_id_).ok());
  ASSERT_TRUE(tokens.Find("j1").ok());

  ASSERT_TRUE(tokens.Touch("j1", 200).ok());
  EXPECT_EQ(tokens.Find("j1")->last_used_at, 200);
  EXPECT_EQ(tokens.FindForRefresh("j1", user_id_)->record->last_used_at, 200);

  const RefreshTokenRecord next{.jti = "j2", .user_id = user_id_, .family = "j1",
                                .issued_at = 300, .expires_at = 4'000'000'000};
  ASSERT_TRUE(*tokens.Rotate("j1", 300, next));
  EXPECT_EQ(tokens.Find("j1")->rotated_at, 300);
  ASSERT_TRUE(tokens.Find("j2").ok());

  ASSERT_TRUE(tokens.RevokeFamily("j1", 400, "logout").ok());
  StatusOr<RefreshTokenRecord> on_other_thread = Internal("not run");
  std::thread t([&] { on_other_thread = tokens.Find("j2"); });
  t.join();
  ASSERT_TRUE(on_other_thread.ok());
  EXPECT_EQ(on_other_thread->revoked_at, 400);
  EXPECT_EQ(tokens.FindForRefresh("j2", user_id_)->record->revoked_at, 400);
}

TEST_P(CachedStoreTest, AWriteBehindItsBackIsSeenWithinOneSecond) {
  ASSERT_TRUE(Active(user_id_));
  ASSERT_TRUE(Active(user_id_));
  const auto start = Clock::now();
  ASSERT_TRUE(Sql("UPDATE users SET is_active = FALSE"));
  EXPECT_TRUE(Eventually([&] { return !Active(user_id_); }, 1s))
      << "still active after " << (Clock::now() - start) / 1ms << " ms";

  ASSERT_TRUE(store_->tokens().Insert(Token("j1")).ok());
  ASSERT_TRUE(store_->tokens().Find("j1").ok());
  ASSERT_TRUE(Sql("UPDATE refresh_tokens SET revoked_at = 77"));
  EXPECT_TRUE(Eventually([&] { return store_->tokens().Find("j1")->revoked_at == 77; }, 1s));
}

AUTHD_FOR_EACH_CACHED_BACKEND(CachedStoreTest);

// PostgreSQL only: the listening connection is ended by the server (as an operator, a failover
// or a proxy would). A change made at once after must not be hidden by the cache, and the
// feed must come back by itself.
class CachedPgStoreTest : public CachedStoreTest {};

TEST_P(CachedPgStoreTest, NothingIsServedFromMemoryWhileNotificationsAreLost) {
  ASSERT_TRUE(Active(user_id_));
  ASSERT_TRUE(Active(user_id_));
  const auto start = Clock::now();
  ASSERT_TRUE(Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE datname = current_database() AND query = 'LISTEN authd_changes'"));
  ASSERT_TRUE(Sql("UPDATE users SET is_active = FALSE"));  // nobody listens for this one
  EXPECT_TRUE(Eventually([&] { return !Active(user_id_); }, 1s))
      << "still active after " << (Clock::now() - start) / 1ms << " ms";

  // Listening again: served from memory once more, and told of changes.
  ASSERT_TRUE(Eventually([&] { return cache_->watching(); }, 5s));
  ASSERT_FALSE(Active(user_id_));
  ASSERT_TRUE(Sql("UPDATE users SET is_active = TRUE"));
  EXPECT_TRUE(Eventually([&] { return Active(user_id_); }, 1s));
  const RowCacheStats before = cache_->Stats();
  EXPECT_TRUE(Active(user_id_));
  EXPECT_EQ(cache_->Stats().hits - before.hits, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CachedPgStoreTest, ::testing::Values("postgresql_cached"),
                         BackendName);

}  // namespace
}  // namespace authd
