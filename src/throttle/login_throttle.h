// Brute-force protection for password logins: failed attempts are counted per account and
// per (account, client address), and an address that keeps failing on an account must wait,
// twice as long after each further failure. Checked before any hashing, so a throttled guess
// costs the attacker a round trip and us a single indexed read.
//
// Why both counters: the pair counter is what blocks. An attacker on one address is slowed
// down on that account; the real user on another address is not, so a lockout cannot be used
// to keep someone out of their own account. The account counter notices a distributed attack
// (failures on one account from many addresses): past its threshold every address gets a
// single free attempt instead of several, so a botnet gets one guess per address per back-off
// while a user from a fresh address still gets in with the right password.
//
// Two ceilings stop what the pair counter cannot see. Past `account_ceiling` failures on one
// account (from any number of addresses) every attempt on it waits, doubling as failures go on
// and capped at the maximum back-off: 300 addresses no longer get 300 guesses, and the owner
// is slowed, never locked out for good. Past `address_threshold` failures from one address
// (across all accounts) that address waits before any further attempt: spraying one password
// over many accounts is slowed as guessing many passwords on one is. Callers pass addresses
// grouped as http/address_group.h does (an IPv6 client by its /64).
//
// Unknown usernames are counted like known ones: a 429 must not reveal whether an account
// exists. Names longer than any account can have are not counted (no account to protect,
// and no unbounded keys in the store).
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/throttle_store.h"
#include "util/clock.h"
#include "util/status.h"

namespace authd {

struct LoginThrottleOptions {
  bool enabled = true;
  int free_attempts = 5;            // failures per (account, address) before back-off starts
  int account_threshold = 20;       // failures per account (all addresses) before each address
                                    // gets a single free attempt
  int account_ceiling = 100;        // failures per account before every attempt on it waits
  int address_threshold = 100;      // failures per address (all accounts) before it waits
  int64_t backoff_base_seconds = 1; // the first wait; each further failure doubles it
  int64_t backoff_max_seconds = 900;
  int64_t window_seconds = 3600;    // a counter restarts after this long without failures
};

class LoginThrottle {
 public:
  LoginThrottle(ThrottleStore& store, const Clock& clock, LoginThrottleOptions options)
      : store_(store), clock_(clock), options_(options) {}

  // One password attempt by an (account, address), from Begin until it is dropped. A pair may
  // have only as many attempts under way on this instance as it has free attempts left (at
  // least one): otherwise a burst of parallel guesses would all pass the check before the
  // first of them failed and was counted.
  class Attempt {
   public:
    Attempt(Attempt&& other) noexcept;
    Attempt& operator=(Attempt&&) = delete;
    ~Attempt();
    int64_t wait_seconds() const { return wait_seconds_; }  // > 0: refuse with 429
    bool blocked() const { return wait_seconds_ > 0; }
    bool had_failures() const { return had_failures_; }    // a success must clear the pair

   private:
    friend class LoginThrottle;
    Attempt() = default;
    LoginThrottle* owner_ = nullptr;  // set while this attempt holds its pair's in-flight slot
    std::string key_;
    int64_t wait_seconds_ = 0;
    bool had_failures_ = false;
  };

  // Whether `address` may try a password for `username` now: reads of the pair's, the
  // account's and the address's counters. Hold the Attempt until the answer is decided.
  StatusOr<Attempt> Begin(std::string_view username, std::string_view address);

  // A wrong password (or an unknown or inactive account): counts it on the account and the
  // pair, and sets the pair's wait once it is past its free attempts.
  Status RecordFailure(std::string_view username, std::string_view address);

  // A successful login: the pair starts afresh. The account counter is left to age out, so a
  // distributed attack stays noticed while the real user logs in.
  Status RecordSuccess(std::string_view username, std::string_view address);

  // The wait after a pair's `failures`-th failure when `free` attempts are free; 0 within them.
  int64_t BackoffSeconds(int64_t failures, int64_t free) const;

 private:
  static std::string AccountKey(std::string_view username);
  static std::string AddressKey(std::string_view address);
  static std::string PairKey(std::string_view username, std::string_view address);
  bool Counted(std::string_view username) const;

  ThrottleStore& store_;
  const Clock& clock_;
  const LoginThrottleOptions options_;
  std::atomic<uint64_t> failures_seen_{0};  // drives the occasional sweep of idle entries
  std::mutex mu_;
  std::unordered_map<std::string, int> in_flight_;  // GUARDED_BY(mu_): attempts per pair key
};

}  // namespace authd
