#include "store/sqlite/sqlite_oidc_store.h"

#include "store/sqlite/sqlite_audit_store.h"

namespace authd::sqlite {
namespace {

#define AUTHD_IDENTITY_COLUMNS "id, provider, subject, user_id, email, created_at, last_used_at"

OidcIdentity ReadIdentity(const Statement& q) {
  return OidcIdentity{.id = q.Int(0),
                      .provider = q.Text(1),
                      .subject = q.Text(2),
                      .user_id = q.Int(3),
                      .email = q.Text(4),
                      .created_at = q.Int(5),
                      .last_used_at = q.OptionalInt(6)};
}

}  // namespace

Status SqliteOidcStore::InsertFlow(const OidcFlow& f) {
  return Change(pool_,
                "INSERT INTO oidc_flows(state_hash, provider, nonce, code_verifier, browser_hash, "
                "next, link_user_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                "store sign-in flow",
                [&](Statement& q) {
                  q.Bind(1, f.state_hash).Bind(2, f.provider).Bind(3, f.nonce);
                  q.Bind(4, f.code_verifier).Bind(5, f.browser_hash).Bind(6, f.next);
                  q.Bind(7, f.link_user_id).Bind(8, f.expires_at);
                })
      .status();
}

StatusOr<OidcFlow> SqliteOidcStore::TakeFlow(std::string_view state_hash, int64_t now) {
  // One statement: of two callbacks bearing the same state, one gets the flow.
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "DELETE FROM oidc_flows WHERE state_hash = ? RETURNING state_hash, provider, nonce, "
      "code_verifier, browser_hash, next, link_user_id, expires_at");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, state_hash);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such sign-in flow");
  if (rc != SQLITE_ROW) return conn->Error(rc, "take sign-in flow");
  OidcFlow f{.state_hash = q.Text(0), .provider = q.Text(1), .nonce = q.Text(2),
             .code_verifier = q.Text(3), .browser_hash = q.Text(4), .next = q.Text(5),
             .link_user_id = q.OptionalInt(6), .expires_at = q.Int(7)};
  if (f.expires_at <= now) return NotFound("the sign-in flow has expired");
  return f;
}

StatusOr<int> SqliteOidcStore::DeleteExpiredFlows(int64_t before) {
  auto flows = Change(pool_, "DELETE FROM oidc_flows WHERE expires_at < ?",
                      "delete expired sign-in flows", [&](Statement& q) { q.Bind(1, before); });
  if (!flows.ok()) return flows;
  auto codes = Change(pool_, "DELETE FROM oidc_codes WHERE expires_at < ?",
                      "delete expired sign-in codes", [&](Statement& q) { q.Bind(1, before); });
  if (!codes.ok()) return codes;
  return *flows + *codes;
}

Status SqliteOidcStore::InsertCode(const OidcCode& c) {
  return Change(pool_,
                "INSERT INTO oidc_codes(code_hash, user_id, provider, browser_hash, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                "store sign-in code",
                [&](Statement& q) {
                  q.Bind(1, c.code_hash).Bind(2, c.user_id).Bind(3, c.provider);
                  q.Bind(4, c.browser_hash).Bind(5, c.expires_at);
                })
      .status();
}

StatusOr<OidcCode> SqliteOidcStore::TakeCode(std::string_view code_hash, int64_t now) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "DELETE FROM oidc_codes WHERE code_hash = ? RETURNING code_hash, user_id, provider, "
      "browser_hash, expires_at");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, code_hash);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such sign-in code");
  if (rc != SQLITE_ROW) return conn->Error(rc, "take sign-in code");
  OidcCode c{.code_hash = q.Text(0), .user_id = q.Int(1), .provider = q.Text(2),
             .browser_hash = q.Text(3), .expires_at = q.Int(4)};
  if (c.expires_at <= now) return NotFound("the sign-in code has expired");
  return c;
}

StatusOr<OidcIdentity> SqliteOidcStore::FindIdentity(std::string_view provider, std::string_view subject) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_IDENTITY_COLUMNS
                            " FROM oidc_identities WHERE provider = ? AND subject = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, provider).Bind(2, subject);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such identity");
  if (rc != SQLITE_ROW) return conn->Error(rc, "find identity");
  return ReadIdentity(q);
}

StatusOr<int64_t> LinkIdentityOn(Connection& conn, const OidcIdentity& i) {
  auto stmt = conn.Prepare(
      "INSERT INTO oidc_identities(provider, subject, user_id, email, created_at) "
      "VALUES (?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, i.provider).Bind(2, i.subject).Bind(3, i.user_id).Bind(4, i.email).Bind(5, i.created_at);
  if (int rc = q.Step(); rc != SQLITE_DONE) {
    Status s = conn.Error(rc, "link identity");
    if (s.code() == StatusCode::kAlreadyExists) return AlreadyExists("the identity is linked already");
    return s;
  }
  return conn.LastInsertId();
}

StatusOr<int64_t> SqliteOidcStore::Link(const OidcIdentity& i, const std::vector<AuditEvent>& events) {
  int64_t id = 0;
  auto done = WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto linked = LinkIdentityOn(conn, i);
    if (!linked.ok()) return linked.status();
    id = *linked;
    return true;
  });
  if (!done.ok()) return done.status();
  return id;
}

Status SqliteOidcStore::Touch(int64_t id, int64_t now) {
  return Change(pool_, "UPDATE oidc_identities SET last_used_at = ? WHERE id = ?", "touch identity",
                [&](Statement& q) { q.Bind(1, now).Bind(2, id); })
      .status();
}

StatusOr<std::vector<OidcIdentity>> SqliteOidcStore::List(int64_t user_id) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_IDENTITY_COLUMNS
                            " FROM oidc_identities WHERE user_id = ? ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, user_id);
  std::vector<OidcIdentity> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadIdentity(q));
  if (rc != SQLITE_DONE) return conn->Error(rc, "list identities");
  return out;
}

StatusOr<bool> SqliteOidcStore::Unlink(int64_t user_id, int64_t id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto n = ChangeOn(conn, "DELETE FROM oidc_identities WHERE id = ? AND user_id = ?",
                      "unlink identity", [&](Statement& q) { q.Bind(1, id).Bind(2, user_id); });
    if (!n.ok()) return n.status();
    return *n == 1;
  });
}

}  // namespace authd::sqlite
