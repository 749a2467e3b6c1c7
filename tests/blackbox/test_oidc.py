"""Signing in with an OpenID provider (api/oidc_api.cc) through a real, certified one: npm's
oidc-provider, run locally (tests/oidc_provider/). Users are created, found again and linked;
the rules of the provider's settings hold; the flow is bound to its browser and every secret
in it is single use."""
import time
import urllib.parse

import pyotp
import pytest
import requests

from conftest import STRONG_PASSWORD, claims_of
from oidc_peers import (OidcProvider, exchange, landing_code, providers_env, sign_in, start,
                        at_provider, tokens)


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    p = OidcProvider(tmp_path_factory.mktemp("oidc"))
    yield p
    p.stop()


@pytest.fixture(scope="module")
def post_provider(tmp_path_factory):
    """One that offers only client_secret_post: authd must use it (discovery says so)."""
    p = OidcProvider(tmp_path_factory.mktemp("oidc-post"), mode="post")
    yield p
    p.stop()


def bearer(access):
    return {"Authorization": f"Bearer {access}"}


def me(server, access):
    r = server.get("/api/me/", token=access)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_sign_in_creates_a_user_and_the_next_one_finds_it(start_authd, provider):
    provider.add("jane-1", email="Jane@Corp.example", email_verified=True,
                 preferred_username="jane", name="Jane Doe")
    server = start_authd(providers_env(provider.setting("corp")))
    listed = server.get("/api/oidc/providers/").json()
    assert listed == [{"id": "corp", "name": "Provider corp"}]

    browser = requests.Session()
    r = start(server, browser)
    assert r.status_code == 302
    binding = r.headers["Set-Cookie"]
    for attribute in ("authd_oidc=", "Path=/api/oidc/", "HttpOnly", "SameSite=Lax", "Max-Age=600"):
        assert attribute in binding
    to_provider = urllib.parse.urlsplit(r.headers["Location"])
    asked = urllib.parse.parse_qs(to_provider.query)
    assert to_provider.netloc == f"127.0.0.1:{provider.port}"
    assert asked["response_type"] == ["code"] and asked["code_challenge_method"] == ["S256"]
    assert asked["redirect_uri"] == [server.url("/api/oidc/corp/callback/")]
    assert asked["scope"] == ["openid email profile"]
    assert len(asked["state"][0]) >= 43 and len(asked["nonce"][0]) >= 43
    assert "code_verifier" not in asked

    answer = browser.get(at_provider(browser, r.headers["Location"], "jane-1"), allow_redirects=False,
                         timeout=30)
    assert answer.status_code == 302, answer.text
    landing = urllib.parse.urlsplit(answer.headers["Location"])
    assert landing.path == "/account/oidc/"
    assert urllib.parse.parse_qs(landing.query)["next"] == ["/account/"]
    pair = exchange(server, browser, landing_code(answer)).json()
    assert set(pair) == {"refresh", "access"}
    user = me(server, pair["access"])
    # The provider keeps email and preferred_username for userinfo (conformIdTokenClaims):
    # authd read them there.
    assert user["username"] == "jane" and user["email"] == "Jane@Corp.example"
    assert user["email_verified"] is True
    # No password: none signs in.
    assert server.post("/api/token/", data={"username": "jane", "password": ""}).status_code == 400
    assert server.post("/api/token/", data={"username": "jane", "password": "x"}).status_code == 401

    again = tokens(server, requests.Session(), "jane-1")
    assert claims_of(again["access"])["user_id"] == claims_of(pair["access"])["user_id"]
    identities = server.get("/api/me/identities/", token=again["access"]).json()
    assert [(i["provider"], i["provider_name"], i["email"]) for i in identities] == [
        ("corp", "Provider corp", "Jane@Corp.example")]
    assert identities[0]["last_used_at"] is not None
    # Recorded: the registration, the link, each sign-in with its provider.
    rows = server.sql("SELECT type, details FROM events ORDER BY id")
    types = [t for t, _ in rows]
    assert types.count("user.registered") == 1 and types.count("oidc.identity_linked") == 1
    signed_in = [d for t, d in rows if t == "login.succeeded"]
    assert len(signed_in) == 2 and all('"provider":"corp"' in d and '"method":"oidc"' in d for d in signed_in)
    # No secret of the flow in the log.
    for secret in (asked["state"][0], asked["nonce"][0], landing_code(answer)):
        assert secret not in server.log()


def test_a_taken_username_gets_a_suffix(start_authd, provider):
    provider.add("sam-a", email="sam@a.example", email_verified=True, preferred_username="sam")
    server = start_authd(providers_env(provider.setting("corp")))
    server.register("sam")
    pair = tokens(server, requests.Session(), "sam-a")
    assert me(server, pair["access"])["username"] == "sam2"


def test_es256_tokens_and_client_secret_post(start_authd, post_provider):
    post_provider.add("es-1", email="es@corp.example", email_verified=False, preferred_username="es")
    server = start_authd(providers_env(post_provider.setting("corp_es", client_id="authd-es")))
    pair = tokens(server, requests.Session(), "es-1", provider_id="corp_es")
    user = me(server, pair["access"])
    assert user["username"] == "es" and user["email_verified"] is False
    # The provider had only client_secret_post to offer, and its tokens were ES256.
    assert "client_secret_basic" not in requests.get(
        post_provider.issuer + "/.well-known/openid-configuration", timeout=10).text


def test_linking_by_verified_email_only_when_asked(start_authd, provider, tmp_path):
    provider.add("linda-1", email="linda@corp.example", email_verified=True, preferred_username="linda.c")
    provider.add("linda-unverified", email="linda@corp.example", email_verified=False,
                 preferred_username="linda.u")
    on = start_authd(providers_env(provider.setting("corp", link_by_verified_email=True)))
    on.register("linda", email="linda@corp.example")
    linda_id = on.sql("SELECT id FROM users WHERE username = 'linda'")[0][0]
    on.sql("UPDATE users SET email_verified = ? WHERE id = ?", (True, linda_id))
    # The provider does not vouch for the address: no link, a new user.
    unverified = tokens(on, requests.Session(), "linda-unverified")
    assert claims_of(unverified["access"])["user_id"] != linda_id
    pair = tokens(on, requests.Session(), "linda-1")
    assert claims_of(pair["access"])["user_id"] == linda_id

    off = start_authd(providers_env(provider.setting("corp")), db=tmp_path / "off.db")
    off.register("linda", email="linda@corp.example")
    off.sql("UPDATE users SET email_verified = ? WHERE username = 'linda'", (True,))
    pair = tokens(off, requests.Session(), "linda-1")
    assert me(off, pair["access"])["username"] == "linda.c"


def test_the_rules_of_the_provider_setting(start_authd, provider, tmp_path):
    provider.add("out-1", email="out@elsewhere.example", email_verified=True)
    provider.add("in-unverified", email="x@corp.example", email_verified=False)
    provider.add("in-1", email="in@CORP.example", email_verified=True)
    provider.add("nobody", email="nobody@corp.example", email_verified=True)
    server = start_authd(providers_env(provider.setting("corp", allowed_email_domains=["corp.example"])))
    for login in ("out-1", "in-unverified"):
        r = sign_in(server, requests.Session(), login)
        assert r.status_code == 403 and r.json()["code"] == "oidc_email_domain", r.text
        assert "corp.example" in r.json()["detail"]
    assert tokens(server, requests.Session(), "in-1")["access"]
    closed = start_authd(providers_env(provider.setting("corp", create_users=False)), db=tmp_path / "closed.db")
    r = sign_in(closed, requests.Session(), "nobody")
    assert r.status_code == 403 and r.json()["code"] == "oidc_no_account", r.text
    # A browser gets a page, not JSON, with the same status.
    browser = requests.Session()
    browser.headers["Accept"] = "text/html,application/xhtml+xml"
    r = sign_in(server, browser, "out-1")
    assert r.status_code == 403 and r.headers["Content-Type"].startswith("text/html")
    assert "Sign-in failed" in r.text and "corp.example" in r.text
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]


def test_a_required_verified_address_holds_for_provider_sign_ins(start_authd, provider):
    provider.add("unv-1", email="unv@corp.example", email_verified=False, preferred_username="unv")
    provider.add("ver-1", email="ver@corp.example", email_verified=True, preferred_username="ver")
    server = start_authd(dict(providers_env(provider.setting("corp")), AUTHD_REQUIRE_VERIFIED_EMAIL="true"))
    browser = requests.Session()
    r = exchange(server, browser, landing_code(sign_in(server, browser, "unv-1")))
    assert r.status_code == 401 and r.json()["code"] == "email_not_verified", r.text
    assert tokens(server, requests.Session(), "ver-1")["access"]


def test_an_inactive_user_is_refused(start_authd, provider):
    provider.add("ina-1", email="ina@corp.example", email_verified=True, preferred_username="ina")
    server = start_authd(providers_env(provider.setting("corp")))
    tokens(server, requests.Session(), "ina-1")
    server.sql("UPDATE users SET is_active = ? WHERE username = 'ina'", (False,))
    r = sign_in(server, requests.Session(), "ina-1")
    assert r.status_code == 403 and r.json()["code"] == "user_inactive", r.text


def test_second_factors_still_apply(start_authd, provider):
    provider.add("mfa-1", email="mfa@corp.example", email_verified=True, preferred_username="mfa")
    server = start_authd(providers_env(provider.setting("corp")))
    access = tokens(server, requests.Session(), "mfa-1")["access"]
    r = server.post("/api/mfa/totp/", headers=bearer(access))
    totp = pyotp.parse_uri(r.json()["otpauth_url"])
    assert server.post("/api/mfa/totp/confirm/", headers=bearer(access),
                       data={"code": totp.now()}).status_code == 200
    browser = requests.Session()
    r = exchange(server, browser, landing_code(sign_in(server, browser, "mfa-1")))
    assert r.status_code == 401 and r.json()["code"] == "mfa_required", r.text
    assert "refresh" not in r.json() and "access" not in r.json()
    assert r.json()["methods"] == ["totp", "recovery_code"]
    # The second step ends it, recorded as what it was: the provider, then the app's code.
    done = server.post("/api/token/mfa/", data={"mfa_token": r.json()["mfa_token"], "code": totp.now()})
    if done.status_code == 401:  # this time step was spent enrolling: wait for the next
        time.sleep(30 - time.time() % 30 + 1)
        done = server.post("/api/token/mfa/", data={"mfa_token": r.json()["mfa_token"], "code": totp.now()})
    assert done.status_code == 200, done.text
    assert claims_of(done.json()["access"])["amr"] == ["otp"]  # no "pwd": there was no password
    methods = [d for t, d in server.sql("SELECT type, details FROM events") if t == "login.succeeded"]
    assert '"method":"oidc+totp"' in methods[-1]


def test_next_is_kept_and_never_leaves_the_site(start_authd, provider):
    provider.add("nx-1", email="nx@corp.example", email_verified=True)
    server = start_authd(providers_env(provider.setting("corp")))
    r = sign_in(server, requests.Session(), "nx-1", next="/account/sessions/?tab=1")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["Location"]).query)
    assert query["next"] == ["/account/sessions/?tab=1"]
    for attack in ("//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
                   "/ok\r\nSet-Cookie: x=1", "http://127.0.0.1:9/cb"):
        r = start(server, requests.Session(), next=attack)
        assert r.status_code == 400 and "next" in r.json(), (attack, r.text)


def test_an_api_client_gets_a_one_time_code_at_its_registered_redirect(start_authd, provider, tmp_path):
    provider.add("app-1", email="app@corp.example", email_verified=True, preferred_username="app")
    redirect = "com.example.app:/oauth/done"
    server = start_authd(providers_env(provider.setting("corp"), redirects=[redirect]))
    r = sign_in(server, requests.Session(), "app-1", next=redirect)
    assert r.status_code == 302 and r.headers["Location"].startswith(redirect + "?code=")
    code = landing_code(r)
    # Exchanged by the app's own client, without the browser's cookie, once.
    first = requests.post(server.url("/api/oidc/exchange/"), data={"code": code}, timeout=30)
    assert first.status_code == 200 and set(first.json()) == {"refresh", "access"}
    again = requests.post(server.url("/api/oidc/exchange/"), data={"code": code}, timeout=30)
    assert again.status_code == 400 and again.json()["code"] == "oidc_code_invalid"
    # A refusal goes back to the app, OAuth-style.
    provider.add("app-out", email="out@other.example", email_verified=True)
    closed = start_authd(providers_env(provider.setting("corp", allowed_email_domains=["corp.example"]),
                                       redirects=[redirect]), db=tmp_path / "closed.db")
    r = sign_in(closed, requests.Session(), "app-out", next=redirect)
    assert r.status_code == 302, r.text
    back = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["Location"]).query)
    assert back["error"] == ["access_denied"] and back["authd_error"] == ["oidc_email_domain"]


def test_state_and_codes_are_single_use_and_bound_to_the_browser(start_authd, provider):
    provider.add("sec-1", email="sec@corp.example", email_verified=True)
    server = start_authd(providers_env(provider.setting("corp")))
    browser = requests.Session()
    r = start(server, browser)
    callback = at_provider(browser, r.headers["Location"], "sec-1")
    # Opened in another browser (a login CSRF: the attacker's callback URL, the victim's browser).
    other = requests.get(callback, allow_redirects=False, timeout=30)
    assert other.status_code == 403 and other.json()["code"] == "oidc_browser_mismatch", other.text
    # That spent the flow: the state serves one callback, even the right browser's.
    again = browser.get(callback, allow_redirects=False, timeout=30)
    assert again.status_code == 400 and again.json()["code"] == "oidc_state_invalid"

    answer = sign_in(server, browser, "sec-1")
    code = landing_code(answer)
    # The browser's code is no good elsewhere, and spent by the attempt.
    stolen = requests.post(server.url("/api/oidc/exchange/"), data={"code": code}, timeout=30)
    assert stolen.status_code == 400 and stolen.json()["code"] == "oidc_code_invalid"
    assert exchange(server, browser, code).status_code == 400

    for query in ("", "?state=made-up&code=x", "?code=x"):
        r = browser.get(server.url(f"/api/oidc/corp/callback/{query}"), allow_redirects=False, timeout=30)
        assert r.status_code == 400 and r.json()["code"] == "oidc_state_invalid", (query, r.text)
    assert server.get("/api/oidc/nope/authorize/").status_code == 404
    assert exchange(server, browser, "x" * 43).json()["code"] == "oidc_code_invalid"
    assert exchange(server, browser, "").status_code == 400


def test_the_provider_saying_no_is_a_clear_refusal(start_authd, provider):
    server = start_authd(providers_env(provider.setting("corp")))
    browser = requests.Session()
    r = start(server, browser)
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["Location"]).query)["state"][0]
    r = browser.get(server.url(f"/api/oidc/corp/callback/?error=access_denied&state={state}"),
                    allow_redirects=False, timeout=30)
    assert r.status_code == 403 and r.json()["code"] == "oidc_denied", r.text


def test_identities_are_linked_listed_unlinked_and_seen_by_admins(start_authd, provider, post_provider):
    provider.add("multi-1", email="multi@corp.example", email_verified=True, preferred_username="multi")
    post_provider.add("multi-2", email="multi@es.example", email_verified=True)
    provider.add("taken-1", email="taken@corp.example", email_verified=True)
    server = start_authd(providers_env(provider.setting("corp"),
                                       post_provider.setting("corp_es", client_id="authd-es")))
    browser = requests.Session()
    access = tokens(server, browser, "multi-1")["access"]
    only = server.get("/api/me/identities/", token=access).json()
    # The only way in (no password, no passkey): kept.
    r = requests.delete(server.url(f"/api/me/identities/{only[0]['id']}/"), headers=bearer(access), timeout=30)
    assert r.status_code == 409 and r.json()["code"] == "last_sign_in_method", r.text

    # Linking another provider while signed in.
    r = browser.post(server.url("/api/oidc/corp_es/link/"), headers=bearer(access), timeout=30)
    assert r.status_code == 200, r.text
    callback = at_provider(browser, r.json()["authorization_url"], "multi-2")
    r = browser.get(callback, allow_redirects=False, timeout=30)
    assert r.status_code == 302 and r.headers["Location"] == "/account/security/?linked=corp_es", r.text
    both = server.get("/api/me/identities/", token=access).json()
    assert [i["provider"] for i in both] == ["corp", "corp_es"]
    # The second one signs in to the same user.
    other = tokens(server, requests.Session(), "multi-2", provider_id="corp_es")
    assert claims_of(other["access"])["user_id"] == claims_of(access)["user_id"]

    # An identity someone else has cannot be linked.
    tokens(server, requests.Session(), "taken-1")
    r = browser.post(server.url("/api/oidc/corp/link/"), headers=bearer(access), timeout=30)
    r = browser.get(at_provider(browser, r.json()["authorization_url"], "taken-1"), allow_redirects=False,
                    timeout=30)
    assert r.status_code == 409 and r.json()["code"] == "oidc_identity_taken", r.text

    # Now one may go; then the other is the last.
    r = requests.delete(server.url(f"/api/me/identities/{both[0]['id']}/"), headers=bearer(access), timeout=30)
    assert r.status_code == 204, r.text
    r = requests.delete(server.url(f"/api/me/identities/{both[1]['id']}/"), headers=bearer(access), timeout=30)
    assert r.status_code == 409
    assert requests.delete(server.url("/api/me/identities/999/"), headers=bearer(access), timeout=30).status_code == 404
    assert server.get("/api/me/identities/").status_code == 401
    assert "oidc.identity_unlinked" in [t for (t,) in server.sql("SELECT type FROM events")]

    user_id = claims_of(access)["user_id"]
    assert server.get(f"/api/admin/users/{user_id}/identities/", token=access).status_code == 403
    server.register("boss", password=STRONG_PASSWORD)
    server.sql("UPDATE users SET is_staff = ? WHERE username = 'boss'", (True,))
    staff = server.login("boss")["access"]
    seen = server.get(f"/api/admin/users/{user_id}/identities/", token=staff).json()
    assert [i["provider"] for i in seen] == ["corp_es"]
    assert server.get("/api/admin/users/9999/identities/", token=staff).status_code == 404


def test_two_instances_share_the_flow(start_authd, provider, tmp_path):
    provider.add("two-1", email="two@corp.example", email_verified=True, preferred_username="two")
    from conftest import free_port
    port = free_port()
    # The redirect URI names one site: both instances serve it, as behind one load balancer.
    env = providers_env(provider.setting("corp"))
    env["AUTHD_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    a = start_authd(dict(env, AUTHD_LISTEN=f"127.0.0.1:{port}"), db=tmp_path / "shared.db")
    b = start_authd(env, db=tmp_path / "shared.db")
    browser = requests.Session()
    r = start(a, browser)
    callback = at_provider(browser, r.headers["Location"], "two-1")
    # The provider sends the browser to the public URL (a); instance b finishes it.
    on_b = callback.replace(a.url(""), b.url(""))
    answer = browser.get(on_b, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    pair = exchange(a, browser, landing_code(answer)).json()
    assert me(b, pair["access"])["username"] == "two"


def test_a_provider_that_cannot_be_reached_fails_only_its_sign_ins(start_authd, provider):
    from conftest import free_port
    dead = {"id": "dead", "name": "Dead", "issuer": f"http://127.0.0.1:{free_port()}",
            "client_id": "c", "client_secret": "s"}
    server = start_authd(providers_env(dead, provider.setting("corp")))
    r = server.get("/api/oidc/dead/authorize/")
    assert r.status_code == 503 and r.json()["code"] == "oidc_unavailable", r.text
    assert "Retry-After" in r.headers
    assert server.get("/readyz").status_code == 200
    assert start(server, requests.Session()).status_code == 302


@pytest.fixture(scope="module")
def hostile():
    from hostile_provider import HostileProvider
    p = HostileProvider()
    yield p
    p.stop()


def hostile_callback(server, hostile, code, extra=""):
    browser = requests.Session()
    r = start(server, browser, "evil")
    assert r.status_code == 302, r.text
    asked = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["Location"]).query)
    hostile.nonce = asked["nonce"][0]
    return browser.get(server.url(f"/api/oidc/evil/callback/?code={code}&state={asked['state'][0]}{extra}"),
                       allow_redirects=False, timeout=30)


def test_forged_and_broken_answers_are_refused(start_authd, hostile):
    server = start_authd(providers_env(hostile.setting()))
    # The harness is sound: a well-made token signs in.
    assert hostile_callback(server, hostile, "good").status_code == 302
    token_request = hostile.token_requests[-1]
    assert token_request["authorization"].startswith("Basic ")  # client_secret_basic by default
    assert token_request["form"]["grant_type"] == ["authorization_code"]
    assert len(token_request["form"]["code_verifier"][0]) >= 43
    for attack in ("wrong_nonce", "wrong_aud", "wrong_azp", "wrong_iss", "expired", "alg_none",
                   "hs256_public_key", "unknown_kid", "userinfo_other_sub", "refused"):
        r = hostile_callback(server, hostile, attack)
        assert r.status_code == 401 and r.json()["code"] == "oidc_refused", (attack, r.text)
    r = hostile_callback(server, hostile, "garbage")
    assert r.status_code == 502 and r.json()["code"] == "oidc_provider_error", r.text
    # RFC 9207: an authorization response naming another issuer (a mix-up) is refused.
    r = hostile_callback(server, hostile, "good", "&iss=https%3A%2F%2Fother.example")
    assert r.status_code == 400 and r.json()["code"] == "oidc_issuer_mismatch", r.text
    assert server.get("/readyz").status_code == 200
    refused = [d for t, d in server.sql("SELECT type, details FROM events") if t == "login.failed"]
    assert len(refused) == 10 and all("oidc_refused" in d for d in refused)


def test_a_slow_provider_costs_one_sign_in_not_the_server(start_authd, hostile):
    server = start_authd(providers_env(hostile.setting()))
    started = time.monotonic()
    r = hostile_callback(server, hostile, "slow")
    assert r.status_code == 503 and r.json()["code"] == "oidc_unavailable", r.text
    assert time.monotonic() - started < 8
    server.register("alice")
    assert server.login("alice")["access"]
