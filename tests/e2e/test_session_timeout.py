"""An idle session warns before it ends, with a way to stay signed in (WCAG 2.2.1), and says when it has ended.

The browser's clock and the portal's are moved forward together (Playwright's clock, portal.clock.fixed_at), so
nothing waits two hours and nothing sleeps."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal import clock, demo

from .steps import settled, sign_in


def test_the_warning_comes_before_the_end_and_stay_signed_in_keeps_the_session(page, demo_region):
    start = clock.now()
    page.clock.install()
    with clock.fixed_at(start):
        sign_in(page, demo.WHITECHAPEL)
    warning = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(warning).to_be_hidden()

    with clock.fixed_at(start + timedelta(minutes=116)):
        page.clock.fast_forward("01:56:00")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("you will be signed out at")
        stay = warning.get_by_role("button", name="Stay signed in")
        expect(stay).to_be_focused()
        stay.click()
        expect(warning).to_be_hidden()

    with clock.fixed_at(start + timedelta(minutes=200)):  # two hours after the sign-in, but not after staying
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Threads").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Threads")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        settled(page)


def test_when_the_time_has_passed_the_page_says_so_and_offers_to_sign_in_again(page, demo_region):
    start = clock.now()
    page.clock.install()
    # the page's background polls would find the session ended and go to the sign-in page on their own
    page.route(re.compile(r"/(notifications/count|live/)"), lambda route: route.abort())
    with clock.fixed_at(start):
        sign_in(page, demo.WHITECHAPEL)
    with clock.fixed_at(start + timedelta(minutes=121)):
        page.clock.fast_forward("02:01:00")
        ended = page.get_by_role("alertdialog", name="You have been signed out")
        expect(ended).to_be_visible()
        again = ended.get_by_role("link", name="Sign in again")
        expect(again).to_be_focused()
        again.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        expect(page.get_by_role("status")).to_contain_text("You were signed out")
