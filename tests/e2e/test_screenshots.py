"""Pictures of the main pages at phone and desktop widths, for people to look at: written to
tests/e2e/screenshots/ (git-ignored); two of them are kept in docs/ for the README."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal import demo

from .pages import crash_pad, visit

SCREENSHOTS = Path(__file__).parent / "screenshots"
DOCS = Path(__file__).parents[2] / "docs"
WIDTHS = {"phone": {"width": 375, "height": 667}, "desktop": {"width": 1280, "height": 800}}

# (file name, who signs in, how to get there)
PAGES = [
    ("login", None, visit("/login")),
    ("home", demo.ST_HELENS, visit("/")),
    ("threads", demo.ST_HELENS, visit("/threads")),
    ("thread", demo.ST_HELENS, crash_pad),
    ("new-thread", demo.ST_HELENS, visit("/threads/new")),
    ("board", demo.STEWARD, visit("/board")),
    ("barriers", demo.ST_HELENS, visit("/barriers")),
    ("learning", demo.ST_HELENS, visit("/learning")),
]
# The README's two pictures: the St Helens officer's home page on a desktop, the steward's board on a phone.
FOR_THE_README = {"home-desktop.png", "board-phone.png"}


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


@pytest.mark.parametrize(("name", "who", "reach"), PAGES, ids=[name for name, *_ in PAGES])
def test_screenshots_at_phone_and_desktop_widths(page_for, name, who, reach):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, viewport in WIDTHS.items():
        page = page_for(who, viewport=viewport, is_mobile=width == "phone", has_touch=width == "phone")
        reach(page)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        picture = SCREENSHOTS / ("%s-%s.png" % (name, width))
        page.screenshot(path=picture, full_page=True, animations="disabled", caret="hide")
        kept = DOCS / picture.name
        if picture.name in FOR_THE_README and not (kept.exists() and kept.read_bytes() == picture.read_bytes()):
            DOCS.mkdir(exist_ok=True)
            shutil.copyfile(picture, kept)
