"""The services directory in a browser: filtering it without JavaScript, citing a service's rule in a reply and
seeing when it changes, a service's files, the steward's "still right?" and a person's page on a phone."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal import demo
from portal.clock import now
from portal.display import long_date
from portal.models import Service, User
from portal.services import today

from .steps import definition, expect_announced, settled, sign_in, thread_path

DOG_BED = "Same-night bed for a couple with a dog in Birkenhead"
SHELTER_RULE = "Liverpool City Council: %s (version 1)" % demo.NIGHT_SHELTER_SERVICE
CITING = "The Liverpool night shelter may take them both tonight: here is its rule for referrals."
NEW_RULE = "Anyone sleeping rough in the city region tonight, couples and their dogs too."
WHY = "Couples with dogs were turned away while beds stood empty."
CHECKLIST = b"Night desk checklist: ring before 11pm, say which bed is free, confirm by e-mail.\n"
OUT_OF_HOURS = "Out-of-hours housing line"
PHONE = {"width": 375, "height": 667}


def test_a_member_filters_the_directory_without_javascript_and_finds_the_crash_pads(no_script_page, demo_region):
    page = no_script_page()
    sign_in(page, demo.OUTREACH)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Services").click()
    page.get_by_label("Area").select_option(label="St Helens")
    page.get_by_label("Who may refer").select_option(label="Outreach")
    page.get_by_label("Open only").check()
    page.get_by_role("button", name="Show services").click()
    expect(page).to_have_url(re.compile(r"/services\?.*area=st-helens&referrer=outreach&open=1"))
    expect(page.get_by_label("Area")).to_have_value("st-helens")
    expect(page.get_by_role("heading", level=2)).to_have_text(["Housing options", demo.CRASH_PADS])
    page.get_by_role("link", name=demo.CRASH_PADS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.CRASH_PADS)


def test_a_reply_cites_a_services_rule_and_says_so_when_the_rule_changes(new_context, demo_region):
    member = new_context().new_page()
    sign_in(member, demo.WHITECHAPEL)
    member.goto(thread_path(DOG_BED))
    settled(member)
    member.get_by_label("Your reply").fill(CITING)
    member.get_by_label("Cite a service’s rule (optional)").select_option(label=SHELTER_RULE)
    member.get_by_role("button", name="Send reply").click()
    cited = member.get_by_role("article").filter(has_text=CITING).get_by_role("complementary", name="The rule cited")
    expect(cited).to_contain_text("The rule cited: %s, version 1" % demo.NIGHT_SHELTER_SERVICE)
    expect(cited).to_contain_text("Anyone sleeping rough in Liverpool or at risk of it tonight.")
    expect(cited).not_to_contain_text("has changed since")

    keeper = new_context().new_page()
    sign_in(keeper, demo.LIVERPOOL)
    keeper.goto("/services")
    keeper.get_by_role("link", name=demo.NIGHT_SHELTER_SERVICE).click()
    keeper.get_by_role("link", name="Edit the service").click()
    starts = today() + timedelta(days=7)
    keeper.get_by_label("Who it is for", exact=True).fill(NEW_RULE)
    keeper.get_by_label("The rule takes effect from").fill(starts.isoformat())
    keeper.get_by_label("Why the rule changed").fill(WHY)
    keeper.get_by_role("button", name="Save").click()
    expect_announced(keeper, "The service is saved with version 2 of its rule.")
    expect(keeper.get_by_role("heading", name="Who it is for version 2")).to_be_visible()
    expect(definition(keeper, "In effect from")).to_have_text(long_date(starts))

    member.reload()
    expect(cited).to_contain_text("version 1")
    expect(cited).to_contain_text("The rule cited here has changed since %s." % long_date(today()))


def test_a_keeper_attaches_a_file_to_a_service_and_a_program_is_refused(page, demo_region):
    sign_in(page, demo.SALVATION_ARMY)
    page.goto("/services")
    page.get_by_role("link", name=demo.CRASH_PADS).click()
    settled(page)
    files = page.get_by_label("Attach files (optional)")
    files.set_input_files([{"name": "Night desk checklist.txt", "mimeType": "text/plain", "buffer": CHECKLIST}])
    page.get_by_role("button", name="Attach", exact=True).click()
    expect_announced(page, "The file is attached.")
    listed = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Night desk checklist.txt"))
    expect(listed).to_contain_text("Plain text, %d bytes" % len(CHECKLIST))
    settled(page)

    program = {"name": "setup.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ" + bytes(200)}
    files.set_input_files([program])
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Error: %s" % demo.CRASH_PADS))
    expect(files).to_have_accessible_description(re.compile("“setup.exe” is not a file the portal takes"))
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("link", name="setup.exe", exact=True)).to_have_count(0)


def test_the_steward_confirms_a_service_nobody_has_confirmed_for_too_long_without_javascript(
    app, no_script_page, demo_region
):
    too_long = now() - timedelta(days=app.config["SERVICE_CONFIRM_DAYS"] + 1)
    Service.update(confirmed_at=too_long).where(Service.name == OUT_OF_HOURS).execute()
    steward = no_script_page()
    sign_in(steward, demo.STEWARD)
    steward.goto("/")
    desk = steward.get_by_role("region", name="Where to look today")
    expect(desk.get_by_role("link", name=OUT_OF_HOURS)).to_be_visible()
    expect(desk.get_by_role("link", name=demo.CRASH_PADS)).to_have_count(0)
    desk.get_by_role("button", name="Confirm %s as it is" % OUT_OF_HOURS).click()
    expect_announced(steward, "%s is confirmed as it is." % OUT_OF_HOURS)
    expect(steward).to_have_url(re.compile(r"/$"))
    expect(desk.get_by_role("link", name=OUT_OF_HOURS)).to_have_count(0)


def test_a_persons_page_reads_on_a_phone_without_scrolling_sideways(page, demo_region):
    sign_in(page, demo.WHITECHAPEL)  # on a wide screen, where "Sign out" is not behind the menu
    page.set_viewport_size(PHONE)
    page.goto("/people/%d" % User.get(User.email == demo.SALVATION_ARMY).id)
    expect(page.get_by_role("heading", level=1)).to_have_text("Colin Ashworth")
    expect(definition(page, "Job title")).to_have_text("Service manager, Salisbury House")
    expect(definition(page, "Role in the portal")).to_have_text("Member of staff")
    expect(definition(page, "Organisation")).to_have_text("The Salvation Army Salisbury House")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page is %d px wide on a %d px phone" % (width, PHONE["width"])
