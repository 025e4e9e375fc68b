"""The threads list's filters swap only the results, push a bookmarkable URL, and back and forward restore it."""

import re

from playwright.sync_api import expect

from portal import demo

from .steps import assert_no_page_load, mark_page, settled, sign_in

RESOLVED = "Who takes night shelter referrals this year?"
ANSWERED = "Local connection for people who sleep out across borough borders"


def test_filters_swap_the_results_and_keep_the_url(page, demo_region):
    sign_in(page, demo.OUTREACH)
    page.goto("/threads")
    results = page.locator("main").get_by_role("list").first
    kind, status = page.get_by_label("Kind"), page.get_by_label("Status")
    mark_page(page)

    kind.select_option(label="Question")
    expect(page).to_have_url(re.compile(r"/threads\?kind=question&status=&org=(&theme=)?$"))
    settled(page)
    questions = results.get_by_role("listitem")
    expect(questions.first).to_be_visible()
    expect(questions.filter(has_not_text="Question")).to_have_count(0)

    status.select_option(label="Resolved")
    expect(page).to_have_url(re.compile(r"kind=question&status=resolved&org=(&theme=)?$"))
    settled(page)
    expect(page.get_by_role("link", name=RESOLVED)).to_be_visible()
    expect(page.get_by_role("link", name=ANSWERED)).to_have_count(0)

    page.get_by_label("Organisation").select_option(label="Liverpool City Council")
    expect(page).to_have_url(re.compile(r"kind=question&status=resolved&org=liverpool-city-council(&theme=)?$"))
    settled(page)
    expect(page.get_by_text("No threads match these filters.")).to_be_visible()
    assert_no_page_load(page)

    page.go_back()
    expect(page).to_have_url(re.compile(r"kind=question&status=resolved&org=(&theme=)?$"))
    expect(page.get_by_role("link", name=RESOLVED)).to_be_visible()
    expect(page.get_by_label("Organisation")).to_have_value("")
    expect(status).to_have_value("resolved")
    expect(kind).to_have_value("question")

    page.go_back()
    expect(page).to_have_url(re.compile(r"kind=question&status=&org=(&theme=)?$"))
    expect(page.get_by_role("link", name=ANSWERED)).to_be_visible()
    expect(status).to_have_value("")
    expect(kind).to_have_value("question")

    page.go_forward()
    expect(page).to_have_url(re.compile(r"kind=question&status=resolved&org=(&theme=)?$"))
    expect(page.get_by_role("link", name=ANSWERED)).to_have_count(0)
    expect(status).to_have_value("resolved")
    assert_no_page_load(page)
