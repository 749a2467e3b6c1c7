#include "store/postgres/pg_client_store.h"

#include "store/client_rows.h"
#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_rows.h"

namespace authd::pg {
namespace {

#define AUTHD_CLIENT_COLUMNS "client_id, secret_hash, name, redirect_uris, first_party, created_at"

OAuthClient ReadClient(const Result& r, int row) {
  return OAuthClient{.client_id = r.Text(row, 0),
                     .secret_hash = r.Text(row, 1),
                     .name = r.Text(row, 2),
                     .redirect_uris = RedirectUrisFromText(r.Text(row, 3)),
                     .first_party = r.Bool(row, 4),
                     .created_at = r.Int(row, 5)};
}

}  // namespace

Status PgClientStore::Insert(const OAuthClient& c, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           auto r = conn.Run("INSERT INTO oauth_clients(" AUTHD_CLIENT_COLUMNS
                             ") VALUES ($1, $2, $3, $4, $5, $6)",
                             Params().Add(c.client_id).Add(c.secret_hash).Add(c.name)
                                 .Add(RedirectUrisToText(c.redirect_uris)).Add(c.first_party)
                                 .Add(c.created_at),
                             "add client");
           if (!r.ok()) return r.status();
           return true;
         })
      .status();
}

StatusOr<OAuthClient> PgClientStore::Find(std::string_view client_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_CLIENT_COLUMNS " FROM oauth_clients WHERE client_id = $1",
                        Params().Add(client_id), "find client");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such client");
  return ReadClient(*r, 0);
}

StatusOr<std::vector<OAuthClient>> PgClientStore::List() {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_CLIENT_COLUMNS " FROM oauth_clients ORDER BY id",
                        Params(), "list clients");
  if (!r.ok()) return r.status();
  std::vector<OAuthClient> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(ReadClient(*r, i));
  return out;
}

StatusOr<bool> PgClientStore::Delete(std::string_view client_id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto r = conn.Run("DELETE FROM oauth_clients WHERE client_id = $1", Params().Add(client_id),
                      "remove client");
    if (!r.ok()) return r.status();
    return r->Affected() == 1;
  });
}

}  // namespace authd::pg
