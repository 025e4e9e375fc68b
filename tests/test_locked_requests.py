"""A locked request waits on nobody: its clocks stop while it is locked, every view says it is locked by the steward,
and unlocking starts the clocks again from the unlock."""

import re
from datetime import timedelta

from portal import clock, tracking
from portal.models import Thread

from .builders import make_org, make_request, make_steward, make_user

START = clock.now().replace(microsecond=0) - timedelta(days=30)


def at(days):
    return clock.fixed_at(START + timedelta(days=days))


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def waits(thread):
    fresh = Thread.listing().where(Thread.id == thread.id).get()
    return [(wait.who, (wait.since - START).days) for wait in tracking.waiting_on(fresh)]


def test_a_locked_request_waits_on_nobody_in_every_view(as_person):
    steward = make_steward()
    council = make_org("Liverpool City Council", kind="local_authority")
    officer = make_user(council)
    with at(0):
        thread = make_request(make_user(make_org("Charity")), [council], title="Crash pad")
    with at(2):
        as_person(steward).post("/threads/%d/lock" % thread.id, data={"value": "on"})
    assert waits(thread) == []
    assert Thread.get_by_id(thread.id).waiting_since is None
    with at(9):
        client = as_person(steward)
        page = text(client.get("/threads/%d" % thread.id))
        assert "Waiting on Nobody: locked by the steward" in page
        assert "Liverpool City Council: 9 days" not in page
        board = text(client.get("/board"))
        assert "Crash pad" in board and "Waiting on Nobody: locked by the steward" in board
        assert "Requests waiting on" not in text(client.get("/"))
        # the board's "asking or waited on" filter no longer finds it under the council
        assert "Crash pad" not in text(client.get("/board?org=%s" % council.slug))
        officers_home = text(as_person(officer).get("/"))
        assert "Crash pad" not in officers_home and "Nothing is waiting for your organisation." in officers_home


def test_unlocking_starts_the_clocks_again_from_the_unlock(as_person):
    steward = make_steward()
    charity, council = make_org("Charity"), make_org("Council", kind="local_authority")
    with at(0):
        thread = make_request(make_user(charity), [council], title="Crash pad")
    with at(1):
        tracking.set_owner(thread, steward, steward)
    with at(2):
        as_person(steward).post("/threads/%d/lock" % thread.id, data={"value": "on"})
    with at(8):
        as_person(steward).post("/threads/%d/lock" % thread.id, data={"value": "off"})
    assert waits(thread) == [("Council", 8), ("the steward (%s)" % steward.name, 8)]
    assert Thread.get_by_id(thread.id).waiting_since == START + timedelta(days=8)
    with at(9):
        assert "Council: 1 day" in text(as_person(steward).get("/threads/%d" % thread.id))


def test_an_answer_while_locked_waits_for_the_asker_only_once_unlocked(as_person):
    steward = make_steward()
    charity = make_org("Charity")
    with at(0):
        thread = make_request(make_user(charity), [steward.organisation], title="Crash pad")
    with at(1):
        as_person(steward).post("/threads/%d/lock" % thread.id, data={"value": "on"})
    with at(2):
        tracking.reply(thread, steward, "Here is the answer.")
    assert waits(thread) == []
    with at(4):
        as_person(steward).post("/threads/%d/lock" % thread.id, data={"value": "off"})
    assert waits(thread) == [("Charity", 4)]
