"""POST /register/: DRF's shapes and messages, Django's field rules, and the policy."""
import threading

import requests

from conftest import STRONG_PASSWORD


def test_form_registration_creates_an_active_user(authd):
    r = authd.post("/register/", data={"username": "alice", "password": STRONG_PASSWORD})
    assert r.status_code == 201
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert body == {"id": 1, "username": "alice", "email": "", "first_name": "",
                    "last_name": "", "is_active": True}
    assert "password" not in r.text and STRONG_PASSWORD not in r.text


def test_is_active_is_read_as_a_drf_boolean(authd):
    assert authd.register("a1", is_active="true")["is_active"] is True
    assert authd.register("a2", is_active="false")["is_active"] is False
    assert authd.register("a3", is_active="on")["is_active"] is True
    assert authd.register("a4", is_active="0")["is_active"] is False


def test_json_registration_with_optional_fields(authd):
    r = authd.post("/register/", json_body={"username": "bob", "password": STRONG_PASSWORD,
                                           "email": "bob@example.com", "first_name": "Bob",
                                           "last_name": "Jones", "is_active": True})
    assert r.status_code == 201, r.text
    assert r.json()["email"] == "bob@example.com"
    assert r.json()["first_name"] == "Bob"


def test_missing_and_blank_fields(authd):
    r = authd.post("/register/", data={})
    assert r.status_code == 400
    assert r.json() == {"username": ["This field is required."], "password": ["This field is required."]}
    r = authd.post("/register/", data={"username": "", "password": ""})
    assert r.json() == {"username": ["This field may not be blank."],
                        "password": ["This field may not be blank."]}


def test_duplicate_username(authd):
    authd.register("carol")
    r = authd.post("/register/", data={"username": "carol", "password": STRONG_PASSWORD})
    assert r.status_code == 400
    assert r.json() == {"username": ["A user with that username already exists."]}


def test_username_rules(authd):
    r = authd.post("/register/", data={"username": "a b!", "password": STRONG_PASSWORD})
    assert r.status_code == 400
    assert r.json() == {"username": ["Enter a valid username. This value may contain only letters, "
                                     "numbers, and @/./+/-/_ characters."]}
    r = authd.post("/register/", data={"username": "x" * 151, "password": STRONG_PASSWORD})
    assert r.json() == {"username": ["Ensure this field has no more than 150 characters."]}
    assert authd.register("Jos\u00e9.\u0416+1@x")["username"] == "Jos\u00e9.\u0416+1@x"
    # SQL-shaped names are just invalid usernames, and the table is untouched.
    r = authd.post("/register/", data={"username": "x'; DROP TABLE users;--", "password": STRONG_PASSWORD})
    assert r.status_code == 400
    assert authd.login("Jos\u00e9.\u0416+1@x")["access"]


def test_json_types_follow_drf(authd):
    r = authd.post("/register/", json_body={"username": 5, "password": True, "is_active": "maybe"})
    assert r.status_code == 400
    assert r.json() == {"password": ["Not a valid string."], "is_active": ["Must be a valid boolean."]}
    r = authd.post("/register/", json_body={"username": 5, "password": STRONG_PASSWORD})
    assert r.status_code == 201 and r.json()["username"] == "5"


def test_password_policy_messages(authd):
    def errors(password, username="zed"):
        r = authd.post("/register/", data={"username": username, "password": password})
        assert r.status_code == 400, r.text
        return r.json()["password"]

    assert errors("1234567") == ["This password is too short. It must contain at least 8 characters.",
                                 "This password is too common.", "This password is entirely numeric."]
    assert errors("password") == ["This password is too common."]
    assert errors("zebediah-x", username="zebediah") == ["The password is too similar to the username."]


def test_password_policy_can_be_switched_off(start_authd):
    server = start_authd({"AUTHD_PASSWORD_VALIDATION": "false"})
    assert server.register("weak", password="1")["username"] == "weak"


def test_huge_passwords_are_refused_before_hashing(authd):
    r = authd.post("/register/", data={"username": "big", "password": "x" * 5000})
    assert r.status_code == 400
    assert r.json() == {"password": ["Ensure this field has no more than 4096 characters."]}


def test_bodies_are_decoded_strictly(authd):
    r = authd.post("/register/", data='{"username": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["detail"].startswith("JSON parse error - ")
    r = authd.post("/register/", data="x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert r.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    r = authd.post("/register/", data="[1]", headers={"Content-Type": "application/json"})
    assert r.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    r = authd.post("/register/", data="username=a&password=%zz", headers=form)
    assert r.status_code == 400 and r.json() == {"password": ["Invalid percent-encoding."]}
    r = authd.post("/register/", data="username=%ff&password=x", headers=form)
    assert r.status_code == 400 and r.json() == {"username": ["Invalid UTF-8."]}
    r = authd.post("/register/", data="username=a%00b&password=" + STRONG_PASSWORD, headers=form)
    assert r.json() == {"username": ["Null characters are not allowed."]}


def test_email_is_validated(authd):
    r = authd.post("/register/", data={"username": "e", "password": STRONG_PASSWORD, "email": "nope"})
    assert r.status_code == 400 and r.json() == {"email": ["Enter a valid email address."]}


def test_concurrent_registrations_of_one_name_have_one_winner(authd):
    results = []

    def register():
        r = requests.post(authd.url("/register/"), data={"username": "race", "password": STRONG_PASSWORD})
        results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=register) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in results) == [201] + [400] * 7
    for code, body in results:
        if code == 400:
            assert body == {"username": ["A user with that username already exists."]}
