"""The learning dashboard's numbers against a hand-computed fixture, its period checks, and the exports."""

import csv
import io
import re
from datetime import datetime, timedelta

from playhouse.test_utils import count_queries

from portal import charts, clock, dashboard, learning, tracking
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
        months, themes = dashboard.numbers(steward, ["2026-09", "2026-10"])
        numbers = {n["month"]: n for n in months}
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
    assert themes == [("Emergency beds", 1)]


def test_a_request_raised_before_the_period_counts_in_the_month_it_was_resolved():
    steward, _ = build_fixture()
    with at(london(11, 15)):
        (october,), _ = dashboard.numbers(steward, ["2026-10"])
    assert (october["raised"], october["resolved"]) == (2, 2)  # D and E raised; B (from September) and E resolved
    assert october["resolution_median"] == (720 + 48) / 2 and october["response_median"] == 24


def answered_after(month, hours, asker, officer, council):
    with at(london(month, 1)):
        thread = make_request(asker, [council])
    with at(london(month, 1) + timedelta(hours=hours)):
        tracking.reply(thread, officer, "Answer")


def test_percentile_is_nearest_rank():
    charity, council = make_org(), make_org()
    asker, officer = make_user(charity), make_user(council)
    for hours in range(1, 11):
        answered_after(9, hours, asker, officer, council)
    answered_after(10, 5, asker, officer, council)
    with at(london(11, 15)):
        (september, october, november), _ = dashboard.numbers(make_steward(), ["2026-09", "2026-10", "2026-11"])
    assert september["response_p90"] == 9 and september["response_median"] == 5.5  # of 1, 2, ... 10
    assert october["response_p90"] == 5 and october["response_median"] == 5  # of 5
    assert november["response_p90"] is None and november["response_median"] is None and november["raised"] == 0


def test_times_are_exact_to_the_microsecond():
    charity, council = make_org(), make_org()
    raised = london(9, 1).replace(microsecond=900000)
    answered = raised + timedelta(hours=1, microseconds=-800000)  # the fraction of a second goes down
    with at(raised):
        thread = make_request(make_user(charity), [council])
    with at(answered):
        tracking.reply(thread, make_user(council), "Answer")
    with at(london(11, 15)):
        (september,), _ = dashboard.numbers(make_steward(), ["2026-09"])
    assert september["response_median"] == september["response_p90"] == dashboard.hours(raised, answered)


def test_months_are_london_months_across_the_clock_changes():
    """Half past midnight on 1 October in London is still 30 September in UTC (summer time); on 1 November it
    is the same time in both (the clocks went back on 25 October)."""
    charity, council = make_org(), make_org()
    asker = make_user(charity)
    answers = {key: "Fine" for key, _ in learning.CHECKIN_PROMPTS}
    for moment in (london(9, 30, 23), london(10, 1, 0) + timedelta(minutes=30), london(10, 31, 23)):
        with at(moment):
            make_request(asker, [council])
    with at(london(10, 1, 0) + timedelta(minutes=30)):
        learning.post_checkin(asker, answers)
    with at(london(11, 1, 0) + timedelta(minutes=30)):
        make_request(asker, [council])
        learning.post_checkin(asker, answers)
    with at(london(11, 15)):
        numbers, _ = dashboard.numbers(make_steward(), ["2026-09", "2026-10", "2026-11"])
    assert [(n["raised"], n["received"]) for n in numbers] == [(1, 0), (2, 1), (1, 1)]


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


def learning_queries(client):
    with count_queries() as counted:
        assert client.get("/learning?from=2026-09&to=2026-11&org=council").status_code == 200
    return counted.count


def test_dashboard_queries_do_not_grow_with_requests(as_person):
    steward, council = build_fixture()
    client = as_person(steward)
    few = learning_queries(client)
    charity = make_org()
    for number in range(20):
        with at(london(10, 10)):
            thread = make_request(make_user(charity), [council], title="More %d" % number)
            tracking.resolve(thread, thread.author)
    with clock.fixed_at(clock.now()):  # what is kept lasts no longer than its minute, which must not turn here
        assert learning_queries(client) == few <= 6  # each after a change
        # nothing has changed since: the numbers, the barriers and the organisations to pick from are kept
        assert learning_queries(client) == few - 3


def test_the_numbers_are_kept_until_anything_changes_or_the_minute_turns(as_person):
    steward, council = build_fixture()
    client = as_person(steward)

    def raised_in_october():
        page = client.get("/learning?from=2026-09&to=2026-10").text
        return int(re.search(r'<th scope="row">Oct 2026</th><td>(\d+)</td>', page).group(1))

    moment = london(10, 12)
    with at(moment):
        assert raised_in_october() == 2
        thread = make_request(make_user(make_org()), [council], title="Raised now")
        assert raised_in_october() == 3
        # a change made outside the portal records no event: the kept numbers last until the minute turns
        Thread.update(kind="update").where(Thread.id == thread.id).execute()
        assert raised_in_october() == 3
    with at(moment + timedelta(minutes=1)):
        assert raised_in_october() == 2


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
    assert list(rows) == []
    csv_text = as_person(outsider).get("/learning/requests.csv?from=2026-10&to=2026-10").text
    assert "Secret" not in csv_text


def test_barriers_csv_and_the_printable_report(as_person):
    steward, council = build_fixture()
    client = as_person(steward)
    rows = list(csv.DictReader(io.StringIO(client.get("/learning/barriers.csv").text)))
    assert rows[0]["barrier"] == "Panel only meets weekly" and rows[0]["status"] == "Changed"
    assert rows[0]["held by"] == "Council" and rows[0]["log entries"] == "1"
    report = client.get("/learning/report?month=2026-10").text
    assert "Learning report: October 2026" in report
    assert "Panel only meets weekly</a>: Raised → Changed" in report
    resolved, still_open = report.split("Requests resolved this month")[1].split("Requests still open")
    assert ">B</a>" in resolved and ">E</a>" in resolved and ">A</a>" not in resolved
    assert ">C</a>" in still_open and ">D</a>" in still_open
    assert "Learning report" in client.get("/learning/report?month=2026-10&org=nobody").text
    assert client.get("/learning/report?month=garbage").status_code == 400
    assert Barrier.select().count() == 1 and BarrierLog.select().count() == 1


def test_every_bar_is_labelled_in_words_so_no_legend_or_colour_is_needed():
    svg = str(
        charts.bar_chart("Days", ["Sep 2026", "Oct 2026"], [("Median", [1, None]), ("Most", [2.5, 0])], ("day", "days"))
    )
    assert [label for label in re.findall(r'class="chart__label">([^<]+)<', svg)] == [
        "Median: 1 day",
        "Most: 2.5 days",
        "Median: no data",
        "Most: 0 days",
    ]
    assert svg.count("<rect") == 4 and "legend" not in svg
    assert str(charts.bar_chart("Themes", [], [("Requests", [])])) == ""
