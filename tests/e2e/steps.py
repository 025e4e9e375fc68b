"""What a person does in the browser, in the product's words; shared by the browser tests."""

from playwright.sync_api import expect

from portal import demo
from portal.models import Thread

CRASH_PAD = "Sit-up bed / crash pad for a rough sleeper in St Helens"


def thread_path(title):
    """A thread's address, found by its title as someone following a link to it would."""
    return "/threads/%d" % Thread.select(Thread.id).where(Thread.title == title).scalar()


def sign_in(page, email, password=demo.PASSWORD):
    """Sign in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    settled(page)


def settled(page):
    """Wait until htmx has no request in flight and has finished settling, so the new content is enhanced too.

    htmx wires up swapped-in content as it settles: acting on it earlier would fall back to a full page load."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def mark_page(page):
    """Leave a marker on `window`: it survives htmx swaps and disappears with a full page load."""
    page.evaluate("window.__marker = 1")


def assert_no_page_load(page):
    assert page.evaluate("window.__marker") == 1, "the page was loaded again instead of swapped in place"


def expect_announced(page, text):
    """`text` is in a live status region, so a screen reader announces it."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def definition(scope, term):
    """What a description list says for `term` (its dd), e.g. definition(page, "Organisation")."""
    return scope.get_by_role("term").filter(has_text=term).locator("xpath=following-sibling::dd[1]")
