"""What reads every live request or every request of a period, kept by each process between changes: the board's
counts and its page of ids in order, where the steward should look, the learning dashboard's numbers, a search's
ranked matches. Most pages are drawn while nothing has changed; the rows they show are read afresh each time.

Every change made in the portal to a request, a post, a theme, a barrier, an organisation or a person records an
event in its own transaction (tracking.record), so the newest event's id says whether anything may have changed.
A kept answer also lasts no longer than its minute: on PostgreSQL an event's id is taken before its transaction
commits, so a change that commits out of order is counted by the next minute at the latest, as is what records no
event (the retention policy's removals, people added from the command line). Lists of ids kept here are read again
through rules.threads_in_order, which asks again who may see each thread.
"""

from threading import Lock

from flask import g
from peewee import fn

from .clock import now
from .db import run_kept
from .models import Event

KEPT_MOST = 1024
_kept = {}
_keeping = Lock()  # threads of one process share what is kept


def newest_event():
    """The query of the newest event's id: the query that finds the signed-in person brings it as a column."""
    return Event.select(fn.MAX(Event.id))


def latest_change():
    """The newest event's id, read once per request (with the person signed in, or here)."""
    if "latest_change" not in g:
        g.latest_change = run_kept("latest change", newest_event, plain=True)[0][0]
    return g.latest_change


def after_change():
    """This request has just made a change: what it counts next reads the newest event again, not the one read
    before the change."""
    g.pop("latest_change", None)


def tally(key, count):
    """count()'s answer, kept for `key` (which names everything it depends on besides the requests themselves)
    until an event is recorded or the minute turns. The latest change is read before counting, so a change that
    commits in between is in the answer and is counted again next time."""
    latest = latest_change()
    place = (key, now().replace(second=0, microsecond=0))
    kept = _kept.get(place)
    if kept is not None and kept[0] == latest:
        return kept[1]
    answer = count()
    with _keeping:
        while len(_kept) >= KEPT_MOST:  # the oldest go first
            del _kept[next(iter(_kept))]
        _kept[place] = (latest, answer)
    return answer


def forget():
    """Drop every kept answer (tests empty the database between them, and event ids start again)."""
    with _keeping:
        _kept.clear()
