"""Nothing secret reaches the log: after a full run at the most verbose level (registration,
good and bad logins, refresh, rotation with reuse detection, verify, password change, logout,
admin changes, malformed input), no password, token, token signature or signing key appears."""
import requests

from conftest import SHARED_KEY, STRONG_PASSWORD


def test_the_log_of_a_full_run_holds_no_secret(start_authd):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_LOG_LEVEL": "trace",
                          "AUTHD_ROTATE_REFRESH_TOKENS": "true",
                          "AUTHD_ROTATION_GRACE_SECONDS": "0"})
    secrets = [SHARED_KEY, STRONG_PASSWORD]

    server.register("alice")
    wrong = "wrong-password-that-is-also-secret"
    secrets.append(wrong)
    assert server.post("/api/token/", data={"username": "alice", "password": wrong}).status_code == 401
    assert server.post("/api/token/", data={"username": "nobody", "password": wrong}).status_code == 401

    pair = server.login("alice")
    rotated = server.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).json()
    # Reuse: the retired token again, which logs a warning about the family it revokes.
    assert server.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).status_code == 401
    assert server.post("/api/token/verify/", data={"token": pair["access"]}).status_code == 200
    assert server.get("/user_detail/", token=rotated["access"]).status_code == 200

    second = server.login("alice")
    new_password = "another-correct-horse-battery"
    secrets.append(new_password)
    r = server.post("/api/password/change/", headers={"Authorization": f"Bearer {second['access']}"},
                    data={"old_password": STRONG_PASSWORD, "new_password": new_password})
    assert r.status_code in (200, 204), r.text
    third = server.post("/api/token/", data={"username": "alice", "password": new_password}).json()
    assert server.post("/api/token/blacklist/", data={"refresh": third["refresh"]}).status_code == 200

    # Malformed input, which is where a careless error message would echo what it was given.
    tampered = third["access"][:-4] + "AAAA"
    assert server.get("/user_detail/", token=tampered).status_code == 401
    assert server.post("/api/token/verify/", data={"token": tampered}).status_code == 401
    requests.post(server.url("/api/token/"), data=b'{"username": "alice", "password": "' + wrong.encode() + b'"',
                  headers={"Content-Type": "application/json"})
    server.stop()

    for pair_ in (pair, rotated, second, third):
        for token in pair_.values():
            secrets.append(token)
            secrets.append(token.rsplit(".", 1)[1])  # the signature alone
    secrets.append(tampered)
    log = server.log()
    assert "listening on" in log and len(log.splitlines()) > 3, "the log was not written at trace level"
    leaked = [s[:12] + "..." for s in secrets if s in log]
    assert not leaked, f"secrets in the log: {leaked}\n{log[:3000]}"
