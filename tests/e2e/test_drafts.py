"""Nothing typed is lost: a reply or a new thread's message being written is kept in the browser through a
reload, a dropped connection and a session that ended meanwhile, and is forgotten once the post is saved.

And a draft is never shown to another person: on a shared computer it is kept encrypted, for the person who
typed it, and it goes when they sign out, when another person signs in, or after a week."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from portal import demo

from .steps import CRASH_PAD, expect_announced, settled, sign_in, thread_path

REPLY = "We can take him tonight: ask for the duty officer at the town hall door after 8pm."
NOT_SENT = "That was not sent: the portal could not be reached."
DRAFTS = "portal:drafts"


def open_the_crash_pad(page):
    page.goto(thread_path(CRASH_PAD))
    settled(page)
    return page.get_by_label("Your reply")


def write(page, box, text):
    """Type into a message box and wait until the personal-data guard has checked it (a check still to come would
    meet whatever the test does next, a session ended elsewhere included) and the browser has kept the draft (it is
    encrypted first)."""
    since = page.evaluate("Date.now()")
    with page.expect_response(lambda response: response.url.endswith("/check-text")):
        box.fill(text)
    page.wait_for_function(
        "([entry, since]) => Object.values((JSON.parse(localStorage.getItem(entry)) || {}).drafts || {})"
        ".some(draft => draft.saved >= since)",
        arg=[DRAFTS, since],
    )


def everything_stored(page):
    """All this browser keeps for the portal, as the next person at the computer could read it in devtools."""
    return page.evaluate("() => JSON.stringify(Object.entries(localStorage))")


def expect_drafts_gone(page):
    page.wait_for_function("entry => localStorage.getItem(entry) === null", arg=DRAFTS)


def expect_sent_and_forgotten(page, box):
    """Send the reply: it is posted once, and the draft is gone (a reload shows an empty box)."""
    page.get_by_role("button", name="Send reply").click()
    expect_announced(page, "Your reply is posted.")
    expect(box).to_have_value("")
    page.reload()
    expect(page.get_by_role("article").filter(has_text=REPLY)).to_have_count(1)
    expect(box).to_have_value("")


def test_a_reply_survives_a_reload_and_a_dropped_connection(page, context, demo_region):
    sign_in(page, demo.ST_HELENS)
    box = open_the_crash_pad(page)
    write(page, box, REPLY)

    page.reload()
    expect(box).to_have_value(REPLY)
    # A new tab has no form state of the browser's own to restore: the text comes from the kept draft.
    expect(open_the_crash_pad(context.new_page())).to_have_value(REPLY)

    context.set_offline(True)
    page.get_by_role("button", name="Send reply").click()
    expect_announced(page, NOT_SENT)
    expect(box).to_have_value(REPLY)
    context.set_offline(False)
    page.reload()
    expect(box).to_have_value(REPLY)
    expect(page.get_by_role("article").filter(has_text=REPLY)).to_have_count(0)

    expect_sent_and_forgotten(page, box)


def sign_out_on_another_device(new_context):
    """Signing out anywhere ends every session of that person, this browser's included."""
    elsewhere = new_context().new_page()
    sign_in(elsewhere, demo.ST_HELENS)
    elsewhere.get_by_role("button", name="Sign out").click()
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Sign in")


@pytest.mark.parametrize(
    "session_ends",
    [
        pytest.param("elsewhere", id="signed out on another device"),
        pytest.param("cookie", id="session cookie gone"),
    ],
)
def test_a_reply_survives_a_session_that_ended_meanwhile(page, context, new_context, demo_region, session_ends):
    sign_in(page, demo.ST_HELENS)
    box = open_the_crash_pad(page)
    thread_url = page.url
    write(page, box, REPLY)

    if session_ends == "cookie":
        context.clear_cookies()
    else:
        sign_out_on_another_device(new_context)
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name="Send reply").click()
    assert sent.value.status == 204, "the reply was answered %d" % sent.value.status
    assert sent.value.headers["hx-redirect"].startswith("/login?next=")
    expect(page).to_have_url(re.compile(r"/login\?next="))

    page.get_by_label("Email").fill(demo.ST_HELENS)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    settled(page)
    page.goto(thread_url)
    expect(box).to_have_value(REPLY)
    expect(page.get_by_role("article").filter(has_text=REPLY)).to_have_count(0)

    expect_sent_and_forgotten(page, box)


TITLE = "Saturday morning rounds in St Helens from next month"
MESSAGE = "We will join the Saturday round from next month: two staff, meeting at the bus station at 7am."


def test_a_new_thread_message_survives_a_reload_and_a_dropped_connection(page, context, demo_region):
    sign_in(page, demo.WHITECHAPEL)
    page.goto("/threads/new")
    message = page.get_by_label("Message")
    write(page, message, MESSAGE)
    page.reload()
    expect(message).to_have_value(MESSAGE)
    other_tab = context.new_page()
    other_tab.goto("/threads/new")
    expect(other_tab.get_by_label("Message")).to_have_value(MESSAGE)

    page.get_by_role("radio", name="Update").check()
    page.get_by_label("Title").fill(TITLE)
    context.set_offline(True)
    page.get_by_role("button", name="Post", exact=True).click()
    expect_announced(page, NOT_SENT)
    context.set_offline(False)
    page.reload()
    expect(message).to_have_value(MESSAGE)

    page.get_by_role("radio", name="Update").check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("article").filter(has_text=MESSAGE)).to_have_count(1)
    page.goto("/threads/new")
    expect(message).to_have_value("")


PRIVATE = "Private draft about client JB: he has a court date on Friday"


def expect_no_plain_text(page):
    stored = everything_stored(page)
    assert "client JB" not in stored, "the draft's text is readable in the browser's storage"
    assert "/threads/" not in stored, "the browser's storage says which thread the draft is about"
    key = page.locator("[data-draft-key]").get_attribute("data-draft-key")
    assert key not in stored, "the person's draft key itself is stored"


def test_signing_out_takes_a_draft_away_from_the_next_person(page, demo_region):
    sign_in(page, demo.ST_HELENS)
    write(page, open_the_crash_pad(page), PRIVATE)
    expect_no_plain_text(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect_drafts_gone(page)

    sign_in(page, demo.LIVERPOOL)
    expect(open_the_crash_pad(page)).to_have_value("")
    assert "client JB" not in everything_stored(page)


@pytest.mark.parametrize(
    "next_person",
    [
        pytest.param(demo.ST_HELENS, id="the same person gets their draft back"),
        pytest.param(demo.LIVERPOOL, id="another person sees nothing"),
    ],
)
def test_after_a_session_ran_out_only_the_person_who_typed_a_draft_gets_it_back(
    page, context, demo_region, next_person
):
    sign_in(page, demo.ST_HELENS)
    write(page, open_the_crash_pad(page), PRIVATE)
    context.clear_cookies()  # walked away without signing out, and the session ran out

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert page.evaluate("entry => localStorage.getItem(entry)", DRAFTS), "the draft waits for its person"
    assert "client JB" not in everything_stored(page)

    sign_in(page, next_person)
    box = open_the_crash_pad(page)
    if next_person == demo.ST_HELENS:
        expect(box).to_have_value(PRIVATE)
    else:
        expect_drafts_gone(page)
        expect(box).to_have_value("")
    expect_no_plain_text(page)


def test_a_draft_kept_in_plain_text_by_the_portals_earlier_version_is_removed(page, demo_region):
    sign_in(page, demo.ST_HELENS)
    path = thread_path(CRASH_PAD)
    page.evaluate("path => localStorage.setItem('draft:' + path + '/reply:body', 'about client JB')", path)
    page.reload()  # the portal's script has run by the page's load event
    assert "client JB" not in everything_stored(page)


def test_a_draft_older_than_a_week_is_dropped(page, demo_region):
    sign_in(page, demo.ST_HELENS)
    box = open_the_crash_pad(page)
    write(page, box, REPLY)
    page.reload()
    expect(box).to_have_value(REPLY)

    page.clock.set_system_time(datetime.now() + timedelta(days=7, minutes=1))
    page.reload()
    expect_drafts_gone(page)
    expect(box).to_have_value("")


def test_without_webcrypto_no_draft_is_kept(page, context, demo_region):
    sign_in(page, demo.ST_HELENS)
    box = open_the_crash_pad(page)
    write(page, box, REPLY)
    # as on a page not served over HTTPS, where browsers offer no WebCrypto
    context.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")

    page.reload()
    expect_drafts_gone(page)
    box.fill(PRIVATE)
    page.reload()
    expect(box).to_have_value("")
    assert "client JB" not in everything_stored(page)
