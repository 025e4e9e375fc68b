"""The crash-pad story, the portal's reason to exist: a need addressed to St Helens is answered, tracked on the
board, resolved by the asker and leaves the board; each step updates the page in place."""

import re

import pytest
from playwright.sync_api import expect

from portal import demo

from .steps import CRASH_PAD, assert_no_page_load, expect_announced, mark_page, settled, sign_in

REPLY = "Yes: outreach can refer straight into the sit-up beds up to midnight, starting tonight."


def test_the_crash_pad_need_is_answered_tracked_and_resolved(page, new_context, demo_region):
    sign_in(page, demo.ST_HELENS)
    waiting = page.get_by_role("region", name="Waiting for St Helens Borough Council")
    waiting.get_by_role("link", name=CRASH_PAD).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CRASH_PAD)
    settled(page)
    thread_url = page.url

    mark_page(page)
    page.get_by_label("Your reply").fill(REPLY)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("article").filter(has_text=REPLY)).to_be_visible()
    expect_announced(page, "Your reply is posted.")
    expect(page.get_by_label("Your reply")).to_have_value("")
    expect(page.get_by_text("Answered", exact=True).first).to_be_visible()
    assert_no_page_load(page)
    assert page.url == thread_url

    steward = new_context().new_page()
    sign_in(steward, demo.STEWARD)
    steward.get_by_role("navigation", name="Main").get_by_role("link", name="Open requests").click()
    expect(steward.get_by_role("heading", level=1)).to_have_text("Open requests")
    settled(steward)
    steward.get_by_label("Organisation (asking or waited on)").select_option(label="The Whitechapel Centre")
    expect(steward).to_have_url(re.compile(r"/board\?.*org=the-whitechapel-centre"))
    row = steward.get_by_role("listitem").filter(has=steward.get_by_role("link", name=CRASH_PAD))
    expect(row.get_by_text("Answered", exact=True)).to_be_visible()
    waiting_on = row.get_by_role("term").filter(has_text="Waiting on").locator("xpath=following-sibling::dd[1]")
    expect(waiting_on).to_contain_text("The Whitechapel Centre:")
    expect(waiting_on).not_to_contain_text("St Helens")

    asker = new_context().new_page()
    sign_in(asker, demo.WHITECHAPEL)
    asker.get_by_role("region", name="Your organisation’s open requests").get_by_role("link", name=CRASH_PAD).click()
    expect(asker.get_by_role("article").filter(has_text=REPLY)).to_be_visible()
    settled(asker)
    mark_page(asker)
    asker.get_by_role("button", name="Mark as resolved").click()
    expect_announced(asker, "The request is resolved.")
    expect(asker.get_by_text("Resolved", exact=True).first).to_be_visible()
    expect(asker.get_by_role("button", name="Reopen this request")).to_be_visible()
    assert_no_page_load(asker)

    steward.reload()
    expect(steward.get_by_role("link", name=CRASH_PAD)).to_have_count(0)


KEYBOARD_REPLY = "Yes, from tonight: ring our duty officer and we will agree the place there and then."

# What has focus, in words a test can compare: its tag and its text or label.
FOCUSED = """() => {
  const el = document.activeElement;
  if (el === document.body) return '';
  return el.tagName.toLowerCase() + ': ' + (el.innerText || el.labels?.[0]?.innerText || '');
}"""


def tab_to(page, wanted, limit=80):
    """Press Tab until the focused element is `wanted` (e.g. "a: Sign out"); fail if it never comes."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED).strip() == wanted:
            return
    pytest.fail("Tab never reached %r" % wanted)


def test_the_crash_pad_reply_and_resolve_with_the_keyboard_alone(page, new_context, demo_region):
    sign_in(page, demo.ST_HELENS)
    tab_to(page, "a: " + CRASH_PAD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(CRASH_PAD)
    settled(page)
    mark_page(page)

    tab_to(page, "textarea: Your reply")
    page.keyboard.type(KEYBOARD_REPLY)
    tab_to(page, "button: Send reply")
    page.keyboard.press("Enter")
    new_post = page.get_by_role("article").filter(has_text=KEYBOARD_REPLY)
    expect(new_post).to_be_visible()
    expect(new_post).to_be_focused()
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert_no_page_load(page)

    asker = new_context().new_page()
    sign_in(asker, demo.WHITECHAPEL)
    asker.goto(page.url)
    tab_to(asker, "button: Mark as resolved")
    asker.keyboard.press("Enter")
    expect_announced(asker, "The request is resolved.")
    expect(asker.get_by_role("button", name="Reopen this request")).to_be_visible()
