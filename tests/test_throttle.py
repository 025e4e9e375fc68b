"""Sign-in and password-reset throttling that stops attackers, not offices: per account (with known browsers),
per network address (the real one, behind trusted proxies), and resets that tell nothing."""

from datetime import timedelta

from peewee import fn

from portal import accounts, clock, trust_proxies
from portal.models import Outbox, PasswordLink, PasswordResetRequest, SignInThrottle

from .builders import PASSWORD, make_org, make_user

OFFICE = "198.51.100.7"


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, email, password, **headers):
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def later(minutes):
    return clock.fixed_at(clock.now() + timedelta(minutes=minutes))


def test_eight_wrong_passwords_for_one_account_leave_a_colleague_at_the_same_address_alone(app):
    council = make_org("St Helens Borough Council", kind="local_authority")
    officer, colleague = make_user(council), make_user(council)
    office = from_address(app, OFFICE)
    for _ in range(8):
        assert sign_in(office, officer.email, "wrong password!").status_code in (422, 429)
    assert sign_in(from_address(app, OFFICE), colleague.email, PASSWORD).status_code == 303
    blocked = sign_in(office, officer.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed tries for this account. Wait" in blocked.text
    assert "In a browser where you have signed in before, you can sign in now" in blocked.text


def test_a_person_signs_in_from_a_browser_they_used_before_whatever_a_stranger_tried(app):
    person = make_user()
    own_laptop = from_address(app, OFFICE)
    own_laptop.sign_in(person)
    own_laptop.sign_out()
    stranger = from_address(app, "203.0.113.50")
    for _ in range(12):
        sign_in(stranger, person.email, "a guess")
    assert sign_in(stranger, person.email, PASSWORD).status_code == 429  # the stranger's browser is slowed
    assert sign_in(own_laptop, person.email, PASSWORD).status_code == 303  # the person's own is not


def test_a_known_browser_keeps_its_own_count(app):
    person = make_user()
    laptop = from_address(app, OFFICE)
    laptop.sign_in(person)
    laptop.sign_out()
    for _ in range(5):
        sign_in(laptop, person.email, "wrong password!")
    refused = sign_in(laptop, person.email, PASSWORD)
    assert refused.status_code == 429 and "for this account in this browser" in refused.text
    assert sign_in(from_address(app, "203.0.113.9"), person.email, PASSWORD).status_code == 303


def test_a_forged_known_browser_cookie_counts_for_nothing(app):
    person = make_user()
    stranger = from_address(app, "203.0.113.50")
    stranger.set_cookie("portal_device", '["n", [%d]].forged.signature' % person.id, domain="portal.test")
    for _ in range(6):
        sign_in(stranger, person.email, "a guess")
    assert sign_in(stranger, person.email, PASSWORD).status_code == 429


def test_waits_grow_but_a_stranger_cannot_lock_a_person_out_for_long(app):
    person = make_user()
    stranger = from_address(app, "203.0.113.50")
    moment = clock.now()
    for _ in range(30):  # the stranger keeps trying every time the wait ends
        with clock.fixed_at(moment):
            sign_in(stranger, person.email, "a guess")
        blocked_until = SignInThrottle.select(fn.MAX(SignInThrottle.blocked_until)).scalar()
        moment = max(moment, blocked_until or moment) + timedelta(seconds=1)
    waits = {row.blocked_until - row.last_failure for row in SignInThrottle.select() if row.blocked_until}
    assert max(waits) == timedelta(minutes=15)
    with clock.fixed_at(moment + timedelta(minutes=15)):
        assert sign_in(from_address(app, OFFICE), person.email, PASSWORD).status_code == 303


def test_a_password_spray_from_one_address_is_stopped(app):
    people = [make_user() for _ in range(55)]
    sprayer = from_address(app, "203.0.113.66")
    answers = [sign_in(sprayer, person.email, "Winter2026!").status_code for person in people[:51]]
    assert answers[:50] == [422] * 50 and answers[50] == 429
    refused = sign_in(sprayer, people[52].email, PASSWORD)
    assert refused.status_code == 429 and "Too many failed sign-ins from your network" in refused.text
    assert sign_in(from_address(app, OFFICE), people[53].email, PASSWORD).status_code == 303


def test_a_success_from_an_address_clears_its_count(app):
    people = [make_user() for _ in range(100)]
    office = from_address(app, OFFICE)
    for person in people[:49]:
        sign_in(office, person.email, "typo")
    from_address(app, OFFICE).sign_in(people[99])
    for person in people[49:98]:
        assert sign_in(office, person.email, "typo").status_code == 422
    assert sign_in(office, people[98].email, PASSWORD).status_code == 303


def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_the_real_ones(app, monkeypatch):
    people = [make_user() for _ in range(52)]
    proxy = from_address(app, "10.0.0.2")
    # with no trusted proxy, a client cannot escape the throttle by naming another address
    for number, person in enumerate(people[:50]):
        sign_in(proxy, person.email, "Winter2026!", X_Forwarded_For="203.0.113.%d" % number)
    assert sign_in(proxy, people[50].email, PASSWORD, X_Forwarded_For="203.0.113.200").status_code == 429
    SignInThrottle.delete().execute()
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    trust_proxies(app)
    sprayer = {"X-Forwarded-For": "203.0.113.66"}
    for person in people[:50]:
        sign_in(proxy, person.email, "Winter2026!", **sprayer)
    assert sign_in(proxy, people[50].email, PASSWORD, **sprayer).status_code == 429
    office = {"X-Forwarded-For": OFFICE, "X-Forwarded-Proto": "https", "Referer": "https://portal.test/login"}
    answer = proxy.get("/login", headers=office)
    assert "max-age=" in answer.headers["Strict-Transport-Security"]  # the proxy said the client used https
    assert sign_in(proxy, people[51].email, PASSWORD, **office).status_code == 303


def ask_reset(client, email):
    return client.post("/forgot-password", data={"email": email}, follow_redirects=True)


def test_a_reset_request_does_the_same_work_whether_or_not_the_address_has_an_account(app):
    person = make_user()
    client = from_address(app, OFFICE)
    answers = [ask_reset(client, email) for email in (person.email, "nobody@example.org")]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("belongs to an account, we have sent it a link" in answer.text for answer in answers)
    # the page wrote the same rows for both: the link and the e-mail are the worker's work
    assert PasswordLink.select().count() == 0 and Outbox.select().count() == 0
    assert PasswordResetRequest.select().count() == 2
    accounts.send_requested_resets(2)
    assert [message.to_address for message in Outbox.select()] == [person.email]
    assert PasswordResetRequest.select().count() == 0  # the typed addresses are not kept


def first_link(message):
    return message.text.split("http://portal.test")[1].split()[0]


def test_asking_again_within_minutes_keeps_the_link_already_sent(app):
    person = make_user()
    client = from_address(app, OFFICE)
    ask_reset(client, person.email)
    accounts.send_requested_resets(2)
    again = client.post("/forgot-password", data={"email": person.email})
    assert again.status_code == 429 and "was asked for a few minutes ago" in again.text
    assert person.email in again.text  # what they typed is kept
    accounts.send_requested_resets(2)
    link = first_link(Outbox.get())
    assert client.get(link).status_code == 200  # the first link still works
    with later(6):
        ask_reset(client, person.email)
        accounts.send_requested_resets(2)
        assert client.get(link).status_code == 404  # a new link replaced it, as the page said
    assert Outbox.select().count() == 2


def test_resets_from_one_address_are_throttled(app):
    client = from_address(app, OFFICE)
    answers = [client.post("/forgot-password", data={"email": "n%d@example.org" % n}) for n in range(21)]
    assert [answer.status_code for answer in answers[:20]] == [303] * 20
    assert answers[20].status_code == 429 and "from your network" in answers[20].text
    assert from_address(app, "203.0.113.9").post("/forgot-password", data={"email": "a@b.org"}).status_code == 303


def test_the_privacy_notice_says_what_the_throttle_and_the_known_browser_cookie_keep(client):
    notice = client.get("/privacy").text
    assert "marks this browser as one you have signed in on (for 180 days" in notice
    assert "a count of them under a one-way code" in notice
