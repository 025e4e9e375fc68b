"""Details that identify someone, in a browser: the check as they are typed says a reason is needed, the held reply
asks for it and keeps the text, the steward hears of it, and redacts several details at once after confirming."""

import re

from playwright.sync_api import expect

from portal import demo
from portal.models import Post

from .pages import IDENTIFYING
from .steps import CRASH_PAD, settled, sign_in, thread_path

REASON = "The ward needs these to match the referral"


def test_details_that_identify_someone_are_kept_with_a_reason_and_redacted_by_the_steward(
    page, new_context, demo_region
):
    sign_in(page, demo.ST_HELENS)
    page.goto(thread_path(CRASH_PAD))
    settled(page)
    page.get_by_label("Your reply").fill(IDENTIFYING)
    expect(page.get_by_role("status").filter(has_text="This identifies a person outright")).to_be_visible()
    settled(page)

    page.get_by_role("button", name="Send reply").click()
    reason = page.get_by_label("Why must these details be in the portal?")
    expect(reason).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Say why these details must be in the portal")
    expect(page.get_by_label("Your reply")).to_have_value(IDENTIFYING)
    expect(page.get_by_label("I have checked: these details are needed here")).to_have_count(0)
    settled(page)
    reason.fill(REASON)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".post__body").filter(has_text="Ruth Clarke was sectioned")).to_be_visible()

    steward = new_context().new_page()
    sign_in(steward, demo.STEWARD)
    steward.get_by_role("link", name=re.compile("^Notifications")).click()
    steward.get_by_role("link", name=re.compile("kept .* which identifies someone outright")).click()
    expect(steward.get_by_role("heading", level=1)).to_have_text("Kept details")
    card = steward.locator(".override").filter(has_text=REASON)
    expect(card.locator("mark")).to_have_count(3)
    for detail in ("Ruth Clarke", "DOB: 12/03/1985", "943 476 5919"):
        expect(card.get_by_role("checkbox", name=detail)).to_be_checked()
    card.get_by_role("checkbox", name="DOB").uncheck()
    settled(steward)
    card.get_by_role("button", name=re.compile("Redact the chosen details")).click()
    expect(steward.get_by_role("heading", level=1)).to_have_text("Redact these details?")
    settled(steward)
    steward.get_by_role("button", name="Yes, redact").click()
    expect(steward.get_by_text("The chosen details are redacted everywhere")).to_be_visible()
    expect(steward.locator(".override").filter(has_text=REASON)).to_have_count(0)

    body = Post.select(Post.body).order_by(Post.id.desc()).scalar()
    assert "Ruth Clarke" not in body and "943 476 5919" not in body and "DOB: 12/03/1985" in body
