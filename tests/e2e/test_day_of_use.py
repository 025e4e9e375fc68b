"""What a day of real use found (issue 19), each in the browser: the mention picker, the board's actions and its live
regions."""

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
