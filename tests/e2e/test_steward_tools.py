"""The steward on a thread: follow-up date, a note and a lock, each swapped into the page in place; a locked
thread takes no more replies from members (the steward may still answer); merging one thread into another."""

import re

from playwright.sync_api import expect

from portal import demo

from .steps import CRASH_PAD, assert_no_page_load, expect_announced, mark_page, settled, sign_in, thread_path

NOTE = "Rang the housing options manager: an answer is promised by Friday."

LOCKED = "This thread is locked by the steward: no new replies."


def test_steward_follows_up_notes_and_locks_a_thread(page, new_context, demo_region):
    sign_in(page, demo.STEWARD)
    page.goto(thread_path(CRASH_PAD))
    settled(page)
    mark_page(page)

    page.get_by_text("Steward’s tools").click()
    page.get_by_label("Follow-up date").fill("2030-01-31")
    page.get_by_role("button", name="Set date").click()
    expect_announced(page, "Follow-up date set to 31 January 2030.")
    expect(page.get_by_role("definition").filter(has_text="31 January 2030")).to_be_visible()
    settled(page)

    page.get_by_label("Steward’s note (only stewards see it)").fill(NOTE)
    page.get_by_role("button", name="Add note").click()
    expect_announced(page, "Your note is added. Only stewards see it.")
    expect(page.get_by_role("complementary", name="Steward’s note").filter(has_text=NOTE)).to_be_visible()
    settled(page)

    member = new_context().new_page()
    sign_in(member, demo.ST_HELENS)
    member.goto(page.url)
    expect(member.get_by_role("button", name="Send reply")).to_be_visible()

    page.get_by_role("button", name="Lock: no new replies").click()
    expect(page.get_by_text(LOCKED)).to_be_visible()
    expect(page.get_by_role("button", name="Unlock")).to_be_visible()
    assert_no_page_load(page)

    member.reload()
    expect(member.get_by_text(LOCKED)).to_be_visible()
    expect(member.get_by_role("button", name="Send reply")).to_have_count(0)
    expect(member.get_by_label("Your reply")).to_have_count(0)


def test_focus_stays_in_the_steward_tools_after_an_action(page, demo_region):
    sign_in(page, demo.STEWARD)
    page.goto(thread_path(CRASH_PAD))
    settled(page)
    page.get_by_text("Steward’s tools").click()
    page.get_by_label("Follow-up date").fill("2030-01-31")
    page.get_by_role("button", name="Set date").press("Enter")
    expect_announced(page, "Follow-up date set to 31 January 2030.")
    settled(page)
    assert page.evaluate("document.activeElement !== document.body"), "focus was lost to the page's body"


TARGET = "Local connection for people who sleep out across borough borders"
SOURCE = "Wirral: this month's count and what has changed"


def test_steward_merges_a_thread_into_another_and_its_old_address_leads_there(page, demo_region):
    sign_in(page, demo.STEWARD)
    page.goto(thread_path(TARGET))
    page.get_by_text("Steward’s tools").click()
    number = re.search(r"This is thread number (\d+)\.", page.get_by_text("This is thread number").inner_text())[1]
    target_url = page.url

    page.goto(thread_path(SOURCE))
    settled(page)
    source_url = page.url
    page.get_by_text("Steward’s tools").click()
    page.get_by_label("Merge this thread into another (its number)").fill(number)
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge “%s” into “%s”?" % (SOURCE, TARGET))
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    page.get_by_role("button", name="Yes, merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TARGET)
    expect(page).to_have_url(target_url)
    expect_announced(page, "“%s” is merged into this thread." % SOURCE)
    expect(page.get_by_role("article").filter(has_text="Our latest count found 9 people")).to_be_visible()

    page.goto(source_url)
    expect(page).to_have_url(target_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TARGET)


def test_steward_opens_a_board_rows_tools_and_acts_in_place(page, demo_region):
    """A row's forms load when its tools are opened (the board stays light), then act on the row in place."""
    sign_in(page, demo.STEWARD)
    page.goto("/board?sort=activity")
    settled(page)
    mark_page(page)
    row = page.locator(".board-row").filter(has_text=CRASH_PAD).first
    expect(row.get_by_label("Owner")).to_have_count(0)
    row.get_by_text("Act on this request").click()
    row.get_by_label("Follow-up date").fill("2030-01-31")
    row.get_by_role("button", name="Set date").click()
    expect_announced(page, "Follow-up date set to 31 January 2030.")
    row = page.locator(".board-row").filter(has_text=CRASH_PAD).first
    expect(row.get_by_role("definition").filter(has_text="31 January 2030")).to_be_visible()
    expect(row.get_by_label("Owner")).to_be_visible()  # the redrawn row keeps its tools open
    assert_no_page_load(page)
