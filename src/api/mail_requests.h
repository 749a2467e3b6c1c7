// What the endpoints that send or accept mailed links share (api/recovery_api.cc,
// api/email_api.cc): finding a link's token and its account, and queueing a mail at most
// once a minute per subject.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "api/api_error.h"
#include "api/services.h"

namespace authd {

struct LinkHolder {
  OneTimeToken token;
  User user;
};

// The unexpired token `token` of `purpose` and its account; `invalid` when there is none
// (unknown, expired, spent, or its account deleted), 503 or 500 when the store fails.
std::variant<LinkHolder, ApiError> FindLink(Services& s, std::string_view token,
                                            std::string_view purpose, const ApiError& invalid);

// Queues `message` unless one was queued for `subject` in the last minute
// (Services::mail_per_recipient): 0 when queued, else the seconds to wait. Blocks on the
// store: call it on the store pool.
StatusOr<int64_t> QueueOncePerMinute(Services& s, const std::string& subject,
                                     const OutboxMessage& message);

}  // namespace authd
