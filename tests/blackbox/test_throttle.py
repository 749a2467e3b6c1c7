"""Brute-force protection and registration limits against the real server over loopback.

Linux routes all of 127.0.0.0/8 to loopback, so a client bound to 127.0.0.2 is a second
address: an attacker and the real user can be told apart without any test-only setting.
"""
import json
import statistics
import time

import conftest
from conftest import STRONG_PASSWORD

THROTTLED = "Request was throttled. Expected available in {} {}."


def post_from(server, source, path, fields, headers=None):
    return conftest.post_from(server.port, source, path, fields, headers)


def login_from(server, source, username, password, headers=None):
    return post_from(server, source, "/api/token/", {"username": username, "password": password}, headers)


def assert_throttled(status, headers, body):
    assert status == 429, (status, body)
    wait = int(headers["retry-after"])
    assert wait >= 1
    assert body == {"detail": THROTTLED.format(wait, "second" if wait == 1 else "seconds")}
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    return wait


def test_failures_past_the_free_attempts_are_answered_429_with_retry_after(start_authd):
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "3", "AUTHD_LOGIN_BACKOFF_BASE": "30"})
    server.register("mia")
    for _ in range(3):
        status, _, body = login_from(server, "127.0.0.1", "mia", "wrong-password")
        assert status == 401, body
    wait = assert_throttled(*login_from(server, "127.0.0.1", "mia", "wrong-password"))
    assert 29 <= wait <= 30
    # The right password from the throttled address waits too: it is refused unchecked.
    assert_throttled(*login_from(server, "127.0.0.1", "mia", STRONG_PASSWORD))


def test_waits_double_with_each_further_failure(start_authd):
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "1", "AUTHD_LOGIN_BACKOFF_BASE": "1"})
    server.register("ned")
    waits = []
    for _ in range(3):
        status, headers, body = login_from(server, "127.0.0.1", "ned", "wrong-password")
        assert status == 401, body
        waits.append(assert_throttled(*login_from(server, "127.0.0.1", "ned", "wrong-password")))
        time.sleep(waits[-1])
    assert waits == [1, 2, 4]


def test_an_attacker_elsewhere_does_not_lock_the_user_out(start_authd):
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "3", "AUTHD_LOGIN_BACKOFF_BASE": "60"})
    server.register("olga")
    for _ in range(6):
        login_from(server, "127.0.0.1", "olga", "guess")
    assert_throttled(*login_from(server, "127.0.0.1", "olga", "guess"))
    status, headers, body = login_from(server, "127.0.0.2", "olga", STRONG_PASSWORD)
    assert status == 200 and set(body) == {"refresh", "access"}
    assert headers["cache-control"] == "no-store"


def test_a_distributed_attack_leaves_a_fresh_address_one_try(start_authd):
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "5", "AUTHD_LOGIN_ACCOUNT_THRESHOLD": "4",
                          "AUTHD_LOGIN_BACKOFF_BASE": "60"})
    server.register("pia")
    for i in range(2, 6):  # four addresses, one failure each: the account notices
        status, _, _ = login_from(server, f"127.0.0.{i}", "pia", "guess")
        assert status == 401
    status, _, _ = login_from(server, "127.0.0.6", "pia", "guess")  # a fresh address: one try
    assert status == 401
    assert_throttled(*login_from(server, "127.0.0.6", "pia", "guess"))
    status, _, body = login_from(server, "127.0.0.7", "pia", STRONG_PASSWORD)  # the real user
    assert status == 200, body


def test_unknown_accounts_are_throttled_exactly_like_real_ones(start_authd):
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "2", "AUTHD_LOGIN_BACKOFF_BASE": "60"})
    server.register("quinn")
    answers = {}
    for name in ("quinn", "nobody-here"):
        answers[name] = []
        for _ in range(4):
            status, headers, body = login_from(server, "127.0.0.1", name, "guess")
            answers[name].append((status, headers.get("retry-after"), body))
    assert answers["quinn"] == answers["nobody-here"]
    assert [a[0] for a in answers["quinn"]] == [401, 401, 429, 429]


def test_a_success_clears_the_addresss_failures(start_authd):
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "3"})
    server.register("rosa")
    for _ in range(2):
        assert login_from(server, "127.0.0.1", "rosa", "typo")[0] == 401
    assert login_from(server, "127.0.0.1", "rosa", STRONG_PASSWORD)[0] == 200
    for _ in range(2):  # would be the third and fourth failure without the reset
        assert login_from(server, "127.0.0.1", "rosa", "typo")[0] == 401
    assert login_from(server, "127.0.0.1", "rosa", STRONG_PASSWORD)[0] == 200


def test_counters_hold_across_restarts_and_instances(start_authd):
    env = {"AUTHD_LOGIN_FREE_ATTEMPTS": "2", "AUTHD_LOGIN_BACKOFF_BASE": "120"}
    first = start_authd(env)
    first.register("sam")
    for _ in range(2):
        login_from(first, "127.0.0.1", "sam", "guess")
    assert_throttled(*login_from(first, "127.0.0.1", "sam", "guess"))
    # A second instance on the same database sees the same counter...
    second = start_authd(env, db=first.db)
    assert_throttled(*login_from(second, "127.0.0.1", "sam", STRONG_PASSWORD))
    # ...and so does the first one after a crash and restart.
    first.stop(sig=9)
    restarted = start_authd(env, db=first.db)
    wait = assert_throttled(*login_from(restarted, "127.0.0.1", "sam", STRONG_PASSWORD))
    assert 100 <= wait <= 120


def test_a_throttled_guess_is_refused_before_any_hashing(start_authd):
    # Deliberately slow hashing: a refusal that hashed would take as long as a failure.
    server = start_authd({"AUTHD_ARGON2_MEMORY_KIB": "65536", "AUTHD_ARGON2_ITERATIONS": "3",
                          "AUTHD_LOGIN_FREE_ATTEMPTS": "3", "AUTHD_LOGIN_BACKOFF_BASE": "60"})
    server.register("tia")
    failed, refused = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        assert login_from(server, "127.0.0.1", "tia", "guess")[0] == 401
        failed.append(time.perf_counter() - t0)
    for _ in range(5):
        t0 = time.perf_counter()
        assert login_from(server, "127.0.0.1", "tia", "guess")[0] == 429
        refused.append(time.perf_counter() - t0)
    assert statistics.median(refused) * 5 < statistics.median(failed), (refused, failed)


def test_parallel_guesses_do_not_all_slip_past_the_check(start_authd):
    import concurrent.futures
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "3", "AUTHD_LOGIN_BACKOFF_BASE": "60",
                          "AUTHD_ARGON2_MEMORY_KIB": "19456", "AUTHD_ARGON2_ITERATIONS": "2"})
    server.register("uma")
    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        statuses = list(pool.map(lambda _: login_from(server, "127.0.0.1", "uma", "guess")[0], range(24)))
    # At most the three free attempts were checked; every other guess was refused unhashed.
    assert statuses.count(401) <= 3 and statuses.count(401) >= 1, statuses
    assert statuses.count(429) == 24 - statuses.count(401)


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(start_authd):
    env = {"AUTHD_LOGIN_FREE_ATTEMPTS": "2", "AUTHD_LOGIN_BACKOFF_BASE": "60"}
    plain = start_authd(env)
    plain.register("vic")
    # Without a trusted proxy, a client cannot dodge the limit by inventing addresses.
    for i in range(2):
        login_from(plain, "127.0.0.1", "vic", "guess", {"X-Forwarded-For": f"198.51.100.{i}"})
    assert_throttled(*login_from(plain, "127.0.0.1", "vic", "guess", {"X-Forwarded-For": "198.51.100.99"}))

    proxied = start_authd({**env, "AUTHD_TRUSTED_PROXIES": "127.0.0.1"})
    proxied.register("wes")
    for _ in range(2):
        login_from(proxied, "127.0.0.1", "wes", "guess", {"X-Forwarded-For": "198.51.100.1"})
    assert_throttled(*login_from(proxied, "127.0.0.1", "wes", "guess", {"X-Forwarded-For": "198.51.100.1"}))
    # Behind the proxy, another client is another address...
    status, _, body = login_from(proxied, "127.0.0.1", "wes", STRONG_PASSWORD,
                                 {"X-Forwarded-For": "6.6.6.6, 198.51.100.2"})
    assert status == 200, body
    sessions = proxied.get("/api/sessions/", token=body["access"]).json()
    assert "198.51.100.2" in json.dumps(sessions), sessions  # recorded as the session's address
    # ...but a peer that is not the proxy is itself the client, whatever it claims.
    for _ in range(2):
        login_from(proxied, "127.0.0.2", "wes", "guess", {"X-Forwarded-For": "198.51.100.3"})
    assert_throttled(*login_from(proxied, "127.0.0.2", "wes", "guess", {"X-Forwarded-For": "198.51.100.4"}))


def test_registration_rate_is_off_by_default(start_authd):
    server = start_authd()
    for i in range(40):
        status, _, body = post_from(server, "127.0.0.1", "/register/",
                                    {"username": f"user{i}", "password": STRONG_PASSWORD})
        assert status == 201, body


def test_registration_rate_limits_each_address(start_authd):
    server = start_authd({"AUTHD_REGISTRATION_RATE": "3/hour"})
    for i in range(3):
        status, _, body = post_from(server, "127.0.0.1", "/register/",
                                    {"username": f"reg{i}", "password": STRONG_PASSWORD})
        assert status == 201, body
    wait = assert_throttled(*post_from(server, "127.0.0.1", "/register/",
                                       {"username": "reg3", "password": STRONG_PASSWORD}))
    assert 1190 <= wait <= 1200  # one more every hour / 3
    # Even a malformed request is refused first, as DRF's throttles run before the view.
    assert post_from(server, "127.0.0.1", "/register/", {})[0] == 429
    status, _, body = post_from(server, "127.0.0.2", "/register/",
                                {"username": "reg3", "password": STRONG_PASSWORD})
    assert status == 201, body
