"""Refresh-token lifecycle over HTTP: blacklist (logout), rotation, reuse detection, grace,
the parallel refresh race, persistence across kill -9, and flushexpiredtokens."""
import signal
import subprocess
import threading
import time

import requests

from conftest import AUTHD_BIN, claims_of

BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}
ROTATING = {"AUTHD_ROTATE_REFRESH_TOKENS": "true"}
# Reuse detection from the first second (the default grace answers a replay for 10 s).
STRICT_ROTATING = {**ROTATING, "AUTHD_ROTATION_GRACE_SECONDS": "0"}


def refresh(server, token, field="refresh"):
    return server.post("/api/token/refresh/", data={field: token})


def test_blacklist_ends_the_refresh_token(authd):
    authd.register("alice")
    pair = authd.login("alice")
    r = authd.post("/api/token/blacklist/", data={"refresh": pair["refresh"]})
    assert (r.status_code, r.json()) == (200, {})

    r = refresh(authd, pair["refresh"])
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    r = authd.post("/api/token/verify/", data={"token": pair["refresh"]})
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    r = authd.post("/api/token/blacklist/", json_body={"refresh": pair["refresh"]})
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    # Access tokens are stateless: the one already issued lives out its few minutes.
    assert authd.get("/user_detail/", token=pair["access"]).status_code == 200
    # Another login is another session, untouched.
    assert refresh(authd, authd.login("alice")["refresh"]).status_code == 200


def test_blacklist_validates_its_input(authd):
    r = authd.post("/api/token/blacklist/", data={})
    assert (r.status_code, r.json()) == (400, {"refresh": ["This field is required."]})
    r = authd.post("/api/token/blacklist/", data={"refresh": "garbage"})
    assert r.status_code == 401 and r.json()["code"] == "token_not_valid"
    authd.register("alice")
    access = authd.login("alice")["access"]
    r = authd.post("/api/token/blacklist/", data={"refresh": access})
    assert (r.status_code, r.json()) == (401, {"detail": "Token has wrong type", "code": "token_not_valid"})


def test_blacklist_survives_kill_9_and_restart(start_authd, tmp_path):
    db = tmp_path / "persist.db"
    server = start_authd(db=db)
    server.register("alice")
    pair = server.login("alice")
    assert server.post("/api/token/blacklist/", data={"refresh": pair["refresh"]}).status_code == 200
    server.stop(signal.SIGKILL)
    assert server.proc.returncode == -signal.SIGKILL

    again = start_authd(db=db)
    r = refresh(again, pair["refresh"])
    assert (r.status_code, r.json()) == (401, BLACKLISTED)


def test_without_rotation_refresh_answers_access_only(authd):
    authd.register("alice")
    pair = authd.login("alice")
    for _ in range(2):
        r = refresh(authd, pair["refresh"])
        assert r.status_code == 200 and list(r.json()) == ["access"]


def test_rotation_retires_the_old_token_and_reuse_revokes_the_family(start_authd):
    server = start_authd(STRICT_ROTATING)
    server.register("alice")
    pair = server.login("alice")
    first = refresh(server, pair["refresh"])
    assert first.status_code == 200 and list(first.json()) == ["access", "refresh"]
    new = first.json()["refresh"]
    assert claims_of(new)["jti"] != claims_of(pair["refresh"])["jti"]
    assert server.get("/user_detail/", token=first.json()["access"]).status_code == 200
    # The README's field name works under rotation too.
    second = refresh(server, new, field="refresh_token")
    assert second.status_code == 200
    newest = second.json()["refresh"]

    other_session = server.login("alice")["refresh"]

    # A thief (or a confused client) presents the first token again: refused, and the token
    # the legitimate client holds now is revoked with it.
    r = refresh(server, pair["refresh"])
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    r = refresh(server, newest)
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    assert "refresh token reuse" in server.log()
    # Only that family: the other login goes on.
    assert refresh(server, other_session).status_code == 200


def refresh_at_once(server, token, n):
    """`n` refreshes of one token released together; their answers."""
    barrier = threading.Barrier(n)
    answers = [None] * n

    def fire(i):
        with requests.Session() as s:
            barrier.wait()
            answers[i] = s.post(server.url("/api/token/refresh/"), data={"refresh": token}, timeout=30)

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_parallel_refreshes_under_strict_rotation_have_exactly_one_success(start_authd):
    server = start_authd({**STRICT_ROTATING, "AUTHD_THREADS": "2"})
    server.register("alice")
    answers = refresh_at_once(server, server.login("alice")["refresh"], 24)
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [401] * 23, codes
    assert all(a.json() == BLACKLISTED for a in answers if a.status_code == 401)


def test_two_tabs_refreshing_at_once_stay_logged_in_by_default(start_authd):
    # The most reported complaint of rotation: the loser's reuse detection used to revoke the
    # winner's chain too, logging the user out of both tabs.
    server = start_authd({**ROTATING, "AUTHD_THREADS": "2"})
    server.register("alice")
    answers = refresh_at_once(server, server.login("alice")["refresh"], 2)
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    for a in answers:  # each tab's new token goes on working
        r = refresh(server, a.json()["refresh"])
        assert r.status_code == 200, r.text
    assert "refresh token reuse" not in server.log()


def test_a_replay_after_the_grace_period_still_revokes_the_chain(start_authd):
    server = start_authd({**ROTATING, "AUTHD_ROTATION_GRACE_SECONDS": "1"})
    server.register("alice")
    old = server.login("alice")["refresh"]
    new = refresh(server, old).json()["refresh"]
    time.sleep(2.2)  # whole seconds on the server's clock: past the grace whatever the phase
    r = refresh(server, old)
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    assert refresh(server, new).status_code == 401


def test_grace_period_lets_a_retry_through(start_authd):
    server = start_authd({**ROTATING, "AUTHD_ROTATION_GRACE_SECONDS": "60"})
    server.register("alice")
    token = server.login("alice")["refresh"]
    a = refresh(server, token)
    b = refresh(server, token)  # a client retrying after a lost answer
    assert a.status_code == 200 and b.status_code == 200
    assert a.json()["refresh"] != b.json()["refresh"]
    assert refresh(server, b.json()["refresh"]).status_code == 200


def test_rotation_without_blacklisting_keeps_old_tokens(start_authd):
    server = start_authd({**ROTATING, "AUTHD_BLACKLIST_AFTER_ROTATION": "false"})
    server.register("alice")
    token = server.login("alice")["refresh"]
    assert refresh(server, token).status_code == 200
    assert refresh(server, token).status_code == 200


def test_refresh_records_carry_the_client(authd):
    authd.register("alice")
    authd.post("/api/token/", data={"username": "alice", "password": "correct-horse-battery-staple"},
               headers={"User-Agent": "lifecycle-test/1.0"})
    rows = authd.sql("SELECT user_agent, client_address, family = jti FROM refresh_tokens")
    assert [(a, c, bool(same)) for a, c, same in rows] == [("lifecycle-test/1.0", "127.0.0.1", True)]


def test_flushexpiredtokens_removes_expired_records(start_authd, tmp_path):
    db = tmp_path / "flush.db"
    server = start_authd(db=db)
    server.register("alice")
    server.login("alice")
    server.sql("UPDATE refresh_tokens SET expires_at = expires_at - 100000")
    server.login("alice")
    env = dict(server.env)
    r = subprocess.run([AUTHD_BIN, "flushexpiredtokens"], env=env, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert "Deleted 1 expired refresh token record(s)." in r.stdout


def test_expired_records_are_pruned_without_cron(start_authd):
    # 1,397 rotations left 1,404 rows until someone ran flushexpiredtokens from cron.
    server = start_authd({"AUTHD_PRUNE_INTERVAL": "1", "AUTHD_REFRESH_TOKEN_LIFETIME": "1"})
    server.register("alice")
    for _ in range(3):
        server.login("alice")
    assert len(server.sql("SELECT jti FROM refresh_tokens")) == 3
    deadline = time.monotonic() + 10
    while server.sql("SELECT jti FROM refresh_tokens"):
        assert time.monotonic() < deadline, "expired records were never pruned"
        time.sleep(0.2)


def test_a_login_past_the_session_limit_ends_the_oldest(start_authd):
    server = start_authd({"AUTHD_MAX_SESSIONS_PER_USER": "2"})
    server.register("alice")
    first, second, third = [], [], []
    for holder in (first, second, third):  # whole seconds apart: "oldest" is by issue time
        holder.append(server.login("alice"))
        time.sleep(1.1)
    first, second, third = first[0], second[0], third[0]
    assert refresh(server, first["refresh"]).status_code == 401
    assert refresh(server, second["refresh"]).status_code == 200
    assert refresh(server, third["refresh"]).status_code == 200
    assert len(server.get("/api/sessions/", token=third["access"]).json()) == 2
