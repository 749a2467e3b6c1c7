"""authd import-django against databases the original system made (../shared/peers/django_seed):
users registered there log in here with the same passwords and ids, tokens Django issued keep
working here, blacklisted ones stay dead, and running the import again changes nothing."""
import hashlib
import os
import subprocess
import sys
import urllib.parse
from datetime import datetime

import pytest
import requests

from conftest import (AUTHD_BIN, BACKEND, DATABASES, FAST_HASHING, PEER_DIR, SHARED_KEY,
                      STRONG_PASSWORD, claims_of)

pytestmark = pytest.mark.skipif(not (PEER_DIR / "run.sh").exists(),
                                reason=f"the original system is not at {PEER_DIR}")

# Every format Django writes, each through Django's own make_password (Debian's python3-argon2
# and python3-bcrypt give it argon2 and bcrypt).
HASHERS = ["pbkdf2_sha256", "pbkdf2_sha1", "argon2", "bcrypt_sha256"]


def django_shell(code, env):
    """Runs `code` in the original project's own `manage.py shell`."""
    r = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=PEER_DIR, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def make_django_database(start_peer, peer_env):
    """Fills a Django database through the original system; what the test needs to know of it."""
    base = start_peer(db=peer_env["PEER_DB"], env=peer_env)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **peer_env)
    # Registered over HTTP, as its users did: Django's default hasher, pbkdf2_sha256.
    for name in ["ann", "gone", "bob"]:
        r = requests.post(base + "/register/", data={"username": name, "password": STRONG_PASSWORD,
                                                    "is_active": "true"})
        assert r.status_code == 201, r.text
    # One user in each other format, and one who cannot log in with a password at all.
    django_shell(
        "from django.contrib.auth.models import User\n"
        "from django.contrib.auth.hashers import make_password\n"
        f"for h in {HASHERS!r}:\n"
        f"    User.objects.create(username='u_' + h, password=make_password({STRONG_PASSWORD!r}, hasher=h),"
        " email=h + '@example.com', first_name='F', last_name=h)\n"
        "u = User(username='unusable'); u.set_unusable_password(); u.save()\n"
        "User.objects.filter(username='gone').delete()\n", env)  # a gap in the ids
    r = subprocess.run([sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "root",
                        "--email", "root@example.com"], cwd=PEER_DIR, capture_output=True, text=True,
                       env=dict(env, DJANGO_SUPERUSER_PASSWORD=STRONG_PASSWORD), timeout=120)
    assert r.returncode == 0, r.stderr

    def login(name):
        r = requests.post(base + "/api/token/", data={"username": name, "password": STRONG_PASSWORD})
        assert r.status_code == 200, r.text
        return r.json()

    live, dead, later = login("ann"), login("bob"), login("bob")
    assert requests.post(base + "/api/token/blacklist/", data={"refresh": dead["refresh"]}).status_code == 200
    details = {name: requests.get(base + "/user_detail/",
                                  headers={"Authorization": f"Bearer {login(name)['access']}"}).json()
               for name in ["ann", "bob", "root"] + [f"u_{h}" for h in HASHERS]}
    return base, details, live, dead, later


def import_django(tmp_path, source, db):
    env = dict(os.environ, **FAST_HASHING, AUTHD_SIGNING_KEY=SHARED_KEY,
               AUTHD_DATABASE_URL=DATABASES.url(db))
    # As the README says: the database is made by `authd migrate` (commands never make one).
    migrated = subprocess.run([AUTHD_BIN, "migrate"], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=60)
    assert migrated.returncode == 0, migrated.stderr
    return subprocess.run([AUTHD_BIN, "import-django", "--from", source], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def check_the_move(tmp_path, start_authd, start_peer, peer_env, source):
    base, details, live, dead, later = make_django_database(start_peer, peer_env)
    db = tmp_path / "authd.db"
    r = import_django(tmp_path, source, db)
    assert r.returncode == 0, r.stdout + r.stderr
    users = len(details) + 1  # and "unusable"
    assert f"Users: {users} imported, 0 already here, 0 in conflict." in r.stdout, r.stdout
    # ann's, bob's two (one blacklisted), and one per user_detail login above.
    assert "Refresh tokens: 10 imported (1 of them blacklisted)" in r.stdout, r.stdout

    server = start_authd(env={"AUTHD_SIGNING_KEY": SHARED_KEY}, db=db)
    for name, theirs in details.items():
        # The same password logs in, and the token names the same id.
        pair = server.login(name)
        assert claims_of(pair["access"])["user_id"] == theirs["id"]
        ours = server.get("/user_detail/", token=pair["access"]).json()
        # id, username, is_active and the instant joined (Django renders it in its TIME_ZONE,
        # America/Chicago here). last_login differs: authd records logins, simplejwt does not.
        assert [ours[k] for k in ("id", "username", "is_active")] == \
            [theirs[k] for k in ("id", "username", "is_active")], name
        assert datetime.fromisoformat(ours["date_joined"]) == datetime.fromisoformat(theirs["date_joined"])
        # The Django hash is replaced by Argon2id at that first login.
        (stored,), = server.sql("SELECT password FROM users WHERE username = ?", (name,))
        assert stored.startswith("$argon2id$"), (name, stored)
        assert server.post("/api/token/", data={"username": name, "password": "not-" + STRONG_PASSWORD}
                           ).status_code == 401
    assert server.login("ann")  # and again, on the new hash
    assert server.post("/api/token/", data={"username": "unusable", "password": ""}).status_code == 400
    assert server.post("/api/token/", data={"username": "unusable", "password": "!"}).status_code == 401

    # Tokens Django issued before the move: the access token resolves to the same user, the live
    # refresh token refreshes, the blacklisted one stays dead.
    assert server.get("/user_detail/", token=live["access"]).json()["username"] == "ann"
    assert server.post("/api/token/refresh/", data={"refresh": live["refresh"]}).status_code == 200
    r = server.post("/api/token/refresh/", data={"refresh": dead["refresh"]})
    assert r.status_code == 401 and r.json()["detail"] == "Token is blacklisted", r.text
    # Django's superuser is one here: the admin API answers it.
    root = server.login("root")
    assert server.get("/api/admin/users/", token=root["access"]).status_code == 200
    # An imported address counts as verified (Django never verified one, but its users use it).
    me = server.get("/api/me/", token=root["access"]).json()
    assert (me["email"], me["email_verified"]) == ("root@example.com", True)
    # New accounts get ids above every imported one.
    assert server.register("newcomer")["id"] == max(d["id"] for d in details.values()) + 1

    # A token blacklisted in Django after the import is revoked by running it again; nothing
    # else changes, and no user is doubled.
    assert requests.post(base + "/api/token/blacklist/", data={"refresh": later["refresh"]}).status_code == 200
    again = import_django(tmp_path, source, db)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Users: 0 imported, {users} already here, 0 in conflict." in again.stdout, again.stdout
    assert "1 newly revoked" in again.stdout, again.stdout
    assert server.sql("SELECT COUNT(*) FROM users")[0][0] == users + 1
    assert server.post("/api/token/refresh/", data={"refresh": later["refresh"]}).status_code == 401
    assert server.login("ann")  # the rehashed password was not overwritten by Django's
    return server


def test_import_from_the_originals_sqlite_database(tmp_path, start_authd, start_peer):
    source = tmp_path / "django.sqlite3"
    check_the_move(tmp_path, start_authd, start_peer, {"PEER_DB": str(source)}, str(source))
    # The import only reads: a third run leaves the Django file byte for byte as it was.
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    assert import_django(tmp_path, str(source), tmp_path / "authd.db").returncode == 0
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_import_from_the_originals_postgresql_database(tmp_path, start_authd, start_peer):
    if BACKEND != "postgresql":
        pytest.skip("the PostgreSQL run of this suite has the server (blackbox-postgresql)")
    url = DATABASES.url(tmp_path / "django")  # a fresh database on the test server
    parts = urllib.parse.urlsplit(url)
    (tmp_path / "peer_on_postgresql.py").write_text(
        "from seedproj.settings import *\n"
        f"DATABASES = {{'default': {{'ENGINE': 'django.db.backends.postgresql', "
        f"'NAME': {parts.path.lstrip('/')!r}, 'USER': {parts.username!r}, "
        f"'HOST': {parts.hostname!r}, 'PORT': {parts.port}}}}}\n")
    peer_env = {"PEER_DB": str(tmp_path / "unused.sqlite3"),
                "DJANGO_SETTINGS_MODULE": "peer_on_postgresql", "PYTHONPATH": str(tmp_path)}
    check_the_move(tmp_path, start_authd, start_peer, peer_env, url)


def test_import_refuses_what_is_not_django_and_reports_conflicts(tmp_path, start_authd, start_peer):
    r = import_django(tmp_path, str(tmp_path / "missing.sqlite3"), tmp_path / "authd.db")
    assert r.returncode == 1 and "no such database file" in r.stderr
    empty = tmp_path / "empty.sqlite3"
    import sqlite3
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.commit()
    r = import_django(tmp_path, str(empty), tmp_path / "authd.db")
    assert r.returncode == 1 and "not a Django database" in r.stderr

    # authd already has a user 1 of another name: that Django user is reported, the rest come.
    source = tmp_path / "django.sqlite3"
    base = start_peer(db=source)
    for name in ["ann", "bob"]:
        assert requests.post(base + "/register/", data={"username": name, "password": STRONG_PASSWORD,
                                                       "is_active": "true"}).status_code == 201
    server = start_authd(env={"AUTHD_SIGNING_KEY": SHARED_KEY})
    server.register("someone")  # id 1
    server.stop()
    r = import_django(tmp_path, str(source), server.db)
    assert r.returncode == 1
    assert "Users: 1 imported, 0 already here, 1 in conflict." in r.stdout, r.stdout
    assert "Conflict: user 1 'ann': id 1 belongs to 'someone' here" in r.stderr, r.stderr
