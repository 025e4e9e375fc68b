"""The pages and htmx states the accessibility and phone tests visit: (name, who signs in, how to get there).

Only the hidden-post state, the post-history state (it edits one post once), the kept-details states (they add one
reply once) and the password link (which nothing else looks at) change anything, and no state depends on what
they change."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from portal import accounts, demo, guard, overrides, tracking
from portal.models import GuardOverride, LearningCycle, Post, Service, Thread, User

from .steps import CRASH_PAD, settled, thread_path


def visit(path, status=200):
    def go(page):
        response = page.goto(path)
        assert response.status == status, "%s answered %d" % (path, response.status)
        settled(page)

    return go


def sent_empty(path, button):
    """The form at `path` sent as it is, to show its errors."""

    def go(page):
        page.goto(path)
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
        settled(page)

    return go


login_with_errors = sent_empty("/login", "Sign in")


def threads_filtered_to_nothing(page):
    page.goto("/threads")
    page.get_by_label("Organisation").select_option(label="Halton Borough Council")
    settled(page)
    page.get_by_label("Status").select_option(label="Closed")
    expect(page.get_by_text("No threads match these filters.")).to_be_visible()
    settled(page)


def crash_pad(page):
    page.goto(thread_path(CRASH_PAD))
    settled(page)


def thread_with_steward_tools(page):
    crash_pad(page)
    page.get_by_text("Steward’s tools").click()


def reply_with_errors(page):
    crash_pad(page)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    settled(page)


def thread_with_a_hidden_post(page):
    crash_pad(page)
    page.get_by_role("link", name="Hide, move or split the post by Jordan Whitlow").click()
    page.get_by_label("Why hide it").fill("Names a client in full")
    page.get_by_role("button", name="Hide the post").click()
    expect(page.get_by_text("This post was hidden by the steward.")).to_be_visible()
    settled(page)


def moderating_a_post(page):
    crash_pad(page)
    page.get_by_role("link", name="Hide, move or split the post by Jordan Whitlow").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate a post")
    settled(page)


def editing_own_post(page):
    page.goto(thread_path("St Helens housing options: staffing this month"))
    page.get_by_role("link", name="Edit the post by Gareth Pennington").click()
    expect(page.get_by_label("Message")).to_be_visible()
    settled(page)


STAFFING = "St Helens housing options: staffing this month"


def a_post_history(page):
    """The history of a post the steward edited (made here once: the demo has no edits)."""
    post = Post.get(Post.thread == Thread.select(Thread.id).where(Thread.title == STAFFING))
    if not post.edited:
        steward = User.get(User.email == demo.STEWARD)
        tracking.edit_post(post, steward, post.body.replace("three working", "two working") + "\n\nUpdated.")
    page.goto("/posts/%d/history" % post.id)
    expect(page.get_by_role("heading", level=1)).to_have_text("History of the post by Gareth Pennington")
    settled(page)


def changing_a_title_with_errors(page):
    page.goto(thread_path(STAFFING))
    page.get_by_role("link", name="Change the title").click()
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save the title").click()
    expect(page.get_by_role("alert")).to_contain_text("Give it a title")
    settled(page)


def a_person_to_contact(page):
    page.goto("/people/%d" % User.get(User.email == demo.ST_HELENS).id)
    expect(page.get_by_role("heading", level=1)).to_have_text("Gareth Pennington")
    settled(page)


def contact_details_with_errors(page):
    page.goto("/account#contact")
    page.get_by_role("textbox", name="Work phone").fill("ring me")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter one phone number in full")
    settled(page)


def new_thread_with_errors(page):
    page.goto("/threads/new")
    page.get_by_role("radio", name="Need").check()
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    settled(page)


def a_barrier(page):
    page.goto("/barriers")
    page.get_by_role("link", name=demo.BARRIERS[0][0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.BARRIERS[0][0])
    settled(page)


def editing_a_barrier(page):
    a_barrier(page)
    page.get_by_role("link", name="Edit this barrier").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    settled(page)


def editing_a_person(page):
    page.goto("/people")
    page.get_by_role("link", name="Gareth Pennington").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gareth Pennington")
    settled(page)


PERSONAL = "He is at the day centre until 6pm, or ring him on 07700 900123."


def reply_flagged_by_the_guard(page):
    crash_pad(page)
    page.get_by_label("Your reply").fill(PERSONAL)
    expect(page.get_by_role("status").filter(has_text="Check before you post")).to_be_visible()
    settled(page)


def reply_held_by_the_guard(page):
    reply_flagged_by_the_guard(page)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_label("I have checked: these details are needed here")).to_be_visible()
    settled(page)


IDENTIFYING = "Ruth Clarke was sectioned last night, DOB: 12/03/1985, NHS 943 476 5919."
DROP_INS = "Nurse drop-ins at the Whitechapel Centre"


def reply_identifying_someone(page):
    crash_pad(page)
    page.get_by_label("Your reply").fill(IDENTIFYING)
    expect(page.get_by_role("status").filter(has_text="This identifies a person outright")).to_be_visible()
    settled(page)


def reply_held_for_a_reason(page):
    reply_identifying_someone(page)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_label("Why must these details be in the portal?")).to_be_visible()
    settled(page)


def kept_details(page):
    """The steward's list, with details kept in a reply (made here once: the demo keeps none)."""
    if not GuardOverride.select().exists():
        thread = Thread.get(Thread.title == DROP_INS)
        member = User.get(User.email == demo.ST_HELENS)
        post = tracking.reply(thread, member, IDENTIFYING)
        found = guard.findings(IDENTIFYING)
        overrides.keep(member, thread, post.id, False, found, "The ward asked for it on the referral")
    page.goto("/guard/overrides")
    expect(page.get_by_role("button", name=re.compile("Redact the chosen details")).first).to_be_visible()
    settled(page)


def redacting_kept_details(page):
    kept_details(page)
    page.get_by_role("button", name=re.compile("Redact the chosen details")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redact these details?")
    settled(page)


def setting_a_password(page):
    url = accounts.send_password_link(User.get(User.email == demo.HALTON), None, 1)
    page.goto(urlsplit(url).path)
    expect(page.get_by_role("button", name="Set password and sign in")).to_be_visible()
    settled(page)


def board_row_tools(page):
    page.goto("/board?sort=activity")
    page.locator(".board-row").filter(has_text=CRASH_PAD).get_by_text("Act on this request").click()
    expect(page.get_by_role("button", name="Set owner")).to_be_visible()
    settled(page)


def board_row_tools_page(page):
    """Where the row's link leads without JavaScript: its tools on a page of their own."""
    page.goto("/board?sort=activity")
    row = page.locator(".board-row").filter(has_text=CRASH_PAD)
    page.goto(row.locator("a", has_text="Open the tools for this request").get_attribute("href"))
    expect(page.get_by_role("heading", name="Act on this request")).to_be_visible()
    settled(page)


def board_filtered(page):
    page.goto("/board")
    page.get_by_label("Status").select_option(label="Answered")
    expect(page.get_by_role("status").filter(has_text="Showing")).to_be_visible()
    settled(page)


def the_stewards_menu_open(page):
    page.goto("/")
    menu = page.locator("summary", has_text="Menu")
    if menu.is_visible():  # on a phone the destinations are behind "Menu"
        menu.click()
    page.locator(".site-nav__group summary", has_text="Steward").click()
    expect(page.get_by_role("link", name="Audit log")).to_be_visible()


def service_path(name, suffix=""):
    return "/services/%d%s" % (Service.select(Service.id).where(Service.name == name).scalar(), suffix)


def a_service(page):
    """The night shelter's referral route, with its referral form attached."""
    page.goto(service_path(demo.NIGHT_SHELTER_SERVICE))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.NIGHT_SHELTER_SERVICE)
    settled(page)


def a_rules_history(page):
    page.goto(service_path(demo.CRASH_PADS, "/rules"))
    settled(page)


def a_learning_cycle(page):
    cycle_id = LearningCycle.select(LearningCycle.id).where(LearningCycle.title == demo.CRASH_PAD_CYCLE["title"])
    page.goto("/cycles/%d" % cycle_id.scalar())
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.CRASH_PAD_CYCLE["title"])
    settled(page)


MEMBER, STEWARD = demo.ST_HELENS, demo.STEWARD
STATES = [
    ("login", None, visit("/login")),
    ("accessibility statement", None, visit("/accessibility")),
    ("privacy notice", None, visit("/privacy")),
    ("setting a password from a link", None, setting_a_password),
    ("a password link that has expired", None, visit("/set-password/no-such-link", status=404)),
    ("signing out", MEMBER, visit("/logout")),
    ("login with errors", None, login_with_errors),
    ("forgotten password", None, visit("/forgot-password")),
    ("home as a member", MEMBER, visit("/")),
    ("home as the steward", STEWARD, visit("/")),
    ("the steward's menu open", STEWARD, the_stewards_menu_open),
    ("threads", MEMBER, visit("/threads")),
    ("threads filtered to nothing", MEMBER, threads_filtered_to_nothing),
    ("a thread with the steward's tools open", STEWARD, thread_with_steward_tools),
    ("a reply with errors", MEMBER, reply_with_errors),
    ("a reply flagged by the personal-data guard", MEMBER, reply_flagged_by_the_guard),
    ("a reply held by the personal-data guard", MEMBER, reply_held_by_the_guard),
    ("a reply that identifies someone, as it is typed", MEMBER, reply_identifying_someone),
    ("a reply that identifies someone, held for a reason", MEMBER, reply_held_for_a_reason),
    ("kept details", STEWARD, kept_details),
    ("redacting kept details, confirming", STEWARD, redacting_kept_details),
    ("a thread with a hidden post", STEWARD, thread_with_a_hidden_post),
    ("moderating a post", STEWARD, moderating_a_post),
    ("editing your own post", MEMBER, editing_own_post),
    ("a post's history, with the steward's edit", MEMBER, a_post_history),
    ("changing a title, with errors", MEMBER, changing_a_title_with_errors),
    ("a person to contact", MEMBER, a_person_to_contact),
    ("new thread with errors", MEMBER, new_thread_with_errors),
    ("board", STEWARD, visit("/board")),
    ("board filtered", STEWARD, board_filtered),
    ("a board row's tools open", STEWARD, board_row_tools),
    ("a board row's tools on their own page", STEWARD, board_row_tools_page),
    ("organisations", MEMBER, visit("/orgs")),
    ("an organisation", MEMBER, visit("/orgs/the-whitechapel-centre")),
    ("people", STEWARD, visit("/people")),
    ("adding a person", STEWARD, visit("/people/new")),
    ("editing a person", STEWARD, editing_a_person),
    ("adding an organisation", STEWARD, visit("/orgs/new")),
    ("editing an organisation", STEWARD, visit("/orgs/the-whitechapel-centre/edit")),
    ("account", MEMBER, visit("/account")),
    ("your contact details, with errors", MEMBER, contact_details_with_errors),
    ("audit log", STEWARD, visit("/audit")),
    ("notifications", MEMBER, visit("/notifications")),
    ("outbox", STEWARD, visit("/outbox")),
    ("what retention removes next month", STEWARD, visit("/retention")),
    ("page not found", MEMBER, visit("/threads/999999", status=404)),
    ("search with results", MEMBER, visit("/search?q=bed")),
    ("search with nothing found", MEMBER, visit("/search?q=zebra")),
    ("barriers", MEMBER, visit("/barriers")),
    ("a barrier", STEWARD, a_barrier),
    ("recording a barrier", STEWARD, visit("/barriers/new")),
    ("editing a barrier", STEWARD, editing_a_barrier),
    ("themes", STEWARD, visit("/themes")),
    ("check-ins", STEWARD, visit("/checkins")),
    ("this month's check-in", MEMBER, visit("/checkins/new")),
    ("learning", MEMBER, visit("/learning")),
    ("learning report", STEWARD, visit("/learning/report")),
    ("e-mail settings", MEMBER, visit("/account#email")),
    ("services", MEMBER, visit("/services?area=st-helens")),
    ("a service with a file", MEMBER, a_service),
    ("a rule's history", MEMBER, a_rules_history),
    ("what changed", MEMBER, visit("/services/changes")),
    ("adding a service, with errors", MEMBER, sent_empty("/services/new", "Save")),
    ("learning cycles", MEMBER, visit("/cycles")),
    ("a learning cycle", MEMBER, a_learning_cycle),
    ("starting a learning cycle", MEMBER, visit("/cycles/new")),
    ("waits before and after each change", STEWARD, visit("/learning/cycles")),
    ("proposing a barrier, with errors", MEMBER, sent_empty("/barriers/propose", "Propose it")),
    ("barrier proposals", STEWARD, visit("/barriers/proposals")),
    ("an organisation's past check-ins", MEMBER, visit("/orgs/the-whitechapel-centre/checkins")),
]
PAGES = [(who, reach) for _, who, reach in STATES]
PAGE_IDS = [name for name, *_ in STATES]
