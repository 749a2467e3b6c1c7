"""authd serve keeps users and refresh-token records in memory (src/store/cache/), so the busiest
requests open no database read. Today's semantics stay: a change this instance acknowledged is
seen by its very next request; one made by another process on the same database (`authd
changepassword`, a second `authd serve`, an operator's SQL) within one second. Runs on SQLite
and on PostgreSQL; the PostgreSQL outage case is in test_outage.py.
"""
import subprocess
import time

import requests

from conftest import AUTHD_BIN, DATABASES, STRONG_PASSWORD

INACTIVE = {"detail": "User is inactive", "code": "user_inactive"}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def make_superuser(server, name="root"):
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    r = subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", name],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return server.login(name)["access"]


def cached_user(server, name, aged=False):
    """Registers and logs in `name`, then reads /user_detail/ often enough that every I/O
    thread holds the user in memory. The user's id and tokens. `aged`: the tokens are from an
    earlier second than anything after, as "end every session" refuses only tokens issued
    before its second (one issued in that very second may be the new login that followed)."""
    server.register(name)
    tokens = server.login(name)
    if aged:
        time.sleep(1.05)
    for _ in range(8):
        r = server.get("/user_detail/", token=tokens["access"])
        assert r.status_code == 200, r.text
    tokens["id"] = r.json()["id"]
    return tokens


def seconds_until(condition, watch=1.5):
    """How long after now `condition()` stopped being false for good: it is asked every 10 ms
    for `watch` seconds, and the time of the last false answer is returned (0 if none). Each I/O
    thread has its own part of the cache, so an early true answer alone proves nothing."""
    start = time.monotonic()
    last_false = 0.0
    while time.monotonic() - start < watch:
        if not condition():
            last_false = time.monotonic() - start
        time.sleep(0.01)
    assert condition()
    return last_false


def refused(server, access):
    return server.get("/user_detail/", token=access).status_code == 401


def test_changes_through_this_instance_are_seen_by_the_very_next_request(authd):
    root = make_superuser(authd)

    a = cached_user(authd, "deactivated")
    r = requests.patch(authd.url(f"/api/admin/users/{a['id']}/"), json={"is_active": False},
                       headers=bearer(root), timeout=30)
    assert r.status_code == 200, r.text
    r = authd.get("/user_detail/", token=a["access"])
    assert r.status_code == 401, r.text

    d = cached_user(authd, "deleted")
    r = requests.delete(authd.url(f"/api/admin/users/{d['id']}/"), headers=bearer(root), timeout=30)
    assert r.status_code == 204, r.text
    r = authd.get("/user_detail/", token=d["access"])
    assert r.status_code == 401 and r.json()["code"] == "user_not_found", r.text

    p = cached_user(authd, "changed", aged=True)
    r = authd.post("/api/password/change/", data={"old_password": STRONG_PASSWORD,
                                                  "new_password": "a-brand-new-passphrase"},
                   headers=bearer(p["access"]))
    assert r.status_code == 200, r.text
    r = authd.get("/user_detail/", token=p["access"])
    assert r.status_code == 401 and r.json()["code"] == "token_not_valid", r.text

    v = cached_user(authd, "revoked", aged=True)
    assert authd.post("/api/token/refresh/", data={"refresh": v["refresh"]}).status_code == 200
    r = authd.post("/api/sessions/revoke_all/", headers=bearer(v["access"]))
    assert r.status_code == 200, r.text
    assert refused(authd, v["access"])
    r = authd.post("/api/token/refresh/", data={"refresh": v["refresh"]})
    assert r.status_code == 401 and r.json()["detail"] == "Token is blacklisted", r.text

    # Logout of one session: its refresh token is refused at once, the user stays.
    o = cached_user(authd, "loggedout")
    for _ in range(4):
        assert authd.post("/api/token/verify/", data={"token": o["refresh"]}).status_code == 200
    assert authd.post("/api/token/blacklist/", data={"refresh": o["refresh"]}).status_code == 200
    r = authd.post("/api/token/verify/", data={"token": o["refresh"]})
    assert r.status_code == 401 and r.json()["detail"] == "Token is blacklisted", r.text


def test_authd_changepassword_in_another_process_is_seen_within_a_second(authd):
    u = cached_user(authd, "carol", aged=True)
    new = "a-completely-new-passphrase"
    r = subprocess.run([AUTHD_BIN, "changepassword", "carol"], input=f"{new}\n{new}\n", env=authd.env,
                       cwd=authd.workdir, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert seconds_until(lambda: refused(authd, u["access"])) < 1.0


def test_an_operators_sql_is_seen_within_a_second(authd):
    u = cached_user(authd, "dave")
    DATABASES.query(authd.db, "UPDATE users SET is_active = FALSE WHERE username = 'dave'")
    assert seconds_until(lambda: refused(authd, u["access"])) < 1.0
    assert authd.get("/user_detail/", token=u["access"]).json() == INACTIVE


def test_a_second_instance_on_the_same_database_is_seen_within_a_second(start_authd, tmp_path):
    a = start_authd(db=tmp_path / "shared.db")
    b = start_authd(db=tmp_path / "shared.db")
    root = make_superuser(a)
    u = cached_user(b, "erin")
    for _ in range(8):
        assert b.post("/api/token/refresh/", data={"refresh": u["refresh"]}).status_code == 200

    # Logged out on a: b refuses the refresh token within a second.
    assert a.post("/api/token/blacklist/", data={"refresh": u["refresh"]}).status_code == 200
    assert seconds_until(lambda: b.post("/api/token/refresh/",
                                        data={"refresh": u["refresh"]}).status_code == 401) < 1.0

    # Deactivated on a: b refuses the access token within a second.
    r = requests.patch(a.url(f"/api/admin/users/{u['id']}/"), json={"is_active": False},
                       headers=bearer(root), timeout=30)
    assert r.status_code == 200, r.text
    assert seconds_until(lambda: refused(b, u["access"])) < 1.0


def test_with_the_cache_off_an_operators_sql_is_seen_by_the_very_next_request(start_authd):
    """AUTHD_USER_CACHE=false (for a pooler that cannot carry LISTEN): every read goes to the
    database, as before the cache."""
    server = start_authd({"AUTHD_USER_CACHE": "false"})
    u = cached_user(server, "uncached")
    DATABASES.query(server.db, "UPDATE users SET is_active = FALSE WHERE username = 'uncached'")
    assert server.get("/user_detail/", token=u["access"]).json() == INACTIVE
    assert "authd_user_cache_hits_total" not in requests.get(server.url("/metrics"), timeout=30).text
