#!/usr/bin/python3
"""Bulk seeding of an authd SQLite database for the benchmarks.

- users: N users in one transaction, all with one precomputed password hash (hashing a million
  passwords would take hours; the scale scenario measures lookups, not hashing).
- refresh tokens: tokens minted with the shared key and recorded as authd records them at login.
- access tokens: minted for given user ids, as authd would issue them.

The database must already carry authd's schema (start authd on it once). As a tool:
  bench/seed.py users DB COUNT   # copies the hash of the first user in DB
"""
import sqlite3
import sys
import time
import uuid

import jwt


def seed_users(db, count, password_hash, prefix="scale"):
    """Inserts `count` active users named {prefix}-{n}; returns their ids (first, last)."""
    now_us = int(time.time() * 1e6)
    rows = ((f"{prefix}-{n}", password_hash, f"{prefix}-{n}@example.com", "", "", 1, 0, 0, now_us)
            for n in range(count))
    with sqlite3.connect(db) as conn:
        first = (conn.execute("SELECT coalesce(max(id), 0) FROM users").fetchone()[0]) + 1
        conn.executemany("INSERT INTO users(username, password, email, first_name, last_name, "
                         "is_active, is_staff, is_superuser, date_joined) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        last = conn.execute("SELECT max(id) FROM users").fetchone()[0]
    return first, last


def first_password_hash(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT password FROM users ORDER BY id LIMIT 1").fetchone()[0]


def seed_refresh_tokens(db, user_id, count, key):
    """Refresh tokens recorded as at login, so each benchmarked refresh is exactly one rotation."""
    now = int(time.time())
    rows, tokens = [], []
    for _ in range(count):
        jti = uuid.uuid4().hex
        tokens.append(jwt.encode({"token_type": "refresh", "exp": now + 86400, "iat": now, "jti": jti,
                                  "user_id": user_id}, key, algorithm="HS256"))
        rows.append((jti, user_id, jti, now, now + 86400))
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT INTO refresh_tokens(jti, user_id, family, issued_at, expires_at) "
                         "VALUES (?, ?, ?, ?, ?)", rows)
    return tokens


def mint_access_tokens(user_ids, key, lifetime=3600):
    now = int(time.time())
    return [jwt.encode({"token_type": "access", "exp": now + lifetime, "iat": now,
                        "jti": uuid.uuid4().hex, "user_id": uid}, key, algorithm="HS256")
            for uid in user_ids]


def main(argv):
    if len(argv) != 4 or argv[1] != "users":
        print(__doc__, file=sys.stderr)
        return 2
    db, count = argv[2], int(argv[3])
    started = time.monotonic()
    first, last = seed_users(db, count, first_password_hash(db))
    print(f"seeded users {first}..{last} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
