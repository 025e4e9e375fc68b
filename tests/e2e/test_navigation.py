"""The header's navigation: small on a phone (a "Menu" disclosure), one line on a desktop with the learning
pages grouped under "Learning" and the steward's tools under "Steward", and every destination reachable with
the keyboard alone, with or without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from portal import demo

from .steps import settled

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
# Every destination in the steward's header, and the heading of the page it leads to.
DESTINATIONS = [
    ("Home", "What’s happening"),
    ("Threads", "Threads"),
    ("Open requests", "Open requests"),
    ("Barriers", "System barriers"),
    ("Learning", "What the system is learning"),
    ("Organisations", "Organisations"),
    ("Search", "Search"),
    ("Notifications", "Notifications"),
    ("People", "People"),
    ("Check-ins", re.compile("^Check-ins for ")),
    ("Themes", "Themes"),
    ("Audit log", "Audit log"),
    ("E-mail", "E-mail"),
    ("Your account", "Your account"),
]


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


def header_height(page):
    return page.locator(".site-header").bounding_box()["height"]


@pytest.mark.parametrize("who", [demo.STEWARD, demo.ST_HELENS])
def test_on_a_phone_the_header_takes_at_most_a_fifth_of_the_screen(page_for, who):
    page = page_for(who, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/")
    settled(page)
    assert header_height(page) <= PHONE["height"] / 5
    expect(page.get_by_role("link", name="Threads")).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Threads")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_on_a_desktop_the_stewards_navigation_is_one_line(page_for):
    page = page_for(demo.STEWARD, viewport=DESKTOP)
    page.goto("/people")
    settled(page)
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    items = page.get_by_role("navigation", name="Main").locator(":scope > ul > li")
    tops = {round(items.nth(index).bounding_box()["y"]) for index in range(items.count())}
    assert len(tops) == 1, "the navigation wraps to %d lines" % len(tops)
    steward = page.locator(".site-nav__group summary", has_text="Steward")
    expect(steward).to_have_class("site-nav__current")
    expect(page.get_by_role("link", name="People")).to_be_hidden()
    steward.click()
    expect(page.get_by_role("link", name="People")).to_have_attribute("aria-current", "page")
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="People")).to_be_hidden()
    expect(steward).to_be_focused()


def tab_to(page, name):
    """Press Tab until the link named `name` has focus, opening each closed menu on the way with Enter."""
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.innerText.trim(),"
            " !!document.activeElement.closest('details')?.open]"
        )
        tag, text, is_open = focused
        if tag == "A" and text.startswith(name):
            return
        if tag == "SUMMARY" and not is_open:
            page.keyboard.press("Enter")
    raise AssertionError("no link named %r could be reached with Tab" % name)


@pytest.mark.parametrize(
    ("viewport", "script"),
    [(PHONE, False), (DESKTOP, False), (DESKTOP, True)],
    ids=["phone without JavaScript", "desktop without JavaScript", "desktop"],
)
def test_every_destination_is_reached_with_the_keyboard(page_for, viewport, script):
    page = page_for(demo.STEWARD, viewport=viewport, java_script_enabled=script)
    page.goto("/")
    for name, heading in DESTINATIONS:
        page.locator(".skip-link").focus()
        tab_to(page, name)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("a[aria-current=page]").filter(has_text=name)).to_have_count(1)
        settled(page)
