"""Text resized to 200 % loses nothing (WCAG 1.4.4): on a 1280 px wide window none of the main pages scrolls
sideways and no control is pushed off the page or cut short."""

import pytest

from .pages import STATES

DESKTOP = {"width": 1280, "height": 800}
MAIN_PAGES = {
    "login with errors",
    "home as a member",
    "home as the steward",
    "threads",
    "a thread with the steward's tools open",
    "a reply held by the personal-data guard",
    "new thread with errors",
    "board filtered",
    "organisations",
    "people",
    "account",
    "notifications",
    "search with results",
    "barriers",
    "a barrier",
    "check-ins",
    "this month's check-in",
    "learning",
    "learning report",
}
PAGES = [pytest.param(who, reach, id=name) for name, who, reach in STATES if name in MAIN_PAGES]

# Controls that stick out of the page sideways, or whose own text does not fit in them.
CLIPPED = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('a, button, input, select, textarea, summary')]
    .filter(el => !el.closest('.visually-hidden, .skip-link'))
    .map(el => ({el, box: el.getBoundingClientRect()}))
    .filter(({box}) => box.width > 0 && box.height > 0)
    .filter(({el, box}) => box.left < 0 || box.right > width + 1
            || (el.matches('button') && el.scrollWidth > el.clientWidth + 1))
    .map(({el, box}) => `${el.outerHTML.slice(0, 100)} spans ${Math.round(box.left)} to ${Math.round(box.right)} px`);
}"""


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


def test_the_main_pages_are_all_known():
    assert len(PAGES) == len(MAIN_PAGES), MAIN_PAGES - {name for name, *_ in STATES}


@pytest.mark.parametrize(("who", "reach"), PAGES)
def test_text_at_200_percent_fits_the_page(page_for, who, reach):
    page = page_for(who, viewport=DESKTOP)
    reach(page)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, "with text at 200 %% the page is %d px wide in a %d px window" % (scroll, client)
    clipped = page.evaluate(CLIPPED)
    assert not clipped, "with text at 200 %, controls are cut off:\n" + "\n".join(clipped)
