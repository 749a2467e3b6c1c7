// The administration API, for staff and superusers: list, search and sort users, read, change
// and delete one, see and end a user's sessions, and the console's dashboard figures. Changes that should lock someone out
// (deactivation, a new password, deletion) end that user's sessions too.
#include <boost/json/array.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/fields.h"
#include "api/pagination.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "api/second_factor.h"
#include "api/user_json.h"
#include "mail/templates.h"
#include "users/user_rules.h"
#include "util/time_format.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The user named by the {id} path segment; 404 when it is not a number or no such user.
std::variant<User, ApiError> TargetUser(const Request& request, Services& s) {
  auto id = ParsePositiveId(request.path_params.at(0).second);
  if (!id) return NotFoundError();
  auto user = s.store.users().FindById(*id);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) return NotFoundError();
    return FromStatus(user.status());
  }
  return std::move(user).value();
}

// One user as the admin API shows it: /user_detail/'s fields and the user's second factors.
StatusOr<json::object> AdminUserJson(Services& s, const User& user) {
  json::object body = UserToJson(user);
  auto factors = MfaSummary(s, user.id);
  if (!factors.ok()) return factors.status();
  body["mfa"] = std::move(factors).value();
  return body;
}

// Staff who are not superusers cannot touch a superuser's account.
bool MayManage(const User& admin, const User& target) {
  return admin.is_superuser || !target.is_superuser;
}

struct AdminAndTarget {
  User admin;
  User target;
};

// The signed-in admin and the user named by {id}: 401/403 for the caller, 404 for the id,
// and 403 when `to_change` and the admin may not manage that user.
std::variant<AdminAndTarget, ApiError> Resolve(Request& request, Services& s,
                                               bool to_change) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) return *error;
  auto target = TargetUser(request, s);
  if (auto* error = std::get_if<ApiError>(&target)) return *error;
  AdminAndTarget both{std::move(std::get<User>(admin)), std::move(std::get<User>(target))};
  if (to_change && !MayManage(both.admin, both.target)) return PermissionDenied();
  return both;
}

// DRF SearchFilter's terms: split on whitespace and commas, null characters removed.
std::vector<std::string> SearchTerms(std::string_view search) {
  std::vector<std::string> terms;
  std::string term;
  for (char c : search) {
    if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r') {
      if (!term.empty()) terms.push_back(std::move(term));
      term.clear();
    } else if (c != '\0') {
      term += c;
    }
  }
  if (!term.empty()) terms.push_back(std::move(term));
  if (terms.size() > 16) terms.resize(16);  // bounds the SQL built from them
  return terms;
}

// Refuses to delete, deactivate or demote the last active superuser: nobody could administer
// the service afterwards but by hand in the database.
std::optional<ApiError> KeepsASuperuser(Services& s, const User& target) {
  if (!target.is_active || !target.is_superuser) return std::nullopt;
  auto count = s.store.users().CountActiveSuperusers();
  if (!count.ok()) return FromStatus(count.status());
  if (*count > 1) return std::nullopt;
  ApiError e;
  e.status = 400;
  e.body["detail"] = "The last active superuser cannot be deleted, deactivated or demoted.";
  return e;
}

// DRF OrderingFilter's ?ordering=: a field, "-" before it for descending.
bool ReadOrdering(std::string_view text, UserQuery& q) {
  q.descending = text.starts_with('-');
  if (q.descending) text.remove_prefix(1);
  static constexpr std::pair<std::string_view, UserOrder> kFields[] = {
      {"id", UserOrder::kId}, {"username", UserOrder::kUsername},
      {"date_joined", UserOrder::kDateJoined}, {"last_login", UserOrder::kLastLogin}};
  for (const auto& [name, order] : kFields) {
    if (text == name) {
      q.order = order;
      return true;
    }
  }
  return false;
}

asio::awaitable<Response> ListUsers(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  auto query = DecodeQuery(request.query);
  if (!query.ok()) co_return ToResponse(BadBody(query.error()));
  auto page = ReadPageRequest(*query);
  if (!page.ok()) co_return ToResponse(page.error());

  UserQuery q{.offset = page->offset(), .limit = page->size};
  if (const json::value* search = query->if_contains("search")) {
    q.search_terms = SearchTerms(search->as_string());
  }
  if (const json::value* ordering = query->if_contains("ordering")) {
    if (!ReadOrdering(ordering->as_string(), q)) {
      co_return ToResponse(ValidationFailed(
          "ordering", "Order by id, username, date_joined or last_login, with - for descending."));
    }
  }
  // A search scans the table (78 ms for a long query over 200k users): never on an I/O
  // thread, where it would stall every connection of that thread.
  auto listed = co_await s.store_pool.Run([&]() -> StatusOr<UserPage> {
    auto first = s.store.users().List(q);
    if (!first.ok() || !page->last) return first;
    page->page = LastPage(first->count, page->size);  // ?page=last: known once counted
    if (page->page == 1) return first;
    q.offset = page->offset();
    return s.store.users().List(q);
  });
  if (!listed) co_return ToResponse(Unavailable(1));
  auto& found = *listed;
  if (!found.ok()) co_return ToResponse(FromStatus(found.status()));
  json::array results;
  for (const User& u : found->users) results.push_back(UserToJson(u));
  auto body = PageResponse(request, *query, *page, found->count, std::move(results));
  if (!body.ok()) co_return ToResponse(body.error());
  co_return JsonResponse(200, *body);
}

asio::awaitable<Response> GetUser(Services& s, Request& request) {
  auto found = Resolve(request, s, /*to_change=*/false);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  auto body = AdminUserJson(s, std::get<AdminAndTarget>(found).target);
  if (!body.ok()) co_return ToResponse(FromStatus(body.status()));
  co_return JsonResponse(200, *body);
}

// GET /api/admin/users/{id}/sessions/: the user's live sessions, newest first.
asio::awaitable<Response> UserSessions(Services& s, Request& request) {
  auto found = Resolve(request, s, /*to_change=*/false);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  auto sessions = s.sessions.List(std::get<AdminAndTarget>(found).target.id);
  if (!sessions.ok()) co_return ToResponse(FromStatus(sessions.status()));
  json::array out;
  for (const auto& r : *sessions) out.push_back(SessionToJson(r, {}));
  co_return JsonResponse(200, out);
}

// GET /api/admin/stats/: the console's dashboard. Sign-ins are counted per 24 hours back
// from now, so the last period is exactly the last day.
asio::awaitable<Response> Stats(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  constexpr int64_t kDayUs = 86'400'000'000;
  constexpr int kDays = 30;
  const int64_t now_us = s.clock.NowMicros();
  const int64_t since_us = now_us - kDays * kDayUs;
  auto built = co_await s.store_pool.Run([&]() -> StatusOr<json::object> {
    auto users = s.store.users().List({.limit = 0});
    if (!users.ok()) return users.status();
    auto sessions = s.store.tokens().CountLive(now_us / 1'000'000);
    if (!sessions.ok()) return sessions.status();
    auto counts = s.store.audit().CountByPeriod({"login.succeeded", "login.failed"}, since_us, kDayUs);
    if (!counts.ok()) return counts.status();
    auto mail = s.store.mail().Pending();
    if (!mail.ok()) return mail.status();
    auto hooks = s.store.webhooks().Pending();
    if (!hooks.ok()) return hooks.status();

    std::vector<std::pair<int64_t, int64_t>> days(kDays);  // succeeded, failed
    for (const PeriodCount& c : *counts) {
      if (c.period < 0 || c.period >= kDays) continue;
      (c.type == "login.succeeded" ? days[c.period].first : days[c.period].second) += c.count;
    }
    json::array daily;
    int64_t succeeded = 0, failed = 0;
    for (int i = 0; i < kDays; ++i) {
      succeeded += days[i].first;
      failed += days[i].second;
      daily.push_back(json::object{{"start", FormatIsoUtc(since_us + i * kDayUs)},
                                   {"succeeded", days[i].first},
                                   {"failed", days[i].second}});
    }
    json::object body;
    body["users"] = users->count;
    body["active_sessions"] = *sessions;
    body["sign_ins"] = json::object{
        {"last_24_hours", json::object{{"succeeded", days[kDays - 1].first},
                                       {"failed", days[kDays - 1].second}}},
        {"last_30_days", json::object{{"succeeded", succeeded}, {"failed", failed}}},
        {"daily", std::move(daily)}};
    body["mail_backlog"] = *mail;
    body["webhook_backlog"] = *hooks;
    return body;
  });
  if (!built) co_return ToResponse(Unavailable(1));
  if (!built->ok()) co_return ToResponse(FromStatus(built->status()));
  co_return JsonResponse(200, **built);
}

asio::awaitable<Response> PatchUser(Services& s, Request& request) {
  auto found = Resolve(request, s, /*to_change=*/true);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  const User& me = std::get<AdminAndTarget>(found).admin;
  const User& target = std::get<AdminAndTarget>(found).target;
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  // Granting or removing staff status, like touching a superuser, is for superusers.
  if (data->contains("is_staff") && !me.is_superuser) co_return ToResponse(PermissionDenied());

  // A partial update: only the fields present are read and changed; others are ignored.
  FieldErrors errors;
  UserUpdate update;
  update.email = ReadCharField(*data, "email",
                               {.required = false, .allow_blank = true, .max_length = 254}, errors);
  if (update.email && !update.email->empty()) {
    if (auto bad = CheckEmail(*update.email)) errors.Add("email", *bad);
  }
  // An address set by an administrator is not one its owner proved: unverified, unless the
  // administrator says it is ("email_verified": true).
  if (data->contains("email_verified")) {
    update.email_verified = ReadBoolField(*data, "email_verified", false, errors);
  } else if (update.email && *update.email != target.email) {
    update.email_verified = false;
  }
  const CharFieldSpec name_spec{.required = false, .allow_blank = true, .max_length = 150};
  update.first_name = ReadCharField(*data, "first_name", name_spec, errors);
  update.last_name = ReadCharField(*data, "last_name", name_spec, errors);
  if (data->contains("is_active")) update.is_active = ReadBoolField(*data, "is_active", true, errors);
  if (data->contains("is_staff")) update.is_staff = ReadBoolField(*data, "is_staff", false, errors);
  auto password = ReadCharField(
      *data, "password", {.required = false, .max_bytes = s.settings.max_password_bytes}, errors);
  if (password) {
    errors.AddAll("password",
                  s.policy.Validate(*password, {.username = target.username,
                                                .first_name = update.first_name.value_or(target.first_name),
                                                .last_name = update.last_name.value_or(target.last_name),
                                                .email = update.email.value_or(target.email)}));
  }
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  const bool demoted = (update.is_active == false) || (update.is_staff == false);
  if (demoted) {
    if (auto refused = KeepsASuperuser(s, target)) co_return ToResponse(*refused);
  }

  if (password) {
    auto hash = co_await s.hash_pool.Run([&] { return s.hasher.Hash(*password); });
    if (!hash) co_return ToResponse(Unavailable(1));
    update.password_hash = std::move(*hash);
  }
  // What changed, by name (a new password is named, never shown).
  json::array fields;
  if (update.email) fields.emplace_back("email");
  if (update.email_verified) fields.emplace_back("email_verified");
  if (update.first_name) fields.emplace_back("first_name");
  if (update.last_name) fields.emplace_back("last_name");
  if (update.is_active) fields.emplace_back("is_active");
  if (update.is_staff) fields.emplace_back("is_staff");
  if (update.password_hash) fields.emplace_back("password");
  json::object details{{"fields", std::move(fields)}, {"username", target.username}};
  if (update.is_active) details["is_active"] = *update.is_active;
  if (update.is_staff) details["is_staff"] = *update.is_staff;
  if (update.email) details["email"] = *update.email;
  update.events.push_back(RequestEvent(s.clock, request, "admin.user_updated", target.id, details));
  auto updated = s.store.users().Update(target.id, update);
  if (!updated.ok()) {
    if (updated.status().code() == StatusCode::kNotFound) co_return ToResponse(NotFoundError());
    co_return ToResponse(FromStatus(updated.status()));
  }
  Logged(update.events);
  const bool deactivated = target.is_active && !updated->is_active;
  if (deactivated || password) {
    auto ended = s.sessions.EndAll(target.id, deactivated ? "deactivated" : "password_reset");
    if (!ended.ok()) co_return ToResponse(FromStatus(ended.status()));
  }
  auto body = AdminUserJson(s, *updated);
  if (!body.ok()) co_return ToResponse(FromStatus(body.status()));
  co_return JsonResponse(200, *body);
}

asio::awaitable<Response> DeleteUser(Services& s, Request& request) {
  auto found = Resolve(request, s, /*to_change=*/true);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  if (auto refused = KeepsASuperuser(s, std::get<AdminAndTarget>(found).target)) {
    co_return ToResponse(*refused);
  }
  // The user's refresh-token records go with them; their tokens then name no user. Who they
  // were stays in the event.
  const User& target = std::get<AdminAndTarget>(found).target;
  const std::vector<AuditEvent> events = {RequestEvent(
      s.clock, request, "admin.user_deleted", target.id,
      json::object{{"username", target.username}, {"email", target.email}})};
  Status st = s.store.users().Delete(target.id, events);
  if (st.code() == StatusCode::kNotFound) co_return ToResponse(NotFoundError());
  if (!st.ok()) co_return ToResponse(FromStatus(st));
  Logged(events);
  co_return NoContent();
}

asio::awaitable<Response> RevokeUser(Services& s, Request& request) {
  auto found = Resolve(request, s, /*to_change=*/true);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  const int64_t target_id = std::get<AdminAndTarget>(found).target.id;
  const std::vector<AuditEvent> events = {
      RequestEvent(s.clock, request, "admin.sessions_revoked", target_id)};
  auto revoked = s.sessions.EndAll(target_id, "admin_revoked", events);
  if (!revoked.ok()) co_return ToResponse(FromStatus(revoked.status()));
  Logged(events);
  co_return JsonResponse(200, json::object{{"revoked", *revoked}});
}

// POST /api/admin/users/{id}/mfa/reset/: every second factor goes, and every session ends
// (whoever held one may have been the one who enrolled them).
asio::awaitable<Response> ResetFactors(Services& s, Request& request) {
  auto found = Resolve(request, s, /*to_change=*/true);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  const User& target = std::get<AdminAndTarget>(found).target;
  // Sessions end first: should the reset then fail, nobody was let in, only logged out.
  auto revoked = s.sessions.EndAll(target.id, "mfa_reset");
  if (!revoked.ok()) co_return ToResponse(FromStatus(revoked.status()));
  const std::vector<AuditEvent> events = {RequestEvent(
      s.clock, request, "admin.mfa_reset", target.id, json::object{{"revoked", *revoked}})};
  if (Status st = s.store.mfa().DeleteAllFactors(target.id, events); !st.ok()) {
    co_return ToResponse(FromStatus(st));
  }
  Logged(events);
  co_return JsonResponse(200, json::object{{"revoked", *revoked}});
}

// POST /api/admin/users/{id}/password-reset/: mails the user a reset link (202: queued).
asio::awaitable<Response> SendPasswordReset(Services& s, Request& request) {
  auto found = Resolve(request, s, /*to_change=*/true);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  const User& target = std::get<AdminAndTarget>(found).target;
  if (s.mailer == nullptr) co_return ToResponse(EmailNotConfigured());
  if (target.email.empty()) co_return ToResponse(Detail(400, "The user has no email address."));
  if (!target.is_active) co_return ToResponse(Detail(400, "The user is not active."));
  Status st = s.store.mail().Enqueue(OutboxMessage{.kind = kMailPasswordReset,
                                                   .user_id = target.id,
                                                   .recipient = target.email,
                                                   .created_at = s.clock.NowMicros()});
  if (!st.ok()) co_return ToResponse(FromStatus(st));
  s.mailer->sender().Wake();
  co_return JsonResponse(202, json::object{{"detail", "A password reset link has been sent."}});
}

}  // namespace

void AddAdminRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/admin/users/", [&s](Request& r) { return ListUsers(s, r); });
  router.Add("GET", "/api/admin/users/{id}/", [&s](Request& r) { return GetUser(s, r); });
  router.Add("PATCH", "/api/admin/users/{id}/", [&s](Request& r) { return PatchUser(s, r); });
  router.Add("DELETE", "/api/admin/users/{id}/", [&s](Request& r) { return DeleteUser(s, r); });
  router.Add("POST", "/api/admin/users/{id}/revoke/", [&s](Request& r) { return RevokeUser(s, r); });
  router.Add("GET", "/api/admin/users/{id}/sessions/", [&s](Request& r) { return UserSessions(s, r); });
  router.Add("GET", "/api/admin/stats/", [&s](Request& r) { return Stats(s, r); });
  router.Add("POST", "/api/admin/users/{id}/mfa/reset/",
             [&s](Request& r) { return ResetFactors(s, r); });
  router.Add("POST", "/api/admin/users/{id}/password-reset/",
             [&s](Request& r) { return SendPasswordReset(s, r); });
}

}  // namespace authd
