"""The learning dashboard's numbers against a hand-computed fixture, its period checks, and the exports."""

import csv
import io
from datetime import datetime

from portal import clock, dashboard, learning, tracking
from portal.models import Barrier, BarrierLog, Thread

from .builders import make_org, make_request, make_steward, make_user


def london(month, day, hour=12):
    year, number = 2026, month
    return datetime(year, number, day, hour, tzinfo=clock.LONDON).astimezone(clock.UTC).replace(tzinfo=None)


def at(moment):
    return clock.fixed_at(moment)


def build_fixture():
    """Four requests to the council and one elsewhere, with answers and resolutions on known days:
    September: A raised 1st, answered 2nd (24 h), resolved 5th (96 h)
               B raised 10th, answered 14th (96 h), resolved 10 Oct (720 h)
               C raised 20th, answered 20th 18:00 (6 h), never resolved
    October:   D raised 3rd, never answered
               E raised 4th, addressed elsewhere, answered the 5th (24 h), resolved 6th (48 h)"""
    charity, council, other = make_org("Charity"), make_org("Council", slug="council"), make_org("Other")
    asker, officer, other_officer = make_user(charity), make_user(council), make_user(other)
    steward = make_steward()
    plan = [
        ("A", council, officer, (9, 1), (9, 2), (9, 5)),
        ("B", council, officer, (9, 10), (9, 14), (10, 10)),
        ("C", council, officer, (9, 20), None, None),
        ("D", council, None, (10, 3), None, None),
        ("E", other, other_officer, (10, 4), (10, 5), (10, 6)),
    ]
    for title, to, answerer, raised, answered, resolved in plan:
        with at(london(*raised)):
            thread = make_request(asker, [to], title=title)
        if title == "C":
            with at(london(9, 20, 18)):
                tracking.reply(thread, officer, "Answer")
        elif answered:
            with at(london(*answered)):
                tracking.reply(thread, answerer, "Answer")
        if resolved:
            with at(london(*resolved)):
                tracking.resolve(thread, asker)
    beds = learning.save_theme(steward, "Emergency beds")
    learning.set_thread_themes(thread, steward, [beds.id])
    with at(london(9, 15)):
        barrier = learning.save_barrier(steward, "Panel only meets weekly", "", [council.id])
    with at(london(10, 20)):
        learning.log_barrier(barrier, steward, "Agreed a same-day route", "changed")
    return steward, council


def test_numbers_match_the_hand_computed_fixture():
    steward, council = build_fixture()
    with at(london(11, 15)):
        rows = dashboard.requests_for(steward, "2026-09", "2026-10")
        numbers = {n["month"]: n for n in dashboard.request_numbers(rows, ["2026-09", "2026-10"])}
        barriers = dashboard.barriers_over_time(["2026-08", "2026-09", "2026-10"])
        council_rows = dashboard.requests_for(steward, "2026-09", "2026-10", council)
    september, october = numbers["2026-09"], numbers["2026-10"]
    assert (september["raised"], september["resolved"], october["raised"], october["resolved"]) == (3, 1, 2, 2)
    assert september["response_median"] == 24 and september["response_p90"] == 96  # of 24, 96, 6
    assert october["response_median"] == 24 and october["response_p90"] == 24  # only E was answered
    assert september["resolution_median"] == 96  # A, resolved in September
    assert october["resolution_median"] == (720 + 48) / 2 and october["resolution_p90"] == 720  # B and E
    assert [b["raised"] for b in barriers] == [0, 1, 0] and [b["changed"] for b in barriers] == [0, 0, 1]
    titles = {thread.id: thread.title for thread in Thread.select()}
    assert sorted(titles[row[0]] for row in council_rows) == ["A", "B", "C", "D"]
    assert dashboard.by_theme(rows) == [("Emergency beds", 1)]


def test_percentile_is_nearest_rank():
    assert dashboard.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert dashboard.percentile([5], 0.9) == 5 and dashboard.percentile([], 0.9) is None


def test_periods_out_of_range_or_reversed_are_corrected_with_a_message():
    with at(london(11, 15)):
        assert dashboard.read_period("2026-10", "2026-06") == (
            "2026-06",
            "2026-10",
            "The start came after the end, so we swapped them.",
        )
        start, end, message = dashboard.read_period("1990-01", "2031-01")
        assert end == "2026-11" and "ends now" in message and "at most 36 months" in message
        assert dashboard.read_period("nonsense", "2026-13") == ("2026-06", "2026-11", None)


def test_dashboard_page_has_charts_with_tables(as_person):
    steward, _ = build_fixture()
    client = as_person(steward)
    page = client.get("/learning?from=2026-09&to=2026-10").text
    assert page.count('<svg class="chart"') == 6 and page.count("<table") == 6
    assert '<th scope="row">Sep 2026</th><td>3</td><td>1</td>' in page
    swapped = client.get("/learning?from=2026-10&to=2026-09", follow_redirects=True).text
    assert "we swapped them" in swapped
    member = as_person(make_user())
    assert member.get("/learning").status_code == 200


def test_requests_csv_round_trips_and_keeps_formulas_out(as_person):
    steward, _ = build_fixture()
    charity = make_org("Formula =Org")
    with at(london(10, 7)):
        make_request(make_user(charity), [charity], title='=HYPERLINK("http://evil")')
    response = as_person(steward).get("/learning/requests.csv?from=2026-09&to=2026-10")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == {"A", "B", "C", "D", "E", '\'=HYPERLINK("http://evil")'}
    assert by_title["A"]["hours to first response"] == "24.0" and by_title["A"]["hours to resolution"] == "96.0"
    assert (
        "open to answered" in by_title["A"]["status history"]
        and "answered to resolved" in by_title["A"]["status history"]
    )
    assert by_title["D"]["waiting on (days)"].startswith("Council: ")


def test_restricted_requests_are_not_counted_for_outsiders(as_person):
    charity, council = make_org(), make_org()
    with at(london(10, 2)):
        make_request(make_user(charity), [council], visibility="restricted", title="Secret")
    outsider = make_user()
    with at(london(11, 1)):
        rows = dashboard.requests_for(outsider, "2026-10", "2026-10")
    assert rows == []
    csv_text = as_person(outsider).get("/learning/requests.csv?from=2026-10&to=2026-10").text
    assert "Secret" not in csv_text


def test_barriers_csv_and_the_printable_report(as_person):
    steward, council = build_fixture()
    client = as_person(steward)
    rows = list(csv.DictReader(io.StringIO(client.get("/learning/barriers.csv").text)))
    assert rows[0]["barrier"] == "Panel only meets weekly" and rows[0]["status"] == "Changed"
    assert rows[0]["held by"] == "Council" and rows[0]["log entries"] == "1"
    report = client.get("/learning/report?month=2026-10").text
    assert "Learning report: Oct 2026" in report
    assert "Panel only meets weekly</a>: Raised → Changed" in report
    resolved, still_open = report.split("Requests resolved this month")[1].split("Requests still open")
    assert ">B</a>" in resolved and ">E</a>" in resolved and ">A</a>" not in resolved
    assert ">C</a>" in still_open and ">D</a>" in still_open
    assert "Learning report" in client.get("/learning/report?month=garbage&org=nobody").text
    assert Barrier.select().count() == 1 and BarrierLog.select().count() == 1
