"""The open-requests board, its waiting-on clocks, and the steward's actions on a request."""

import html
import re
from datetime import date, timedelta

import pytest
from playhouse.test_utils import count_queries

from portal import clock, tracking
from portal.db import database, is_sqlite
from portal.models import Event, Thread, ThreadAddressee

from .builders import make_org, make_request, make_steward, make_thread, make_user

HTMX = {"HX-Request": "true"}
START = clock.now().replace(microsecond=0) - timedelta(days=30)


def at(days, hours=0):
    return clock.fixed_at(START + timedelta(days=days, hours=hours))


def waits(thread):
    fresh = Thread.listing().where(Thread.id == thread.id).get()
    return [(wait.who, (wait.since - START).days) for wait in tracking.waiting_on(fresh)]


@pytest.fixture
def region():
    charity = make_org("Charity")
    first, second = make_org("First Council", kind="local_authority"), make_org("Second Council")
    return charity, first, second


def test_waiting_on_follows_each_organisation_separately(region):
    charity, first, second = region
    with at(0):
        thread = make_request(make_user(charity), [first, second])
    assert waits(thread) == [("First Council", 0), ("Second Council", 0)]
    with at(3):
        tracking.reply(thread, make_user(charity), "Anyone?")  # the asker nudging changes nobody's clock
        tracking.reply(thread, make_user(first), "We can help.")
    assert waits(thread) == [("Second Council", 0), ("Charity", 3)]
    with at(5):
        tracking.reply(thread, make_user(second), "So can we.")
    assert waits(thread) == [("Charity", 3)]
    assert Thread.get_by_id(thread.id).waiting_since == START + timedelta(days=3)


def test_reopen_waits_on_everyone_addressed_again_and_resolve_ends_all_waits(region):
    charity, first, second = region
    asker = make_user(charity)
    with at(0):
        thread = make_request(asker, [first, second])
    with at(1):
        tracking.reply(thread, make_user(first), "Done.")
        tracking.resolve(thread, asker)
    assert waits(thread) == [] and Thread.get_by_id(thread.id).waiting_since is None
    with at(4):
        tracking.reopen(thread, asker)
    assert waits(thread) == [("First Council", 4), ("Second Council", 4)]
    assert Thread.get_by_id(thread.id).status == "answered"


def test_steward_marking_an_organisation_not_needed_ends_its_wait(region):
    charity, first, second = region
    steward = make_steward()
    with at(0):
        thread = make_request(make_user(charity), [first, second])
    with at(2):
        tracking.mark_not_needed(thread, steward, second)
    assert waits(thread) == [("First Council", 0)]
    with at(3):
        tracking.mark_not_needed(thread, steward, first)
    assert waits(thread) == [("the steward", 0)]  # nobody left to answer: the steward decides


def test_a_request_the_steward_takes_on_waits_on_the_steward_too(region):
    charity, first, _ = region
    steward = make_steward(name="Sam Steward")
    with at(0):
        thread = make_request(make_user(charity), [first])
    with at(2):
        tracking.set_owner(thread, steward, steward)
    assert waits(thread) == [("First Council", 0), ("the steward (Sam Steward)", 2)]


def test_board_shows_live_requests_with_clocks_and_members_get_a_read_only_view(as_person, region):
    charity, first, second = region
    with at(0):
        make_request(make_user(charity), [first], title="Live need")
    resolved = make_request(make_user(charity), [first], title="Done need")
    tracking.resolve(resolved, make_steward())
    make_thread(make_user(charity), title="Just an update")
    make_request(make_user(second), [second], title="Secret need", visibility="restricted")
    steward_page = as_person(make_steward()).get("/board").text
    assert "Live need" in steward_page and "Secret need" in steward_page
    assert "Done need" not in steward_page and "Just an update" not in steward_page
    assert "First Council: <strong>30 days</strong>" in steward_page
    assert "Act on this request" in steward_page
    member_page = as_person(make_user(first)).get("/board").text
    assert "Live need" in member_page and "Secret need" not in member_page
    assert "Act on this request" not in member_page


def test_board_filters_sorts_and_counts(as_person, region):
    charity, first, second = region
    steward = make_steward()
    with at(0):
        make_request(make_user(charity), [first], title="Oldest")
    with at(5):
        answered = make_request(make_user(second), [charity], kind="question", title="Answered one")
        tracking.reply(answered, make_user(charity), "Here you go")
    with at(10):
        owned = make_request(make_user(charity), [second], title="Owned")
        tracking.set_owner(owned, steward, steward)
        tracking.set_follow_up(owned, steward, clock.in_london(clock.now()).date() - timedelta(days=1))
    client = as_person(steward)

    def titles(query):
        """The titles on the board, in the order shown."""
        page = client.get("/board?" + query).text
        shown = [t for t in ("Oldest", "Answered one", "Owned") if ">%s</a>" % t in page]
        return sorted(shown, key=lambda title: page.index(">%s</a>" % title))

    assert titles("") == ["Oldest", "Answered one", "Owned"]  # oldest waiting first
    assert titles("sort=activity") == ["Owned", "Answered one", "Oldest"]
    assert titles("sort=follow_up") == ["Owned", "Oldest", "Answered one"]
    assert titles("kind=question") == ["Answered one"]
    assert titles("status=open") == ["Oldest", "Owned"]
    assert titles("org=%s" % first.slug) == ["Oldest"]  # addressed to First and waiting on it
    assert titles("org=%s" % charity.slug) == ["Oldest", "Owned"]  # it asks; it has answered the other one
    assert titles("org=%s" % second.slug) == ["Answered one", "Owned"]  # it asks one and is waited on for one
    assert titles("owner=%d" % steward.id) == ["Owned"]
    assert titles("owner=none") == ["Oldest", "Answered one"]
    assert titles("show=overdue") == ["Owned"]
    assert titles("show=nobody") == ["Oldest", "Owned"]
    assert titles("show=stale") == ["Oldest", "Owned"]
    assert titles("show=mine") == ["Owned"]
    assert titles("kind=nonsense&org=nowhere&sort=sideways&page=x") == ["Oldest", "Answered one", "Owned"]
    page = client.get("/board").text
    for label, count in [("Every open request", 3), ("Follow-up date passed", 1), ("Owned by me", 1)]:
        assert '%s <span class="count">%d</span>' % (label, count) in page
    fragment = client.get("/board?kind=need", headers=HTMX).text
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="results"')


def board_queries(client):
    with count_queries() as counted:
        assert client.get("/board").status_code == 200
    return counted.count


def test_board_query_count_does_not_grow_with_requests(as_person, region):
    charity, first, second = region
    steward = make_steward()
    client = as_person(steward)
    thread = make_request(make_user(charity), [first, second])
    tracking.set_owner(thread, steward, steward)
    one = board_queries(client)
    for number in range(9):
        make_request(make_user(charity), [first, second], title="Request %d" % number)
    ten = board_queries(client)
    for number in range(490):
        tracking.start_thread(thread.author, "need", "More %d" % number, "Body", [first.id])
    with clock.fixed_at(clock.now()):  # what is kept lasts no longer than its minute, which must not turn here
        five_hundred = board_queries(client)
        # each after a change, so what is kept is read again: the person (and the latest change), the
        # organisations and stewards, the page's ids in order, their rows, their addressees and the counts
        assert one == ten == five_hundred <= 6
        # nothing has changed since: the pick lists, the page's ids and the counts are kept
        assert board_queries(client) == one - 3
        with count_queries() as counted:
            assert client.get("/board?page=2", headers=HTMX).status_code == 200
        assert counted.count == one - 2  # a page not kept yet: its ids are read, but neither pick lists nor counts


def test_the_counts_and_the_page_are_kept_until_a_request_changes_or_the_minute_turns(as_person, region):
    charity, first, _ = region
    steward, other = make_steward(), make_steward()
    thread = make_request(make_user(charity), [first], title="The first")

    def counts(person):
        page = as_person(person).get("/board").text
        return [int(n) for n in re.findall(r'<span class="count">(\d+)</span>', page)]

    def shown(person, query=""):
        return re.findall(r'<a href="/threads/\d+">([^<]+)</a>', as_person(person).get("/board" + query).text)

    with at(0, hours=10) as moment:
        assert counts(steward) == [1, 0, 0, 1, 0, 0]
        assert shown(steward) == ["The first"] and shown(steward, "?show=mine") == []
        tracking.set_owner(thread, steward, steward)
        assert counts(steward)[-1] == 1 and counts(other)[-1] == 0  # "Owned by me" is each steward's own
        assert shown(steward, "?show=mine") == ["The first"] and shown(other, "?show=mine") == []
        make_request(make_user(charity), [first], title="The second")
        assert counts(steward)[0] == 2 and shown(steward) == ["The first", "The second"]
        tracking.resolve(thread, steward)
        assert counts(steward)[0] == 1 and shown(steward) == ["The second"]
        # a change made outside the portal records no event: what is kept lasts until the minute turns, but the
        # rows shown are read afresh
        Thread.update(status="open").where(Thread.id == thread.id).execute()
        Thread.update(title="The second, renamed").where(Thread.title == "The second").execute()
        assert counts(steward)[0] == 1 and shown(steward) == ["The second, renamed"]
    with clock.fixed_at(moment + timedelta(minutes=1)):
        assert counts(steward)[0] == 2 and shown(steward) == ["The second, renamed", "The first"]  # not waiting last


def test_a_kept_page_still_asks_who_may_see_each_request(as_person, region):
    charity, first, second = region
    thread = make_request(make_user(charity), [first], title="Open to all")
    client = as_person(make_user(second))
    with at(0, hours=10):
        assert "Open to all" in client.get("/board").text
        # restricted behind the portal's back, as a change that commits out of order would look: the page's ids
        # are kept, but its rows are read only for what the person may see
        Thread.update(visibility="restricted").where(Thread.id == thread.id).execute()
        assert "Open to all" not in client.get("/board").text


def test_steward_sets_owner_and_follow_up_from_the_board_row(as_person, region):
    charity, first, _ = region
    steward = make_steward(name="Sam Steward")
    thread = make_request(make_user(charity), [first], title="Row need")
    client = as_person(steward)
    row = client.post("/threads/%d/owner" % thread.id, data={"owner": steward.id, "view": "row"}, headers=HTMX)
    assert row.status_code == 200 and row.text.lstrip().startswith('<li id="request-%d"' % thread.id)
    assert "Sam Steward" in row.text and "Sam Steward owns this request now." in row.text
    assert 'hx-swap-oob="innerHTML"' in row.text
    later = date.today() + timedelta(days=3)
    plain = client.post(
        "/threads/%d/follow-up" % thread.id, data={"follow_up_on": later.isoformat(), "next": "/board?kind=need"}
    )
    assert plain.status_code == 303 and plain.headers["Location"] == "/board?kind=need"
    assert Thread.get_by_id(thread.id).follow_up_on == later
    client.post("/threads/%d/follow-up" % thread.id, data={"clear": "1"})
    assert Thread.get_by_id(thread.id).follow_up_on is None
    actions = [e.action for e in Event.select().where(Event.thread == thread.id).order_by(Event.id)]
    assert actions == ["thread_started", "owner_changed", "follow_up_set", "follow_up_set"]


def test_resolving_from_the_board_leaves_a_note_in_the_rows_place(as_person, region):
    charity, first, _ = region
    thread = make_request(make_user(charity), [first])
    response = as_person(make_steward()).post(
        "/threads/%d/status" % thread.id, data={"action": "resolve", "view": "row"}, headers=HTMX
    )
    assert response.status_code == 200 and "Act on this request" not in response.text
    assert "The request is resolved." in response.text and "is resolved now." in response.text


@pytest.mark.parametrize(
    "path, data, message",
    [
        ("follow-up", {"follow_up_on": "31/12/2026"}, "Enter the follow-up date as a real date"),
        ("follow-up", {"follow_up_on": "1066-10-14"}, "between 2000 and 2100"),
        ("owner", {"owner": "999999"}, "Choose a steward as the owner."),
        ("owner", {"owner": "abc"}, "Choose a steward as the owner."),
        ("addressees", {"organisation": "999999"}, "Choose an organisation"),
        ("notes", {"text": ""}, "Write the note first."),
    ],
)
def test_bad_action_input_is_refused_clearly(as_person, region, path, data, message):
    charity, first, _ = region
    thread = make_request(make_user(charity), [first])
    client = as_person(make_steward())
    fragment = client.post("/threads/%d/%s" % (thread.id, path), data=dict(data), headers=HTMX)
    assert fragment.status_code == 422 and message in fragment.text
    assert fragment.headers["HX-Retarget"] == "#messages"
    plain = client.post("/threads/%d/%s" % (thread.id, path), data=dict(data), follow_redirects=True)
    assert message in plain.text
    assert Event.select().where(Event.thread == thread.id).count() == 1


def test_addressees_can_be_added_removed_and_the_last_one_stays(as_person, region):
    charity, first, second = region
    thread = make_request(make_user(charity), [first])
    client = as_person(make_steward())
    response = client.post("/threads/%d/addressees" % thread.id, data={"organisation": second.id}, headers=HTMX)
    assert response.status_code == 200 and "Second Council: not replied yet" in response.text
    assert "addressed this request to Second Council too" in response.text
    again = client.post("/threads/%d/addressees" % thread.id, data={"organisation": second.id}, follow_redirects=True)
    assert "Second Council is already addressed." in again.text
    client.post("/threads/%d/addressees/%d/remove" % (thread.id, first.id))
    last = client.post("/threads/%d/addressees/%d/remove" % (thread.id, second.id), follow_redirects=True)
    assert "must stay addressed to at least one organisation" in last.text
    assert [a.organisation_id for a in ThreadAddressee.select()] == [second.id]
    assert client.post("/threads/%d/addressees/999999/remove" % thread.id).status_code == 404


def test_close_with_a_reason_shows_in_the_timeline_and_header(as_person, region):
    charity, first, _ = region
    thread = make_request(make_user(charity), [first])
    client = as_person(make_steward(name="Sam Steward"))
    response = client.post(
        "/threads/%d/status" % thread.id, data={"action": "close", "reason": "other", "note": "Sorted by phone"}
    )
    assert response.status_code == 303
    page = client.get("/threads/%d" % thread.id).text
    assert "Closed because</dt><dd>Other: Sorted by phone" in page
    assert "Sam Steward closed this request (other: Sorted by phone)" in page
    twice = client.post("/threads/%d/status" % thread.id, data={"action": "close", "reason": "duplicate"})
    assert twice.status_code == 303
    assert Event.select().where(Event.action == "status_changed").count() == 1


def test_steward_notes_are_seen_only_by_stewards(as_person, region):
    charity, first, _ = region
    thread = make_request(make_user(charity), [first])
    steward = as_person(make_steward())
    response = steward.post("/threads/%d/notes" % thread.id, data={"text": "Rang **St Helens**."}, headers=HTMX)
    assert "<strong>St Helens</strong>" in response.text and 'hx-swap-oob="beforeend:#timeline"' in response.text
    assert "Rang" in steward.get("/threads/%d" % thread.id).text
    assert "Rang" not in as_person(make_user(charity)).get("/threads/%d" % thread.id).text


@pytest.mark.parametrize(
    "path, data",
    [
        ("owner", {"owner": ""}),
        ("follow-up", {"clear": "1"}),
        ("addressees", {"organisation": "1"}),
        ("addressees/1/remove", {}),
        ("addressees/1/not-needed", {}),
        ("notes", {"text": "Hi"}),
        ("status", {"action": "close", "reason": "duplicate"}),
        ("pin", {"value": "on"}),
        ("lock", {"value": "on"}),
        ("merge", {"target": "1"}),
        ("links", {"target": "1"}),
    ],
)
def test_members_cannot_use_steward_actions(as_person, region, path, data):
    charity, first, _ = region
    asker = make_user(charity)
    thread = make_request(asker, [first])
    assert as_person(asker).post("/threads/%d/%s" % (thread.id, path), data=data).status_code == 403
    assert Event.select().count() == 1


def test_closing_from_the_board_row(as_person, region):
    charity, first, _ = region
    thread = make_request(make_user(charity), [first])
    client = as_person(make_steward())
    tools = "/board/requests/%d/tools" % thread.id
    assert 'hx-get="%s?next=' % tools in client.get("/board").text  # the row's forms come when they are opened
    assert "Close because" in client.get(tools, headers=HTMX).text
    response = client.post(
        "/threads/%d/status" % thread.id,
        data={"action": "close", "reason": "withdrawn", "view": "row"},
        headers=HTMX,
    )
    assert "The request is closed." in response.text and "is closed now." in response.text
    assert "Act on this request" not in response.text
    assert Thread.get_by_id(thread.id).close_reason == "withdrawn"


def test_stewards_home_shows_where_to_look(as_person, region):
    charity, first, second = region
    steward = make_steward()
    with at(0):
        stale = make_request(make_user(charity), [first, second], title="Stale")
    make_request(make_user(charity), [first], title="Fresh")
    tracking.set_follow_up(stale, steward, date(2020, 1, 1))
    page = as_person(steward).get("/").text
    overview = page.split('id="overview-title"')[1].split("</section>")[0]
    assert '<span class="overview__number">2</span> open requests' in overview
    assert 'href="/board?show=overdue"><span class="overview__number">1</span> follow-ups overdue' in overview
    assert '<span class="overview__number">1</span> with no reply for more than 7 days' in overview
    assert overview.index("First Council</a>: 2 requests") < overview.index("Second Council</a>: 1 request")
    assert 'href="/board?org=%s"' % first.slug in overview
    assert "Where to look today" not in as_person(make_user(charity)).get("/").text
    for _ in range(2):
        make_request(make_user(charity), [second])
    overview = as_person(steward).get("/").text.split('id="overview-title"')[1]
    assert '<span class="overview__number">4</span> open requests' in overview
    assert overview.index("Second Council</a>: 3 requests") < overview.index("First Council</a>: 2 requests")


def test_board_actions_without_javascript_come_back_to_the_same_filters(as_person, region):
    charity, first, _ = region
    thread = make_request(make_user(charity), [first])
    client = as_person(make_steward())
    page = client.get("/board?kind=need&sort=activity").text
    tools = re.search(r'<a href="(/board/requests/\d+/tools[^"]*)">Open the tools for this request</a>', page)
    tools_page = client.get(html.unescape(tools.group(1))).text
    assert "<h1>Act on this request</h1>" in tools_page and "Close because" in tools_page
    assert 'name="next" value="/board?kind=need&amp;sort=activity"' in tools_page
    response = client.post("/threads/%d/owner" % thread.id, data={"owner": "", "next": "/board?kind=need"})
    assert response.headers["Location"] == "/board?kind=need"
    elsewhere = client.post("/threads/%d/owner" % thread.id, data={"owner": "", "next": "https://evil.example/"})
    assert elsewhere.headers["Location"] == "/threads/%d" % thread.id
    assert 'value="https://evil.example/"' not in client.get(tools.group(1) + "&next=https://evil.example/").text


def test_only_the_steward_opens_a_rows_tools_and_only_for_live_requests(as_person, region):
    charity, first, _ = region
    asker = make_user(charity)
    thread = make_request(asker, [first])
    path = "/board/requests/%d/tools" % thread.id
    assert as_person(asker).get(path).status_code == 403
    steward = make_steward()
    tracking.resolve(thread, steward)
    client = as_person(steward)
    assert client.get(path).status_code == 404 and client.get("/board/requests/999999/tools").status_code == 404


def test_a_filtered_board_still_reads_its_own_index(as_person, region, monkeypatch):
    """With a status chosen, SQLite took the status index and read every open request's row (12 ms at huge)."""
    if not is_sqlite():
        pytest.skip("PostgreSQL picks an index by its statistics, which a handful of rows cannot show")
    client, seen = as_person(make_steward()), []
    execute = type(database.obj).execute_sql

    def noting(db, sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return execute(db, sql, params, *args, **kwargs)

    monkeypatch.setattr(type(database.obj), "execute_sql", noting)
    assert client.get("/board?status=open").status_code == 200
    monkeypatch.undo()
    sql, params = next((sql, params) for sql, params in seen if '"t1"."waiting_since" ASC' in sql)
    plan = " / ".join(row[-1] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "COVERING INDEX thread_board" in plan, plan
