"""axe-core finds no WCAG 2.0, 2.1 or 2.2 A or AA violation on any page, nor in the states htmx produces."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .pages import PAGE_IDS, PAGES

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
axe = Axe()


@pytest.fixture(autouse=True)
def empty_database(shared_demo_region):
    """These tests only look: one demo region serves the module."""


@pytest.mark.parametrize(("who", "reach"), PAGES, ids=PAGE_IDS)
def test_no_wcag_violations(page_for, who, reach):
    page = page_for(who)
    reach(page)
    results = axe.run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
