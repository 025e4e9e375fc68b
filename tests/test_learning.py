"""Themes, the system barriers register and monthly check-ins."""

from datetime import datetime, timedelta

import pytest

from portal import clock, learning
from portal.models import Barrier, BarrierLog, Notification, Organisation, Theme, Thread, ThreadTheme

from .builders import make_org, make_request, make_steward, make_thread, make_user


@pytest.fixture
def steward():
    return make_steward(name="Sam Steward")


def test_steward_keeps_the_list_of_themes(as_person, steward):
    client = as_person(steward)
    assert client.post("/themes", data={"name": "Emergency beds"}).status_code == 303
    duplicate = client.post("/themes", data={"name": "emergency beds"})
    assert duplicate.status_code == 422 and "There is already a theme called that" in duplicate.text
    theme = Theme.get()
    assert theme.slug == "emergency-beds"
    client.post("/themes/%d" % theme.id, data={"active": "off"})
    assert not Theme.get_by_id(theme.id).active
    assert as_person(make_user()).get("/themes").status_code == 403


def test_members_tag_their_own_threads_and_lists_filter_by_theme(as_person, steward):
    beds = learning.save_theme(steward, "Emergency beds")
    rules_theme = learning.save_theme(steward, "Eligibility rules")
    charity = make_org()
    author = make_user(charity)
    tagged, other = make_thread(author, title="Tagged one"), make_thread(author, title="Other one")
    client = as_person(author)
    page = client.get("/threads/%d" % tagged.id).text
    assert "Change the themes" in page and "Emergency beds" in page
    client.post("/threads/%d/themes" % tagged.id, data={"theme": [beds.id, rules_theme.id]})
    assert {t.theme_id for t in ThreadTheme.select()} == {beds.id, rules_theme.id}
    listed = client.get("/threads?theme=emergency-beds").text
    assert "Tagged one" in listed and "Other one" not in listed and 'class="tag tag--theme">Emergency beds' in listed
    outsider = as_person(make_user())
    assert "Change the themes" not in outsider.get("/threads/%d" % tagged.id).text
    assert outsider.post("/threads/%d/themes" % other.id, data={"theme": [beds.id]}).status_code == 403
    assert client.post("/threads/%d/themes" % tagged.id, data={"theme": ["99999"]}).status_code == 400
    learning.save_theme(steward, "Emergency beds", beds, active=False)
    client.post("/threads/%d/themes" % tagged.id, data={"theme": [beds.id]})  # a retired theme can stay
    assert {t.theme_id for t in ThreadTheme.select()} == {beds.id}


def test_board_filters_by_theme(as_person, steward):
    beds = learning.save_theme(steward, "Emergency beds")
    charity, council = make_org(), make_org(kind="local_authority")
    bed = make_request(make_user(charity), [council], title="Need a bed")
    make_request(make_user(charity), [council], title="Need a form")
    learning.set_thread_themes(bed, steward, [beds.id])
    page = as_person(steward).get("/board?theme=emergency-beds").text
    assert "Need a bed" in page and "Need a form" not in page
    assert "Need a form" in as_person(steward).get("/board?theme=%3Cscript%3E").text


def test_barrier_register_records_links_logs_and_counts_only_what_you_may_see(as_person, steward):
    st_helens = make_org("St Helens", kind="local_authority")
    charity, other = make_org("Charity"), make_org("Other")
    client = as_person(steward)
    response = client.post(
        "/barriers/new",
        data={
            "title": "Crash pads held for another client group",
            "description": "Allocated by **panel**.",
            "holders": [st_helens.id],
        },
    )
    barrier = Barrier.get()
    assert response.headers["Location"] == "/barriers/%d" % barrier.id
    open_thread = make_request(make_user(charity), [st_helens], title="Sit-up bed")
    secret = make_request(make_user(charity), [st_helens], title="Hidden one", visibility="restricted")
    client.post("/barriers/%d/threads" % barrier.id, data={"thread": open_thread.id})
    client.post("/threads/%d/barriers" % secret.id, data={"barrier": barrier.id})
    again = client.post("/barriers/%d/threads" % barrier.id, data={"thread": open_thread.id}, follow_redirects=True)
    assert "already linked" in again.text
    client.post("/barriers/%d/log" % barrier.id, data={"note": "Raised at the panel", "status": "being_worked_on"})
    bad = client.post("/barriers/%d/log" % barrier.id, data={"note": "", "status": "changed"})
    assert bad.status_code == 422 and "Write what was tried or learned" in bad.text
    assert Barrier.get_by_id(barrier.id).status == "being_worked_on"
    log = BarrierLog.get()
    assert (log.status_before, log.status_after) == ("raised", "being_worked_on")
    steward_view = client.get("/barriers").text
    assert "Shown by 2 threads: Charity (2)" in steward_view and "Held by St Helens" in steward_view
    outsider = as_person(make_user(other))
    register = outsider.get("/barriers").text
    assert "Shown by 1 thread: Charity (1)" in register
    detail = outsider.get("/barriers/%d" % barrier.id).text
    assert "Sit-up bed" in detail and "Hidden one" not in detail and "<strong>panel</strong>" in detail
    assert "Raised at the panel" in detail and "Raised → Being worked on" in detail
    assert "Crash pads held for another client group" in outsider.get("/threads/%d" % open_thread.id).text
    assert outsider.post("/barriers/new", data={"title": "x"}).status_code == 403
    assert outsider.post("/barriers/%d/log" % barrier.id, data={"note": "x"}).status_code == 403
    assert outsider.get("/barriers/999").status_code == 404
    assert "Crash pads held" in client.get("/barriers?status=being_worked_on").text
    assert "Crash pads held" not in client.get("/barriers?status=changed").text


def test_monthly_check_in_is_due_posted_once_and_nudged(as_person, steward):
    charity = make_org("Hope Charity", slug="hope")
    Organisation.update(checkin_day=1).execute()
    member = make_user(charity)
    client = as_person(member)
    assert "check-in for this month is due" in client.get("/").text
    empty = client.post("/checkins/new", data={"happening": "Busy", "working": "", "in_the_way": "", "need": ""})
    assert empty.status_code == 422 and "Write something for “what is working”" in empty.text
    answers = {"happening": "Busy", "working": "Joint rounds", "in_the_way": "Phones", "need": "A list"}
    response = client.post("/checkins/new", data=answers)
    thread = Thread.get(Thread.checkin_month.is_null(False))
    assert response.headers["Location"] == "/threads/%d" % thread.id
    assert thread.kind == "update" and thread.title.endswith("check-in: Hope Charity")
    page = client.get("/threads/%d" % thread.id).text
    for heading in ("What is happening", "What is working", "What is getting in the way", "What you need"):
        assert "<h3>%s</h3>" % heading in page
    assert "check-in for this month is due" not in client.get("/").text
    assert client.get("/checkins/new").status_code == 303
    other = make_org("Quiet Council", kind="local_authority", slug="quiet")
    quiet_member = make_user(other)
    steward_client = as_person(steward)
    board = steward_client.get("/checkins").text
    assert "Posted" in board and "Not yet" in board
    steward_client.post("/checkins/nudge/quiet")
    assert [n.kind for n in Notification.select().where(Notification.user == quiet_member.id)] == ["checkin_due"]
    assert "reminds Quiet Council that this month" in as_person(quiet_member).get("/notifications").text
    assert as_person(member).get("/checkins").headers["Location"] == "/orgs/hope/checkins"


def test_check_in_is_not_due_before_the_organisations_day():
    organisation = make_org(checkin_day=28)
    with clock.fixed_at(datetime(2026, 11, 10, 12)):
        assert not learning.checkin_due(Organisation.get_by_id(organisation.id))
    with clock.fixed_at(datetime(2026, 11, 28, 12) + timedelta(hours=1)):
        assert learning.checkin_due(Organisation.get_by_id(organisation.id))


def test_organisation_check_in_day_is_validated(as_person, steward):
    organisation = make_org(slug="day")
    client = as_person(steward)
    bad = client.post("/orgs/day/edit", data={"name": organisation.name, "kind": "charity", "checkin_day": "31"})
    assert bad.status_code == 422 and "Enter a day from 1 to 28" in bad.text
    client.post(
        "/orgs/day/edit", data={"name": organisation.name, "kind": "charity", "checkin_day": "15", "active": "y"}
    )
    assert Organisation.get_by_id(organisation.id).checkin_day == 15
