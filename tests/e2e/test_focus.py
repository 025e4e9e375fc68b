"""Tabbing through a page: every control shows that it has focus, and its text stays readable once focused."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal import demo

from .pages import crash_pad, login_with_errors, new_thread_with_errors, thread_with_steward_tools, visit

# The focus indicator is there, and axe's colour-contrast rule passes on the focused element.
FOCUS_CHECK = """async () => {
  const el = document.activeElement;
  if (el === document.body) return {element: ''};  // past the last control: focus left the page
  const style = getComputedStyle(el);
  // Focus on a part inside the control (a date input's calendar button) gets the browser's own ring.
  const visible = !el.matches(':focus') || (style.outlineStyle !== 'none' && style.outlineColor !== 'rgba(0, 0, 0, 0)'
                   && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  const contrast = await axe.run(el, {runOnly: {type: 'rule', values: ['color-contrast']}});
  const failures = contrast.violations.map(v => v.nodes[0].failureSummary);
  return {element: el.outerHTML.slice(0, 120), visible, contrast: failures};
}"""


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


@pytest.mark.parametrize(
    ("who", "reach"),
    [
        (None, login_with_errors),
        (demo.STEWARD, visit("/")),
        (demo.STEWARD, thread_with_steward_tools),
        (demo.ST_HELENS, crash_pad),
        (demo.ST_HELENS, new_thread_with_errors),
        (demo.STEWARD, visit("/board")),
    ],
    ids=["login with errors", "home", "thread with steward's tools", "thread", "new thread with errors", "board"],
)
def test_every_focused_control_shows_its_focus_readably(page_for, who, reach):
    page = page_for(who)
    reach(page)
    page.evaluate(Axe().axe_script)
    page.get_by_role("link", name="Skip to main content").focus()
    problems, visited = [], 0
    while (focus := page.evaluate(FOCUS_CHECK))["element"] and visited < 300:
        visited += 1
        if not focus["visible"] or focus["contrast"]:
            problems.append(focus)
        page.keyboard.press("Tab")
    assert visited > 5
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize(
    ("who", "reach"), [(None, login_with_errors), (demo.ST_HELENS, new_thread_with_errors)], ids=["login", "new thread"]
)
def test_a_form_with_errors_takes_focus_to_its_error_summary(page_for, who, reach):
    page = page_for(who)
    reach(page)
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert summary.evaluate("summary => summary === document.activeElement"), "the error summary does not have focus"
