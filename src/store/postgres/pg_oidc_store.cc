#include "store/postgres/pg_oidc_store.h"

#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_rows.h"

namespace authd::pg {
namespace {

#define AUTHD_IDENTITY_COLUMNS "id, provider, subject, user_id, email, created_at, last_used_at"

OidcIdentity ReadIdentity(const Result& r, int row) {
  return OidcIdentity{.id = r.Int(row, 0),
                      .provider = r.Text(row, 1),
                      .subject = r.Text(row, 2),
                      .user_id = r.Int(row, 3),
                      .email = r.Text(row, 4),
                      .created_at = r.Int(row, 5),
                      .last_used_at = r.OptionalInt(row, 6)};
}

}  // namespace

Status PgOidcStore::InsertFlow(const OidcFlow& f) {
  return Change(pool_,
                "INSERT INTO oidc_flows(state_hash, provider, nonce, code_verifier, browser_hash, "
                "next, link_user_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                Params().Add(f.state_hash).Add(f.provider).Add(f.nonce).Add(f.code_verifier)
                    .Add(f.browser_hash).Add(f.next).Add(f.link_user_id).Add(f.expires_at),
                "store sign-in flow")
      .status();
}

StatusOr<OidcFlow> PgOidcStore::TakeFlow(std::string_view state_hash, int64_t now) {
  // One statement: of two callbacks bearing the same state, one gets the flow.
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "DELETE FROM oidc_flows WHERE state_hash = $1 RETURNING state_hash, provider, nonce, "
      "code_verifier, browser_hash, next, link_user_id, expires_at",
      Params().Add(state_hash), "take sign-in flow");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such sign-in flow");
  OidcFlow f{.state_hash = r->Text(0, 0), .provider = r->Text(0, 1), .nonce = r->Text(0, 2),
             .code_verifier = r->Text(0, 3), .browser_hash = r->Text(0, 4), .next = r->Text(0, 5),
             .link_user_id = r->OptionalInt(0, 6), .expires_at = r->Int(0, 7)};
  if (f.expires_at <= now) return NotFound("the sign-in flow has expired");
  return f;
}

StatusOr<int> PgOidcStore::DeleteExpiredFlows(int64_t before) {
  auto flows = Change(pool_, "DELETE FROM oidc_flows WHERE expires_at < $1", Params().Add(before),
                      "delete expired sign-in flows");
  if (!flows.ok()) return flows;
  auto codes = Change(pool_, "DELETE FROM oidc_codes WHERE expires_at < $1", Params().Add(before),
                      "delete expired sign-in codes");
  if (!codes.ok()) return codes;
  return *flows + *codes;
}

Status PgOidcStore::InsertCode(const OidcCode& c) {
  return Change(pool_,
                "INSERT INTO oidc_codes(code_hash, user_id, provider, browser_hash, expires_at) "
                "VALUES ($1, $2, $3, $4, $5)",
                Params().Add(c.code_hash).Add(c.user_id).Add(c.provider).Add(c.browser_hash)
                    .Add(c.expires_at),
                "store sign-in code")
      .status();
}

StatusOr<OidcCode> PgOidcStore::TakeCode(std::string_view code_hash, int64_t now) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "DELETE FROM oidc_codes WHERE code_hash = $1 RETURNING code_hash, user_id, provider, "
      "browser_hash, expires_at",
      Params().Add(code_hash), "take sign-in code");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such sign-in code");
  OidcCode c{.code_hash = r->Text(0, 0), .user_id = r->Int(0, 1), .provider = r->Text(0, 2),
             .browser_hash = r->Text(0, 3), .expires_at = r->Int(0, 4)};
  if (c.expires_at <= now) return NotFound("the sign-in code has expired");
  return c;
}

StatusOr<OidcIdentity> PgOidcStore::FindIdentity(std::string_view provider, std::string_view subject) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_IDENTITY_COLUMNS
                        " FROM oidc_identities WHERE provider = $1 AND subject = $2",
                        Params().Add(provider).Add(subject), "find identity");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such identity");
  return ReadIdentity(*r, 0);
}

StatusOr<int64_t> LinkIdentityOn(Connection& conn, const OidcIdentity& i) {
  auto r = conn.Run(
      "INSERT INTO oidc_identities(provider, subject, user_id, email, created_at) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      Params().Add(i.provider).Add(i.subject).Add(i.user_id).Add(i.email).Add(i.created_at),
      "link identity");
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kAlreadyExists) return AlreadyExists("the identity is linked already");
    return r.status();
  }
  return r->Int(0, 0);
}

StatusOr<int64_t> PgOidcStore::Link(const OidcIdentity& i, const std::vector<AuditEvent>& events) {
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

Status PgOidcStore::Touch(int64_t id, int64_t now) {
  return Change(pool_, "UPDATE oidc_identities SET last_used_at = $1 WHERE id = $2",
                Params().Add(now).Add(id), "touch identity")
      .status();
}

StatusOr<std::vector<OidcIdentity>> PgOidcStore::List(int64_t user_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_IDENTITY_COLUMNS
                        " FROM oidc_identities WHERE user_id = $1 ORDER BY id",
                        Params().Add(user_id), "list identities");
  if (!r.ok()) return r.status();
  std::vector<OidcIdentity> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(ReadIdentity(*r, i));
  return out;
}

StatusOr<bool> PgOidcStore::Unlink(int64_t user_id, int64_t id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto r = conn.Run("DELETE FROM oidc_identities WHERE id = $1 AND user_id = $2",
                      Params().Add(id).Add(user_id), "unlink identity");
    if (!r.ok()) return r.status();
    return r->Affected() == 1;
  });
}

}  // namespace authd::pg
