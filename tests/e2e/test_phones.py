"""On a 375 x 667 phone, no page scrolls sideways, and every control is big enough, or far enough from the next,
to tap (WCAG 2.2's 2.5.8 target size: 24 x 24 CSS px, or a 24 px circle around it that touches no other)."""

import pytest

from .pages import PAGE_IDS, PAGES

PHONE = {"width": 375, "height": 667}

# The targets on screen that fail 2.5.8, described. A link inside a sentence (its p, li, dd or td has other text) is
# exempt, as the rule exempts inline targets.
SMALL_TARGETS = """() => {
  const MIN = 24;
  const inSentence = el => el.matches('a') && el.parentElement.matches('p, li, dd, td')
                           && el.parentElement.textContent.trim() !== el.textContent.trim();
  const targets = [...document.querySelectorAll(':is(main, header, footer) '
                   + ':is(a, button, input[type=checkbox], input[type=radio], select, summary)')]
    .map(el => ({el, box: el.getBoundingClientRect()}))
    .filter(({el, box}) => box.width > 0 && box.height > 0 && box.right > 0 && !el.closest('.visually-hidden')
                           && el.checkVisibility());  // not inside a closed <details>, which still has boxes
  const small = targets.filter(({el, box}) => (box.width < MIN || box.height < MIN) && !inSentence(el));
  const centre = box => [box.left + box.width / 2, box.top + box.height / 2];
  const distance = ([x, y], box) => Math.hypot(Math.max(box.left - x, 0, x - box.right),
                                               Math.max(box.top - y, 0, y - box.bottom));
  const describe = ({el, box}) => el.outerHTML.slice(0, 100)
                                  + ` (${Math.round(box.width)} x ${Math.round(box.height)})`;
  const problems = [];
  for (const target of small) {
    const [x, y] = centre(target.box);
    const crowding = targets.find(other => other !== target && (distance([x, y], other.box) < MIN / 2
      || (small.includes(other) && Math.hypot(x - centre(other.box)[0], y - centre(other.box)[1]) < MIN)));
    if (crowding) {
      problems.push(describe(target) + ' is too close to ' + describe(crowding));
    }
  }
  return problems;
}"""


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


@pytest.fixture
def phone(page_for):
    def open_page(who):
        return page_for(who, viewport=PHONE, is_mobile=True, has_touch=True)

    return open_page


@pytest.mark.parametrize(("who", "reach"), PAGES, ids=PAGE_IDS)
def test_no_sideways_scrolling_and_every_target_is_big_enough(phone, who, reach):
    page = phone(who)
    reach(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page is %d px wide on a %d px phone" % (width, PHONE["width"])
    problems = page.evaluate(SMALL_TARGETS)
    assert not problems, "targets smaller than 24 x 24 px and too close to others:\n" + "\n".join(problems)
