#include "api/mail_requests.h"

#include "mail/link_token.h"

namespace authd {

std::variant<LinkHolder, ApiError> FindLink(Services& s, std::string_view token,
                                            std::string_view purpose, const ApiError& invalid) {
  auto found = s.store.mail().FindToken(LinkTokenHash(token), purpose, s.clock.NowSeconds());
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) return invalid;
    return FromStatus(found.status());
  }
  auto user = s.store.users().FindById(found->user_id);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) return invalid;
    return FromStatus(user.status());
  }
  return LinkHolder{std::move(found).value(), std::move(user).value()};
}

StatusOr<int64_t> QueueOncePerMinute(Services& s, const std::string& subject,
                                     const OutboxMessage& message) {
  auto wait = s.mail_per_recipient.Take(subject);
  if (!wait.ok() || *wait > 0) return wait;
  AUTHD_RETURN_IF_ERROR(s.store.mail().Enqueue(message));
  return int64_t{0};
}

}  // namespace authd
