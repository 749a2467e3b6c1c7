#include "api/login_name.h"

#include "util/unicode.h"

namespace authd {

StatusOr<User> FindByLoginName(UserStore& users, std::string_view typed) {
  auto exact = users.FindByUsername(typed);
  if (exact.ok() || exact.status().code() != StatusCode::kNotFound) return exact;
  const std::string normal = NormalizeNfkc(typed);
  if (normal == typed) return exact;
  return users.FindByUsername(normal);
}

}  // namespace authd
