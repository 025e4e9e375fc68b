"""Signing in, getting it wrong, and signing out."""

import re

from playwright.sync_api import expect

from portal import demo

from .steps import sign_in


def test_a_wrong_password_says_so_and_keeps_the_email(page, demo_region):
    page.goto("/login")
    page.get_by_label("Email").fill(demo.STEWARD)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("The email or password is not right. Check them and try again.")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Email")).to_have_value(demo.STEWARD)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_sign_out_ends_the_session(page, demo_region):
    sign_in(page, demo.WHITECHAPEL)
    expect(page.get_by_text("Maggie Dunleavy, The Whitechapel Centre")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    page.goto("/board")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_after_signing_in_the_page_sends_the_new_sessions_token(page, demo_region):
    # signing in starts a new session: the page must not keep sending the sign-in page's form token
    sign_in(page, demo.ST_HELENS)
    page.get_by_role("link", name="Sit-up bed").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sit-up bed / crash pad")
    page.get_by_label("Your reply").fill("He is at the day centre until 6pm, or ring him on 07700 900123.")
    expect(page.get_by_role("status").filter(has_text="Check before you post")).to_be_visible()
