"""Logins that reveal nothing and cannot be monopolised: every failure takes the same time,
one address cannot take the hashing pool, many addresses cannot share the guessing of one
account, and usernames are one name under NFKC, as Django's normalize_username makes them."""
import base64
import hashlib
import os
import statistics
import threading
import time
import uuid

from conftest import STRONG_PASSWORD, post_from

WRONG = "not-the-password-at-all"


def django_pbkdf2(password, iterations):
    salt = base64.b64encode(os.urandom(12)).decode().rstrip("=")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(digest).decode()}"


def login_seconds(server, username):
    t0 = time.perf_counter()
    r = server.post("/api/token/", data={"username": username, "password": WRONG})
    assert r.status_code == 401, r.text
    return time.perf_counter() - t0


def test_every_failed_login_takes_the_same_time(start_authd):
    # An imported pbkdf2 user's wrong password took 8x an unknown user's, and an unusable
    # password ("!...") almost nothing: timing told which accounts exist and were imported.
    server = start_authd({"AUTHD_LOGIN_THROTTLE": "off", "AUTHD_HASH_THREADS": "1"})
    for name in ("native", "imported", "unusable"):
        server.register(name)
    server.sql("UPDATE users SET password = ? WHERE username = 'imported'",
               (django_pbkdf2(STRONG_PASSWORD, 150000),))
    server.sql("UPDATE users SET password = '!unusable-password-marker' WHERE username = 'unusable'")
    login_seconds(server, "imported")  # the floor is learnt from the costliest verification
    samples = {name: [] for name in ("native", "imported", "unusable", "nobody-at-all")}
    for _ in range(7):  # interleaved, so outside load falls on every kind alike
        for name in samples:
            samples[name].append(login_seconds(server, name))
    medians = {name: statistics.median(s) for name, s in samples.items()}
    assert medians["imported"] > 0.02, medians  # the legacy hash really is the slow one
    assert max(medians.values()) / min(medians.values()) < 1.5, medians
    # The right password is not delayed beyond its own verification.
    assert server.login("imported")["access"]


def test_one_address_cannot_deny_logins_to_everyone_else(start_authd):
    # 300 concurrent logins with random names from one address made every other login 503.
    server = start_authd({"AUTHD_HASH_THREADS": "1", "AUTHD_HASH_QUEUE": "16",
                          "AUTHD_ARGON2_MEMORY_KIB": "4096", "AUTHD_ARGON2_ITERATIONS": "1"})
    server.register("alice")
    stop = threading.Event()
    attacker = []

    def attack():
        while not stop.is_set():
            status, _, _ = post_from(server.port, "127.0.0.1", "/api/token/",
                                     {"username": uuid.uuid4().hex, "password": WRONG})
            attacker.append(status)

    threads = [threading.Thread(target=attack) for _ in range(48)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)  # the attack is in full swing
        for _ in range(5):
            status, _, body = post_from(server.port, "127.0.0.2", "/api/token/",
                                        {"username": "alice", "password": STRONG_PASSWORD})
            assert status == 200, (status, body)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert 429 in attacker, sorted(set(attacker))   # the attacker is throttled...
    assert 503 not in attacker                       # ...and never fills the queue


def test_many_addresses_cannot_share_the_guessing_of_one_account(start_authd):
    # 300 wrong guesses from 300 addresses all got 401, and then the right password worked.
    server = start_authd({"AUTHD_LOGIN_ACCOUNT_CEILING": "50"})
    server.register("alice")
    answers = []
    for i in range(120):
        source = f"127.0.{1 + i // 200}.{1 + i % 200}"
        status, headers, _ = post_from(server.port, source, "/api/token/",
                                       {"username": "alice", "password": WRONG})
        answers.append((status, headers.get("retry-after")))
    assert [s for s, _ in answers[:50]] == [401] * 50
    assert sum(1 for s, _ in answers if s == 429) >= 60, answers  # past the ceiling, waits
    # The owner, from a fresh address, is slowed too: never a permanent lock, but a wait.
    status, headers, body = post_from(server.port, "127.0.9.9", "/api/token/",
                                      {"username": "alice", "password": STRONG_PASSWORD})
    assert status == 429 and int(headers["retry-after"]) >= 1, (status, body)
    # Other accounts are unaffected.
    server.register("bob")
    assert server.login("bob")["access"]


def test_usernames_are_one_name_under_nfkc(authd):
    authd.register("admin")
    authd.register("K")
    for variant in ("ａｄｍｉｎ", "𝐚𝐝𝐦𝐢𝐧", "\u212a"):  # fullwidth, bold, KELVIN SIGN
        r = authd.post("/register/", data={"username": variant, "password": STRONG_PASSWORD})
        assert r.status_code == 400, (variant, r.text)
        assert r.json() == {"username": ["A user with that username already exists."]}
    # A new account is made under the normal form, and any spelling of it logs in.
    assert authd.register("ｂｏｂ")["username"] == "bob"
    for spelling in ("bob", "ｂｏｂ", "𝐛𝐨𝐛"):
        pair = authd.login(spelling)
        assert authd.get("/user_detail/", token=pair["access"]).json()["username"] == "bob"
    # Throttle counters are shared by every spelling of a name.
    assert len(authd.sql("SELECT id FROM users")) == 3
