"""Check-ins by month: one month across the organisations side by side for the steward, moving between months,
and each organisation's past check-ins for every partner; month names in headings; bad months never a 500."""

from datetime import datetime

import pytest
from playhouse.test_utils import count_queries

from portal import clock, learning
from portal.models import Organisation, Post, Thread

from .builders import make_org, make_steward, make_user

ANSWERS = {"happening": "Busy", "working": "Joint rounds", "in_the_way": "Phones", "need": "A list"}


def check_in(person, moment, **answers):
    with clock.fixed_at(moment):
        return learning.post_checkin(person, {**ANSWERS, **answers})


@pytest.fixture(autouse=True)
def december():
    """Every test here happens on 4 December 2026 (sign-ins too, so that a session is not idle for hours)."""
    with clock.fixed_at(datetime(2026, 12, 4, 10)):
        yield


@pytest.fixture
def region():
    """Two organisations with check-ins in October and November 2026, and one that sent none."""
    hope, council = make_org("Hope Charity", slug="hope"), make_org("Quiet Council", kind="local_authority")
    make_org("Nobody Yet", slug="nobody")
    hope_member, officer = make_user(hope), make_user(council)
    check_in(hope_member, datetime(2026, 10, 5, 9), happening="Hope in October")
    check_in(hope_member, datetime(2026, 11, 5, 9), happening="Hope in November")
    check_in(officer, datetime(2026, 11, 20, 14, 30), happening="Council in November")
    return {"hope": hope, "hope_member": hope_member, "officer": officer}


def test_the_steward_reads_one_month_across_organisations_and_moves_between_months(as_person, region):
    client = as_person(make_steward())
    november = client.get("/checkins?month=2026-11").text
    assert "<h1>Check-ins for November 2026</h1>" in november
    assert "Hope in November" in november and "Council in November" in november
    assert "Hope in October" not in november
    assert "Posted <time" in november and "20 November 2026 at 14:30" in november
    assert "Not sent" in november and "Remind" not in november  # reminders are for this month only
    assert 'href="/checkins?month=2026-10"' in november and "← October 2026" in november
    assert 'href="/checkins?month=2026-12"' in november and "December 2026 →" in november
    october = client.get("/checkins?month=2026-10").text
    assert "Hope in October" in october and "Council in November" not in october
    this_month = client.get("/checkins").text
    assert "<h1>Check-ins for December 2026</h1>" in this_month and "Not yet sent" in this_month
    assert "Remind" in this_month and "January 2027" not in this_month  # no month still to come


@pytest.mark.parametrize(
    "month", ["2026-13", "garbage", "2026-1", "0000-01", "1999-12", "2027-01", "9999-12", "2026-11x", "２０２６-11"]
)
def test_a_month_that_is_not_one_or_not_yet_come_is_a_clear_400(as_person, region, month):
    for client, path in (
        (as_person(make_steward()), "/checkins"),
        (as_person(region["officer"]), "/orgs/hope/checkins"),
    ):
        response = client.get(path, query_string={"month": month})
        assert response.status_code == 400 and "like 2026-12, from 2000-01 to this month" in response.text


def test_every_partner_reads_an_organisations_past_check_ins_month_by_month(as_person, region):
    outsider = as_person(region["officer"])  # another organisation: check-ins are posted for all partners
    page = outsider.get("/orgs/hope/checkins").text
    assert "<h2" in page and ">November 2026</h2>" in page and ">October 2026</h2>" in page
    assert page.index("Hope in November") < page.index("Hope in October")  # the latest month first
    assert "Council in November" not in page
    one = outsider.get("/orgs/hope/checkins?month=2026-10").text
    assert "Hope in October" in one and "Hope in November" not in one
    assert "<h1>Hope Charity: check-ins for October 2026</h1>" in one
    none = outsider.get("/orgs/hope/checkins?month=2026-09").text
    assert "Hope Charity sent no check-in for September 2026." in none
    assert "has not sent a check-in yet" in outsider.get("/orgs/nobody/checkins").text
    assert outsider.get("/orgs/no-such-org/checkins").status_code == 404
    assert "check-ins, month by month" in outsider.get("/orgs/hope").text
    # a member asking for the side-by-side page is shown their own organisation's check-ins
    member = as_person(region["hope_member"]).get("/checkins?month=2026-10")
    assert member.status_code == 303 and member.headers["Location"] == "/orgs/hope/checkins?month=2026-10"


def test_a_hidden_check_in_says_so_to_partners_and_shows_its_text_to_the_steward(as_person, region):
    thread = Thread.get(Thread.organisation == region["hope"].id, Thread.checkin_month == "2026-10")
    Post.update(hidden=True).where(Post.thread == thread.id).execute()
    partner = as_person(region["officer"]).get("/orgs/hope/checkins?month=2026-10").text
    assert "This check-in was hidden by the steward." in partner and "Hope in October" not in partner
    assert "Hope in October" in as_person(make_steward()).get("/checkins?month=2026-10").text


def queries_for(client, path):
    with count_queries() as counted:
        assert client.get(path).status_code == 200
    return counted.count


def test_check_in_pages_page_and_cost_the_same_few_queries_for_one_organisation_or_many(as_person, region):
    steward = as_person(make_steward())
    outsider = as_person(region["officer"])
    paths = ((steward, "/checkins?month=2026-11"), (outsider, "/orgs/hope/checkins"))
    few = [queries_for(client, path) for client, path in paths]
    for number in range(8):
        member = make_user(make_org("Partner %d" % number))
        check_in(member, datetime(2026, 11, 10, 9))
        for month in range(1, 10):
            check_in(region["hope_member"], datetime(2025, month, 10, 9), happening="Hope %d/%d" % (month, number))
            Thread.update(checkin_month="20%02d-%02d" % (10 + number, month)).where(
                Thread.id == Thread.select(Thread.id).order_by(Thread.id.desc()).limit(1).scalar()
            ).execute()
    many = [queries_for(client, path) for client, path in paths]
    assert many == few and max(many) <= 6
    second = steward.get("/checkins?month=2026-11&page=2").text
    assert "Partner 2" in second and "Partner 7" not in second and 'rel="prev"' in second
    assert "Page 2" in outsider.get("/orgs/hope/checkins?page=2").text
    assert "no more check-ins on page 99" in outsider.get("/orgs/hope/checkins?page=99").text
    assert Organisation.select().count() > 5  # more organisations than a page holds
