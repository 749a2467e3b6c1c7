"""Crash durability: registrations and logouts run under load while authd is killed with
SIGKILL at random moments. After each restart, every 201 and every 200 the clients received
still holds: each registered user logs in, and each blacklisted refresh token stays dead. And
a change and its audit event are one: every user made has its user.registered event, and every
such event its user and its webhook delivery, however the kills fell."""
import json
import random
import signal
import threading
import time

import requests

from conftest import STRONG_PASSWORD, free_port

# A webhook nobody answers: its deliveries stay queued, to be counted against the events.
WEBHOOKS = json.dumps([{"url": f"http://127.0.0.1:{free_port()}/hook",
                        "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                        "events": ["user.registered"]}])

ROUNDS = 4
WORKERS = 8


def worker(server, prefix, registered, blacklisted, stop):
    n = 0
    session = requests.Session()
    while not stop.is_set():
        n += 1
        name = f"{prefix}-{n}"
        try:
            r = session.post(server.url("/register/"), data={"username": name, "password": STRONG_PASSWORD},
                             timeout=5)
            if r.status_code != 201:
                continue
            registered.append(name)
            r = session.post(server.url("/api/token/"), data={"username": name, "password": STRONG_PASSWORD},
                             timeout=5)
            if r.status_code != 200:
                continue
            refresh = r.json()["refresh"]
            r = session.post(server.url("/api/token/blacklist/"), data={"refresh": refresh}, timeout=5)
            if r.status_code == 200:
                blacklisted.append(refresh)
        except requests.RequestException:
            return  # the server was killed mid-request: nothing acknowledged, nothing owed


def test_acknowledged_writes_survive_sigkill(start_authd, tmp_path):
    db = tmp_path / "crash.db"
    rng = random.Random()
    registered, blacklisted = [], []
    for round_ in range(ROUNDS):
        server = start_authd({"AUTHD_WEBHOOKS": WEBHOOKS}, db=db)
        stop = threading.Event()
        threads = [threading.Thread(target=worker, args=(server, f"r{round_}w{i}", registered, blacklisted, stop))
                   for i in range(WORKERS)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.4, 1.2))
        server.stop(sig=signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(10)

    assert len(registered) >= ROUNDS * WORKERS, "too little load to mean anything"
    assert blacklisted, "no logout was acknowledged before the kills"
    print(f"{len(registered)} registrations and {len(blacklisted)} logouts acknowledged over {ROUNDS} kills")
    server = start_authd(db=db)
    for name in registered:
        r = server.post("/api/token/", data={"username": name, "password": STRONG_PASSWORD})
        assert r.status_code == 200, (name, r.text)
    for token in blacklisted:
        r = server.post("/api/token/refresh/", data={"refresh": token})
        assert r.status_code == 401 and r.json()["detail"] == "Token is blacklisted", r.text
    (users,), = server.sql("SELECT COUNT(*) FROM users")
    (unrecorded,), = server.sql(
        "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM events e "
        "WHERE e.type = 'user.registered' AND e.subject_user_id = u.id)")
    (orphans,), = server.sql(
        "SELECT COUNT(*) FROM events e WHERE e.type = 'user.registered' AND NOT EXISTS "
        "(SELECT 1 FROM users u WHERE u.id = e.subject_user_id)")
    assert users >= len(registered) and (unrecorded, orphans) == (0, 0)
    # Each event's delivery was queued in its transaction: one per event, none without one.
    (undelivered,), = server.sql(
        "SELECT COUNT(*) FROM events e WHERE e.type = 'user.registered' AND (SELECT COUNT(*) "
        "FROM webhook_deliveries d WHERE d.event_id = e.id) <> 1")
    (stray,), = server.sql(
        "SELECT COUNT(*) FROM webhook_deliveries d WHERE NOT EXISTS "
        "(SELECT 1 FROM events e WHERE e.id = d.event_id)")
    assert (undelivered, stray) == (0, 0)
