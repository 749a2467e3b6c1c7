"""The OpenID providers the sign-in tests use: the real one (npm's oidc-provider, run by
tests/oidc_provider/provider.mjs) and a walk through its sign-in, as a browser would make it."""
import json
import pathlib
import subprocess
import time
import urllib.parse

import requests

from conftest import ROOT, free_port

PROVIDER_DIR = ROOT / "tests" / "oidc_provider"
SECRET = "provider-test-secret"


class OidcProvider:
    """One oidc-provider process on loopback: `issuer`, people added with add()."""

    def __init__(self, workdir, mode="basic"):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log_path = pathlib.Path(workdir) / f"oidc-provider-{self.port}.log"
        self._log = open(self.log_path, "wb")
        args = ["node", str(PROVIDER_DIR / "provider.mjs"), str(self.port)]
        if mode == "post":
            args.append("post")
        self.proc = subprocess.Popen(args, cwd=PROVIDER_DIR, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while "listening" not in self.log_path.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("oidc-provider did not start:\n" + self.log_path.read_text())
            time.sleep(0.05)

    def add(self, sub, **claims):
        r = requests.post(f"{self.issuer}/test/accounts", json={sub: claims}, timeout=10)
        assert r.status_code == 200, r.text

    def setting(self, id, client_id="authd-rs", **extra):
        return {"id": id, "name": f"Provider {id}", "issuer": self.issuer, "client_id": client_id,
                "client_secret": SECRET, **extra}

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self._log.close()


def providers_env(*settings, redirects=()):
    env = {"AUTHD_OIDC_PROVIDERS": json.dumps(list(settings))}
    if redirects:
        env["AUTHD_OIDC_CLIENT_REDIRECTS"] = ",".join(redirects)
    return env


def start(server, browser, provider_id="corp", next=None):
    """GET authorize/: the 302 to the provider (the binding cookie now in `browser`)."""
    query = f"?next={urllib.parse.quote(next, safe='')}" if next is not None else ""
    return browser.get(server.url(f"/api/oidc/{provider_id}/authorize/{query}"),
                       allow_redirects=False, timeout=30)


def at_provider(browser, authorization_url, login):
    """Signs `login` in at the provider; the URL of authd's callback it sends the browser to."""
    r = browser.get(authorization_url, allow_redirects=False, timeout=30)
    for _ in range(10):
        assert r.status_code in (302, 303), r.text
        location = urllib.parse.urljoin(r.url, r.headers["Location"])
        if "/api/oidc/" in location:
            return location
        r = browser.get(location, allow_redirects=False, timeout=30)
        if r.status_code == 200 and "<form" in r.text:
            r = browser.post(location, data={"login": login}, allow_redirects=False, timeout=30)
    raise AssertionError("the provider never sent the browser back")


def sign_in(server, browser, login, provider_id="corp", next=None):
    """The whole browser flow up to authd's answer to the callback (not followed)."""
    r = start(server, browser, provider_id, next)
    assert r.status_code == 302, r.text
    callback = at_provider(browser, r.headers["Location"], login)
    return browser.get(callback, allow_redirects=False, timeout=30)


def landing_code(response):
    """The one-time code of a callback's 302 to the hosted landing page (or a client)."""
    assert response.status_code == 302, response.text
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response.headers["Location"]).query)
    return query["code"][0]


def exchange(server, browser, code):
    return browser.post(server.url("/api/oidc/exchange/"), data={"code": code}, timeout=30)


def tokens(server, browser, login, provider_id="corp"):
    """Signs in through the provider and exchanges the code: {"refresh", "access"}."""
    r = exchange(server, browser, landing_code(sign_in(server, browser, login, provider_id)))
    assert r.status_code == 200, r.text
    return r.json()
