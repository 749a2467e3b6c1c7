"""Issue 18, webhooks: every event delivered to a real receiver (a Node server checking each
delivery with npm's `standardwebhooks`, tests/webhooks/receiver.mjs), signed, in order per
user, across a receiver that fails, goes down and comes back; across `kill -9` of authd;
once with two instances; failed deliveries listed and retried by staff. On SQLite and
PostgreSQL."""
import collections
import json
import re
import signal
import subprocess
import time

import pytest
import requests

from conftest import AUTHD_BIN, ROOT, STRONG_PASSWORD, free_port

RECEIVER_DIR = ROOT / "tests" / "webhooks"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Receiver:
    """The Node receiver on a fixed port, so it can go down and come back at the same URL."""

    def __init__(self, tmp_path, secret=SECRET):
        self.secret = secret
        self.port = free_port()
        self.log_path = tmp_path / f"receiver-{self.port}.log"
        self.proc = None
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.history = []  # what earlier runs of the receiver got

    def start(self):
        self.proc = subprocess.Popen(["node", str(RECEIVER_DIR / "receiver.mjs"), self.secret, str(self.port)],
                                     cwd=RECEIVER_DIR, stdout=subprocess.PIPE,
                                     stderr=open(self.log_path, "ab"))
        line = self.proc.stdout.readline()
        assert json.loads(line)["port"] == self.port, line
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.history = self.received()
            self.proc.kill()
            self.proc.wait(10)

    def answer(self, code):
        requests.post(f"http://127.0.0.1:{self.port}/_status", params={"code": code}, timeout=5)

    def received(self):
        if self.proc is None or self.proc.poll() is not None:
            return list(self.history)
        now = requests.get(f"http://127.0.0.1:{self.port}/_received", timeout=5).json()
        return self.history + now


@pytest.fixture
def receivers(tmp_path):
    made = []

    def make(secret=SECRET):
        r = Receiver(tmp_path, secret)
        made.append(r)
        return r

    yield make
    for r in made:
        r.stop()


def webhooks(*hooks):
    return json.dumps([{"url": url, "secret": SECRET, "events": events} for url, events in hooks])


def make_admin(server, tmp_path):
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"], env=env,
                   cwd=tmp_path, check=True, capture_output=True)
    return server.login("root")["access"]


def all_events(server, token):
    """Every event, oldest first, as GET /api/admin/events/ shows them."""
    out, cursor = [], None
    while True:
        params = {"page_size": 200, **({"cursor": cursor} if cursor else {})}
        page = server.get("/api/admin/events/", token=token, params=params).json()
        out.extend(page["results"])
        cursor = page["next"]
        if cursor is None:
            return list(reversed(out))


def wait_for(condition, timeout=30, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def accepted(receiver):
    """The deliveries the receiver verified and acknowledged, by webhook-id; each id's bodies
    must all be the same message (a repeat is a duplicate of it, never another message)."""
    by_id = {}
    for d in receiver.received():
        assert d["verified"], f"a delivery failed verification: {d}"
        if d["answered"] < 300:
            body = json.loads(d["body"])
            assert by_id.setdefault(d["id"], body) == body, "one webhook-id, two messages"
    return by_id


def deliveries(server, token, **params):
    r = server.get("/api/admin/webhooks/deliveries/", token=token, params=params)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def test_every_event_arrives_signed_in_order_across_failures(start_authd, receivers, tmp_path):
    receiver = receivers().start()
    server = start_authd({"AUTHD_WEBHOOKS": webhooks((receiver.url, ["*"]))})
    admin = make_admin(server, tmp_path)
    alice = server.register("alice", email="alice@example.com")["id"]
    server.login("alice")
    assert server.post("/api/token/", data={"username": "alice", "password": "nope"}).status_code == 401
    wait_for(lambda: len(accepted(receiver)) >= 4, what="the first deliveries")

    # Failing: every attempt answered 500, and retried.
    receiver.answer(500)
    bob = server.register("bob")["id"]
    server.login("bob")
    server.login("alice")
    wait_for(lambda: sum(d["answered"] == 500 for d in receiver.received()) >= 2, what="refused attempts")
    # Down: connections refused.
    receiver.stop()
    for _ in range(3):
        server.login("bob")
    time.sleep(3)
    pending = deliveries(server, admin, status="pending")
    # The first of each user's tried and failing; the rest queued behind it, untried.
    tried = [d for d in pending if d["attempts"] >= 1]
    assert tried and all(d["last_error"] for d in tried)
    for d in pending:
        if d["attempts"] == 0 and d["user_id"] is not None:
            assert any(t["user_id"] == d["user_id"] and t["id"] < d["id"] for t in tried), d
    assert any("connect" in d["last_error"] and d["last_response"] is None for d in tried), tried
    # Back, at the same URL: everything arrives.
    receiver.start()
    events = all_events(server, admin)
    got = wait_for(lambda: (lambda a: a if len(a) >= len(events) else None)(accepted(receiver)),
                   timeout=120, what="every event to arrive")

    # Each event once (by webhook-id), the payload the admin API shows.
    by_event = {body["data"]["id"]: body for body in got.values()}
    assert len(by_event) == len(got) == len(events)
    for e in events:
        body = by_event[e["id"]]
        assert body["type"] == e["type"]
        assert body["data"] == e
        assert body["timestamp"] == e["time"]
    assert {"user.registered", "login.succeeded", "login.failed", "cli.superuser_created"} <= {
        e["type"] for e in events}
    # In order per user, as the receiver first accepted them.
    order = collections.defaultdict(list)
    seen = set()
    for d in receiver.received():
        if d["answered"] < 300 and d["id"] not in seen:
            seen.add(d["id"])
            data = json.loads(d["body"])["data"]
            order[data["user_id"]].append(data["id"])
    for user in (alice, bob):
        assert order[user] == sorted(order[user]) and order[user], (user, order[user])
    assert not deliveries(server, admin, status="pending")
    assert deliveries(server, admin, status="delivered")

    metrics = server.get("/metrics").text
    for result in ("delivered", "retry"):
        m = re.search(r'authd_webhook_deliveries_total\{result="%s"\} (\d+)' % result, metrics)
        assert m and int(m.group(1)) > 0, result
    assert re.search(r"^authd_webhook_backlog 0$", metrics, re.M)
    # The secret is the receiver's and authd's alone: never in a log or an answer.
    assert SECRET not in server.log()
    assert SECRET[6:] not in server.log()


def test_filters_failed_deliveries_and_their_retry(start_authd, receivers, tmp_path):
    receiver = receivers()  # not started: nothing listens there yet
    db = tmp_path / "authd.db"
    hooks = webhooks((receiver.url, ["login.*", "logout"]))
    server = start_authd({"AUTHD_WEBHOOKS": hooks}, db=db)
    admin = make_admin(server, tmp_path)
    server.register("alice")
    assert server.post("/api/token/", data={"username": "alice", "password": "nope"}).status_code == 401
    r = wait_for(lambda: [d for d in deliveries(server, admin) if d["attempts"] >= 1],
                 what="an attempt")
    # Only the types asked for: login.failed, and root's sign-in; not user.registered.
    assert {d["event_type"] for d in deliveries(server, admin)} == {"login.failed", "login.succeeded"}
    failing = [d for d in r if d["event_type"] == "login.failed"][0]
    assert failing["status"] == "pending" and failing["url"] == receiver.url
    assert failing["last_response"] is None and failing["last_error"]
    assert server.post(f"/api/admin/webhooks/deliveries/{failing['id']}/retry/",
                       headers={"Authorization": f"Bearer {admin}"}).status_code == 409
    server.stop()

    # The operator points the webhook elsewhere: what was queued for the old URL fails.
    elsewhere = receivers().start()
    server = start_authd({"AUTHD_WEBHOOKS": webhooks((elsewhere.url, ["*"]))}, db=db)
    admin = server.login("root")["access"]
    failed = wait_for(lambda: deliveries(server, admin, status="failed"), what="a failed delivery")
    assert {d["event_type"] for d in failed} == {"login.failed", "login.succeeded"}
    assert failed[0]["last_error"] == "the URL is no longer a configured webhook"
    assert failed[0]["next_attempt_at"] is None
    server.stop()

    # Back to the first URL, now listening: staff retry the failed ones, and they arrive.
    receiver.start()
    server = start_authd({"AUTHD_WEBHOOKS": hooks}, db=db)
    admin = server.login("root")["access"]
    auth = {"Authorization": f"Bearer {admin}"}
    alice = server.login("alice")["access"]
    assert server.post(f"/api/admin/webhooks/deliveries/{failing['id']}/retry/",
                       headers={"Authorization": f"Bearer {alice}"}).status_code == 403
    assert server.post("/api/admin/webhooks/deliveries/999999/retry/", headers=auth).status_code == 404
    assert server.post("/api/admin/webhooks/deliveries/x/retry/", headers=auth).status_code == 404
    assert server.get("/api/admin/webhooks/deliveries/", token=admin,
                      params={"status": "lost"}).status_code == 400
    r = server.post(f"/api/admin/webhooks/deliveries/{failing['id']}/retry/", headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending"
    got = wait_for(lambda: [b for b in accepted(receiver).values() if b["type"] == "login.failed"],
                   what="the retried delivery")
    assert got[0]["data"]["id"] == failing["event_id"]
    wait_for(lambda: any(d["id"] == failing["id"] for d in deliveries(server, admin, status="delivered")),
             what="the delivery marked delivered")
    # The page cursor.
    first = server.get("/api/admin/webhooks/deliveries/", token=admin, params={"page_size": 1}).json()
    assert len(first["results"]) == 1 and first["next"]
    rest = deliveries(server, admin, cursor=first["next"])
    assert all(d["id"] < first["results"][0]["id"] for d in rest)


def test_deliveries_survive_kill_9_and_two_instances_deliver_each_once(start_authd, receivers, tmp_path):
    receiver = receivers()  # down while the events are committed
    db = tmp_path / "authd.db"
    env = {"AUTHD_WEBHOOKS": webhooks((receiver.url, ["*"]))}
    server = start_authd(env, db=db)
    for name in ("alice", "bob", "carol"):
        server.register(name)
    time.sleep(1)
    server.stop(sig=signal.SIGKILL)

    receiver.start()
    a = start_authd(env, db=db)
    b = start_authd(env, db=db)
    for i in range(20):
        (a if i % 2 else b).login(("alice", "bob", "carol")[i % 3])
    admin = make_admin(a, tmp_path)
    events = all_events(a, admin)
    got = wait_for(lambda: (lambda x: x if len(x) >= len(events) else None)(accepted(receiver)),
                   timeout=60, what="every event")
    assert sorted(body["data"]["id"] for body in got.values()) == [e["id"] for e in events]
    # Each delivered by one instance: every webhook-id arrived once.
    ids = [d["id"] for d in receiver.received()]
    assert len(ids) == len(set(ids)), collections.Counter(ids).most_common(3)
