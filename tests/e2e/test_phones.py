"""On a 375 x 667 phone, no page scrolls sideways."""

import pytest

from .pages import PAGE_IDS, PAGES

PHONE = {"width": 375, "height": 667}


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


@pytest.mark.parametrize(("who", "reach"), PAGES, ids=PAGE_IDS)
def test_no_sideways_scrolling(page_for, who, reach):
    page = page_for(who, viewport=PHONE, is_mobile=True, has_touch=True)
    reach(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page is %d px wide on a %d px phone" % (width, PHONE["width"])
