"""Hardening: the sign-in throttle, sessions that end, password hashes, headers, and a sweep of every route."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from portal import clock, config, inbound, mail
from portal.models import Organisation, SignInThrottle, User

from .builders import PASSWORD, make_org, make_request, make_steward, make_user


def sign_in(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_five_failures_then_growing_waits_for_known_and_unknown_addresses_alike(client):
    person = make_user(email="ann@example.org")
    for email in ("ann@example.org", "nobody@example.org"):
        for _ in range(5):
            assert sign_in(client, email, "wrong password!").status_code == 422  # the fifth starts the wait
        blocked = sign_in(client, email, PASSWORD)
        assert blocked.status_code == 429 and "Too many failed tries for this account. Wait 1 minute" in blocked.text
        assert SignInThrottle.select().count() == 2  # the state is in the database, shared by every worker
        assert all(len(row.key) == 64 for row in SignInThrottle.select())  # hashed, not the address itself
        if email == person.email:
            with clock.fixed_at(clock.now() + timedelta(minutes=2)):
                assert sign_in(client, person.email, PASSWORD).status_code == 303
            client.post("/logout")
        SignInThrottle.delete().execute()


def test_signing_out_ends_the_session_on_the_server(app, as_person):
    person = make_user()
    client = as_person(person)
    stolen = app.test_client()
    stolen.set_cookie(
        "portal_session", client.get_cookie("portal_session", domain="portal.test").value, domain="portal.test"
    )
    assert stolen.get("/").status_code == 200
    client.post("/logout")
    assert stolen.get("/").status_code == 302


def test_a_password_change_or_deactivation_ends_other_sessions(app, as_person):
    person = make_user()
    laptop, phone = as_person(person), as_person(person)
    laptop.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new phrase",
            "confirm_password": "a brand new phrase",
        },
    )
    assert laptop.get("/").status_code == 200  # the one that changed it stays signed in
    assert phone.get("/").status_code == 302
    steward = as_person(make_steward())
    steward.post(
        "/people/%d/edit" % person.id,
        data={"name": person.name, "email": person.email, "organisation": person.organisation_id, "role": "member"},
    )
    assert laptop.get("/").status_code == 302


def test_sessions_expire_when_unused_and_after_their_lifetime(as_person):
    client = as_person(make_user())
    with clock.fixed_at(clock.now() + timedelta(minutes=config.current["SESSION_IDLE_MINUTES"] + 1)):
        response = client.get("/", follow_redirects=True)
    assert "You were signed out because the session was old or unused" in response.text
    client = as_person(make_user())
    moment = clock.now()
    for _ in range(config.current["SESSION_MAX_HOURS"]):  # busy all day
        moment += timedelta(hours=1)
        with clock.fixed_at(moment):
            last = client.get("/")
    assert last.status_code == 302


def test_a_new_session_at_sign_in(client):
    person = make_user()
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    client.post("/login", data={"email": person.email, "password": PASSWORD})
    with client.session_transaction() as after:
        assert "planted" not in after


def test_old_password_hashes_are_upgraded_at_sign_in(client):
    person = make_user(password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    assert sign_in(client, person.email, PASSWORD).status_code == 303
    assert User.get_by_id(person.id).password_hash.startswith("scrypt:")


def test_the_product_hashes_passwords_with_werkzeugs_full_strength_scrypt(client, monkeypatch):
    assert config.from_environment()["PASSWORD_HASH"] == "scrypt"  # the tests' own people use a cheaper one
    monkeypatch.setitem(config.current, "PASSWORD_HASH", "scrypt")
    person = make_user()
    assert sign_in(client, person.email, PASSWORD).status_code == 303
    assert User.get_by_id(person.id).password_hash.startswith("scrypt:32768:8:1$")


def test_common_passwords_are_refused(as_person):
    response = as_person(make_user()).post(
        "/account",
        data={"current_password": PASSWORD, "new_password": "Qwerty123456", "confirm_password": "Qwerty123456"},
    )
    assert response.status_code == 422 and "This password is too common" in response.text


def test_production_settings_require_a_secret_and_lock_cookies(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.Misconfigured, match="SECRET_KEY must be set"):
        config.from_environment()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    settings = config.from_environment()
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-") and settings["SESSION_COOKIE_SECURE"]
    assert settings["DEVICE_COOKIE_NAME"].startswith("__Host-")


@pytest.mark.parametrize("key", [None, "", "short-key", config.DEVELOPMENT_KEY])
def test_only_development_and_tests_run_without_a_real_key(monkeypatch, key):
    monkeypatch.delenv("PORTAL_ENV")  # unset is production: `make serve`, gunicorn, any flask command
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(config.Misconfigured, match="SECRET_KEY must be set to a long random value"):
        config.from_environment()
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "too-short")
    with pytest.raises(config.Misconfigured, match="SECRET_KEY_FALLBACKS must be set"):
        config.from_environment()


def test_a_start_without_a_key_stops_with_a_message_naming_it(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in ("PORTAL_ENV", "SECRET_KEY")}
    environment["DATABASE_URL"] = "sqlite:///%s" % (tmp_path / "portal.db")
    flask = Path(sys.executable).parent / "flask"
    started = subprocess.run(
        [str(flask), "--app", "portal", "migrate"], env=environment, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 3 and "SECRET_KEY must be set" in started.stderr
    assert "Traceback" not in started.stderr  # the message alone, not buried in a stack
    served = subprocess.run(  # `make serve`'s gunicorn stops too, instead of starting workers again and again
        [str(flask.parent / "gunicorn"), "--no-control-socket", "--bind", "127.0.0.1:0", "portal:create_app()"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 3 and "SECRET_KEY must be set" in served.stderr
    assert not (tmp_path / "portal.db").exists()


def test_a_rotated_key_still_verifies_sessions_forms_and_reply_addresses(app, as_person, monkeypatch):
    person = make_user()
    thread = make_request(make_user(), to=[person.organisation])
    dropped, kept = as_person(person), as_person(person)  # two sessions signed with the old key
    token = re.search(r'"X-CSRFToken": "([^"]+)"', kept.get("/").text).group(1)
    address = mail.reply_address(person.id, thread.id)
    old_key = app.config["SECRET_KEY"]

    def rotate(fallbacks):
        for settings in (app.config, config.current):
            monkeypatch.setitem(settings, "SECRET_KEY", "a brand new key for the portal, long enough")
            monkeypatch.setitem(settings, "SECRET_KEY_FALLBACKS", fallbacks)
        monkeypatch.setitem(app.config, "WTF_CSRF_SECRET_KEY", config.signing_keys(app.config))

    rotate([])
    assert dropped.get("/").status_code == 302
    with pytest.raises(inbound.Refused):
        inbound.read_address(address)
    rotate([old_key])
    assert kept.get("/").status_code == 200
    form = {"email-email_frequency": "none", "email-digest_hour": "7", "email-csrf_token": token}
    answer = kept.post("/account/email", data=form, headers={"X-CSRFToken": token})
    assert answer.status_code == 303  # a form from a page made before the rotation
    assert inbound.read_address(address) == (person.id, thread.id)


def test_nothing_a_signed_in_person_sees_stays_in_the_browser_cache(client, as_person):
    steward = as_person(make_steward())
    for path in ("/", "/board", "/learning/requests.csv", "/account"):
        assert steward.get(path).headers["Cache-Control"] == "no-store", path
    with steward.get("/static/portal.css") as style:  # not private: browsers may keep it
        assert "no-store" not in style.headers.get("Cache-Control", "")


def test_security_headers_and_hsts_over_https(client):
    response = client.get("/login", base_url="https://portal.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'self': no inline script
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_huge_bodies_are_refused(as_person):
    response = as_person(make_user()).post("/threads/new", data={"body": "x" * 600_000, "title": "Big"})
    assert response.status_code == 413


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule


def fill(rule, thread_id):
    """A real path for the rule: ids are `thread_id`, words are the first the rule's converter accepts."""
    values = {name: thread_id for name in rule.arguments}
    values.update({k: "x" for k in rule.arguments if k in ("slug", "token")})
    for name, converter in rule._converters.items():
        if hasattr(converter, "items"):  # any(...)
            values[name] = sorted(converter.items)[0]
    return re.sub(r"<(?:[^>]*:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_every_route_needs_sign_in_and_csrf_and_hides_restricted_threads(app, client, as_person):
    """Runs over the URL map, so a new route is covered without anyone remembering to add it."""
    charity, council = make_org(), make_org()
    secret = make_request(make_user(charity), [council], visibility="restricted")
    outsider = as_person(make_user())
    steward = as_person(make_steward())
    public = {
        "auth.login",
        "auth.logout",
        "auth.forgot_password",
        "auth.set_password",
        "healthz",
        "readyz",
        "pages.accessibility",
        "pages.privacy",
        "pages.favicon",
    }
    for rule in routes(app):
        path = fill(rule, secret.id)
        if "GET" in rule.methods and rule.endpoint not in public:
            response = client.get(path)
            assert response.status_code in (302, 204), (path, response.status_code)
        if "POST" in rule.methods:
            assert steward.post(path, data={}, csrf=False).status_code == 400, path
        if "thread_id" in rule.arguments:
            # an outsider learns nothing: the restricted thread answers exactly as a thread that does not exist
            method = outsider.get if "GET" in rule.methods else outsider.post
            status = method(path).status_code
            assert status in (400, 403, 404) and status == method(fill(rule, 999999)).status_code, path


def test_the_steward_sees_who_opened_a_restricted_thread(as_person):
    charity, council = make_org(), make_org("Council")
    secret = make_request(make_user(charity), [council], visibility="restricted")
    reader = make_user(council, name="Rita Reader")
    as_person(reader).get("/threads/%d" % secret.id)
    as_person(make_user(charity)).get("/threads/%d/live?since=2020-01-01" % secret.id)  # polls are not opens
    page = as_person(make_steward()).get("/threads/%d" % secret.id).text
    log = page.split("Who opened this restricted thread")[1].split("</ul>")[0]
    assert "Rita Reader (Council)" in log and log.count("<li>") == 2  # the reader, and the steward now
    public = make_request(make_user(charity), [council])
    assert "Who opened" not in as_person(make_steward()).get("/threads/%d" % public.id).text


def test_accessibility_statement_and_privacy_notice_are_public_and_linked(client):
    for path, heading in (("/accessibility", "Accessibility statement"), ("/privacy", "Privacy notice")):
        page = client.get(path)
        assert page.status_code == 200 and "<h1>%s</h1>" % heading in page.text
        assert 'href="%s"' % path in client.get("/login").text


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_every_text_field_is_stored_as_text_and_shown_escaped(as_person):
    steward = as_person(make_steward())
    steward.post("/orgs/new", data={"name": "Org " + SCRIPT, "slug": "evil-org", "kind": "charity"})
    organisation = Organisation.get(Organisation.slug == "evil-org")
    steward.post(
        "/people/new",
        data={
            "name": "Person " + SCRIPT,
            "email": "evil@example.org",
            "organisation": organisation.id,
            "role": "member",
            "active": "y",
        },
    )
    User.update(password_hash=make_user().password_hash).where(User.email == "evil@example.org").execute()
    client = as_person(User.get(User.email == "evil@example.org"))
    client.post(
        "/threads/new",
        data={"kind": "update", "title": "Title " + SCRIPT, "body": "Body " + SCRIPT, "visibility": "all"},
    )
    pages = [client.get(path).text for path in ("/", "/threads", "/orgs", "/orgs/evil-org", "/search?q=" + SCRIPT)]
    pages.append(steward.get("/people").text)
    pages.append(steward.get("/audit").text)
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in pages[1]
