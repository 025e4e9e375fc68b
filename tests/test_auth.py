"""Signing in and out, the sign-in wall, and safe redirects."""

import pytest

from .builders import PASSWORD, make_user


def test_login_page_has_labelled_fields(client):
    page = client.get("/login").text
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert ">Sign in</button>" in page


def test_sign_in_and_out(client):
    make_user(email="ann@example.org")
    response = client.post("/login", data={"email": "ANN@example.org ", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "What’s happening" in client.get("/").text
    assert client.post("/logout").status_code == 303
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "email, password",
    [
        ("ann@example.org", "wrong password here"),
        ("nobody@example.org", PASSWORD),
    ],
)
def test_wrong_email_or_password_gets_one_generic_message(client, email, password):
    make_user(email="ann@example.org")
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422
    assert "The email or password is not right" in response.text
    assert 'value="%s"' % email in response.text


def test_inactive_person_cannot_sign_in(client):
    make_user(email="gone@example.org", active=False)
    response = client.post("/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "The email or password is not right" in response.text


def test_signed_in_person_who_is_deactivated_is_signed_out(client):
    person = make_user()
    client.sign_in(person)
    person.active = False
    person.save()
    assert client.get("/").status_code == 302


def test_empty_login_form_shows_errors_by_the_fields(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert 'href="#email"' in response.text


@pytest.mark.parametrize("path", ["/", "/threads", "/threads/new", "/threads/1", "/orgs", "/people", "/account"])
def test_every_page_needs_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_htmx_request_after_session_ends_sends_the_window_to_sign_in(client):
    response = client.get("/threads", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/threads?kind=need", "/threads?kind=need"),
        ("https://evil.example.com/", "/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("javascript:alert(1)", "/"),
        ("/threads\r\nSet-Cookie: planted=1", "/"),
        ("/threads\n", "/"),
        ("/threads\x00", "/"),
    ],
)
def test_next_redirects_only_to_this_site(client, target, expected):
    person = make_user()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_post_without_csrf_token_is_refused(client):
    person = make_user()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "This form had expired" in response.text


def test_session_cookie_is_httponly_and_samesite(client):
    person = make_user()
    response = client.sign_in(person)
    cookies = {cookie.split("=", 1)[0]: cookie for cookie in response.headers.getlist("Set-Cookie")}
    assert "HttpOnly" in cookies["portal_session"] and "SameSite=Lax" in cookies["portal_session"]
    # the known-device cookie is only ever read by the sign-in form, on this site
    assert "HttpOnly" in cookies["portal_device"] and "SameSite=Strict" in cookies["portal_device"]
