"""Learning cycles: starting, proposing, editing, entries and the steward's decision, through the HTTP client."""

from datetime import date, datetime, timedelta

import pytest
from playhouse.test_utils import count_queries

from portal import clock
from portal.models import Barrier, CycleEntry, CycleOrganisation, CycleThread, Event, LearningCycle

from .builders import make_cycle, make_org, make_request, make_steward, make_thread, make_user


@pytest.fixture
def charity():
    return make_org("Hope Street")


@pytest.fixture
def council():
    return make_org("Riverside Council", kind="local_authority")


def test_a_member_starts_a_cycle_for_their_organisation_with_its_links(as_person, charity, council):
    member = make_user(charity)
    thread = make_request(member, [council], title="Crash pad turned away")
    barrier = Barrier.create(title="Crash pads held for another group")
    client = as_person(member)
    assert client.get("/cycles/new").status_code == 200
    response = client.post(
        "/cycles/new",
        data={
            "title": "Direct referral for outreach",
            "noticed": "Outreach **turned away** <script>x</script>",
            "threads": "#%d" % thread.id,
            "barriers": [str(barrier.id)],
            "organisations": [str(council.id)],
            "trying_from": "2026-11-02",
            "review_on": "2026-12-01",
            "visibility": "all",
            "action": "start",
        },
    )
    assert response.status_code == 303
    cycle = LearningCycle.get()
    assert cycle.status == "noticing" and cycle.organisation_id == charity.id
    assert "<strong>turned away</strong>" in cycle.noticed_html and "<script>" not in cycle.noticed_html
    assert cycle.trying_from == date(2026, 11, 2) and cycle.review_on == date(2026, 12, 1)
    assert {r.organisation_id for r in CycleOrganisation.select()} == {charity.id, council.id}
    assert [r.thread_id for r in CycleThread.select()] == [thread.id]
    assert Event.get(Event.action == "cycle_started").data["cycle"] == cycle.id
    page = client.get(response.headers["Location"]).text
    assert "Direct referral for outreach" in page and "Crash pad turned away" in page
    assert "Crash pads held for another group" in page and "Riverside Council" in page


def test_a_wrong_form_keeps_the_input_and_says_what_is_wrong(as_person, charity, council):
    member = make_user(charity)
    hidden = make_request(make_user(council), [], title="Not yours", visibility="restricted")
    response = as_person(member).post(
        "/cycles/new",
        data={
            "title": "Kept title",
            "noticed": "",
            "threads": "%d" % hidden.id,
            "review_on": "2026-13-45",
            "visibility": "all",
        },
    )
    assert response.status_code == 422
    assert "Kept title" in response.text and "Say what you noticed" in response.text
    assert "Enter a real date" in response.text and "2026-13-45" in response.text
    assert LearningCycle.select().count() == 0
    response = as_person(member).post(
        "/cycles/new", data={"title": "T", "noticed": "N", "threads": "%d" % hidden.id, "visibility": "all"}
    )
    assert response.status_code == 422 and "There is no thread #%d that you can see" % hidden.id in response.text
    for nonsense in ("abc", "1" * 40, ", ".join(["1"] * 60)):
        data = {"title": "T", "noticed": "N", "threads": nonsense, "visibility": "all"}
        assert as_person(member).post("/cycles/new", data=data).status_code == 422


def test_a_member_proposes_and_the_steward_declines_with_a_reason_the_proposer_sees(as_person, charity):
    member, steward = make_user(charity), make_steward()
    response = as_person(member).post(
        "/cycles/new", data={"title": "Ask every council", "noticed": "N", "visibility": "all", "action": "propose"}
    )
    cycle = LearningCycle.get()
    assert response.status_code == 303 and cycle.status == "proposed"
    assert "Accept or decline" not in as_person(member).get("/cycles/%d" % cycle.id).text
    assert as_person(member).post("/cycles/%d/decision" % cycle.id, data={"decision": "accept"}).status_code == 403
    boss = as_person(steward)
    missing_reason = boss.post("/cycles/%d/decision" % cycle.id, data={"decision": "decline"})
    assert missing_reason.status_code == 422 and "Say why you are declining it" in missing_reason.text
    boss.post("/cycles/%d/decision" % cycle.id, data={"decision": "decline", "reason": "The region does this already"})
    assert LearningCycle.get().status == "declined"
    assert "The region does this already" in as_person(member).get("/cycles/%d" % cycle.id).text
    assert Event.get(Event.action == "cycle_declined").data["reason"] == "The region does this already"
    # a decided proposal cannot be decided again
    assert boss.post("/cycles/%d/decision" % cycle.id, data={"decision": "accept"}).status_code == 403


def test_the_steward_accepts_a_proposal_and_it_starts(as_person, charity):
    cycle = make_cycle(make_user(charity), propose=True)
    response = as_person(make_steward()).post("/cycles/%d/decision" % cycle.id, data={"decision": "accept"})
    assert response.status_code == 303 and LearningCycle.get().status == "noticing"


def test_entries_are_dated_move_the_status_and_set_the_next_review(as_person, charity, council):
    member = make_user(council)
    cycle = make_cycle(make_user(charity), organisations=[council])
    client = as_person(member)
    response = client.post(
        "/cycles/%d/entries" % cycle.id, data={"note": "A month's trial", "status": "trying", "review_on": "2027-01-04"}
    )
    assert response.status_code == 303
    cycle = LearningCycle.get()
    assert cycle.status == "trying" and cycle.review_on == date(2027, 1, 4)
    entry = CycleEntry.get()
    assert (entry.status_before, entry.status_after) == ("noticing", "trying")
    client.post("/cycles/%d/entries" % cycle.id, data={"note": "It stuck", "status": "embedded"})
    assert LearningCycle.get().embedded_at is not None
    assert [e.data["after"] for e in Event.select().where(Event.action == "cycle_entry").order_by(Event.id)] == [
        "trying",
        "embedded",
    ]
    page = client.get("/cycles/%d" % cycle.id).text
    assert "Noticing → Trying" in page and "Trying → Embedded" in page
    empty = client.post("/cycles/%d/entries" % cycle.id, data={"note": "", "status": "nonsense"})
    assert empty.status_code == 422 and "Write what happened" in empty.text


def test_editing_keeps_the_organisation_that_started_it(as_person, charity, council):
    member = make_user(charity)
    cycle = make_cycle(member, organisations=[council])
    client = as_person(member)
    form = client.get("/cycles/%d/edit" % cycle.id)
    assert form.status_code == 200 and "Direct referral into crash pads" in form.text
    response = client.post(
        "/cycles/%d/edit" % cycle.id,
        data={"title": "Renamed", "noticed": "N", "learned": "It works", "visibility": "restricted"},
    )
    assert response.status_code == 303
    cycle = LearningCycle.get()
    assert cycle.title == "Renamed" and cycle.learned_html == "<p>It works</p>\n" and cycle.visibility == "restricted"
    assert {r.organisation_id for r in CycleOrganisation.select()} == {charity.id}
    assert Event.get(Event.action == "cycle_edited").data == {
        "cycle": cycle.id,
        "before": "Direct referral into crash pads",
        "after": "Renamed",
    }


def test_wrong_ids_are_404_and_a_restricted_cycle_is_404_to_outsiders(as_person, charity, council):
    cycle = make_cycle(make_user(charity), organisations=[council], visibility="restricted", title="Quiet one")
    outsider = as_person(make_user(make_org()))
    for path in ("/cycles/%d" % cycle.id, "/cycles/%d/edit" % cycle.id, "/cycles/999999", "/cycles/99999999999"):
        assert outsider.get(path).status_code == 404
    assert outsider.post("/cycles/%d/entries" % cycle.id, data={"note": "x"}).status_code == 404
    assert "Quiet one" not in outsider.get("/cycles").text
    assert "Quiet one" in as_person(make_user(council)).get("/cycles").text


def test_the_list_filters_by_status_and_words_and_pages(as_person, charity):
    member = make_user(charity)
    for number in range(7):
        make_cycle(member, title="Cycle %d" % number)
    make_cycle(member, title="Crash pads", propose=True)
    client = as_person(member)
    first = client.get("/cycles").text
    assert "Crash pads" in first and "Next page" in first
    proposed = client.get("/cycles?status=proposed").text
    assert "Crash pads" in proposed and "Cycle 3" not in proposed
    found = client.get("/cycles?q=crash").text
    assert "Crash pads" in found and "Cycle 3" not in found
    assert client.get("/cycles?status=nonsense&page=x").status_code == 200


def test_the_list_costs_the_same_queries_for_one_cycle_or_a_full_page(as_person, charity, council):
    member = make_user(charity)
    make_cycle(member, organisations=[council])
    client = as_person(member)

    def queries(path):
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return counted.count

    few = queries("/cycles")
    for number in range(12):
        make_cycle(member, title="More %d" % number, organisations=[council, make_org()])
    assert queries("/cycles") == few <= 6
    cycle = make_cycle(member, threads=[make_thread(member)], organisations=[council])
    one = queries("/cycles/%d" % cycle.id)
    for number in range(5):
        client.post("/cycles/%d/entries" % cycle.id, data={"note": "Entry %d" % number})
    assert queries("/cycles/%d" % cycle.id) == one <= 6


def test_an_overdue_review_is_flagged(as_person, charity):
    member = make_user(charity)
    today = clock.in_london(clock.now()).date()
    make_cycle(member, title="Late one", review_on=today - timedelta(days=2))
    make_cycle(member, title="On time", review_on=today + timedelta(days=2))
    page = as_person(member).get("/cycles").text
    assert page.count("Review overdue") == 1
    assert page.index("Review overdue") > page.index("Late one") or page.index("Review overdue") < page.index("On time")


def test_reviews_due_are_on_the_stewards_desk_with_the_overdue_flagged_at_no_extra_query(as_person, charity, council):
    member, steward = make_user(charity), make_steward()
    make_request(member, [council])
    today = clock.in_london(clock.now()).date()
    make_cycle(member, title="Late review", review_on=today - timedelta(days=3))
    make_cycle(member, title="Soon review", review_on=today + timedelta(days=5))
    make_cycle(member, title="Far review", review_on=today + timedelta(days=60))
    embedded = make_cycle(member, title="Done review", review_on=today - timedelta(days=3))
    LearningCycle.update(status="embedded").where(LearningCycle.id == embedded.id).execute()
    page = as_person(steward).get("/").text
    desk = page.split("Learning cycles to review")[1].split("</ul>")[0]
    assert desk.index("Late review") < desk.index("Review overdue") < desk.index("Soon review")
    assert "Far review" not in desk and "Done review" not in desk and desk.count("Review overdue") == 1
    assert "Riverside Council" in page  # still who requests wait on, from the same query
    assert "Learning cycles to review" not in as_person(member).get("/").text


def test_reviews_due_come_in_the_stewards_digest_with_the_overdue_flagged(charity):
    from portal import schedule
    from portal.models import Outbox

    two_days_ago = clock.now() - timedelta(days=2)
    steward = make_steward(created=two_days_ago)
    member = make_user(charity, created=two_days_ago, email_frequency="daily")
    today = clock.in_london(clock.now()).date()
    make_cycle(member, title="Late review", review_on=today - timedelta(days=3))
    make_cycle(member, title="Today review", review_on=today)
    make_cycle(member, title="Later review", review_on=today + timedelta(days=3))
    Outbox.delete().execute()
    schedule.digests()
    mails = list(Outbox.select().where(Outbox.to_address == steward.email))
    assert len(mails) == 1 and mails[0].subject == "Partner portal: 2 learning cycle reviews due"
    text = mails[0].text
    assert "Late review (REVIEW OVERDUE since" in text and "Today review (review on" in text
    assert "Later review" not in text and "/cycles/" in text
    assert "review overdue</strong>" in mails[0].html
    assert not Outbox.select().where(Outbox.to_address == member.email).exists()  # the stewards' only


def test_a_cycle_shows_on_the_threads_and_barriers_it_links_to_those_who_may_see_it(as_person, charity, council):
    member = make_user(charity)
    thread = make_request(member, [council], title="Crash pad")
    barrier = Barrier.create(title="Crash pads held back")
    make_cycle(member, title="Open cycle", threads=[thread], barriers=[barrier])
    make_cycle(member, title="Quiet cycle", threads=[thread], barriers=[barrier], visibility="restricted")
    outsider, insider = as_person(make_user(make_org())), as_person(make_user(council))
    for path in ("/threads/%d" % thread.id, "/barriers/%d" % barrier.id):
        seen = outsider.get(path).text
        assert "Open cycle" in seen and "Quiet cycle" not in seen, path
        assert "Quiet cycle" in as_person(member).get(path).text, path
        assert "Open cycle" in insider.get(path).text, path


def test_search_finds_cycles_with_every_word_that_the_person_may_see(as_person, charity, council):
    member = make_user(charity)
    make_cycle(member, title="Crash pads for outreach", learned="Referral on the night works")
    make_cycle(member, title="Crash pads quietly", visibility="restricted")
    outsider = as_person(make_user(make_org()))
    found = outsider.get("/search?q=crash+night").text
    assert "Learning cycles with" in found and "Crash pads for outreach" in found and "quietly" not in found
    assert "Crash pads quietly" in as_person(member).get("/search?q=crash").text
    assert "Learning cycles with" not in outsider.get("/search?q=aubergine").text


def test_the_monthly_report_has_the_cycles_started_and_reviewed_in_the_month(as_person, charity, council):
    member = make_user(charity)
    with clock.fixed_at(datetime(2026, 10, 20, 12)):
        older = make_cycle(member, title="October cycle")
    with clock.fixed_at(datetime(2026, 11, 3, 12)):
        make_cycle(member, title="November cycle", organisations=[council])
        make_cycle(member, title="Hidden cycle", visibility="restricted")
        as_person(member).post("/cycles/%d/entries" % older.id, data={"note": "Trial began", "status": "trying"})
    outsider = as_person(make_user(make_org()))
    report = outsider.get("/learning/report?month=2026-11").text
    section = report.split("Learning cycles started and reviewed")[1].split("Requests resolved")[0]
    assert "November cycle" in section and "Hidden cycle" not in section
    assert "October cycle" in section and "Noticing → Trying" in section and "Trial began" in section
    assert "3 November 2026 at 12:00" in section
    only_council = outsider.get("/learning/report?month=2026-11&org=%s" % council.slug).text
    assert "November cycle" in only_council and "October cycle" not in only_council
    assert "No learning cycle was started" in outsider.get("/learning/report?month=2026-09").text


def test_the_dashboard_compares_waits_of_requests_of_a_cycles_kind_before_and_after_its_change(as_person, charity):
    from portal import learning, tracking

    council, other = make_org("St Helens", kind="local_authority"), make_org("Elsewhere", kind="local_authority")
    member, officer = make_user(charity), make_user(council)
    steward = make_steward()
    beds = learning.save_theme(steward, "Emergency beds")

    def request_answered_after(start, hours, theme=beds, to=council):
        with clock.fixed_at(start):
            thread = make_request(member, [to])
            learning.set_thread_themes(thread, steward, [theme.id] if theme else [])
        if hours is not None:
            with clock.fixed_at(start + timedelta(hours=hours)):
                tracking.reply(thread, officer if to == council else make_user(to), "Yes")
        return thread

    noticed = request_answered_after(datetime(2026, 9, 1, 9), 96)
    request_answered_after(datetime(2026, 9, 10, 9), 48)
    request_answered_after(datetime(2026, 9, 12, 9), 1, theme=None)  # not of its kind: no shared theme
    request_answered_after(datetime(2026, 9, 12, 9), 1, to=other)  # nor addressed to its organisations
    request_answered_after(datetime(2026, 10, 10, 9), 12)
    request_answered_after(datetime(2026, 10, 11, 9), None)  # still waiting: counted, not timed
    cycle = make_cycle(member, title="Crash pads", organisations=[council], threads=[noticed])
    make_cycle(member, title="Not changed yet", organisations=[council])
    with clock.fixed_at(datetime(2026, 10, 1, 9)):
        as_person(member).post("/cycles/%d/entries" % cycle.id, data={"note": "Done", "status": "embedded"})
    page = as_person(make_user(make_org())).get("/learning/cycles").text
    row = page.split("<tbody>")[1].split("</tr>")[0]
    assert "Crash pads" in row and "1 October 2026 at 10:00" in row
    assert "<td>3.0</td><td>2 of 2</td><td>0.5</td><td>1 of 2</td>" in row
    assert 'role="img"' in page and "Before: 3 days" in page and "After: 0.5 days" in page
    assert "Not changed yet" in page.split("Cycles with no change yet")[1]
    assert "/learning/cycles" in as_person(member).get("/learning").text


def test_the_demo_tells_the_crash_pad_story_as_an_embedded_cycle(client):
    from portal import demo
    from portal.models import Thread, User

    demo.seed()
    cycle = LearningCycle.get()
    assert cycle.status == "embedded" and cycle.embedded_at is not None and cycle.changed_on is not None
    steps = [e.status_after for e in CycleEntry.select().order_by(CycleEntry.created)]
    assert steps == [None, "trying", "reviewing", None, "embedded"]
    crash_pad = Thread.get(Thread.title.contains("crash pad for a rough sleeper"))
    officer = client
    officer.sign_in(User.get(User.email == demo.ST_HELENS), demo.PASSWORD)
    assert cycle.title in officer.get("/threads/%d" % crash_pad.id).text
    page = officer.get("/cycles/%d" % cycle.id).text
    assert "a month's trial" in page and "Reviewing → Embedded" in page
    assert cycle.title in officer.get("/learning/cycles").text.split("<tbody>")[1]
    (rule,) = cycle.rule_rows
    assert rule.rule.number == 2 and "Crash pads and sit-up beds: version 2" in page
    assert cycle.title in officer.get("/services/%d/rules" % rule.rule.service_id).text


def test_a_cycle_links_the_rule_versions_it_changed_shown_both_ways(as_person, charity, council):
    from portal.models import CycleRule

    from .builders import make_service

    officer = make_user(council)
    service = make_service(officer, name="St Helens crash pads")
    member = make_user(charity)
    client = as_person(member)
    form = client.get("/cycles/new").text
    assert "St Helens crash pads: version 1, from" in form
    rule_id = service.rule_versions[0].id
    data = {"title": "Crash pads", "noticed": "N", "visibility": "all", "rules": [str(rule_id)], "action": "start"}
    response = client.post("/cycles/new", data=data)
    assert response.status_code == 303 and [r.rule_id for r in CycleRule.select()] == [rule_id]
    page = client.get(response.headers["Location"]).text
    assert "St Helens crash pads: version 1" in page and "/services/%d/rules#version-1" % service.id in page
    reader = as_person(make_user(make_org()))
    for path in ("/services/%d" % service.id, "/services/%d/rules" % service.id):
        assert "Crash pads</a>" in reader.get(path).text, path
    wrong = client.post("/cycles/new", data={**data, "rules": ["999999"]})
    assert wrong.status_code == 422 and "Choose from the rule versions listed" in wrong.text
