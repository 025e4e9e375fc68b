"""What a day of real use found (issue 19), each in the browser: the mention picker, the board's actions and its live
regions."""

import re

import pytest
from playwright.sync_api import expect

from portal import demo

from .steps import CRASH_PAD, settled, sign_in, thread_path


def test_the_mention_picker_answers_every_search_in_its_live_region(page, demo_region):
    sign_in(page, demo.ST_HELENS)
    page.goto(thread_path(CRASH_PAD))
    results = page.locator("#mention-results")
    region = results.element_handle()
    search = page.get_by_label("Mention someone who can see this thread")
    search.fill("Priya")
    expect(results.get_by_role("button", name="Priya Hollings")).to_be_visible()
    search.fill("Ruth")
    expect(results.get_by_role("button", name="Ruth Ellery")).to_be_visible()
    expect(results.get_by_role("button", name="Priya Hollings")).to_have_count(0)
    settled(page)
    # the same element, still a status region, was updated in place both times
    assert page.evaluate("region => region.isConnected && region.getAttribute('role') === 'status'", region)


def open_board_row(page, title):
    sign_in(page, demo.STEWARD)
    page.goto("/board?sort=activity")
    settled(page)
    row = page.locator(".board-row").filter(has_text=title).first
    row.get_by_text("Act on this request").click()
    expect(row.get_by_role("button", name="Mark as resolved")).to_be_visible()
    settled(page)
    return row


def expect_note_refused_and_focused(page):
    note = page.get_by_label("Say more (needed for “Other”)")
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")
    message = page.locator("#" + note.get_attribute("aria-describedby"))
    expect(message).to_have_text("Error: Say why you are closing the request")


def test_closing_as_other_without_a_note_from_the_board_focuses_the_note(page, demo_region):
    row = open_board_row(page, CRASH_PAD)
    row.get_by_label("Close because").select_option("Other")
    row.get_by_role("button", name="Close the request").click()
    expect_note_refused_and_focused(page)


def test_closing_as_other_without_a_note_and_without_javascript_focuses_the_note(new_context, demo_region):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, demo.STEWARD)
    page.goto("/board?sort=activity")
    page.locator(".board-row").filter(has_text=CRASH_PAD).first.get_by_text("Act on this request").click()
    page.get_by_role("link", name="Open the tools for this request").first.click()
    page.get_by_label("Close because").select_option("Other")
    page.get_by_role("button", name="Close the request").click()
    expect_note_refused_and_focused(page)


def test_resolving_from_the_board_keeps_focus_where_the_row_was(page, demo_region):
    row = open_board_row(page, CRASH_PAD)
    every = page.get_by_role("link", name="Every open request")
    count = int(every.locator(".count").text_content())
    row.get_by_role("button", name="Mark as resolved").click()
    expect(page.locator("#messages")).to_have_text("The request is resolved.")
    expect(every.locator(".count")).to_have_text(str(count - 1))  # the quick filters' counts follow
    expect(page.locator(".board-row--gone")).to_have_text("“%s” is resolved now." % CRASH_PAD)
    expect(page.locator(".board-row--gone")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=CRASH_PAD, exact=True)).to_be_focused()


@pytest.mark.parametrize(("path", "noun"), [("/board", "request"), ("/threads", "thread")])
def test_a_lists_status_region_stays_and_says_what_the_filters_found(page, demo_region, path, noun):
    sign_in(page, demo.STEWARD)
    page.goto(path)
    region = page.locator("#results-status")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_contain_text("Showing")
    kept = region.element_handle()
    page.get_by_label("Kind").select_option(label="Questions" if noun == "request" else "Question")
    page.get_by_label("Organisation").select_option(label="Wirral Council")
    expect(region).to_have_text(re.compile(r"^(Showing \d+ %ss?\.|No %ss match these filters\.)$" % (noun, noun)))
    page.get_by_label("Kind").select_option(index=0)
    expect(region).to_have_text(re.compile(r"^Showing \d+ %ss?\.$" % noun))
    settled(page)
    assert page.evaluate("region => region.isConnected", kept), "the status region was replaced, not updated"


def test_the_guards_status_region_stays_as_it_finds_things(page, demo_region):
    sign_in(page, demo.ST_HELENS)
    page.goto(thread_path(CRASH_PAD))
    area = page.locator(".guard-area").first
    expect(area).to_have_attribute("role", "status")
    kept = area.element_handle()
    page.get_by_label("Your reply").fill("Call him on 07700 900123 tonight.")
    expect(area).to_contain_text("Check before you post")
    page.get_by_label("Your reply").fill("Nothing personal here.")
    expect(area).to_have_text("")
    page.get_by_label("Your reply").fill("Call him on 07700 900123 tonight.")
    expect(area).to_contain_text("Check before you post")
    assert page.evaluate("area => area.isConnected", kept), "the guard's status region was replaced, not updated"
