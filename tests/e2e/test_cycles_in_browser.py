"""Learning cycles and barrier proposals in a browser: a member starts a cycle and adds a dated update, the demo's
crash-pad cycle leads to the rule version it changed, and a declined proposal shows its reason to the proposer."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal import demo
from portal.display import long_date
from portal.services import today

from .steps import definition, expect_announced, settled, sign_in

TITLE = "Day centre showers before the morning outreach round"
NOTICED = "People sleeping out miss the showers: they open at 10, after the outreach round has moved on."
UPDATE = "Tried opening the showers at 8 on Tuesdays: nine people came, against two the week before."
BARRIER = "Showers at the day centre open after the outreach round"
SEEN = "Every Tuesday and Thursday the round finishes before the showers open."
REASON = "This is one day centre's hours, not a rule across partners: ask the centre directly."


def test_a_member_starts_a_learning_cycle_and_adds_a_dated_update(page, demo_region):
    sign_in(page, demo.WHITECHAPEL)
    page.goto("/cycles/new")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("What we noticed").fill(NOTICED)
    page.get_by_role("button", name="Start the cycle").click()
    expect_announced(page, "The learning cycle is started.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    settled(page)

    review = today() + timedelta(days=14)
    page.get_by_label("What happened").fill(UPDATE)
    page.get_by_label("Status").select_option(label="Trying")
    page.get_by_label("Next review").fill(review.isoformat())
    page.get_by_role("button", name="Add the update").click()
    expect_announced(page, "The entry is added.")
    entry = page.get_by_role("listitem").filter(has_text=UPDATE)
    expect(entry).to_contain_text("Maggie Dunleavy: Noticing → Trying")
    expect(entry.locator("time")).to_contain_text(long_date(today()))
    expect(definition(page, "Next review")).to_have_text("Next review %s" % long_date(review))


def test_the_crash_pad_cycle_leads_to_the_second_version_of_the_crash_pads_rule(page, demo_region):
    sign_in(page, demo.OUTREACH)
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_text("Learning", exact=True).click()
    navigation.get_by_role("link", name="Learning cycles").click()
    page.get_by_role("link", name=demo.CRASH_PAD_CYCLE["title"]).click()
    version = page.get_by_role("link", name="%s: version 2" % demo.CRASH_PADS)
    expect(version).to_have_attribute("href", re.compile(r"^/services/\d+/rules#version-2$"))
    settled(page)
    version.click()
    expect(page).to_have_url(re.compile(r"/services/\d+/rules#version-2$"))
    expect(page.locator("#version-2")).to_contain_text("outreach refers them directly, on the night")
    expect(page.locator("#version-2")).to_contain_text(demo.CRASH_PAD_CYCLE["title"])


def test_the_steward_declines_a_proposed_barrier_and_the_proposer_sees_why(new_context, demo_region):
    proposer = new_context().new_page()
    sign_in(proposer, demo.WHITECHAPEL)
    proposer.goto("/barriers/propose")
    proposer.get_by_label("What is the barrier?").fill(BARRIER)
    proposer.get_by_label("What you have seen of it").fill(SEEN)
    proposer.get_by_role("button", name="Propose it").click()
    expect_announced(proposer, "Thank you: the steward will look at the barrier you proposed.")
    expect(proposer.get_by_role("heading", level=1)).to_have_text(BARRIER)

    steward = new_context().new_page()
    sign_in(steward, demo.STEWARD)
    steward.goto("/barriers/proposals")
    steward.get_by_role("link", name=BARRIER).click()
    settled(steward)
    steward.get_by_label("Decline it, with a reason the proposer sees").check()
    steward.get_by_label("Why it is declined").fill(REASON)
    steward.get_by_role("button", name="Decide").click()
    expect_announced(steward, "The proposal is declined; Maggie Dunleavy will see your reason.")

    proposer.reload()
    expect(proposer.get_by_text("Declined", exact=True)).to_be_visible()
    expect(definition(proposer, "Why it was declined")).to_have_text(REASON)
    expect(definition(proposer, "Decided")).to_contain_text("by Priya Hollings")
