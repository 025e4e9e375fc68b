"""Layout that only a browser shows: words stay whole in the people table, the footer lines up with the page,
and the button under the check-in notice keeps clear of it."""

import pytest

from portal import demo

from .steps import settled

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}

# Words in the element that are split over two lines (a word whose piece of text has boxes on two lines).
BROKEN_WORDS = """table => {
  const broken = [];
  const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map(box => Math.round(box.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


def open_page(page_for, who, path, viewport):
    page = page_for(who, viewport=viewport)
    page.goto(path)
    settled(page)
    return page


def test_the_people_table_keeps_its_words_whole_on_a_desktop(page_for):
    page = open_page(page_for, demo.STEWARD, "/people", DESKTOP)
    assert page.locator("table").evaluate(BROKEN_WORDS) == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_footer_lines_up_with_the_content(page_for, viewport):
    page = open_page(page_for, demo.ST_HELENS, "/", viewport)
    content = page.get_by_role("heading", level=1).bounding_box()["x"]
    for paragraph in page.locator(".site-footer p").all():
        assert paragraph.bounding_box()["x"] == content


def test_the_button_under_the_check_in_notice_keeps_clear_of_it(page_for):
    page = open_page(page_for, demo.ST_HELENS, "/", DESKTOP)
    notice = page.locator(".notice").filter(has_text="check-in for this month is due").bounding_box()
    button = page.get_by_role("link", name="Post an update, need or question").bounding_box()
    assert button["y"] - (notice["y"] + notice["height"]) >= 16
