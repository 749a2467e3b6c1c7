"""GET /api/schema/ and GET /api/docs/: the OpenAPI document lists exactly the routes the server
answers, passes a real validator (@redocly/cli, from npm), describes the answers the server
really gives (checked with jsonschema), and the docs page renders it in a real browser."""
import json
import os
import pathlib
import shutil
import subprocess

import jsonschema
import pytest
import requests

from conftest import AUTHD_BIN, DATABASES, HARNESS, FAST_HASHING, ROOT, STRONG_PASSWORD

LINTER_DIR = ROOT / "tests" / "openapi"  # package.json: @redocly/cli; redocly.yaml: its rules
CHROMIUM = shutil.which("chromium")


def server_routes(tmp_path):
    env = dict(os.environ, **FAST_HASHING, AUTHD_DATABASE_URL=DATABASES.url(tmp_path / "routes.db"))
    r = subprocess.run([AUTHD_BIN, "routes"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return {tuple(line.split()) for line in r.stdout.splitlines()}


def test_the_document_lists_exactly_the_routes_the_server_answers(authd, tmp_path):
    r = authd.get("/api/schema/")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/vnd.oai.openapi+json"
    doc = r.json()
    assert doc["openapi"].startswith("3.1.")
    documented = {(method.upper(), path) for path, item in doc["paths"].items()
                  for method in item if method in {"get", "post", "put", "patch", "delete"}}
    routes = server_routes(tmp_path)
    assert len(routes) >= 20
    assert routes - documented == set(), "routes the document does not describe"
    assert documented - routes == set(), "documented operations the server does not answer"
    # Every operation documents its errors too, and every path parameter.
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert any(code.startswith("4") for code in op["responses"]), (method, path)
            # Redocly's 2XX rule is off for these two (tests/openapi/redocly.yaml): they answer
            # a success with a redirect, as OAuth 2.0 does. Every other operation has a 2XX.
            if path not in ("/api/oidc/{provider}/authorize/", "/api/oidc/{provider}/callback/"):
                assert any(code.startswith("2") for code in op["responses"]), (method, path)
            params = [p.get("name") for p in op.get("parameters", []) + item.get("parameters", [])]
            for segment in path.split("/"):
                if segment.startswith("{"):
                    names = [doc["components"]["parameters"]["UserId"]["name"] if n is None else n
                             for n in params]
                    assert segment.strip("{}") in names, (method, path)


@pytest.mark.skipif(not (LINTER_DIR / "node_modules" / ".bin" / "redocly").exists(),
                    reason="make test-deps installs @redocly/cli in tests/openapi")
def test_the_served_document_passes_redocly_lint(authd, tmp_path):
    def lint(document):
        served = tmp_path / "openapi.json"
        served.write_bytes(document)
        return subprocess.run([str(LINTER_DIR / "node_modules" / ".bin" / "redocly"), "lint",
                               "--config", str(LINTER_DIR / "redocly.yaml"), str(served)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, REDOCLY_TELEMETRY="off",
                                       REDOCLY_SUPPRESS_UPDATE_NOTICE="true"))

    served = authd.get("/api/schema/").content
    r = lint(served)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Your API description is valid" in out, out
    assert "warning" not in out, out  # not even a warning
    # A broken document fails, so the check above is a real one.
    broken = json.loads(served)
    broken["paths"]["/api/token/"]["post"]["responses"] = "none"
    assert lint(json.dumps(broken).encode()).returncode != 0


def test_real_answers_match_the_documented_schemas(authd):
    doc = authd.get("/api/schema/").json()

    def check(response, path, method):
        """The answer's body validates against what the document says of this status."""
        op = doc["paths"][path][method]
        documented = op["responses"].get(str(response.status_code))
        assert documented, f"{method} {path} answered {response.status_code}, undocumented"
        if "$ref" in documented:
            documented = doc["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        if "content" not in documented:
            assert response.content == b""
            return
        content = documented["content"].get("application/json")
        if content is None:
            return  # text: /metrics, the docs page
        schema = dict(doc, **content["schema"])  # $refs resolve against the whole document
        jsonschema.Draft202012Validator(schema).validate(response.json())

    check(authd.post("/register/", data={"username": "doc", "password": STRONG_PASSWORD}), "/register/", "post")
    check(authd.post("/register/", data={"username": "doc", "password": "123"}), "/register/", "post")
    check(authd.post("/register/", data="x", headers={"Content-Type": "text/plain"}), "/register/", "post")
    pair = authd.post("/api/token/", data={"username": "doc", "password": STRONG_PASSWORD})
    check(pair, "/api/token/", "post")
    pair = pair.json()
    check(authd.post("/api/token/", data={"username": "doc", "password": "wrong-" + STRONG_PASSWORD}),
          "/api/token/", "post")
    check(authd.post("/api/token/", data={}), "/api/token/", "post")
    check(authd.get("/user_detail/", token=pair["access"]), "/user_detail/", "get")
    check(authd.get("/user_detail/", token="garbage"), "/user_detail/", "get")
    check(authd.post("/api/token/refresh/", data={"refresh": pair["refresh"]}), "/api/token/refresh/", "post")
    check(authd.post("/api/token/refresh/", data={"refresh": pair["access"]}), "/api/token/refresh/", "post")
    check(authd.post("/api/token/verify/", data={"token": pair["access"]}), "/api/token/verify/", "post")
    check(authd.get("/api/sessions/", token=pair["access"]), "/api/sessions/", "get")
    check(requests.delete(authd.url("/api/sessions/nope/"), headers={"Authorization": f"Bearer {pair['access']}"}),
          "/api/sessions/{jti}/", "delete")
    check(authd.post("/api/password/change/", data={"old_password": "x", "new_password": "y"},
                     headers={"Authorization": f"Bearer {pair['access']}"}), "/api/password/change/", "post")
    check(authd.get("/api/admin/users/", token=pair["access"]), "/api/admin/users/", "get")
    check(authd.get("/.well-known/jwks.json"), "/.well-known/jwks.json", "get")
    check(authd.get("/healthz"), "/healthz", "get")
    check(authd.get("/readyz"), "/readyz", "get")
    check(authd.post("/api/token/blacklist/", data={"refresh": pair["refresh"]}), "/api/token/blacklist/", "post")
    check(authd.post("/api/token/blacklist/", data={"refresh": pair["refresh"]}), "/api/token/blacklist/", "post")
    check(authd.post("/api/sessions/revoke_all/", headers={"Authorization": f"Bearer {pair['access']}"}),
          "/api/sessions/revoke_all/", "post")
    check(authd.get("/api/docs/nothing.js"), "/api/docs/{asset}", "get")
    fresh = authd.login("doc")["access"]
    check(authd.get("/api/me/", token=fresh), "/api/me/", "get")
    check(authd.request_patch("/api/me/", fresh, {"first_name": "D"}), "/api/me/", "patch")
    check(authd.post("/api/password/reset/", data={"email": "doc@example.com"}), "/api/password/reset/", "post")
    check(authd.post("/api/password/reset/confirm/", data={"token": "t", "new_password": "p"}),
          "/api/password/reset/confirm/", "post")
    check(authd.post("/api/email/verify/", data={"token": "t"}), "/api/email/verify/", "post")


@pytest.mark.skipif(CHROMIUM is None, reason="make test-deps installs Debian's chromium")
def test_the_docs_page_lists_every_endpoint_in_a_real_browser(authd, tmp_path):
    page = authd.get("/api/docs/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ["swagger-ui-bundle.js", "swagger-ui.css", "init.js"]:
        assert authd.get(f"/api/docs/{asset}").status_code == 200, asset

    browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'chromium'}", "--virtual-time-budget=20000"]
    dom = subprocess.run(browser + ["--dump-dom", authd.url("/api/docs/")], capture_output=True,
                         text=True, timeout=120).stdout
    # Swagger UI renders one block per operation, marked with its path and method.
    rendered = set()
    for chunk in dom.split('data-path="')[1:]:
        rendered.add(chunk.split('"', 1)[0])
    documented = set(authd.get("/api/schema/").json()["paths"])
    assert documented and rendered == documented, (documented - rendered, rendered - documented)
    assert "opblock-summary-method" in dom and "Log in: a refresh and an access token" in dom

    shot = tmp_path / "docs.png"
    subprocess.run(browser + ["--window-size=1280,1800", f"--screenshot={shot}", authd.url("/api/docs/")],
                   capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    if HARNESS.get("AUTHD_UPDATE_SCREENSHOT"):  # refreshes the copy kept in docs/
        shutil.copy(shot, ROOT / "docs" / "api-docs.png")


def brotli_decompress(data):
    """Debian's brotli tool (the build compresses with it) decodes for the test."""
    r = subprocess.run(["brotli", "-d", "-c"], input=data, capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def get_raw(server, path, **headers):
    """GET without requests' transparent decoding: (response, undecoded body bytes)."""
    r = requests.get(server.url(path), headers=headers, stream=True, timeout=30)
    return r, r.raw.read(decode_content=False)


def test_the_pages_files_are_compressed_versioned_and_revalidated(authd):
    """Issue 14 item 2: compiled-in files sent compressed as the client accepts (made once, at
    build time), with an ETag per encoding, 304 on If-None-Match, and a year of caching for
    URLs that carry the file's version."""
    import gzip
    import re
    page = authd.get("/api/docs/")
    assert page.status_code == 200 and "ETag" in page.headers
    links = dict(re.findall(r'(?:src|href)="([a-z.-]+)\?v=([0-9a-f]{16})"', page.text))
    assert set(links) == {"swagger-ui-bundle.js", "swagger-ui.css", "init.js"}, page.text

    for name, version in links.items():
        path = f"/api/docs/{name}?v={version}"
        plain, plain_bytes = get_raw(authd, path, **{"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        assert len(plain_bytes) == int(plain.headers["Content-Length"])
        assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert plain.headers["Vary"] == "Accept-Encoding"
        tags = {plain.headers["ETag"]}
        for coding, decode in [("gzip", gzip.decompress), ("br", brotli_decompress)]:
            r, body = get_raw(authd, path, **{"Accept-Encoding": f"{coding}, identity;q=0.5"})
            assert r.headers["Content-Encoding"] == coding, (name, coding)
            assert len(body) == int(r.headers["Content-Length"]) and decode(body) == plain_bytes, (name, coding)
            if name != "init.js":  # a few hundred bytes compress little
                assert len(body) < len(plain_bytes) * 0.5, (name, coding, len(body))
            tags.add(r.headers["ETag"])
            # The client's cached copy is still current: 304, no body.
            again, again_body = get_raw(authd, path, **{"Accept-Encoding": coding, "If-None-Match": r.headers["ETag"]})
            assert (again.status_code, again_body) == (304, b""), (name, coding)
            assert again.headers["ETag"] == r.headers["ETag"]
        assert len(tags) == 3, tags  # one per encoding
        # Without the version (or with another) the answer is cached briefly, then revalidated.
        r = authd.get(f"/api/docs/{name}")
        assert r.headers["Cache-Control"] == "public, max-age=300"
        r = requests.head(authd.url(path), headers={"Accept-Encoding": "br"})
        assert r.status_code == 200 and r.content == b"" and int(r.headers["Content-Length"]) > 0

    schema, body = get_raw(authd, "/api/schema/", **{"Accept-Encoding": "br"})
    assert schema.headers["Content-Encoding"] == "br"
    assert json.loads(brotli_decompress(body))["openapi"].startswith("3.1.")
    assert authd.get("/api/docs/nothing.js").status_code == 404
