"""The browser session (api/browser_session.h): the refresh token in an HttpOnly cookie, renewed
and ended through /api/browser/, and refused to any origin but the site's own (CSRF)."""
import pytest
import requests

from conftest import STRONG_PASSWORD, claims_of


def browser_headers(server, origin=None):
    return {"X-Authd-Session": "cookie",
            "Origin": origin if origin is not None else f"http://127.0.0.1:{server.port}"}


def cookie_login(server, session, origin=None, username="alice"):
    return session.post(server.url("/api/token/"), timeout=30,
                        data={"username": username, "password": STRONG_PASSWORD},
                        headers=browser_headers(server, origin))


def set_cookie(response):
    return response.headers.get("Set-Cookie", "")


def test_sign_in_sets_an_httponly_strict_cookie_and_answers_no_refresh(authd):
    authd.register("alice")
    browser = requests.Session()
    r = cookie_login(authd, browser)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access", "session"}
    cookie = set_cookie(r)
    assert cookie.startswith("authd_session=")
    for attribute in ("Path=/api/browser/", "HttpOnly", "SameSite=Strict", "Max-Age=86400"):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback, no https public URL
    refresh = browser.cookies.get("authd_session")
    assert claims_of(refresh)["token_type"] == "refresh"
    assert body["session"] == claims_of(refresh)["jti"]
    assert authd.get("/user_detail/", token=body["access"]).status_code == 200
    # The session is an ordinary one: listed, and marked current with the answer's id.
    sessions = authd.get(f"/api/sessions/?current={body['session']}", token=body["access"]).json()
    assert [s["current"] for s in sessions] == [True]


def test_refresh_from_the_cookie_then_logout_ends_the_session(authd):
    authd.register("alice")
    browser = requests.Session()
    first = cookie_login(authd, browser).json()
    r = browser.post(authd.url("/api/browser/refresh/"), headers=browser_headers(authd), timeout=30)
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"access", "session"}
    assert r.json()["session"] == first["session"]
    assert claims_of(r.json()["access"])["user_id"] == claims_of(first["access"])["user_id"]
    old_refresh = browser.cookies.get("authd_session")

    r = browser.post(authd.url("/api/browser/logout/"), headers=browser_headers(authd), timeout=30)
    assert r.status_code == 200, r.text
    assert "Max-Age=0" in set_cookie(r) and set_cookie(r).startswith("authd_session=;")
    assert "authd_session" not in browser.cookies
    # Ended server side: the token itself is blacklisted, not only forgotten by the browser.
    r = authd.post("/api/token/refresh/", data={"refresh": old_refresh})
    assert r.status_code == 401 and r.json()["detail"] == "Token is blacklisted"
    r = browser.post(authd.url("/api/browser/refresh/"), headers=browser_headers(authd), timeout=30)
    assert r.status_code == 401 and r.json()["code"] == "no_session"
    # Signing out twice is harmless.
    r = browser.post(authd.url("/api/browser/logout/"), headers=browser_headers(authd), timeout=30)
    assert r.status_code == 200


def test_rotation_replaces_the_cookie_and_a_dead_token_clears_it(start_authd):
    server = start_authd({"AUTHD_ROTATE_REFRESH_TOKENS": "true", "AUTHD_ROTATION_GRACE_SECONDS": "0"})
    server.register("alice")
    browser = requests.Session()
    first = cookie_login(server, browser).json()
    before = browser.cookies.get("authd_session")
    r = browser.post(server.url("/api/browser/refresh/"), headers=browser_headers(server), timeout=30)
    assert r.status_code == 200, r.text
    after = browser.cookies.get("authd_session")
    assert after != before and "refresh" not in r.json()
    assert r.json()["session"] == claims_of(after)["jti"] != first["session"]
    # Another tab with the stale cookie: reuse is detected, and the stale cookie is cleared.
    stale = requests.Session()
    stale.cookies.set("authd_session", before, path="/api/browser/")
    r = stale.post(server.url("/api/browser/refresh/"), headers=browser_headers(server), timeout=30)
    assert r.status_code == 401
    assert "Max-Age=0" in set_cookie(r)


@pytest.mark.parametrize("origin", ["http://evil.example", "", "null",
                                    "http://127.0.0.1:1", "https://127.0.0.1"])
def test_other_origins_cannot_sign_in_refresh_or_sign_out(authd, origin):
    authd.register("alice")
    browser = requests.Session()
    assert cookie_login(authd, browser).status_code == 200
    token = browser.cookies.get("authd_session")
    headers = browser_headers(authd, origin)
    if origin == "":
        del headers["Origin"]
    for path in ("/api/browser/refresh/", "/api/browser/logout/"):
        r = browser.post(authd.url(path), headers=headers, timeout=30)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["code"] == "csrf_failed"
    r = cookie_login(authd, requests.Session(), origin=origin or None) if origin else None
    if r is not None:
        assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
        assert "Set-Cookie" not in r.headers
    # Nothing was ended on the way.
    assert authd.post("/api/token/refresh/", data={"refresh": token}).status_code == 200


def test_the_cookie_endpoints_need_the_custom_header(authd):
    authd.register("alice")
    browser = requests.Session()
    assert cookie_login(authd, browser).status_code == 200
    origin = {"Origin": f"http://127.0.0.1:{authd.port}"}
    # What a plain HTML form on any page could send: no custom header.
    for path in ("/api/browser/refresh/", "/api/browser/logout/"):
        r = browser.post(authd.url(path), headers=origin, timeout=30)
        assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    r = browser.post(authd.url("/api/browser/refresh/"),
                     headers={**origin, "X-Authd-Session": "token"}, timeout=30)
    assert r.status_code == 400


def test_secure_cookie_when_the_public_url_is_https(start_authd):
    server = start_authd({"AUTHD_PUBLIC_URL": "https://id.example"})
    server.register("alice")
    r = cookie_login(server, requests.Session(), origin="https://id.example")
    assert r.status_code == 200, r.text
    assert "; Secure" in set_cookie(r)
    # The site's origin is the public URL's, not the address the request was sent to.
    r = cookie_login(server, requests.Session())
    assert r.status_code == 403


def test_an_ordinary_sign_in_is_unchanged(authd):
    authd.register("alice")
    r = authd.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD})
    assert set(r.json()) == {"refresh", "access"}
    assert "Set-Cookie" not in r.headers
