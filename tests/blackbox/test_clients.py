"""The applications that sign users in through authd (issue 22's clients): registered with
`authd clients add` or POST /api/admin/clients/, listed and removed; their secrets shown once
and kept only as hashes; redirect URIs checked when registered."""
import hashlib
import json

import requests

from conftest import STRONG_PASSWORD
from test_cli import migrated, run


def test_the_command_line_adds_lists_and_removes_clients(tmp_path):
    migrated(tmp_path)
    r = run(tmp_path, "clients", "add", "--name", "Wiki", "--redirect-uri", "https://wiki.example/cb",
            "--redirect-uri", "http://127.0.0.1/cb", "--first-party")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [l.split(": ")[0] for l in lines] == ["client_id", "client_secret"]
    client_id, secret = (l.split(": ", 1)[1] for l in lines)
    assert len(client_id) >= 22 and len(secret) >= 43
    # Kept only as its hash, and never printed again.
    rows = run(tmp_path, "clients", "list", "--json")
    assert rows.returncode == 0, rows.stderr
    listed = json.loads(rows.stdout)
    assert [(c["client_id"], c["name"], c["public"], c["first_party"], c["redirect_uris"]) for c in listed] == [
        (client_id, "Wiki", False, True, ["https://wiki.example/cb", "http://127.0.0.1/cb"])]
    assert secret not in rows.stdout and hashlib.sha256(secret.encode()).hexdigest() not in rows.stdout

    r = run(tmp_path, "clients", "add", "--name", "App", "--redirect-uri", "com.example.app:/oauth", "--public", "--json")
    assert r.returncode == 0, r.stderr
    app = json.loads(r.stdout)
    assert set(app) == {"client_id"}  # a public client has no secret
    table = run(tmp_path, "clients", "list").stdout.splitlines()
    assert table[1].split("\t") == [app["client_id"], "public", "third-party", "App", "com.example.app:/oauth"]

    for bad in ("http://wiki.example/cb", "https://wiki.example/cb#frag", "javascript:alert(1)", "myapp:/cb",
                "/relative", "https://user:pw@wiki.example/cb", "data:text/html,x"):
        r = run(tmp_path, "clients", "add", "--name", "Bad", "--redirect-uri", bad)
        assert r.returncode == 2 and "redirect_uris" in r.stderr, (bad, r.stderr)
    assert run(tmp_path, "clients", "add", "--redirect-uri", "https://x.example/").returncode != 0  # --name

    assert run(tmp_path, "clients", "remove", client_id).returncode == 0
    gone = run(tmp_path, "clients", "remove", client_id)
    assert gone.returncode == 1 and "no client" in gone.stderr
    assert [c["client_id"] for c in json.loads(run(tmp_path, "clients", "list", "--json").stdout)] == [app["client_id"]]
    events = [json.loads(l) for l in run(tmp_path, "events", "--type", "client.added").stdout.splitlines()]
    assert len(events) == 2 and all(e["actor"] == "cli" for e in events)
    assert secret not in run(tmp_path, "events").stdout


def test_staff_manage_clients_through_the_admin_api(start_authd):
    server = start_authd()
    server.register("boss")
    server.register("pat")
    server.sql("UPDATE users SET is_staff = ? WHERE username = 'boss'", (True,))
    staff = {"Authorization": f"Bearer {server.login('boss')['access']}"}
    user = {"Authorization": f"Bearer {server.login('pat')['access']}"}
    url = server.url("/api/admin/clients/")

    assert requests.get(url, headers=user, timeout=30).status_code == 403
    assert requests.post(url, headers=user, json={"name": "X", "redirect_uris": ["https://x.example/"]},
                         timeout=30).status_code == 403
    assert requests.get(url, timeout=30).status_code == 401

    r = requests.post(url, headers=staff, timeout=30,
                      json={"name": "Grafana", "redirect_uris": ["https://grafana.example/login/generic_oauth"]})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["public"] is False and made["first_party"] is False and len(made["client_secret"]) >= 43
    assert r.headers["Cache-Control"] == "no-store"
    r = requests.post(url, headers=staff, timeout=30,
                      data={"name": "SPA", "redirect_uris": "https://spa.example/cb", "public": "true"})
    assert r.status_code == 201 and "client_secret" not in r.json(), r.text

    listed = requests.get(url, headers=staff, timeout=30).json()
    assert [c["name"] for c in listed] == ["Grafana", "SPA"]
    assert all("client_secret" not in c and "secret_hash" not in c for c in listed)

    for body, field in (({"redirect_uris": ["https://x.example/"]}, "name"),
                        ({"name": "X"}, "redirect_uris"),
                        ({"name": "X", "redirect_uris": ["http://x.example/"]}, "redirect_uris"),
                        ({"name": "X", "redirect_uris": [1]}, "redirect_uris"),
                        ({"name": "X", "redirect_uris": [f"https://x.example/{i}" for i in range(11)]}, "redirect_uris"),
                        ({"name": "X" * 101, "redirect_uris": ["https://x.example/"]}, "name")):
        r = requests.post(url, headers=staff, json=body, timeout=30)
        assert r.status_code == 400 and field in r.json(), (body, r.text)

    r = requests.delete(url + made["client_id"] + "/", headers=staff, timeout=30)
    assert r.status_code == 204
    assert requests.delete(url + made["client_id"] + "/", headers=staff, timeout=30).status_code == 404
    assert [c["name"] for c in requests.get(url, headers=staff, timeout=30).json()] == ["SPA"]
    assert made["client_secret"] not in server.log()
