"""The learning dashboard reads on a phone and a desktop: chart text at a readable size, bars in colours that
stand out from the page (WCAG 1.4.11), labels that do not overlap, and tables that keep their headers."""

import pytest
from playwright.sync_api import expect

from portal import demo

from .steps import settled

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
FIGURES = [
    "Requests raised and resolved",
    "Days to first response (by month raised)",
    "Days to resolution (by month resolved)",
    "Requests by theme",
    "System barriers by status",
    "Check-ins received",
]

# The contrast ratio of each bar's computed fill against the page's white (WCAG's relative luminance).
BAR_CONTRASTS = """() => [...document.querySelectorAll('svg.chart rect')].map(bar => {
  const [r, g, b] = getComputedStyle(bar).fill.match(/\\d+/g).slice(0, 3).map(Number).map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return [getComputedStyle(bar).fill, 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)];
})"""

# Pairs of chart texts whose boxes overlap, or on one line come closer than 2 px, described.
OVERLAPPING_TEXT = """() => [...document.querySelectorAll('svg.chart')].flatMap(chart => {
  const boxes = [...chart.querySelectorAll('text')].map(text => [text.textContent, text.getBoundingClientRect()]);
  return boxes.flatMap(([one, a], i) => boxes.slice(i + 1)
    .filter(([, b]) => a.left < b.right + 2 && b.left < a.right + 2 && a.top < b.bottom && b.top < a.bottom)
    .map(([other]) => one + ' overlaps ' + other));
})"""


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


def learning(page_for, viewport):
    page = page_for(demo.STEWARD, viewport=viewport)  # the steward sees every theme
    page.goto("/learning")
    settled(page)
    return page


def test_on_a_phone_chart_text_is_readable_and_tables_keep_their_headers(page_for):
    page = learning(page_for, PHONE)
    texts = page.locator("svg.chart text")
    assert texts.count() > 20
    sizes = texts.evaluate_all(
        "texts => texts.map(t => [parseFloat(getComputedStyle(t).fontSize), t.getBoundingClientRect().height])"
    )
    assert min(size for size, _ in sizes) >= 12, "chart text is set below 12 px"
    assert min(height for _, height in sizes) >= 12, "chart text is drawn below 12 px"
    for title in FIGURES:
        region = page.get_by_role("region", name="%s: the numbers" % title)
        header = region.get_by_role("columnheader").first
        expect(header).to_be_visible()
        region.focus()
        expect(region).to_be_focused()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page is %d px wide on a %d px phone" % (width, PHONE["width"])


def test_bars_stand_out_from_the_page(page_for):
    contrasts = learning(page_for, DESKTOP).evaluate(BAR_CONTRASTS)
    assert contrasts, "no bars drawn"
    low = {fill: round(ratio, 2) for fill, ratio in contrasts if ratio < 3}
    assert not low, "bars below 3:1 against white: %s" % low


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chart_labels_do_not_overlap(page_for, viewport):
    assert learning(page_for, viewport).evaluate(OVERLAPPING_TEXT) == []
