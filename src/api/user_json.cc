#include "api/user_json.h"

#include "util/time_format.h"

namespace authd {

namespace json = boost::json;

boost::json::object RegisteredUserToJson(const User& u) {
  boost::json::object o(/*min_capacity=*/11);  // room for UserToJson's members too
  o["id"] = u.id;
  o["username"] = u.username;
  o["email"] = u.email;
  o["first_name"] = u.first_name;
  o["last_name"] = u.last_name;
  o["is_active"] = u.is_active;
  return o;
}

boost::json::object UserToJson(const User& u) {
  boost::json::object o = RegisteredUserToJson(u);
  o["is_staff"] = u.is_staff;
  o["is_superuser"] = u.is_superuser;
  o["date_joined"] = FormatIsoUtc(u.date_joined_us);
  if (u.last_login_us) {
    o["last_login"] = FormatIsoUtc(*u.last_login_us);
  } else {
    o["last_login"] = nullptr;
  }
  return o;
}

boost::json::object MeToJson(const User& u) {
  boost::json::object o = UserToJson(u);
  o["email_verified"] = u.email_verified;
  return o;
}

namespace {

json::value OptionalTime(const std::optional<int64_t>& seconds) {
  if (!seconds) return nullptr;
  return json::string(FormatIsoUtc(*seconds * 1'000'000));
}

}  // namespace

json::object SessionToJson(const RefreshTokenRecord& r, std::string_view current_jti) {
  json::object o;
  o["jti"] = r.jti;
  o["issued_at"] = FormatIsoUtc(r.issued_at * 1'000'000);
  o["last_used_at"] = OptionalTime(r.last_used_at);
  o["expires_at"] = FormatIsoUtc(r.expires_at * 1'000'000);
  o["user_agent"] = r.user_agent;
  o["ip_address"] = r.client_address;
  o["current"] = !current_jti.empty() && r.jti == current_jti;
  return o;
}

}  // namespace authd
