#include "api/login_name.h"

#include "util/unicode.h"

namespace authd {

StatusOr<User> FindByLoginName(UserStore& users, std::string_view typed, bool by_email) {
  auto exact = users.FindByUsername(typed);
  if (exact.ok() || exact.status().code() != StatusCode::kNotFound) return exact;
  const std::string normal = NormalizeNfkc(typed);
  if (normal != typed) {
    auto normalised = users.FindByUsername(normal);
    if (normalised.ok() || normalised.status().code() != StatusCode::kNotFound) return normalised;
  }
  if (!by_email || typed.find('@') == std::string_view::npos) return exact;
  auto holders = users.FindByEmail(typed);
  if (!holders.ok()) return holders.status();
  for (User& u : *holders) {
    if (u.email_verified) return std::move(u);
  }
  return NotFound("no such user");
}

}  // namespace authd
