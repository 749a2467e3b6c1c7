// Brute-force protection and rate limits on every store backend, with a manual clock: how
// failures turn into waits, that an attacker's address does not lock out the user's, that a
// distributed attack is noticed, and that counters outlive the process.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store_test_fixture.h"
#include "throttle/login_throttle.h"
#include "throttle/rate_limiter.h"

namespace authd {
namespace {

constexpr int64_t kStart = 1'700'000'000'000'000;

class LoginThrottleTest : public StoreTest {
 protected:
  LoginThrottle Throttle(LoginThrottleOptions o = {}) {
    return LoginThrottle(store_->throttle(), clock_, o);
  }
  // Begins and immediately fails an attempt; the wait it was given beforehand.
  static int64_t Fail(LoginThrottle& t, std::string_view user, std::string_view address) {
    auto a = t.Begin(user, address);
    EXPECT_TRUE(a.ok());
    if (a->blocked()) return a->wait_seconds();
    EXPECT_TRUE(t.RecordFailure(user, address).ok());
    return 0;
  }
  static int64_t Wait(LoginThrottle& t, std::string_view user, std::string_view address) {
    auto a = t.Begin(user, address);
    EXPECT_TRUE(a.ok());
    return a->wait_seconds();
  }
  ManualClock clock_{kStart};
};
AUTHD_FOR_EACH_BACKEND(LoginThrottleTest);

TEST_P(LoginThrottleTest, FreeAttemptsThenDoublingWaitsUpToTheMaximum) {
  auto t = Throttle({.free_attempts = 3, .backoff_base_seconds = 2, .backoff_max_seconds = 30});
  for (int i = 0; i < 2; ++i) EXPECT_EQ(Fail(t, "alice", "10.0.0.1"), 0);
  EXPECT_EQ(Wait(t, "alice", "10.0.0.1"), 0);
  EXPECT_EQ(Fail(t, "alice", "10.0.0.1"), 0);  // the third failure starts the back-off
  std::vector<int64_t> waits;
  for (int i = 0; i < 6; ++i) {
    const int64_t wait = Wait(t, "alice", "10.0.0.1");
    waits.push_back(wait);
    clock_.AdvanceSeconds(wait);
    EXPECT_EQ(Fail(t, "alice", "10.0.0.1"), 0) << "allowed once the wait is over";
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{2, 4, 8, 16, 30, 30}));
}

TEST_P(LoginThrottleTest, WaitIsRoundedUpAndCountsDown) {
  auto t = Throttle({.free_attempts = 1, .backoff_base_seconds = 10});
  Fail(t, "alice", "10.0.0.1");
  EXPECT_EQ(Wait(t, "alice", "10.0.0.1"), 10);
  clock_.SetMicros(kStart + 3'500'000);
  EXPECT_EQ(Wait(t, "alice", "10.0.0.1"), 7);  // 6.5 s left, rounded up as DRF does
  clock_.SetMicros(kStart + 9'999'999);
  EXPECT_EQ(Wait(t, "alice", "10.0.0.1"), 1);
  clock_.SetMicros(kStart + 10'000'000);
  EXPECT_EQ(Wait(t, "alice", "10.0.0.1"), 0);
}

TEST_P(LoginThrottleTest, AnAttackerElsewhereDoesNotLockTheUserOut) {
  auto t = Throttle({.free_attempts = 2});
  for (int i = 0; i < 10; ++i) {
    Fail(t, "alice", "203.0.113.9");
    clock_.AdvanceSeconds(1);
  }
  EXPECT_GT(Wait(t, "alice", "203.0.113.9"), 0);
  EXPECT_EQ(Wait(t, "alice", "198.51.100.7"), 0);  // the real user, from home
  EXPECT_EQ(Wait(t, "bob", "203.0.113.9"), 0);     // another account from the same address
}

TEST_P(LoginThrottleTest, ADistributedAttackLeavesEachAddressOneFreeAttempt) {
  auto t = Throttle({.free_attempts = 5, .account_threshold = 4});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Fail(t, "alice", "10.0.0." + std::to_string(i)), 0);
  // Below the threshold each address still has its free attempts: none waits.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Wait(t, "alice", "10.0.0." + std::to_string(i)), 0);
  // The failure that reaches it already counts as that address's only free attempt.
  EXPECT_EQ(Fail(t, "alice", "10.0.0.3"), 0);
  EXPECT_EQ(Wait(t, "alice", "10.0.0.3"), 1);
  // A new address may still try once (the real user gets in with the right password)...
  EXPECT_EQ(Wait(t, "alice", "10.0.1.1"), 0);
  EXPECT_EQ(Fail(t, "alice", "10.0.1.1"), 0);
  // ...and is made to wait after a single failure.
  EXPECT_EQ(Wait(t, "alice", "10.0.1.1"), 1);
  // Other accounts are not affected.
  EXPECT_EQ(Fail(t, "bob", "10.0.1.1"), 0);
  EXPECT_EQ(Wait(t, "bob", "10.0.1.1"), 0);
}

TEST_P(LoginThrottleTest, PastTheAccountCeilingEveryAddressWaits) {
  // 300 addresses used to get a guess each, and the right password then still worked at once.
  auto t = Throttle({.free_attempts = 5, .account_threshold = 4, .account_ceiling = 6,
                     .backoff_base_seconds = 2, .backoff_max_seconds = 60});
  for (int i = 0; i < 6; ++i) EXPECT_EQ(Fail(t, "alice", "10.0.0." + std::to_string(i)), 0);
  // A fresh address, never seen: waits too, for the account's back-off.
  EXPECT_EQ(Wait(t, "alice", "10.9.9.9"), 2);
  clock_.AdvanceSeconds(2);
  EXPECT_EQ(Fail(t, "alice", "10.9.9.9"), 0);
  EXPECT_EQ(Wait(t, "alice", "10.8.8.8"), 4);  // doubling...
  for (int i = 0; i < 10; ++i) {
    clock_.AdvanceSeconds(60);
    EXPECT_EQ(Fail(t, "alice", "10.7.7." + std::to_string(i)), 0);
  }
  EXPECT_EQ(Wait(t, "alice", "10.6.6.6"), 60);  // ...up to the cap, never a permanent lock
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(Wait(t, "alice", "10.6.6.6"), 0);
  EXPECT_EQ(Wait(t, "bob", "10.6.6.6"), 0);  // other accounts are not affected
}

TEST_P(LoginThrottleTest, PastItsThresholdOneAddressWaitsOnEveryAccount) {
  // Spraying: one guess on each of many accounts from one address.
  auto t = Throttle({.free_attempts = 5, .address_threshold = 5, .backoff_base_seconds = 3});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Fail(t, "user" + std::to_string(i), "10.0.0.1"), 0);
  EXPECT_EQ(Wait(t, "someone-else", "10.0.0.1"), 3);
  EXPECT_EQ(Wait(t, "someone-else", "10.0.0.2"), 0);  // other addresses are not affected
}

TEST_P(LoginThrottleTest, SuccessClearsThePairAndQuietTimeResetsCounts) {
  auto t = Throttle({.free_attempts = 2, .window_seconds = 3600});
  Fail(t, "alice", "10.0.0.1");
  ASSERT_TRUE(t.Begin("alice", "10.0.0.1")->had_failures());
  ASSERT_TRUE(t.RecordSuccess("alice", "10.0.0.1").ok());
  EXPECT_FALSE(t.Begin("alice", "10.0.0.1")->had_failures());

  Fail(t, "bob", "10.0.0.1");
  clock_.AdvanceSeconds(3601);
  Fail(t, "bob", "10.0.0.1");  // counts as the first again: the old one is out of the window
  EXPECT_EQ(Wait(t, "bob", "10.0.0.1"), 0);
  auto entry = store_->throttle().Find("login:pair:10.0.0.1 bob");
  ASSERT_TRUE(entry.ok() && *entry);
  EXPECT_EQ((*entry)->count, 1);
}

TEST_P(LoginThrottleTest, ParallelAttemptsAreCappedAtTheFreeAttemptsLeft) {
  auto t = Throttle({.free_attempts = 3});
  std::vector<LoginThrottle::Attempt> under_way;
  for (int i = 0; i < 3; ++i) {
    auto a = t.Begin("alice", "10.0.0.1");
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->blocked()) << i;
    under_way.push_back(std::move(a).value());
  }
  EXPECT_EQ(t.Begin("alice", "10.0.0.1")->wait_seconds(), 1);  // a fourth guess must wait
  EXPECT_FALSE(t.Begin("alice", "10.0.0.2")->blocked());         // other pairs need not
  under_way.pop_back();                                          // one guess is answered
  EXPECT_FALSE(t.Begin("alice", "10.0.0.1")->blocked());
  under_way.clear();

  // After two failures only one free attempt is left, so only one may be under way.
  Fail(t, "alice", "10.0.0.1");
  Fail(t, "alice", "10.0.0.1");
  auto last = t.Begin("alice", "10.0.0.1");
  ASSERT_FALSE(last->blocked());
  EXPECT_EQ(t.Begin("alice", "10.0.0.1")->wait_seconds(), 1);
}

TEST_P(LoginThrottleTest, CountersSurviveReopeningTheDatabase) {
  {
    auto t = Throttle({.free_attempts = 1, .backoff_base_seconds = 60});
    Fail(t, "alice", "10.0.0.1");
  }
  store_.reset();
  store_ = Open();
  auto t = Throttle({.free_attempts = 1, .backoff_base_seconds = 60});
  EXPECT_EQ(Wait(t, "alice", "10.0.0.1"), 60);
}

TEST_P(LoginThrottleTest, DisabledOrImpossibleNamesAreNotCounted) {
  auto off = Throttle({.enabled = false, .free_attempts = 1});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Fail(off, "alice", "10.0.0.1"), 0);
  auto t = Throttle({.free_attempts = 1});
  const std::string huge(100'000, 'x');
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Fail(t, huge, "10.0.0.1"), 0);
  auto stored = store_->throttle().Find("login:account:" + huge);
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(*stored);
}

using ThrottleStoreTest = StoreTest;
AUTHD_FOR_EACH_BACKEND(ThrottleStoreTest);

TEST_P(ThrottleStoreTest, UpdatesFromManyThreadsLoseNoCount) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < kEach; ++j) {
        auto r = store_->throttle().Update("k", [](const std::optional<ThrottleEntry>& cur) {
          ThrottleEntry next = cur.value_or(ThrottleEntry{});
          next.count += 1;
          return next;
        });
        if (!r.ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ((*store_->throttle().Find("k"))->count, kThreads * kEach);
}

TEST_P(ThrottleStoreTest, DeletesIdleEntriesOnly) {
  auto put = [&](const char* key, int64_t last_at, int64_t until) {
    ASSERT_TRUE(store_->throttle()
                    .Update(key, [&](const auto&) {
                      return ThrottleEntry{.count = 1, .last_at = last_at, .until = until};
                    })
                    .ok());
  };
  put("old", 100, 0);
  put("old-but-blocked", 100, 5000);
  put("recent", 2000, 0);
  auto n = store_->throttle().DeleteIdle(1000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(*store_->throttle().Find("old"));
  EXPECT_TRUE(*store_->throttle().Find("old-but-blocked"));
  EXPECT_TRUE(*store_->throttle().Find("recent"));
  ASSERT_TRUE(store_->throttle().Delete("recent").ok());
  EXPECT_FALSE(*store_->throttle().Find("recent"));
}

class RateLimiterTest : public StoreTest {
 protected:
  ManualClock clock_{kStart};
};
AUTHD_FOR_EACH_BACKEND(RateLimiterTest);

TEST_P(RateLimiterTest, AllowsABurstThenOnePerInterval) {
  RateLimiter limit(store_->throttle(), clock_, Rate{3, 60}, "register");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*limit.Take("10.0.0.1"), 0) << i;
  EXPECT_EQ(*limit.Take("10.0.0.1"), 20);  // one more every 60 / 3 seconds
  EXPECT_EQ(*limit.Take("10.0.0.2"), 0);   // per address
  clock_.AdvanceSeconds(19);
  EXPECT_EQ(*limit.Take("10.0.0.1"), 1);
  clock_.AdvanceSeconds(1);
  EXPECT_EQ(*limit.Take("10.0.0.1"), 0);
  EXPECT_EQ(*limit.Take("10.0.0.1"), 20);
  clock_.AdvanceSeconds(60);  // a whole period of quiet restores the whole burst
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*limit.Take("10.0.0.1"), 0) << i;
  EXPECT_GT(*limit.Take("10.0.0.1"), 0);
}

TEST_P(RateLimiterTest, RefusedRequestsSpendNothing) {
  RateLimiter limit(store_->throttle(), clock_, Rate{1, 10}, "register");
  EXPECT_EQ(*limit.Take("a"), 0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(*limit.Take("a"), 10);  // hammering does not extend it
  clock_.AdvanceSeconds(10);
  EXPECT_EQ(*limit.Take("a"), 0);
}

}  // namespace
}  // namespace authd
