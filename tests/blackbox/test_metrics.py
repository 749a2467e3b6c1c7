"""GET /metrics, read by Prometheus' own parser (Debian python3-prometheus-client)."""
import re

import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import STRONG_PASSWORD


def scrape(url):
    r = requests.get(url)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return {f.name: f for f in text_string_to_metric_families(r.text)}


def sample(families, family, name, **labels):
    for s in families[family].samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise AssertionError(f"no {name} {labels} in {families[family].samples}")


def test_metrics_count_what_happened(start_authd):
    server = start_authd({"AUTHD_LOGIN_FREE_ATTEMPTS": "2", "AUTHD_LOGIN_BACKOFF_BASE": "60"})
    server.register("mia")
    pair = server.login("mia")
    assert server.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).status_code == 200
    assert server.get("/user_detail/", token=pair["access"]).status_code == 200
    assert server.get("/user_detail/", token="not-a-token").status_code == 401
    assert server.post("/api/token/verify/", data={"token": pair["access"][:-3] + "AAA"}).status_code == 401
    statuses = [server.post("/api/token/", data={"username": "mia", "password": "guess"}).status_code
                for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert server.get("/nowhere/").status_code == 404
    for i in range(20):  # invented methods share one series: no unbounded growth
        assert requests.request(f"BREW{i}", server.url("/register/")).status_code == 405

    m = scrape(server.url("/metrics"))
    # Prometheus' parser names counter families without their _total suffix.
    requests_ = "authd_http_requests"
    assert m[requests_].type == "counter"
    assert sample(m, requests_, "authd_http_requests_total", route="/register/", method="POST", status="201") == 1
    assert sample(m, requests_, "authd_http_requests_total", route="/api/token/", method="POST", status="401") == 2
    assert sample(m, requests_, "authd_http_requests_total", route="/api/token/", method="POST", status="429") == 1
    assert sample(m, requests_, "authd_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert sample(m, requests_, "authd_http_requests_total", route="/register/", method="other", status="405") == 20
    hist = "authd_http_request_duration_seconds"
    assert m[hist].type == "histogram"
    assert sample(m, hist, hist + "_count", route="/user_detail/") == 2
    assert sample(m, hist, hist + "_bucket", route="/user_detail/", le="+Inf") == 2
    assert sample(m, hist, hist + "_sum", route="/user_detail/") > 0
    assert sample(m, "authd_logins", "authd_logins_total", result="success") == 1
    assert sample(m, "authd_logins", "authd_logins_total", result="failure") == 2
    assert sample(m, "authd_tokens_issued", "authd_tokens_issued_total", type="access") == 2
    assert sample(m, "authd_tokens_issued", "authd_tokens_issued_total", type="refresh") == 1
    refused = {s.labels["reason"]: s.value for s in m["authd_tokens_refused"].samples}
    assert sum(refused.values()) == 2 and all(re.fullmatch(r"[a-z_]+", r) for r in refused), refused
    assert sample(m, "authd_throttled", "authd_throttled_total", what="login") == 1
    for gauge in ("authd_hash_pool_queued", "authd_hash_pool_busy_threads", "authd_store_pool_queued",
                  "authd_store_pool_busy_threads"):
        assert m[gauge].type == "gauge" and m[gauge].samples[0].value >= 0
    assert m["authd_hash_pool_threads"].samples[0].value >= 1
    assert 1e6 < m["process_resident_memory_bytes"].samples[0].value < 1e9
    assert m["process_open_fds"].samples[0].value >= 3


def test_metrics_on_their_own_listener(start_authd):
    server = start_authd({"AUTHD_METRICS_LISTEN": "127.0.0.1:0"})
    import time
    for _ in range(200):  # logged just after the API's own line
        m = re.search(r"metrics listening on 127\.0\.0\.1:(\d+)", server.log())
        if m:
            break
        time.sleep(0.01)
    port = int(m.group(1))
    assert port != server.port
    server.register("ned")
    assert server.get("/metrics").status_code == 404  # not on the API's address
    m = scrape(f"http://127.0.0.1:{port}/metrics")
    assert sample(m, "authd_http_requests", "authd_http_requests_total", route="/register/",
                  method="POST", status="201") == 1
    assert "authd_http_requests_total" in requests.get(f"http://127.0.0.1:{port}/metrics").text


def test_metrics_are_served_only_to_allowed_clients(start_authd):
    import http.client
    # Behind a proxy on the same host every request comes from loopback: the forwarded
    # client must be allowed too. /metrics used to answer anyone who could reach the API.
    server = start_authd({"AUTHD_TRUSTED_PROXIES": "127.0.0.1", "AUTHD_METRICS_ALLOW": "127.0.0.1"})

    def status(source, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10, source_address=(source, 0))
        try:
            conn.request("GET", "/metrics", headers=headers or {})
            return conn.getresponse().status
        finally:
            conn.close()

    assert status("127.0.0.1") == 200
    assert status("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}) == 404
    assert status("127.0.0.2") == 404


def test_the_user_cache_reports_hits_and_misses(start_authd):
    server = start_authd()
    server.register("kai")
    access = server.login("kai")["access"]
    before = scrape(server.url("/metrics"))
    assert before["authd_user_cache_hits"].type == "counter"
    hits0 = sample(before, "authd_user_cache_hits", "authd_user_cache_hits_total")
    misses0 = sample(before, "authd_user_cache_misses", "authd_user_cache_misses_total")
    for _ in range(20):
        assert server.get("/user_detail/", token=access).status_code == 200
    after = scrape(server.url("/metrics"))
    hits = sample(after, "authd_user_cache_hits", "authd_user_cache_hits_total") - hits0
    misses = sample(after, "authd_user_cache_misses", "authd_user_cache_misses_total") - misses0
    # At most one miss per I/O thread (and per store thread on PostgreSQL) before it holds kai.
    assert hits + misses >= 20 and hits >= 20 - 8, (hits, misses)
    assert sample(after, "authd_user_cache_watching", "authd_user_cache_watching") == 1
