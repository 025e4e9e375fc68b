"""The monthly learning report printed on A4: Chromium's own print (page.pdf) makes A4 pages, and with print media
the report keeps its text and audience and leaves out the site's navigation and every control."""

import re

import pytest
from playwright.sync_api import expect

from portal import demo

from .steps import settled

# A4's printable width at 96 px to the inch: 210 mm less the stylesheet's 16 mm margins on each side.
A4_TEXT_WIDTH = round((210 - 2 * 16) / 25.4 * 96)


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


def test_the_report_prints_on_a4_with_its_audience_and_without_the_sites_controls(page_for):
    page = page_for(demo.STEWARD, viewport={"width": A4_TEXT_WIDTH, "height": 1000})
    page.goto("/learning/report")
    settled(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name=re.compile("^Learning report: "))).to_be_visible()
    expect(page.get_by_text("For the partnership.")).to_be_visible()
    expect(page.get_by_role("heading", name="Barriers that moved")).to_be_visible()
    expect(page.get_by_role("heading", name="Requests still open at the end of the month")).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    expect(page.locator("form").first).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= A4_TEXT_WIDTH, "the printed report is %d px wide, A4 holds %d" % (width, A4_TEXT_WIDTH)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    sizes = {tuple(round(float(n)) for n in box.split()) for box in re.findall(rb"/MediaBox \[([^\]]+)\]", pdf)}
    assert sizes == {(0, 0, 595, 842)}, "every page is A4 (595 x 842 points): %s" % sizes
