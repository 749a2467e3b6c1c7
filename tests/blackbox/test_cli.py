"""The command line: createsuperuser, changepassword, migrate, and bad settings."""
import os
import pathlib
import re
import shutil
import subprocess

from conftest import AUTHD_BIN, BACKEND, DATABASES, FAST_HASHING, STRONG_PASSWORD, claims_of


def run(tmp_path, *args, env=None, stdin=""):
    full_env = dict(os.environ, **FAST_HASHING, AUTHD_DATABASE_URL=DATABASES.url(tmp_path / "authd.db"))
    full_env.update(env or {})
    return subprocess.run([AUTHD_BIN, *args], input=stdin, capture_output=True, text=True,
                          env=full_env, cwd=tmp_path, timeout=60)


def migrated(tmp_path):
    r = run(tmp_path, "migrate")
    assert r.returncode == 0, r.stderr
    return tmp_path


def test_createsuperuser_noinput_makes_a_staff_superuser(tmp_path, start_authd):
    migrated(tmp_path)
    r = run(tmp_path, "createsuperuser", "--username", "admin", "--email", "admin@example.com",
            "--noinput", env={"AUTHD_SUPERUSER_PASSWORD": STRONG_PASSWORD})
    assert r.returncode == 0, r.stderr
    assert "Superuser created successfully." in r.stdout
    server = start_authd(db=tmp_path / "authd.db")
    detail = server.get("/user_detail/", token=server.login("admin")["access"]).json()
    assert detail["is_staff"] is True and detail["is_superuser"] is True
    assert detail["email"] == "admin@example.com"
    assert STRONG_PASSWORD not in server.log()


def test_createsuperuser_refusals(tmp_path):
    migrated(tmp_path)
    env = {"AUTHD_SUPERUSER_PASSWORD": STRONG_PASSWORD}
    assert run(tmp_path, "createsuperuser", "--username", "root", "--noinput", env=env).returncode == 0
    r = run(tmp_path, "createsuperuser", "--username", "root", "--noinput", env=env)
    assert r.returncode == 1 and "That username is already taken." in r.stderr
    r = run(tmp_path, "createsuperuser", "--username", "other", "--noinput")
    assert r.returncode == 1 and "AUTHD_SUPERUSER_PASSWORD" in r.stderr
    r = run(tmp_path, "createsuperuser", "--username", "weak", "--noinput",
            env={"AUTHD_SUPERUSER_PASSWORD": "12345678"})
    assert r.returncode == 1 and "This password is too common." in r.stderr
    r = run(tmp_path, "createsuperuser", "--username", "bad name", "--noinput", env=env)
    assert r.returncode == 1 and "Enter a valid username" in r.stderr


def test_createsuperuser_prompts_twice(tmp_path, start_authd):
    # A mismatch first, then a match: Django's loop.
    migrated(tmp_path)
    stdin = f"one-password-here\nanother-password\n{STRONG_PASSWORD}\n{STRONG_PASSWORD}\n"
    r = run(tmp_path, "createsuperuser", "--username", "boss", stdin=stdin)
    assert r.returncode == 0, r.stderr
    assert "Your passwords didn't match." in r.stderr
    server = start_authd(db=tmp_path / "authd.db")
    assert server.login("boss")["access"]


def test_changepassword(tmp_path, start_authd):
    migrated(tmp_path)
    assert run(tmp_path, "createsuperuser", "--username", "carol", "--noinput",
               env={"AUTHD_SUPERUSER_PASSWORD": STRONG_PASSWORD}).returncode == 0
    server = start_authd(db=tmp_path / "authd.db")
    refresh = server.login("carol")["refresh"]
    new = "a-completely-new-passphrase"
    r = run(tmp_path, "changepassword", "carol", stdin=f"{new}\n{new}\n")
    assert r.returncode == 0, r.stderr
    assert "Password changed successfully for user 'carol'; 1 session(s) ended." in r.stdout
    assert server.post("/api/token/", data={"username": "carol", "password": STRONG_PASSWORD}).status_code == 401
    # An operator resetting a compromised account logs out whoever holds its tokens.
    r = server.post("/api/token/refresh/", data={"refresh": refresh})
    assert r.status_code == 401 and r.json()["detail"] == "Token is blacklisted", r.text
    assert server.login("carol", new)["access"]
    r = run(tmp_path, "changepassword", "nobody", stdin="")
    assert r.returncode == 1 and "does not exist" in r.stderr


def test_migrate_and_settings_errors(tmp_path):
    r = run(tmp_path, "migrate")
    assert r.returncode == 0 and "schema version 14" in r.stdout
    r = run(tmp_path, "migrate")
    assert r.returncode == 0
    r = run(tmp_path, "serve", env={"AUTHD_THREADS": "lots"})
    assert r.returncode == 2 and "AUTHD_THREADS" in r.stderr
    r = run(tmp_path, "serve", env={"AUTHD_DATABASE_URL": "sqlite:///no/such/dir/x.db"})
    assert r.returncode == 1 and "cannot open SQLite database" in r.stderr
    if BACKEND == "postgresql":
        r = run(tmp_path, "serve", env={"AUTHD_DATABASE_URL": "postgresql://authd@127.0.0.1:1/none"})
        assert r.returncode == 1 and "cannot connect" in r.stderr
    r = run(tmp_path, "serve", "--listen", "not-an-address")
    assert r.returncode == 2 and "AUTHD_LISTEN" in r.stderr
    r = run(tmp_path, "--help")
    assert r.returncode == 0 and "createsuperuser" in r.stdout


def test_version_and_install(tmp_path):
    r = subprocess.run([AUTHD_BIN, "--version"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and re.fullmatch(r"authd \d+\.\d+\.\d+\n", r.stdout), r.stdout
    # make install is `cmake --install` of the build: the binary, the unit, the documentation.
    prefix = tmp_path / "prefix"
    build_dir = pathlib.Path(AUTHD_BIN).parent
    r = subprocess.run(["cmake", "--install", str(build_dir), "--prefix", str(prefix)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    installed = subprocess.run([prefix / "bin" / "authd", "--version"], capture_output=True, text=True)
    assert installed.stdout == subprocess.run([AUTHD_BIN, "--version"], capture_output=True, text=True).stdout
    for doc in ("README.md", "security.md", "deploying.md", "nginx-authd.conf", "authd.example.toml"):
        assert (prefix / "share" / "doc" / "authd" / doc).is_file(), doc
    unit = prefix / "lib" / "systemd" / "system" / "authd.service"
    text = unit.read_text()
    assert f"ExecStart={prefix}/bin/authd serve" in text
    for option in ("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
                   "MemoryDenyWriteExecute=yes", "SystemCallFilter=@system-service"):
        assert option in text, option
    # systemd's own checker: every directive known, the binary there and executable.
    if shutil.which("systemd-analyze"):
        r = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr


def test_config_prints_effective_settings_with_secrets_masked(tmp_path):
    r = run(tmp_path, "config", env={"AUTHD_SIGNING_KEY": "k" * 40, "AUTHD_ACCESS_TOKEN_LIFETIME": "120",
                                     "AUTHD_DATABASE_URL": "postgresql://authd:hunter2@db.example/authd"})
    assert r.returncode == 0, r.stderr
    lines = dict(line.split("=", 1) for line in r.stdout.splitlines())
    assert lines["AUTHD_ACCESS_TOKEN_LIFETIME"] == "120"  # the environment's value
    assert lines["AUTHD_REFRESH_TOKEN_LIFETIME"] == "86400"  # a default
    assert lines["AUTHD_SIGNING_KEY"] == "(set, hidden)"
    assert lines["AUTHD_DATABASE_URL"] == "postgresql://authd:***@db.example/authd"
    assert "k" * 40 not in r.stdout and "hunter2" not in r.stdout
    assert len(lines) >= 40 and all(k.startswith("AUTHD_") for k in lines)
    bad = run(tmp_path, "config", env={"AUTHD_LEEWAY": "forever"})
    assert bad.returncode == 2 and "AUTHD_LEEWAY" in bad.stderr


def test_serve_reads_a_config_file_that_the_environment_overrides(tmp_path, start_authd):
    config = tmp_path / "authd.toml"
    config.write_text('access_token_lifetime = 77\nrefresh_token_lifetime = 5000\n'
                      'trusted_proxies = ["10.0.0.0/8"]\n')
    server = start_authd(env={"AUTHD_REFRESH_TOKEN_LIFETIME": "6000"}, args=["--config", str(config)])
    server.register("filed")
    pair = server.login("filed")
    access, refresh = claims_of(pair["access"]), claims_of(pair["refresh"])
    assert access["exp"] - access["iat"] == 77  # from the file
    assert refresh["exp"] - refresh["iat"] == 6000  # the environment wins over the file

    shown = run(tmp_path, "config", "--config", str(config), env={"AUTHD_REFRESH_TOKEN_LIFETIME": "6000"})
    assert shown.returncode == 0, shown.stderr
    lines = dict(line.split("=", 1) for line in shown.stdout.splitlines())
    assert lines["AUTHD_ACCESS_TOKEN_LIFETIME"] == "77"
    assert lines["AUTHD_REFRESH_TOKEN_LIFETIME"] == "6000"
    assert lines["AUTHD_TRUSTED_PROXIES"] == "10.0.0.0/8"
    # AUTHD_CONFIG names the file too (for units and containers).
    via_env = run(tmp_path, "config", env={"AUTHD_CONFIG": str(config)})
    assert "AUTHD_ACCESS_TOKEN_LIFETIME=77" in via_env.stdout.splitlines()


def test_config_file_errors_stop_start_up_and_name_the_keys(tmp_path):
    config = tmp_path / "authd.toml"
    config.write_text('acces_token_lifetime = 77\nlisten = "127.0.0.1:0"\nsigning_kee = "x"\n')
    r = run(tmp_path, "serve", "--config", str(config))
    assert r.returncode == 2
    assert "acces_token_lifetime" in r.stderr and "signing_kee" in r.stderr and str(config) in r.stderr
    assert "listen" not in r.stderr.replace(str(config), "")

    config.write_text('leeway = "forever"\n')
    r = run(tmp_path, "serve", "--config", str(config))
    assert r.returncode == 2 and f"{config}: leeway: expected" in r.stderr, r.stderr

    config.write_text('leeway = [\n')
    r = run(tmp_path, "serve", "--config", str(config))
    assert r.returncode == 2 and f"{config}:1:" in r.stderr, r.stderr


def test_commands_refuse_a_database_that_does_not_exist(tmp_path):
    # Run from the wrong directory, a command used to create a fresh authd.db and report
    # success on it ("Deleted 0").
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"AUTHD_DATABASE_URL": "sqlite://authd.db"}
    for args in (["flushexpiredtokens"], ["changepassword", "alice"],
                 ["createsuperuser", "--username", "root", "--noinput"]):
        r = subprocess.run([AUTHD_BIN, *args], capture_output=True, text=True, cwd=elsewhere,
                           env=dict(os.environ, **env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD),
                           timeout=60)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert "'authd.db' does not exist" in r.stderr and "authd migrate" in r.stderr, r.stderr
        assert list(elsewhere.iterdir()) == [], args
    # routes needs no database and leaves none.
    r = subprocess.run([AUTHD_BIN, "routes"], capture_output=True, text=True, cwd=elsewhere,
                       env=dict(os.environ, **env), timeout=60)
    assert r.returncode == 0 and "/api/token/" in r.stdout
    assert list(elsewhere.iterdir()) == []
    # migrate makes it, owner-only.
    r = subprocess.run([AUTHD_BIN, "migrate"], capture_output=True, text=True, cwd=elsewhere,
                       env=dict(os.environ, **env), timeout=60)
    assert r.returncode == 0, r.stderr
    assert run(elsewhere, "flushexpiredtokens", env=env).returncode == 0


def test_the_database_file_is_readable_by_its_owner_only(tmp_path, start_authd):
    # It holds the HS256 signing key: a 0644 file let any local user mint a superuser's token.
    if BACKEND == "postgresql":
        return
    old = os.umask(0o022)
    try:
        server = start_authd(db=tmp_path / "private.db")
        server.register("alice")
    finally:
        os.umask(old)
    for name in ("private.db", "private.db-wal", "private.db-shm"):
        mode = (tmp_path / name).stat().st_mode & 0o777
        assert mode == 0o600, (name, oct(mode))
    server.stop()
    # A file someone made readable is named at start-up.
    (tmp_path / "private.db").chmod(0o644)
    server = start_authd(db=tmp_path / "private.db")
    assert "readable by other users (mode 0644)" in server.log()


def test_settings_refusals_name_their_cause(tmp_path):
    # A misspelled variable stops start-up, as a misspelled key in the file does.
    r = run(tmp_path, "serve", env={"AUTHD_ACESS_TOKEN_LIFETIME": "60"})
    assert r.returncode == 2, r.stderr
    assert "AUTHD_ACESS_TOKEN_LIFETIME (did you mean AUTHD_ACCESS_TOKEN_LIFETIME?)" in r.stderr
    r = run(tmp_path, "config", env={"AUTHD_ACESS_TOKEN_LIFETIME": "60"})
    assert r.returncode == 2
    # config refuses what serve refuses.
    for command in ("serve", "config"):
        r = run(tmp_path, command, env={"AUTHD_DATABASE_URL": "authd.db"})
        assert r.returncode == 2 and "unsupported database URL" in r.stderr, (command, r.stderr)
    # Usage errors exit 2 (not CLI11's 105, 106, 109).
    for args in (["no-such-command"], ["serve", "--no-such-flag"], ["changepassword"],
                 ["keys", "generate", "--alg", "HS999", "--out", "x"], []):
        r = run(tmp_path, *args)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert run(tmp_path, "--help").returncode == 0
    # A key file that cannot be read says why.
    key = tmp_path / "key.pem"
    r = run(tmp_path, "serve", env={"AUTHD_ALGORITHM": "EdDSA", "AUTHD_SIGNING_KEY_FILE": str(key)})
    assert r.returncode == 2 and "No such file or directory" in r.stderr, r.stderr
    if os.geteuid() != 0:  # root reads any file
        key.write_text("x")
        key.chmod(0)
        r = run(tmp_path, "serve", env={"AUTHD_ALGORITHM": "EdDSA", "AUTHD_SIGNING_KEY_FILE": str(key)})
        assert "Permission denied" in r.stderr
    # A database directory that is missing says so.
    r = run(tmp_path, "serve", env={"AUTHD_DATABASE_URL": "sqlite:///no/such/dir/x.db"})
    assert r.returncode == 1 and "its directory does not exist" in r.stderr, r.stderr
