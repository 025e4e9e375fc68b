"""With JavaScript off, the crash-pad story still works: every form posts, redirects and loads a whole page."""

import re

from playwright.sync_api import expect

from portal import demo

from .steps import CRASH_PAD, sign_in

REPLY = "We can agree a place the same evening: ring the duty officer after 5pm."


def test_the_crash_pad_need_is_answered_and_resolved_without_javascript(no_script_page, demo_region):
    officer = no_script_page()
    sign_in(officer, demo.ST_HELENS)
    officer.get_by_role("region", name="Waiting for St Helens Borough Council").get_by_role(
        "link", name=CRASH_PAD
    ).click()
    officer.get_by_label("Your reply").fill(REPLY)
    officer.get_by_role("button", name="Send reply").click()
    expect(officer).to_have_url(re.compile(r"/threads/\d+#post-\d+$"))
    expect(officer.get_by_role("article").filter(has_text=REPLY)).to_be_visible()
    expect(officer.get_by_text("Answered", exact=True).first).to_be_visible()
    expect(officer.get_by_label("Your reply")).to_have_value("")

    asker = no_script_page()
    sign_in(asker, demo.WHITECHAPEL)
    asker.goto(officer.url)
    asker.get_by_role("button", name="Mark as resolved").click()
    expect(asker.locator("#messages")).to_contain_text("The request is resolved.")
    expect(asker.get_by_text("Resolved", exact=True).first).to_be_visible()

    steward = no_script_page()
    sign_in(steward, demo.STEWARD)
    steward.goto("/board")
    steward.get_by_label("Organisation (asking or waited on)").select_option(label="The Whitechapel Centre")
    steward.get_by_role("button", name="Apply").click()
    expect(steward).to_have_url(re.compile(r"/board\?org=the-whitechapel-centre"))
    expect(
        steward.get_by_role("heading", name="Friday prison releases arriving after housing options has shut")
    ).to_be_visible()
    expect(steward.get_by_role("link", name=CRASH_PAD)).to_have_count(0)
