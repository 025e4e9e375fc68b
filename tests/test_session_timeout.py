"""Sessions that end for being unused: only what a person does counts as use (not the page's background polls), the
page says the limit, and the warning's "Stay signed in" starts the idle time again."""

from datetime import datetime, timedelta

import pytest

from portal import clock

from .builders import make_org, make_request, make_steward, make_user

SIGNED_IN = datetime(2026, 3, 2, 9, 0)
HTMX = {"HX-Request": "true"}


def at(minutes):
    return clock.fixed_at(SIGNED_IN + timedelta(minutes=minutes))


def signed_in_at_nine(client, person):
    with at(0):
        client.sign_in(person)
    return client


def still_signed_in(client, minutes):
    with at(minutes):
        return client.get("/").status_code == 200


@pytest.fixture
def request_thread():
    asker = make_user()
    return make_request(asker, [make_org()]), asker


def test_a_page_left_open_ends_its_session_though_it_keeps_polling(client, request_thread):
    thread, asker = request_thread
    signed_in_at_nine(client, asker)
    since = SIGNED_IN.isoformat()
    polls = [
        "/notifications/count",
        "/threads/%d/live?since=%s" % (thread.id, since),
        "/live/threads?since=%s&ids=%d" % (since, thread.id),
    ]
    for minutes in range(10, 120, 10):
        with at(minutes):
            for path in polls:
                assert client.get(path, headers=HTMX).status_code in (200, 204), path
    assert not still_signed_in(client, 121)


def test_the_board_poll_does_not_count_as_use_either(app, request_thread):
    client = signed_in_at_nine(app.test_client(), make_steward())
    with at(100):
        assert client.get("/board/live?since=%s&ids=%d" % (SIGNED_IN.isoformat(), request_thread[0].id)).status_code
    assert not still_signed_in(client, 121)


def test_what_a_person_does_keeps_the_session(client, request_thread):
    signed_in_at_nine(client, request_thread[1])
    assert still_signed_in(client, 100)
    assert still_signed_in(client, 200)


def test_stay_signed_in_starts_the_idle_time_again(client, request_thread):
    signed_in_at_nine(client, request_thread[1])
    with at(100):
        answer = client.post("/session/stay", headers=HTMX)
    assert answer.status_code == 204 and answer.headers["X-Session-Ends-In"] == str(120 * 60)
    assert still_signed_in(client, 200)


def test_stay_signed_in_needs_a_session_and_the_form_token(client, request_thread):
    assert client.post("/session/stay").status_code == 302  # to sign in
    signed_in_at_nine(client, request_thread[1])
    with at(100):
        assert client.post("/session/stay", csrf=False).status_code == 400


def test_every_signed_in_page_says_the_limit_and_how_long_is_left(client, app, monkeypatch, request_thread):
    assert "signed out after" not in client.get("/login").text
    signed_in_at_nine(client, request_thread[1])
    with at(30):
        page = client.get("/threads")
    assert "For your security you are signed out after 2 hours without using the portal." in page.text
    assert 'data-ends-in="%d"' % (120 * 60) in page.text and 'data-warn-seconds="300"' in page.text
    with at(50):  # a poll is no use of the portal: the time left runs on
        assert client.get("/notifications/count", headers=HTMX).headers["X-Session-Ends-In"] == str(100 * 60)
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 45)
    with at(31):
        assert "signed out after 45 minutes without" in client.get("/threads").text


def test_the_accessibility_statement_says_how_the_time_limit_and_confirmations_work(client):
    page = client.get("/accessibility").text
    assert "signed out after 2 hours without using the portal" in page and "Stay signed in" in page
    assert "confirm on a page of its own" in page
