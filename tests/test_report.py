"""The monthly learning report: absolute dates and times, nothing about the reader, its audience said at the top
(the partnership, with restricted threads left out and counted; or stewards only), and the barriers that moved."""

from datetime import datetime

import pytest

from portal import clock, config, learning, tracking
from portal.models import Thread

from .builders import make_org, make_request, make_steward, make_user


@pytest.fixture(autouse=True)
def december():
    with clock.fixed_at(datetime(2026, 12, 4, 10)):
        yield


@pytest.fixture
def month():
    """November 2026: a check-in, a resolved request, two requests still open (one restricted), a barrier moved."""
    charity, council = make_org("Hope Charity"), make_org("Riverside Council", kind="local_authority")
    asker, officer = make_user(charity), make_user(council)
    steward = make_steward()
    with clock.fixed_at(datetime(2026, 11, 3, 9, 15)):
        learning.post_checkin(asker, dict.fromkeys(("happening", "working", "in_the_way", "need"), "Busy"))
        done = make_request(asker, [council], title="Beds for the weekend")
        make_request(asker, [council], title="Open to everyone")
        make_request(asker, [council], title="Secret restricted need", visibility="restricted")
    with clock.fixed_at(datetime(2026, 11, 10, 16, 45)):
        tracking.reply(done, officer, "Two beds at Salisbury House.")
        tracking.resolve(Thread.get_by_id(done.id), asker)
        barrier = learning.save_barrier(steward, "Panel only meets weekly", "", [council.id])
        learning.log_barrier(barrier, steward, "The panel now meets twice a week.", "changed")
    return {"asker": asker, "officer": officer, "steward": steward}


def test_the_report_says_dates_and_times_in_full_and_nothing_about_its_reader(as_person, month):
    client = as_person(month["asker"])
    report = client.get("/learning/report?month=2026-11").text
    assert "<h1>Learning report: November 2026" in report
    assert "raised <time" in report and "3 November 2026 at 09:15" in report
    assert "resolved <time" in report and "10 November 2026 at 16:45" in report
    assert " ago<" not in report and "ago</time>" not in report
    assert "Unread" not in report and "unread-mark" not in report
    assert "Panel only meets weekly</a>: Raised → Changed" in report and "twice a week" in report
    assert "November 2026 check-in: Hope Charity" in report


def test_for_the_partnership_restricted_threads_are_left_out_and_counted(as_person, month):
    for person in ("asker", "steward"):  # even for those who may read it
        report = as_person(month[person]).get("/learning/report?month=2026-11").text
        assert "<strong>For the partnership.</strong>" in report
        assert "1 restricted thread is left out." in report
        assert "Secret restricted need" not in report and "Open to everyone" in report


def test_the_steward_chooses_a_report_for_stewards_only_with_the_restricted_threads(as_person, month):
    steward = as_person(month["steward"])
    report = steward.get("/learning/report?month=2026-11&audience=stewards").text
    assert "<strong>For stewards only.</strong>" in report and "Secret restricted need" in report
    assert "left out" not in report
    assert 'name="audience"' in steward.get("/learning/report").text
    member = as_person(month["asker"])
    assert 'name="audience"' not in member.get("/learning/report").text
    assert member.get("/learning/report?month=2026-11&audience=stewards").status_code == 403
    assert steward.get("/learning/report?audience=everyone").status_code == 404


@pytest.mark.parametrize("month_text", ["0000-01", "2026-13", "2027-01", "garbage", "2026-1"])
def test_a_month_that_is_not_one_is_a_clear_400_not_an_error(as_person, month_text):
    response = as_person(make_steward()).get("/learning/report", query_string={"month": month_text})
    assert response.status_code == 400 and "like 2026-12" in response.text


def test_the_printed_report_has_an_a4_page_and_leaves_out_the_controls():
    css = (config.ROOT / "static" / "portal.css").read_text()
    assert "@page { size: A4;" in css
    assert ".no-print" in css.split("@media print")[-1]
