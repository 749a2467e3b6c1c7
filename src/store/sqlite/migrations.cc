#include "store/sqlite/migrations.h"

#include <iterator>

#include "store/store.h"

#include "util/clock.h"

#include <fmt/format.h>


namespace authd::sqlite {
namespace {

constexpr Migration kMigrations[] = {
    {1, "users_and_secrets", R"sql(
      -- AUTOINCREMENT: an id is never reused, so a token of a deleted user cannot
      -- resolve to someone registered later.
      CREATE TABLE users (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        username     TEXT    NOT NULL UNIQUE,
        password     TEXT    NOT NULL,
        email        TEXT    NOT NULL DEFAULT '',
        first_name   TEXT    NOT NULL DEFAULT '',
        last_name    TEXT    NOT NULL DEFAULT '',
        is_active    INTEGER NOT NULL DEFAULT 1,
        is_staff     INTEGER NOT NULL DEFAULT 0,
        is_superuser INTEGER NOT NULL DEFAULT 0,
        date_joined  INTEGER NOT NULL,  -- microseconds since the epoch, UTC
        last_login   INTEGER            -- NULL until the first login
      );
      CREATE TABLE secrets (
        name       TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    )sql"},
    {2, "refresh_tokens", R"sql(
      -- Every refresh token issued (access tokens are never stored). Times in seconds, like
      -- the tokens' own claims. A user's records go with the user.
      CREATE TABLE refresh_tokens (
        jti            TEXT    PRIMARY KEY,
        user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family         TEXT    NOT NULL,  -- jti of the login's first token
        issued_at      INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        last_used_at   INTEGER,
        user_agent     TEXT    NOT NULL DEFAULT '',
        client_address TEXT    NOT NULL DEFAULT '',
        rotated_at     INTEGER,           -- retired by rotation
        replaced_by    TEXT    NOT NULL DEFAULT '',
        revoked_at     INTEGER,           -- ended (logout, reuse, password change, admin)
        revoke_reason  TEXT    NOT NULL DEFAULT ''
      );
      CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
      CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
      CREATE INDEX refresh_tokens_expires ON refresh_tokens(expires_at);
    )sql"},
    {3, "throttle", R"sql(
      -- Brute-force and rate-limit counters (ThrottleStore). Times in microseconds.
      CREATE TABLE throttle (
        key     TEXT    PRIMARY KEY,
        count   INTEGER NOT NULL,
        last_at INTEGER NOT NULL,  -- when count last moved
        until   INTEGER NOT NULL   -- refused until then; 0 when not blocked
      );
      CREATE INDEX throttle_last_at ON throttle(last_at);
    )sql"},
    {4, "tokens_valid_after", R"sql(
      -- Seconds since the epoch: tokens of this user issued before it are refused, recorded
      -- or not (TokenStore::RevokeUser moves it forward).
      ALTER TABLE users ADD COLUMN tokens_valid_after INTEGER NOT NULL DEFAULT 0;
    )sql"},
    {5, "change_notifications", R"sql(
      -- Nothing on SQLite: PostgreSQL's version 5 adds triggers that tell other instances'
      -- caches what changed; here PRAGMA data_version does that (sqlite/data_version_feed.h).
    )sql"},
    {6, "mail", R"sql(
      -- Accounts made before verification existed keep working where it is required: an
      -- address they already have counts as verified (as an imported Django user's does).
      ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
      UPDATE users SET email_verified = 1 WHERE email <> '';
      -- Mail to deliver (store/mail_store.h). Times in microseconds. No foreign key on
      -- user_id: a notice about a deleted account may still be due.
      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT    NOT NULL,
        user_id         INTEGER NOT NULL DEFAULT 0,
        recipient       TEXT    NOT NULL DEFAULT '',
        data            TEXT    NOT NULL DEFAULT '{}',
        created_at      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_until     INTEGER NOT NULL DEFAULT 0,
        failed_at       INTEGER,            -- given up; kept for the operator
        last_error      TEXT    NOT NULL DEFAULT ''
      );
      CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE failed_at IS NULL;
      -- The SHA-256 of each link mailed; times in seconds.
      CREATE TABLE one_time_tokens (
        hash       TEXT    PRIMARY KEY,
        purpose    TEXT    NOT NULL,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        email      TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX one_time_tokens_user ON one_time_tokens(user_id);
      CREATE INDEX one_time_tokens_expires ON one_time_tokens(expires_at);
      -- A reset link dies when the password or the email changes, by any route (the API, a
      -- command, an operator's SQL): a trigger, so no route can forget it.
      CREATE TRIGGER users_reset_tokens AFTER UPDATE OF password, email ON users
        WHEN OLD.password IS NOT NEW.password OR OLD.email IS NOT NEW.email
      BEGIN
        DELETE FROM one_time_tokens WHERE user_id = NEW.id AND purpose = 'password_reset';
      END;
    )sql"},
    {7, "mfa", R"sql(
      -- Second factors (store/mfa_store.h); times in seconds. A user's go with the user.
      CREATE TABLE mfa_totp (
        user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret     TEXT    NOT NULL,  -- sealed (mfa/secret_box.h)
        confirmed  INTEGER NOT NULL DEFAULT 0,
        last_step  INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE mfa_recovery_codes (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        hash    TEXT    NOT NULL,
        used_at INTEGER,
        PRIMARY KEY (user_id, hash)
      );
      CREATE TABLE mfa_challenges (
        hash       TEXT    PRIMARY KEY,  -- SHA-256 of the mfa_token handed out
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL,
        failures   INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX mfa_challenges_user ON mfa_challenges(user_id);
    )sql"},
    {8, "passkeys", R"sql(
      -- Passkeys (store/passkey_store.h): binary values base64url, times in seconds.
      CREATE TABLE webauthn_credentials (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        credential_id TEXT    NOT NULL UNIQUE,
        public_key    TEXT    NOT NULL,  -- COSE_Key
        alg           INTEGER NOT NULL,
        sign_count    INTEGER NOT NULL DEFAULT 0,
        user_handle   TEXT    NOT NULL,
        aaguid        TEXT    NOT NULL DEFAULT '',
        name          TEXT    NOT NULL,
        created_at    INTEGER NOT NULL,
        last_used_at  INTEGER,
        flagged       INTEGER NOT NULL DEFAULT 0  -- its counter went back: a clone?
      );
      CREATE INDEX webauthn_credentials_user ON webauthn_credentials(user_id);
      CREATE TABLE webauthn_challenges (
        hash       TEXT    PRIMARY KEY,  -- SHA-256 of the challenge the options carried
        purpose    TEXT    NOT NULL,     -- register | mfa | login
        user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,  -- NULL for login
        expires_at INTEGER NOT NULL,
        user_handle TEXT   NOT NULL DEFAULT ''
      );
    )sql"},
    {9, "events", R"sql(
      -- The audit log (store/audit_store.h): append-only; no foreign key, so events outlive
      -- the users they name. Times in microseconds.
      CREATE TABLE events (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        time            INTEGER NOT NULL,
        type            TEXT    NOT NULL,
        outcome         TEXT    NOT NULL,
        actor           TEXT    NOT NULL,
        subject_user_id INTEGER,
        client_address  TEXT    NOT NULL DEFAULT '',
        user_agent      TEXT    NOT NULL DEFAULT '',
        request_id      TEXT    NOT NULL DEFAULT '',
        details         TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_subject ON events(subject_user_id, id);
      CREATE INDEX events_time ON events(time);
    )sql"},
    {10, "webhooks", R"sql(
      -- Which URLs want which event types: "*", "prefix.*" or an exact type. Written from the
      -- settings when a server starts (the secrets stay in the settings).
      CREATE TABLE webhook_subscriptions (
        url     TEXT NOT NULL,
        pattern TEXT NOT NULL,
        PRIMARY KEY (url, pattern)
      );
      -- The webhook outbox; times in microseconds. subject_key: the event's user, 0 for none;
      -- deliveries of one url and subject_key go in id order.
      CREATE TABLE webhook_deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        url             TEXT    NOT NULL,
        event_id        INTEGER NOT NULL,
        event_type      TEXT    NOT NULL,
        subject_key     INTEGER NOT NULL,
        status          TEXT    NOT NULL DEFAULT 'pending',
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        give_up_at      INTEGER NOT NULL,
        lease_until     INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_response   INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT    NOT NULL DEFAULT ''
      );
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(url, subject_key, id)
        WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_status ON webhook_deliveries(status, id);
      -- Every event queues its deliveries in its own transaction: no code path can forget
      -- them, and a rolled-back change leaves none.
      CREATE TRIGGER events_webhooks AFTER INSERT ON events
      BEGIN
        INSERT INTO webhook_deliveries(url, event_id, event_type, subject_key, created_at,
                                       next_attempt_at, give_up_at)
        SELECT DISTINCT url, NEW.id, NEW.type, COALESCE(NEW.subject_user_id, 0), NEW.time,
               NEW.time, NEW.time + 86400000000
        FROM webhook_subscriptions
        WHERE pattern = '*' OR pattern = NEW.type
           OR (substr(pattern, -2) = '.*'
               AND substr(NEW.type, 1, length(pattern) - 1) = substr(pattern, 1, length(pattern) - 1));
      END;
    )sql"},
    {11, "oidc", R"sql(
      -- Sign-in with OpenID Connect providers (store/oidc_store.h): flows under way (times in
      -- seconds; the state itself is never stored, only its SHA-256) and linked identities.
      CREATE TABLE oidc_flows (
        state_hash    TEXT    PRIMARY KEY,
        provider      TEXT    NOT NULL,
        nonce         TEXT    NOT NULL,
        code_verifier TEXT    NOT NULL,
        browser_hash  TEXT    NOT NULL,
        next          TEXT    NOT NULL,
        link_user_id  INTEGER REFERENCES users(id) ON DELETE CASCADE,
        expires_at    INTEGER NOT NULL
      );
      CREATE INDEX oidc_flows_expires ON oidc_flows(expires_at);
      CREATE TABLE oidc_identities (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        provider     TEXT    NOT NULL,
        subject      TEXT    NOT NULL,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        email        TEXT    NOT NULL DEFAULT '',
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER,
        UNIQUE (provider, subject)
      );
      CREATE INDEX oidc_identities_user ON oidc_identities(user_id);
    )sql"},
    {12, "oidc_codes", R"sql(
      -- A sign-in a provider finished, until its one-time code is exchanged (60 s, single use;
      -- only the code's SHA-256 is kept). Flows and codes expire together (DeleteExpiredFlows).
      CREATE TABLE oidc_codes (
        code_hash    TEXT    PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        provider     TEXT    NOT NULL,
        browser_hash TEXT    NOT NULL,
        expires_at   INTEGER NOT NULL
      );
      CREATE INDEX oidc_codes_expires ON oidc_codes(expires_at);
    )sql"},
    {13, "oauth_clients", R"sql(
      -- The applications that sign their users in through authd (store/client_store.h): the
      -- secret only as its SHA-256 (empty for a public client), the exact redirect URIs one
      -- per line.
      CREATE TABLE oauth_clients (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id     TEXT    NOT NULL UNIQUE,
        secret_hash   TEXT    NOT NULL,
        name          TEXT    NOT NULL,
        redirect_uris TEXT    NOT NULL,
        first_party   INTEGER NOT NULL,
        created_at    INTEGER NOT NULL
      );
    )sql"},
    {14, "mfa_first_factor", R"sql(
      -- How a sign-in waiting for its second factor began: a password, or an OpenID
      -- provider's sign-in ("oidc"), so its record says how it ended.
      ALTER TABLE mfa_challenges ADD COLUMN first_factor TEXT NOT NULL DEFAULT 'password';
    )sql"},
};

static_assert(std::size(kMigrations) == kSchemaVersion, "SQLite migrations end at kSchemaVersion");

constexpr const char* kCreateVersionTable = R"sql(
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  );
)sql";

StatusOr<int> ReadVersion(Connection& conn) {
  auto stmt = conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  int rc = q.Step();
  if (rc != SQLITE_ROW) return conn.Error(rc, "read schema version");
  return static_cast<int>(q.Int(0));
}

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

StatusOr<int> AppliedVersion(Connection& conn) {
  AUTHD_RETURN_IF_ERROR(conn.Exec(kCreateVersionTable));
  return ReadVersion(conn);
}

Status ApplyMigrations(Connection& conn) {
  AUTHD_RETURN_IF_ERROR(conn.Exec(kCreateVersionTable));
  const int latest = kMigrations[std::size(kMigrations) - 1].version;
  for (const Migration& m : kMigrations) {
    // Re-read the version inside the write lock: another process may have just applied it.
    AUTHD_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    auto version = ReadVersion(conn);
    if (!version.ok()) {
      (void)conn.Exec("ROLLBACK");
      return version.status();
    }
    if (*version > latest) {
      (void)conn.Exec("ROLLBACK");
      return FailedPrecondition(fmt::format(
          "the database schema is at version {}, newer than this authd knows ({}); "
          "upgrade authd", *version, latest));
    }
    if (*version >= m.version) {
      AUTHD_RETURN_IF_ERROR(conn.Exec("COMMIT"));
      continue;
    }
    Status s = conn.Exec(m.sql);
    if (s.ok()) {
      s = conn.Exec(fmt::format(
          "INSERT INTO schema_migrations(version, name, applied_at) VALUES ({}, '{}', {})",
          m.version, m.name, SystemClock().NowMicros()));
    }
    if (!s.ok()) {
      (void)conn.Exec("ROLLBACK");
      return Internal(fmt::format("migration {} ({}) failed: {}", m.version, m.name, s.message()));
    }
    AUTHD_RETURN_IF_ERROR(conn.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace authd::sqlite
