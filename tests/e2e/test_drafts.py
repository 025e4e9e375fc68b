"""Nothing typed is lost: a reply or a new thread's message being written is kept in the browser through a
reload, a dropped connection and a session that ended meanwhile, and is forgotten once the post is saved."""

import re

import pytest
from playwright.sync_api import expect

from portal import demo

from .steps import CRASH_PAD, expect_announced, settled, sign_in, thread_path

REPLY = "We can take him tonight: ask for the duty officer at the town hall door after 8pm."
NOT_SENT = "That was not sent: the portal could not be reached."


def open_the_crash_pad(page):
    page.goto(thread_path(CRASH_PAD))
    settled(page)
    return page.get_by_label("Your reply")


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
    box.fill(REPLY)

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
    box.fill(REPLY)

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
    message.fill(MESSAGE)
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
