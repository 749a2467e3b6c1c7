#include "store/sqlite/sqlite_client_store.h"

#include "store/client_rows.h"
#include "store/sqlite/sqlite_audit_store.h"

namespace authd::sqlite {
namespace {

#define AUTHD_CLIENT_COLUMNS "client_id, secret_hash, name, redirect_uris, first_party, created_at"

OAuthClient ReadClient(const Statement& q) {
  return OAuthClient{.client_id = q.Text(0),
                     .secret_hash = q.Text(1),
                     .name = q.Text(2),
                     .redirect_uris = RedirectUrisFromText(q.Text(3)),
                     .first_party = q.Int(4) != 0,
                     .created_at = q.Int(5)};
}

}  // namespace

Status SqliteClientStore::Insert(const OAuthClient& c, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           auto n = ChangeOn(conn,
                             "INSERT INTO oauth_clients(" AUTHD_CLIENT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)",
                             "add client", [&](Statement& q) {
                               q.Bind(1, c.client_id).Bind(2, c.secret_hash).Bind(3, c.name);
                               q.Bind(4, RedirectUrisToText(c.redirect_uris));
                               q.Bind(5, int64_t{c.first_party}).Bind(6, c.created_at);
                             });
           if (!n.ok()) return n.status();
           return true;
         })
      .status();
}

StatusOr<OAuthClient> SqliteClientStore::Find(std::string_view client_id) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_CLIENT_COLUMNS " FROM oauth_clients WHERE client_id = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, client_id);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such client");
  if (rc != SQLITE_ROW) return conn->Error(rc, "find client");
  return ReadClient(q);
}

StatusOr<std::vector<OAuthClient>> SqliteClientStore::List() {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_CLIENT_COLUMNS " FROM oauth_clients ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  std::vector<OAuthClient> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadClient(q));
  if (rc != SQLITE_DONE) return conn->Error(rc, "list clients");
  return out;
}

StatusOr<bool> SqliteClientStore::Delete(std::string_view client_id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto n = ChangeOn(conn, "DELETE FROM oauth_clients WHERE client_id = ?", "remove client",
                      [&](Statement& q) { q.Bind(1, client_id); });
    if (!n.ok()) return n.status();
    return *n == 1;
  });
}

}  // namespace authd::sqlite
