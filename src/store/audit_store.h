// The audit log: security events, append-only. An event that records a change is written in
// the change's own transaction (UserStore takes them with its writes); events that record an
// attempt (a failed sign-in) are appended alone. Events outlive their users: no foreign key
// ties them, so "who deleted this account" stays answerable after the deletion.
// One implementation per backend, held to the same contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace authd {

struct AuditEvent {
  int64_t id = 0;          // assigned when stored; later events get higher ids
  int64_t time_us = 0;     // microseconds since the epoch
  std::string type;        // "login.succeeded", "admin.user_deleted", ...
  std::string outcome = "success";  // or "failure"
  std::string actor;       // a user id ("17"), "system" or "cli"
  std::optional<int64_t> subject_user_id;  // whom it concerns; for UserStore::Create, set there
  std::string client_address;
  std::string user_agent;
  std::string request_id;
  std::string details = "{}";  // a JSON object; never a password, token, code, secret or hash
};

// Newest first. Unset members do not filter.
struct AuditQuery {
  std::optional<int64_t> subject_user_id;
  std::optional<std::string> type;
  std::optional<std::string> actor;
  std::optional<int64_t> since_us;   // at or after
  std::optional<int64_t> until_us;   // before
  std::optional<int64_t> before_id;  // the cursor: events older than this one
  int limit = 50;
};

// How many events of one type fell in one period (AuditStore::CountByPeriod).
struct PeriodCount {
  int64_t period = 0;  // 0 for [since, since + length), 1 for the next, ...
  std::string type;
  int64_t count = 0;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // The stored event's id.
  virtual StatusOr<int64_t> Append(const AuditEvent& event) = 0;
  virtual StatusOr<std::vector<AuditEvent>> List(const AuditQuery& query) = 0;
  // Events of `types` at or after `since_us`, counted per period of `period_us` from
  // `since_us` on (the admin console's sign-ins per day); periods without any are left out.
  virtual StatusOr<std::vector<PeriodCount>> CountByPeriod(const std::vector<std::string>& types,
                                                           int64_t since_us, int64_t period_us) = 0;
  // Deletes events older than `before_us`; how many.
  virtual StatusOr<int> DeleteOlderThan(int64_t before_us) = 0;
};

}  // namespace authd
